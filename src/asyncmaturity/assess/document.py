"""The assessment document: the typed JSON contract of `assess --json`, `--history`, `compare`,
the web dashboard and every renderer.

:class:`AssessmentDocument` is written with :meth:`AssessmentDocument.to_json` and read back with
:func:`read_assessment` (or :meth:`AssessmentDocument.from_json`) without loss. Format version 2
has the shape of version 1; version 1 files (the earliest lack the frameworks' ``dimensions``)
are read into the same model, so kept history still compares. :class:`ComparisonDocument` is
what `compare` writes.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from asyncmaturity.errors import InvalidAssessment
from asyncmaturity.metrics.cost import CostAssumptions
from asyncmaturity.units import Unit

ASSESSMENT_KIND: Literal["asyncmaturity.assessment"] = "asyncmaturity.assessment"
COMPARISON_KIND: Literal["asyncmaturity.comparison"] = "asyncmaturity.comparison"
FORMAT_VERSION = 2
READABLE_VERSIONS = (1, 2)

Status = Literal["met", "not met", "unknown", "not applicable"]
# Counts stay integers and figures floats, through a write and a read.
Value = int | float | None


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Tool(_Part):
    """The tool that wrote the document."""

    name: str
    version: str


class Period(_Part):
    """The period asked for (``since``, ``until``) and the evidence found in it."""

    since: str | None = None
    until: str | None = None
    first: str | None = None
    last: str | None = None


class FrameworkLevel(_Part):
    """One level of a framework."""

    value: int
    name: str


class Attribution(_Part):
    """Where a model comes from and its licence; the report prints the notice."""

    title: str
    source: str
    licence: str
    notice: str
    adapted_from: str | None = None


class Dimension(_Part):
    """One assessment dimension of a stage model and the metrics that measure it."""

    id: str
    name: str
    metrics: list[str]


class FrameworkSummary(_Part):
    """The framework an assessment used."""

    id: str
    name: str
    version: str
    levels: list[FrameworkLevel]
    attribution: Attribution | None = None
    dimensions: list[Dimension] = Field(default_factory=list)  # absent in early version 1 files

    def level_name(self, value: int | None) -> str:
        """The name of level `value` ('unknown' for None)."""
        if value is None:
            return "unknown"
        return next((level.name for level in self.levels if level.value == value), str(value))


class Overall(_Part):
    """The overall level and the rule that set it."""

    level: int | None
    name: str
    rule: str


class MetricEvidence(_Part):
    """A criterion's metric: its threshold, the measured value and its verdict; why it is unknown
    when no export shows what it needs."""

    id: str
    op: str
    threshold: float
    value: Value
    status: Status
    reason: str | None = None  # absent in version 1 files


class SurveyEvidence(_Part):
    """A criterion's survey items: the minimum score, the score and its verdict."""

    items: list[str]
    min_score: float
    score: float | None
    status: Status


class CriterionResult(_Part):
    """One criterion: its status, what decided it, and the evidence of each kind."""

    id: str
    text: str
    status: Status
    decided_by: Literal["data", "survey"] | None
    metric: MetricEvidence | None
    survey: SurveyEvidence | None
    rationale: str
    actions: list[str]
    disagreement: str | None
    # The assumptions (ids) a criterion decided by data leans on; absent in version 1 files.
    assumed: list[str] = Field(default_factory=list)


class LevelResult(_Part):
    """One level of an area: reached ('met') or not, and its criteria."""

    level: int
    name: str
    text: str
    status: Status
    criteria: list[CriterionResult]


class AreaResult(_Part):
    """One area: its level, how much of it has evidence, and every level's criteria."""

    id: str
    name: str
    level: int | None
    level_name: str
    coverage: float
    confidence: Literal["high", "medium", "low", "none"]
    levels: list[LevelResult]


class StageRequirement(_Part):
    """A stage rule: `count` areas (or all with evidence) at `areas_at_least` or above."""

    areas_at_least: int
    count: int | Literal["all"]
    holds: bool


