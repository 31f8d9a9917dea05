"""Assess: place a team on the maturity models from its measurement and survey, and say what next.

Example::

    from asyncmaturity.assess import assess
    from asyncmaturity.metrics.measure import measure
    measured = measure(store="team.duckdb", replicates=REPLICATES, cost=CostAssumptions())
    result = assess(measured, survey="answers.csv")
    result.placement.overall, [a.practice.title for a in result.roadmap]

:mod:`asyncmaturity.pipeline` runs the whole use case (history, measure, assess, compare, render).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from asyncmaturity import __version__
from asyncmaturity.assess.activities import activity_map
from asyncmaturity.assess.concepts import business_metrics, coordination_stack
from asyncmaturity.assess.document import (
    ASSESSMENT_KIND,
    FORMAT_VERSION,
    AssessmentDocument,
    FollowUp,
    MetricTarget,
    Status,
    SurveyTarget,
    TrendPoint,
    load_history,
    read_assessment,
    save_to_history,
)
from asyncmaturity.assess.evaluate import (
    MIN_AREAS_PLACED,
    MIN_DECIDING_SAMPLE,
    CriterionOutcome,
    Placement,
    place,
)
from asyncmaturity.assess.principles import judge_principles
from asyncmaturity.assess.roadmap import RoadmapAction, as_float, build_roadmap
from asyncmaturity.charter import Charter
from asyncmaturity.errors import InvalidFramework, NoEvidence
from asyncmaturity.frameworks import (
    Framework,
    MetricCheck,
    combined_survey,
    load_framework,
    practices_catalogue,
    shipped_frameworks,
)
from asyncmaturity.metrics import METRICS
from asyncmaturity.metrics.assumptions import Assumption
from asyncmaturity.metrics.bootstrap import REPLICATES
from asyncmaturity.metrics.cost import CoordinationCost
from asyncmaturity.metrics.measure import MeasureResult
from asyncmaturity.survey import SurveyDefinition, SurveyResults, aggregate, load_responses
from asyncmaturity.units import format_score, format_value

CONFIDENCE = ((0.8, "high"), (0.5, "medium"), (0.0, "low"))

# What a survey score (0 worst .. 1 best) says people think. A five-point agreement scale scores
# its answers 0, 0.25, 0.5, 0.75 and 1: a mean at 'agree' (0.75) or above reads as agreement, one
# at 'disagree' (0.25) or below as disagreement, one within 0.05 of the neutral middle as neither,
# and the rest as leaning one way.
AGREE = 0.75
MOSTLY_AGREE = 0.55
MOSTLY_DISAGREE = 0.45
DISAGREE = 0.25

Value = float | int | None


@dataclass
class Assessment:
    """The outcome of :func:`assess`: placement, evidence, roadmap, cost and follow-up."""

    framework: Framework
    stages: Framework | None
    placement: Placement
    metrics: dict[str, Value]
    survey: SurveyResults | None
    survey_definition: SurveyDefinition
    roadmap: list[RoadmapAction]
    cost: CoordinationCost | None
    charter: Charter
    store: str | None
    period: dict[str, str | None]
    replicates: dict[str, Any]
    follow_up: list[FollowUp] = field(default_factory=list)
    history: list[TrendPoint] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # What the exports can see (aspect -> its visibility JSON), and why metrics are unknown.
    visibility: dict[str, Any] = field(default_factory=dict)
    # Whether the team keeps shared working hours and where its hours come from (None without
    # a measurement).
    working_norms: dict[str, Any] | None = None
    unknown: dict[str, str] = field(default_factory=dict)
    assumptions: list[Assumption] = field(default_factory=list)
    # The team's activity on the activity framework's grid (ActivityPlacement JSON).
    activities: list[dict[str, Any]] = field(default_factory=list)

    def disagreements(self) -> list[dict[str, Any]]:
        """Criteria where what people say and what the data shows differ."""
        found = []
        seen: set[tuple[str, tuple[str, ...]]] = set()
        for scope, level, outcome in self._outcomes():
            criterion = outcome.criterion
            if not outcome.disagrees or criterion.metric is None or criterion.survey is None:
                continue
            # The same metric and items may back several levels; report the pair once.
            pair = (criterion.metric.id, tuple(criterion.survey.items))
            if pair in seen:
                continue
            seen.add(pair)
            found.append(
                {
                    "criterion": criterion.id,
                    "scope": scope,
                    "level": level,
                    "survey_status": outcome.survey_status,
                    "data_status": outcome.metric_status,
                    "text": disagreement_text(outcome, self.survey_definition),
                }
            )
        return found

    def _outcomes(self) -> list[tuple[str, int, CriterionOutcome]]:
        found = [
            (area.area_id, level.level, outcome)
            for area in self.placement.areas
            for level in area.levels
            for outcome in level.criteria
        ]
        found += [
            ("stage", stage.level, outcome)
            for stage in self.placement.stages
            for outcome in stage.criteria
        ]
        return found

    def document(self) -> AssessmentDocument:
        """The typed assessment document (what `--json`, `compare`, `--history` and every
        renderer read)."""
        framework = self.framework
        areas = []
        for area_def, area in zip(framework.areas, self.placement.areas, strict=True):
            areas.append(
                {
                    "id": area.area_id,
                    "name": area_def.name,
                    "level": area.level,
                    "level_name": framework.level_name(area.level),
                    "coverage": round(area.coverage, 4),
                    "confidence": confidence(
                        area.coverage,
                        area.level,
                        assumed=any(
                            self._assumed(o) for level in area.levels for o in level.criteria
                        ),
                    ),
                    "levels": [
                        {
                            "level": level.level,
                            "name": framework.level_name(level.level),
                            "text": level_def.text,
                            "status": level.status,
                            "criteria": [self._criterion_json(o) for o in level.criteria],
                        }
                        for level_def, level in zip(area_def.levels, area.levels, strict=True)
                    ],
                }
            )
        stage_json = None
        if self.stages is not None:
            stage_json = {
                "framework": self.stages.id,
                "level": self.placement.stage,
                "name": self.stages.level_name(self.placement.stage),
                "rules": self.stages.rules,
                "stages": [
                    {
                        "level": stage.level,
                        "name": self.stages.level_name(stage.level),
                        "status": stage.status,
                        "requires": [
                            {
                                "areas_at_least": rule.areas_at_least,
                                "count": rule.count,
                                "holds": holds,
                            }
                            for rule, holds in stage.rules
                        ],
                        "criteria": [self._criterion_json(o) for o in stage.criteria],
                    }
                    for stage in self.placement.stages
                ],
            }
        criteria = [o for _, _, o in self._outcomes()]
        inapplicable = sum(o.status == "not applicable" for o in criteria)
        known = sum(o.status not in ("unknown", "not applicable") for o in criteria)
        applicable = len(criteria) - inapplicable
        return AssessmentDocument.model_validate(
            {
                "kind": ASSESSMENT_KIND,
                "format_version": FORMAT_VERSION,
                "tool": {"name": "asyncmaturity", "version": __version__},
                "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "store": self.store,
                "period": self.period,
                "framework": _framework_json(framework),
                "stage_framework": _framework_json(self.stages) if self.stages else None,
                "overall": {
                    "level": self.placement.overall,
                    "name": framework.level_name(self.placement.overall),
                    "rule": "The weakest area with evidence sets the overall level, once at least "
                    "half of the areas have one.",
                },
                "stage": stage_json,
                "areas": areas,
                "coverage": {
                    "criteria": len(criteria),
                    "known": known,
                    "not_applicable": inapplicable,
                    "share": round(known / applicable, 4) if applicable else 0.0,
                    "from_data": sum(o.decided_by == "data" for o in criteria),
                    "from_survey": sum(o.decided_by == "survey" for o in criteria),
                },
                "metrics": self.metrics,
                "survey": self.survey.to_json() if self.survey is not None else None,
                "questions": {
                    item.id: {"text": item.text, "area": item.area, "topic": item.topic}
                    for item in self.survey_definition.items
                },
                "disagreements": self.disagreements(),
                "roadmap": [a.to_json(self.cost) for a in self.roadmap],
                "follow_up": self.follow_up,
                "cost": self.cost.to_json() if self.cost is not None else None,
                "history": self.history,
                "bootstrap": self.replicates,
                "privacy": {"min_group_size": self.charter.min_group_size},
                "notes": self.notes,
                "visibility": self.visibility,
                "working_norms": self.working_norms,
                "assumptions": self._assumptions_json(),
                "unknown": self.unknown,
                "coordination_stack": coordination_stack(shipped_frameworks()["wmi"], self.metrics),
                "business_metrics": business_metrics(
                    shipped_frameworks()["acf"], self.metrics, _survey_scores(self.survey)
                ),
                "principles": judge_principles(
                    self.stages,
                    self._outcomes(),
                    self.metrics,
                    self.unknown,
                    _survey_scores(self.survey),
                    self.survey_definition,
                ),
                "activities": self.activities,
            }
        )

    def _assumed(self, outcome: CriterionOutcome) -> list[str]:
        """The defaults a criterion decided by data leans on (ids of the measurement's
        assumptions that its metric reads); a norm detected in the evidence is no default."""
        metric = outcome.criterion.metric
        if outcome.decided_by != "data" or metric is None:
            return []
        return [a.id for a in self.assumptions if metric.id in a.metrics and a.basis == "default"]

    def _assumptions_json(self) -> list[dict[str, Any]]:
        """Each assumption with the number of criteria whose metric reads it."""
        cited = [o.criterion.metric.id for _, _, o in self._outcomes() if o.criterion.metric]
        return [
            {**a.to_json(), "criteria": sum(metric_id in a.metrics for metric_id in cited)}
            for a in self.assumptions
        ]

    def _criterion_json(self, outcome: CriterionOutcome) -> dict[str, Any]:
        criterion = outcome.criterion
        metric = None
        if criterion.metric is not None:
            metric = {
                "id": criterion.metric.id,
                "op": criterion.metric.op,
                "threshold": criterion.metric.threshold,
                # A figure drawn from too few items is shown, though it decided nothing.
                "value": outcome.metric_value
                if outcome.metric_value is not None
                else as_float(self.metrics.get(criterion.metric.id)),
                "status": outcome.metric_status,
                "reason": self.unknown.get(criterion.metric.id),
            }
        survey = None
        if criterion.survey is not None:
            survey = {
                "items": criterion.survey.items,
                "min_score": criterion.survey.min_score,
                "score": outcome.survey_score,
                "status": outcome.survey_status,
            }
        return {
            "id": criterion.id,
            "text": criterion.text,
            "status": outcome.status,
            "decided_by": outcome.decided_by,
            "metric": metric,
            "survey": survey,
            "rationale": criterion.rationale,
            "actions": criterion.actions,
            "disagreement": disagreement_text(outcome, self.survey_definition)
            if outcome.disagrees
            else None,
            "assumed": self._assumed(outcome),
        }


def _framework_json(framework: Framework) -> dict[str, Any]:
    return {
        "id": framework.id,
        "name": framework.name,
        "version": framework.version,
        "levels": [{"value": lv.value, "name": lv.name} for lv in framework.levels],
        "attribution": framework.attribution.model_dump() if framework.attribution else None,
        "dimensions": [
            {"id": d.id, "name": d.name, "metrics": d.metrics} for d in framework.dimensions
        ],
    }


def _too_few_to_decide(
    measurement: MeasureResult | None, metrics: dict[str, Value]
) -> dict[str, str]:
    """Metric id -> why it decides no criterion, for the figures drawn from too few items."""
    if measurement is None:
        return {}
    return {
        metric_id: f"drawn from {count} item{'s' if count != 1 else ''}: too few to decide a "
        f"criterion (at least {MIN_DECIDING_SAMPLE})"
        for metric_id, count in measurement.samples.items()
        if count < MIN_DECIDING_SAMPLE and metrics.get(metric_id) is not None
    }


def confidence(coverage: float, level: int | None, *, assumed: bool = False) -> str:
    """'high', 'medium' or 'low' from the share of deciding criteria with evidence, one step lower
    when a criterion decided by data leans on an assumed default; 'none' without a level."""
    if level is None:
        return "none"
    labels = [label for _, label in CONFIDENCE]
    found = next(label for floor, label in CONFIDENCE if coverage >= floor)
    return labels[min(labels.index(found) + int(assumed), len(labels) - 1)]


def agreement(score: float) -> str:
    """What a survey score says people think: 'agree', 'mostly agree', ... 'disagree'."""
    if score >= AGREE:
        return "agree"
    if score >= MOSTLY_AGREE:
        return "mostly agree"
    if score <= DISAGREE:
        return "disagree"
    if score <= MOSTLY_DISAGREE:
        return "mostly disagree"
    return "neither agree nor disagree"


def _against_the_bar(score: float, bar: float) -> str:
    """Where a survey score stands against its criterion's bar: '0.07 below the bar of 0.75'."""
    # Compared as shown (two decimals), so that 0.748 against 0.75 does not read "0.00 below".
    gap = round(score - bar, 2)
    if gap == 0:
        return f"{'at' if score >= bar else 'just below'} the bar of {format_score(bar)}"
    side = "above" if gap > 0 else "below"
    return f"{format_score(abs(gap))} {side} the bar of {format_score(bar)}"


