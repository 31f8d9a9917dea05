"""The placement rules: criteria against evidence, levels per area, and stages from area levels.

Pure functions of a framework, metric values and survey scores, so the same rules place the
team on the measured figures and on every bootstrap replicate of them.

Rules (also in ``docs/frameworks.md``):

- A criterion is *met* or *not met* by its metric check when the metric has a value; otherwise by
  its survey check when the survey has answers from enough people; otherwise it is *unknown*.
  Observed behaviour decides over opinion; where both exist and differ, that is a disagreement.
- A criterion whose metric does not apply to the team (the after-hours figures of a team that
  keeps no shared working hours) is *not applicable*: it is left out of its level, of coverage and
  of confidence, and neither data nor survey decides it.
- A share or percentile drawn from fewer than MIN_DECIDING_SAMPLE (20) items (messages, threads,
  requests, meetings, work items) decides no criterion: the figure is shown, but the criterion
  falls back to the survey or is unknown, with the count in the reason.
- A level is *not met* when any of its criteria is not met; *met* when none fails and at least
  half of its applicable criteria are known (MIN_COVERAGE); *unknown* otherwise.
- An area's level is the highest level reached with every level below it met (levels are
  cumulative); the floor when the first level above it is not met; unknown (None) when that first
  level is unknown.
- The overall level of an areas framework is its weakest area with a level, once at least half
  of its areas have one (MIN_AREAS_PLACED); unknown before that, since one measured area says
  little about the rest.
- A stage is reached when its rules on area levels hold and its own criteria are met under the
  same coverage rule; stages are cumulative from the floor. Like the overall level, the stage is
  unknown until at least half of the areas have a level.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from asyncmaturity.frameworks import Criterion, Framework, StageRule

Status = Literal["met", "not met", "unknown", "not applicable"]
MIN_COVERAGE = 0.5
MIN_AREAS_PLACED = 0.5
MIN_DECIDING_SAMPLE = 20


@dataclass(frozen=True)
class CriterionOutcome:
    """How one criterion fared: the deciding status and each kind of evidence's own verdict."""

    criterion: Criterion
    status: Status
    decided_by: Literal["data", "survey"] | None
    metric_value: float | None
    metric_status: Status
    survey_score: float | None
    survey_status: Status

    @property
    def disagrees(self) -> bool:
        """Data and survey both speak and say different things."""
        decisive = ("met", "not met")
        return (
            self.metric_status in decisive
            and self.survey_status in decisive
            and self.metric_status != self.survey_status
        )


@dataclass(frozen=True)
class LevelOutcome:
    """One level of an area (or one stage): its status and its criteria."""

    level: int
    status: Status
    criteria: list[CriterionOutcome]
    rules: list[tuple[StageRule, bool]] = field(default_factory=list)

    @property
    def coverage(self) -> float:
        """Share of the level's applicable criteria with evidence (1.0 for a level with none)."""
        return known_share(self.criteria, empty=1.0)


@dataclass(frozen=True)
class AreaOutcome:
    """An area's level and the levels that decided it."""

    area_id: str
    level: int | None
    levels: list[LevelOutcome]

    @property
    def deciding(self) -> list[LevelOutcome]:
        """The levels that decide the placement: up to and including the first one not reached."""
        reached = self.level if self.level is not None else -1
        return [lv for lv in self.levels if lv.level <= reached + 1]

    @property
    def coverage(self) -> float:
        """Share of the deciding levels' criteria with evidence."""
        return known_share([c for lv in self.deciding for c in lv.criteria], empty=0.0)


def known_share(criteria: list[CriterionOutcome], *, empty: float) -> float:
    """Share of the applicable criteria that are decided (`empty` when none applies)."""
    applicable = [c for c in criteria if c.status != "not applicable"]
    if not applicable:
        return empty
    return sum(c.status != "unknown" for c in applicable) / len(applicable)


@dataclass(frozen=True)
class Placement:
    """Everything the rules decide for one areas framework and, optionally, its stages."""

    areas: list[AreaOutcome]
    overall: int | None
    stage: int | None = None
    stages: list[LevelOutcome] = field(default_factory=list)


def survey_check_score(items: list[str], scores: dict[str, float | None]) -> float | None:
    """Mean score of the items that have one (None when none has)."""
    known = [s for s in (scores.get(item) for item in items) if s is not None]
    return sum(known) / len(known) if known else None


