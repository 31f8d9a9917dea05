"""Maturity models as data: YAML files validated on load, and the registry of shipped ones.

A framework file has one schema for every kind of model (see ``docs/frameworks.md``):

- ``kind: areas`` places a team on ``levels`` in each of its ``areas``; every level of every area
  is a set of criteria (the five-area model; a team's own model);
- ``kind: stages`` derives an overall stage from an areas framework (``based_on``) by rules on
  area levels, plus criteria of its own (the WMI model);
- ``kind: activities`` describes kinds of work and how to prioritise (the Asynchronous
  Communication Framework), which ranks the roadmap;
- ``kind: practices`` is a catalogue of roadmap actions that criteria cite.

Any file may carry a ``survey:`` block (scales and items; see :mod:`asyncmaturity.survey`) and a
``business_metrics:`` table (each metric computed, asked in the survey, or not measurable and why).
A stages framework's ``coordination_stack`` maps each layer to its AWAIT ``protocol`` element and
to the metrics that read it in the archive and in the request ledger.

Example::

    from asyncmaturity.frameworks import load_framework
    framework = load_framework("five-area")
    [area.name for area in framework.areas]
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from asyncmaturity.errors import InvalidFramework, InvalidSurvey, UnknownFramework
from asyncmaturity.metrics import METRICS
from asyncmaturity.survey import SurveyDefinition, load_survey_definition
from asyncmaturity.yamlfile import read_yaml

Identifier = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_.-]*$")]
Comparison = Literal[">=", "<=", ">", "<"]
SHIPPED = ("five-area", "wmi", "acf", "practices")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Attribution(_Strict):
    """Where a model comes from and under which licence; shown wherever the model is used."""

    title: str
    source: str
    licence: str
    notice: str = Field(description="The credit line the report prints.")
    adapted_from: str | None = None


class LevelDef(_Strict):
    """One rung of a model's scale, lowest first."""

    value: int
    name: str
    summary: str


class MetricCheck(_Strict):
    """`metric op threshold`, e.g. `response.within_window_share >= 0.8`."""

    id: str
    op: Comparison
    threshold: float

    @field_validator("id")
    @classmethod
    def _registered(cls, value: str) -> str:
        if value not in METRICS:
            raise ValueError(f"unknown metric {value!r}; `asyncmaturity metrics` lists them")
        return value

    def passes(self, value: float) -> bool:
        """Whether a measured `value` meets the check."""
        return {
            ">=": value >= self.threshold,
            "<=": value <= self.threshold,
            ">": value > self.threshold,
            "<": value < self.threshold,
        }[self.op]

    def describe(self) -> str:
        """`response.within_window_share >= 0.8`."""
        return f"{self.id} {self.op} {self.threshold:g}"


class SurveyCheck(_Strict):
    """The mean score (0 worst .. 1 best) of some survey items must reach `min_score`."""

    items: list[Identifier] = Field(min_length=1)
    min_score: float = Field(ge=0, le=1)


class Criterion(_Strict):
    """One observable condition of a level: a metric check, survey items, or both."""

    id: Identifier
    text: str = Field(description="What the criterion asks, in plain words.")
    metric: MetricCheck | None = None
    survey: SurveyCheck | None = None
    rationale: str = Field(min_length=10, description="The threshold's source or reasoning.")
    actions: list[Identifier] = Field(default_factory=list)

    @model_validator(mode="after")
    def _has_evidence(self) -> Criterion:
        if self.metric is None and self.survey is None:
            raise ValueError("a criterion needs a metric check, survey items, or both")
        return self


class AreaLevel(_Strict):
    """What one level looks like in one area, and the criteria that show it."""

    level: int
    text: str
    criteria: list[Criterion] = Field(min_length=1)


class Area(_Strict):
    """One area of an areas framework, with criteria for every level above the lowest."""

    id: Identifier
    name: str
    description: str
    levels: list[AreaLevel]


class StageRule(_Strict):
    """`count` areas (a number, or `all` areas that have evidence) at `level` or above."""

    areas_at_least: int
    count: int | Literal["all"]


class Stage(_Strict):
    """One stage of a stages framework: rules on the base framework's areas and own criteria."""

    level: int
    requires: list[StageRule] = Field(default_factory=list)
    criteria: list[Criterion] = Field(default_factory=list)


