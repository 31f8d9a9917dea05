"""Decision records as Markdown files: read MADR and Nygard-style ADRs, write MADR.

Two layouts are read:

- **MADR** (markdown architectural decision records): YAML front matter between ``---`` lines
  with ``status``, ``date``, ``deciders`` (MADR 4: ``decision-makers``), ``consulted``,
  ``informed``, and here also ``tags``, ``supersedes``, ``superseded-by``, ``work-item`` and
  ``thread``; a ``# Title``; sections ``## Context and Problem Statement``, ``## Decision
  Outcome`` and ``### Consequences`` inside it (MADR 3) or ``## Consequences`` (MADR 2), and
  ``## More Information``.
- **Nygard** (adr-tools): ``# 1. Title``, a ``Date: 2026-02-10`` line, ``## Status`` (its first
  word; "Superseded by [3. ...](0003-...)" and "Supersedes [1. ...]" lines link records),
  ``## Context``, ``## Decision``, ``## Consequences``.

Lists (deciders and the like) are YAML lists or comma-separated text. A record's number comes
from its title ("# 12. Use Postgres") or its file name ("0012-use-postgres.md"). Other sections
(Decision Drivers, Considered Options, Pros and Cons...) are kept in the decision text under
their own ``###`` heading. Dates are read by :func:`decision_date` (ISO 8601, '10 February
2026' and the like). A file that cannot be read is one :class:`InvalidDecisionRecord` line naming
it. :func:`render_madr` writes the MADR layout that :func:`parse_decision_record` reads back to
the same record.

Example::

    records = read_decision_records(Path("docs/adr"))
    (Path("out") / file_name(records[0])).write_text(render_madr(records[0]))
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any, Literal

import yaml

from asyncmaturity.errors import AsyncMaturityError

DecisionStatus = Literal["proposed", "accepted", "rejected", "deprecated", "superseded"]
DECISION_STATUSES: tuple[DecisionStatus, ...] = (
    "proposed",
    "accepted",
    "rejected",
    "deprecated",
    "superseded",
)
# Words records use for each status (first word of Nygard's Status section, MADR's status field).
_STATUS_WORDS: dict[str, DecisionStatus] = {
    "proposed": "proposed",
    "draft": "proposed",
    "open": "proposed",
    "pending": "proposed",
    "accepted": "accepted",
    "approved": "accepted",
    "decided": "accepted",
    "adopted": "accepted",
    "rejected": "rejected",
    "declined": "rejected",
    "deprecated": "deprecated",
    "superseded": "superseded",
}
DECIDED_STATUSES = frozenset({"accepted", "rejected", "deprecated", "superseded"})
SUFFIXES = (".md", ".markdown")
# Files of a decision folder that are not records (adr-tools and MADR ship these beside them).
NOT_RECORDS = re.compile(r"^(readme|index|template)\b|template", re.IGNORECASE)
MAX_FILE_BYTES = 1 << 20

_FRONT_MATTER = re.compile(r"\A\ufeff?---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.DOTALL)
_HEADING = re.compile(r"^(#{1,6})[ \t]+(.+?)(?:[ \t]+#+)?[ \t]*$")
# "1. Title" (adr-tools), "ADR-7: Title", "ADR 7 Title"; a title that starts with a year does not.
_NUMBERED_TITLE = re.compile(r"^(?:ADR[-_ ]?(\d+)[.:)]?|(\d+)[.:)])\s+(.+)$", re.IGNORECASE)
_FILE_NUMBER = re.compile(r"^(?:adr[-_ ]?)?(\d+)(?:[-_ ]|$)", re.IGNORECASE)
# A "Date: 2026-02-10" line (adr-tools), also in bold or as a list item.
DATE_LINE = re.compile(r"^\W{0,4}date\W{0,4}:\s*(.+)$", re.IGNORECASE | re.MULTILINE)
_REFERENCE = re.compile(
    r"(?:\[\s*(?:ADR[-_ ]?)?(\d+)\b|(?:ADR[-_ ]?|#)(\d+)\b|\((?:[^)]*/)?(\d+)-)"
)
_SUPERSEDED_BY = re.compile(r"superseded\s+by\b(.*)", re.IGNORECASE)
_SUPERSEDES = re.compile(r"^\W*supersedes\b(.*)", re.IGNORECASE | re.MULTILINE)
_DATE_FORMATS = ("%d %B %Y", "%d %b %Y", "%B %d, %Y", "%b %d, %Y", "%Y/%m/%d", "%d.%m.%Y")
_ISO_INSTANT = re.compile(
    r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
)
_CONTEXT = ("context and problem statement", "context", "problem statement")
_DECISION = ("decision outcome", "decision")
_CONSEQUENCES = ("consequences",)
_MORE_INFORMATION = ("more information",)
_STATUS = ("status",)
_SLUG = re.compile(r"[^a-z0-9]+")
_PREAMBLE = "\0preamble"  # no heading can name it


class InvalidDecisionRecord(AsyncMaturityError):
    """A decision-record file cannot be read: not text, bad front matter, no title, unknown status."""


@dataclass
class DecisionRecord:
    """One decision, as a decision log keeps it and MADR writes it.

    `date` is when it was decided (or proposed, while proposed): an aware UTC instant.
    """

    title: str
    status: DecisionStatus = "proposed"
    number: int | None = None
    date: datetime | None = None
    context: str = ""
    decision: str = ""
    consequences: str = ""
    deciders: list[str] = field(default_factory=list)
    consulted: list[str] = field(default_factory=list)
    informed: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    supersedes: int | None = None
    superseded_by: int | None = None
    work_item_url: str | None = None
    thread_url: str | None = None
    more_information: str = ""  # links and notes, MADR's last section
    source: str = ""  # the file it came from, for messages

    def decision_with_more_information(self) -> str:
        """The decision text ending in the More Information as a ``###`` section, for a log that
        keeps no More Information of its own (as the parser keeps any other section)."""
        if not self.more_information:
            return self.decision
        return _with_sections(self.decision, [("More Information", self.more_information)])


# -- reading --------------------------------------------------------------------------------


def decision_files(folder: Path) -> list[Path]:
    """The decision-record files under `folder`: ``*.md`` (and ``*.markdown``), recursively, in
    path order, leaving out hidden files and folders and README, index and template files."""
    return sorted(
        p
        for p in folder.rglob("*")
        if p.is_file()
        and p.suffix.lower() in SUFFIXES
        and not NOT_RECORDS.search(p.stem)
        and not any(part.startswith(".") for part in p.relative_to(folder).parts)
    )


def read_decision_records(*paths: Path) -> list[DecisionRecord]:
    """The records of the given Markdown files and folders (see :func:`decision_files`), in path
    order. A bad file raises :class:`InvalidDecisionRecord` naming it."""
    files: list[Path] = []
    for path in paths:
        files += decision_files(path) if path.is_dir() else [path]
    return [read_decision_record(file) for file in files]


def read_decision_record(path: Path, *, name: str | None = None) -> DecisionRecord:
    """The record in one Markdown file (see the module docstring for the layouts); `name` is how
    errors name it (the path by default)."""
    shown = name or str(path)
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise InvalidDecisionRecord(
                f"{shown}: larger than {MAX_FILE_BYTES >> 20} MiB; not a decision record"
            )
        data = path.read_bytes()
    except FileNotFoundError:
        raise InvalidDecisionRecord(f"{shown}: no such file") from None
    except OSError as exc:
        raise InvalidDecisionRecord(f"{shown}: cannot read: {exc.strerror or exc}") from None
    return parse_decision_bytes(data, name=shown)


def parse_decision_bytes(data: bytes, *, name: str) -> DecisionRecord:
    """:func:`parse_decision_record` of a file's bytes, which must be UTF-8 text."""
    if len(data) > MAX_FILE_BYTES:
        raise InvalidDecisionRecord(
            f"{name}: larger than {MAX_FILE_BYTES >> 20} MiB; not a decision record"
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidDecisionRecord(f"{name}: not UTF-8 text") from None
    return parse_decision_record(text, name=name)


def parse_decision_record(text: str, *, name: str = "decision record") -> DecisionRecord:
    """Parse one record's Markdown; `name` (a file name or path) names it in errors and may
    carry its number ("0003-use-x.md")."""
    meta, body = _front_matter(text, name)
    title, sections = _sections(body)
    if not title:
        raise InvalidDecisionRecord(f"{name}: no '# Title' heading; is this a decision record?")
    number = None
    numbered = _NUMBERED_TITLE.match(title)
    if numbered:
        number, title = int(numbered[1] or numbered[2]), numbered[3].strip()
    else:
        from_file = _FILE_NUMBER.match(Path(name).name)
        number = int(from_file[1]) if from_file else None
    record = DecisionRecord(title=title, number=number, source=name)
    preamble = sections.pop(_PREAMBLE, "")
    status_text = sections.pop("status", "")
    status_value = meta.get("status")
    if status_value is None and status_text:
        status_value = status_text.split()[0] if status_text.split() else None
    if status_value is not None:
        record.status = _status(status_value, name)
    record.date = _date(meta.get("date"), name)
    if record.date is None:
        line = DATE_LINE.search(preamble)
        record.date = _date(line[1], name) if line else None
    record.context = sections.pop("context", "")
    record.decision = sections.pop("decision", "")
    record.consequences = sections.pop("consequences", "")
    record.more_information = sections.pop("more information", "")
    record.decision = _with_sections(record.decision, sections.items())
    record.deciders = _names(meta.get("deciders", meta.get("decision-makers")), "deciders", name)
    record.consulted = _names(meta.get("consulted"), "consulted", name)
    record.informed = _names(meta.get("informed"), "informed", name)
    record.tags = _names(meta.get("tags"), "tags", name)
    record.supersedes = _reference(meta.get("supersedes"), "supersedes", name)
    record.superseded_by = _reference(meta.get("superseded-by"), "superseded-by", name)
    if record.superseded_by is None and (found := _SUPERSEDED_BY.search(status_text)):
        record.superseded_by = _first_number(found[1])
    if record.supersedes is None and (found := _SUPERSEDES.search(status_text)):
        record.supersedes = _first_number(found[1])
    record.work_item_url = _url(meta.get("work-item"), "work-item", name)
    record.thread_url = _url(meta.get("thread"), "thread", name)
    return record


def _front_matter(text: str, name: str) -> tuple[dict[str, Any], str]:
    match = _FRONT_MATTER.match(text)
    if match is None:
        return {}, text.lstrip("\ufeff")
    try:
        meta = yaml.safe_load(match[1])
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 2})" if mark is not None else ""
        raise InvalidDecisionRecord(f"{name}: the front matter is not valid YAML{where}") from None
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise InvalidDecisionRecord(f"{name}: the front matter is not a mapping of fields")
    return {str(k).strip().lower().replace("_", "-"): v for k, v in meta.items()}, text[
        match.end() :
    ]


