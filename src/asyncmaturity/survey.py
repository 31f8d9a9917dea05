"""The self-assessment survey: its definition, the questionnaire, responses, privacy-first figures.

A survey definition is YAML under a top-level ``survey:`` key (a framework file carries one; a team
may write a file with only ``survey:`` to add questions and scales of its own)::

    survey:
      scales:
        - id: agreement
          kind: likert
          options:
            - {value: 1, label: Strongly disagree}
            - {value: 5, label: Strongly agree}
        - id: yes_no
          kind: yes_no            # options default to No (0), Yes (1)
      items:
        - id: documentation.written_answers
          text: When I need to know how something works, I can find it written down.
          scale: agreement
          area: documentation
          topic: documentation
          reverse: false          # true when agreeing is worse ("I am often interrupted")

Responses come from the CSV a form tool exports (Google Forms, Microsoft Forms, Typeform,
SurveyMonkey, or the template `questionnaire(format="csv")` writes) or from JSON. They are
anonymous: only the team and the answers to survey items are kept, never a name or an e-mail
address. Figures are shown only for groups of at least `min_group_size` respondents.

Example::

    from asyncmaturity.survey import aggregate, load_responses, load_survey_definition
    definition = load_survey_definition(Path("survey.yaml"))
    responses = load_responses(Path("answers.csv"), definition)
    results = aggregate(responses, definition, min_group_size=5)
    results.item("documentation.written_answers").score
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import math
import re
import statistics
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal, NamedTuple

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from asyncmaturity.errors import InvalidResponses, InvalidSurvey
from asyncmaturity.yamlfile import read_yaml

DEFAULT_MIN_GROUP_SIZE = 5
TEMPLATE_TEAM_HINT = "your team's name"
"""What the second row of the CSV template says in the team column."""

_ID = re.compile(r"^[a-z0-9_.-]+$")
_SUFFIX = re.compile(r"^(?P<text>.*?)\s*\[(?P<inner>[^\[\]]+)\]\s*$")
_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)$")
_QUOTES = str.maketrans("", "", "'\"`\u00b4\u2018\u2019\u201a\u201b\u201c\u201d\u201e\u201f")
_YES = frozenset({"yes", "y", "true", "1"})
_NO = frozenset({"no", "n", "false", "0"})
# Headers of columns that form tools add around the questions. They are skipped without a note;
# the personal ones can never become the team column, so no name or address is ever kept.
_PERSONAL_COLUMNS = frozenset(
    {
        "email",
        "e-mail",
        "email address",
        "e-mail address",
        "name",
        "full name",
        "first name",
        "last name",
        "username",
        "ip address",
    }
)
_METADATA_COLUMNS = _PERSONAL_COLUMNS | frozenset(
    {
        "timestamp",
        "id",
        "#",
        "token",
        "start time",
        "completion time",
        "last modified time",
        "start date",
        "end date",
        "submit date",
        "stage date",
        "submitted at",
        "network id",
        "respondent id",
        "collector id",
        "response id",
        "response type",
        "custom data 1",
        "tags",
    }
)
_SURVEYMONKEY_SUBHEADERS = frozenset({"", "response", "open-ended response"})


# --------------------------------------------------------------------------------------------
# Definition


class _FieldError(ValueError):
    """A failure about a nested field: pydantic only knows the model, so the error carries `loc`.

    Its text starts with the location too, so a model that embeds a survey definition and formats
    only pydantic's own location still names the field (``field survey: items[1].scale: ...``).
    """

    def __init__(self, loc: tuple[str | int, ...], message: str) -> None:
        super().__init__(f"{_location(loc)}: {message}")
        self.loc = loc
        self.message = message


def _location(loc: Iterable[str | int]) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _check_id(value: str) -> str:
    if not _ID.match(value):
        raise ValueError(
            f"{value!r} is not an id: use lower-case letters, digits, '_', '.' and '-'"
        )
    return value


def _format_value(value: float) -> str:
    """An option value as people write it: 4 rather than 4.0."""
    return str(int(value)) if value.is_integer() else repr(value)


def _normalise(text: str) -> str:
    """Text for matching headers and labels: case, whitespace, quotes and end punctuation dropped."""
    text = unicodedata.normalize("NFKC", text).casefold().translate(_QUOTES)
    return " ".join(text.split()).rstrip(" .?!:;,")


class ScaleOption(BaseModel):
    """One answer of a scale: the number it counts as and the words people see."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    value: float = Field(allow_inf_nan=False)
    label: str

    @field_validator("label", mode="before")
    @classmethod
    def _yaml_booleans(cls, value: Any) -> Any:
        # YAML 1.1 reads an unquoted `No` or `Yes` as a boolean: give the word back.
        if isinstance(value, bool):
            return "Yes" if value else "No"
        return value

    @field_validator("label")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("a label cannot be blank")
        return value.strip()


