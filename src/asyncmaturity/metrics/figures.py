"""The distributions the report draws, aggregated from the frames of a measurement: how long
first replies take, when people write, and which sources the evidence came from.

Everything here is a team-level aggregate; the report only formats it.
"""

from __future__ import annotations

from dataclasses import dataclass

import ibis

from asyncmaturity.metrics.business import hour_of_week
from asyncmaturity.metrics.frameset import Frames
from asyncmaturity.store.database import EVIDENCE_KEYS

# Edges of the time-to-first-reply histogram, in seconds; the last bucket is open-ended.
LATENCY_EDGES: tuple[tuple[str, float], ...] = (
    ("< 5 min", 0),
    ("5-15 min", 300),
    ("15-60 min", 900),
    ("1-4 h", 3600),
    ("4-24 h", 4 * 3600),
    ("1-3 d", 86400),
    ("3-7 d", 3 * 86400),
    ("> 7 d", 7 * 86400),
)


@dataclass(frozen=True)
class Bucket:
    """One bar of a distribution: a half-open range [low_s, high_s) and how many fall in it."""

    label: str
    low_s: float
    high_s: float | None
    count: int


@dataclass(frozen=True)
class EvidenceFigures:
    """The report's distributions of one measurement.

    Attributes:
        first_reply_distribution: answered thread roots by time to the first reply.
        hour_of_week: heatmap[weekday][hour] of human messages in the author's local time,
            weekday 0 = Monday.
        sources: the sources the evidence came from, sorted.
    """

    first_reply_distribution: list[Bucket]
    hour_of_week: list[list[int]]
    sources: list[str]


def evidence_figures(frames: Frames) -> EvidenceFigures:
    """The report's distributions over the frames of a run."""
    roots = frames.roots.filter(frames.roots.answered)
    bucket = ibis.cases(
        *[
            (roots.latency_s >= low, index)
            for index, (_, low) in reversed(list(enumerate(LATENCY_EDGES)))
        ],
        else_=0,
    )
    bucketed = roots.mutate(bucket=bucket)
    counted = bucketed.group_by("bucket").aggregate(n=bucketed.count())
    per_bucket = {int(r["bucket"]): int(r["n"]) for r in counted.to_pyarrow().to_pylist()}
    distribution = [
        Bucket(
            label=label,
            low_s=low,
            high_s=LATENCY_EDGES[i + 1][1] if i + 1 < len(LATENCY_EDGES) else None,
            count=per_bucket.get(i, 0),
        )
        for i, (label, low) in enumerate(LATENCY_EDGES)
    ]

    human = frames.human
    weekday, hour = hour_of_week(human.local_s)
    placed = human.mutate(weekday=weekday, hour=hour)
    cells = placed.group_by(["weekday", "hour"]).aggregate(n=placed.count())
    heatmap = [[0] * 24 for _ in range(7)]
    for row in cells.to_pyarrow().to_pylist():
        if row["weekday"] is not None and row["hour"] is not None:
            heatmap[int(row["weekday"])][int(row["hour"])] = int(row["n"])
    return EvidenceFigures(
        first_reply_distribution=distribution,
        hour_of_week=heatmap,
        sources=evidence_sources(frames),
    )


def evidence_sources(frames: Frames) -> list[str]:
    """The sources that contributed rows to any evidence table, sorted."""
    evidence = frames.evidence
    tables = [evidence.table(name).select("source").distinct() for name in EVIDENCE_KEYS]
    union = ibis.union(*tables, distinct=True)
    return sorted(str(row["source"]) for row in union.to_pyarrow().to_pylist())
