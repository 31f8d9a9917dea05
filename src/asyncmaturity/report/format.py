"""Figures named by their metric, as every renderer shows them: a value in its registered unit,
a criterion's evidence, a roadmap target, and the rows of a comparison."""

from __future__ import annotations

from asyncmaturity.assess.document import (
    AreaChange,
    ComparisonDocument,
    CriterionResult,
    MetricChange,
    MetricTarget,
    PrincipleChange,
    PrincipleEvidence,
    PrincipleResult,
    RoadmapItem,
    SurveyTarget,
    Target,
)
from asyncmaturity.metrics import METRICS
from asyncmaturity.metrics.cost import CostAssumptions
from asyncmaturity.units import (
    Unit,
    format_change,
    format_counted,
    format_duration,
    format_hours,
    format_money,
    format_score,
    format_share,
    format_value,
)

METRIC_CHANGE_HEADERS = ("metric", "before", "after", "change", "95% interval", "verdict")
AREA_CHANGE_HEADERS = ("area", "before", "after", "change", "95% interval", "verdict")
PRINCIPLE_CHANGE_HEADERS = ("principle", "before", "after", "evidence that moved", "verdict")


def metric_unit(metric_id: str) -> Unit:
    """A metric's registered unit; an id this version does not register reads as a count."""
    return METRICS[metric_id].unit if metric_id in METRICS else "count"


def metric_value_text(metric_id: str, value: float | None) -> str:
    """A metric's value formatted by its registered unit."""
    return format_value(value, metric_unit(metric_id))


def criterion_evidence(criterion: CriterionResult) -> str:
    """'response.within_window_share = 84.0% (>= 80.0%: met); survey q1 = 0.71 (>= 0.60: met)'."""
    parts = []
    metric = criterion.metric
    if criterion.status == "not applicable" and metric:
        return f"{metric.id}: {metric.reason}"
    if metric and metric.reason:
        parts.append(f"{metric.id} unknown: {metric.reason}")
    elif metric:
        parts.append(
            f"{metric.id} = {metric_value_text(metric.id, metric.value)} "
            f"({metric.op} {metric_value_text(metric.id, metric.threshold)}: {metric.status})"
        )
    survey = criterion.survey
    if survey:
        parts.append(
            f"survey {', '.join(survey.items)} = {format_score(survey.score)} "
            f"(>= {format_score(survey.min_score)}: {survey.status})"
        )
    if criterion.assumed:
        parts.append(f"assumes {', '.join(criterion.assumed)}")
    return "; ".join(parts)


def principle_evidence_text(evidence: PrincipleEvidence) -> str:
    """'criterion wmi.await-standard (stage 3): await.complete_share = 15.0% (>= 50.0%: not met)',
    'metric await.assign_share = 23.1% (>= 50.0%: not met)' or 'survey q1 = 0.50 (...)'."""
    where = f" ({evidence.scope} {evidence.level})" if evidence.scope is not None else ""
    head = f"{evidence.kind} {evidence.id}{where}"
    if evidence.value is None or evidence.op is None or evidence.threshold is None:
        reason = evidence.reason or ""
        # Reasons of what does not apply already begin "not applicable: ...".
        if not reason.startswith(evidence.status):
            reason = f"{evidence.status}: {reason}" if reason else evidence.status
        return f"{head}: {reason}"
    if evidence.metric is not None:
        name = f"{evidence.metric} = " if evidence.kind == "criterion" else ""
        value = metric_value_text(evidence.metric, evidence.value)
        bar = metric_value_text(evidence.metric, evidence.threshold)
    else:
        name = "survey score " if evidence.kind == "criterion" else ""
        value, bar = format_score(evidence.value), format_score(evidence.threshold)
    undecided = f"; {evidence.reason}" if evidence.reason else ""
    return f"{head}: {name}{value} ({evidence.op} {bar}: {evidence.status}{undecided})"


def principle_weakest_text(principle: PrincipleResult) -> str:
    """Where a principle stands weakest, as its evidence reads; '-' when none is known."""
    found = next((e for e in principle.evidence if e.id == principle.weakest), None)
    return principle_evidence_text(found) if found is not None else "-"


