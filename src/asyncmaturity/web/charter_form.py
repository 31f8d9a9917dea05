"""The charter editor's form: a :class:`~asyncmaturity.charter.Charter` as plain form fields and
back, without JavaScript.

Single values are inputs, weekdays are checkboxes, and lists are textareas of one entry per line
(the formats below, also shown on the page); an empty input keeps the field's default. Working
days and hours, and record systems, left at their defaults stay unset, so `measure` reads them
from the team's own messages (a charter that sets them declares them); shared working hours are
a choice of ``detect``, ``yes`` or ``no``. Errors
are :class:`~asyncmaturity.errors.InvalidCharter` messages in the CLI's style,
``form: field holidays: line 2: ...``, so the page can show each next to its field.

=================  =====================================================================
field              one line per entry
=================  =====================================================================
focus_blocks       ``mon tue wed 09:00-11:00`` (days as names or a range ``mon-fri``)
holidays           ``2026-12-25 | Christmas Day | Europe/Berlin`` (name and zone optional)
people             ``id | time zone | days | HH:MM-HH:MM | team`` (empty parts: defaults)
out_of_office      ``id | 2026-08-03 | 2026-08-14`` (both days included; no end: one day)
urgent_channels,   one name, identity or regular expression per line
exclude, bots,
record_systems
=================  =====================================================================
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from asyncmaturity.charter import (
    DEFAULT_RECORD_SYSTEMS,
    REQUEST_URGENCIES,
    WEEKDAYS,
    Charter,
    Location,
    WorkingHours,
    parse_charter,
)
from asyncmaturity.errors import InvalidCharter
from asyncmaturity.store.database import normalize_identity
from asyncmaturity.vocabulary import ConversationKind

ORIGIN = "form"
# Plain strings: they become the keys of a charter that is written back as YAML.
WINDOW_KINDS = ("default", *(kind.value for kind in ConversationKind))
DAY_FIELDS = ("working_days", "no_meeting_days")
LINE_FIELDS = (
    "focus_blocks",
    "holidays",
    "people",
    "out_of_office",
    "urgent_channels",
    "exclude",
    "bots",
    "record_systems",
)
_SPAN = re.compile(r"^(\d{1,2}:\d{2})\s*-\s*(\d{1,2}:\d{2})$")
_FIELD = re.compile(r"field ([A-Za-z_]+)")


def window_field(kind: str) -> str:
    """The form field of a response window: ``window_public_channel``."""
    return "window_" + kind.replace(" ", "_")


def request_field(urgency: str) -> str:
    """The form field of a request window: ``request_urgent``."""
    return f"request_{urgency}"


# The choice of shared working hours: unset (read from the messages), or declared.
SHARED_HOURS = {"detect": None, "yes": True, "no": False}
TEXT_FIELDS = (
    "timezone",
    "hours_start",
    "hours_end",
    "shared_working_hours",
    *(window_field(kind) for kind in WINDOW_KINDS),
    *(request_field(urgency) for urgency in REQUEST_URGENCIES),
    *LINE_FIELDS,
    "min_group_size",
)


def _number(value: float) -> str:
    return f"{value:g}"


def _days(days: list[str]) -> str:
    return " ".join(days)


def _join(parts: list[str]) -> str:
    while parts and not parts[-1]:
        parts.pop()
    return " | ".join(parts)


def form_values(charter: Charter) -> dict[str, Any]:
    """The form's values for `charter`: text per input, weekday lists for the checkboxes."""
    values: dict[str, Any] = {
        "timezone": charter.timezone,
        "working_days": list(charter.working_days),
        "hours_start": charter.working_hours.start,
        "hours_end": charter.working_hours.end,
        "shared_working_hours": next(
            k for k, v in SHARED_HOURS.items() if v is charter.shared_working_hours
        ),
        "no_meeting_days": list(charter.no_meeting_days),
        "min_group_size": str(charter.min_group_size),
        "focus_blocks": "\n".join(
            f"{_days(b.days)} {b.start}-{b.end}" for b in charter.focus_blocks
        ),
        "holidays": "\n".join(
            _join([h.date.isoformat(), h.name or "", h.timezone or ""]) for h in charter.holidays
        ),
        "people": "\n".join(
            _join(
                [
                    p.id,
                    p.timezone or "",
                    _days(p.working_days or []),
                    f"{p.working_hours.start}-{p.working_hours.end}" if p.working_hours else "",
                    p.team or "",
                ]
            )
            for p in charter.people
            if p.timezone or p.working_days or p.working_hours or p.team or not p.out_of_office
        ),
        "out_of_office": "\n".join(
            _join([p.id, period.start.isoformat(), period.end.isoformat()])
            for p in charter.people
            for period in p.out_of_office
        ),
    }
    for kind in WINDOW_KINDS:
        window = charter.response_windows.get(kind)
        values[window_field(kind)] = "" if window is None else _number(window)
    for urgency in REQUEST_URGENCIES:
        values[request_field(urgency)] = _number(charter.request_windows[urgency])
    for name in ("urgent_channels", "exclude", "bots", "record_systems"):
        values[name] = "\n".join(getattr(charter, name))
    return values


