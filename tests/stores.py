"""A test's evidence store: one ingested from a simulated Slack export, and its rows read back
without taking the write lock."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import duckdb

from asyncmaturity.charter import Charter
from asyncmaturity.metrics import METRICS
from asyncmaturity.metrics.frames import build_frames
from asyncmaturity.metrics.measure import compute
from asyncmaturity.simulate.export import simulate_slack_export
from asyncmaturity.simulate.params import SimulationParams
from asyncmaturity.store.evidence import open_evidence
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


def figures(
    store: Path,
    metric_ids: list[str],
    *,
    charter: Charter | None = None,
    since: date | None = None,
    until: date | None = None,
) -> dict[str, Any]:
    """The organization's figures of `metric_ids` over `store`, computed by measure's frames and
    :func:`compute` alone: a property test that checks a few figures in many small stores skips
    the rest of `measure` (every other metric, visibility, notes), about five sixths of its time
    on a small store."""
    with open_evidence(store) as opened:
        frames = build_frames(opened, charter or Charter(), since=since, until=until)
        organization, _, _, _ = compute(frames, [METRICS[m] for m in metric_ids])
    return organization
