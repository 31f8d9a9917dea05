"""iCalendar (RFC 5545) calendars into meeting instances and attendance.

Takes an .ics file (one or several VCALENDARs, also glued as ``END:VCALENDARBEGIN:VCALENDAR``), a
folder of .ics files, or a .zip of them. The calendars are parsed with `icalendar` and every event
is expanded into instances with `recurring-ical-events` (RRULE, RDATE, EXDATE, RECURRENCE-ID
overrides, RANGE=THISANDFUTURE), within the expansion window only.

What one instance becomes (a ``meetings`` row, and one ``attendance`` row per person):

- Rules: an RRULE or EXRULE with spaces after its commas (``BYDAY=MO, TU, WE``, as Microsoft
  Exchange's CDO writes it) is read without them.
- Times: every instance start and end is a UTC instant. TZID resolves to the IANA zone or to the
  calendar's own VTIMEZONE, so an instance on each side of a DST change keeps its local time.
  Floating times (no TZID, no Z) are read as UTC: the team charter, whose default zone would be
  the better guess, is not known at ingest. An event whose TZID is neither an IANA name nor
  defined by a VTIMEZONE is skipped and counted (its time could be off by a day). A DATE start is an all-day instance (``all_day``) from UTC
  midnight; DURATION stands in for DTEND; with neither, a DATE lasts one day and a DATE-TIME none.
- Keys: ``series_key = md5('ical|' || UID)`` and ``meeting_key = md5('ical|' || UID || '|' ||
  instant)``, the instant being the instance's recurrence instant in UTC as ``YYYY-MM-DDTHH:MM:SSZ``
  (all-day: UTC midnight): an override keeps its RECURRENCE-ID there even when it moves the
  instance, so re-ingesting an edited calendar updates nothing and duplicates nothing. (Instances
  that a RANGE=THISANDFUTURE override reshapes are keyed by their own start.) An event without a
  UID (real feeds have them: Exchange's CDO invitations, khal, hand-written files) is keyed by its
  content: its UID is ``content:`` and the md5 of its DTSTART (with its TZID), RECURRENCE-ID,
  SUMMARY, ORGANIZER and CREATED as written, the fields that say which meeting it is and stay
  the same when the calendar is exported again, so re-ingest is idempotent. Left out on purpose:
  DTSTAMP (the time of the export in most exports), LAST-MODIFIED and SEQUENCE, the rule, the end
  and the attendees' answers, which change without the meeting changing; an edit of one of the
  keyed fields makes the event a new one. Two such events with the same content are one.
- ``cancelled``: STATUS:CANCELLED on the instance's own component (an override) or on its series'
  master, or a calendar sent with METHOD:CANCEL. EXDATE'd instances are not instances at all.
- ``private``: CLASS:PRIVATE or CONFIDENTIAL on the instance's component (an override with no
  CLASS inherits its master's).
- ``recurring``: the UID's master has an RRULE or RDATE, or the instance is an override.
- ``booked_at``: CREATED (an override without one: its master's), else unknown. DTSTAMP and
  LAST-MODIFIED are not booking times: in an export DTSTAMP is the export time and LAST-MODIFIED
  the last edit, and either would make every meeting look booked at the last minute. A booking
  after the instance's start is kept as is.
- ``agenda``: the description (DESCRIPTION, else X-ALT-DESC) says "agenda", or has at least 20
  letters or digits once HTML, links and conferencing boilerplate (join/dial-in lines, meeting
  ids, passcodes, phone numbers) are removed, or the event carries an ATTACH or URL (alarm
  attachments, i.e. sounds, do not count).
- ``agenda_at``: for an instance that is its own component, a single event or an override at
  its own RECURRENCE-ID, and carries an agenda: that component's last change, by which the
  agenda was there: its own LAST-MODIFIED, else its DTSTAMP (RFC 5545: the last change in a
  calendar without METHOD, when the message was made in one with it), else its CREATED. An
  instance the rule of a series makes (its master's, or one a THISANDFUTURE override reshapes)
  shares the master's text, which says nothing about when this occurrence's agenda was there:
  unknown (null), as it is without an agenda.
- ``notes``: a link in the description, ATTACH or URL that looks like notes or a recording: its
  address names notes, minutes or a recording (``/rec/``, ``recording``, Google Docs, HackMD,
  Notion, Etherpad, Loom, YouTube...), or the text just before it on its line says notes, meeting
  minutes, minutes of, recording(s) or recap.
- ``decision_meeting``: the SUMMARY names a kick-off, an approval, a sign-off, a go/no-go or a
  decision meeting (``DECISION_MEETING``); the title itself is not stored.
- People: ATTENDEE and ORGANIZER addresses; ``mailto:`` ones get the e-mail identity (so calendar
  people link to their chat and mail selves), others ``ical:<value>``. Not people, so neither in
  attendance nor in ``attendee_count``: CUTYPE=ROOM or RESOURCE, ROLE=NON-PARTICIPANT (copied for
  information), and Google's calendar addresses (``...@group.calendar.google.com``, resources);
  an organizer that is such a calendar leaves ``organizer_key`` empty. Responses: PARTSTAT
  ACCEPTED, TENTATIVE, DECLINED as such; NEEDS-ACTION, absent or unknown: needs-action; DELEGATED:
  declined (the delegate is listed on their own). Roles: OPT-PARTICIPANT optional; REQ-PARTICIPANT,
  CHAIR, absent or unknown: required. The organizer attends (accepted, required) unless listed as
  an attendee too, in which case that entry's PARTSTAT and ROLE count. The same address twice in
  one event counts once (its first entry). ``attendee_count`` is the people so listed, declined
  ones included. Display names (CN) are kept only with --keep-text; time zones are unknown.

Expansion window (``--since``/``--until``, half-open, on instance starts): a calendar lists
meetings before they happen, so no instance that starts after the time of ingest is read, whatever
``--until`` says (an ``--until`` after it is clipped to it, and the detected line says so). Without
``--since`` the window starts at the earliest DTSTART of the export; without ``--until`` it ends at
the time of ingest, and an endless rule (an RRULE with neither COUNT nor UNTIL) stops earlier, at
the export's time if that comes first: its latest DTSTAMP, LAST-MODIFIED or CREATED (an export
stamps its events when it is made, or with their last change, which comes before it), or, in an
export without any stamp, the end of its latest event. So an endless rule never runs past what
the export knows (a year of meetings after a calendar was exported had not happened when it was),
while a rule that states its own end, an RDATE or a single event is read as written. Events
that start after the time of ingest are not held yet and are not skipped records: the detected
line counts them, and a later ingest of the same or a newer export adds them and the instances
held since (keys do not depend on the window, so nothing already stored is added again). Each
series also stops at :data:`MAX_INSTANCES` instances in the window (its earliest ones); a capped
series is counted as skipped. Events of several files or VCALENDARs with the same UID form one series; the same
component twice (same UID and RECURRENCE-ID) counts once: the highest SEQUENCE, else the
first read.

Bad records are counted, never dropped silently: an event without DTSTART, with an
unreadable date, duration or rule, or ending before it starts; a VCALENDAR that cannot be parsed
in a file with other, readable ones; a series the recurrence rules cannot expand. Every skip
names the file (``folder/file.ics``, ``export.zip!file.ics``) and the record: the event's number
in its VCALENDAR (and the calendar's number in a file holding several) and its UID. A file that is
not iCalendar at all, or none of whose calendars parses, is an :class:`InvalidExport`.

The calendars of one export are parsed whole (calendar exports are megabytes: the 3.7 MB FINOS
community calendar holds 2,216 events); the instances, which rules multiply, are staged in Arrow
batches and turned into rows by set-based SQL.
"""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Iterator
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import icalendar
import pyarrow as pa