def posted_values(form: Mapping[str, Any], getlist: Callable[[str], list[Any]]) -> dict[str, Any]:
    """The values a posted form carries, shaped as :func:`form_values` shapes them."""
    values: dict[str, Any] = {}
    for name in TEXT_FIELDS:
        value = form.get(name)
        values[name] = value if isinstance(value, str) else ""
    for name in DAY_FIELDS:
        values[name] = [day for day in getlist(name) if isinstance(day, str)]
    return values


# -- form -> charter -------------------------------------------------------------------------


def _fail(field: str, line: int, message: str) -> InvalidCharter:
    return InvalidCharter(
        f"{ORIGIN}: line {line}: field {field}: {message}", field=field, line=line, detail=message
    )


class FormLines:
    """Where each list entry of a form's charter was typed: the one-based line of its textarea,
    so an invalid entry is reported at the line the user sees (see :func:`parse_charter`)."""

    def __init__(self) -> None:
        self.lines: dict[Location, int] = {}
        self.asked: Location = ()

    def add(self, field: str, numbers: list[int]) -> None:
        """Entry i of `field` came from line ``numbers[i]`` of its textarea."""
        for index, number in enumerate(numbers):
            self.lines[(field, index)] = number

    def __call__(self, location: Location) -> int | None:
        self.asked = location
        for end in range(len(location), 0, -1):
            if location[:end] in self.lines:
                return self.lines[location[:end]]
        return None

    def field(self) -> str | None:
        """The form field of the last location asked about (out of office is its own field)."""
        if self.asked[:1] == ("people",) and "out_of_office" in self.asked:
            return "out_of_office"
        return str(self.asked[0]) if self.asked else None


def _lines(text: str) -> list[tuple[int, str]]:
    return [
        (number, line.strip())
        for number, line in enumerate(text.splitlines(), start=1)
        if line.strip() and not line.strip().startswith("#")
    ]


def _parse_days(text: str, field: str, line: int) -> list[str]:
    days: list[str] = []
    for token in re.split(r"[\s,]+", text.strip()):
        if not token:
            continue
        first, _, last = token.partition("-")
        if last:
            start, end = first.lower()[:3], last.lower()[:3]
            if start not in WEEKDAYS or end not in WEEKDAYS:
                raise _fail(field, line, f"{token!r} is not a range of weekdays such as mon-fri")
            days += WEEKDAYS[WEEKDAYS.index(start) : WEEKDAYS.index(end) + 1]
        else:
            days.append(token)
    return days


def _parse_span(text: str, field: str, line: int) -> dict[str, str]:
    found = _SPAN.match(text.strip())
    if not found:
        raise _fail(field, line, f"{text.strip()!r} is not a span of time such as 09:00-11:00")
    return {"start": found.group(1).zfill(5), "end": found.group(2).zfill(5)}