def disagreement_text(outcome: CriterionOutcome, definition: SurveyDefinition) -> str:
    """'People mostly agree that "X" (survey score 0.68, 0.07 below the bar of 0.75), while the
    data meets the criterion: answered within 5 minutes is 21.5% (needs <= 30.0%).'"""
    criterion = outcome.criterion
    score = outcome.survey_score
    assert criterion.metric is not None and criterion.survey is not None and score is not None
    metric = METRICS[criterion.metric.id]
    first = criterion.survey.items[0]
    try:
        statement = definition.item(first).text
    except KeyError:
        statement = first
    shows = "meets" if outcome.metric_status == "met" else "misses"
    return (
        f"People {agreement(score)} that \u201c{statement}\u201d (survey score "
        f"{format_score(score)}, {_against_the_bar(score, criterion.survey.min_score)}), while "
        f"the data {shows} the criterion: {metric.label.lower()} is "
        f"{format_value(outcome.metric_value, metric.unit)} "
        f"(needs {criterion.metric.op} {format_value(criterion.metric.threshold, metric.unit)})."
    )


def _survey_scores(results: SurveyResults | None) -> dict[str, float | None]:
    if results is None:
        return {}
    return {item_id: figures.score for item_id, figures in results.items.items()}


def _survey_replicates(
    results: SurveyResults | None, definition: SurveyDefinition, count: int, seed: int
) -> list[dict[str, float | None]]:
    """Item scores per replicate: each item's answers redrawn from its own distribution."""
    replicates: list[dict[str, float | None]] = [{} for _ in range(count)]
    if results is None:
        return replicates
    rng = np.random.default_rng([seed, 7])
    for item_id, figures in results.items.items():
        if figures.score is None or not figures.distribution:
            continue
        item = definition.item(item_id)
        scale = definition.scale_of(item)
        values = list(figures.distribution)
        scores = np.array([item.score(v, scale) for v in values])
        counts = np.array([figures.distribution[v] for v in values], dtype=np.float64)
        draws = rng.multinomial(int(counts.sum()), counts / counts.sum(), size=count)
        means = draws @ scores / counts.sum()
        for r in range(count):
            replicates[r][item_id] = float(means[r])
    return replicates