from asyncmaturity.errors import InvalidExport
from asyncmaturity.sources.archive import extracted, zip_names
from asyncmaturity.sources.common import UNREADABLE_ENTRY, walk_files
from asyncmaturity.sources.interface import SourceFamily, SourceReport
from asyncmaturity.store.database import identity_hash_sql, person_key_sql
from asyncmaturity.vocabulary import AttendanceRole, MeetingResponse, Visibility

if TYPE_CHECKING:
    from asyncmaturity.sources.interface import IngestContext

SUFFIXES = (".ics", ".ical", ".icalendar")
MAX_INSTANCES = 10_000  # per series and window: a daily meeting for 27 years
BATCH_ROWS = 50_000
PEEK_BYTES = 4096
UNKNOWN_TZID = "event whose TZID is not a known time zone"
# Properties whose unreadable value makes an event impossible to place in time.
TIME_PROPERTIES = ("DTSTART", "DTEND", "DURATION", "RRULE", "RDATE", "EXDATE", "RECURRENCE-ID")
RESPONSES = {
    "ACCEPTED": MeetingResponse.ACCEPTED,
    "TENTATIVE": MeetingResponse.TENTATIVE,
    "DECLINED": MeetingResponse.DECLINED,
    "DELEGATED": MeetingResponse.DECLINED,
    "NEEDS-ACTION": MeetingResponse.NEEDS_ACTION,
}
# What keys an event without a UID (see the module docs): what says which meeting it is and
# stays the same when the calendar is exported again; DTSTAMP (the export's time), LAST-MODIFIED,
# SEQUENCE, the rule, the end and the attendees' answers all change without the meeting changing.
CONTENT_KEY_PROPERTIES = ("DTSTART", "RECURRENCE-ID", "SUMMARY", "ORGANIZER", "CREATED")
CONTENT_UID_PREFIX = "content:"
# A recurrence rule's content line with its folded continuations: Microsoft Exchange (CDO) writes
# "BYDAY=MO, TU, WE" with spaces, which RFC 5545 does not allow and icalendar refuses.
RULE_LINE = re.compile(r"(?im)^(?:RRULE|EXRULE)[;:][^\r\n]*(?:\r?\n[ \t][^\r\n]*)*")
FOLD = re.compile(r"\r?\n[ \t]")
# A component's times of writing, its latest change first (see ``agenda_at`` above).
STAMPS = ("LAST-MODIFIED", "DTSTAMP", "CREATED")
NOT_PEOPLE_CUTYPES = ("ROOM", "RESOURCE")
# Google Calendar's addresses of calendars and rooms (group., resource., import.calendar...).
CALENDAR_ADDRESS = re.compile(r"@([a-z0-9-]+\.)?calendar\.google\.com$")

URL = re.compile(r"https?://[^\s<>\"'\])]+", re.IGNORECASE)
TAG = re.compile(r"<[^>]*>")
LINE_BREAK_TAG = re.compile(r"<\s*(br|/p|/div|/li|/tr|/h\d)\s*/?\s*>", re.IGNORECASE)
AGENDA_WORD = re.compile(r"\bagenda", re.IGNORECASE)
DECISION_MEETING = re.compile(
    r"\b(kick[\s-]?off|approvals?|approve|sign[\s-]?off|go[\s/-]*no[\s-]*go|decisions?|"
    r"decide|steering|review board)\b",
    re.IGNORECASE,
)
AGENDA_MIN_CHARS = 20
# Lines of conferencing boilerplate: they say how to join, not what the meeting is about.
BOILERPLATE_LINE = re.compile(
    r"\b(join|joining|dial|dial-in|meeting (id|number|link|password|information|info)|passcode|"
    r"password|access code|pin|toll|toll-free|one tap|tap mobile|local number|webex|zoom|"
    r"microsoft teams|teams meeting|google meet|meet\.google|video (call|system|conference)|"
    r"conference (id|call|room|bridge)|phone|call-in|call in|or call|invitation from google|"
    r"you are receiving this|forwarding this invitation|learn more|do not edit|topic:|"
    r"this is a recurring meeting|meet anytime|host key|audio connection)(?!\w)",
    re.IGNORECASE,
)
PHONE_NUMBER = re.compile(r"\+?\d[\d\s().-]{6,}\d")
NOTES_URL = re.compile(
    r"notes|minutes|recording|/rec/|/rec\?|docs\.google\.com/document|hackmd\.io|notion\.(so|site)|"
    r"etherpad|otter\.ai|fireflies\.ai|loom\.com/share|youtube\.com/watch|youtu\.be/|vimeo\.com",
    re.IGNORECASE,
)
NOTES_LABEL = re.compile(
    r"\b(notes|meeting[\s+_-]*minutes|minutes\s*(of|:)|recordings?|recap)\b", re.IGNORECASE
)
NOTES_LABEL_REACH = 80  # characters before a link in which a label names it