class StageResult(_Part):
    """One stage of the stage model: reached or not, its rules and criteria."""

    level: int
    name: str
    status: Status
    requires: list[StageRequirement]
    criteria: list[CriterionResult]


class StagePlacement(_Part):
    """The team's stage on the stage model (the WMI stages)."""

    framework: str
    level: int | None
    name: str
    rules: list[str]
    stages: list[StageResult]


class Coverage(_Part):
    """How many criteria have evidence, and of which kind."""

    criteria: int
    known: int
    # Criteria that do not apply to the team; `share` is of the others.
    not_applicable: int = 0
    share: float
    from_data: int
    from_survey: int


class ItemFigures(_Part):
    """One survey item's figures (none but ``n`` when the group is too small to show)."""

    n: int
    mean: float | None = None
    score: float | None = None
    share_favourable: float | None = None
    sd: float | None = None
    disagreement: float | None = None
    polarized: bool | None = None
    distribution: dict[str, int] | None = None


class GroupScore(_Part):
    """The mean item score of a topic or an area, over `items` items with a score."""

    score: float | None
    items: int


class SurveyPrivacy(_Part):
    """What the survey withheld to keep answers anonymous."""

    min_group_size: int
    suppressed_teams: int
    organization_withheld: bool


class SurveyInput(_Part):
    """What the survey file held that was not an answer."""

    rejected_answers: int
    empty_rows: int


class SurveyOrganization(_Part):
    """The organization's survey figures."""

    items: dict[str, ItemFigures]
    topics: dict[str, GroupScore]
    areas: dict[str, GroupScore]


class SurveyTeam(_Part):
    """One team large enough to be shown."""

    respondents: int
    items: dict[str, ItemFigures]


class SurveySummary(_Part):
    """The survey's figures as the assessment used them."""

    origin: str
    respondents: int
    privacy: SurveyPrivacy
    input: SurveyInput
    organization: SurveyOrganization
    teams: dict[str, SurveyTeam]
    notes: list[str]

    def score(self, item_id: str) -> float | None:
        """The organization's score of one item (None without one)."""
        figures = self.organization.items.get(item_id)
        return figures.score if figures is not None else None


class Question(_Part):
    """A survey question as people read it."""

    text: str
    area: str | None
    topic: str | None


class Disagreement(_Part):
    """A criterion where what people say and what the data shows differ."""

    criterion: str
    scope: str
    level: int
    survey_status: Status
    data_status: Status
    text: str


class Addressed(_Part):
    """A failing criterion an action addresses, and where it sits."""

    criterion_id: str
    text: str
    scope: str
    level: int
    bottleneck: bool
    gap: float | None


class MetricTarget(_Part):
    """A roadmap target on a metric."""

    metric: str
    op: str
    threshold: float


class SurveyTarget(_Part):
    """A roadmap target on survey items."""

    survey_items: list[str]
    min_score: float


Target = MetricTarget | SurveyTarget


class Saving(_Part):
    """An action's projected saving on one cost component."""

    component: str
    fraction: float | None
    basis: str
    hours_per_person_week: float | None
    money_per_person_week: float | None


class RoadmapItem(_Part):
    """One ranked action of the roadmap."""

    id: str
    title: str
    description: str
    steps: list[str]
    effort: str
    activity: str | None
    source: str
    quadrant: str
    quadrant_name: str
    impact: float
    addresses: list[Addressed]
    target: Target | None
    baseline: float | None
    target_met_now: bool | None
    saving: Saving | None
    # Which evidence would give the target a value, and the assumed defaults the action reads
    # (absent in files written before they were stated).
    needs_evidence: str | None = None
    assumes: list[str] = Field(default_factory=list)


class FollowUp(_Part):
    """An earlier roadmap action's target checked against now."""

    action: str | None
    title: str | None
    target: Target | None
    before: float | None
    now: float | None
    status: Status