def _section_of(heading: str) -> str | None:
    lowered = heading.strip().strip("*_").strip().lower()
    for key, names in (
        ("context", _CONTEXT),
        ("consequences", _CONSEQUENCES),
        ("decision", _DECISION),
        ("status", _STATUS),
        ("more information", _MORE_INFORMATION),
    ):
        if lowered in names:
            return key
    return None


def _sections(body: str) -> tuple[str, dict[str, str]]:
    """The first H1 and the text under each section, keyed by its kind (context, decision,
    consequences, status) or else its own heading; :data:`_PREAMBLE` holds the text before the
    first section. A ``###`` heading inside Decision Outcome stays part of it, Consequences aside."""
    title = ""
    parts: dict[str, list[str]] = {_PREAMBLE: []}
    current = _PREAMBLE
    in_code = False
    for line in body.splitlines():
        if line.lstrip().startswith(("```", "~~~")):
            in_code = not in_code
        heading = None if in_code else _HEADING.match(line)
        if heading is not None:
            level, text = len(heading[1]), heading[2].strip()
            if level == 1 and not title:
                title = text
                continue
            kind = _section_of(text)
            nested_in_decision = current == "decision" and level >= 3 and kind != "consequences"
            if level >= 2 and not nested_in_decision:
                current = kind or text
                parts.setdefault(current, [])
                continue
        parts.setdefault(current, []).append(line)
    return title, {key: "\n".join(lines).strip() for key, lines in parts.items()}