class IcalSource:
    """iCalendar calendars: .ics files, folders of them, or a .zip of them."""

    name = "ical"
    family = SourceFamily.CALENDAR
    summary = (
        "iCalendar calendars (.ics): events expanded into meeting instances and attendance; "
        "an event without a UID is keyed by its content (md5 of DTSTART with its TZID, "
        "RECURRENCE-ID, SUMMARY, ORGANIZER, CREATED), so re-ingest is idempotent; a skip names "
        "the file and the event's number and UID"
    )
    parser_version = "ical/2"
    accepts = (
        "an .ics file (one or several VCALENDARs), a folder of .ics files or a .zip of them; "
        "--since/--until bound the expansion of recurring events, which never reads an instance "
        "that starts after the time of ingest"
    )

    real_samples = (
        (
            "collective/icalendar@851cb47758689b54781c0712186d1d9e2ec57dd5:"
            "src/icalendar/tests/calendars/issue_165_missing_event.ics"
        ),
        (
            "collective/icalendar@851cb47758689b54781c0712186d1d9e2ec57dd5:"
            "src/icalendar/tests/calendars/created_calendar_with_unicode_fields.ics"
        ),
    )

    def detect(self, path: Path) -> bool:
        """A file that begins with BEGIN:VCALENDAR, or a folder or zip holding .ics files."""
        if _is_zip(path):
            members = zip_names(path)
            if members is None:
                return False
            names = [n.lower() for n in members]
            # A Slack export never holds calendars; its listings decide the other way round.
            listings = {"channels.json", "users.json", "org_users.json", "groups.json"}
            if any(Path(n).name in listings for n in names):
                return False
            return any(n.endswith(SUFFIXES) for n in names)
        if path.is_file():
            return _starts_with_vcalendar(path)
        if path.is_dir():
            first = next(_calendar_files(path, limit=1), None)
            return first is not None and _starts_with_vcalendar(first)
        return False

    def ingest(self, ctx: IngestContext, path: Path) -> SourceReport:
        """Read every calendar at `path`, expand its events in the window, add the new rows."""
        report = SourceReport()
        zipped = _is_zip(path)
        opener = extracted(path) if zipped else nullcontext(path)
        with opener as unpacked:
            if zipped or unpacked.is_dir():
                unreadable: list[str] = []
                files = list(walk_files(unpacked, SUFFIXES, None, unreadable))
                report.records_read += len(unreadable)
                report.skip(UNREADABLE_ENTRY, len(unreadable), unreadable)
                if not files:
                    raise InvalidExport(f"{path}: no .ics calendar files found")

                def label(file: Path) -> str:
                    shown = file.relative_to(unpacked).as_posix()
                    return f"{path}!{shown}" if zipped else f"{path}/{shown}"
            else:
                files = [unpacked]

                def label(file: Path) -> str:
                    return str(path)

            reader = _Reader(report)
            for file in files:
                reader.read_file(file, label(file))
            _expand_and_insert(ctx, path, reader, report)
        return report


def _is_zip(path: Path) -> bool:
    return path.is_file() and path.suffix.lower() == ".zip"


def _starts_with_vcalendar(file: Path) -> bool:
    try:
        with file.open("rb") as handle:
            head = handle.read(PEEK_BYTES)
    except OSError:
        return False
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff \t\r\n")
    return text.upper().startswith("BEGIN:VCALENDAR")


def _calendar_files(root: Path, limit: int | None = None) -> Iterator[Path]:
    """The .ics files under `root` in a stable order (hidden and __MACOSX entries left out)."""
    return walk_files(root, SUFFIXES, limit)


