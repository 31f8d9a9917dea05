"""The team charter: the working norms that every norm-dependent metric reads.

A charter is a YAML file; every field has a documented default, so an absent file means the
defaults below. People are named by an identity the sources know (an e-mail address or a Slack
user id); the store turns them into pseudonymous keys, never the other way round.

Example::

    timezone: Europe/Berlin
    working_days: [mon, tue, wed, thu, fri]
    working_hours: {start: "09:00", end: "17:00"}
    holidays:
      - {date: 2026-12-25, name: Christmas Day}
      - {date: 2026-11-26, name: Thanksgiving, timezone: America/Chicago}
    response_windows: {default: 24, dm: 8, urgent channel: 1}
    request_windows: {normal: 24, urgent: 4}
    urgent_channels: [incidents]
    people:
      - id: alice@example.com
        timezone: America/Chicago
        working_hours: {start: "07:00", end: "15:00"}
        out_of_office: [{start: 2026-08-03, end: 2026-08-14}]
    exclude: [deploy-bot@example.com]
    min_group_size: 5
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from asyncmaturity.errors import InvalidCharter
from asyncmaturity.store.database import normalize_identity
from asyncmaturity.vocabulary import ConversationKind
from asyncmaturity.yamlfile import read_yaml, yaml_line

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# Urgencies of a request with a response window; an emergency is synchronous by definition.
REQUEST_URGENCIES = ("normal", "urgent")
DEFAULT_REQUEST_WINDOWS = {"normal": 24.0, "urgent": 4.0}
DEFAULT_RECORD_SYSTEMS = (
    r"github\.com/[^/\s]+/[^/\s]+/(issues|pull|discussions)/\d+",
    r"gitlab\.[^/\s]+/.+/-/(issues|merge_requests)/\d+",
    r"atlassian\.net/(browse|wiki)/",
    r"/browse/[A-Z][A-Z0-9]+-\d+",
    r"notion\.so/",
    r"docs\.google\.com/",
    r"linear\.app/",
    r"confluence",
)
_HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$|^24:00$")


def _validate_zone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"unknown time zone {name!r} (use an IANA name such as Europe/Berlin)"
        ) from None
    return name


def _validate_days(days: list[str]) -> list[str]:
    normalized = [d.strip().lower()[:3] for d in days]
    unknown = [d for d, n in zip(days, normalized, strict=True) if n not in WEEKDAYS]
    if unknown:
        raise ValueError(f"unknown weekday {unknown[0]!r}; use mon, tue, wed, thu, fri, sat, sun")
    return sorted(set(normalized), key=WEEKDAYS.index)


class WorkingHours(BaseModel):
    """A daily working span in local time, `start` before `end` (an overnight shift is not supported)."""

    model_config = ConfigDict(extra="forbid")
    start: str = "09:00"
    end: str = "17:00"

    @field_validator("start", "end")
    @classmethod
    def _hhmm(cls, value: str) -> str:
        if not _HHMM.match(str(value)):
            raise ValueError(f"{value!r} is not a time of day as HH:MM")
        return str(value)

    @model_validator(mode="after")
    def _ordered(self) -> WorkingHours:
        if self.start_s >= self.end_s:
            raise ValueError(f"start {self.start} must be before end {self.end}")
        return self

    @property
    def start_s(self) -> int:
        """Seconds after local midnight at which work starts."""
        hours, minutes = self.start.split(":")
        return int(hours) * 3600 + int(minutes) * 60

    @property
    def end_s(self) -> int:
        """Seconds after local midnight at which work ends."""
        hours, minutes = self.end.split(":")
        return int(hours) * 3600 + int(minutes) * 60


class FocusBlock(BaseModel):
    """A protected focus span on some weekdays, in each person's local time."""

    model_config = ConfigDict(extra="forbid")
    days: list[str] = Field(default_factory=lambda: list(WEEKDAYS[:5]))
    start: str = "09:00"
    end: str = "11:00"

    _days = field_validator("days")(lambda cls, v: _validate_days(v))

    @model_validator(mode="after")
    def _valid_span(self) -> FocusBlock:
        self.span  # noqa: B018 - validates the times and their order
        return self

    @property
    def span(self) -> WorkingHours:
        """The block's start and end as a validated daily span."""
        return WorkingHours(start=self.start, end=self.end)


