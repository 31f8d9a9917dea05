"""The figures a report shows, computed by the core, rendered by :mod:`asyncmaturity.report.html`.

Everything here is already aggregated at team or organization level and already filtered by the
minimum group size: a renderer only formats it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from asyncmaturity.assess.document import AssessmentDocument, ComparisonDocument
from asyncmaturity.metrics.figures import Bucket
from asyncmaturity.units import Unit


@dataclass(frozen=True)
class MetricFigure:
    """One headline figure with its definition, as the metric registry states it."""

    id: str
    label: str
    value: float | int | None
    unit: Unit
    definition: str


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
class SeenRow:
    """Whether the exports show one aspect (None: none stated it), and which do and do not."""

    aspect: str
    visible: bool | None
    seen_by: list[str]
    not_seen_by: list[str]


@dataclass(frozen=True)
class AssumedRow:
    """A default the figures lean on: what it assumes, what overrides it, what depends on it."""

    text: str
    override: str
    metrics: int
    criteria: int | None  # None in a report without an assessment
    basis: str = "default"  # or "detected": read from the team's own evidence


@dataclass(frozen=True)
class ReportData:
    """All that the HTML report shows; see :func:`asyncmaturity.report.data.report_data`."""

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
    # What the exports can see, and the metrics unknown because none shows what they need.
    visibility: list[SeenRow] = field(default_factory=list)
    unknown: dict[str, str] = field(default_factory=dict)
    assumptions: list[AssumedRow] = field(default_factory=list)
    # The assessment and its comparison with the previous one, when assessed.
    assessment: AssessmentDocument | None = None
    comparison: ComparisonDocument | None = None


__all__ = [
    "AssumedRow",
    "Bucket",
    "GroupRow",
    "MetricFigure",
    "MonthShare",
    "ReportData",
    "SeenRow",
]