def _utc(value: date | datetime) -> datetime:
    """A naive UTC instant: aware times converted, floating ones read as UTC, dates at midnight."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            return value
        return value.astimezone(UTC).replace(tzinfo=None)
    return datetime(value.year, value.month, value.day)


def _list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _text(component: icalendar.cal.Component, name: str) -> str:
    value = component.get(name)
    if value is None:
        return ""
    if isinstance(value, list):
        return "\n".join(str(v) for v in value)
    return str(value)


@dataclass
class Invite:
    """One person invited to an event (or its organizer)."""

    identity: str  # 'email:<address>' or 'ical:<value>'
    display_name: str | None
    response: MeetingResponse
    role: AttendanceRole


@dataclass
class Template:
    """What every instance of one component (a master, a single event or an override) shares."""

    template_id: int
    uid: str
    origin: str
    place: str  # the file and the event's number in it, as skips name it
    start: datetime  # the component's own DTSTART, naive UTC
    end: datetime  # its own end (DTEND, else DURATION), naive UTC
    rule: bool  # it has an RRULE or RDATE
    recurrence_id: datetime | None
    this_and_future: bool
    sequence: int
    component: icalendar.cal.Component
    cancelled_by_method: bool
    invites: list[Invite] = field(default_factory=list)


@dataclass
class _Reader:
    """Parses calendars into valid, de-duplicated components, counting every bad record."""

    report: SourceReport
    files: int = 0
    calendars: int = 0
    events: int = 0
    repeated: int = 0
    masters: dict[str, Template] = field(default_factory=dict)
    overrides: dict[tuple[str, datetime], Template] = field(default_factory=dict)
    _next_id: int = 0

    def read_file(self, file: Path, label: str) -> None:
        try:
            raw = file.read_bytes()
        except OSError as exc:
            raise InvalidExport(f"{label}: cannot read: {exc.strerror or exc}") from None
        # Calendars are UTF-8 (RFC 5545); a stray byte in a description must not lose the file.
        text = raw.decode("utf-8", errors="replace").lstrip("\ufeff")
        if not text.lstrip().upper().startswith("BEGIN:VCALENDAR"):
            raise InvalidExport(
                f"{label}: not an iCalendar file (it does not begin with BEGIN:VCALENDAR)"
            )
        self.files += 1
        # Some exports glue calendars together: END:VCALENDARBEGIN:VCALENDAR on one line.
        text = re.sub(
            r"END:VCALENDAR[ \t]*(?=BEGIN:VCALENDAR)", "END:VCALENDAR\r\n", text, flags=re.I
        )
        if ", " in text:
            text = RULE_LINE.sub(_tight_rule, text)
        chunks = [c for c in re.split(r"(?im)^(?=BEGIN:VCALENDAR)", text) if c.strip()]
        failures: list[str] = []
        for number, chunk in enumerate(chunks, start=1):
            try:
                calendar = icalendar.Calendar.from_ical(chunk)
            except (ValueError, KeyError, IndexError, TypeError) as exc:
                failures.append(f"{label} calendar {number}: cannot be parsed: {_first_line(exc)}")
                continue
            self.calendars += 1
            self._read_calendar(calendar, label, number if len(chunks) > 1 else None)
        if failures and len(failures) == len(chunks):
            raise InvalidExport(failures[0])
        self.report.skip("calendar that cannot be parsed", len(failures), failures)

    def _read_calendar(
        self, calendar: icalendar.cal.Component, label: str, number: int | None
    ) -> None:
        cancelled = _text(calendar, "METHOD").strip().upper() == "CANCEL"
        where = f"{label} calendar {number}" if number is not None else label
        bad: dict[str, list[str]] = {}
        # Events are numbered within their VCALENDAR (within the file when it holds one).
        for index, component in enumerate(calendar.walk("VEVENT"), start=1):
            self.events += 1
            self.report.records_read += 1
            place = f"{where} event {index}"
            if not str(component.get("UID") or "").strip():
                component["UID"] = content_uid(component)
            reason, detail = _problem(component)
            if reason is not None:
                bad.setdefault(reason, []).append(f"{place}: {detail}")
                continue
            self._keep(component, label, place, cancelled)
        for reason, examples in bad.items():
            self.report.skip(reason, len(examples), examples)

    def _keep(
        self, component: icalendar.cal.Component, origin: str, place: str, cancelled: bool
    ) -> None:
        uid = str(component["UID"]).strip()
        recurrence: Any = component.get("RECURRENCE-ID")
        recurrence_at = _moment(component, "RECURRENCE-ID")
        rid = _utc(recurrence_at) if recurrence_at is not None else None
        this_and_future = (
            recurrence is not None
            and str(recurrence.params.get("RANGE", "")).upper() == "THISANDFUTURE"
        )
        start = _utc(_moment(component, "DTSTART") or date.min)
        template = Template(
            template_id=self._next_id,
            uid=uid,
            origin=origin,
            place=place,
            start=start,
            # _problem has read the end already: an event whose end it cannot read is not kept.
            end=_end(component, start),
            rule=any(component.get(name) is not None for name in ("RRULE", "RDATE")),
            recurrence_id=rid,
            this_and_future=this_and_future,
            sequence=_sequence(component),
            component=component,
            cancelled_by_method=cancelled,
        )
        self._next_id += 1
        if rid is None:
            held = self.masters.get(uid)
            if held is not None:
                self.repeated += 1
                if template.sequence <= held.sequence:
                    return
            self.masters[uid] = template
        else:
            held = self.overrides.get((uid, rid))
            if held is not None:
                self.repeated += 1
                if template.sequence <= held.sequence:
                    return
            self.overrides[(uid, rid)] = template

    def templates(self) -> Iterator[Template]:
        yield from self.masters.values()
        yield from self.overrides.values()


def content_uid(component: icalendar.cal.Component) -> str:
    """The key of an event without a UID: ``content:`` and the md5 of its
    :data:`CONTENT_KEY_PROPERTIES` as written (a time with its TZID), so the same event read
    again, from the same or a later export, gets the same key.

    >>> event = icalendar.Event.from_ical(
    ...     "BEGIN:VEVENT\\r\\nDTSTART:20150703T100000Z\\r\\nSUMMARY:Standup\\r\\nEND:VEVENT\\r\\n"
    ... )
    >>> written = "DTSTART:20150703T100000Z\\x1f\\x1fSUMMARY:Standup\\x1f\\x1f"
    >>> content_uid(event) == "content:" + hashlib.md5(written.encode()).hexdigest()
    True
    """
    fields = []
    for name in CONTENT_KEY_PROPERTIES:
        value: Any = component.get(name)
        if value is None:
            fields.append("")
            continue
        try:
            written = value.to_ical()
            text = (
                written.decode("utf-8", "replace") if isinstance(written, bytes) else str(written)
            )
        except (AttributeError, TypeError, ValueError):
            text = str(value)
        tzid = getattr(value, "params", {}).get("TZID", "")
        fields.append(f"{name}{';TZID=' + str(tzid) if tzid else ''}:{text}")
    digest = hashlib.md5("\x1f".join(fields).encode("utf-8"), usedforsecurity=False).hexdigest()
    return CONTENT_UID_PREFIX + digest


def _tight_rule(line: re.Match[str]) -> str:
    """A recurrence rule line unfolded, without the spaces Exchange puts after its commas."""
    return re.sub(r",[ \t]+", ",", FOLD.sub("", line.group(0)))


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0][:200] if text else type(exc).__name__


def _moment(component: icalendar.cal.Component, name: str) -> date | datetime | None:
    """The date or date-time of property `name`; None when absent or of another type."""
    value: Any = component.get(name)
    try:
        moment = getattr(value, "dt", None) if value is not None else None
    except ValueError:  # icalendar 7 keeps an unreadable value, and refuses to give its .dt
        return None
    return moment if isinstance(moment, date) else None


def _sequence(component: icalendar.cal.Component) -> int:
    try:
        return int(str(component.get("SEQUENCE", 0)))
    except ValueError:
        return 0


def _problem(component: icalendar.cal.Component) -> tuple[str | None, str]:
    """Why an event cannot become instances (reason, detail), or (None, '') when it can."""
    uid = str(component.get("UID")).strip()  # every event has one: its own, or its content's
    errors = [(name, message) for name, message in getattr(component, "errors", []) or []]
    for name, message in errors:
        if str(name).upper() in TIME_PROPERTIES:
            return (
                "event with an unreadable date, duration or rule",
                f"(UID {uid}) {name}: {_first_line(Exception(message))}",
            )
    if component.get("DTSTART") is None:
        return "event without DTSTART", f"(UID {uid}) no DTSTART"
    unreadable = "event with an unreadable date, duration or rule"
    for name in ("DTSTART", "DTEND", "RECURRENCE-ID"):
        if component.get(name) is not None and _moment(component, name) is None:
            return unreadable, f"(UID {uid}) {name} is not a date or date-time"
    for name in ("DTSTART", "DTEND", "RECURRENCE-ID"):
        moment = _moment(component, name)
        tzid = getattr(component.get(name), "params", {}).get("TZID")
        # icalendar leaves a time naive when its TZID is neither IANA nor a VTIMEZONE of the file:
        # reading it as UTC would move the meeting by up to a day without a word.
        if tzid and isinstance(moment, datetime) and moment.tzinfo is None:
            return UNKNOWN_TZID, f"(UID {uid}) {name} has TZID {str(tzid)[:80]!r}"
    start = _utc(_moment(component, "DTSTART") or date.min)
    try:
        end = _end(component, start)
    except (TypeError, ValueError, OverflowError, AttributeError) as exc:
        return unreadable, f"(UID {uid}) {_first_line(exc)}"
    if end < start:
        return (
            "event that ends before it starts",
            f"(UID {uid}) ends {end:%Y-%m-%dT%H:%M} before its start {start:%Y-%m-%dT%H:%M}",
        )
    return None, ""


def _end(component: icalendar.cal.Component, start: datetime) -> datetime:
    """The component's own end, naive UTC: DTEND, else `start` + DURATION, else `start`."""
    end_at = _moment(component, "DTEND")
    duration: Any = component.get("DURATION")
    if end_at is not None:
        return _utc(end_at)
    if duration is not None:
        length: timedelta = duration.dt
        return start + length
    return start