def _parts(line: str, field: str, number: int, most: int) -> list[str]:
    parts = [part.strip() for part in line.split("|")]
    if len(parts) > most:
        raise _fail(field, number, f"at most {most} parts separated by |")
    return parts + [""] * (most - len(parts))


def _focus_blocks(text: str) -> list[dict[str, Any]]:
    blocks = []
    for number, line in _lines(text):
        days, _, span = line.rpartition(" ")
        block: dict[str, Any] = _parse_span(span, "focus_blocks", number)
        if not days.strip():
            raise _fail(
                "focus_blocks", number, "name the days before the span: mon-fri 09:00-11:00"
            )
        block["days"] = _parse_days(days, "focus_blocks", number)
        blocks.append(block)
    return blocks


def _holidays(text: str) -> list[dict[str, Any]]:
    holidays = []
    for number, line in _lines(text):
        day, name, zone = _parts(line, "holidays", number, 3)
        holiday: dict[str, Any] = {"date": day}
        if name:
            holiday["name"] = name
        if zone:
            holiday["timezone"] = zone
        holidays.append(holiday)
    return holidays


def _people(people_text: str, away_text: str, lines: FormLines) -> list[dict[str, Any]]:
    people: dict[str, dict[str, Any]] = {}
    typed_at: dict[str, int] = {}
    away_at: dict[str, list[int]] = {}
    for number, line in _lines(people_text):
        person, zone, days, hours, team = _parts(line, "people", number, 5)
        if not person:
            raise _fail("people", number, "the line starts with the person's id")
        entry: dict[str, Any] = {"id": person}
        if zone:
            entry["timezone"] = zone
        if days:
            entry["working_days"] = _parse_days(days, "people", number)
        if hours:
            entry["working_hours"] = _parse_span(hours, "people", number)
        if team:
            entry["team"] = team
        if normalize_identity(person) in people:
            raise _fail("people", number, f"{person!r} is listed twice")
        people[normalize_identity(person)] = entry
        typed_at[normalize_identity(person)] = number
    for number, line in _lines(away_text):
        person, start, end = _parts(line, "out_of_office", number, 3)
        if not person or not start:
            raise _fail("out_of_office", number, "write id | first day | last day")
        entry = people.setdefault(normalize_identity(person), {"id": person})
        entry.setdefault("out_of_office", []).append({"start": start, "end": end or start})
        away_at.setdefault(normalize_identity(person), []).append(number)
    for index, key in enumerate(people):
        if key in typed_at:
            lines.lines[("people", index)] = typed_at[key]
        for period, number in enumerate(away_at.get(key, [])):
            lines.lines[("people", index, "out_of_office", period)] = number
    return list(people.values())