def _unregistered(values: list[str]) -> str | None:
    """The first of `values` that is no registered metric, if any."""
    return next((v for v in values if v not in METRICS), None)


def registered_metrics(values: list[str]) -> list[str]:
    """The metric ids of a framework field, refused where one is not registered."""
    unknown = _unregistered(values)
    if unknown:
        raise ValueError(f"unknown metric {unknown!r}; `asyncmaturity metrics` lists them")
    return values


class Element(_Strict):
    """A named element of a protocol, stack, principle list or dimension list."""

    id: Identifier
    name: str
    description: str
    letter: str | None = None
    metrics: list[str] = Field(default_factory=list)

    _registered = field_validator("metrics")(registered_metrics)


class Principle(_Strict):
    """A principle of a stages model and the evidence that speaks for it: criteria (of this
    framework or the one it is based on), metric checks, and survey items each held to
    `survey.min_score` on its own."""

    id: Identifier
    name: str
    description: str
    criteria: list[Identifier] = Field(default_factory=list)
    metrics: list[MetricCheck] = Field(default_factory=list)
    survey: SurveyCheck | None = None
    rationale: str | None = Field(
        None, description="Why this evidence speaks for the principle, and the metric lines."
    )

    @model_validator(mode="before")
    @classmethod
    def _metrics_registered(cls, raw: Any) -> Any:
        # Checked here rather than by MetricCheck so that the error names the principle.
        if isinstance(raw, dict):
            for check in raw.get("metrics") or []:
                metric_id = check.get("id") if isinstance(check, dict) else None
                if metric_id is not None and metric_id not in METRICS:
                    raise ValueError(
                        f"principle {raw.get('id')!r}: unknown metric {metric_id!r}; "
                        "`asyncmaturity metrics` lists them"
                    )
        return raw

    @model_validator(mode="after")
    def _rationale_for_evidence(self) -> Principle:
        if (self.criteria or self.metrics or self.survey) and not self.rationale:
            raise ValueError(f"principle {self.id!r}: evidence needs a rationale")
        return self


class ActivityEvidence(_Strict):
    """What places an activity on the grid from the evidence: where `placement` holds, the
    activity sits on `axis` where the framework intends; where it fails, on the other side."""

    placement: MetricCheck
    axis: Literal["scheduled", "synchronous"]
    departs: str = Field(min_length=10, description="What a failed placement means, in words.")
    rationale: str = Field(min_length=10, description="The threshold's source or reasoning.")
    supporting: list[str] = Field(default_factory=list, description="Figures shown beside it.")

    _registered = field_validator("supporting")(registered_metrics)


class StackLayer(_Strict):
    """One layer of the Coordination Stack and what reads it: the AWAIT element that asks for
    it, the metric over the archive's requests (chat, mail, trackers) and the one over the
    request ledger's."""

    id: Identifier
    name: str
    description: str
    await_element: Identifier = Field(description="The id of the protocol element that asks it.")
    archive_metric: str
    ledger_metric: str

    @field_validator("archive_metric", "ledger_metric")
    @classmethod
    def _registered(cls, value: str) -> str:
        if _unregistered([value]):
            raise ValueError(f"unknown metric {value!r}; `asyncmaturity metrics` lists them")
        return value


class GuideMetric(_Strict):
    """One metric of the business guide's table and how the assessment answers it: computed
    (registered metrics), asked (survey items), both, or not measurable (with the reason)."""

    id: Identifier
    name: str
    description: str = Field(description="What the guide means, and how far our figures reach.")
    metrics: list[str] = Field(default_factory=list)
    survey: list[Identifier] = Field(default_factory=list)
    not_measurable: str | None = Field(
        None, min_length=10, description="Why neither data nor the survey can tell it."
    )

    _registered = field_validator("metrics")(registered_metrics)

    @model_validator(mode="after")
    def _answered(self) -> GuideMetric:
        asked = bool(self.metrics or self.survey)
        if asked == (self.not_measurable is not None):
            raise ValueError(
                "a guide metric is computed (metrics), asked (survey) or both, or else "
                "not_measurable with the reason, never both"
            )
        return self


class Activity(_Strict):
    """A kind of work on the scheduled/unscheduled x synchronous/asynchronous plane, and the
    evidence that places a team's own activity of that kind on it."""

    id: Identifier
    name: str
    scheduled: bool | None
    synchronous: bool | None
    description: str
    evidence: ActivityEvidence | None = None

    @model_validator(mode="after")
    def _intended_on_axis(self) -> Activity:
        if self.evidence is not None and getattr(self, self.evidence.axis) is None:
            raise ValueError(
                f"evidence.axis: {self.id} places itself on {self.evidence.axis}, which it "
                "leaves open"
            )
        return self


