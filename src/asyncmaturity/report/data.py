"""Compute the report's figures from the store: the measure results plus two distributions."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import ibis

from asyncmaturity.charter import Charter
from asyncmaturity.metrics import METRICS
from asyncmaturity.metrics.business import hour_of_week
from asyncmaturity.metrics.frames import build_frames
from asyncmaturity.metrics.measure import compute
from asyncmaturity.report.model import Bucket, GroupRow, MetricFigure, MonthShare, ReportData
from asyncmaturity.store.database import EvidenceStore

HEADLINE = (
    "messages.human",
    "people.active",
    "response.answered_share",
    "response.first_reply.median_s",
    "response.first_reply.business.median_s",
    "response.within_window_share",
    "hours.after_hours_share",
    "messages.dm_share",
)
BREAKDOWN = (
    "messages.human",
    "response.answered_share",
    "response.first_reply.median_s",
    "response.first_reply.business.median_s",
    "hours.after_hours_share",
)
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


def build_report_data(
    *,
    store: Path | str,
    charter: Charter | None = None,
    since: date | datetime | None = None,
    until: date | datetime | None = None,
    title: str = "Asynchronous communication report",
) -> ReportData:
    """Everything the report shows, aggregated and filtered by the minimum group size."""
    charter = charter or Charter()
    with EvidenceStore.open(store, create=False) as opened:
        frames = build_frames(opened, charter, since=since, until=until)
        organization, scopes, suppressed = compute(frames)

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

        sources = [
            str(r[0])
            for r in opened.con.execute("SELECT DISTINCT source FROM ingests ORDER BY 1").fetchall()
        ]

    months = [
        MonthShare(
            month=month,
            messages=int(values.get("messages.human") or 0),
            after_hours_share=_float(values.get("hours.after_hours_share")),
        )
        for month, values in sorted(scopes.get("month", {}).items())
    ]
    kinds = [
        GroupRow(group=kind, people=int(values.get("people.active") or 0), values=values)
        for kind, values in sorted(scopes.get("conversation_kind", {}).items())
    ]
    headline = [
        MetricFigure(
            id=metric_id,
            label=METRICS[metric_id].label,
            value=organization.get(metric_id),
            unit=METRICS[metric_id].unit,
            definition=METRICS[metric_id].definition,
        )
        for metric_id in HEADLINE
    ]
    hours = charter.working_hours
    return ReportData(
        title=title,
        generated_at=datetime.now(UTC).isoformat(timespec="seconds"),
        period_start=frames.first.date().isoformat() if frames.first else None,
        period_end=frames.last.date().isoformat() if frames.last else None,
        sources=sources,
        min_group_size=charter.min_group_size,
        headline=headline,
        first_reply_distribution=distribution,
        hour_of_week=heatmap,
        after_hours_by_month=months,
        by_conversation_kind=kinds,
        breakdown_metric_ids=list(BREAKDOWN),
        suppressed_groups=suppressed.get("conversation_kind", 0),
        charter_summary=[
            f"Working days: {', '.join(charter.working_days)}; hours {hours.start}-{hours.end} "
            "in each person's own time zone (default " + charter.timezone + ").",
            "Response windows (working hours): "
            + ", ".join(f"{k} {v:g} h" for k, v in charter.response_windows.items())
            + ".",
            f"Minimum group size: {charter.min_group_size}.",
        ],
    )


def _float(value: float | int | None) -> float | None:
    return None if value is None else float(value)
