"""AWAIT analysis of a single draft request: is it a request, and does it carry the five elements?

The WMI AWAIT protocol (reference/maturity-models.md): **A**ssign ownership, **W**indow for
response, **A**ction required, **I**nformation complete, **T**hread discipline. `analyse` reads one
draft with fixed, documented rules (compiled regular expressions, no model, no per-character loops),
so the same text always gives the same answer. English only.

Rules
-----
URLs are removed before every rule except *Information complete*, so a `?` in a link is no question.

* **Request** (`is_request`): a `?`; or a polite/imperative ask: "can/could/would/will you",
  "would you mind", "need you to", "please" (not "please note/be aware/ignore"), "let me know",
  "lmk", "thoughts", "any objections/concerns", "waiting on you", "need your review/approval/input/
  sign-off"; or an action verb of the list below opening a clause ("Review the PR", "@bob approve
  this"). Anything else (FYIs, heads-ups, "shipped", "thanks!") is a statement.
* **Assign ownership**: a Slack user or group mention (`<@U123>`, `<!subteam^S1|@design>`), an
  `@name` or `@team` (an e-mail address is no mention), "owner:/assignee: X", "assigned to X", or a
  capitalised name opening a clause before an ask ("Dana, can you ..."). `@here`, `@channel`,
  `@everyone`, `@all` and `<!here>` name nobody in particular and do not count.
* **Window for response**: a deadline or a response window. Read forms: "EOD"/"COB"/"end of
  (the) day"/"close of business"/"today"; "EOW"/"end of (the) week"; "tomorrow"; "(by|before|on|
  until|due|no later than) [this|next] <weekday>"; "within/in [the next] N hours/days/business
  days/weeks" (N a number or one..twelve; "48h" too); ISO dates (`2026-03-05`, with an optional
  `THH:MM`); month-name dates ("5 March", "March 5th", "5th of March", optional year) and numeric
  dates ("25/3", "3/25/2026") after one of the prepositions above; a time of day after a
  preposition ("by 3pm", "before the 10:00 standup", "by noon"). "ASAP", "urgent" and "soon" set
  `urgent` but are **not** a window: they say hurry, not by when.
  Numeric dates: the day/month order is taken only when it is unambiguous (one part above 12, or
  both equal); "by 5/3" is a window, but its deadline stays unresolved (`None`) and a note says so.
  Use ISO dates or month names to be read exactly.
* **Deadline** (`deadline`): the first window in the text, resolved against `sent_at` read in
  `timezone` (a naive `sent_at` is local time there). A day without a time ends at the end of the
  working day (`end_of_day`, default 17:00); a time in the text ("Friday 3pm") replaces it.
  EOD/today: that day (the next day when `sent_at` is already past it); tomorrow: the next day;
  EOW: the Friday of that week (of the next week on a weekend); "by Friday": the next Friday on or
  after `sent_at` (today only if the end of the working day is still ahead); "next Friday": the
  Friday of the following calendar week; "within N days/hours/weeks": `sent_at` plus that duration
  (business days skip Saturdays and Sundays); a date without a year: the next such date on or after
  the day sent; a time alone: that time today, or tomorrow when already past. Without `sent_at`,
  only dates with a year resolve.
* **Action required**: an explicit verb of what to do (review, approve, decide, confirm, answer,
  fix, merge, sign off, send, update, comment, vote, choose, check, test, look at, ...) or an ask
  for "your approval/review/sign-off/decision/feedback/input". "Thoughts?" asks, but names no action.
* **Information complete**: a link (the ingest's URL pattern), an attachment marker ("attached",
  "[file ...]", 📎), a ticket reference (`#123`, `ABC-123`), a context marker ("context:",
  "background:", "details:", "tl;dr", "because", "so that"), or at least 15 words once links and
  mentions are removed.
* **Thread discipline**: for one draft, present unless it asks to move the conversation elsewhere
  ("DM me", "hop on a call", "quick call?", "can we jump on", "take this offline", "huddle",
  "call me"). Whether a team actually keeps replies in threads is an archive-level metric, measured
  by `asyncmaturity measure`, not here.

Each element's `evidence` is the matched span (for the window, the words: "by Friday"; the
resolved instant is `deadline`), the word count for long context, or, for an absent thread
discipline, the span that moves the talk elsewhere. `urgent` and `notes` (ambiguous date, ASAP
without a deadline) are advice, not elements.

Batches (`analyse_batch`) are all or nothing, like ingest: the first malformed line raises
`InvalidDraft` naming the file and the line, and nothing is returned.

`missing` lists the absent elements, `complete` is `is_request and not missing`, and `suggestion`
is a rewrite template for an incomplete request that keeps what is there and names what is not:
"@owner, could you <action> <what> by <deadline>? Context: <link>".
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from asyncmaturity.errors import AsyncMaturityError, UnknownTimeZone
from asyncmaturity.sources.features import URL_PATTERN

ELEMENTS: dict[str, str] = {
    "assign_ownership": "Assign ownership",
    "window_for_response": "Window for response",
    "action_required": "Action required",
    "information_complete": "Information complete",
    "thread_discipline": "Thread discipline",
}
MIN_CONTEXT_WORDS = 15
END_OF_DAY = time(17, 0)


class InvalidDraft(AsyncMaturityError):
    """A batch of drafts cannot be read: missing file, a line that is not a draft object."""


@dataclass(frozen=True)
class Element:
    """One AWAIT element: present or not, with the span or value that shows it."""

    name: str
    present: bool
    evidence: str | None = None


@dataclass(frozen=True)
class LintResult:
    """The AWAIT analysis of one draft."""

    is_request: bool
    elements: dict[str, Element]
    deadline: datetime | None = None
    urgent: bool = False
    notes: tuple[str, ...] = field(default=())

    @property
    def missing(self) -> list[str]:
        return [name for name, element in self.elements.items() if not element.present]

    @property
    def complete(self) -> bool:
        return self.is_request and not self.missing

    @property
    def suggestion(self) -> str | None:
        """A rewrite template for an incomplete request (None when complete or no request)."""
        if not self.is_request or self.complete:
            return None
        return suggest(self.elements)

    def to_json(self) -> dict[str, Any]:
        return {
            "is_request": self.is_request,
            "complete": self.complete,
            "elements": {
                name: {"present": e.present, "evidence": e.evidence}
                for name, e in self.elements.items()
            },
            "deadline": self.deadline.isoformat() if self.deadline else None,
            "urgent": self.urgent,
            "missing": self.missing,
            "suggestion": self.suggestion,
            "notes": list(self.notes),
        }


_I = re.IGNORECASE
URL_RE = re.compile(URL_PATTERN, _I)

ACTION_VERBS = (
    r"review|approve|decide|confirm|answer|fix|merge|sign[- ]?off|send|update|comment|vote|"
    r"choose|pick|check|test|verify|look (?:at|into|over)|take a look|have a look|read|share|"
    r"reply|respond|schedule|draft|write|deploy|investigate|provide|fill (?:in|out)|submit|"
    r"weigh in|ack|acknowledge|triage|estimate|prioriti[sz]e|assign|add|create|file|book|prepare|"
    r"rebase|release|publish|edit|proofread|sign|accept|reject|resolve|close|rerun|run|"
    r"double[- ]check|clarify|explain|summari[sz]e|forward|ping|own|handle|cover|rank|rate"
)
ACTION_RE = re.compile(
    rf"\b(?:{ACTION_VERBS})\b"
    r"|\byour (?:approval|review|sign[- ]?off|decision|feedback|input|vote|answer|ok|ack)\b"
    r"|\bfor (?:approval|review|sign[- ]?off|a decision)\b",
    _I,
)
# Run on the text with every mention replaced by a comma, so "@bob review" opens a clause.
IMPERATIVE_RE = re.compile(
    rf"(?:^|[.!?;:\n,])\s*(?:please\s+|pls\s+|kindly\s+)?(?:{ACTION_VERBS})\b",
    _I,
)
REQUEST_RE = re.compile(
    r"\?|\b(?:can|could|would|will) (?:you|u|someone|somebody|anyone)\b|\bwould you mind\b"
    r"|\bneed (?:you|someone|somebody) to\b|\bplease\b(?!\s+(?:note|be aware|ignore|disregard))"
    r"|\bpls\b|\bplz\b|\blet me know\b|\blmk\b|\bthoughts\b|\bany (?:objections|concerns)\b"
    r"|\bwaiting (?:on|for) (?:you|your)\b"
    r"|\bneed (?:your|an?) (?:approval|review|decision|sign[- ]?off|input|answer|feedback)\b",
    _I,
)

NOBODY = {"here", "channel", "everyone", "all"}
AT_RE = re.compile(
    r"<@[UW][A-Z0-9]+(?:\|[^>]{0,80})?>|<!subteam\^[A-Z0-9]+(?:\|[^>]{0,80})?>|(?<![\w.@])@([\w][\w.-]*)",
)
OWNER_RE = re.compile(
    r"\b(?:owner|assignee|dri|responsible)\s*:\s*(?!@?(?:here|channel|everyone|all)\b)\S+"
    r"|\bassigned to\s+(?!@?(?:here|channel|everyone|all|anyone|someone)\b)\S+",
    _I,
)
_NOT_NAMES = (
    "Hi|Hey|Hello|Folks|All|Team|Everyone|Anyone|Someone|Guys|So|Also|Ok|Okay|Thanks|Morning|"
    "Please|Yes|No|Well|Sorry|And|But|Quick|Question|Hiya|Friends|People|Y'all|Yall"
)
NAMED_ASK_RE = re.compile(
    rf"(?:^|[.!?\n]\s*)(?!(?:{_NOT_NAMES})\b)([A-Z][a-z]+(?: [A-Z][a-z]+)?),\s+"
    r"(?:(?:can|could|would|will) you|please|pls|would you mind|need you to)\b"
)

URGENT_RE = re.compile(r"\b(?:asap|urgent(?:ly)?|soon|right away|immediately)\b", _I)
MOVE_RE = re.compile(
    r"\bdm me\b|\b(?:ping|message|msg) me (?:privately|directly|in (?:a )?dm)\b"
    r"|\b(?:hop|jump|get) on (?:a )?(?:quick )?(?:call|zoom|meet|huddle|teams call|phone)\b"
    r"|\bquick (?:call|sync|chat|huddle|zoom)\b|\b(?:call|phone|ring) me\b"
    r"|\bcan we (?:hop|jump|get) on(?: a)?(?: quick)?(?: (?:call|zoom|meet|huddle))?\b|\btake (?:this|it) offline\b|\bhuddle\b"
    r"|\blet'?s (?:talk|chat|discuss) (?:live|offline|in person|1:1|f2f)\b",
    _I,
)
CONTEXT_RE = re.compile(
    r"\[(?:attachment|file|image|screenshot)[^\]]*\]|\battached\b|\battachment\b|📎"
    r"|(?<![\w&])#\d+\b|\b[A-Z][A-Z0-9]+-\d+\b"
    r"|\b(?:context|background|details|why)\s*:|\btl;?dr\b|\bbecause\b|\bso that\b",
    _I,
)
WORD_RE = re.compile("[^\\W\\d_][\\w'\u2019-]*")

_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_WEEKDAY = (
    r"(mon(?:day)?|tue(?:s|sday)?|wed(?:nesday)?|thu(?:r|rs|rsday)?|fri(?:day)?|"
    r"sat(?:urday)?|sun(?:day)?)"
)
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_MONTH = (
    r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t|tember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_PREP = r"(?:by|before|on|until|till|til|due(?: on| by)?|no later than|deadline:?|due date:?)"
_PREP_START_RE = re.compile(rf"{_PREP}\s|(?:within|in)\s", _I)
_NUMBERS = {
    w: n
    for n, w in enumerate(
        [
            "zero",
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
        ]
    )
}
_NUM = r"(\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"

WINDOW_RES: list[tuple[str, re.Pattern[str]]] = [
    (
        "iso",
        re.compile(
            rf"\b(?:{_PREP}\s+)?(\d{{4}})-(\d{{2}})-(\d{{2}})(?:[T ](\d{{2}}):(\d{{2}}))?\b", _I
        ),
    ),
    (
        "eod",
        re.compile(
            r"\b(?:eod|cob|end of (?:the )?(?:business |working )?day|close of business|today)\b",
            _I,
        ),
    ),
    ("eow", re.compile(r"\b(?:eow|end of (?:the |this )?week)\b", _I)),
    ("tomorrow", re.compile(r"\b(?:tomorrow|tmrw|tmr)\b", _I)),
    ("weekday", re.compile(rf"\b{_PREP}\s+(?:(this|next)\s+)?{_WEEKDAY}\b", _I)),
    (
        "within",
        re.compile(
            rf"\b(?:within|in)\s+(?:the\s+next\s+)?{_NUM}\s*"
            r"(h|hrs?|hours?|d|days?|business days?|working days?|weeks?|wks?)\b",
            _I,
        ),
    ),
    (
        "day_month",
        re.compile(
            rf"\b{_PREP}\s+(?:the\s+)?(\d{{1,2}})(?:st|nd|rd|th)?(?:\s+of)?\s+{_MONTH}(?:,?\s+(\d{{4}}))?\b",
            _I,
        ),
    ),
    (
        "month_day",
        re.compile(rf"\b{_PREP}\s+{_MONTH}\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(\d{{4}}))?", _I),
    ),
    ("numeric", re.compile(rf"\b{_PREP}\s+(\d{{1,2}})/(\d{{1,2}})(?:/(\d{{4}}|\d{{2}}))?\b", _I)),
    (
        "time",
        re.compile(
            r"\b(?:by|before|until|till|no later than)\s+(?:the\s+)?(?:(noon|midday)|(\d{1,2})(?::(\d{2}))?\s*(am|pm)|(\d{1,2}):(\d{2}))"
            r"(?:\s+(?:standup|stand-up|meeting|sync|demo|call|deadline))?",
            _I,
        ),
    ),
]
TIME_RE = re.compile(
    r"\b(?:(noon|midday)|(\d{1,2})(?::(\d{2}))?\s*(am|pm)|(\d{1,2}):(\d{2}))\b", _I
)


def time_zone(name: str) -> ZoneInfo:
    """The IANA zone `name`, or `UnknownTimeZone`."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise UnknownTimeZone(f"{name!r} is not an IANA time zone") from None


