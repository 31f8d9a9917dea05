"""What a team's dashboard shows: its kept assessments and their figures, drawn with the report's
own sections and charts (:mod:`asyncmaturity.report.assessment`, :mod:`asyncmaturity.report.svg`).

Every figure comes from the assessment document, which holds team-level figures only: the store
and the report apply the charter's minimum group size before anything reaches it.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import Session, defer

from asyncmaturity.assess.document import AssessmentDocument
from asyncmaturity.metrics import METRICS
from asyncmaturity.report.activities import has_activities, render_activity_map
from asyncmaturity.report.assessment import (
    render_levels,
    render_principles,
    render_roadmap,
    render_survey,
)
from asyncmaturity.report.concepts import has_coordination_stack, render_coordination_stack
from asyncmaturity.report.data import ASSESSMENT_TITLE, HEADLINE, report_data
from asyncmaturity.report.format import metric_unit
from asyncmaturity.report.model import ReportData
from asyncmaturity.report.sections import (
    has_assumptions,
    has_visibility,
    render_assumptions,
    render_visibility,
)
from asyncmaturity.report.svg import Bar, bar_chart
from asyncmaturity.units import format_axis_share, format_value, humanize_metric_id
from asyncmaturity.web.errors import Conflict
from asyncmaturity.web.models import JOB_STATUSES, EvidenceJob, JobStatus, Team, TeamAssessment

KEY_METRICS = HEADLINE
"""The metrics the dashboard leads with: the report's headline figures."""
AWAIT_PREFIXES = ("await.", "friction.", "ledger.", "decisions.")
"""AWAIT compliance: the request elements, the friction they cause, the ledger and the log."""
ROADMAP_TOP = 3
NO_ASSESSMENT = "the team has no assessment yet: upload an export, then run one"


@dataclass(frozen=True)
class MetricView:
    """One figure as pages and the API show it."""

    id: str
    label: str
    unit: str
    value: float | int | None
    text: str
    definition: str


def latest_assessment(db: Session, *, team: Team) -> TeamAssessment | None:
    """The team's newest assessment, or None."""
    query = (
        select(TeamAssessment)
        .where(TeamAssessment.team_id == team.id)
        .order_by(TeamAssessment.id.desc())
        .limit(1)
    )
    return db.scalar(query)


def require_latest(db: Session, *, team: Team) -> TeamAssessment:
    """The team's newest assessment; Conflict (409) while it has none."""
    found = latest_assessment(db, team=team)
    if found is None:
        raise Conflict(NO_ASSESSMENT)
    return found


def document_of(kept: TeamAssessment) -> AssessmentDocument:
    """A kept assessment's document (one written by any version the tool reads)."""
    return AssessmentDocument.from_json(kept.document, origin=f"assessment {kept.id}")


def assessments_of(db: Session, *, team: Team, limit: int = 50) -> list[TeamAssessment]:
    """The team's assessments, newest first, without their documents and reports."""
    query = (
        select(TeamAssessment)
        .options(defer(TeamAssessment.document), defer(TeamAssessment.report_html))
        .where(TeamAssessment.team_id == team.id)
        .order_by(TeamAssessment.id.desc())
        .limit(limit)
    )
    return list(db.scalars(query))


def metric_view(metric_id: str, value: Any) -> MetricView:
    """A metric's value with its label, unit and formatted text."""
    metric = METRICS.get(metric_id)
    unit = metric_unit(metric_id)
    number = value if isinstance(value, int | float) and not isinstance(value, bool) else None
    if isinstance(number, float) and not math.isfinite(number):
        number = None
    return MetricView(
        id=metric_id,
        label=metric.label if metric is not None else humanize_metric_id(metric_id),
        unit=unit,
        value=number,
        text=format_value(number, unit),
        definition=metric.definition if metric is not None else "",
    )


