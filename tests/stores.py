"""A test's evidence store: one ingested from a simulated Slack export, and its rows read back
without taking the write lock."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb

from asyncmaturity.simulate.export import simulate_slack_export
from asyncmaturity.simulate.params import SimulationParams
from asyncmaturity.store.ingest import ingest


def simulated_store(folder: Path, params: SimulationParams) -> Path:
    """The store `folder`/s.duckdb, holding the Slack export simulated with `params` into
    `folder`/export."""
    simulate_slack_export(folder / "export", params)
    ingest([folder / "export"], store=folder / "s.duckdb")
    return folder / "s.duckdb"


def store_rows(store: Path, sql: str) -> list[tuple[Any, ...]]:
    """The rows `sql` gives over the store file at `store`, opened read-only."""
    with duckdb.connect(str(store), read_only=True) as con:
        return con.execute(sql).fetchall()