def _address(value: Any) -> str | None:
    """The identity of a calendar address: 'email:<lower address>' or 'ical:<value>'."""
    raw = str(value).strip()
    if raw.lower().startswith("mailto:"):
        raw = raw[len("mailto:") :].strip()
    if not raw:
        return None
    if "@" in raw and " " not in raw and ":" not in raw:
        return "email:" + raw.lower()
    return "ical:" + raw


def _is_person(identity: str, params: Any) -> bool:
    if str(params.get("CUTYPE", "")).upper() in NOT_PEOPLE_CUTYPES:
        return False
    if str(params.get("ROLE", "")).upper() == "NON-PARTICIPANT":
        return False
    return not CALENDAR_ADDRESS.search(identity)


def _invites(component: icalendar.cal.Component) -> tuple[str | None, list[Invite]]:
    """(organizer identity when a person, the people invited, the organizer included)."""
    invites: dict[str, Invite] = {}
    for attendee in _list(component.get("ATTENDEE")):
        identity = _address(attendee)
        params = getattr(attendee, "params", {})
        if identity is None or not _is_person(identity, params) or identity in invites:
            continue
        partstat = str(params.get("PARTSTAT", "NEEDS-ACTION")).upper()
        role = str(params.get("ROLE", "REQ-PARTICIPANT")).upper()
        invites[identity] = Invite(
            identity=identity,
            display_name=str(params["CN"]) if params.get("CN") else None,
            response=RESPONSES.get(partstat, MeetingResponse.NEEDS_ACTION),
            role=AttendanceRole.OPTIONAL if role == "OPT-PARTICIPANT" else AttendanceRole.REQUIRED,
        )
    organizer = component.get("ORGANIZER")
    organizer_identity = _address(organizer) if organizer is not None else None
    if organizer_identity is not None and not _is_person(
        organizer_identity, getattr(organizer, "params", {})
    ):
        organizer_identity = None
    if organizer_identity is not None and organizer_identity not in invites:
        params = getattr(organizer, "params", {})
        invites[organizer_identity] = Invite(
            identity=organizer_identity,
            display_name=str(params["CN"]) if params.get("CN") else None,
            response=MeetingResponse.ACCEPTED,
            role=AttendanceRole.REQUIRED,
        )
    return organizer_identity, list(invites.values())


def _description(component: icalendar.cal.Component) -> str:
    text = _text(component, "DESCRIPTION") or _text(component, "X-ALT-DESC")
    return html.unescape(LINE_BREAK_TAG.sub("\n", text))


def _links(component: icalendar.cal.Component) -> list[str]:
    """Addresses of the event's own ATTACH and URL properties (not its alarms')."""
    return [str(v) for name in ("ATTACH", "URL") for v in _list(component.get(name))]


