"""Measure: the registered metrics over the store, for the organization and each scope.

Example::

    from asyncmaturity.measure import measure
    result = measure(store="team.duckdb")
    result.metrics["response.first_reply.median_s"]
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import ibis.expr.types as ir

from asyncmaturity import __version__
from asyncmaturity.charter import Charter
from asyncmaturity.metrics import METRICS, Metric
from asyncmaturity.metrics.frames import SCOPES, Frames, build_frames
from asyncmaturity.store import EvidenceStore

Value = float | int | None


@dataclass
class MeasureResult:
    """Metric values for the whole store and per scope, with what was suppressed for privacy."""

    metrics: dict[str, Value]
    scopes: dict[str, dict[str, dict[str, Value]]]
    suppressed: dict[str, int]
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


def _aggregate(frame: ir.Table, metrics: list[Metric], by: list[str]) -> list[dict[str, Any]]:
    if by:
        frame = frame.filter(*[frame[c].notnull() for c in by])
    aggregates = {m.id: m.aggregate(frame) for m in metrics}
    if by and "author_id" in frame.columns:
        aggregates["__people"] = frame.author_id.nunique()
    table = frame.group_by(by).aggregate(**aggregates) if by else frame.aggregate(**aggregates)
    records: list[dict[str, Any]] = table.to_pyarrow().to_pylist()
    return records


def compute(
    frames: Frames, metrics: list[Metric] | None = None
) -> tuple[dict[str, Value], dict[str, dict[str, dict[str, Value]]], dict[str, int]]:
    """Compute `metrics` (all by default) for the organization and every scope of SCOPES.

    Groups with fewer active people than the charter's min_group_size are suppressed whole (their
    people count comes from the human-message frame) and counted in the third return value.
    """
    chosen = list(METRICS.values()) if metrics is None else metrics
    by_frame = {"human": frames.human, "roots": frames.roots}
    organization: dict[str, Value] = {}
    scopes: dict[str, dict[str, dict[str, Value]]] = {}
    suppressed: dict[str, int] = {}
    minimum = frames.charter.min_group_size
    for scope, by in SCOPES.items():
        groups: dict[str, dict[str, Value]] = {}
        people: dict[str, int] = {}
        for frame_name, frame in by_frame.items():
            selected = [m for m in chosen if m.frame == frame_name]
            if not selected:
                continue
            for row in _aggregate(frame, selected, by):
                group = str(row[by[0]]) if by else ""
                values = groups.setdefault(group, {})
                for m in selected:
                    values[m.id] = _clean(m, row[m.id])
                if frame_name == "human" and "__people" in row:
                    people[group] = int(row["__people"])
        # Registry order, whichever frame a value came from.
        groups = {g: {m.id: v.get(m.id) for m in chosen} for g, v in groups.items()}
        if not by:
            organization = groups.get("", {m.id: None for m in chosen})
            continue
        kept = {g: v for g, v in sorted(groups.items()) if people.get(g, 0) >= minimum}
        suppressed[scope] = len(groups) - len(kept)
        scopes[scope] = kept
    return organization, scopes, suppressed


def measure(
    *,
    store: Path | str,
    charter: Charter | None = None,
    since: date | datetime | None = None,
    until: date | datetime | None = None,
) -> MeasureResult:
    """Compute every registered metric over the store for the period [since, until).

    Parameters:
        store: an evidence store written by `ingest`.
        charter: working norms; the documented defaults when omitted.
        since, until: UTC bounds on message time; a date `until` includes that whole day.
    """
    charter = charter or Charter()
    with EvidenceStore.open(store, create=False) as opened:
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
