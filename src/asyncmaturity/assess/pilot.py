"""The six-week pilot: a baseline and a pilot period of one store, checked and compared.

:func:`check_periods` refuses periods that cannot be compared (reversed, overlapping, shorter
than :data:`MIN_PERIOD_DAYS`) and warns where the comparison is weaker than the guide's (shorter
than :data:`GUIDE_PERIOD_DAYS`); :func:`check_people` does the same for who was present.
:func:`pilot_document` turns the two assessments and their comparison into one
:class:`PilotDocument` whose verdicts do not sell noise as progress: a change is *improved* or
*worsened* only where its 95% bootstrap interval excludes zero, and *cannot conclude* (with the
reason) where a side is unknown, there is no interval, or a figure is drawn from too few items.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from asyncmaturity.assess.compare import (
    change_verdict,
    compare_assessments,
    metric_directions,
    one_sided_doubt,
    principle_change,
)
from asyncmaturity.assess.document import (
    AssessmentDocument,
    ComparisonDocument,
    FollowUp,
    PrincipleStatus,
    Tool,
    Value,
    Verdict,
)
from asyncmaturity.errors import InvalidPilotPeriods
from asyncmaturity.metrics.frames import period_bounds
from asyncmaturity.units import format_period

PILOT_KIND: Literal["asyncmaturity.pilot"] = "asyncmaturity.pilot"
PILOT_FORMAT_VERSION = 1

# Each period must hold at least two weeks: the bootstrap resamples days, and fewer days (ten
# working days or less) give too few clusters to tell a change from noise.
MIN_PERIOD_DAYS = 14
# The business guide's pilot runs six weeks; shorter periods are compared with a warning.
GUIDE_PERIOD_DAYS = 42
# Share of the people active in either period who are active in both: below the first the
# comparison is refused (mostly other people), below the second it carries a warning.
MIN_SHARED_PEOPLE = 0.5
WARN_SHARED_PEOPLE = 0.8

PilotVerdict = Literal[
    "improved", "worsened", "no significant change", "changed", "cannot conclude"
]
CheckStatus = Literal["passed", "warning", "unknown"]

RULE = (
    "improved: the 95% interval of the change excludes zero and the change is in the better "
    "direction; worsened: it excludes zero the other way; no significant change: the interval "
    "holds zero, or more than 2.5% of the resampled differences are zero or the other way; "
    "changed: it excludes zero but the figure has no better direction; cannot "
    "conclude: a side is unknown, there is no interval, or a figure is drawn from too few items"
)


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PilotPeriod(_Part):
    """One period of the pilot as asked (UTC; `until` exclusive) and the evidence found in it."""

    name: Literal["baseline", "pilot"]
    since: str
    until: str
    days: float
    first: str | None
    last: str | None
    people_active: int | None


class PilotCheck(_Part):
    """One check of the periods: what was checked, its outcome, and what it means."""

    id: Literal["order", "overlap", "length", "evidence", "people"]
    status: CheckStatus
    text: str


class PeopleOverlap(_Part):
    """How many people were active in each period and in both; `share` is of either."""

    baseline: int
    pilot: int
    both: int
    share: float | None
    refuse_below: float
    warn_below: float


class PilotChange(_Part):
    """The change of one figure from the baseline to the pilot, its interval and verdict."""

    before: Value
    after: Value
    change: float | None
    interval: list[float] | None
    verdict: PilotVerdict
    reason: str | None = None


class PilotMetricChange(PilotChange):
    """The change of one metric; `better` is the direction that counts as progress."""

    id: str
    relative_change: float | None
    better: Literal["higher", "lower"] | None


class PilotAreaChange(PilotChange):
    """The change of one area's level."""

    id: str
    name: str


class PilotCriterionChange(PilotChange):
    """The change of one criterion: its status on each side and the change of its evidence
    (the metric's figure, else the survey items' score)."""

    id: str
    scope: str
    level: int
    text: str
    evidence: str | None
    status_before: str
    status_after: str


class PilotPrincipleChange(_Part):
    """One principle's status in each period, the evidence whose status moved, and the verdict
    (a move counts only where the metrics that moved it changed significantly)."""

    id: str
    name: str
    before: PrincipleStatus | None
    after: PrincipleStatus
    moved: list[str]
    verdict: PilotVerdict
    reason: str | None


