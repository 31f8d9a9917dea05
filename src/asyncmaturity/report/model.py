"""The figures a report shows, computed by the core, rendered by :mod:`asyncmaturity.report.html`.

Everything here is already aggregated at team or organization level and already filtered by the
minimum group size: a renderer only formats it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class MetricFigure:
    """One headline figure with its definition, as the metric registry states it."""

    id: str
    label: str
    value: float | int | None
    unit: str  # "count", "share", "seconds", "hours"
    definition: str


@dataclass(frozen=True)
class Bucket:
    """One bar of a distribution: a half-open range [low_s, high_s) and how many fall in it."""

    label: str
    low_s: float
    high_s: float | None
    count: int


@dataclass(frozen=True)
class MonthShare:
    """After-hours share of one calendar month (UTC month of the message)."""

    month: str  # "YYYY-MM"
    messages: int
    after_hours_share: float | None


@dataclass(frozen=True)
class GroupRow:
    """Figures for one group of a breakdown (a conversation kind, a channel, a month)."""

    group: str
    people: int
    values: dict[str, float | int | None]


@dataclass(frozen=True)
class ReportData:
    """All that the HTML report shows; see :func:`asyncmaturity.report.build_report_data`."""

    title: str
    generated_at: str  # ISO 8601 UTC
    period_start: str | None  # ISO date of the first message in scope
    period_end: str | None
    sources: list[str]
    min_group_size: int
    headline: list[MetricFigure]
    first_reply_distribution: list[Bucket]
    # heatmap[weekday][hour]: human messages in the author's local time, weekday 0 = Monday
    hour_of_week: list[list[int]]
    after_hours_by_month: list[MonthShare]
    by_conversation_kind: list[GroupRow]
    breakdown_metric_ids: list[str]
    suppressed_groups: int
    charter_summary: list[str] = field(default_factory=list)
    # The assessment JSON document (of kind asyncmaturity.assess.ASSESSMENT_KIND) and a
    # comparison, when assessed.
    assessment: dict[str, Any] | None = None
    comparison: dict[str, Any] | None = None