class Quadrant(_Strict):
    """An Eisenhower quadrant and where its actions go in the roadmap."""

    id: Identifier
    name: str
    urgent: bool
    important: bool
    rank: int
    advice: str


class Saving(_Strict):
    """The share of one coordination-cost component an action is assumed to save."""

    component: Literal["meetings", "interruptions", "waiting"]
    fraction: float = Field(gt=0, le=1)
    basis: str = Field(min_length=10, description="Why this fraction: the assumption stated.")


class Practice(_Strict):
    """A roadmap action: what to do, what it costs, and the target that shows it worked."""

    id: Identifier
    title: str
    description: str
    steps: list[str] = Field(min_length=1)
    effort: Literal["low", "medium", "high"]
    activity: Identifier
    source: str
    target: MetricCheck | None = None
    survey_target: SurveyCheck | None = None
    saving: Saving | None = None


class Framework(_Strict):
    """A maturity model, activity model or practice catalogue, as one validated document."""

    id: Identifier
    name: str
    kind: Literal["areas", "stages", "activities", "practices"]
    version: str
    description: str
    attribution: Attribution | None = None
    levels: list[LevelDef] = Field(default_factory=list)
    areas: list[Area] = Field(default_factory=list)
    based_on: Identifier | None = None
    stages: list[Stage] = Field(default_factory=list)
    rules: list[str] = Field(default_factory=list, description="The stage rules in words.")
    dimensions: list[Element] = Field(default_factory=list)
    protocol: list[Element] = Field(default_factory=list)
    coordination_stack: list[StackLayer] = Field(default_factory=list)
    principles: list[Principle] = Field(default_factory=list)
    activities: list[Activity] = Field(default_factory=list)
    prioritization: list[Quadrant] = Field(default_factory=list)
    practices: list[Practice] = Field(default_factory=list)
    business_metrics: list[GuideMetric] = Field(default_factory=list)
    survey: SurveyDefinition | None = None

    @model_validator(mode="after")
    def _complete(self) -> Framework:
        values = [level.value for level in self.levels]
        if values != sorted(set(values)):
            raise ValueError("levels: values must be unique and increasing")
        if self.kind == "areas":
            _check_areas(self)
        elif self.kind == "stages":
            if not self.based_on:
                raise ValueError("based_on: a stages framework names the areas framework it reads")
            stage_levels = [s.level for s in self.stages]
            if stage_levels != values[1:]:
                raise ValueError(
                    f"stages: expected one stage per level above the lowest {values[1:]}"
                )
        elif self.kind == "activities" and not self.activities:
            raise ValueError("activities: an activities framework lists its activities")
        elif self.kind == "practices" and not self.practices:
            raise ValueError("practices: a practices catalogue lists its practices")
        _check_stack(self)
        _check_unique("business_metrics", [m.id for m in self.business_metrics])
        _check_unique("criteria", [c.id for c in self.criteria()])
        _check_unique("practices", [p.id for p in self.practices])
        _check_unique("principles", [p.id for p in self.principles])
        return self

    def criteria(self) -> list[Criterion]:
        """Every criterion of the framework, areas first, in file order."""
        found = [c for area in self.areas for level in area.levels for c in level.criteria]
        return found + [c for stage in self.stages for c in stage.criteria]

    def level_name(self, value: int | None) -> str:
        """The name of level `value` ('unknown' for None)."""
        if value is None:
            return "unknown"
        return next((lv.name for lv in self.levels if lv.value == value), str(value))


def _check_areas(framework: Framework) -> None:
    if not framework.levels or not framework.areas:
        raise ValueError("an areas framework needs levels and areas")
    above_floor = [lv.value for lv in framework.levels][1:]
    for index, area in enumerate(framework.areas):
        got = [lv.level for lv in area.levels]
        if got != above_floor:
            raise ValueError(
                f"areas[{index}].levels: {area.id} needs criteria for levels {above_floor} "
                f"in order, found {got}"
            )
    _check_unique("areas", [a.id for a in framework.areas])