def metrics_of(document: AssessmentDocument) -> list[MetricView]:
    """Every metric of an assessment, in the registry's order (unknown ids last)."""
    values = document.metrics
    ordered = [m for m in METRICS if m in values] + sorted(m for m in values if m not in METRICS)
    return [metric_view(metric_id, values[metric_id]) for metric_id in ordered]


def key_metrics(document: AssessmentDocument) -> list[MetricView]:
    """The headline figures."""
    return [metric_view(metric_id, document.metrics.get(metric_id)) for metric_id in KEY_METRICS]


def await_metrics(document: AssessmentDocument) -> list[MetricView]:
    """AWAIT compliance: the `await.*`, `friction.*`, `ledger.*` and `decisions.*` figures."""
    return [view for view in metrics_of(document) if view.id.startswith(AWAIT_PREFIXES)]


def _report_data(document: AssessmentDocument) -> ReportData:
    return report_data(None, title=ASSESSMENT_TITLE, assessment=document)


def levels_section(document: AssessmentDocument) -> Markup:
    """The report's levels section: WMI stage, overall level, the per-area chart and table."""
    return Markup(render_levels(_report_data(document)))


def _section_if(
    document: AssessmentDocument,
    present: Callable[[ReportData], bool],
    render: Callable[[ReportData], str],
) -> Markup | None:
    data = _report_data(document)
    return Markup(render(data)) if present(data) else None


def principles_section(document: AssessmentDocument) -> Markup | None:
    """The report's principles section, when the assessment judged them."""
    return _section_if(document, lambda data: bool(document.principles), render_principles)


def activities_section(document: AssessmentDocument) -> Markup | None:
    """The report's activity map, when the assessment placed the team's activities (kept
    assessments from before the map have none)."""
    return _section_if(document, has_activities, render_activity_map)


def coordination_stack_section(document: AssessmentDocument) -> Markup | None:
    """The report's Coordination Stack section, when the assessment carries it."""
    return _section_if(document, has_coordination_stack, render_coordination_stack)


def roadmap_section(document: AssessmentDocument, top: int = ROADMAP_TOP) -> Markup:
    """The report's roadmap section, cut to its first `top` actions."""
    shortened = document.model_copy(update={"roadmap": document.roadmap[:top]})
    return Markup(render_roadmap(_report_data(shortened)))


def survey_section(document: AssessmentDocument) -> Markup:
    """The report's survey section: item scores, then where people and data disagree."""
    return Markup(render_survey(_report_data(document)))


def assumptions_section(document: AssessmentDocument) -> Markup | None:
    """The report's assumptions section, when the figures lean on any default."""
    return _section_if(document, has_assumptions, render_assumptions)


def visibility_section(document: AssessmentDocument) -> Markup | None:
    """The report's section on what the exports show, when any export stated it."""
    return _section_if(document, has_visibility, render_visibility)


def await_chart(views: list[MetricView]) -> Markup | None:
    """The report's bar chart of the AWAIT shares (0 to 100%), when any has a value."""
    shares = [v for v in views if v.unit == "share" and v.id.startswith("await.")]
    if not any(v.value is not None for v in shares):
        return None
    bars = [
        Bar(label=v.label, value=None if v.value is None else float(v.value), value_text=v.text)
        for v in shares
    ]
    chart = bar_chart(
        bars,
        title="AWAIT compliance",
        description="Share of requests with each AWAIT element",
        axis_format=format_axis_share,
        height=280,
    )
    return Markup(chart)


def job_status(value: str) -> JobStatus:
    """A stored job status as its literal type."""
    for status in JOB_STATUSES:
        if value == status:
            return status
    raise ValueError(f"unknown job status {value!r}")


def job_progress(job: EvidenceJob) -> float | None:
    """How far a running job is, 0..1, when its stage reports a total."""
    if job.status == "done":
        return 1.0
    if job.total <= 0:
        return None
    return min(1.0, max(0.0, job.done / job.total))