class CostComponent(_Part):
    """One component of the coordination cost."""

    id: str
    label: str
    hours_per_person_week: float | None
    money_per_person_week: float | None
    events: int | None
    basis: str


class CostEstimate(_Part):
    """The coordination cost, its components and every assumption it rests on."""

    people: int
    weeks: float
    person_weeks: int = 0  # absent in version 1 files, which divided by people x weeks
    total_hours_per_person_week: float | None
    total_money_per_person_week: float | None
    components: list[CostComponent]
    assumptions: CostAssumptions
    assumed: list[str]

    def component(self, component_id: str) -> CostComponent | None:
        """One component by id (meetings, interruptions, waiting), if present."""
        return next((c for c in self.components if c.id == component_id), None)


class TrendPoint(_Part):
    """Area levels and stage of one assessment, for the trend."""

    generated_at: str | None
    period_last: str | None
    areas: dict[str, int | None]
    stage: int | None


class Bootstrap(_Part):
    """Bootstrap replicates of the metrics, area levels, overall level and stage."""

    method: str
    count: int
    seed: int
    metrics: dict[str, list[float | None]]
    areas: dict[str, list[int | None]]
    overall: list[int | None]
    stage: list[int | None]


class ExportVisibility(_Part):
    """Whether the exports show one aspect (None: none stated it), and which do and do not."""

    visible: bool | None
    seen_by: list[str]
    not_seen_by: list[str]


class AssumptionUsed(_Part):
    """A default the figures lean on, what overrides it, and what depends on it; ``detected``
    where the norm was read from the team's own evidence rather than assumed."""

    id: str
    text: str
    override: str
    people: int | None
    metrics: list[str]
    criteria: int
    # default: assumed for want of evidence; detected: read from the team's data (absent in
    # files written before detection, all of whose assumptions were defaults).
    basis: Literal["default", "detected"] = "default"


PrincipleStatus = Literal["met", "partly met", "not met", "unknown"]

PRINCIPLE_RULE = (
    "A principle is met when every piece of its evidence that is known is met, not met when "
    "none is, partly met otherwise, and unknown when none of its evidence is known; unknown "
    "evidence counts neither way. Its weakest point is the known evidence that misses its bar "
    "by the most, or clears it by the least (relative to the bar)."
)


class PrincipleEvidence(_Part):
    """One piece of a principle's evidence: a criterion (with its scope and level), a metric
    check or a survey item, with its value against its bar and its status; `margin` is how far
    the value clears the bar relative to it (negative: misses it)."""

    kind: Literal["criterion", "metric", "survey"]
    id: str
    text: str
    scope: str | None = None
    level: int | None = None
    # The metric `value` is a figure of (None: a survey score, 0 worst .. 1 best).
    metric: str | None = None
    value: Value = None
    op: str | None = None
    threshold: float | None = None
    status: Status
    margin: float | None = None
    reason: str | None = None


class PrincipleResult(_Part):
    """One principle of the stage model, its evidence, its status and its weakest point (the id
    of a piece of its evidence; None when none is known)."""

    id: str
    name: str
    description: str
    status: PrincipleStatus
    known: int
    evidence: list[PrincipleEvidence]
    weakest: str | None


class GridPlace(_Part):
    """A place on the activity grid: scheduled or not, synchronous or not (None: open)."""

    scheduled: bool | None
    synchronous: bool | None
    quadrant: str


class ActivityFigure(_Part):
    """A figure of the activity map: its value, and why it is unknown where it is."""

    id: str
    label: str
    unit: Unit
    value: Value
    reason: str | None = None


class ActivityPlacement(_Part):
    """One activity of the framework's grid: where the framework puts it, where the team's
    measured activity puts it (None: unknown), the figure that decided, and the departure."""

    id: str
    name: str
    intended: GridPlace
    measured: GridPlace | None
    status: Literal["as intended", "departs", "unknown"]
    axis: Literal["scheduled", "synchronous"]
    figure: ActivityFigure
    op: str
    threshold: float
    departure: str | None
    supporting: list[ActivityFigure]


