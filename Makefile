# Everything a fresh machine needs: `make demo` and `make test` create .venv and install into it.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SPARK_STAMP := $(VENV)/.spark
DEMO_DIR := demo-output

.PHONY: demo test lint typecheck docs browser postgres java bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	rm -rf $(DEMO_DIR) && mkdir -p $(DEMO_DIR)
	$(BIN)/asyncmaturity simulate --out $(DEMO_DIR)/export --people 40 --days 60 --seed 7 \
		--profile reactive --survey-out $(DEMO_DIR)/survey.csv
	$(BIN)/asyncmaturity ingest $(DEMO_DIR)/export --store $(DEMO_DIR)/store.duckdb
	$(BIN)/asyncmaturity measure --store $(DEMO_DIR)/store.duckdb --json $(DEMO_DIR)/metrics.json
	$(BIN)/asyncmaturity assess --store $(DEMO_DIR)/store.duckdb --survey $(DEMO_DIR)/survey.csv \
		--json $(DEMO_DIR)/assessment.json --markdown $(DEMO_DIR)/assessment.md \
		--html $(DEMO_DIR)/report.html

# The Spark parity test runs PySpark (the spark extra, a large download: only for tests).
$(SPARK_STAMP): $(STAMP)
	$(BIN)/pip install --quiet -e '.[dev,spark]'
	touch $(SPARK_STAMP)

# Spark needs a Java 17 runtime; install Debian's when missing and we are root.
java:
	@command -v java >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jre-headless >/dev/null) || echo "java not installed: the Spark parity test will be skipped"; }

# Page tests need Debian's chromium; install it when missing and we are allowed to (root).
browser:
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) || echo "chromium not installed: browser tests will be skipped"; }

# The web tests run once on SQLite and once on a throwaway PostgreSQL cluster they start
# themselves; install Debian's server binaries when missing and we are root.
postgres:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null) || echo "postgresql not installed: the PostgreSQL half of the web tests will be skipped"; }

test: $(STAMP) $(SPARK_STAMP) browser postgres java
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy
	$(BIN)/pytest -q -n auto --dist loadfile

docs: $(STAMP)
	$(BIN)/asyncmaturity docs metrics > docs/metrics.md
	$(BIN)/asyncmaturity docs sources > docs/sources.md
	$(BIN)/asyncmaturity docs charter > docs/charter.md
	$(BIN)/asyncmaturity docs frameworks > docs/frameworks.md
	$(BIN)/asyncmaturity docs await > docs/await.md

bench: $(STAMP)
	$(BIN)/pip install --quiet -e '.[dev,bench]'
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) $(DEMO_DIR) .pytest_cache .mypy_cache .ruff_cache