def _clock(m: re.Match[str], base: int) -> time | None:
    """A time of day from groups (noon, hour, minute, am/pm, hour24, minute24) at `base`."""
    noon, hour, minute, meridiem, hour24, minute24 = m.groups()[base : base + 6]
    if noon:
        return time(12, 0)
    if hour24 is not None:
        h, mi = int(hour24), int(minute24)
    else:
        h, mi = int(hour), int(minute or 0)
        if h < 1 or h > 12:
            return None
        h = h % 12 + (12 if meridiem.lower() == "pm" else 0)
    return time(h, mi) if h < 24 and mi < 60 else None


def _add_business_days(start: datetime, days: int) -> datetime:
    weeks, rest = divmod(days, 5)
    current = start + timedelta(weeks=weeks)
    while rest:
        current += timedelta(days=1)
        if current.weekday() < 5:
            rest -= 1
    return current


def _year_date(year: int | None, month: int, day: int, sent: datetime | None) -> date | None:
    try:
        if year is not None:
            return date(year, month, day)
        if sent is None:
            return None
        found = date(sent.year, month, day)
        return found if found >= sent.date() else date(sent.year + 1, month, day)
    except ValueError:
        return None


def _window(
    text: str, sent: datetime | None, end_of_day: time, zone: ZoneInfo
) -> tuple[str | None, datetime | None, list[str]]:
    """The first window in `text`: its span, the resolved deadline, notes."""
    found: list[tuple[int, str, re.Match[str]]] = []
    for kind, pattern in WINDOW_RES:
        m = pattern.search(text)
        if m:
            found.append((m.start(), kind, m))
    if not found:
        return None, None, []
    _, kind, m = min(found, key=lambda item: item[0])
    evidence = m.group(0).strip()
    notes: list[str] = []
    day: date | None = None
    deadline: datetime | None = None
    clock: time | None = None
    if kind == "within":
        raw, unit = m.group(1).lower(), m.group(2).lower()
        n = 1 if raw in ("a", "an") else _NUMBERS.get(raw)
        count = int(raw) if n is None else n
        if sent is not None:
            if unit.startswith(("business", "working")):
                deadline = _add_business_days(sent, count)
            elif unit.startswith("h"):
                deadline = sent + timedelta(hours=count)
            elif unit.startswith("w"):
                deadline = sent + timedelta(weeks=count)
            else:
                deadline = sent + timedelta(days=count)
        return evidence, deadline, notes
    if kind == "time":
        clock = _clock(m, 0)
        if sent is not None and clock is not None:
            candidate = datetime.combine(sent.date(), clock, tzinfo=zone)
            deadline = candidate if candidate > sent else candidate + timedelta(days=1)
        return evidence, deadline, notes
    if kind == "iso":
        try:
            day = date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            notes.append(f"{evidence!r} is not a calendar date")
        if m.group(4) is not None and int(m.group(4)) < 24 and int(m.group(5)) < 60:
            clock = time(int(m.group(4)), int(m.group(5)))
    elif kind in ("day_month", "month_day"):
        d, mon, y = (1, 2, 3) if kind == "day_month" else (2, 1, 3)
        month = _MONTHS.index(m.group(mon)[:3].lower()) + 1
        year = int(m.group(y)) if m.group(y) else None
        day = _year_date(year, month, int(m.group(d)), sent)
    elif kind == "numeric":
        a, b = int(m.group(1)), int(m.group(2))
        year = int(m.group(3)) if m.group(3) else None
        if year is not None and year < 100:
            year += 2000
        if a > 12 >= b or a == b:
            day = _year_date(year, b, a, sent)
        elif b > 12 >= a:
            day = _year_date(year, a, b, sent)
        else:
            notes.append(
                f"{evidence!r}: day/month order is ambiguous; write an ISO date or a month name"
            )
    elif sent is not None:
        today = sent.date()
        past_eod = sent >= datetime.combine(today, end_of_day, tzinfo=zone)
        if kind == "eod":
            day = today + timedelta(days=1) if past_eod else today
        elif kind == "tomorrow":
            day = today + timedelta(days=1)
        elif kind == "eow":
            ahead = (4 - today.weekday()) % 7
            day = today + timedelta(days=ahead)
        elif kind == "weekday":
            target = _WEEKDAYS.index(m.group(2)[:3].lower())
            if (m.group(1) or "").lower() == "next":
                day = today + timedelta(days=7 - today.weekday() + target)
            else:
                ahead = (target - today.weekday()) % 7
                if ahead == 0 and past_eod:
                    ahead = 7
                day = today + timedelta(days=ahead)
    if day is None:
        return evidence, None, notes
    if clock is None:
        refine = TIME_RE.search(text)
        clock = _clock(refine, 0) if refine else None
    return evidence, datetime.combine(day, clock or end_of_day, tzinfo=zone), notes