class Holiday(BaseModel):
    """A public holiday: the whole `date` on each person's own clock, without working hours.

    With `timezone` it is a regional holiday, for the people whose time zone is that one only.
    """

    model_config = ConfigDict(extra="forbid")
    date: dt.date
    name: str | None = None
    timezone: str | None = None

    _zone = field_validator("timezone")(lambda cls, v: v if v is None else _validate_zone(v))

    def applies_in(self, zone: str) -> bool:
        """Whether a person working in time zone `zone` has this holiday."""
        return self.timezone is None or self.timezone == zone


class OutOfOffice(BaseModel):
    """A period away, from `start` to `end` inclusive, whole days on the person's own clock."""

    model_config = ConfigDict(extra="forbid")
    start: dt.date
    end: dt.date

    @model_validator(mode="after")
    def _ordered(self) -> OutOfOffice:
        if self.end < self.start:
            raise ValueError(f"end {self.end} is before start {self.start}")
        return self

    def dates(self) -> Iterator[dt.date]:
        """Every date of the period."""
        for offset in range((self.end - self.start).days + 1):
            yield self.start + dt.timedelta(days=offset)


class PersonNorms(BaseModel):
    """Norms for one person, overriding the defaults; `id` is an e-mail address or a source user id."""

    model_config = ConfigDict(extra="forbid")
    id: str
    timezone: str | None = None
    working_days: list[str] | None = None
    working_hours: WorkingHours | None = None
    team: str | None = None
    out_of_office: list[OutOfOffice] = Field(default_factory=list)

    _zone = field_validator("timezone")(lambda cls, v: v if v is None else _validate_zone(v))
    _days = field_validator("working_days")(lambda cls, v: v if v is None else _validate_days(v))