def charter_from_form(values: Mapping[str, Any]) -> Charter:
    """The charter the form describes, validated by :func:`~asyncmaturity.charter.parse_charter`
    (errors name the field: ``form: field timezone: unknown time zone ...``)."""
    lines = FormLines()
    raw: dict[str, Any] = {
        "working_days": list(values.get("working_days") or []),
        "no_meeting_days": list(values.get("no_meeting_days") or []),
        "focus_blocks": _focus_blocks(values["focus_blocks"]),
        "holidays": _holidays(values["holidays"]),
        "people": _people(values["people"], values["out_of_office"], lines),
    }
    if not raw["working_days"]:
        raise InvalidCharter(
            f"{ORIGIN}: field working_days: tick at least one working day",
            field="working_days",
            detail="tick at least one working day",
        )
    for name in (
        "focus_blocks",
        "holidays",
        "urgent_channels",
        "exclude",
        "bots",
        "record_systems",
    ):
        lines.add(name, [number for number, _ in _lines(values[name])])
    for name in ("urgent_channels", "exclude", "bots", "record_systems"):
        raw[name] = [line for _, line in _lines(values[name])]
    if raw["record_systems"] == list(DEFAULT_RECORD_SYSTEMS):
        del raw["record_systems"]  # the defaults, with the team's own systems detected
    for name, key in (("timezone", "timezone"), ("min_group_size", "min_group_size")):
        if values[name].strip():
            raw[key] = values[name].strip()
    if values["hours_start"].strip() or values["hours_end"].strip():
        raw["working_hours"] = {
            "start": values["hours_start"].strip() or "09:00",
            "end": values["hours_end"].strip() or "17:00",
        }
    default_days = raw["working_days"] == list(WEEKDAYS[:5])
    if default_days and raw.get("working_hours", WorkingHours().model_dump()) == (
        WorkingHours().model_dump()
    ):
        # The defaults, unset: the hours are read from the messages unless declared below.
        del raw["working_days"]
        raw.pop("working_hours", None)
    shared = values.get("shared_working_hours", "").strip() or "detect"
    if shared not in SHARED_HOURS:
        choose = f"choose one of {', '.join(SHARED_HOURS)}"
        raise InvalidCharter(
            f"{ORIGIN}: field shared_working_hours: {choose}",
            field="shared_working_hours",
            detail=choose,
        )
    if SHARED_HOURS[shared] is not None:
        raw["shared_working_hours"] = SHARED_HOURS[shared]
    windows = {kind: values[window_field(kind)].strip() for kind in WINDOW_KINDS}
    raw["response_windows"] = {kind: value for kind, value in windows.items() if value}
    requests = {u: values[request_field(u)].strip() for u in REQUEST_URGENCIES}
    raw["request_windows"] = {urgency: value for urgency, value in requests.items() if value}
    try:
        return parse_charter(raw, origin=ORIGIN, line_of=lines)
    except InvalidCharter as exc:
        exc.field = lines.field() or exc.field
        raise


# The form's fields as its labels name them, for errors the user reads.
FIELD_LABELS = {
    "timezone": "Time zone",
    "working_days": "Working days",
    "working_hours": "Working hours",
    "shared_working_hours": "Shared working hours",
    "response_windows": "Response windows",
    "request_windows": "Request windows",
    "focus_blocks": "Focus blocks",
    "no_meeting_days": "No-meeting days",
    "holidays": "Public holidays",
    "people": "People",
    "out_of_office": "Out of office",
    "urgent_channels": "Urgent channels",
    "exclude": "Left out of every metric",
    "bots": "Bots",
    "record_systems": "Systems of record",
    "min_group_size": "Minimum group size",
}


@dataclass(frozen=True)
class CharterProblem:
    """Why a charter was not saved, as the editor shows it at its top: where (a field's label and
    the one-based line of the text it was typed in), a link there, and what is wrong."""

    where: str
    anchor: str
    detail: str
    field: str | None = None
    line: int | None = None
    line_text: str | None = None


def charter_problem(exc: InvalidCharter, *, yaml_text: str | None = None) -> CharterProblem:
    """The problem a refused charter has, for the form (`yaml_text` None) or the YAML editor.

    Args:
        exc: the refusal, with its field, line and detail.
        yaml_text: the YAML text posted, when the charter came from the YAML editor.
    """
    label = FIELD_LABELS.get(exc.field or "", exc.field or "")
    if yaml_text is not None:
        where = "The YAML" + (f", line {exc.line}" if exc.line else "")
        if exc.field:
            where += f", field {exc.field}"
        lines = yaml_text.splitlines()
        shown = lines[exc.line - 1] if exc.line and exc.line <= len(lines) else None
        return CharterProblem(where, "#charter-yaml", exc.detail, exc.field, exc.line, shown)
    where = (label or "The charter") + (f", line {exc.line}" if exc.line else "")
    anchor = f"#field-{exc.field}" if exc.field in FIELD_LABELS else "#charter-form"
    return CharterProblem(where, anchor, exc.detail, exc.field, exc.line)


def error_field(message: str) -> str | None:
    """The form field an InvalidCharter message names (its first part), for showing it there."""
    found = _FIELD.search(message)
    if found is None:
        return None
    name = found.group(1)
    if name == "people" and "out_of_office" in message:
        return "out_of_office"
    return name