def target_text(target: Target | None) -> str:
    """'hours.after_hours_share <= 10.0%' or 'survey q1, q2 >= 0.60'; '-' without a target."""
    if isinstance(target, MetricTarget):
        return f"{target.metric} {target.op} {metric_value_text(target.metric, target.threshold)}"
    if isinstance(target, SurveyTarget):
        return f"survey {', '.join(target.survey_items)} >= {format_score(target.min_score)}"
    return "-"


def target_value_text(target: Target | None, value: float | None) -> str:
    """A figure measured against `target`: the metric's value in its unit, or a survey score."""
    if isinstance(target, MetricTarget):
        return metric_value_text(target.metric, value)
    return format_score(value)


def assumption_reach(metrics: int, criteria: int | None) -> str:
    """'read by 9 metrics and 8 criteria'; 'read by the cost estimate' where no metric reads it."""
    if not metrics:
        return "read by the cost estimate"
    parts = [format_counted(metrics, "metric")]
    if criteria is not None:
        parts.append(
            format_counted(criteria, "criterion", "criteria") if criteria else "no criterion"
        )
    return "read by " + " and ".join(parts)


def cost_settings(assumptions: CostAssumptions) -> list[tuple[str, str]]:
    """The cost estimate's settings as (field, value in its unit): '23 min', '10%', '8.0 h'."""
    currency = assumptions.currency
    return [
        ("refocus_minutes", format_duration(assumptions.refocus_minutes * 60)),
        (
            "group_dm_recipients",
            format_counted(assumptions.group_dm_recipients, "person", "people"),
        ),
        ("waiting_cap_hours", format_hours(assumptions.waiting_cap_hours)),
        ("waiting_blocking_share", format_share(assumptions.waiting_blocking_share, 0)),
        (
            "hourly_cost",
            "not set (no money figures)"
            if assumptions.hourly_cost is None
            else f"{format_money(assumptions.hourly_cost, currency)} per hour",
        ),
        ("currency", currency),
        *(
            (f"action_savings.{practice}", format_share(fraction, 0))
            for practice, fraction in assumptions.action_savings.items()
        ),
    ]


def shown_metric_changes(comparison: ComparisonDocument) -> list[MetricChange]:
    """The compared metrics with a value on either side (the others have nothing to show)."""
    return [m for m in comparison.metrics if m.before is not None or m.after is not None]


def metric_change_cells(row: MetricChange) -> list[str]:
    """One metric's row of the comparison, as the terminal and the HTML report show it."""
    unit = metric_unit(row.id)
    return [
        row.id,
        format_value(row.before, unit),
        format_value(row.after, unit),
        format_change(row.change, unit),
        interval_text(row.interval, unit),
        row.verdict,
    ]


def area_change_cells(row: AreaChange) -> list[str]:
    """One area's row of the comparison, as the terminal and the HTML report show it."""
    return [
        row.name,
        format_value(row.before, "count"),
        format_value(row.after, "count"),
        format_change(row.change, "count"),
        interval_text(row.interval, "count"),
        row.verdict,
    ]


def principle_change_cells(row: PrincipleChange) -> list[str]:
    """One principle's row of the comparison, as the terminal and the HTML report show it."""
    return [
        row.name,
        row.before or "not judged",
        row.after,
        ", ".join(row.moved) or "none",
        row.verdict,
    ]


def interval_text(bounds: list[float] | None, unit: Unit) -> str:
    """A 95% interval of a change, "-2.1 pp .. +3.4 pp"; "-" without one."""
    if bounds is None:
        return "-"
    low, high = bounds
    return f"{format_change(low, unit)} .. {format_change(high, unit)}"


def action_caveats(action: RoadmapItem) -> list[tuple[str, str]]:
    """What a reader must know before acting on a roadmap action: the evidence its target
    lacks, and the assumed defaults it rests on (label, text)."""
    found = []
    if action.needs_evidence:
        found.append(("Not measurable yet:", f"{action.needs_evidence}."))
    if action.assumes:
        found.append(
            (
                "Rests on assumed defaults:",
                f"{', '.join(action.assumes)} (see Assumptions; the charter overrides them).",
            )
        )
    return found


def not_applicable_text(count: int) -> str:
    """'; 2 more do not apply to the team', or nothing when every criterion applies."""
    return f"; {count} more do not apply to the team" if count else ""


def level_text(level: int | None, name: str) -> str:
    """'2 Defined', or 'unknown' where no level could be placed."""
    return "unknown" if level is None else f"{level} {name}"