def assess(
    measurement: MeasureResult | None = None,
    survey: Path | str | None = None,
    *,
    framework: str | Path = "five-area",
    charter: Charter | None = None,
    questions: Sequence[Path] = (),
    columns: dict[str, str] | None = None,
    strict: bool = False,
    previous: AssessmentDocument | None = None,
    history: Sequence[AssessmentDocument] = (),
    seed: int = 0,
) -> Assessment:
    """Assess a team from its measurement, its survey responses, or both.

    Parameters:
        measurement: what :func:`asyncmaturity.metrics.measure.measure` computed from the
            evidence, with bootstrap replicates and the coordination cost (optional when a
            survey is given).
        survey: responses as CSV or JSON (optional when a measurement is given).
        framework: a shipped areas framework id or a framework file of one's own.
        charter: the team's norms (the measurement's when one is given).
        questions: extra survey-definition files (a team's own questions and scales).
        columns: survey CSV header -> item id, for headers that match no item.
        previous: an earlier assessment; its roadmap targets are checked against now.
        history: earlier assessments, oldest first, for the trend.
        seed: the survey's bootstrap seed (the measurement's replicates carry their own).
    """
    if measurement is None and survey is None:
        raise NoEvidence(
            "nothing to assess: give a store (--store), survey responses (--survey), or both"
        )
    if measurement is not None:
        charter = measurement.charter
    charter = charter or Charter()
    chosen = load_framework(framework)
    if chosen.kind != "areas":
        raise InvalidFramework(
            f"{chosen.id}: a {chosen.kind} framework cannot place a team; choose an areas "
            "framework such as five-area"
        )
    shipped = shipped_frameworks()
    stages = shipped["wmi"] if chosen.id == "five-area" else None
    definition = combined_survey([chosen, *shipped.values()], questions)
    results = None
    if survey is not None:
        responses = load_responses(Path(survey), definition, columns=columns, strict=strict)
        results = aggregate(responses, definition, min_group_size=charter.min_group_size)
    metrics: dict[str, Value] = {}
    cost: CoordinationCost | None = None
    metric_reps: dict[str, list[float | None]] = {}
    period: dict[str, str | None] = {"since": None, "until": None, "first": None, "last": None}
    notes: list[str] = []
    if measurement is not None:
        metrics = measurement.metrics
        cost = measurement.cost
        if measurement.replicates is not None:
            metric_reps = measurement.replicates.metrics
            seed = measurement.replicates.seed
        period = {
            "since": measurement.since,
            "until": measurement.until,
            "first": measurement.first.isoformat() if measurement.first else None,
            "last": measurement.last.isoformat() if measurement.last else None,
        }
        notes = list(measurement.notes)
    replicate_count = REPLICATES
    scores = _survey_scores(results)
    too_few = _too_few_to_decide(measurement, metrics)
    # The figures are shown as measured; those drawn from too few items decide nothing.
    deciding = {**metrics, **dict.fromkeys(too_few)}
    inapplicable = frozenset(measurement.not_applicable if measurement is not None else ())
    placement = place(chosen, deciding, scores, stages=stages, not_applicable=inapplicable)
    placed = [a for a in placement.areas if a.level is not None]
    if placed and placement.overall is None:
        needed = math.ceil(MIN_AREAS_PLACED * len(placement.areas))
        notes.append(
            f"Only {len(placed)} of {len(placement.areas)} areas "
            f"{'has' if len(placed) == 1 else 'have'} a level: the overall level"
            f"{' and the stage' if stages is not None else ''} need at least {needed}; the "
            "survey or further exports (see why each figure is unknown) would place the others"
        )
    practices = practices_catalogue(chosen)
    roadmap = build_roadmap(
        chosen,
        placement,
        practices,
        shipped["acf"],
        metrics=metrics,
        cost=cost,
        stages=stages,
        survey=scores,
        unknown=measurement.unknown if measurement is not None else None,
        counts=measurement.counts if measurement is not None else None,
        assumptions=measurement.assumptions if measurement is not None else (),
    )
    survey_reps = _survey_replicates(results, definition, replicate_count, seed)
    area_reps: dict[str, list[int | None]] = {a.id: [] for a in chosen.areas}
    overall_reps: list[int | None] = []
    stage_reps: list[int | None] = []
    for r in range(replicate_count):
        values = {metric_id: reps[r] for metric_id, reps in metric_reps.items()}
        # Metrics with no day decomposition keep their measured value in every replicate.
        replicate_metrics = {**deciding, **values, **dict.fromkeys(too_few)}
        replicate = place(
            chosen,
            replicate_metrics,
            {**scores, **survey_reps[r]},
            stages=stages,
            not_applicable=inapplicable,
        )
        for area in replicate.areas:
            area_reps[area.area_id].append(area.level)
        overall_reps.append(replicate.overall)
        stage_reps.append(replicate.stage)
    replicates = {
        "method": "Poisson bootstrap over UTC days (metrics); multinomial redraw of each item's "
        "answers (survey)",
        "count": replicate_count,
        "seed": seed,
        "metrics": metric_reps,
        "areas": area_reps,
        "overall": overall_reps,
        "stage": stage_reps,
    }
    assessment = Assessment(
        framework=chosen,
        stages=stages,
        placement=placement,
        metrics=metrics,
        survey=results,
        survey_definition=definition,
        roadmap=roadmap,
        cost=cost,
        charter=charter,
        store=measurement.store if measurement is not None else None,
        period=period,
        replicates=replicates,
        notes=notes,
        visibility={
            str(aspect): state.to_json() for aspect, state in measurement.visibility.items()
        }
        if measurement is not None
        else {},
        unknown={**measurement.unknown, **too_few} if measurement is not None else {},
        assumptions=list(measurement.assumptions) if measurement is not None else [],
        working_norms=measurement.norms.to_json() if measurement is not None else None,
    )
    assessment.activities = activity_map(shipped["acf"], metrics, deciding, assessment.unknown)
    if previous is not None:
        assessment.follow_up = follow_up(previous, metrics, scores)
    assessment.history = trend(history, assessment)
    return assessment