def _check_stack(framework: Framework) -> None:
    """Each layer of the Coordination Stack reads its own element of the AWAIT protocol."""
    _check_unique("coordination_stack", [layer.id for layer in framework.coordination_stack])
    elements = {element.id for element in framework.protocol}
    used: set[str] = set()
    for index, layer in enumerate(framework.coordination_stack):
        if layer.await_element not in elements:
            raise ValueError(
                f"coordination_stack[{index}].await_element: {layer.await_element!r} is no "
                f"element of the protocol ({', '.join(sorted(elements)) or 'none listed'})"
            )
        if layer.await_element in used:
            raise ValueError(
                f"coordination_stack[{index}].await_element: {layer.await_element!r} is read "
                "by another layer already"
            )
        used.add(layer.await_element)


def _check_unique(what: str, ids: list[str]) -> None:
    seen: set[str] = set()
    for value in ids:
        if value in seen:
            raise ValueError(f"{what}: id {value!r} appears twice")
        seen.add(value)


def _location(loc: tuple[int | str, ...]) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(top level)"


def parse_framework(raw: Any, *, origin: str) -> Framework:
    """Validate a framework given as parsed YAML; errors name `origin` and the field."""
    if not isinstance(raw, dict):
        raise InvalidFramework(f"{origin}: a framework is a mapping of fields")
    try:
        return Framework.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        message = first["msg"].removeprefix("Value error, ")
        where = _location(first["loc"])
        # Whole-document checks name their field at the start of the message ("areas[0].levels: ...").
        named = re.match(r"^([a-z_]+(?:\[\d+\])?(?:\.[a-z_]+(?:\[\d+\])?)*): (.*)$", message)
        if not first["loc"] and named:
            where, message = named.group(1), named.group(2)
        raise InvalidFramework(f"{origin}: field {where}: {message}") from None


def load_framework_file(path: Path | str) -> Framework:
    """Load and validate a framework file of one's own (the same schema as the shipped ones)."""
    path = Path(path)
    framework = parse_framework(read_yaml(path, InvalidFramework), origin=str(path))
    check_references(framework, origin=str(path))
    return framework


@cache
def _shipped(name: str) -> Framework:
    text = resources.files("asyncmaturity.frameworks").joinpath(f"data/{name}.yaml").read_text()
    origin = f"{name}.yaml (shipped)"
    framework = parse_framework(yaml.safe_load(text), origin=origin)
    if framework.principles:
        # Principles may cite the criteria of this file and its base and any shipped survey
        # item; the shipped files cited have no principles, so none of them loads this one.
        cited = [framework, *(_shipped(n) for n in SHIPPED if n != name)]
        base = [framework, *(f for f in cited if f.id == framework.based_on)]
        check_principles(
            framework,
            origin=origin,
            criteria={c.id for f in base for c in f.criteria()},
            items={i.id for f in cited if f.survey is not None for i in f.survey.items},
        )
    return framework


def shipped_frameworks() -> dict[str, Framework]:
    """Every framework shipped in the package, by id, in SHIPPED order."""
    return {name: _shipped(name) for name in SHIPPED}


def load_framework(name_or_path: str | Path) -> Framework:
    """A shipped framework by id, or a framework file by path.

    Raises :class:`UnknownFramework` when `name_or_path` is neither.
    """
    text = str(name_or_path)
    if text in SHIPPED:
        return _shipped(text)
    if re.search(r"\.ya?ml$", text) or Path(text).exists():
        return load_framework_file(text)
    raise UnknownFramework(
        f"no framework {text!r}; use one of {', '.join(SHIPPED)} or a path to a YAML file"
    )


def practices_catalogue(*extra: Framework) -> dict[str, Practice]:
    """Every known practice: the shipped ones, then those of `extra` frameworks, by id."""
    found: dict[str, Practice] = {}
    for framework in (*shipped_frameworks().values(), *extra):
        for practice in framework.practices:
            found[practice.id] = practice
    return found


def survey_items(*frameworks: Framework) -> set[str]:
    """Ids of the survey items the given frameworks and the shipped ones define."""
    found: set[str] = set()
    for framework in (*shipped_frameworks().values(), *frameworks):
        if framework.survey is not None:
            found.update(item.id for item in framework.survey.items)
    return found