class Charter(BaseModel):
    """A team's working agreement as the metrics read it; every field has a default."""

    model_config = ConfigDict(extra="forbid")
    timezone: str = Field(
        "UTC",
        description="IANA time zone of people whose source gives none and the charter names not.",
    )
    working_days: list[str] = Field(
        default_factory=lambda: list(WEEKDAYS[:5]),
        description="Working weekdays (mon..sun), for everyone without days of their own.",
    )
    working_hours: WorkingHours = Field(
        default_factory=WorkingHours,
        description="Daily working span in each person's local time, `{start: HH:MM, end: HH:MM}`.",
    )
    shared_working_hours: bool | None = Field(
        None,
        description="Whether the team keeps shared working hours. `false` (volunteer and "
        "open-source communities): after-hours figures do not apply and response windows run on "
        "the wall clock. Unset: read from the team's messages, unless `working_hours` or "
        "`working_days` is set (then `true`).",
    )
    holidays: list[Holiday] = Field(
        default_factory=list,
        description="Public holidays, `{date: YYYY-MM-DD, name: optional, timezone: optional}`: "
        "each is the whole date on each person's own clock; with `timezone` it is a regional "
        "holiday, for the people working in that IANA zone only. A holiday (like a person's "
        "`out_of_office` day) has no working hours: no metric counts it as working time, a reply "
        "it delays misses no window, and what a person sends or attends on it counts as neither "
        "inside nor outside their hours (after-hours shares leave it out).",
    )
    response_windows: dict[str, Annotated[float, Field(gt=0)]] = Field(
        default_factory=lambda: {"default": 24.0},
        description="Working hours within which a thread root should be answered, by conversation "
        f"kind (`default`, {', '.join(f'`{kind}`' for kind in ConversationKind)}).",
    )
    request_windows: dict[str, Annotated[float, Field(gt=0)]] = Field(
        default_factory=lambda: dict(DEFAULT_REQUEST_WINDOWS),
        description="Working hours within which a request should be answered, by urgency "
        "(`normal`, default 24; `urgent`, default 4), on the responder's schedule (holidays and "
        "out-of-office days skipped). An `emergency` is synchronous by definition: it has no "
        "window.",
    )
    urgent_channels: list[str] = Field(
        default_factory=list,
        description=f"Channel names whose conversations count as `{ConversationKind.URGENT_CHANNEL}`.",
    )
    people: list[PersonNorms] = Field(
        default_factory=list,
        description="Per-person `timezone`, `working_days`, `working_hours`, `team` and "
        "`out_of_office` periods (`[{start: YYYY-MM-DD, end: YYYY-MM-DD}]`, both days included, "
        "whole days on the person's clock, treated like holidays), keyed by `id` (an e-mail "
        "address or a source user id such as a Slack `U...` id).",
    )
    exclude: list[str] = Field(
        default_factory=list, description="People (e-mail or user id) left out of every metric."
    )
    bots: list[str] = Field(
        default_factory=list,
        description="Accounts (e-mail or user id) whose messages count as bot messages.",
    )
    min_group_size: int = Field(
        5, ge=2, description="Smallest number of active people any breakdown group may show."
    )
    focus_blocks: list[FocusBlock] = Field(
        default_factory=list,
        description="Protected focus time, `{days: [mon, ...], start: HH:MM, end: HH:MM}` in each "
        "person's local time; the coordination-cost estimate counts interruptions inside them "
        "(when none is given it assumes 09:00-11:00 on working days, and says so).",
    )
    no_meeting_days: list[str] = Field(
        default_factory=list, description="Weekdays kept free of internal meetings (mon..sun)."
    )
    # The activity map's thresholds (Asynchronous Communication Framework).
    deep_work_block_hours: float = Field(
        2.0,
        gt=0,
        le=12,
        description="Length of an uninterrupted block, in hours, that makes a working day one "
        "of protected deep work (free of the person's meetings and of their own messages).",
    )
    offline_planning_days: float = Field(
        14.0,
        ge=0,
        description="Days ahead of its start an all-day or multi-day event must be booked to "
        "count as planned.",
    )
    record_systems: list[str] = Field(
        default_factory=lambda: list(DEFAULT_RECORD_SYSTEMS),
        description="URL regular expressions of systems of record (trackers, wikis, shared docs). "
        "When omitted, the default patterns count, and so do the team's own record systems "
        "detected from the links its messages carry (measure lists them with their counts); "
        "when given, they alone count.",
    )

    _zone = field_validator("timezone")(lambda cls, v: _validate_zone(v))
    _days = field_validator("working_days", "no_meeting_days")(lambda cls, v: _validate_days(v))

    @field_validator("response_windows")
    @classmethod
    def _window_kinds(cls, windows: dict[str, float]) -> dict[str, float]:
        kinds = list(ConversationKind)
        unknown = [k for k in windows if k != "default" and k not in kinds]
        if unknown:
            raise ValueError(
                f"unknown conversation kind {unknown[0]!r}; use default or one of "
                + ", ".join(kinds)
            )
        return {"default": 24.0, **windows}

    @field_validator("request_windows")
    @classmethod
    def _urgencies(cls, windows: dict[str, float]) -> dict[str, float]:
        for urgency in windows:
            if urgency == "emergency":
                raise ValueError(
                    "an emergency is synchronous by definition and has no response window; "
                    "use " + " or ".join(REQUEST_URGENCIES)
                )
            if urgency not in REQUEST_URGENCIES:
                raise ValueError(
                    f"unknown urgency {urgency!r}; use " + " or ".join(REQUEST_URGENCIES)
                )
        return {**DEFAULT_REQUEST_WINDOWS, **windows}

    @field_validator("record_systems")
    @classmethod
    def _patterns(cls, patterns: list[str]) -> list[str]:
        for pattern in patterns:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"{pattern!r} is not a regular expression: {exc}") from None
        return patterns

    def focus_spans(self) -> tuple[tuple[frozenset[int], int, int], ...]:
        """The focus blocks as (weekdays with Monday 0, start_s, end_s) on local clocks."""
        return tuple(
            (frozenset(WEEKDAYS.index(d) for d in b.days), b.span.start_s, b.span.end_s)
            for b in self.focus_blocks
        )

    def window_hours(self, kind: str) -> float:
        """Response window in working hours for a conversation kind."""
        return self.response_windows.get(kind, self.response_windows["default"])

    def request_window_hours(self, urgency: str) -> float:
        """Response window in working hours for a request of `urgency` (normal or urgent)."""
        if urgency not in self.request_windows:
            raise ValueError(f"no response window for urgency {urgency!r}")
        return self.request_windows[urgency]

    def norms_for(self, person_id: str) -> PersonNorms | None:
        """The `people` entry naming `person_id` (compared as the store compares identities)."""
        wanted = normalize_identity(person_id)
        return next((p for p in self.people if normalize_identity(p.id) == wanted), None)

    def schedule(
        self, norms: PersonNorms | None = None, *, source_timezone: str | None = None
    ) -> Schedule:
        """A person's effective schedule: their own norms, else the source's time zone, else the
        charter's defaults; days off are the holidays of their zone and their out-of-office days."""
        zone = (norms.timezone if norms else None) or source_timezone or self.timezone
        hours = (norms.working_hours if norms else None) or self.working_hours
        days = (norms.working_days if norms else None) or self.working_days
        days_off = {h.date for h in self.holidays if h.applies_in(zone)}
        for period in norms.out_of_office if norms else ():
            days_off.update(period.dates())
        return Schedule(
            timezone=zone,
            working_days=frozenset(WEEKDAYS.index(d) for d in days),
            start_s=hours.start_s,
            end_s=hours.end_s,
            days_off=frozenset(days_off),
        )

    def schedule_for(
        self, person_id: str | None, *, source_timezone: str | None = None
    ) -> Schedule:
        """The effective schedule of the person the charter may name `person_id`."""
        norms = self.norms_for(person_id) if person_id is not None else None
        return self.schedule(norms, source_timezone=source_timezone)