class Scale(BaseModel):
    """An answer scale: `likert` (2 to 11 options, increasing values) or `yes_no` (No, then Yes).

    Options are listed from worst to best; for `yes_no` the first option means No and the second
    Yes (defaults: ``No`` = 0, ``Yes`` = 1).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str
    kind: Literal["likert", "yes_no"]
    options: list[ScaleOption]

    @field_validator("id")
    @classmethod
    def _id(cls, value: str) -> str:
        return _check_id(value)

    @model_validator(mode="before")
    @classmethod
    def _yes_no_default(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("kind") == "yes_no" and data.get("options") is None:
            return {**data, "options": [{"value": 0, "label": "No"}, {"value": 1, "label": "Yes"}]}
        return data

    @model_validator(mode="after")
    def _options(self) -> Scale:
        count = len(self.options)
        if self.kind == "likert" and not 2 <= count <= 11:
            raise _FieldError(("options",), f"a likert scale has 2 to 11 options, not {count}")
        if self.kind == "yes_no" and count != 2:
            raise _FieldError(("options",), f"a yes_no scale has exactly 2 options, not {count}")
        labels: set[str] = set()
        for index, option in enumerate(self.options):
            if index and option.value <= self.options[index - 1].value:
                raise _FieldError(
                    ("options", index, "value"),
                    f"{_format_value(option.value)} is not greater than the value before it; "
                    "list options from worst to best with increasing values",
                )
            key = _normalise(option.label)
            if key in labels:
                raise _FieldError(("options", index, "label"), f"label {option.label!r} repeats")
            labels.add(key)
        return self

    @property
    def values(self) -> list[float]:
        """The option values, worst first."""
        return [option.value for option in self.options]

    def normalize(self, value: float) -> float:
        """Map a value of this scale to 0..1: the first option is 0, the last 1, linear in value.

        >>> Scale(id="five", kind="likert", options=[{"value": v, "label": str(v)} for v in range(1, 6)]).normalize(4)
        0.75
        """
        low, high = self.options[0].value, self.options[-1].value
        if not low <= value <= high:
            raise ValueError(f"{value} is outside scale {self.id} ({low}..{high})")
        return (value - low) / (high - low)

    def _group_size(self) -> int:
        # The "top two boxes" of a 4+ point scale; on 2 or 3 options, the single end option.
        return 2 if self.kind == "likert" and len(self.options) >= 4 else 1

    def top_values(self) -> list[float]:
        """Values of the top option group: the highest two on 4+ option likert scales, else the highest."""
        return self.values[-self._group_size() :]

    def bottom_values(self) -> list[float]:
        """Values of the bottom option group, the mirror image of :meth:`top_values`."""
        return self.values[: self._group_size()]

    def describe(self) -> str:
        """The allowed answers in a few words: ``1-5: Strongly disagree ... Strongly agree``, ``Yes/No``."""
        if self.kind == "yes_no":
            return f"{self.options[1].label}/{self.options[0].label}"
        first, last = self.options[0], self.options[-1]
        return (
            f"{_format_value(first.value)}-{_format_value(last.value)}: "
            f"{first.label} ... {last.label}"
        )

    def read_answer(self, raw: str | float | bool) -> float:
        """The option value an answer stands for; ValueError when it is none of them.

        A likert answer is an option value ("4", "4.0", "4,0") or label (any case); a yes_no
        answer is a label, yes/no/y/n/true/false/1/0 (any case; 1 and 0 always mean Yes and No),
        a boolean, or an option value.
        """
        number: float | None
        if isinstance(raw, bool):
            if self.kind != "yes_no":
                raise ValueError(f"a boolean is not an answer of scale {self.id}")
            return self.options[1 if raw else 0].value
        if isinstance(raw, int | float):
            number = float(raw)
        else:
            text = " ".join(raw.split())
            key = _normalise(text)
            for option in self.options:
                if _normalise(option.label) == key:
                    return option.value
            if self.kind == "yes_no" and key in _YES - {"1"}:
                return self.options[1].value
            if self.kind == "yes_no" and key in _NO - {"0"}:
                return self.options[0].value
            number = float(text.replace(",", ".")) if _NUMBER.match(text) else None
        if number is not None:
            if self.kind == "yes_no" and number in (0.0, 1.0):
                return self.options[int(number)].value
            for option in self.options:
                if math.isclose(option.value, number, rel_tol=0, abs_tol=1e-9):
                    return option.value
        raise ValueError(f"not an answer of scale {self.id} ({self.describe()})")


class SurveyItem(BaseModel):
    """One question: its text, its scale, optional area and topic tags, and its direction."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str
    text: str
    scale: str
    area: str | None = None
    topic: str | None = None
    reverse: bool = Field(False, description="True when agreeing is worse; the score is flipped.")
    help: str | None = None

    @field_validator("id", "scale")
    @classmethod
    def _id(cls, value: str) -> str:
        return _check_id(value)

    @field_validator("text", "area", "topic")
    @classmethod
    def _not_blank(cls, value: str | None) -> str | None:
        if value is not None and not value.strip():
            raise ValueError("cannot be blank")
        return None if value is None else " ".join(value.split())

    def score(self, value: float, scale: Scale) -> float:
        """The 0..1 score of an answer, higher always better (`reverse` items are flipped)."""
        normalized = scale.normalize(value)
        return 1.0 - normalized if self.reverse else normalized