class PilotDocument(_Part):
    """The pilot's result, as written by `pilot --json`."""

    kind: Literal["asyncmaturity.pilot"] = PILOT_KIND
    format_version: int = PILOT_FORMAT_VERSION
    tool: Tool
    generated_at: str
    store: str | None
    framework: str
    baseline: PilotPeriod
    pilot: PilotPeriod
    method: str
    rule: str
    checks: list[PilotCheck]
    people: PeopleOverlap | None
    summary: dict[str, int]
    stage: PilotChange
    areas: list[PilotAreaChange]
    criteria: list[PilotCriterionChange]
    metrics: list[PilotMetricChange]
    follow_up: list[FollowUp]
    cannot_conclude: list[str]
    # Absent in pilot files written before principles were compared.
    principles: list[PilotPrincipleChange] = Field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """The document as JSON values (non-finite numbers as null)."""
        document: dict[str, Any] = json.loads(self.model_dump_json())
        return document

    def dumps(self) -> str:
        """The document as indented JSON text."""
        return json.dumps(self.to_json(), indent=2)


@dataclass(frozen=True)
class PeriodRequest:
    """One period as given: UTC bounds, a date `until` including that whole day."""

    name: Literal["baseline", "pilot"]
    since: date | datetime
    until: date | datetime

    def bounds(self) -> tuple[datetime, datetime]:
        """The half-open UTC bounds [start, end)."""
        start, end = period_bounds(self.since, self.until)
        assert start is not None and end is not None
        return start, end

    def days(self) -> float:
        """The period's length in days."""
        start, end = self.bounds()
        return (end - start).total_seconds() / 86_400


def check_periods(baseline: PeriodRequest, pilot: PeriodRequest) -> list[PilotCheck]:
    """The checks on the periods themselves; :class:`InvalidPilotPeriods` where they cannot be
    compared (reversed, overlapping, the pilot first, or either shorter than two weeks)."""
    for period in (baseline, pilot):
        start, end = period.bounds()
        if end <= start:
            raise InvalidPilotPeriods(
                f"the {period.name} period ends ({period.until}) before it starts "
                f"({period.since}): give --{period.name}-since before --{period.name}-until"
            )
    (b_start, b_end), (p_start, _) = baseline.bounds(), pilot.bounds()
    if p_start < b_start:
        raise InvalidPilotPeriods(
            f"the pilot ({pilot.since}) starts before the baseline ({baseline.since}): the "
            "baseline is the period before the pilot"
        )
    if p_start < b_end:
        raise InvalidPilotPeriods(
            f"the periods overlap: the baseline runs to {b_end.isoformat(sep=' ')} (a date "
            f"--baseline-until includes that whole day) and the pilot starts at "
            f"{p_start.isoformat(sep=' ')}"
        )
    checks = [
        PilotCheck(id="order", status="passed", text="the baseline comes before the pilot"),
        PilotCheck(
            id="overlap",
            status="passed",
            text="the periods do not overlap"
            + (f" ({(p_start - b_end).days} days between them)" if p_start > b_end else ""),
        ),
    ]
    short = [p for p in (baseline, pilot) if p.days() < GUIDE_PERIOD_DAYS]
    for period in (baseline, pilot):
        if period.days() < MIN_PERIOD_DAYS:
            raise InvalidPilotPeriods(
                f"the {period.name} period holds {period.days():g} days: at least "
                f"{MIN_PERIOD_DAYS} are needed for an interval that tells a change from noise "
                f"(the guide's pilot runs {GUIDE_PERIOD_DAYS})"
            )
    if short:
        names = " and ".join(f"the {p.name} ({p.days():g} days)" for p in short)
        checks.append(
            PilotCheck(
                id="length",
                status="warning",
                text=f"{names} {'is' if len(short) == 1 else 'are'} shorter than the "
                f"{GUIDE_PERIOD_DAYS} days of the guide's six-week pilot: intervals are wider "
                "and slow changes may not show yet",
            )
        )
    else:
        checks.append(
            PilotCheck(
                id="length",
                status="passed",
                text=f"both periods hold at least {GUIDE_PERIOD_DAYS} days",
            )
        )
    return checks