@dataclass(frozen=True)
class Schedule:
    """One person's working time: a daily local span on some weekdays, less their days off."""

    timezone: str
    working_days: frozenset[int]  # Monday 0
    start_s: int  # seconds after local midnight
    end_s: int
    days_off: frozenset[dt.date] = frozenset()  # holidays and out-of-office dates, local

    def works_on(self, day: dt.date) -> bool:
        """Whether local date `day` has working hours."""
        return day.weekday() in self.working_days and day not in self.days_off


def due_at(sent_at: dt.datetime, hours: float, schedule: Schedule) -> dt.datetime:
    """The first instant at which `hours` working hours of `schedule` have passed since `sent_at`.

    Working time is counted on the person's local wall clock, as the metrics count it (see
    :mod:`asyncmaturity.metrics.business`); days outside `working_days` and days off are skipped.
    A naive `sent_at` is UTC; the result is an aware UTC datetime.

    >>> s = Charter(holidays=[{"date": "2026-03-09"}]).schedule()
    >>> due_at(dt.datetime(2026, 3, 6, 16, 0), 4, s)  # Friday 16:00, Monday a holiday
    datetime.datetime(2026, 3, 10, 12, 0, tzinfo=datetime.timezone.utc)
    """
    if hours < 0:
        raise ValueError(f"a window of {hours} hours is negative")
    if not schedule.working_days:
        raise ValueError("the schedule has no working day")
    zone = ZoneInfo(schedule.timezone)
    if sent_at.tzinfo is None:
        sent_at = sent_at.replace(tzinfo=dt.UTC)
    remaining = dt.timedelta(hours=hours)
    if not remaining:
        return sent_at.astimezone(dt.UTC)
    moment = sent_at.astimezone(zone).replace(tzinfo=None)
    day = moment.date()
    while True:
        midnight = dt.datetime.combine(day, dt.time())
        if schedule.works_on(day):
            begin = max(moment, midnight + dt.timedelta(seconds=schedule.start_s))
            available = midnight + dt.timedelta(seconds=schedule.end_s) - begin
            if remaining <= available:
                return (begin + remaining).replace(tzinfo=zone).astimezone(dt.UTC)
            if available > dt.timedelta(0):
                remaining -= available
        day += dt.timedelta(days=1)


