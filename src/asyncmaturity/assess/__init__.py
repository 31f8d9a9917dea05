"""Assess: place a team on the maturity models from its evidence and survey, and say what next.

Example::

    from asyncmaturity.assess import assess
    result = assess(store="team.duckdb", survey="answers.csv")
    result.placement.overall, [a.practice.title for a in result.roadmap]
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import numpy as np

from asyncmaturity import __version__
from asyncmaturity.assess.cost import (
    CoordinationCost,
    CostAssumptions,
    coordination_cost,
    period_weeks,
)
from asyncmaturity.assess.evaluate import CriterionOutcome, Placement, place
from asyncmaturity.assess.roadmap import RoadmapAction, build_roadmap
from asyncmaturity.charter import Charter
from asyncmaturity.errors import InvalidAssessment, InvalidFramework, NoEvidence
from asyncmaturity.frameworks import (
    Framework,
    combined_survey,
    load_framework,
    practices_catalogue,
    shipped_frameworks,
)
from asyncmaturity.metrics import METRICS
from asyncmaturity.metrics.bootstrap import REPLICATES, metric_replicates
from asyncmaturity.metrics.frames import build_frames, period_bounds
from asyncmaturity.metrics.measure import compute
from asyncmaturity.report.format import format_value
from asyncmaturity.store.database import EvidenceStore
from asyncmaturity.survey import SurveyDefinition, SurveyResults, aggregate, load_responses

ASSESSMENT_KIND = "asyncmaturity.assessment"
CONFIDENCE = ((0.8, "high"), (0.5, "medium"), (0.0, "low"))

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
    follow_up: list[dict[str, Any]] = field(default_factory=list)
    history: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

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

    def to_json(self) -> dict[str, Any]:
        """The stable machine-readable assessment (what `compare` and `--history` read)."""
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
                    "confidence": confidence(area.coverage, area.level),
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
        known = sum(o.status != "unknown" for o in criteria)
        return {
            "kind": ASSESSMENT_KIND,
            "format_version": 1,
            "tool": {"name": "asyncmaturity", "version": __version__},
            "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "store": self.store,
            "period": self.period,
            "framework": _framework_json(framework),
            "stage_framework": _framework_json(self.stages) if self.stages else None,
            "overall": {
                "level": self.placement.overall,
                "name": framework.level_name(self.placement.overall),
                "rule": "The weakest area with evidence sets the overall level.",
            },
            "stage": stage_json,
            "areas": areas,
            "coverage": {
                "criteria": len(criteria),
                "known": known,
                "share": round(known / len(criteria), 4) if criteria else 0.0,
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
        }

    def _criterion_json(self, outcome: CriterionOutcome) -> dict[str, Any]:
        criterion = outcome.criterion
        metric = None
        if criterion.metric is not None:
            metric = {
                "id": criterion.metric.id,
                "op": criterion.metric.op,
                "threshold": criterion.metric.threshold,
                "value": outcome.metric_value,
                "status": outcome.metric_status,
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


def confidence(coverage: float, level: int | None) -> str:
    """'high', 'medium' or 'low' from the share of deciding criteria with evidence; 'none'."""
    if level is None:
        return "none"
    return next(label for floor, label in CONFIDENCE if coverage >= floor)


def disagreement_text(outcome: CriterionOutcome, definition: SurveyDefinition) -> str:
    """'People say X (survey score 0.78), but the data says Y: agenda share 12% (needs >= 60%).'"""
    criterion = outcome.criterion
    assert criterion.metric is not None and criterion.survey is not None
    metric = METRICS[criterion.metric.id]
    first = criterion.survey.items[0]
    try:
        statement = definition.item(first).text
    except KeyError:
        statement = first
    said = "agree" if outcome.survey_status == "met" else "do not agree"
    shows = "meets" if outcome.metric_status == "met" else "misses"
    return (
        f"People {said} that \u201c{statement}\u201d (survey score {outcome.survey_score:.2f}, "
        f"needs {criterion.survey.min_score:.2f}), but the data {shows} the criterion: "
        f"{metric.label.lower()} is {format_value(outcome.metric_value, metric.unit)} "
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
    *,
    store: Path | str | None = None,
    survey: Path | str | None = None,
    framework: str | Path = "five-area",
    charter: Charter | None = None,
    since: date | datetime | None = None,
    until: date | datetime | None = None,
    questions: Sequence[Path] = (),
    columns: dict[str, str] | None = None,
    strict: bool = False,
    assumptions: CostAssumptions | None = None,
    previous: dict[str, Any] | None = None,
    history: Sequence[dict[str, Any]] = (),
    seed: int = 0,
) -> Assessment:
    """Assess a team from a store, survey responses, or both.

    Parameters:
        store: an evidence store written by `ingest` (optional when a survey is given).
        survey: responses as CSV or JSON (optional when a store is given).
        framework: a shipped areas framework id or a framework file of one's own.
        questions: extra survey-definition files (a team's own questions and scales).
        columns: survey CSV header -> item id, for headers that match no item.
        previous: an earlier assessment's JSON; its roadmap targets are checked against now.
        history: earlier assessments' JSON, oldest first, for the trend.
    """
    if store is None and survey is None:
        raise NoEvidence(
            "nothing to assess: give a store (--store), survey responses (--survey), or both"
        )
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
    notes: list[str] = []
    metrics: dict[str, Value] = {}
    cost = None
    metric_reps: dict[str, list[float | None]] = {}
    period: dict[str, str | None] = {"since": None, "until": None, "first": None, "last": None}
    replicate_count = REPLICATES
    if store is not None:
        with EvidenceStore.open(store, create=False) as opened:
            frames = build_frames(opened, charter, since=since, until=until)
            metrics, _, _ = compute(frames)
            start, end = period_bounds(since, until)
            weeks = period_weeks(frames.first, frames.last, start, end)
            cost = coordination_cost(frames, metrics, assumptions or CostAssumptions(), weeks=weeks)
            metric_reps, _ = metric_replicates(frames, list(METRICS.values()), seed=seed)
            period = {
                "since": since.isoformat() if since else None,
                "until": until.isoformat() if until else None,
                "first": frames.first.isoformat() if frames.first else None,
                "last": frames.last.isoformat() if frames.last else None,
            }
            if frames.unmatched_charter_ids:
                notes.append(
                    f"{len(frames.unmatched_charter_ids)} people named in the charter are not in "
                    "the store; their entries had no effect"
                )
    scores = _survey_scores(results)
    placement = place(chosen, metrics, scores, stages=stages)
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
    )
    survey_reps = _survey_replicates(results, definition, replicate_count, seed)
    area_reps: dict[str, list[int | None]] = {a.id: [] for a in chosen.areas}
    overall_reps: list[int | None] = []
    stage_reps: list[int | None] = []
    for r in range(replicate_count):
        values = {metric_id: reps[r] for metric_id, reps in metric_reps.items()}
        # Metrics with no day decomposition keep their measured value in every replicate.
        replicate_metrics = {**metrics, **values}
        replicate = place(chosen, replicate_metrics, {**scores, **survey_reps[r]}, stages=stages)
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
        store=str(store) if store is not None else None,
        period=period,
        replicates=replicates,
        notes=notes,
    )
    if previous is not None:
        assessment.follow_up = follow_up(previous, metrics, scores)
    assessment.history = trend(history, assessment)
    return assessment


def follow_up(
    previous: dict[str, Any], metrics: dict[str, Value], scores: dict[str, float | None]
) -> list[dict[str, Any]]:
    """For each action of the previous roadmap: was its target met now?"""
    from asyncmaturity.frameworks import MetricCheck

    checked = []
    for action in previous.get("roadmap", []):
        target = action.get("target")
        status, now = "unknown", None
        if target and "metric" in target:
            value = metrics.get(target["metric"])
            if value is not None:
                now = float(value)
                check = MetricCheck(
                    id=target["metric"], op=target["op"], threshold=target["threshold"]
                )
                status = "met" if check.passes(now) else "not met"
        elif target and "survey_items" in target:
            known = [s for s in (scores.get(i) for i in target["survey_items"]) if s is not None]
            if known:
                now = sum(known) / len(known)
                status = "met" if now >= target["min_score"] else "not met"
        checked.append(
            {
                "action": action.get("id"),
                "title": action.get("title"),
                "target": target,
                "before": action.get("baseline"),
                "now": now,
                "status": status,
            }
        )
    return checked


def trend(history: Sequence[dict[str, Any]], current: Assessment) -> list[dict[str, Any]]:
    """Each earlier assessment's area levels and stage, oldest first, then the current one."""
    points = []
    for document in history:
        points.append(
            {
                "generated_at": document.get("generated_at"),
                "period_last": (document.get("period") or {}).get("last"),
                "areas": {a["id"]: a["level"] for a in document.get("areas", [])},
                "stage": (document.get("stage") or {}).get("level"),
            }
        )
    points.append(
        {
            "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "period_last": current.period.get("last"),
            "areas": {a.area_id: a.level for a in current.placement.areas},
            "stage": current.placement.stage,
        }
    )
    return points


def read_assessment(path: Path | str) -> dict[str, Any]:
    """Read an assessment JSON written by `assess --json`; raise InvalidAssessment otherwise."""
    path = Path(path)
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InvalidAssessment(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InvalidAssessment(f"{path}: not an assessment JSON file: {exc}") from None
    if not isinstance(document, dict) or document.get("kind") != ASSESSMENT_KIND:
        raise InvalidAssessment(
            f"{path}: not an assessment (write one with `asyncmaturity assess --json FILE`)"
        )
    return document


def load_history(directory: Path) -> list[dict[str, Any]]:
    """Earlier assessments kept in `directory`, oldest first (by file name, which is a timestamp)."""
    if not directory.is_dir():
        return []
    return [read_assessment(p) for p in sorted(directory.glob("assessment-*.json"))]


def save_to_history(directory: Path, document: dict[str, Any]) -> Path:
    """Keep `document` in `directory` as assessment-<UTC timestamp>.json; return its path."""
    directory.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    path = directory / f"assessment-{stamp}.json"
    path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    return path


__all__ = [
    "Assessment",
    "assess",
    "follow_up",
    "load_history",
    "read_assessment",
    "save_to_history",
]