def evaluate_criterion(
    criterion: Criterion,
    metrics: dict[str, float | None],
    survey: dict[str, float | None],
    not_applicable: frozenset[str] = frozenset(),
) -> CriterionOutcome:
    """Apply one criterion to the evidence (see the module rules); `not_applicable` holds the ids
    of metrics that do not apply to the team."""
    if criterion.metric is not None and criterion.metric.id in not_applicable:
        return CriterionOutcome(
            criterion=criterion,
            status="not applicable",
            decided_by=None,
            metric_value=None,
            metric_status="not applicable",
            survey_score=None,
            survey_status="not applicable",
        )
    value: float | None = None
    metric_status: Status = "unknown"
    if criterion.metric is not None:
        raw = metrics.get(criterion.metric.id)
        if raw is not None:
            value = float(raw)
            metric_status = "met" if criterion.metric.passes(value) else "not met"
    score: float | None = None
    survey_status: Status = "unknown"
    if criterion.survey is not None:
        score = survey_check_score(criterion.survey.items, survey)
        if score is not None:
            survey_status = "met" if score >= criterion.survey.min_score else "not met"
    status: Status = "unknown"
    decided_by: Literal["data", "survey"] | None = None
    if metric_status != "unknown":
        status, decided_by = metric_status, "data"
    elif survey_status != "unknown":
        status, decided_by = survey_status, "survey"
    return CriterionOutcome(
        criterion=criterion,
        status=status,
        decided_by=decided_by,
        metric_value=value,
        metric_status=metric_status,
        survey_score=score,
        survey_status=survey_status,
    )


def level_status(outcomes: list[CriterionOutcome]) -> Status:
    """Not met if any criterion fails; met if none fails and enough of the applicable ones are
    known (or none applies); else unknown."""
    if any(o.status == "not met" for o in outcomes):
        return "not met"
    return "met" if known_share(outcomes, empty=1.0) >= MIN_COVERAGE else "unknown"


def _climb(levels: list[LevelOutcome], floor: int) -> int | None:
    reached: int | None = None
    for index, level in enumerate(levels):
        if level.status == "met":
            reached = level.level
            continue
        if index == 0:
            return floor if level.status == "not met" else None
        break
    return reached


def rule_holds(rule: StageRule, area_levels: dict[str, int | None]) -> bool:
    """`count` areas (or all areas with a level) at `areas_at_least` or above."""
    known = [level for level in area_levels.values() if level is not None]
    if rule.count == "all":
        return bool(known) and all(level >= rule.areas_at_least for level in known)
    return sum(level >= rule.areas_at_least for level in known) >= rule.count


def place(
    framework: Framework,
    metrics: dict[str, float | None],
    survey: dict[str, float | None],
    *,
    stages: Framework | None = None,
    not_applicable: frozenset[str] = frozenset(),
) -> Placement:
    """Place the evidence on an areas framework and, when given, on a stages framework;
    `not_applicable` holds the ids of metrics that do not apply to the team."""
    floor = framework.levels[0].value
    areas: list[AreaOutcome] = []
    for area in framework.areas:
        levels = []
        for area_level in area.levels:
            outcomes = [
                evaluate_criterion(c, metrics, survey, not_applicable) for c in area_level.criteria
            ]
            levels.append(LevelOutcome(area_level.level, level_status(outcomes), outcomes))
        areas.append(AreaOutcome(area.id, _climb(levels, floor), levels))
    known = [a.level for a in areas if a.level is not None]
    enough = bool(known) and len(known) >= MIN_AREAS_PLACED * len(areas)
    overall = min(known) if enough else None
    if stages is None:
        return Placement(areas=areas, overall=overall)
    area_levels = {a.area_id: a.level for a in areas}
    stage_outcomes = []
    for stage in stages.stages:
        outcomes = [evaluate_criterion(c, metrics, survey, not_applicable) for c in stage.criteria]
        rules = [(rule, rule_holds(rule, area_levels)) for rule in stage.requires]
        status = level_status(outcomes)
        if not all(holds for _, holds in rules):
            status = "not met"
        stage_outcomes.append(LevelOutcome(stage.level, status, outcomes, rules))
    stage_floor = stages.levels[0].value
    # The floor stage holds for a team with enough areas placed: it is at least Chaotic.
    stage_level = _climb(stage_outcomes, stage_floor) if enough else None
    if stage_level is None and enough:
        stage_level = stage_floor
    return Placement(areas=areas, overall=overall, stage=stage_level, stages=stage_outcomes)


__all__ = [
    "MIN_AREAS_PLACED",
    "MIN_COVERAGE",
    "AreaOutcome",
    "CriterionOutcome",
    "LevelOutcome",
    "Placement",
    "Status",
    "evaluate_criterion",
    "known_share",
    "level_status",
    "place",
    "rule_holds",
]