def _status(value: Any, name: str) -> DecisionStatus:
    word = str(value).strip().strip("*_`").split()[0].lower() if str(value).strip() else ""
    word = word.rstrip(".:,;")
    if word not in _STATUS_WORDS:
        raise InvalidDecisionRecord(
            f"{name}: unknown status {str(value).strip()[:40]!r}; use one of "
            + ", ".join(DECISION_STATUSES)
        )
    return _STATUS_WORDS[word]


def decision_date(value: Any) -> datetime | None:
    """A record's date as an aware UTC instant; None when empty, ValueError when not a date.

    Read: a YAML date or timestamp; ISO 8601 text (an offset is applied, none is UTC, a bare date
    is midnight), else the first ISO 8601 date within the text ("2026-02-10 (amended)"); or
    one of '10 February 2026', '10 Feb 2026', 'February 10, 2026', 'Feb 10, 2026',
    '2026/02/10', '10.02.2026'.
    """
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    if isinstance(value, date):
        return datetime.combine(value, time(), tzinfo=UTC)
    text = str(value).strip().strip("\"'*_[]").strip()
    candidates = [text]
    if within := _ISO_INSTANT.search(text):
        candidates.append(within[0])
    for candidate in candidates:
        try:
            return decision_date(datetime.fromisoformat(re.sub(r"[Zz]$", "+00:00", candidate)))
        except ValueError:
            continue
    for pattern in _DATE_FORMATS:
        try:
            return datetime.strptime(text, pattern).replace(tzinfo=UTC)
        except ValueError:
            continue
    raise ValueError(f"date {text[:40]!r} is not a date (use YYYY-MM-DD)")