def _ownership(text: str) -> str | None:
    for m in AT_RE.finditer(text):
        if m.group(1) is None or m.group(1).lower().rstrip(".") not in NOBODY:
            return m.group(0).rstrip(".,:")
    owner = OWNER_RE.search(text) or NAMED_ASK_RE.search(text)
    if owner is None:
        return None
    if owner.re is NAMED_ASK_RE:
        return owner.group(1)
    return owner.group(0).rstrip(".,;")


def _information(text: str, plain: str) -> str | None:
    url = URL_RE.search(text)
    if url:
        return url.group(0)
    marker = CONTEXT_RE.search(plain)
    if marker:
        return marker.group(0)
    words = len(WORD_RE.findall(AT_RE.sub(" ", plain)))
    return f"{words} words" if words >= MIN_CONTEXT_WORDS else None


def analyse(
    text: str,
    *,
    sent_at: datetime | None = None,
    timezone: str = "UTC",
    end_of_day: time = END_OF_DAY,
) -> LintResult:
    """Analyse one draft against AWAIT (rules in the module docstring)."""
    zone = time_zone(timezone)
    sent = None
    if sent_at is not None:
        sent = sent_at.replace(tzinfo=zone) if sent_at.tzinfo is None else sent_at.astimezone(zone)
    plain = URL_RE.sub(" ", text)
    is_request = bool(REQUEST_RE.search(plain) or IMPERATIVE_RE.search(AT_RE.sub(",", plain)))
    owner = _ownership(plain)
    window, deadline, notes = _window(plain, sent, end_of_day, zone)
    action = ACTION_RE.search(plain)
    info = _information(text, plain)
    move = MOVE_RE.search(plain)
    elements = {
        "assign_ownership": Element("assign_ownership", owner is not None, owner),
        "window_for_response": Element(
            "window_for_response",
            window is not None,
            window,
        ),
        "action_required": Element(
            "action_required", action is not None, action.group(0) if action else None
        ),
        "information_complete": Element("information_complete", info is not None, info),
        "thread_discipline": Element(
            "thread_discipline", move is None, move.group(0) if move else None
        ),
    }
    urgent = URGENT_RE.search(plain)
    if urgent and window is None:
        notes.append(f"{urgent.group(0)!r} says hurry, not by when: name a deadline")
    return LintResult(
        is_request=is_request,
        elements=elements,
        deadline=deadline,
        urgent=urgent is not None,
        notes=tuple(notes),
    )