def has_agenda(description: str, links: list[str]) -> bool:
    """The agenda rule of the module docstring.

    >>> has_agenda("Join Zoom Meeting https://zoom.us/j/1\\nMeeting ID: 123 456", [])
    False
    >>> has_agenda("1. Review the Q3 roadmap\\n2. Hiring", [])
    True
    """
    if links or AGENDA_WORD.search(description):
        return True
    kept = [
        line
        for line in URL.sub(" ", TAG.sub(" ", description)).splitlines()
        if not BOILERPLATE_LINE.search(line) and not PHONE_NUMBER.search(line)
    ]
    return sum(ch.isalnum() for line in kept for ch in line) >= AGENDA_MIN_CHARS


def has_notes_link(description: str, links: list[str]) -> bool:
    """The notes/recording rule of the module docstring.

    >>> has_notes_link("Recording URL: https://example.webex.com/x", [])
    True
    >>> has_notes_link("Please arrive a few minutes early: https://example.com/dl", [])
    False
    """
    if any(NOTES_URL.search(link) for link in links if "://" in link):
        return True
    for line in description.splitlines():
        for match in URL.finditer(line):
            if NOTES_URL.search(match.group(0)):
                return True
            before = TAG.sub(" ", line[max(0, match.start() - NOTES_LABEL_REACH) : match.start()])
            if NOTES_LABEL.search(before):
                return True
    return False


def _flag(component: icalendar.cal.Component, name: str, values: tuple[str, ...]) -> bool | None:
    value = component.get(name)
    if value is None:
        return None
    return str(value).strip().upper() in values


def _template_row(template: Template, master: Template | None) -> dict[str, Any]:
    component = template.component
    base = master.component if master is not None and master is not template else None
    cancelled = bool(_flag(component, "STATUS", ("CANCELLED",))) or template.cancelled_by_method
    if base is not None:
        cancelled = cancelled or bool(_flag(base, "STATUS", ("CANCELLED",)))
        cancelled = cancelled or (master is not None and master.cancelled_by_method)
    private = _flag(component, "CLASS", ("PRIVATE", "CONFIDENTIAL"))
    if private is None and base is not None:
        private = _flag(base, "CLASS", ("PRIVATE", "CONFIDENTIAL"))
    series = master.component if master is not None else component
    recurring = template.recurrence_id is not None or any(
        series.get(name) is not None for name in ("RRULE", "RDATE")
    )
    description, links = _description(component), _links(component)
    agenda = has_agenda(description, links)
    organizer, invites = _invites(component)
    template.invites = invites
    return {
        "template_id": template.template_id,
        "uid": template.uid,
        "organizer": organizer,
        "cancelled": cancelled,
        "private": bool(private),
        "recurring": recurring,
        "booked_at": _stamp(component, "CREATED")
        or (_stamp(base, "CREATED") if base is not None else None),
        "agenda": agenda,
        # The component's own stamps only: a master's say nothing about one occurrence.
        "agenda_at": _written_at(component) if agenda else None,
        "notes": has_notes_link(description, links),
        "decision_meeting": _decision_meeting(component, base),
        "origin": template.origin,
    }


def _decision_meeting(
    component: icalendar.cal.Component, base: icalendar.cal.Component | None
) -> bool:
    """The event's title (an override without one: its master's) names a decision meeting."""
    summary = component.get("SUMMARY")
    if summary is None and base is not None:
        summary = base.get("SUMMARY")
    return summary is not None and DECISION_MEETING.search(str(summary)) is not None


def _stamp(component: icalendar.cal.Component, name: str) -> datetime | None:
    """Property `name` as a naive UTC instant; None when absent, broken or a bare date."""
    moment = _moment(component, name)
    return _utc(moment) if isinstance(moment, datetime) else None


def _written_at(component: icalendar.cal.Component) -> datetime | None:
    """The component's last change as it tells it (:data:`STAMPS`, the first one it has)."""
    return next((t for name in STAMPS if (t := _stamp(component, name)) is not None), None)


TEMPLATE_SCHEMA = pa.schema(
    [
        ("template_id", pa.int64()),
        ("uid", pa.string()),
        ("organizer", pa.string()),
        ("cancelled", pa.bool_()),
        ("private", pa.bool_()),
        ("recurring", pa.bool_()),
        ("booked_at", pa.timestamp("us")),
        ("agenda", pa.bool_()),
        ("agenda_at", pa.timestamp("us")),
        ("notes", pa.bool_()),
        ("decision_meeting", pa.bool_()),
        ("origin", pa.string()),
    ]
)
INVITE_SCHEMA = pa.schema(
    [
        ("template_id", pa.int64()),
        ("identity", pa.string()),
        ("display_name", pa.string()),
        ("response", pa.string()),
        ("role", pa.string()),
    ]
)
INSTANCE_SCHEMA = pa.schema(
    [
        ("template_id", pa.int64()),
        ("instant", pa.string()),
        ("start_at", pa.timestamp("us")),
        ("end_at", pa.timestamp("us")),
        ("all_day", pa.bool_()),
        ("own", pa.bool_()),  # the occurrence is its component's own (see ``agenda_at``)
    ]
)


def _stage(ctx: IngestContext, name: str, columns: dict[str, list[Any]], schema: pa.Schema) -> None:
    """Append a batch of rows (column lists) to the temp table `name`."""
    table = pa.Table.from_pydict(columns, schema=schema)
    ctx.con.register("_ical_arrow", table)
    ctx.con.execute(f"INSERT INTO {name} SELECT * FROM _ical_arrow")
    ctx.con.unregister("_ical_arrow")


def _create(ctx: IngestContext, name: str, schema: pa.Schema) -> None:
    empty = pa.Table.from_pylist([], schema=schema)
    ctx.con.register("_ical_arrow", empty)
    ctx.con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM _ical_arrow")
    ctx.con.unregister("_ical_arrow")


