"""The report's figures from a measurement: headline metrics, breakdowns and distributions.

Pure: it reads what :func:`asyncmaturity.metrics.measure.measure` computed (with ``figures``)
and never opens a store.
"""

from __future__ import annotations

from datetime import UTC, datetime

from asyncmaturity.assess.document import AssessmentDocument, ComparisonDocument
from asyncmaturity.charter import Charter
from asyncmaturity.metrics import METRICS
from asyncmaturity.metrics.measure import MeasureResult
from asyncmaturity.report.model import (
    AssumedRow,
    GroupRow,
    MetricFigure,
    MonthShare,
    ReportData,
    SeenRow,
)

REPORT_TITLE = "Asynchronous communication report"
ASSESSMENT_TITLE = "Asynchronous communication maturity assessment"
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


def report_data(
    measurement: MeasureResult | None,
    *,
    title: str = REPORT_TITLE,
    assessment: AssessmentDocument | None = None,
    comparison: ComparisonDocument | None = None,
) -> ReportData:
    """Everything the report shows, aggregated and filtered by the minimum group size.

    Parameters:
        measurement: a measurement with its figures; None for a survey-only assessment (the
            report then shows the assessment alone).
        title: the page's title.
        assessment, comparison: the assessment and its comparison with the previous one.
    """
    if measurement is None or measurement.figures is None:
        if assessment is not None:
            minimum = assessment.privacy.min_group_size
        else:
            minimum = (measurement.charter if measurement else Charter()).min_group_size
        period = assessment.period if assessment is not None else None
        seen = (
            [
                SeenRow(str(aspect), state.visible, state.seen_by, state.not_seen_by)
                for aspect, state in assessment.visibility.items()
            ]
            if assessment is not None
            else []
        )
        return ReportData(
            title=title,
            generated_at=_now(),
            period_start=((period.first or "")[:10] or None) if period else None,
            period_end=((period.last or "")[:10] or None) if period else None,
            sources=[],
            min_group_size=minimum,
            headline=[],
            first_reply_distribution=[],
            hour_of_week=[[0] * 24 for _ in range(7)],
            after_hours_by_month=[],
            by_conversation_kind=[],
            breakdown_metric_ids=[],
            suppressed_groups=0,
            assessment=assessment,
            comparison=comparison,
            visibility=seen,
            unknown=dict(assessment.unknown) if assessment is not None else {},
            assumptions=_assumed(None, assessment),
        )
    charter = measurement.charter
    figures = measurement.figures
    scopes = measurement.scopes
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
            value=measurement.metrics.get(metric_id),
            unit=METRICS[metric_id].unit,
            definition=METRICS[metric_id].definition,
        )
        for metric_id in HEADLINE
    ]
    hours = charter.working_hours
    return ReportData(
        title=title,
        generated_at=_now(),
        period_start=measurement.first.date().isoformat() if measurement.first else None,
        period_end=measurement.last.date().isoformat() if measurement.last else None,
        sources=figures.sources,
        min_group_size=charter.min_group_size,
        headline=headline,
        first_reply_distribution=figures.first_reply_distribution,
        hour_of_week=figures.hour_of_week,
        after_hours_by_month=months,
        by_conversation_kind=kinds,
        breakdown_metric_ids=list(BREAKDOWN),
        suppressed_groups=measurement.suppressed.get("conversation_kind", 0),
        charter_summary=[
            f"Working days: {', '.join(charter.working_days)}; hours {hours.start}-{hours.end} "
            "in each person's own time zone (default " + charter.timezone + ").",
            "Response windows (working hours): "
            + ", ".join(f"{k} {v:g} h" for k, v in charter.response_windows.items())
            + ".",
            f"Minimum group size: {charter.min_group_size}.",
        ],
        assessment=assessment,
        comparison=comparison,
        visibility=[
            SeenRow(str(aspect), state.visible, state.seen_by, state.not_seen_by)
            for aspect, state in measurement.visibility.items()
        ],
        unknown=dict(measurement.unknown),
        assumptions=_assumed(measurement, assessment),
    )


def _assumed(
    measurement: MeasureResult | None, assessment: AssessmentDocument | None
) -> list[AssumedRow]:
    """The assumptions as the report lists them: the assessment's (with criteria), else the
    measurement's."""
    if assessment is not None:
        return [
            AssumedRow(a.text, a.override, len(a.metrics), a.criteria, a.basis)
            for a in assessment.assumptions
        ]
    if measurement is None:
        return []
    return [
        AssumedRow(a.text, a.override, len(a.metrics), None, a.basis)
        for a in measurement.assumptions
    ]


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _float(value: float | int | None) -> float | None:
    return None if value is None else float(value)