def load_charter(path: Path | str | None) -> Charter:
    """Read a charter file; `None` gives the defaults.

    Raises :class:`InvalidCharter` naming the file, the line (one-based) and the first invalid
    field.
    """
    if path is None:
        return Charter()
    path = Path(path)
    raw: Any = read_yaml(path, InvalidCharter, what="charter file")
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise InvalidCharter(f"{path}: a charter is a mapping of fields, not {type(raw).__name__}")
    text = path.read_text(encoding="utf-8")
    return parse_charter(raw, origin=str(path), line_of=lambda where: yaml_line(text, where))


Location = tuple[str | int, ...]
# Pydantic's error types in plain words: what the value must be ({...}: the error's context).
_PLAIN_PROBLEMS = {
    "missing": "is required",
    "greater_than": "must be more than {gt}",
    "greater_than_equal": "must be at least {ge}",
    "less_than": "must be less than {lt}",
    "less_than_equal": "must be at most {le}",
    "int_parsing": "must be a whole number",
    "int_type": "must be a whole number",
    "int_from_float": "must be a whole number",
    "float_parsing": "must be a number",
    "float_type": "must be a number",
    "bool_parsing": "must be true or false",
    "bool_type": "must be true or false",
    "string_type": "must be text",
    "list_type": "must be a list",
    "dict_type": "must be a mapping of fields",
    "model_type": "must be a mapping of fields",
    "date_parsing": "must be a date as YYYY-MM-DD",
    "date_type": "must be a date as YYYY-MM-DD",
    "date_from_datetime_parsing": "must be a date as YYYY-MM-DD",
    "date_from_datetime_inexact": "must be a date as YYYY-MM-DD",
    "literal_error": "must be one of {expected}",
    "enum": "must be one of {expected}",
}


def _plain_problem(error: Any, location: Location) -> str:
    """What is wrong with a value and what is allowed, in the words of the charter's docs."""
    kind = error["type"]
    if kind == "extra_forbidden":
        if len(location) == 1:
            return f"is not a charter field (the fields: {', '.join(Charter.model_fields)})"
        return "is not a field of this entry"
    if kind == "value_error":
        return str(error["msg"]).removeprefix("Value error, ")
    template = _PLAIN_PROBLEMS.get(kind)
    # Bounds as the charter's docs write them: 0, not 0.0.
    context = {
        key: int(value) if isinstance(value, float) and value.is_integer() else value
        for key, value in error.get("ctx", {}).items()
    }
    problem = (
        template.format(**context)
        if template
        else str(error["msg"]).replace("Input should be", "must be")
    )
    given = error.get("input")
    if kind != "missing" and isinstance(given, str | int | float) and not isinstance(given, bool):
        problem += f" (not {given!r})"
    return problem


def parse_charter(
    raw: dict[str, Any],
    *,
    origin: str = "charter",
    line_of: Callable[[Location], int | None] | None = None,
) -> Charter:
    """Validate a charter given as a mapping; errors name `origin`, the line and the field.

    Args:
        raw: the charter's fields, as read from YAML or a form.
        origin: where it came from (a file path, "form"), first in an error's message.
        line_of: the one-based line of the text a field's location came from (YAML: the line of
            the value; a form: the line of its textarea), when the source has lines.
    """
    try:
        return Charter.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        location: Location = tuple(first["loc"])
        line = line_of(location) if line_of is not None and location else None
        # With a line, the line says which entry of a list; without one, "entry 2" does.
        words = [
            f"entry {part + 1}" if isinstance(part, int) else part
            for part in location
            if not (isinstance(part, int) and line is not None)
        ]
        problem = _plain_problem(first, location)
        detail = (
            f"{', '.join(str(word) for word in words[1:])}: {problem}" if words[1:] else problem
        )
        where = f"line {line}: " if line is not None else ""
        field = str(words[0]) if words else "(top level)"
        raise InvalidCharter(
            f"{origin}: {where}field {field}: {detail}",
            field=field,
            line=line,
            detail=detail if words[1:] else problem,
        ) from None