def export_horizon(templates: list[Template]) -> datetime:
    """The export's time: its latest stamp of :data:`STAMPS`; without any, its latest event's end.

    The end of an event is no export time where stamps exist: a calendar lists meetings months
    ahead. A zero-length last event counts up to just after its start, so that it is read.
    """
    stamps = [
        stamp
        for t in templates
        for name in STAMPS
        if (stamp := _stamp(t.component, name)) is not None
    ]
    if stamps:
        return max(stamps)
    return max(max(t.end, t.start + timedelta(microseconds=1)) for t in templates)


def expansion_bounds(
    window: tuple[datetime | None, datetime | None],
    earliest: datetime,
    horizon: datetime,
    now: datetime,
) -> tuple[datetime, datetime, datetime]:
    """The window to expand in: the one asked for, its missing ends as the module docstring says,
    never past the time of ingest `now`.

    Returns (low, high, the high of an endless rule).

    >>> bounds = expansion_bounds(
    ...     (None, None), datetime(2024, 3, 1), datetime(2024, 6, 1), datetime(2026, 1, 1)
    ... )
    >>> [f"{moment:%Y-%m-%d}" for moment in bounds]
    ['2024-03-01', '2026-01-01', '2024-06-01']
    >>> bounds = expansion_bounds(
    ...     (None, datetime(2030, 1, 1)), datetime(2024, 3, 1), datetime(2024, 6, 1), datetime(2026, 1, 1)
    ... )
    >>> [f"{moment:%Y-%m-%d}" for moment in bounds]
    ['2024-03-01', '2026-01-01', '2026-01-01']
    """
    since, until = window
    low = since if since is not None else earliest
    if until is not None:
        high = min(until, now)
        return low, high, high
    return low, now, min(horizon, now)


def _endless(master: Template | None) -> bool:
    """Whether the series' master has a rule with neither COUNT nor UNTIL."""
    if master is None:
        return False
    rules = _list(master.component.get("RRULE"))
    return any("COUNT" not in rule and "UNTIL" not in rule for rule in rules)


def _occurrences(series: Any, low: datetime, high: datetime) -> tuple[list[Any], bool]:
    """The series' occurrences starting in [low, high), at most MAX_INSTANCES (earliest first).

    The span grows eightfold while occurrences are sparse (a weekly series costs four queries a
    year) and stays at one day while they are dense, so an endless minutely rule stops within a
    week of its cap.
    """
    found: list[Any] = []
    span = timedelta(days=1)
    start = low
    while start < high:
        stop = min(start + span, high)
        chunk = [
            occurrence
            for occurrence in series.between(start.replace(tzinfo=UTC), stop.replace(tzinfo=UTC))
            if start <= _utc(occurrence.start) < stop
        ]
        found.extend(chunk)
        if len(found) > MAX_INSTANCES:
            found.sort(key=lambda o: _utc(o.start))
            return found[:MAX_INSTANCES], True
        if len(chunk) < MAX_INSTANCES // 8:
            span *= 8
        start = stop
    return found, False


def _expand_and_insert(
    ctx: IngestContext, path: Path, reader: _Reader, report: SourceReport
) -> None:
    templates = list(reader.templates())
    _create(ctx, "_ical_templates", TEMPLATE_SCHEMA)
    _create(ctx, "_ical_invites", INVITE_SCHEMA)
    _create(ctx, "_ical_instances", INSTANCE_SCHEMA)
    if not templates:
        report.detected = _detected(reader, 0, 0, None)
        return
    template_rows = [_template_row(t, reader.masters.get(t.uid)) for t in templates]
    _stage(
        ctx,
        "_ical_templates",
        {name: [row[name] for row in template_rows] for name in TEMPLATE_SCHEMA.names},
        TEMPLATE_SCHEMA,
    )
    invite_rows = [(t.template_id, invite) for t in templates for invite in t.invites]
    _stage(
        ctx,
        "_ical_invites",
        {
            "template_id": [tid for tid, _ in invite_rows],
            "identity": [i.identity for _, i in invite_rows],
            "display_name": [i.display_name for _, i in invite_rows],
            "response": [i.response for _, i in invite_rows],
            "role": [i.role for _, i in invite_rows],
        },
        INVITE_SCHEMA,
    )

    earliest = min(t.start for t in templates)
    horizon = export_horizon(templates)
    low, high, endless_high = expansion_bounds(ctx.window, earliest, horizon, ctx.now)
    words = _window_words(ctx.window, high, endless_high, ctx.now)
    # Not skipped records: they have not happened yet, and a later ingest reads them.
    later = sum(t.start >= ctx.now for t in templates) if high == ctx.now else 0

    # Here, not at the top: every ingest loads this source to detect exports, and only a
    # calendar with recurring events needs the expansion (a tenth of a second to import).
    import recurring_ical_events  # type: ignore[import-untyped]

    calendar = icalendar.Calendar()
    for template in templates:
        calendar.add_component(template.component)
    query = recurring_ical_events.of(calendar, skip_bad_series=True)
    expanded = {str(series.uid) for series in query.series}
    unexpanded = sorted({t.uid for t in templates} - expanded)
    # A series is named by the file and number of its master (else its first override).
    places: dict[str, str] = {}
    for template in templates:
        places.setdefault(template.uid, f"{template.place} (UID {template.uid})")
    examples = [f"{places[uid]}: its recurrence rules cannot be expanded" for uid in unexpanded]

    columns: dict[str, list[Any]] = {name: [] for name in INSTANCE_SCHEMA.names}
    instances = 0
    capped: list[str] = []
    total = len(query.series)
    for done, series in enumerate(query.series, start=1):
        uid = str(series.uid)
        try:
            stop = endless_high if _endless(reader.masters.get(uid)) else high
            occurrences, was_capped = _occurrences(series, low, stop)
            rows = [_instance(uid, o, reader) for o in occurrences]
        except (ValueError, TypeError, OverflowError, KeyError) as exc:
            examples.append(f"{places.get(uid, uid)}: {_first_line(exc)}")
            unexpanded.append(uid)
            continue
        if was_capped:
            capped.append(
                f"{places.get(uid, uid)}: more than {MAX_INSTANCES:,} instances in the window"
            )
        for row in rows:
            if row is None:
                continue
            for name, value in zip(INSTANCE_SCHEMA.names, row, strict=True):
                columns[name].append(value)
        instances += sum(row is not None for row in rows)
        if len(columns["template_id"]) >= BATCH_ROWS:
            _stage(ctx, "_ical_instances", columns, INSTANCE_SCHEMA)
            columns = {name: [] for name in INSTANCE_SCHEMA.names}
        ctx.progress("calendar series", done, total)
    if columns["template_id"]:
        _stage(ctx, "_ical_instances", columns, INSTANCE_SCHEMA)
    report.skip("series the recurrence rules cannot expand", len(unexpanded), examples)
    report.skip(
        f"series capped at {MAX_INSTANCES:,} instances in the window (the rest left out)",
        len(capped),
        capped,
    )
    report.detected = _detected(reader, len(query.series), instances, (low, high, words, later))
    invited = ctx.con.execute("SELECT count(*) FROM _ical_invites").fetchall()[0][0]
    report.sees = {Visibility.ATTENDEES: bool(invited)}
    _insert(ctx, path)


