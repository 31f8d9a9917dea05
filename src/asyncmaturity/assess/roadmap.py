"""The roadmap: the failing criteria of each next level become ranked actions.

Ranking (also in ``docs/frameworks.md``):

Each practice that addresses a failing criterion of an area's next level (or of the next stage)
is placed in an Eisenhower quadrant of the Asynchronous Communication Framework:

- *important* when it addresses a criterion of a bottleneck: an area at the lowest level the team
  has, or the next stage;
- *urgent* when a criterion it addresses misses its threshold by 25% or more, when it belongs to
  the emergencies activity, or when it is projected to save at least one hour per person-week.

Within a quadrant, actions are ordered by impact per unit of effort: impact counts one point per
criterion addressed (two for a bottleneck's), plus one for a saving of at least an hour per
person-week (half for a quarter hour); effort is 1, 2 or 3 for low, medium and high.

An action whose target metric has no value cannot be checked by the next run: it says which
evidence would measure it (the export to add, or why the exports cannot show it) and ranks after
every action whose target has a value. An action whose addressed criteria or target read a
default the charter did not set (an assumption of the measurement) names it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from asyncmaturity.assess.evaluate import CriterionOutcome, Placement, survey_check_score
from asyncmaturity.frameworks import Framework, MetricCheck, Practice, SurveyCheck
from asyncmaturity.metrics.assumptions import Assumption
from asyncmaturity.metrics.cost import CoordinationCost
from asyncmaturity.metrics.frameset import FRAMES, Family
from asyncmaturity.metrics.registry import METRICS
from asyncmaturity.sources import registered_sources
from asyncmaturity.sources.interface import SourceFamily

EFFORT_POINTS = {"low": 1, "medium": 2, "high": 3}
LARGE_GAP = 0.25

# The exports that give each family of frames its evidence, and the store table that holds it.
EVIDENCE_OF: dict[Family, tuple[tuple[SourceFamily, ...], str]] = {
    "chat": ((SourceFamily.CHAT, SourceFamily.MAIL), "messages"),
    "meetings": ((SourceFamily.CALENDAR,), "meetings"),
    "work": ((SourceFamily.TRACKER,), "work_items"),
    "requests": ((SourceFamily.CHAT, SourceFamily.MAIL, SourceFamily.TRACKER), "messages"),
    "ledger": ((SourceFamily.LEDGER,), "work_items"),
}
EXPORT_NAMES: dict[SourceFamily, str] = {
    SourceFamily.CHAT: "a chat export",
    SourceFamily.MAIL: "a mail archive",
    SourceFamily.CALENDAR: "a calendar export",
    SourceFamily.TRACKER: "the tracker export",
    SourceFamily.LEDGER: "the request ledger and decision log of `asyncmaturity serve`",
}


@dataclass(frozen=True)
class Addressed:
    """A failing criterion an action addresses, and where it sits."""

    criterion_id: str
    text: str
    scope: str  # area id or "stage"
    level: int
    bottleneck: bool
    gap: float | None  # relative distance from the threshold, metric criteria only


@dataclass
class RoadmapAction:
    """One ranked action with its target, projected saving and the criteria it addresses."""

    practice: Practice
    addresses: list[Addressed] = field(default_factory=list)
    quadrant: str = ""
    quadrant_name: str = ""
    quadrant_rank: int = 4
    impact: float = 0.0
    saving_hours_per_person_week: float | None = None
    saving_fraction: float | None = None
    baseline: float | None = None
    # Which evidence would give the target metric a value (None: it has one, or no metric).
    needs_evidence: str | None = None
    # The ids of the assumed defaults its criteria or target read.
    assumes: list[str] = field(default_factory=list)
    # The metrics of the criteria it addresses.
    criterion_metrics: list[str] = field(default_factory=list)

    @property
    def effort_points(self) -> int:
        """1, 2 or 3 for low, medium, high effort."""
        return EFFORT_POINTS[self.practice.effort]

    def to_json(self, cost: CoordinationCost | None) -> dict[str, Any]:
        """The machine-readable form (part of the assessment JSON)."""
        practice = self.practice
        return {
            "id": practice.id,
            "title": practice.title,
            "description": practice.description,
            "steps": practice.steps,
            "effort": practice.effort,
            "activity": practice.activity,
            "source": practice.source,
            "quadrant": self.quadrant,
            "quadrant_name": self.quadrant_name,
            "impact": self.impact,
            "addresses": [a.__dict__ for a in self.addresses],
            "target": _target_json(practice.target, practice.survey_target),
            "baseline": self.baseline,
            "target_met_now": _target_met(practice, self.baseline),
            "needs_evidence": self.needs_evidence,
            "assumes": self.assumes,
            "saving": None
            if practice.saving is None
            else {
                "component": practice.saving.component,
                "fraction": self.saving_fraction,
                "basis": practice.saving.basis,
                "hours_per_person_week": self.saving_hours_per_person_week,
                "money_per_person_week": cost.money(self.saving_hours_per_person_week)
                if cost
                else None,
            },
        }


def _target_met(practice: Practice, baseline: float | None) -> bool | None:
    if baseline is None:
        return None
    if practice.target is not None:
        return practice.target.passes(baseline)
    if practice.survey_target is not None:
        return baseline >= practice.survey_target.min_score
    return None


def _target_json(metric: MetricCheck | None, survey: SurveyCheck | None) -> dict[str, Any] | None:
    if metric is not None:
        return {"metric": metric.id, "op": metric.op, "threshold": metric.threshold}
    if survey is not None:
        return {"survey_items": survey.items, "min_score": survey.min_score}
    return None


def relative_gap(outcome: CriterionOutcome) -> float | None:
    """How far a failing metric value is from its threshold, relative to the threshold."""
    check = outcome.criterion.metric
    if check is None or outcome.metric_value is None or outcome.metric_status != "not met":
        return None
    scale = abs(check.threshold) if check.threshold else 1.0
    return abs(outcome.metric_value - check.threshold) / scale


def build_roadmap(
    framework: Framework,
    placement: Placement,
    practices: dict[str, Practice],
    quadrants: Framework,
    *,
    metrics: dict[str, float | int | None],
    cost: CoordinationCost | None,
    stages: Framework | None = None,
    survey: dict[str, float | None] | None = None,
    unknown: Mapping[str, str] | None = None,
    counts: Mapping[str, int] | None = None,
    assumptions: Sequence[Assumption] = (),
) -> list[RoadmapAction]:
    """Rank the practices that address the failing criteria of each next level and stage.

    Parameters:
        survey: the item scores, the baseline of actions whose target is a survey check.
        unknown: why metrics are unknown (what the exports cannot show, or not applicable).
        counts: the store's rows per table, to tell a missing export from too little evidence.
        assumptions: the defaults the measurement leaned on.
    """
    actions: dict[str, RoadmapAction] = {}
    known = [a.level for a in placement.areas if a.level is not None]
    lowest = min(known) if known else None

    def add(outcome: CriterionOutcome, scope: str, level: int, bottleneck: bool) -> None:
        for practice_id in outcome.criterion.actions:
            action = actions.setdefault(practice_id, RoadmapAction(practices[practice_id]))
            if outcome.criterion.metric is not None:
                action.criterion_metrics.append(outcome.criterion.metric.id)
            action.addresses.append(
                Addressed(
                    outcome.criterion.id,
                    outcome.criterion.text,
                    scope,
                    level,
                    bottleneck,
                    relative_gap(outcome),
                )
            )

    for area in placement.areas:
        next_level = 1 if area.level is None else area.level + 1
        bottleneck = area.level is None or area.level == lowest
        for level in area.levels:
            if level.level != next_level:
                continue
            for outcome in level.criteria:
                if outcome.status == "not met":
                    add(outcome, area.area_id, level.level, bottleneck)
    if stages is not None and placement.stage is not None:
        for stage in placement.stages:
            if stage.level == placement.stage + 1:
                for outcome in stage.criteria:
                    if outcome.status == "not met":
                        add(outcome, "stage", stage.level, True)

    quadrant_of = {(q.urgent, q.important): q for q in quadrants.prioritization}
    for action in actions.values():
        _project_saving(action, cost)
        target = action.practice.target
        if target is not None:
            action.baseline = as_float(metrics.get(target.id))
            if action.baseline is None:
                action.needs_evidence = evidence_to_measure(target.id, unknown or {}, counts)
        elif action.practice.survey_target is not None:
            action.baseline = survey_check_score(action.practice.survey_target.items, survey or {})
        saving = action.saving_hours_per_person_week or 0.0
        important = any(a.bottleneck for a in action.addresses)
        urgent = (
            any(a.gap is not None and a.gap >= LARGE_GAP for a in action.addresses)
            or action.practice.activity == "emergencies"
            or saving >= 1.0
        )
        quadrant = quadrant_of[(urgent, important)]
        action.quadrant, action.quadrant_rank = quadrant.id, quadrant.rank
        action.quadrant_name = quadrant.name
        action.impact = sum(2.0 if a.bottleneck else 1.0 for a in action.addresses) + (
            1.0 if saving >= 1.0 else 0.5 if saving >= 0.25 else 0.0
        )
        read = {*action.criterion_metrics, *([target.id] if target is not None else [])}
        action.assumes = [
            a.id for a in assumptions if a.basis == "default" and read & set(a.metrics)
        ]
    return sorted(
        actions.values(),
        key=lambda a: (
            a.needs_evidence is not None,
            a.quadrant_rank,
            -a.impact / a.effort_points,
            a.practice.id,
        ),
    )


def evidence_to_measure(
    metric_id: str, unknown: Mapping[str, str], counts: Mapping[str, int] | None
) -> str:
    """What would give `metric_id` a value: the export to add, or why the exports cannot.

    >>> evidence_to_measure("work.owner_share", {}, {"work_items": 0})
    'add the tracker export (github, gitlab, jira) to measure work.owner_share'
    """
    if metric_id in unknown:
        return f"{metric_id} is unknown: {unknown[metric_id]}"
    family = FRAMES[METRICS[metric_id].frame].family
    exports, table = EVIDENCE_OF[family]
    if counts is not None and counts.get(table, 0) > 0 and family != "ledger":
        return (
            f"the store's {family} evidence gives {metric_id} no value: the period holds none of "
            "what it counts, or too few people to show"
        )
    sources = registered_sources()
    wanted = [
        f"{EXPORT_NAMES[kind]} ({', '.join(s.name for s in sources if s.family == kind)})"
        for kind in exports
    ]
    return f"add {' or '.join(wanted)} to measure {metric_id}"


def _project_saving(action: RoadmapAction, cost: CoordinationCost | None) -> None:
    saving = action.practice.saving
    if saving is None or cost is None:
        return
    fraction = cost.assumptions.action_savings.get(action.practice.id, saving.fraction)
    action.saving_fraction = fraction
    hours = cost.component(saving.component).hours_per_person_week
    action.saving_hours_per_person_week = None if hours is None else hours * fraction


def as_float(value: float | int | None) -> float | None:
    """`value` as a float, None kept."""
    return None if value is None else float(value)