def check_people(
    baseline: frozenset[str] | None,
    pilot: frozenset[str] | None,
    *,
    refuse_below: float = MIN_SHARED_PEOPLE,
) -> tuple[PilotCheck, PeopleOverlap | None]:
    """Whether mostly the same people were active in both periods; :class:`InvalidPilotPeriods`
    where fewer than `refuse_below` of those active in either were active in both."""
    if baseline is None or pilot is None or not (baseline | pilot):
        return (
            PilotCheck(
                id="people",
                status="unknown",
                text="no chat or mail evidence shows who was active: whether the same people "
                "took part in both periods cannot be checked",
            ),
            None,
        )
    both = len(baseline & pilot)
    share = both / len(baseline | pilot)
    overlap = PeopleOverlap(
        baseline=len(baseline),
        pilot=len(pilot),
        both=both,
        share=share,
        refuse_below=refuse_below,
        warn_below=WARN_SHARED_PEOPLE,
    )
    said = (
        f"{both} of the {len(baseline | pilot)} people active in either period were active in "
        f"both ({share:.0%})"
    )
    if share < refuse_below:
        raise InvalidPilotPeriods(
            f"{said}: under {refuse_below:.0%}, the periods compare different teams, not one "
            "team before and after (--min-shared-people lowers the bar)"
        )
    if share < WARN_SHARED_PEOPLE:
        text = (
            f"{said}, under {WARN_SHARED_PEOPLE:.0%}: part of any change may come from who took "
            "part rather than how"
        )
        return PilotCheck(id="people", status="warning", text=text), overlap
    return PilotCheck(id="people", status="passed", text=said), overlap


def check_evidence(
    baseline: PeriodRequest,
    pilot: PeriodRequest,
    before: AssessmentDocument,
    after: AssessmentDocument,
) -> PilotCheck:
    """Whether each period holds evidence; :class:`InvalidPilotPeriods` where one holds none."""
    for period, document in ((baseline, before), (pilot, after)):
        if document.period.first is None:
            raise InvalidPilotPeriods(
                f"the store holds no evidence in the {period.name} period ({period.since} .. "
                f"{period.until}): choose periods the exports cover"
            )
    return PilotCheck(
        id="evidence",
        status="passed",
        text=f"evidence {format_period(before.period.first, before.period.last)} in the "
        f"baseline, {format_period(after.period.first, after.period.last)} in the pilot",
    )


def _pilot_verdict(
    verdict: Verdict, reason: str | None, doubt: str | None = None
) -> tuple[PilotVerdict, str | None]:
    """The comparison's verdict in the pilot's words, with why it says no more; `reason`, where
    given, is why nothing can be concluded whatever the interval says."""
    if reason is not None:
        return "cannot conclude", reason
    if doubt is not None and verdict in ("improved", "worsened", "increased", "decreased"):
        return "no significant change", doubt
    if verdict in ("improved", "worsened"):
        return verdict, None
    if verdict == "no clear change":
        return "no significant change", None
    if verdict in ("increased", "decreased"):
        return (
            "changed",
            "no better direction is stated for this figure: neither progress nor decline",
        )
    if verdict == "no interval":
        return "cannot conclude", "too few days with data in both periods for a bootstrap interval"
    return "cannot conclude", "no value in one of the periods"


def _unknown_reason(
    metric_id: str,
    before: AssessmentDocument,
    after: AssessmentDocument,
    samples: tuple[dict[str, int], dict[str, int]],
    min_items: int,
) -> str | None:
    """Why a metric's change says nothing: unknown on a side, or drawn from too few items."""
    for name, document in (("baseline", before), ("pilot", after)):
        if metric_id in document.unknown:
            return f"unknown in the {name}: {document.unknown[metric_id]}"
    values = [(n, d.metrics.get(metric_id)) for n, d in (("baseline", before), ("pilot", after))]
    missing = [name for name, value in values if value is None]
    if len(missing) == 2:
        return "no value in either period"
    if missing:
        return f"no value in the {missing[0]}"
    if metric_id not in before.bootstrap.metrics or metric_id not in after.bootstrap.metrics:
        return "no bootstrap replicates of this figure, so no interval"
    for name, document, counted in (
        ("baseline", before, samples[0]),
        ("pilot", after, samples[1]),
    ):
        count = counted.get(metric_id)
        if document.metrics.get(metric_id) is not None and count is not None and count < min_items:
            return f"drawn from {count} items in the {name}: too few (at least {min_items})"
    return None