class StackLayerResult(_Part):
    """One layer of the Coordination Stack: the AWAIT element that asks for it, and the share of
    the archive's and of the ledger's requests that carry it (None where none is visible)."""

    id: str
    name: str
    description: str
    await_element: str
    archive_metric: str
    archive_share: float | None
    ledger_metric: str
    ledger_share: float | None


class GuideMetricResult(_Part):
    """One row of the business guide's metrics table: how it is answered and its figures."""

    id: str
    name: str
    description: str
    answered_by: Literal["data", "survey", "data and survey", "not measurable"]
    metrics: dict[str, Value]
    survey: dict[str, float | None]  # item id -> score (0 worst .. 1 best), None unanswered
    reason: str | None = None  # why it is not measurable


class AssessmentPrivacy(_Part):
    """The minimum group size the assessment applied."""

    min_group_size: int


class AssessmentDocument(_Part):
    """One assessment, as written by `assess --json` and kept in history."""

    kind: Literal["asyncmaturity.assessment"] = ASSESSMENT_KIND
    format_version: int = FORMAT_VERSION
    tool: Tool
    generated_at: str
    store: str | None
    period: Period
    framework: FrameworkSummary
    stage_framework: FrameworkSummary | None
    overall: Overall
    stage: StagePlacement | None
    areas: list[AreaResult]
    coverage: Coverage
    metrics: dict[str, Value]
    survey: SurveySummary | None
    questions: dict[str, Question]
    disagreements: list[Disagreement]
    roadmap: list[RoadmapItem]
    follow_up: list[FollowUp]
    cost: CostEstimate | None
    history: list[TrendPoint]
    bootstrap: Bootstrap
    privacy: AssessmentPrivacy
    notes: list[str]
    # What the exports can see, and the metrics unknown because none shows what they need
    # (absent in version 1 files).
    visibility: dict[str, ExportVisibility] = Field(default_factory=dict)
    unknown: dict[str, str] = Field(default_factory=dict)
    # The defaults the figures lean on (absent in version 1 files).
    assumptions: list[AssumptionUsed] = Field(default_factory=list)
    # Whether the team keeps shared working hours, detected or declared (absent in files
    # written before detection).
    working_norms: dict[str, Any] | None = None
    # The stage model's principles and what evidences each (absent in files written before).
    principles: list[PrincipleResult] = Field(default_factory=list)
    # The team's activity on the Asynchronous Communication Framework's grid (absent in files
    # written before the activity map).
    activities: list[ActivityPlacement] = Field(default_factory=list)
    # The Coordination Stack layer by layer, and the business guide's metrics table (absent in
    # files written before them).
    coordination_stack: list[StackLayerResult] = Field(default_factory=list)
    business_metrics: list[GuideMetricResult] = Field(default_factory=list)

    def criteria(self) -> list[tuple[str, int, CriterionResult]]:
        """Every criterion with its scope (an area id, or 'stage') and level."""
        found = [
            (area.id, level.level, criterion)
            for area in self.areas
            for level in area.levels
            for criterion in level.criteria
        ]
        if self.stage is not None:
            found += [
                ("stage", stage.level, criterion)
                for stage in self.stage.stages
                for criterion in stage.criteria
            ]
        return found

    def survey_scores(self) -> dict[str, float | None]:
        """The organization's score of every survey item."""
        if self.survey is None:
            return {}
        return {item: figures.score for item, figures in self.survey.organization.items.items()}

    def to_json(self) -> dict[str, Any]:
        """The document as JSON values (non-finite numbers as null, which JSON lacks)."""
        document: dict[str, Any] = json.loads(self.model_dump_json())
        return document

    def dumps(self) -> str:
        """The document as indented JSON text."""
        return json.dumps(self.to_json(), indent=2)

    @classmethod
    def from_json(cls, document: Any, *, origin: str = "assessment") -> AssessmentDocument:
        """Read a version 1 or 2 document; :class:`InvalidAssessment` names what is wrong."""
        if not isinstance(document, dict) or document.get("kind") != ASSESSMENT_KIND:
            raise InvalidAssessment(
                f"{origin}: not an assessment (write one with `asyncmaturity assess --json FILE`)"
            )
        version = document.get("format_version")
        if version not in READABLE_VERSIONS:
            raise InvalidAssessment(
                f"{origin}: assessment format version {version!r} is not one this version of "
                f"asyncmaturity reads ({', '.join(map(str, READABLE_VERSIONS))})"
            )
        try:
            return cls.model_validate(document)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(part) for part in first["loc"])
            raise InvalidAssessment(f"{origin}: field {where}: {first['msg']}") from None


