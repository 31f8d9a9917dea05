"""The stage model's principles, each judged on the evidence its framework file ties to it.

A principle cites criteria (whose statuses the placement already decided), metric checks and
survey items; nothing is measured again. The rule that turns that evidence into a status is
:data:`asyncmaturity.assess.document.PRINCIPLE_RULE`, stated in the report and in
``docs/frameworks.md``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from asyncmaturity.assess.document import (
    PrincipleEvidence,
    PrincipleResult,
    PrincipleStatus,
    Status,
)
from asyncmaturity.assess.evaluate import CriterionOutcome
from asyncmaturity.frameworks import Framework, MetricCheck, Principle
from asyncmaturity.metrics import METRICS
from asyncmaturity.survey import SurveyDefinition

Value = float | int | None
DECISIVE = ("met", "not met")


def margin(value: float, op: str, threshold: float) -> float:
    """How far `value` clears `threshold` under `op`, relative to the threshold (negative when
    it misses; relative to 1 for a threshold of 0), as the roadmap measures a gap."""
    scale = abs(threshold) if threshold else 1.0
    above = value - threshold if op in (">=", ">") else threshold - value
    return above / scale


def principle_status(statuses: Sequence[Status]) -> PrincipleStatus:
    """The status of a principle from those of its evidence (see PRINCIPLE_RULE)."""
    known = [s for s in statuses if s in DECISIVE]
    if not known:
        return "unknown"
    if all(s == "met" for s in known):
        return "met"
    if all(s == "not met" for s in known):
        return "not met"
    return "partly met"


def weakest(evidence: Sequence[PrincipleEvidence]) -> str | None:
    """The id of the known evidence with the lowest margin (the first such in file order)."""
    ranked = [e for e in evidence if e.status in DECISIVE and e.margin is not None]
    return min(ranked, key=lambda e: e.margin or 0.0).id if ranked else None


def _criterion_evidence(
    scope: str, level: int, outcome: CriterionOutcome, undecided: Mapping[str, str]
) -> PrincipleEvidence:
    criterion = outcome.criterion
    # Why a criterion without a verdict has none: its metric's reason, where one is stated.
    reason = None
    if outcome.status in ("unknown", "not applicable") and criterion.metric is not None:
        reason = undecided.get(criterion.metric.id)
    metric: str | None = None
    value: float | None = None
    op: str | None = None
    threshold: float | None = None
    if outcome.decided_by == "data" and criterion.metric is not None:
        metric = criterion.metric.id
        value, op, threshold = outcome.metric_value, criterion.metric.op, criterion.metric.threshold
    elif outcome.decided_by == "survey" and criterion.survey is not None:
        value, op, threshold = outcome.survey_score, ">=", criterion.survey.min_score
    return PrincipleEvidence(
        kind="criterion",
        id=criterion.id,
        text=criterion.text,
        scope=scope,
        level=level,
        metric=metric,
        value=value,
        op=op,
        threshold=threshold,
        status=outcome.status,
        margin=margin(value, op, threshold)
        if value is not None and op is not None and threshold is not None
        else None,
        reason=reason,
    )


def _metric_evidence(
    check: MetricCheck, metrics: Mapping[str, Value], undecided: Mapping[str, str]
) -> PrincipleEvidence:
    value = metrics.get(check.id)
    status: Status = "unknown"
    found = None
    # A figure drawn from too few items is shown but, as for criteria, decides nothing.
    if value is not None and check.id not in undecided:
        found = margin(float(value), check.op, check.threshold)
        status = "met" if check.passes(float(value)) else "not met"
    return PrincipleEvidence(
        kind="metric",
        id=check.id,
        text=METRICS[check.id].label,
        metric=check.id,
        value=value,
        op=check.op,
        threshold=check.threshold,
        status=status,
        margin=found,
        reason=undecided.get(check.id),
    )


def _survey_evidence(
    item_id: str, bar: float, scores: Mapping[str, float | None], definition: SurveyDefinition
) -> PrincipleEvidence:
    score = scores.get(item_id)
    try:
        text = definition.item(item_id).text
    except KeyError:
        text = item_id
    return PrincipleEvidence(
        kind="survey",
        id=item_id,
        text=text,
        value=score,
        op=">=",
        threshold=bar,
        status="unknown" if score is None else "met" if score >= bar else "not met",
        margin=margin(score, ">=", bar) if score is not None else None,
        reason=None if score is not None else "no survey answers for this item",
    )


def judge_principle(
    principle: Principle,
    outcomes: Mapping[str, tuple[str, int, CriterionOutcome]],
    metrics: Mapping[str, Value],
    undecided: Mapping[str, str],
    scores: Mapping[str, float | None],
    definition: SurveyDefinition,
) -> PrincipleResult:
    """One principle's evidence, status and weakest point.

    Parameters:
        principle: the principle as its framework file defines it.
        outcomes: criterion id -> (scope, level, outcome) of the placement.
        metrics: the measured figures.
        undecided: metric id -> why the figure is unknown or decides nothing.
        scores: the organization's survey score per item.
        definition: the survey definition (for the items' wording).
    """
    evidence = [
        _criterion_evidence(*outcomes[c], undecided) for c in principle.criteria if c in outcomes
    ]
    evidence += [_metric_evidence(check, metrics, undecided) for check in principle.metrics]
    if principle.survey is not None:
        bar = principle.survey.min_score
        evidence += [_survey_evidence(i, bar, scores, definition) for i in principle.survey.items]
    statuses = [e.status for e in evidence]
    return PrincipleResult(
        id=principle.id,
        name=principle.name,
        description=principle.description,
        status=principle_status(statuses),
        known=sum(s in DECISIVE for s in statuses),
        evidence=evidence,
        weakest=weakest(evidence),
    )


def judge_principles(
    framework: Framework | None,
    outcomes: Sequence[tuple[str, int, CriterionOutcome]],
    metrics: Mapping[str, Value],
    undecided: Mapping[str, str],
    scores: Mapping[str, float | None],
    definition: SurveyDefinition,
) -> list[PrincipleResult]:
    """Every principle of `framework` (none without one), judged as :func:`judge_principle`."""
    if framework is None:
        return []
    by_id = {outcome.criterion.id: (scope, level, outcome) for scope, level, outcome in outcomes}
    return [
        judge_principle(p, by_id, metrics, undecided, scores, definition)
        for p in framework.principles
    ]


__all__ = ["judge_principle", "judge_principles", "margin", "principle_status", "weakest"]