def _criterion_changes(
    before: AssessmentDocument,
    after: AssessmentDocument,
    metrics: dict[str, PilotMetricChange],
) -> list[PilotCriterionChange]:
    """Each criterion of the pilot's assessment with its status before and its evidence's change;
    a criterion's direction is its own threshold's."""
    earlier = {(scope, level, c.id): c for scope, level, c in before.criteria()}
    found = []
    for scope, level, criterion in after.criteria():
        was = earlier.get((scope, level, criterion.id))
        common: dict[str, Any] = {
            "id": criterion.id,
            "scope": scope,
            "level": level,
            "text": criterion.text,
            "status_before": was.status if was is not None else "unknown",
            "status_after": criterion.status,
        }
        metric = criterion.metric
        if metric is not None and metric.id in metrics:
            change = metrics[metric.id]
            direction = 1 if metric.op in (">=", ">") else -1
            bounds = (change.interval[0], change.interval[1]) if change.interval else None
            verdict, reason = _pilot_verdict(change_verdict(change.change, bounds, direction), None)
            if change.verdict in ("cannot conclude", "no significant change"):
                verdict, reason = change.verdict, change.reason
            found.append(
                PilotCriterionChange(
                    **common,
                    evidence=metric.id,
                    before=change.before,
                    after=change.after,
                    change=change.change,
                    interval=change.interval,
                    verdict=verdict,
                    reason=reason,
                )
            )
            continue
        survey = criterion.survey
        score_before = was.survey.score if was is not None and was.survey is not None else None
        score_after = survey.score if survey is not None else None
        difference = (
            None if score_before is None or score_after is None else score_after - score_before
        )
        found.append(
            PilotCriterionChange(
                **common,
                evidence=f"survey {', '.join(survey.items)}" if survey is not None else None,
                before=score_before,
                after=score_after,
                change=difference,
                interval=None,
                verdict="cannot conclude",
                reason="survey scores carry no interval here"
                if difference is not None
                else "no figure in both periods",
            )
        )
    return found


def pilot_document(
    baseline: PeriodRequest,
    pilot: PeriodRequest,
    before: AssessmentDocument,
    after: AssessmentDocument,
    *,
    checks: list[PilotCheck],
    people: PeopleOverlap | None,
    samples: tuple[dict[str, int], dict[str, int]] = ({}, {}),
    min_items: int = 20,
) -> PilotDocument:
    """The pilot's result from the two periods' assessments.

    Parameters:
        baseline, pilot: the periods as asked.
        before, after: the assessments of the baseline and of the pilot period.
        checks: the checks already made (periods, evidence, people).
        people: who was active in each period and in both (None where nothing shows it).
        samples: per period, how many items each mean or percentile metric is drawn from.
        min_items: the fewest items a figure must be drawn from to conclude anything.
    """
    comparison: ComparisonDocument = compare_assessments(before, after)
    directions = metric_directions(after) | metric_directions(before)
    metrics: dict[str, PilotMetricChange] = {}
    for row in comparison.metrics:
        why = _unknown_reason(row.id, before, after, samples, min_items)
        doubt = one_sided_doubt(
            before.bootstrap.metrics.get(row.id, []),
            after.bootstrap.metrics.get(row.id, []),
            row.change,
        )
        verdict, reason = _pilot_verdict(row.verdict, why, doubt)
        direction = directions.get(row.id, 0)
        metrics[row.id] = PilotMetricChange(
            id=row.id,
            before=row.before,
            after=row.after,
            change=row.change,
            relative_change=row.relative_change,
            interval=row.interval,
            verdict=verdict,
            reason=reason,
            better="higher" if direction > 0 else "lower" if direction < 0 else None,
        )
    areas = []
    for area in comparison.areas:
        doubt = one_sided_doubt(
            before.bootstrap.areas.get(area.id, []),
            after.bootstrap.areas.get(area.id, []),
            area.change,
        )
        verdict, reason = _pilot_verdict(
            area.verdict,
            None if area.change is not None else "no level in one of the periods",
            doubt,
        )
        areas.append(
            PilotAreaChange(
                id=area.id,
                name=area.name,
                before=area.before,
                after=area.after,
                change=area.change,
                interval=area.interval,
                verdict=verdict,
                reason=reason,
            )
        )
    stage = comparison.stage
    stage_verdict, stage_reason = _pilot_verdict(
        stage.verdict,
        None if stage.change is not None else "no stage in one of the periods",
        one_sided_doubt(before.bootstrap.stage, after.bootstrap.stage, stage.change),
    )
    criteria = _criterion_changes(before, after, metrics)
    principles = _principle_changes(before, after, metrics)
    shown = [m for m in metrics.values() if m.before is not None or m.after is not None]
    return PilotDocument(
        tool=after.tool,
        generated_at=after.generated_at,
        store=after.store,
        framework=comparison.framework,
        baseline=_period(baseline, before, people.baseline if people else None),
        pilot=_period(pilot, after, people.pilot if people else None),
        method=comparison.method,
        rule=RULE,
        checks=checks,
        people=people,
        summary=dict(Counter(m.verdict for m in shown)),
        stage=PilotChange(
            before=stage.before,
            after=stage.after,
            change=stage.change,
            interval=stage.interval,
            verdict=stage_verdict,
            reason=stage_reason,
        ),
        areas=areas,
        criteria=criteria,
        metrics=list(metrics.values()),
        follow_up=comparison.follow_up,
        cannot_conclude=_cannot_conclude(checks, list(metrics.values()), areas, criteria),
        principles=principles,
    )


