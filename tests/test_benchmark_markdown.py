"""BENCHMARKS.md merging: a partial benchmark run replaces its own tables and keeps every other
section's markers, so the next partial run still finds its own."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


@pytest.fixture(scope="module")
def run() -> ModuleType:
    """benchmarks/run.py, which imports its sibling scripts by name (taken out of the module
    table again, so no other test imports them by accident)."""
    siblings = {path.stem for path in BENCHMARKS.glob("*.py")}
    before = set(sys.modules)
    sys.path.insert(0, str(BENCHMARKS))
    try:
        spec = importlib.util.spec_from_file_location("benchmarks_run", BENCHMARKS / "run.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module  # its dataclasses look their module up there
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(BENCHMARKS))
        for name in (set(sys.modules) - before) & (siblings | {"benchmarks_run"}):
            del sys.modules[name]
    return module


OLD = """# Benchmarks

## Targets: 0 of 0 met

| target | result | detail |
|---|---|---|

## Results

### Ingest of 5 files

| messages |
|---|
| 5 |

<!-- section: spark -->

### Spark against DuckDB, 1 rounds

| ratio |
|---|
| 11.4 |

### Ingest of 9 files

| messages |
|---|
| 9 |

<!-- /section: spark -->

## How each figure is obtained

* **Ingest**: as written before.
"""


def _report(run: ModuleType) -> object:
    report = run.Report(
        command="python benchmarks/run.py --only ingest",
        machine=run.machine_info() | {"commit": "0000000"},
        started="2026-12-07 09:00 UTC",
        repeat=1,
    )
    report.section = "ingest"
    report.table("Ingest of 7 files", ["messages"], [["7"]])
    return report


def test_a_replaced_table_keeps_the_next_sections_start_marker(run: ModuleType) -> None:
    merged = run.merge_markdown(OLD, _report(run))
    # The unmarked "Ingest of 5 files" (same title but its number) is replaced ...
    assert "| 5 |" not in merged and "| 7        |" in merged
    assert merged.count("<!-- section: ingest -->") == 1
    # ... and the spark section keeps both markers, with its tables between them.
    spark = merged.split("<!-- section: spark -->")[1].split("<!-- /section: spark -->")[0]
    assert "Spark against DuckDB" in spark and "| 11.4 |" in spark
    # A table of the same title inside another section's markers is that section's.
    assert "| 9 |" in spark
    # Merging again finds the ingest markers and changes nothing more.
    assert run.merge_markdown(merged, _report(run)) == merged
