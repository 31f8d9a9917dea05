"""Compare two assessments (before and after a pilot) with bootstrap intervals.

Each assessment carries bootstrap replicates of its metrics and area levels (see
:mod:`asyncmaturity.metrics.bootstrap`). The change of a metric is `after - before`; its 95%
interval comes from the replicate differences, centred on the measured change.

The verdicts (the `verdict` of the comparison JSON, :data:`asyncmaturity.assess.document.Verdict`):
'no data' (a side has no value), 'no interval' (too few replicates), 'no clear change' (the
interval holds zero, or more than 2.5% of the replicate differences are zero or of the other
sign), and, when it excludes zero, 'improved' or 'worsened' where the metric has
a better direction, else 'increased' or 'decreased'. The direction comes from the criteria that
cite the metric (higher is better for `>=` thresholds), else from the metric's registered
`better`; area levels and the stage are better higher.

A principle's status (not met, partly met, met) has no replicates: its change is 'improved' or
'worsened' only where every piece of its evidence that moved its way reads a metric whose own
change is clear (a verdict other than 'no data', 'no interval' and 'no clear change'); a move
resting on a survey item or on a figure that did not clearly change is 'no clear change'.
"""

from __future__ import annotations

from collections.abc import Sequence
from collections.abc import Set as AbstractSet

from asyncmaturity.assess import follow_up
from asyncmaturity.assess.document import (
    AreaChange,
    AssessmentDocument,
    Change,
    ComparedAssessment,
    ComparisonDocument,
    MetricChange,
    PrincipleChange,
    PrincipleEvidence,
    PrincipleResult,
    Verdict,
)
from asyncmaturity.metrics import METRICS
from asyncmaturity.metrics.bootstrap import interval

METHOD = (
    "95% percentile interval of bootstrap replicate differences (Poisson bootstrap over UTC "
    "days; survey answers redrawn), centred on the measured change; no clear change where more "
    "than 2.5% of the differences are zero or of the other sign"
)
# A change is significant only where no more than this share of the paired replicate differences
# is zero or of the other sign (the two tails of a 95% interval hold 2.5% each).
ONE_SIDED_TOLERANCE = 0.025


def one_sided_doubt(
    before: Sequence[float | None], after: Sequence[float | None], change: float | None
) -> str | None:
    """Why a change whose centred interval excludes zero is still not significant: more than
    2.5% of the paired replicate differences are zero or of the other sign. A rare event (one
    broadcast in a hundred messages, none before) gives such intervals: the replicates that
    leave out its day show no change at all, yet centring the interval on the measured change
    moves it off zero."""
    differences = [
        a - b for a, b in zip(after, before, strict=False) if a is not None and b is not None
    ]
    if not change or not differences:
        return None
    against = sum(1 for d in differences if d * change <= 0) / len(differences)
    if against <= ONE_SIDED_TOLERANCE:
        return None
    return (
        f"{against:.0%} of the resampled differences are zero or the other way (more than "
        f"{ONE_SIDED_TOLERANCE:.1%}): the change rests on too few events"
    )


def metric_directions(document: AssessmentDocument) -> dict[str, int]:
    """+1 where higher is better, -1 where lower is: from the criteria's thresholds, else from
    the metric's registered `better`."""
    found = {m.id: 1 if m.better == "higher" else -1 for m in METRICS.values() if m.better}
    for _, _, criterion in document.criteria():
        metric = criterion.metric
        if metric is not None:
            found[metric.id] = 1 if metric.op in (">=", ">") else -1
    return found


def change_verdict(
    change: float | None,
    bounds: tuple[float, float] | None,
    direction: int,
    *,
    doubt: str | None = None,
) -> Verdict:
    """What a change with these 95% bounds amounts to; `direction` is +1 where higher is
    better, -1 where lower is, 0 where neither is; `doubt`, from :func:`one_sided_doubt`, where
    too many replicates show no change or the other one."""
    if change is None:
        return "no data"
    if bounds is None:
        return "no interval"
    low, high = bounds
    if low <= 0 <= high or doubt is not None:
        return "no clear change"
    if direction == 0:
        return "increased" if low > 0 else "decreased"
    better = (low > 0) == (direction > 0)
    return "improved" if better else "worsened"


def _doubt(
    before: Sequence[float | None] | None,
    after: Sequence[float | None] | None,
    change: float | None,
) -> str | None:
    return None if before is None or after is None else one_sided_doubt(before, after, change)


# Principle statuses in order of worth; 'unknown' is outside it.
PRINCIPLE_RANK = {"not met": 0, "partly met": 1, "met": 2}
EVIDENCE_RANK = {"not met": 0, "met": 1}
UNCLEAR: frozenset[Verdict] = frozenset({"no data", "no interval", "no clear change"})


def _evidence_key(piece: PrincipleEvidence) -> tuple[str, str, str | None, int | None]:
    return (piece.kind, piece.id, piece.scope, piece.level)


