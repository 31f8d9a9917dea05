"""Figures named by their metric: a value in its registered unit, a criterion's evidence."""

from __future__ import annotations

from asyncmaturity.assess.document import CriterionResult
from asyncmaturity.metrics import METRICS
from asyncmaturity.units import format_value


def metric_value_text(metric_id: str, value: float | None) -> str:
    """A metric's value formatted by its registered unit."""
    unit = METRICS[metric_id].unit if metric_id in METRICS else "count"
    return format_value(value, unit)


def criterion_evidence(criterion: CriterionResult) -> str:
    """'response.within_window_share = 84% (>= 80%: met); survey 0.71 (>= 0.60: met)'."""
    parts = []
    metric = criterion.metric
    if metric and metric.reason:
        parts.append(f"{metric.id} unknown: {metric.reason}")
    elif metric:
        parts.append(
            f"{metric.id} = {metric_value_text(metric.id, metric.value)} "
            f"({metric.op} {metric_value_text(metric.id, metric.threshold)}: {metric.status})"
        )
    survey = criterion.survey
    if survey:
        score = "-" if survey.score is None else f"{survey.score:.2f}"
        parts.append(
            f"survey {', '.join(survey.items)} = {score} "
            f"(>= {survey.min_score:.2f}: {survey.status})"
        )
    if criterion.assumed:
        parts.append(f"assumes {', '.join(criterion.assumed)}")
    return "; ".join(parts)