def suggest(elements: dict[str, Element]) -> str:
    """A rewrite template: what is there stays, what is missing is a <placeholder>."""

    def part(name: str, placeholder: str) -> str:
        element = elements[name]
        return (element.evidence or placeholder) if element.present else placeholder

    owner = part("assign_ownership", "@owner")
    action = part("action_required", "<action>").lower()
    deadline = part("window_for_response", "<deadline>")
    if not _PREP_START_RE.match(deadline):
        deadline = f"by {deadline}"
    info = elements["information_complete"]
    context = "<link>"
    if info.present and info.evidence:
        context = info.evidence if info.evidence.startswith("http") else "<as given>"
    template = f"{owner}, could you {action} <what> {deadline}? Context: {context}"
    if not elements["thread_discipline"].present:
        template += " (Reply in this thread.)"
    return template


def analyse_batch(path: Path, *, timezone: str = "UTC") -> list[LintResult]:
    """Analyse a JSON Lines file of `{"text": ..., "sent_at": ISO or null, "timezone": ...}`.

    All or nothing: the first malformed line raises `InvalidDraft` naming the file and the line,
    and no result is returned. Blank lines are skipped.
    """
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidDraft(f"{path}: cannot read ({exc.__class__.__name__})") from None
    results: list[LintResult] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{path} line {number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InvalidDraft(f"{where}: not JSON ({exc.msg})") from None
        if not isinstance(record, dict) or not isinstance(record.get("text"), str):
            raise InvalidDraft(f'{where}: expected an object with a "text" string')
        raw = record.get("sent_at")
        sent: datetime | None = None
        if raw is not None:
            try:
                sent = datetime.fromisoformat(raw) if isinstance(raw, str) else None
            except ValueError:
                sent = None
            if sent is None:
                raise InvalidDraft(f"{where}: sent_at {raw!r} is not an ISO date-time")
        name = record.get("timezone", timezone)
        if not isinstance(name, str):
            raise InvalidDraft(f"{where}: timezone must be a string")
        try:
            results.append(analyse(record["text"], sent_at=sent, timezone=name))
        except UnknownTimeZone as exc:
            raise InvalidDraft(f"{where}: {exc}") from None
    return results
