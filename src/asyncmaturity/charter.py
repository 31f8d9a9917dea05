"""The team charter: the working norms that every norm-dependent metric reads.

A charter is a YAML file; every field has a documented default, so an absent file means the
defaults below. People are named by an identity the sources know (an e-mail address or a Slack
user id); the store turns them into pseudonymous keys, never the other way round.

Example::

    timezone: Europe/Berlin
    working_days: [mon, tue, wed, thu, fri]
    working_hours: {start: "09:00", end: "17:00"}
    response_windows: {default: 24, dm: 8, urgent channel: 1}
    urgent_channels: [incidents]
    people:
      - id: alice@example.com
        timezone: America/Chicago
        working_hours: {start: "07:00", end: "15:00"}
    exclude: [deploy-bot@example.com]
    min_group_size: 5
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from asyncmaturity.errors import InvalidCharter
from asyncmaturity.yamlfile import read_yaml

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
CONVERSATION_KINDS = (
    "public channel",
    "private channel",
    "dm",
    "group dm",
    "mailing list",
    "issue tracker",
    "urgent channel",
)
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


class PersonNorms(BaseModel):
    """Norms for one person, overriding the defaults; `id` is an e-mail address or a source user id."""

    model_config = ConfigDict(extra="forbid")
    id: str
    timezone: str | None = None
    working_days: list[str] | None = None
    working_hours: WorkingHours | None = None
    team: str | None = None

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
    response_windows: dict[str, Annotated[float, Field(gt=0)]] = Field(
        default_factory=lambda: {"default": 24.0},
        description="Working hours within which a thread root should be answered, by conversation "
        "kind (`default`, `public channel`, `private channel`, `dm`, `group dm`, `mailing list`, "
        "`issue tracker`, `urgent channel`).",
    )
    urgent_channels: list[str] = Field(
        default_factory=list,
        description="Channel names whose conversations count as `urgent channel`.",
    )
    people: list[PersonNorms] = Field(
        default_factory=list,
        description="Per-person `timezone`, `working_days`, `working_hours`, `team`, keyed by `id` "
        "(an e-mail address or a source user id such as a Slack `U...` id).",
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
    record_systems: list[str] = Field(
        default_factory=lambda: list(DEFAULT_RECORD_SYSTEMS),
        description="URL regular expressions of systems of record (trackers, wikis, shared docs).",
    )

    _zone = field_validator("timezone")(lambda cls, v: _validate_zone(v))
    _days = field_validator("working_days", "no_meeting_days")(lambda cls, v: _validate_days(v))

    @field_validator("response_windows")
    @classmethod
    def _window_kinds(cls, windows: dict[str, float]) -> dict[str, float]:
        unknown = [k for k in windows if k != "default" and k not in CONVERSATION_KINDS]
        if unknown:
            raise ValueError(
                f"unknown conversation kind {unknown[0]!r}; use default or one of "
                + ", ".join(CONVERSATION_KINDS)
            )
        return {"default": 24.0, **windows}

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


def load_charter(path: Path | str | None) -> Charter:
    """Read a charter file; `None` gives the defaults.

    Raises :class:`InvalidCharter` naming the file and the first invalid field.
    """
    if path is None:
        return Charter()
    path = Path(path)
    raw: Any = read_yaml(path, InvalidCharter, what="charter file")
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise InvalidCharter(f"{path}: a charter is a mapping of fields, not {type(raw).__name__}")
    return parse_charter(raw, origin=str(path))


def parse_charter(raw: dict[str, Any], *, origin: str = "charter") -> Charter:
    """Validate a charter given as a mapping; errors name `origin` and the field."""
    try:
        return Charter.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(part) for part in first["loc"]) or "(top level)"
        message = first["msg"].removeprefix("Value error, ")
        raise InvalidCharter(f"{origin}: field {field}: {message}") from None