def _instance(uid: str, occurrence: Any, reader: _Reader) -> tuple[Any, ...] | None:
    """(template id, key instant, start, end, all day, own) of one occurrence."""
    start, end = occurrence.start, occurrence.end
    start_utc, end_utc = _utc(start), _utc(end)
    recurrence = occurrence.id.recurrence_id
    template: Template | None
    if recurrence is None:
        template = reader.masters.get(uid)
        instant = start_utc
        own = template is not None and not template.rule
    else:
        template = reader.overrides.get((uid, _utc(recurrence)))
        instant = _utc(recurrence)
        own = True
        if template is not None and template.this_and_future and start_utc != template.start:
            instant = start_utc  # a later instance reshaped by a THISANDFUTURE override
            own = False
    if template is None:
        return None
    all_day = not isinstance(start, datetime)
    return (
        template.template_id,
        instant.strftime("%Y-%m-%dT%H:%M:%SZ"),
        start_utc,
        max(end_utc, start_utc),
        all_day,
        own,
    )


def _window_words(
    window: tuple[datetime | None, datetime | None],
    high: datetime,
    endless_high: datetime,
    now: datetime,
) -> str:
    """The expansion window in words for the detected line: how it was asked and what ends it."""
    since, until = window
    words = ("default", "partly given", "given")[(since is not None) + (until is not None)]
    if until is not None and until > now:
        return f"{words} window, ending at the time of ingest: --until is later"
    if until is not None:
        return f"{words} window"
    words += " window, ending at the time of ingest"
    if endless_high < high:
        words += f"; endless rules end at the export's time, {endless_high:%Y-%m-%d %H:%M}"
    return words


def _detected(
    reader: _Reader,
    series: int,
    instances: int,
    window: tuple[datetime, datetime, str, int] | None,
) -> str:
    text = (
        f"iCalendar: {reader.files} file(s), {reader.calendars} calendar(s), "
        f"{reader.events} events in {series} series"
    )
    if reader.repeated:
        text += f" ({reader.repeated} repeated components counted once)"
    if window is not None:
        low, high, words, later = window
        text += (
            f"; {instances:,} instances from {low:%Y-%m-%d %H:%M} to {high:%Y-%m-%d %H:%M} UTC "
            f"({words})"
        )
        if later:
            text += (
                f"; {later:,} events start after the time of ingest (not held yet: a later "
                "ingest reads them)"
            )
    return text


def _insert(ctx: IngestContext, path: Path) -> None:
    secret = {"secret": ctx.secret}
    ctx.insert_new(
        "people",
        f"""SELECT {person_key_sql("identity")} AS person_key, NULL::VARCHAR AS tz,
                   false AS is_bot, NULL::VARCHAR AS team,
                   CASE WHEN $keep THEN max(display_name) END AS display_name
            FROM _ical_invites GROUP BY identity""",
        origin=str(path),
        params=secret,
    )
    ctx.insert_new(
        "identities",
        f"""SELECT DISTINCT {identity_hash_sql("identity")} AS identity_hash,
                   {person_key_sql("identity")} AS person_key,
                   CASE WHEN identity LIKE 'email:%' THEN 'email' ELSE 'ical' END AS kind
            FROM _ical_invites""",
        origin=str(path),
        params=secret,
    )
    ctx.insert_new(
        "meetings",
        f"""WITH invited AS (
                SELECT template_id, count(*) AS n FROM _ical_invites GROUP BY template_id
            )
            SELECT md5('ical|' || t.uid || '|' || i.instant) AS meeting_key,
                   md5('ical|' || t.uid) AS series_key,
                   CASE WHEN t.organizer IS NOT NULL
                        THEN {person_key_sql("t.organizer")} END AS organizer_key,
                   i.start_at, i.end_at, i.all_day, t.cancelled, t.private, t.recurring,
                   t.booked_at, coalesce(n.n, 0)::INTEGER AS attendee_count, t.agenda, t.notes,
                   t.decision_meeting, CASE WHEN i.own THEN t.agenda_at END AS agenda_at,
                   t.origin
            FROM _ical_instances i
            JOIN _ical_templates t USING (template_id)
            LEFT JOIN invited n USING (template_id)""",
        origin=None,
        params=secret,
    )
    ctx.insert_new(
        "attendance",
        f"""SELECT md5('ical|' || t.uid || '|' || i.instant) AS meeting_key,
                   {person_key_sql("v.identity")} AS person_key, v.response, v.role, t.origin
            FROM _ical_instances i
            JOIN _ical_templates t USING (template_id)
            JOIN _ical_invites v USING (template_id)""",
        origin=None,
        params=secret,
    )
    for name in ("_ical_instances", "_ical_invites", "_ical_templates"):
        ctx.con.execute(f"DROP TABLE IF EXISTS {name}")