def principle_change(
    before: PrincipleResult | None, after: PrincipleResult, clear_metrics: AbstractSet[str]
) -> PrincipleChange:
    """One principle's change, judged by the clarity of the figures whose evidence moved it.

    Parameters:
        before: the principle in the earlier assessment (None: not judged there).
        after: the principle in the later one.
        clear_metrics: the ids of the metrics whose change is clear (the comparison's verdicts
            other than UNCLEAR; the pilot's significant ones).
    """
    earlier = {_evidence_key(e): e for e in before.evidence} if before is not None else {}
    moved = [
        piece
        for piece in after.evidence
        if (was := earlier.get(_evidence_key(piece))) is not None and was.status != piece.status
    ]
    was_rank = PRINCIPLE_RANK.get(before.status) if before is not None else None
    now_rank = PRINCIPLE_RANK.get(after.status)
    verdict: Verdict
    if was_rank is None or now_rank is None:
        verdict = "no data"
    elif was_rank == now_rank:
        verdict = "no clear change"
    else:
        sign = 1 if now_rank > was_rank else -1
        pushing = [
            piece
            for piece in moved
            if (rank := EVIDENCE_RANK.get(piece.status)) is not None
            and (old := EVIDENCE_RANK.get(earlier[_evidence_key(piece)].status)) is not None
            and (rank - old) * sign > 0
        ]
        clear = bool(pushing) and all(piece.metric in clear_metrics for piece in pushing)
        verdict = ("improved" if sign > 0 else "worsened") if clear else "no clear change"
    return PrincipleChange(
        id=after.id,
        name=after.name,
        before=before.status if before is not None else None,
        after=after.status,
        moved=[piece.id for piece in moved],
        verdict=verdict,
    )


def compare_assessments(
    before: AssessmentDocument, after: AssessmentDocument
) -> ComparisonDocument:
    """The change per metric, per area and per principle, with 95% bootstrap intervals (none
    for principles) and a verdict each."""
    directions = metric_directions(after) | metric_directions(before)
    before_reps, after_reps = before.bootstrap.metrics, after.bootstrap.metrics
    metrics = []
    for metric_id, after_value in after.metrics.items():
        before_value = before.metrics.get(metric_id)
        change = None if before_value is None or after_value is None else after_value - before_value
        bounds = None
        if change is not None and metric_id in before_reps and metric_id in after_reps:
            bounds = interval(before_reps[metric_id], after_reps[metric_id], change)
        metrics.append(
            MetricChange(
                id=metric_id,
                before=before_value,
                after=after_value,
                change=change,
                relative_change=change / before_value
                if change is not None and before_value
                else None,
                interval=list(bounds) if bounds else None,
                verdict=change_verdict(
                    change,
                    bounds,
                    directions.get(metric_id, 0),
                    doubt=_doubt(before_reps.get(metric_id), after_reps.get(metric_id), change),
                ),
            )
        )
    areas = []
    before_levels = {area.id: area.level for area in before.areas}
    for area in after.areas:
        was, now = before_levels.get(area.id), area.level
        change = None if was is None or now is None else now - was
        bounds = None
        if change is not None:
            bounds = interval(
                before.bootstrap.areas.get(area.id, []),
                after.bootstrap.areas.get(area.id, []),
                change,
            )
        areas.append(
            AreaChange(
                id=area.id,
                name=area.name,
                before=was,
                after=now,
                change=change,
                interval=list(bounds) if bounds else None,
                verdict=change_verdict(
                    change,
                    bounds,
                    1,
                    doubt=_doubt(
                        before.bootstrap.areas.get(area.id),
                        after.bootstrap.areas.get(area.id),
                        change,
                    ),
                ),
            )
        )
    earlier_principles = {principle.id: principle for principle in before.principles}
    stage_before = before.stage.level if before.stage is not None else None
    stage_after = after.stage.level if after.stage is not None else None
    stage_change = (
        None if stage_before is None or stage_after is None else stage_after - stage_before
    )
    stage_bounds = None
    if stage_change is not None:
        stage_bounds = interval(before.bootstrap.stage, after.bootstrap.stage, stage_change)
    return ComparisonDocument(
        framework=after.framework.id,
        before=ComparedAssessment(generated_at=before.generated_at, period=before.period),
        after=ComparedAssessment(generated_at=after.generated_at, period=after.period),
        method=METHOD,
        stage=Change(
            before=stage_before,
            after=stage_after,
            change=stage_change,
            interval=list(stage_bounds) if stage_bounds else None,
            verdict=change_verdict(
                stage_change,
                stage_bounds,
                1,
                doubt=_doubt(before.bootstrap.stage, after.bootstrap.stage, stage_change),
            ),
        ),
        areas=areas,
        metrics=metrics,
        # Each earlier roadmap action's target checked against the later metrics.
        follow_up=follow_up(before, after.metrics, after.survey_scores()),
        principles=[
            principle_change(
                earlier_principles.get(principle.id),
                principle,
                {row.id for row in metrics if row.verdict not in UNCLEAR},
            )
            for principle in after.principles
        ],
    )


__all__ = ["change_verdict", "compare_assessments", "metric_directions", "principle_change"]