def _date(value: Any, name: str) -> datetime | None:
    try:
        return decision_date(value)
    except ValueError as exc:
        raise InvalidDecisionRecord(f"{name}: {exc}") from None


def _with_sections(text: str, sections: Iterable[tuple[str, str]]) -> str:
    """`text` followed by each (heading, content) as a ``###`` section."""
    parts = [f"### {heading}\n\n{content}".strip() for heading, content in sections]
    return "\n\n".join(part for part in (text, *parts) if part)


def _names(value: Any, what: str, name: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        items: Iterable[Any] = value.split(",")
    elif isinstance(value, list):
        items = value
    else:
        raise InvalidDecisionRecord(f"{name}: {what} is neither a list nor text")
    names = [" ".join(str(item).split()) for item in items if item is not None]
    return [n for n in names if n]


def _first_number(text: str) -> int | None:
    match = _REFERENCE.search(text)
    if match is None:
        return None
    return int(next(group for group in match.groups() if group is not None))


def _reference(value: Any, what: str, name: str) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise InvalidDecisionRecord(f"{name}: {what} names no decision record")
    if isinstance(value, int):
        return value
    text = str(value).strip()
    plain = _FILE_NUMBER.match(Path(text).name)
    found = int(plain[1]) if plain else _first_number(text)
    if found is None:
        raise InvalidDecisionRecord(f"{name}: {what} {text[:40]!r} names no numbered record")
    return found


def _url(value: Any, what: str, name: str) -> str | None:
    if value is None or value == "":
        return None
    text = str(value).strip()
    if not re.match(r"^https?://\S+$", text):
        raise InvalidDecisionRecord(f"{name}: {what} {text[:60]!r} is not an http(s) URL")
    return text


# -- writing --------------------------------------------------------------------------------


def file_name(record: DecisionRecord) -> str:
    """The record's file name in a decision folder: ``0003-use-postgres.md``."""
    slug = _SLUG.sub("-", record.title.lower()).strip("-")[:60].strip("-") or "decision"
    return f"{record.number:04d}-{slug}.md" if record.number is not None else f"{slug}.md"


def render_madr(record: DecisionRecord) -> str:
    """The record as MADR Markdown: front matter, title, the three sections and, when it has
    one, More Information."""
    meta: dict[str, Any] = {"status": record.status}
    if record.date is not None:
        moment = record.date.astimezone(UTC)
        # A day is written bare, as MADR's template has it (YAML reads it back as a date).
        meta["date"] = (
            moment.date() if moment.time() == time() else moment.isoformat().replace("+00:00", "Z")
        )
    for key, values in (
        ("deciders", record.deciders),
        ("consulted", record.consulted),
        ("informed", record.informed),
        ("tags", record.tags),
    ):
        if values:
            meta[key] = list(values)
    for key, value in (
        ("supersedes", record.supersedes),
        ("superseded-by", record.superseded_by),
        ("work-item", record.work_item_url),
        ("thread", record.thread_url),
    ):
        if value is not None:
            meta[key] = value
    front = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=1000).strip()
    title = f"{record.number}. {record.title}" if record.number is not None else record.title
    lines = ["---", front, "---", "", f"# {title}", ""]
    for heading, text in (
        ("## Context and Problem Statement", record.context),
        ("## Decision Outcome", record.decision),
        ("### Consequences", record.consequences),
    ):
        lines += [heading, "", text.strip(), ""] if text.strip() else [heading, ""]
    if record.more_information.strip():
        lines += ["## More Information", "", record.more_information.strip(), ""]
    return "\n".join(lines).rstrip("\n") + "\n"