class SurveyDefinition(BaseModel):
    """Scales and the items that use them; ids are unique and every item's scale exists.

    Validated with ``context={"known_scales": [...]}``, items may also name those scales (defined by
    a definition this one will be merged with); :func:`parse_survey_definition` does that merge.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)
    scales: list[Scale] = Field(default_factory=list)
    items: list[SurveyItem] = Field(default_factory=list)

    @model_validator(mode="after")
    def _consistent(self, info: ValidationInfo) -> SurveyDefinition:
        for what, ids in (
            ("scales", [s.id for s in self.scales]),
            ("items", [i.id for i in self.items]),
        ):
            seen: set[str] = set()
            for index, value in enumerate(ids):
                if value in seen:
                    raise _FieldError((what, index, "id"), f"id {value!r} appears twice")
                seen.add(value)
        context = info.context if isinstance(info.context, dict) else {}
        known = {s.id for s in self.scales} | set(context.get("known_scales", ()))
        for index, item in enumerate(self.items):
            if item.scale not in known:
                choices = ", ".join(sorted(known)) or "none"
                raise _FieldError(
                    ("items", index, "scale"),
                    f"unknown scale {item.scale!r} (defined scales: {choices})",
                )
        return self

    def scale(self, scale_id: str) -> Scale:
        """The scale with id `scale_id`; KeyError when there is none."""
        for scale in self.scales:
            if scale.id == scale_id:
                return scale
        raise KeyError(scale_id)

    def item(self, item_id: str) -> SurveyItem:
        """The item with id `item_id`; KeyError when there is none."""
        for item in self.items:
            if item.id == item_id:
                return item
        raise KeyError(item_id)

    def scale_of(self, item: SurveyItem | str) -> Scale:
        """The scale an item (or item id) is answered on."""
        found = self.item(item) if isinstance(item, str) else item
        return self.scale(found.scale)

    def merged(self, other: SurveyDefinition) -> SurveyDefinition:
        """This definition's scales and items followed by `other`'s.

        Raises :class:`InvalidSurvey` naming the first id both define.
        """
        for what, mine, theirs in (
            ("scale", {s.id for s in self.scales}, [s.id for s in other.scales]),
            ("item", {i.id for i in self.items}, [i.id for i in other.items]),
        ):
            for value in theirs:
                if value in mine:
                    raise InvalidSurvey(
                        f"duplicate {what} id {value!r}: both definitions define it"
                    )
        try:
            return SurveyDefinition(
                scales=[*self.scales, *other.scales], items=[*self.items, *other.items]
            )
        except ValidationError as exc:  # an item of `self` naming a scale neither defines
            raise InvalidSurvey(_validation_message(exc, prefix=())) from None


def _validation_message(exc: ValidationError, *, prefix: tuple[str | int, ...]) -> str:
    first = exc.errors()[0]
    loc: tuple[str | int, ...] = (*prefix, *first["loc"])
    message = first["msg"].removeprefix("Value error, ")
    error = first.get("ctx", {}).get("error")
    if isinstance(error, _FieldError):
        loc, message = (*loc, *error.loc), error.message
    return f"field {_location(loc) or '(top level)'}: {message}"


def load_survey_definition(path: Path, *, base: SurveyDefinition | None = None) -> SurveyDefinition:
    """Read the ``survey:`` block of a YAML file (other top-level keys are ignored).

    Parameters: `path`, the YAML file; `base`, a definition the file adds to (its items may use
    the base's scales; the result is the base merged with the file).
    Raises :class:`InvalidSurvey` with one line naming the file and field, e.g.
    ``team.yaml: field survey.items[3].scale: unknown scale 'agree' (defined scales: agreement)``.
    """
    path = Path(path)
    raw: Any = read_yaml(path, InvalidSurvey, what="survey file")
    if not isinstance(raw, dict) or "survey" not in raw:
        raise InvalidSurvey(f"{path}: no top-level `survey:` key (a survey file starts with it)")
    return parse_survey_definition(raw["survey"], origin=str(path), base=base)


def parse_survey_definition(
    data: Any, origin: str, *, base: SurveyDefinition | None = None
) -> SurveyDefinition:
    """Validate the content of a ``survey:`` block; errors name `origin` and ``survey.<field>``.

    With `base`, items may use the base's scales and the base merged with `data` is returned.
    """
    if not isinstance(data, dict):
        raise InvalidSurvey(
            f"{origin}: field survey: expected a mapping with scales and items, "
            f"not {type(data).__name__}"
        )
    context = {"known_scales": [s.id for s in base.scales]} if base is not None else None
    try:
        own = SurveyDefinition.model_validate(data, context=context)
    except ValidationError as exc:
        raise InvalidSurvey(f"{origin}: {_validation_message(exc, prefix=('survey',))}") from None
    if base is None:
        return own
    try:
        return base.merged(own)
    except InvalidSurvey as exc:
        raise InvalidSurvey(f"{origin}: {exc}") from None


# --------------------------------------------------------------------------------------------
# Questionnaire


def _humanize(tag: str) -> str:
    words = re.sub(r"[_\-.]+", " ", tag).strip()
    return words[:1].upper() + words[1:]


def _people(count: int) -> str:
    return f"{count} person" if count == 1 else f"{count} people"


def _sections(definition: SurveyDefinition) -> list[tuple[str, list[SurveyItem]]]:
    """Items by area (file order), then those without an area under General, then by topic."""
    areas: dict[str, list[SurveyItem]] = {}
    topics: dict[str, list[SurveyItem]] = {}
    general: list[SurveyItem] = []
    for item in definition.items:
        if item.area is not None:
            areas.setdefault(item.area, []).append(item)
        elif item.topic is not None:
            topics.setdefault(item.topic, []).append(item)
        else:
            general.append(item)
    sections = [(_humanize(area), items) for area, items in areas.items()]
    if general:
        sections.append(("General", general))
    sections += [(_humanize(topic), items) for topic, items in topics.items()]
    return sections


def questionnaire(
    definition: SurveyDefinition,
    *,
    format: Literal["markdown", "csv", "json"],
    min_group_size: int = DEFAULT_MIN_GROUP_SIZE,
    title: str = "Asynchronous communication survey",
) -> str:
    """The survey as a form for people (markdown), a template for form tools (csv), or JSON.

    - markdown: a title, a privacy note, then numbered questions grouped by area (items without an
      area but with a topic under that topic, items with neither under General), each with its
      options and its id in backticks so answers can be mapped back.
    - csv: a header row ``team`` then ``<item text> [<item id>]`` per item, and a second row with
      the allowed answers (``1-5: Strongly disagree ... Strongly agree``, ``Yes/No``). That second
      row is for people; :func:`load_responses` skips it when it still reads as written.
    - json: ``{"scales": [...], "items": [...]}``, the definition as its models dump it.

    Example: ``questionnaire(definition, format="csv")``.
    """
    if format == "json":
        return json.dumps(definition.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"
    if format == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(["team", *(f"{item.text} [{item.id}]" for item in definition.items)])
        writer.writerow(
            [
                TEMPLATE_TEAM_HINT,
                *(definition.scale_of(item).describe() for item in definition.items),
            ]
        )
        return buffer.getvalue()
    if format != "markdown":
        raise ValueError(f"unknown questionnaire format {format!r}; use markdown, csv or json")
    lines = [
        f"# {title}",
        "",
        "Your answers are anonymous: no name or e-mail address is kept, and answers are reported "
        f"only for groups of at least {_people(min_group_size)}.",
        "",
        "Team: ______________________",
        "",
        "Tick one answer per question. The code after each question maps your answer to the "
        "survey; you can ignore it.",
    ]
    number = 0
    for heading, items in _sections(definition):
        lines += ["", f"## {heading}"]
        for item in items:
            number += 1
            lines += ["", f"{number}. {item.text} (`{item.id}`)"]
            if item.help:
                lines += ["", f"   *{item.help}*"]
            lines.append("")
            scale = definition.scale_of(item)
            for option in scale.options:
                suffix = "" if scale.kind == "yes_no" else f" ({_format_value(option.value)})"
                lines.append(f"   - [ ] {option.label}{suffix}")
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------------------------
# Responses


@dataclass(frozen=True)
class Response:
    """One person's answers: their team (None when not given) and option values by item id."""

    team: str | None
    answers: dict[str, float]


class RejectedAnswer(NamedTuple):
    """An answer that could not be read.

    `row` is the row number a spreadsheet shows for CSV (the header is row 1) and the index in the
    list (as in the JSON path ``responses[row]``) for JSON; `column` is the header or answer key.
    """

    file: str
    row: int
    column: str
    value: str


@dataclass
class SurveyResponses:
    """The readable responses of one file and what was left out while reading it."""

    rows: list[Response]
    rejected: list[RejectedAnswer] = field(default_factory=list)
    empty_rows: int = 0
    notes: list[str] = field(default_factory=list)
    origin: str = ""
    columns: dict[str, str] = field(default_factory=dict)
    """Header (or JSON answer key) to item id, for every column that was read."""


class _Resolver:
    """Finds the item a column header (or JSON answer key) stands for."""

    def __init__(self, definition: SurveyDefinition, columns: dict[str, str] | None) -> None:
        self.ids = {item.id for item in definition.items}
        self.explicit: dict[str, str] = {}
        self.explicit_headers = dict(columns or {})
        for header, item_id in self.explicit_headers.items():
            if item_id not in self.ids:
                raise InvalidResponses(
                    f"column mapping: {header!r} is mapped to {item_id!r}, which is not a survey item"
                )
            self.explicit[_normalise(header)] = item_id
        by_text: dict[str, str | None] = {}
        for item in definition.items:
            key = _normalise(item.text)
            # Two items with the same words cannot be told apart by text: neither matches.
            by_text[key] = None if key in by_text else item.id
        self.by_text = {key: value for key, value in by_text.items() if value is not None}
        self.by_id = {item_id.casefold(): item_id for item_id in self.ids}

    def item_for(self, header: str) -> str | None:
        """The item id of `header`, trying the mapping, the id, a `` [id]`` suffix, the text."""
        stripped = header.strip()
        if stripped in self.explicit_headers:
            return self.explicit_headers[stripped]
        key = _normalise(stripped)
        if key in self.explicit:
            return self.explicit[key]
        if stripped.casefold() in self.by_id:
            return self.by_id[stripped.casefold()]
        suffix = _SUFFIX.match(stripped)
        if suffix:
            inner = suffix["inner"].strip()
            if inner.casefold() in self.by_id:
                return self.by_id[inner.casefold()]
            # Google Forms names grid rows `Question [Row text]`: a row may be an item's text.
            if _normalise(inner) in self.by_text:
                return self.by_text[_normalise(inner)]
        return self.by_text.get(key)


@dataclass
class _Layout:
    labels: list[str]
    items: dict[int, str]
    team: int | None
    data_start: int
    notes: list[str]


def _is_metadata(label: str) -> bool:
    key = _normalise(label)
    return key in _METADATA_COLUMNS or bool(re.fullmatch(r"(start|submit|stage) date \(utc\)", key))


def _is_personal(label: str) -> bool:
    key = _normalise(label)
    return key in _PERSONAL_COLUMNS or "email" in key or "e-mail" in key


def _cell(row: Sequence[str], index: int) -> str:
    return row[index].strip() if index < len(row) else ""


def _layout(
    rows: list[list[str]], definition: SurveyDefinition, resolver: _Resolver, team_column: str
) -> _Layout:
    """Which column holds which item, the team column, and where the responses start."""
    header = rows[0]
    second = rows[1] if len(rows) > 1 else []
    # SurveyMonkey writes two header rows: the question on the first (once, over all columns of a
    # matrix question), then "Response" or the matrix row's statement on the second, whose first
    # cell (under Respondent ID) is blank; an answer that reads "Response" has a first cell.
    surveymonkey = bool(header) and (
        _normalise(header[0]) == "respondent id"
        or (
            not _cell(second, 0)
            and any(_normalise(cell) in ("response", "open-ended response") for cell in second)
        )
    )
    candidates: list[list[str]] = []
    labels: list[str] = []
    carried = ""
    for index, cell in enumerate(header):
        cell = cell.strip()
        if not surveymonkey:
            candidates.append([cell])
            labels.append(cell)
            continue
        carried = cell or carried
        sub = _cell(second, index)
        if _normalise(sub) in _SURVEYMONKEY_SUBHEADERS:
            candidates.append([cell] if cell else [])
            labels.append(cell or carried)
        else:
            candidates.append([sub, f"{carried} [{sub}]"])
            labels.append(f"{carried} [{sub}]" if carried else sub)
    team_key = _normalise(team_column)
    items: dict[int, str] = {}
    team: int | None = None
    notes: list[str] = []
    unread: list[str] = []
    for index, names in enumerate(candidates):
        if team is None and any(_normalise(name) == team_key for name in names):
            if _is_personal(labels[index]):
                raise InvalidResponses(
                    f"column {labels[index]!r} holds personal data and cannot be the team column"
                )
            team = index
            continue
        item_id = next((found for name in names if (found := resolver.item_for(name))), None)
        if item_id is not None:
            if item_id in items.values():
                first = labels[next(j for j, i in items.items() if i == item_id)]
                notes.append(
                    f"columns {first!r} and {labels[index]!r} both map to item {item_id!r}; "
                    f"only {first!r} is read"
                )
            else:
                items[index] = item_id
        elif not any(_is_metadata(name) for name in names) and labels[index]:
            unread.append(labels[index])
    if unread:
        notes.append(
            f"{len(unread)} column(s) match no survey item and were not read: "
            + ", ".join(repr(label) for label in unread)
        )
    data_start = 2 if surveymonkey else 1
    if (
        not surveymonkey
        and items
        and len(rows) > 1
        and _is_template_hint(rows[1], items, team, definition)
    ):
        data_start = 2
    return _Layout(labels, items, team, data_start, notes)


def _is_template_hint(
    row: Sequence[str], items: dict[int, str], team: int | None, definition: SurveyDefinition
) -> bool:
    """Whether `row` is the second row of our CSV template, which is for people, not an answer."""
    if team is not None and _cell(row, team).casefold() not in ("", TEMPLATE_TEAM_HINT.casefold()):
        return False
    return all(
        _cell(row, index).casefold() == definition.scale_of(item_id).describe().casefold()
        for index, item_id in items.items()
    )


def _read_text(path: Path) -> str:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InvalidResponses(f"{path}: no such responses file") from None
    except OSError as exc:
        raise InvalidResponses(f"{path}: cannot read: {exc}") from None
    try:
        if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return data.decode("utf-16")
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidResponses(f"{path}: not UTF-8 text; export or save it as CSV UTF-8") from None


class _Collector:
    """Turns raw answers into responses, counting what it cannot read."""

    def __init__(self, origin: str, definition: SurveyDefinition, strict: bool) -> None:
        self.origin = origin
        self.scales = {item.id: definition.scale_of(item) for item in definition.items}
        self.strict = strict
        self.result = SurveyResponses(rows=[], origin=origin)
        self.teams: dict[str, str] = {}

    def add(
        self,
        row: int,
        team: str | None,
        answers: Iterable[tuple[str, str, str | float | bool]],
        places: dict[str, str] | None = None,
    ) -> None:
        """Read one response: (column, item id, raw value) triples; blank values are unanswered.

        `places` names a column's place in strict-mode errors (a JSON path); by default it is
        ``row N, column 'header'``.
        """
        read: dict[str, float] = {}
        blank = True
        for column, item_id, raw in answers:
            if isinstance(raw, str) and not raw.strip():
                continue
            blank = False
            scale = self.scales[item_id]
            try:
                read[item_id] = scale.read_answer(raw)
            except ValueError:
                shown = raw.strip() if isinstance(raw, str) else json.dumps(raw)
                if self.strict:
                    place = (places or {}).get(column) or f"row {row}, column {column!r}"
                    raise InvalidResponses(
                        f"{self.origin}: {place}: cannot read {shown!r} as an answer "
                        f"({scale.describe()})"
                    ) from None
                self.result.rejected.append(RejectedAnswer(self.origin, row, column, shown))
        if not read:
            # A row whose answers were all unreadable is not empty: its answers are in `rejected`.
            if blank:
                self.result.empty_rows += 1
            return
        if team is not None:
            team = " ".join(team.split()) or None
        if team is not None:
            # "Platform" and "platform " are one team; the first spelling seen names it.
            team = self.teams.setdefault(team.casefold(), team)
        self.result.rows.append(Response(team=team, answers=read))


def load_responses(
    path: Path,
    definition: SurveyDefinition,
    *,
    columns: dict[str, str] | None = None,
    team_column: str = "team",
    strict: bool = False,
) -> SurveyResponses:
    """Read survey responses from a form tool's CSV export or a JSON file.

    Parameters:
      path: CSV (comma, semicolon or tab separated, UTF-8 with or without BOM) or JSON
        (``{"responses": [{"team": ..., "answers": {item id: value}}]}`` or a bare list of those).
      definition: the survey the answers belong to.
      columns: {header: item id} for headers that do not match by themselves. Otherwise a column
        is an item when its header is the item id, ends in `` [item id]`` (our template), or is the
        item's text (case, whitespace, quotes and end punctuation aside).
      team_column: header of the team column (any case); without it every response has team None.
      strict: raise :class:`InvalidResponses` at the first unreadable answer instead of counting it.

    Only the team and the answers are kept: form tools' other columns (timestamp, e-mail, name,
    ...) are dropped unread; other unknown columns are named in ``notes``. A row without any
    answer is counted in ``empty_rows``.

    Example::

        responses = load_responses(Path("Survey (Responses).csv"), definition,
                                   team_column="Which team are you in?")
    """
    path = Path(path)
    origin = str(path)
    text = _read_text(path)
    resolver = _Resolver(definition, columns)
    looks_json = text.lstrip()[:1] in ("{", "[")
    if path.suffix.lower() == ".json" or (
        path.suffix.lower() not in (".csv", ".tsv") and looks_json
    ):
        return _load_json(text, origin, definition, resolver, team_column, strict)
    return _load_csv(text, origin, definition, resolver, team_column, strict)


def _load_csv(
    text: str,
    origin: str,
    definition: SurveyDefinition,
    resolver: _Resolver,
    team_column: str,
    strict: bool,
) -> SurveyResponses:
    best: tuple[tuple[int, int], list[list[str]], _Layout] | None = None
    # Sniffing: question texts hold commas and answers rarely do, so the separator that finds the
    # most survey items in the header wins; ties go to the one whose rows have the header's width.
    for delimiter in (",", ";", "\t"):
        try:
            rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
        except csv.Error as exc:
            raise InvalidResponses(f"{origin}: not a readable CSV file: {exc}") from None
        if not rows or not any(cell.strip() for cell in rows[0]):
            raise InvalidResponses(f"{origin}: no header row; the first row names the columns")
        layout = _layout(rows, definition, resolver, team_column)
        width = len(rows[0])
        fitting = sum(1 for row in rows[1:] if len(row) == width) if width > 1 else 0
        score = (len(layout.items), fitting)
        if best is None or score > best[0]:
            best = (score, rows, layout)
    assert best is not None
    _, rows, layout = best
    if not layout.items:
        raise InvalidResponses(
            f"{origin}: no column matches a survey item; pass a column mapping file "
            "(header: item id) or start from the template `asyncmaturity survey questions "
            "--format csv` writes"
        )
    collector = _Collector(origin, definition, strict)
    result = collector.result
    result.notes += layout.notes
    result.columns = {layout.labels[index]: item_id for index, item_id in layout.items.items()}
    for header in resolver.explicit_headers:
        if _normalise(header) not in {_normalise(label) for label in layout.labels}:
            result.notes.append(f"the column mapping names {header!r}, which is not in the file")
    if layout.team is None:
        result.notes.append(f"no {team_column!r} column: responses count for the organization only")
    for index in range(layout.data_start, len(rows)):
        row = rows[index]
        if not any(cell.strip() for cell in row):
            continue  # a blank line or a spreadsheet's padding row, not a response
        team = _cell(row, layout.team) if layout.team is not None else None
        collector.add(
            index + 1,
            team,
            ((layout.labels[j], item_id, _cell(row, j)) for j, item_id in layout.items.items()),
        )
    return result


def _load_json(
    text: str,
    origin: str,
    definition: SurveyDefinition,
    resolver: _Resolver,
    team_column: str,
    strict: bool,
) -> SurveyResponses:
    try:
        data: Any = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidResponses(f"{origin}: malformed JSON (line {exc.lineno}): {exc.msg}") from None
    if isinstance(data, dict):
        if "responses" not in data:
            raise InvalidResponses(
                f"{origin}: expected a list of responses or an object with a `responses` list"
            )
        records, base = data["responses"], "responses"
        if not isinstance(records, list):
            raise InvalidResponses(f"{origin}: responses: expected a list")
    elif isinstance(data, list):
        records, base = data, ""
    else:
        raise InvalidResponses(
            f"{origin}: expected a list of responses or an object with a `responses` list"
        )
    collector = _Collector(origin, definition, strict)
    result = collector.result
    team_key = team_column.casefold()
    unknown: Counter[str] = Counter()
    ignored: set[str] = set()
    for index, record in enumerate(records):
        where = f"{base}[{index}]"
        if not isinstance(record, dict):
            raise InvalidResponses(f"{origin}: {where}: expected an object")
        answers = record.get("answers")
        if not isinstance(answers, dict):
            raise InvalidResponses(f"{origin}: {where}.answers: expected an object")
        team: str | None = None
        for key, value in record.items():
            if key == "answers":
                continue
            if key.casefold() == team_key:
                if isinstance(value, int) and not isinstance(value, bool):
                    value = str(value)
                if value is not None and not isinstance(value, str):
                    raise InvalidResponses(f"{origin}: {where}.{key}: expected a string or null")
                team = value
            elif not _is_metadata(key):
                ignored.add(key)
        triples: list[tuple[str, str, str | float | bool]] = []
        places: dict[str, str] = {}
        for key, value in answers.items():
            if value is None:
                continue
            if not isinstance(value, str | int | float):
                raise InvalidResponses(
                    f"{origin}: {where}.answers.{key}: expected a number, a string, a boolean or null"
                )
            item_id = resolver.item_for(key)
            if item_id is None:
                unknown[key] += 1
                continue
            result.columns.setdefault(key, item_id)
            places[key] = f"{where}.answers.{key}"
            triples.append((key, item_id, value))
        collector.add(index, team, triples, places)
    if unknown:
        result.notes.append(
            f"answers to {len(unknown)} unknown item(s) were ignored: "
            + ", ".join(f"{key!r} ({count}x)" for key, count in unknown.items())
        )
    if ignored:
        result.notes.append(
            "response fields other than team and answers were ignored: "
            + ", ".join(repr(key) for key in sorted(ignored))
        )
    if records and not result.columns:
        raise InvalidResponses(
            f"{origin}: no answer names a survey item; use item ids as answer keys or pass a "
            "column mapping file (key: item id)"
        )
    return result


# --------------------------------------------------------------------------------------------
# Aggregation


@dataclass(frozen=True)
class ItemFigures:
    """Figures of one item for one group; all but `n` are None when the group is too small.

    - `mean`: mean option value; `score`: mean 0..1 score, reversed where needed (higher better);
    - `share_favourable`: share of answers in the favourable group (the top two options of a 4+
      option likert scale, the top option of a shorter one, Yes on yes_no; the bottom group
      instead when the item is reversed);
    - `sd`: population standard deviation of the 0..1 scores; `disagreement`: sd / 0.5, the
      largest sd a 0..1 scale allows, so 0 is consensus and 1 an even split between the ends;
    - `polarized`: at least 25% of answers in the bottom group and 25% in the top group (the
      groups of :meth:`Scale.bottom_values` and :meth:`Scale.top_values`; on yes_no and 2 or 3
      option scales the end options, so a yes_no item is polarized unless 75% or more agree);
    - `distribution`: answers per option value, every option listed.
    """

    n: int
    mean: float | None = None
    score: float | None = None
    share_favourable: float | None = None
    sd: float | None = None
    disagreement: float | None = None
    polarized: bool | None = None
    distribution: dict[float, int] | None = None

    def to_json(self) -> dict[str, Any]:
        """The figures with the distribution keyed by the option value as text ("4")."""
        return {
            "n": self.n,
            "mean": self.mean,
            "score": self.score,
            "share_favourable": self.share_favourable,
            "sd": self.sd,
            "disagreement": self.disagreement,
            "polarized": self.polarized,
            "distribution": None
            if self.distribution is None
            else {_format_value(value): count for value, count in self.distribution.items()},
        }


@dataclass(frozen=True)
class TeamResults:
    """One team large enough to be shown: its respondents and its item figures."""

    respondents: int
    items: dict[str, ItemFigures]


@dataclass(frozen=True)
class GroupScore:
    """The mean of item scores (each item weighs the same) over the `items` that have a score."""

    score: float | None
    items: int


@dataclass
class SurveyResults:
    """Survey figures for the organization, each team large enough, and each topic and area."""

    min_group_size: int
    respondents: int
    items: dict[str, ItemFigures]
    teams: dict[str, TeamResults]
    topics: dict[str, GroupScore]
    areas: dict[str, GroupScore]
    suppressed_teams: int
    withheld: bool
    rejected_answers: int = 0
    empty_rows: int = 0
    origin: str = ""
    notes: list[str] = field(default_factory=list)

    def item(self, item_id: str) -> ItemFigures | None:
        """The organization figures of one item, or None when the definition has no such item."""
        return self.items.get(item_id)

    def to_json(self) -> dict[str, Any]:
        """The stable machine-readable form."""
        return {
            "origin": self.origin,
            "respondents": self.respondents,
            "privacy": {
                "min_group_size": self.min_group_size,
                "suppressed_teams": self.suppressed_teams,
                "organization_withheld": self.withheld,
            },
            "input": {"rejected_answers": self.rejected_answers, "empty_rows": self.empty_rows},
            "organization": {
                "items": {key: figures.to_json() for key, figures in self.items.items()},
                "topics": {key: asdict(group) for key, group in self.topics.items()},
                "areas": {key: asdict(group) for key, group in self.areas.items()},
            },
            "teams": {
                name: {
                    "respondents": team.respondents,
                    "items": {key: figures.to_json() for key, figures in team.items.items()},
                }
                for name, team in self.teams.items()
            },
            "notes": self.notes,
        }


def _figures(
    values: Sequence[float], item: SurveyItem, scale: Scale, *, shown: bool, min_group_size: int
) -> ItemFigures:
    n = len(values)
    if not shown or n == 0 or n < min_group_size:
        return ItemFigures(n=n)
    scores = [item.score(value, scale) for value in values]
    counts = Counter(values)
    top = sum(counts[value] for value in scale.top_values()) / n
    bottom = sum(counts[value] for value in scale.bottom_values()) / n
    sd = statistics.pstdev(scores)
    return ItemFigures(
        n=n,
        mean=statistics.fmean(values),
        score=statistics.fmean(scores),
        share_favourable=bottom if item.reverse else top,
        sd=sd,
        disagreement=min(1.0, sd / 0.5),
        polarized=top >= 0.25 and bottom >= 0.25,
        distribution={value: counts.get(value, 0) for value in scale.values},
    )


def _group_scores(
    definition: SurveyDefinition, items: dict[str, ItemFigures], tag: Literal["topic", "area"]
) -> dict[str, GroupScore]:
    scores: dict[str, list[float]] = {}
    for item in definition.items:
        key = getattr(item, tag)
        if key is None:
            continue
        found = scores.setdefault(key, [])
        score = items[item.id].score
        if score is not None:
            found.append(score)
    return {
        key: GroupScore(score=statistics.fmean(values) if values else None, items=len(values))
        for key, values in scores.items()
    }


def aggregate(
    responses: SurveyResponses,
    definition: SurveyDefinition,
    *,
    min_group_size: int = DEFAULT_MIN_GROUP_SIZE,
) -> SurveyResults:
    """Figures per item for the organization and each team, and per topic and area.

    Privacy first: a team with fewer than `min_group_size` respondents is not shown at all (its
    answers still count for the organization); with fewer respondents in the whole organization,
    or fewer answers to an item, only `n` is shown. Topic and area scores are the mean of the
    organization's item scores, every item weighing the same.

    Example: ``aggregate(responses, definition, min_group_size=5).item("focus.interruptions")``.
    """
    if min_group_size < 1:
        raise ValueError("min_group_size must be at least 1")
    notes = list(responses.notes)
    by_item: dict[str, list[float]] = {item.id: [] for item in definition.items}
    options = {item.id: set(definition.scale_of(item).values) for item in definition.items}
    by_team: dict[str, list[Response]] = {}
    unknown: set[str] = set()
    for response in responses.rows:
        if response.team is not None:
            by_team.setdefault(response.team, []).append(response)
        for item_id, value in response.answers.items():
            if item_id not in by_item:
                unknown.add(item_id)
                continue
            if value not in options[item_id]:
                raise ValueError(f"{value} is not an option of item {item_id}")
            by_item[item_id].append(value)
    if unknown:
        notes.append(
            "answers to items the definition lacks were ignored: " + ", ".join(sorted(unknown))
        )
    respondents = len(responses.rows)
    withheld = respondents < min_group_size
    if withheld:
        notes.append(
            f"only {_people(respondents)} answered: figures are shown for groups of at least "
            f"{_people(min_group_size)}"
        )

    def figures(values: dict[str, list[float]], shown: bool) -> dict[str, ItemFigures]:
        return {
            item.id: _figures(
                values[item.id],
                item,
                definition.scale_of(item),
                shown=shown,
                min_group_size=min_group_size,
            )
            for item in definition.items
        }

    items = figures(by_item, not withheld)
    teams: dict[str, TeamResults] = {}
    suppressed = 0
    large = {name for name, members in by_team.items() if len(members) >= min_group_size}
    # Complementary suppression: the organization minus the teams shown must not single out a
    # group smaller than the minimum (a lone small team, or a few people with no team), so hide
    # the smallest shown teams until the remainder is large enough.
    residual = respondents - sum(len(by_team[name]) for name in large)
    for name in sorted(large, key=lambda n: (len(by_team[n]), n)):
        if residual == 0 or residual >= min_group_size:
            break
        large.discard(name)
        residual += len(by_team[name])
    for name in sorted(by_team):
        members = by_team[name]
        if name not in large:
            suppressed += 1
            continue
        values: dict[str, list[float]] = {item.id: [] for item in definition.items}
        for response in members:
            for item_id, value in response.answers.items():
                if item_id in values:
                    values[item_id].append(value)
        teams[name] = TeamResults(respondents=len(members), items=figures(values, True))
    if suppressed:
        notes.append(
            f"{suppressed} team(s) are not shown (fewer than {_people(min_group_size)}, or "
            "hidden so that the teams shown cannot be subtracted from the organization to reveal "
            "a smaller group); their answers count for the organization"
        )
    without_team = sum(1 for response in responses.rows if response.team is None)
    if by_team and without_team:
        notes.append(f"{without_team} response(s) name no team and count for the organization only")
    return SurveyResults(
        min_group_size=min_group_size,
        respondents=respondents,
        items=items,
        teams=teams,
        topics=_group_scores(definition, items, "topic"),
        areas=_group_scores(definition, items, "area"),
        suppressed_teams=suppressed,
        withheld=withheld,
        rejected_answers=len(responses.rejected),
        empty_rows=responses.empty_rows,
        origin=responses.origin,
        notes=notes,
    )