def _principle_changes(
    before: AssessmentDocument,
    after: AssessmentDocument,
    metrics: dict[str, PilotMetricChange],
) -> list[PilotPrincipleChange]:
    """Each principle's change, judged by the pilot's own metric verdicts (a figure drawn from
    too few items, or within noise, moves no principle)."""
    significant = {
        metric_id
        for metric_id, row in metrics.items()
        if row.verdict in ("improved", "worsened", "changed")
    }
    earlier = {principle.id: principle for principle in before.principles}
    changes = []
    for principle in after.principles:
        change = principle_change(earlier.get(principle.id), principle, significant)
        verdict, reason = _pilot_verdict(
            change.verdict,
            "the principle is unknown in at least one period"
            if change.verdict == "no data"
            else None,
        )
        changes.append(
            PilotPrincipleChange(
                id=change.id,
                name=change.name,
                before=change.before,
                after=change.after,
                moved=change.moved,
                verdict=verdict,
                reason=reason,
            )
        )
    return changes


def _period(
    request: PeriodRequest, document: AssessmentDocument, people: int | None
) -> PilotPeriod:
    start, end = request.bounds()
    return PilotPeriod(
        name=request.name,
        since=start.isoformat(),
        until=end.isoformat(),
        days=request.days(),
        first=document.period.first,
        last=document.period.last,
        people_active=people,
    )


def _cannot_conclude(
    checks: list[PilotCheck],
    metrics: list[PilotMetricChange],
    areas: list[PilotAreaChange],
    criteria: list[PilotCriterionChange],
) -> list[str]:
    """What the pilot cannot conclude, one line per kind of reason."""
    lines = [check.text for check in checks if check.status != "passed"]
    by_reason: dict[str, list[str]] = {}
    for metric in metrics:
        if metric.verdict == "cannot conclude" and metric.reason is not None:
            # Reasons name the period and the figure: group them by what they say past that.
            kind = metric.reason.split(":", 1)[0]
            by_reason.setdefault(kind, []).append(metric.id)
    for kind, ids in sorted(by_reason.items()):
        counted = f"{len(ids)} metric{'s' if len(ids) != 1 else ''}"
        lines.append(f"{kind} ({counted}): {', '.join(ids)}")
    unplaced = [area.name for area in areas if area.verdict == "cannot conclude"]
    if unplaced:
        lines.append(f"no level change can be stated for {', '.join(unplaced)}")
    surveyed = [c for c in criteria if c.evidence is None or c.evidence.startswith("survey")]
    answered = sum(1 for c in surveyed if c.change is not None)
    if answered:
        lines.append(
            f"{answered} criteria rest on survey answers, whose change has no interval here: "
            "read their scores as indications"
        )
    if len(surveyed) > answered:
        lines.append(
            f"{len(surveyed) - answered} criteria rest on survey answers not given for both "
            "periods (--survey-before and --survey-after)"
        )
    return lines


__all__ = [
    "GUIDE_PERIOD_DAYS",
    "MIN_PERIOD_DAYS",
    "MIN_SHARED_PEOPLE",
    "PILOT_KIND",
    "WARN_SHARED_PEOPLE",
    "PeopleOverlap",
    "PeriodRequest",
    "PilotCheck",
    "PilotDocument",
    "check_evidence",
    "check_people",
    "check_periods",
    "pilot_document",
]