def read_assessment(path: Path | str) -> AssessmentDocument:
    """Read an assessment JSON written by `assess --json`; :class:`InvalidAssessment` otherwise."""
    path = Path(path)
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InvalidAssessment(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InvalidAssessment(f"{path}: not an assessment JSON file: {exc}") from None
    return AssessmentDocument.from_json(document, origin=str(path))


def load_history(directory: Path) -> list[AssessmentDocument]:
    """Earlier assessments kept in `directory`, oldest first (by file name, which is a timestamp)."""
    if not directory.is_dir():
        return []
    return [read_assessment(p) for p in sorted(directory.glob("assessment-*.json"))]


def save_to_history(directory: Path, document: AssessmentDocument) -> Path:
    """Keep `document` in `directory` as assessment-<UTC timestamp>.json; return its path."""
    directory.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    path = directory / f"assessment-{stamp}.json"
    path.write_text(document.dumps() + "\n", encoding="utf-8")
    return path


Verdict = Literal[
    "no data", "no interval", "no clear change", "improved", "worsened", "increased", "decreased"
]
"""What a change amounts to (:mod:`asyncmaturity.assess.compare` says when each applies)."""


class Change(_Part):
    """The change of one figure between two assessments, with its interval and verdict."""

    before: Value
    after: Value
    change: float | None
    interval: list[float] | None
    verdict: Verdict


class MetricChange(_Part):
    """The change of one metric."""

    id: str
    before: Value
    after: Value
    change: float | None
    relative_change: float | None
    interval: list[float] | None
    verdict: Verdict


class AreaChange(_Part):
    """The change of one area's level."""

    id: str
    name: str
    before: int | None
    after: int | None
    change: float | None
    interval: list[float] | None
    verdict: Verdict


class PrincipleChange(_Part):
    """One principle's status before and after, the evidence whose status moved, and whether
    the figures behind that move changed clearly (a status has no interval of its own)."""

    id: str
    name: str
    # None where the earlier assessment did not judge principles (files written before them).
    before: PrincipleStatus | None
    after: PrincipleStatus
    moved: list[str]
    verdict: Verdict


class ComparedAssessment(_Part):
    """Which assessment one side of a comparison is."""

    generated_at: str | None
    period: Period | None


class ComparisonDocument(_Part):
    """The change per metric, per area, per principle and of the stage between two assessments."""

    kind: Literal["asyncmaturity.comparison"] = COMPARISON_KIND
    framework: str
    before: ComparedAssessment
    after: ComparedAssessment
    method: str
    stage: Change
    areas: list[AreaChange]
    metrics: list[MetricChange]
    follow_up: list[FollowUp]
    # Absent in comparisons written before principles were compared.
    principles: list[PrincipleChange] = Field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """The comparison as JSON values (non-finite numbers as null)."""
        document: dict[str, Any] = json.loads(self.model_dump_json())
        return document

    def dumps(self) -> str:
        """The comparison as indented JSON text."""
        return json.dumps(self.to_json(), indent=2)


__all__ = [
    "ASSESSMENT_KIND",
    "COMPARISON_KIND",
    "FORMAT_VERSION",
    "PRINCIPLE_RULE",
    "AssessmentDocument",
    "ComparisonDocument",
    "PrincipleResult",
    "load_history",
    "read_assessment",
    "save_to_history",
]