def combined_survey(
    frameworks: Sequence[Framework], extra: Sequence[Path] = ()
) -> SurveyDefinition:
    """The questionnaire of several frameworks plus a team's own question files.

    A scale defined identically in several files is kept once; a scale or item id defined
    differently twice raises :class:`InvalidSurvey` naming it.
    """
    definitions = [f.survey for f in frameworks if f.survey is not None]
    definitions += [load_survey_definition(path) for path in extra]
    scales: dict[str, Any] = {}
    items: dict[str, Any] = {}
    for definition in definitions:
        for scale in definition.scales:
            if scales.setdefault(scale.id, scale) != scale:
                raise InvalidSurvey(f"scale {scale.id!r} is defined twice, differently")
        for item in definition.items:
            if items.setdefault(item.id, item) != item:
                raise InvalidSurvey(f"survey item {item.id!r} is defined twice, differently")
    return SurveyDefinition(scales=list(scales.values()), items=list(items.values()))


def check_references(framework: Framework, *, origin: str) -> None:
    """Every action, survey item, activity and base framework a file cites must exist."""
    practices = practices_catalogue(framework)
    items = survey_items(framework)
    activities = {a.id for f in shipped_frameworks().values() for a in f.activities}
    activities.update(a.id for a in framework.activities)
    for path, criterion in _criteria_paths(framework):
        for action in criterion.actions:
            if action not in practices:
                raise InvalidFramework(
                    f"{origin}: field {path}.actions: unknown practice {action!r}"
                )
        if criterion.survey is not None:
            for item in criterion.survey.items:
                if item not in items:
                    raise InvalidFramework(
                        f"{origin}: field {path}.survey.items: unknown survey item {item!r}"
                    )
    for index, guide_metric in enumerate(framework.business_metrics):
        for item in guide_metric.survey:
            if item not in items:
                raise InvalidFramework(
                    f"{origin}: field business_metrics[{index}].survey: unknown survey item "
                    f"{item!r}"
                )
    for index, practice in enumerate(framework.practices):
        if practice.activity not in activities:
            raise InvalidFramework(
                f"{origin}: field practices[{index}].activity: unknown activity {practice.activity!r}"
            )
    if framework.based_on is not None and framework.based_on not in SHIPPED:
        raise InvalidFramework(
            f"{origin}: field based_on: {framework.based_on!r} is not a shipped areas framework"
        )
    base = [_shipped(framework.based_on)] if framework.based_on is not None else []
    check_principles(
        framework,
        origin=origin,
        criteria={c.id for f in (framework, *base) for c in f.criteria()},
        items=items,
    )


def check_principles(
    framework: Framework, *, origin: str, criteria: set[str], items: set[str]
) -> None:
    """Every criterion and survey item a principle cites must exist.

    Parameters:
        framework: the framework whose principles are checked.
        origin: the file named in the error.
        criteria: the criterion ids the principles may cite.
        items: the survey item ids the principles may cite.
    """
    for index, principle in enumerate(framework.principles):
        where = f"{origin}: field principles[{index}] ({principle.id})"
        for criterion in principle.criteria:
            if criterion not in criteria:
                raise InvalidFramework(f"{where}.criteria: unknown criterion {criterion!r}")
        for item in principle.survey.items if principle.survey is not None else []:
            if item not in items:
                raise InvalidFramework(f"{where}.survey.items: unknown survey item {item!r}")


def _criteria_paths(framework: Framework) -> list[tuple[str, Criterion]]:
    found = []
    for a, area in enumerate(framework.areas):
        for lv, level in enumerate(area.levels):
            for c, criterion in enumerate(level.criteria):
                found.append((f"areas[{a}].levels[{lv}].criteria[{c}]", criterion))
    for s, stage in enumerate(framework.stages):
        for c, criterion in enumerate(stage.criteria):
            found.append((f"stages[{s}].criteria[{c}]", criterion))
    return found


def validate_shipped() -> None:
    """Load every shipped framework and check its references (a test and `validate` run this)."""
    for name, framework in shipped_frameworks().items():
        check_references(framework, origin=f"{name}.yaml (shipped)")


__all__ = [
    "SHIPPED",
    "Criterion",
    "Framework",
    "GuideMetric",
    "MetricCheck",
    "Practice",
    "Principle",
    "StackLayer",
    "SurveyCheck",
    "check_principles",
    "combined_survey",
    "load_framework",
    "load_framework_file",
    "parse_framework",
    "practices_catalogue",
    "shipped_frameworks",
    "validate_shipped",
]
