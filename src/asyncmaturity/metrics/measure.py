"""Measure: the registered metrics over the store, for the organization and each scope.

Example::

    from asyncmaturity.metrics.measure import measure
    result = measure(store="team.duckdb")
    result.metrics["response.first_reply.median_s"]
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import ibis.expr.types as ir

from asyncmaturity import __version__
from asyncmaturity.charter import Charter
from asyncmaturity.metrics import METRICS, Metric
from asyncmaturity.metrics.frames import SCOPES, Frames, build_frames
from asyncmaturity.metrics.ledger_metrics import FRAME as LEDGER_FRAME
from asyncmaturity.metrics.ledger_metrics import build_ledger_frame
from asyncmaturity.store.evidence import open_evidence

Value = float | int | None


@dataclass
class MeasureResult:
    """Metric values for the whole store and per scope, with what was suppressed for privacy."""

    metrics: dict[str, Value]
    scopes: dict[str, dict[str, dict[str, Value]]]
    suppressed: dict[str, int]  # per scope: groups with at least one family's figures withheld
    charter: Charter
    store: str
    counts: dict[str, int]
    first: datetime | None
    last: datetime | None
    since: str | None = None
    until: str | None = None
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """The stable machine-readable form (the `measure --json` contract)."""
        return {
            "tool": {"name": "asyncmaturity", "version": __version__},
            "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "store": {"path": self.store, "counts": self.counts},
            "period": {
                "since": self.since,
                "until": self.until,
                "first_message": self.first.isoformat() if self.first else None,
                "last_message": self.last.isoformat() if self.last else None,
            },
            "metrics": self.metrics,
            "scopes": self.scopes,
            "privacy": {
                "min_group_size": self.charter.min_group_size,
                "suppressed_groups": self.suppressed,
            },
            "definitions": {
                m.id: {"label": m.label, "unit": m.unit, "definition": m.definition}
                for m in METRICS.values()
            },
            "notes": self.notes,
        }


def _clean(metric: Metric, value: Any) -> Value:
    if value is None:
        return None
    number = float(value)
    if math.isnan(number):
        return None
    return int(number) if metric.unit == "count" else number


# The evidence family of each frame: a scope group shows or withholds a family's metrics together.
FAMILIES = {
    "human": "chat",
    "roots": "chat",
    "meetings": "meetings",
    "attendee_days": "meetings",
    "attended": "meetings",
    "work_items": "work",
    "requests": "requests",
    LEDGER_FRAME: "ledger",
}
# The frame that counts a family's people in a group, for the minimum group size.
PEOPLE: dict[str, Callable[[ir.Table], ir.Scalar]] = {
    "human": lambda t: t.author_id.nunique(),
    "attendee_days": lambda t: t.person_key.nunique(where=t.active_in_month),
    "work_items": lambda t: t.author_key.nunique(where=~t.author_is_bot),
    "requests": lambda t: t.author_key.nunique(),
    LEDGER_FRAME: lambda t: t.author_key.nunique(),
}
# Frames built here rather than in build_frames, from the frames it built (family -> builder),
# only when a chosen metric reads them.
EXTRA_FRAMES: dict[str, Callable[[Frames], ir.Table | None]] = {
    LEDGER_FRAME: build_ledger_frame,
}


def frame_tables(frames: Frames, families: set[str]) -> dict[str, ir.Table]:
    """Every frame with evidence, :data:`EXTRA_FRAMES` included where `families` want them."""
    tables = frames.tables()
    for name, build in EXTRA_FRAMES.items():
        if FAMILIES[name] in families:
            extra = build(frames)
            if extra is not None:
                tables[name] = extra
    return tables


def _aggregate(
    frame: ir.Table,
    metrics: list[Metric],
    by: list[str],
    people: Callable[[ir.Table], ir.Scalar] | None,
) -> list[dict[str, Any]]:
    if by:
        frame = frame.filter(*[frame[c].notnull() for c in by])
    aggregates = {m.id: m.aggregate(frame) for m in metrics}
    if by and people is not None:
        aggregates["__people"] = people(frame)
    table = frame.group_by(by).aggregate(**aggregates) if by else frame.aggregate(**aggregates)
    records: list[dict[str, Any]] = table.to_pyarrow().to_pylist()
    return records


def compute(
    frames: Frames, metrics: list[Metric] | None = None
) -> tuple[dict[str, Value], dict[str, dict[str, dict[str, Value]]], dict[str, int]]:
    """Compute `metrics` (all by default) for the organization and every scope of SCOPES.

    A scope applies to a frame that has its column (meetings and work items have months only). In
    a group, each evidence family (chat, meetings, work) with fewer people than the charter's
    min_group_size is withheld: chat counts message authors, meetings the people who attended one
    that month, work the human item authors. The third return value counts the withheld
    (group, family) pairs; a group with nothing left is dropped whole.
    """
    chosen = list(METRICS.values()) if metrics is None else metrics
    wanted = {FAMILIES[m.frame] for m in chosen}
    organization: dict[str, Value] = {}
    scopes: dict[str, dict[str, dict[str, Value]]] = {}
    suppressed: dict[str, int] = {}
    minimum = frames.charter.min_group_size
    tables = frame_tables(frames, wanted)
    for scope, by in SCOPES.items():
        groups: dict[str, dict[str, Value]] = {}
        present: dict[str, set[str]] = {}
        people: dict[tuple[str, str], int] = {}
        for frame_name, frame in tables.items():
            if not set(by) <= set(frame.columns):
                continue
            family = FAMILIES[frame_name]
            selected = [m for m in chosen if m.frame == frame_name]
            counter = PEOPLE.get(frame_name) if by and family in wanted else None
            if not selected and counter is None:
                continue
            for row in _aggregate(frame, selected, by, counter):
                group = str(row[by[0]]) if by else ""
                values = groups.setdefault(group, {})
                present.setdefault(group, set()).add(family)
                for m in selected:
                    values[m.id] = _clean(m, row[m.id])
                if "__people" in row:
                    people[(family, group)] = int(row["__people"] or 0)
        # Registry order, whichever frame a value came from.
        groups = {g: {m.id: v.get(m.id) for m in chosen} for g, v in groups.items()}
        if not by:
            organization = groups.get("", {m.id: None for m in chosen})
            continue
        kept: dict[str, dict[str, Value]] = {}
        withheld = 0
        for group, values in sorted(groups.items()):
            families = present[group] & wanted
            shown = {f for f in families if people.get((f, group), 0) >= minimum}
            # A group counts once, however many of its evidence families were withheld.
            withheld += bool(families - shown)
            if shown:
                kept[group] = {
                    m.id: values[m.id] if FAMILIES[m.frame] in shown else None for m in chosen
                }
        suppressed[scope] = withheld
        scopes[scope] = kept
    return organization, scopes, suppressed


def measure(
    *,
    store: Path | str,
    charter: Charter | None = None,
    since: date | datetime | None = None,
    until: date | datetime | None = None,
    engine: str = "duckdb",
    spark_master: str | None = None,
    secret: str | None = None,
) -> MeasureResult:
    """Compute every registered metric over the store for the period [since, until).

    Parameters:
        store: an evidence store written by `ingest`, or a Parquet folder written by
            `export --parquet` (or `simulate --parquet`).
        charter: working norms; the documented defaults when omitted.
        since, until: UTC bounds on message time; a date `until` includes that whole day.
        engine: ``duckdb`` (default) or ``spark`` (a Parquet folder; the ``spark`` extra).
        spark_master: the Spark master URL; see :func:`asyncmaturity.store.evidence.open_evidence`.
        secret: a Parquet export's store secret, for a charter that names people.
    """
    charter = charter or Charter()
    with open_evidence(store, engine=engine, spark_master=spark_master, secret=secret) as opened:
        frames = build_frames(opened, charter, since=since, until=until)
        organization, scopes, suppressed = compute(frames)
        notes = []
        if frames.unmatched_charter_ids:
            notes.append(
                f"{len(frames.unmatched_charter_ids)} people named in the charter are not in the "
                "store; their entries had no effect"
            )
        return MeasureResult(
            metrics=organization,
            scopes=scopes,
            suppressed=suppressed,
            charter=charter,
            store=str(store),
            counts=opened.counts(),
            first=frames.first,
            last=frames.last,
            since=since.isoformat() if since else None,
            until=until.isoformat() if until else None,
            notes=notes,
        )
