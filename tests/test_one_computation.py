"""Metrics are computed once per run: `assess --json --markdown --html` sends every query to the
engine once, and among them each of `measure`'s metric queries, so rendering reads what the one
measurement computed and never opens the store again."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from ibis.backends.duckdb import Backend
from typer.testing import CliRunner

from asyncmaturity.cli import app
from asyncmaturity.simulate.params import SimulationParams
from tests.stores import simulated_store

runner = CliRunner()
# Ibis names each in-memory table anew; the rest of a query is what it computes.
MEMTABLE = re.compile(r"ibis_\w*memtable_\w+")


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("once")
    return simulated_store(folder, SimulationParams(people=12, days=10, seed=5))


@pytest.fixture
def queries(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every query DuckDB is asked to compute, as SQL, while the test runs."""
    sent: list[str] = []
    for name in ("to_pyarrow", "execute"):
        original = getattr(Backend, name)

        def recording(self: Backend, expr: Any, *args: Any, _run: Any = original, **kw: Any) -> Any:
            sent.append(MEMTABLE.sub("memtable", str(self.compile(expr))))
            return _run(self, expr, *args, **kw)

        monkeypatch.setattr(Backend, name, recording)
    yield sent


def _run(*args: str) -> None:
    result = runner.invoke(app, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output


def test_assess_with_every_renderer_computes_each_query_once(
    store: Path, tmp_path: Path, queries: list[str]
) -> None:
    _run("measure", "--store", str(store), "--json", str(tmp_path / "metrics.json"))
    measured = list(queries)
    queries.clear()
    out = [str(tmp_path / name) for name in ("a.json", "a.md", "a.html")]
    _run("assess", "--store", str(store), "--json", out[0], "--markdown", out[1], "--html", out[2])
    assessed = Counter(queries)
    assert measured and all(Path(path).stat().st_size for path in out)
    assert [query for query, count in assessed.items() if count > 1] == []
    # The metric queries: those over the materialized frames; assess sends each of them once.
    metric_queries = [query for query in measured if "_am_" in query]
    assert metric_queries
    assert [query for query in metric_queries if assessed[query] != 1] == []