def follow_up(
    previous: AssessmentDocument, metrics: dict[str, Value], scores: dict[str, float | None]
) -> list[FollowUp]:
    """For each action of the previous roadmap: was its target met now?"""
    checked = []
    for action in previous.roadmap:
        target = action.target
        status: Status = "unknown"
        now = None
        if isinstance(target, MetricTarget):
            value = metrics.get(target.metric)
            if value is not None:
                now = float(value)
                check = MetricCheck(id=target.metric, op=target.op, threshold=target.threshold)
                status = "met" if check.passes(now) else "not met"
        elif isinstance(target, SurveyTarget):
            known = [s for s in (scores.get(i) for i in target.survey_items) if s is not None]
            if known:
                now = sum(known) / len(known)
                status = "met" if now >= target.min_score else "not met"
        checked.append(
            FollowUp(
                action=action.id,
                title=action.title,
                target=target,
                before=action.baseline,
                now=now,
                status=status,
            )
        )
    return checked


def trend(history: Sequence[AssessmentDocument], current: Assessment) -> list[TrendPoint]:
    """Each earlier assessment's area levels and stage, oldest first, then the current one."""
    points = [
        TrendPoint(
            generated_at=document.generated_at,
            period_last=document.period.last,
            areas={area.id: area.level for area in document.areas},
            stage=document.stage.level if document.stage is not None else None,
        )
        for document in history
    ]
    points.append(
        TrendPoint(
            generated_at=datetime.now(UTC).isoformat(timespec="seconds"),
            period_last=current.period.get("last"),
            areas={a.area_id: a.level for a in current.placement.areas},
            stage=current.placement.stage,
        )
    )
    return points


__all__ = [
    "Assessment",
    "assess",
    "follow_up",
    "load_history",
    "read_assessment",
    "save_to_history",
]
