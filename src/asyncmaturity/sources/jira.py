"""Jira issues with comments and changelog (search API JSON), or Jira's CSV export.

JSON: the response of ``/rest/api/2|3/search?expand=changelog`` (``{"issues": [...]}``), as one
file, a folder or .zip of pages, an array of pages or of issues, or JSON Lines. Per issue (``key``
and ``fields``): ``fields.created``, ``fields.resolutiondate`` (the close; where it is null and
``fields.status.statusCategory`` is 'done', as in workflows that never set a resolution, the close
is the move into the done category: ``fields.statuscategorychangedate``, else the changelog's last
change into the current status, else ``fields.updated``; the summary counts such issues),
``fields.reporter``
(else ``creator``) as the author, ``fields.assignee`` (0 or 1 assignees; absent from ``fields``:
the issue does not say), ``fields.labels``, ``fields.issuelinks`` and ``fields.parent`` (links),
``fields.comment.comments[]`` ('comment' events: ``author``, ``created``, ``id``) and
``changelog.histories[]``: an item on field ``status`` is a 'state' event, on ``assignee`` an
'assignment' event, at the history's ``created`` by its ``author``. Descriptions in Atlassian
Document Format (API 3) are read for their headings only.

CSV (Issues > Export > CSV): a header row, then one row per issue. Columns read by name (any
case): ``Issue key``, ``Created``, ``Resolved``, ``Assignee Id`` (else ``Assignee``),
``Reporter Id`` (else ``Reporter``, else ``Creator``), every ``Labels`` column (Jira repeats it,
one label each), every ``Comment`` column ('date;author;text', the author an account id or user
name), ``Issue Type``, ``Summary``, ``Description``, ``Project key`` and the ``Outward issue link
(...)`` / ``Inward issue link (...)`` columns. Dates: ISO 8601 (an offset is applied), or Jira's
display formats ``21/Nov/26 9:30 AM``, ``21/Nov/2026 9:30 AM``, ``21/Nov/26 09:30``,
``2026-11-21 09:30``, with English month names. An issue without ``Resolved`` whose ``Status
Category`` is 'Done' is closed at ``Status Category Changed``, else at ``Updated``. Jira writes CSV dates in the exporting user's
time zone without saying which: they are read as UTC. The CSV has no changelog: no state or
assignment events. Quoting is read strictly: a record whose quotes are unbalanced (text after
a closing quote, a file ending inside quotes, or a quoted cell whose middle lines are whole
issue rows of their own: key and Created in their columns) is skipped with every issue row it
ran over, each counted under 'CSV row with an unbalanced quote' with its row and physical line
(``--strict`` makes it fatal), and reading resumes after it. An empty file, one whose header
row cannot be read, or one that is not UTF-8 text is refused, naming the file and the line.

People: ``accountId`` (Jira Cloud), else ``name`` / ``key`` (Server and Data Center), as
'jira:<id>'; where any record gives the account's ``emailAddress`` the person is the e-mail
identity, which links them to their mail and chat. ``timeZone`` is kept when it is an IANA name.
Bots: ``accountType`` "app" (Automation for Jira, integrations) or a name ending in "[bot]" or
"-bot".

Keys: md5('jira|PROJ|PROJ-12'). Every issue has kind 'issue', except decision records: issue type
"Decision", a decision label ('decision', 'adr', 'rfc'...), a summary starting 'ADR' or
'Decision:', or a description with Context / Decision / Consequences headings.

Left out: worklogs, sprints, custom fields, attachments, watchers, votes and all texts.
"""

from __future__ import annotations

import codecs
import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from asyncmaturity.errors import InvalidExport
from asyncmaturity.sources.interface import SourceFamily, SourceReport
from asyncmaturity.sources.trackers import (
    JSON_SUFFIXES,
    BadDate,
    InputFile,
    JsonRecord,
    Stage,
    input_files,
    is_decision,
    is_slack_folder,
    json_records,
    parse_instant,
    peek,
    text_of,
)
from asyncmaturity.vocabulary import WorkEventKind, WorkItemKind

if TYPE_CHECKING:
    from asyncmaturity.sources.interface import IngestContext

LIST_KEYS = frozenset({"issues"})
ISSUE_KEY = re.compile(r"^([A-Za-z][A-Za-z0-9_]*)-(\d+)$")
BOT_NAME = re.compile(r"(?:-bot|\[bot\])$", re.IGNORECASE)
CSV_FORMATS = (
    "%d/%b/%y %I:%M %p",
    "%d/%b/%Y %I:%M %p",
    "%d/%b/%y %H:%M",
    "%d/%b/%Y %H:%M",
    "%d/%b/%y %I:%M:%S %p",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d %H:%M",
)
FIELDS_OBJECT = re.compile(r'"fields"\s*:\s*\{')
ISSUE_KEY_FIELD = re.compile(r'"key"\s*:\s*"[A-Za-z][A-Za-z0-9_]*-\d+"')
REST_URL = re.compile(r"/rest/api/(?:\d|latest)/(?:issue|search)")
UNBALANCED_QUOTE = "CSV row with an unbalanced quote"
CSV_HEADER = re.compile(r"(^|,)\"?Issue key\"?(,|$)", re.IGNORECASE | re.MULTILINE)


def looks_like_jira(name: str, head: str) -> bool:
    """True for Jira search JSON, or a CSV whose header names 'Issue key' and 'Created'."""
    if name.lower().endswith(".csv"):
        first = head.lstrip("\ufeff").split("\n", 1)[0]
        return bool(CSV_HEADER.search(first)) and "created" in first.lower()
    return bool(
        REST_URL.search(head) or (FIELDS_OBJECT.search(head) and ISSUE_KEY_FIELD.search(head))
    )


class JiraSource:
    """Jira issues: search API JSON with changelog, or the CSV export."""

    name = "jira"
    family = SourceFamily.TRACKER
    summary = (
        "Jira issues with comments and changelog (search API JSON), or Jira's CSV export; an "
        "issue in a done status category without a resolution date is closed at its move into "
        "that category (statuscategorychangedate, else the changelog, else its last update)"
    )
    parser_version = "jira/3"
    accepts = (
        "search API JSON (?expand=changelog) or the CSV export, as a file or a folder or .zip "
        "of them; CSV quoting is read strictly: a row with an unbalanced quote is skipped with "
        "every row it ran over, each counted with its line"
    )

    real_samples = (
        "kpiwko/jira-miner@ef3489a204666422a5e2d802b1b1a0a058bfeb6c:"
        "src/tests/fixtures/aerogear200issues.json",
        (
            "none found: for an issue in a done status without a resolution date: every done "
            "issue of the AeroGear sample has one, the other real search responses with "
            "changelogs found are under the GPL (ActionableAgile/jira-to-analytics) or carry no "
            "licence (mradyuk/jira-angular-client, martingreer/Kanalyzer, oizhaolei/grid2print), "
            "apache/sling-org-apache-sling-committer-cli keeps only keys, summaries and "
            "statuses, and airbytehq/airbyte's source-jira records come from a generated test "
            "site in Airbyte's own record format; it is tested on "
            "tests/fixtures/jira/done_without_resolution_date.json"
        ),
    )

    def detect(self, path: Path) -> bool:
        """Jira JSON or CSV in the file, or in the first files of a folder or zip."""
        if is_slack_folder(path):
            return False
        return any(
            looks_like_jira(name, head) for name, head in peek(path, (*JSON_SUFFIXES, ".csv"))
        )

    def ingest(self, ctx: IngestContext, path: Path) -> SourceReport:
        """Read the export at `path` and add its new work items and events to the store."""
        report = SourceReport()
        stage = Stage(ctx, report)
        with input_files(path, (*JSON_SUFFIXES, ".csv")) as (_, files):
            for file in files:
                if file.path.suffix.lower() == ".csv":
                    _read_csv(stage, file)
                else:
                    for record in json_records(file, LIST_KEYS, stage.skip):
                        _read_record(stage, file, record)
        if not files:
            raise InvalidExport(f"{path}: no Jira JSON or CSV files")
        return stage.commit(self.name, "Jira", path, len(files))


@cache
def _zone(name: str) -> str | None:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None
    return name


def _person(stage: Stage, user: Any) -> str | None:
    if isinstance(user, str):
        user = {"name": user}
    if not isinstance(user, dict):
        return None
    native = user.get("accountId") or user.get("name") or user.get("key")
    if not isinstance(native, str) or not native.strip():
        return None
    native = native.strip()
    name = user.get("displayName") if isinstance(user.get("displayName"), str) else native
    bot = user.get("accountType") == "app" or bool(BOT_NAME.search(native))
    tz = user.get("timeZone")
    email = user.get("emailAddress")
    identity = f"jira:{native}"
    stage.person(
        identity,
        is_bot=bot or bool(BOT_NAME.search(name or "")),
        name=name,
        email=email if isinstance(email, str) else None,
        tz=_zone(tz) if isinstance(tz, str) else None,
    )
    return identity


def _scope(key: str, fields: dict[str, Any] | None = None) -> str:
    project = (fields or {}).get("project")
    if isinstance(project, dict) and isinstance(project.get("key"), str):
        return str(project["key"]).upper()
    return key.rsplit("-", 1)[0].upper()


def _read_record(stage: Stage, file: InputFile, record: JsonRecord) -> None:
    rec, where = record.value, f"{file.label} {record.where}"
    if not isinstance(rec, dict) or not isinstance(rec.get("fields"), dict):
        stage.count("other records")
        stage.skip("record that is not a Jira issue", where)
        return
    stage.count("issues")
    key = rec.get("key")
    if not isinstance(key, str) or not ISSUE_KEY.match(key.strip()):
        stage.skip("issue without a key", f"{where}: key {key!r}")
        return
    key = key.strip().upper()
    fields: dict[str, Any] = rec["fields"]
    times = stage.times(
        f"{where} ({key})",
        "issue without a creation time",
        (fields.get("created"), "created"),
        (fields.get("resolutiondate"), "resolutiondate"),
    )
    if times is None:
        return
    created, (closed,) = times
    if closed is None and _is_done(fields.get("status")):
        closed = _done_at(stage, f"{where} ({key})", rec, fields)
        if closed is None:
            return
    scope = _scope(key, fields)
    labels = [x for x in fields.get("labels") or [] if isinstance(x, str)]
    issue_type = fields.get("issuetype")
    type_name = issue_type.get("name") if isinstance(issue_type, dict) else None
    summary_text = fields.get("summary") if isinstance(fields.get("summary"), str) else None
    decision = str(type_name or "").strip().lower() == "decision" or is_decision(
        labels, summary_text, text_of(fields.get("description"))
    )
    links = []
    for link in fields.get("issuelinks") or []:
        if isinstance(link, dict):
            for side in ("inwardIssue", "outwardIssue"):
                other = link.get(side)
                if isinstance(other, dict) and isinstance(other.get("key"), str):
                    links.append(f"{_scope(other['key'])}|{other['key'].upper()}")
    parent = fields.get("parent")
    if isinstance(parent, dict) and isinstance(parent.get("key"), str):
        links.append(f"{_scope(parent['key'])}|{parent['key'].upper()}")
    author = _person(stage, fields.get("reporter") or fields.get("creator"))
    assignees = int(bool(fields["assignee"])) if "assignee" in fields else None
    if fields.get("assignee"):
        _person(stage, fields["assignee"])
    stage.item(
        origin=file.label,
        record=where,
        scope=scope,
        scope_id=None,
        number=key,
        kind=WorkItemKind.ISSUE,
        created_at=created,
        closed_at=closed,
        merged_at=None,
        author=author,
        assignees=assignees,
        labels=labels if "labels" in fields else None,
        links=links,
        decision=decision,
    )
    comment = fields.get("comment")
    comments = comment.get("comments") if isinstance(comment, dict) else comment
    for index, entry in enumerate(comments if isinstance(comments, list) else []):
        _read_comment(stage, file.label, f"{where} ({key}) comment {index}", scope, key, entry)
    changelog = rec.get("changelog")
    histories = changelog.get("histories") if isinstance(changelog, dict) else None
    for index, history in enumerate(histories if isinstance(histories, list) else []):
        _read_history(stage, file.label, f"{where} ({key}) history {index}", scope, key, history)


def _is_done(status: Any) -> bool:
    """True when the issue's status (``fields.status``) is in Jira's 'done' status category."""
    category = status.get("statusCategory") if isinstance(status, dict) else None
    if not isinstance(category, dict):
        return False
    return category.get("key") == "done" or category.get("id") in (3, "3")


def _done_at(
    stage: Stage, where: str, rec: dict[str, Any], fields: dict[str, Any]
) -> datetime | None:
    """When a done issue without a resolution date was done; None once the skip is counted.

    Workflows that never set a resolution leave ``resolutiondate`` null however finished the
    issue is. The close is its move into the done category: ``statuscategorychangedate`` (Jira
    Cloud's own record of it), else the changelog's last move into the current status, else the
    last update (``updated``).
    """
    status = fields["status"]
    current = {str(status.get("id") or ""), str(status.get("name") or "").lower()} - {""}
    changelog = rec.get("changelog")
    histories = changelog.get("histories") if isinstance(changelog, dict) else None
    moves = []
    for history in histories if isinstance(histories, list) else []:
        items = history.get("items") if isinstance(history, dict) else None
        if any(
            isinstance(item, dict)
            and str(item.get("field") or item.get("fieldId") or "").lower() == "status"
            and {str(item.get("to") or ""), str(item.get("toString") or "").lower()} & current
            for item in (items if isinstance(items, list) else [])
        ):
            moves.append(history.get("created"))
    try:
        moved = [m for m in (parse_instant(v, "changelog created") for v in moves) if m]
        for found, rule in (
            (parse_instant(fields.get("statuscategorychangedate"), "statuscategorychangedate"),
             "status category change"),
            (max(moved, default=None), "move into that status in the changelog"),
            (parse_instant(fields.get("updated"), "updated"), "last update"),
        ):  # fmt: skip
            if found is not None:
                stage.note(f"done issues without a resolution date, closed at their {rule}")
                return found
    except BadDate as exc:
        stage.skip("date that cannot be read", f"{where}: {exc}")
        return None
    stage.skip("done issue without a time to close it", f"{where}: no resolutiondate, "
               "statuscategorychangedate, status change or updated")  # fmt: skip
    return None


def _read_comment(stage: Stage, origin: str, where: str, scope: str, key: str, entry: Any) -> None:
    stage.count("comments")
    if not isinstance(entry, dict):
        stage.skip("comment that is not an object", where)
        return
    when = stage.time(where, "comment without a time", entry.get("created"), "created")
    if when is None:
        return
    actor = _person(stage, entry.get("author"))
    native = entry.get("id")
    stage.event(
        origin=origin,
        record=where,
        scope=scope,
        scope_id=None,
        number=key,
        event_id=f"comment:{native}"
        if native is not None
        else f"comment|{when.isoformat()}|{actor or ''}",
        kind=WorkEventKind.COMMENT,
        actor=actor,
        occurred_at=when,
        text=text_of(entry.get("body")),
    )


def _read_history(
    stage: Stage, origin: str, where: str, scope: str, key: str, history: Any
) -> None:
    if not isinstance(history, dict):
        stage.count("changelog entries")
        stage.skip("changelog entry that is not an object", where)
        return
    changed = {
        str(item.get("field") or item.get("fieldId") or "").lower()
        for item in history.get("items") or []
        if isinstance(item, dict)
    }
    kinds = [
        kind
        for field, kind in (("status", WorkEventKind.STATE), ("assignee", WorkEventKind.ASSIGNMENT))
        if field in changed
    ]
    if not kinds:
        stage.count("changelog entries of other fields (not kept)")
        return
    stage.count("changelog entries changing the status or assignee")
    when = stage.time(where, "changelog entry without a time", history.get("created"), "created")
    if when is None:
        return
    actor = _person(stage, history.get("author"))
    native = history.get("id")
    for kind in kinds:
        field = "status" if kind == WorkEventKind.STATE else "assignee"
        stage.event(
            origin=origin,
            record=where,
            scope=scope,
            scope_id=None,
            number=key,
            event_id=f"history:{native}:{field}"
            if native is not None
            else f"{field}|{when.isoformat()}|{actor or ''}",
            kind=kind,
            actor=actor,
            occurred_at=when,
        )


# CSV -----------------------------------------------------------------------------------------


def parse_jira_date(value: str, field_name: str) -> datetime | None:
    """A UTC instant from a Jira CSV date: ISO 8601, or one of Jira's display formats."""
    text = value.strip()
    if not text:
        return None
    try:
        return parse_instant(text, field_name)
    except BadDate:
        pass
    for pattern in CSV_FORMATS:
        try:
            return datetime.strptime(text, pattern)
        except ValueError:
            continue
    raise BadDate(f"{field_name} {value!r} is not a date")


@dataclass(frozen=True)
class CsvRecord:
    """One CSV record: where it starts, its cells, and the physical lines it was read from."""

    line: int  # 1-based physical line of its first character
    cells: list[str]
    lines: list[str]
    error: str | None = None  # the strict dialect's complaint, when it could not be read


class _CountedLines:
    """The lines of a text file, numbered, keeping those taken since the last record."""

    def __init__(self, lines: Iterator[str]) -> None:
        self.source = lines
        self.number = 0
        self.taken: list[str] = []

    def __iter__(self) -> _CountedLines:
        return self

    def __next__(self) -> str:
        line = next(self.source)
        self.number += 1
        self.taken.append(line)
        return line

    def record(self, cells: list[str], error: str | None = None) -> CsvRecord:
        """The record just read (the lines taken since the last one), and a fresh start."""
        lines, self.taken = self.taken, []
        return CsvRecord(self.number - len(lines) + 1, cells, lines, error)


def csv_records(file: InputFile) -> Iterator[CsvRecord]:
    """The records of a CSV file with their physical lines, in a strict dialect.

    A quote out of place (text after a closing quote, a file ending inside quotes, a NUL) makes
    a record with `error` set, and reading resumes on the next line; InvalidExport when the file
    cannot be read at all (not UTF-8 text, naming the line).
    """
    try:
        with file.path.open("r", encoding="utf-8-sig", newline="") as fh:
            lines = _CountedLines(iter(fh))
            reader = csv.reader(lines, strict=True)
            while True:
                try:
                    cells = next(reader)
                except StopIteration:
                    return
                except csv.Error as exc:
                    yield lines.record([], str(exc))
                    continue
                yield lines.record(cells)
    except UnicodeDecodeError as exc:
        raise InvalidExport(
            f"{file.label} line {_first_undecodable_line(file.path)}: not UTF-8 text: {exc.reason}"
        ) from None
    except OSError as exc:
        raise InvalidExport(f"{file.label}: cannot read as CSV: {exc}") from None


def _first_undecodable_line(path: Path) -> int:
    """The 1-based line of the first byte of `path` that is not UTF-8 (on the failure path only:
    the text reader decodes in blocks, so its own position is the block's, not the line's)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    line = 1
    with path.open("rb") as fh:
        while block := fh.read(1 << 20):
            try:
                decoder.decode(block)
            except UnicodeDecodeError as exc:
                return line + block.count(b"\n", 0, exc.start)
            line += block.count(b"\n")
    return line


def swallowed_rows(
    record: CsvRecord, key_index: int, created_index: int, width: int
) -> list[int] | None:
    """Physical lines of `record` after its first that start issue rows of their own, or None.

    An unbalanced quote makes the reader run on over the next rows. A record is damaged when the
    strict dialect refused it, when it spans several lines and has not the header's `width` of
    cells (Jira writes every column of every row) while a later line starts a row, or when one of its middle lines, read alone,
    is a whole row (`width` cells, an issue key at `key_index`, a date at `created_index`): a
    cell spanning lines rarely holds such a line. Its last line is left out of that test, since
    it ends the long cell and then holds the rest of the record's own row; its first line counts
    when, its quotes taken out, it is a whole row (a stray quote opened the record). In a damaged record
    every later line with an issue key at `key_index` (read alone, or with its quotes taken out:
    a stray quote may stand at its start) counts as a row run over.
    """
    found: list[int] = []
    whole = False
    for offset, line in enumerate(record.lines[1:], start=1):
        cells = _cells_alone(line)
        if not _keyed(cells, key_index):
            if _keyed(_cells_alone(line.replace('"', "")), key_index):
                found.append(record.line + offset)
            continue
        found.append(record.line + offset)
        inner = offset < len(record.lines) - 1
        whole = whole or (inner and len(cells) == width and _is_date(cells[created_index]))
    misshapen = len(record.lines) > 1 and len(record.cells) != width
    # A stray quote opening the first cell: the first line, its quotes taken out, is a whole row.
    first = _cells_alone(record.lines[0].replace('"', "")) if len(record.lines) > 1 else []
    opened = len(first) == width and _keyed(first, key_index) and _is_date(first[created_index])
    damaged = record.error is not None or whole or opened or (misshapen and found)
    return found if damaged else None


def _cells_alone(line: str) -> list[str]:
    try:
        return next(csv.reader([line]), [])
    except csv.Error:
        return []


def _keyed(cells: list[str], key_index: int) -> bool:
    return len(cells) > key_index and bool(ISSUE_KEY.match(cells[key_index].strip()))


def _is_date(value: str) -> bool:
    try:
        return parse_jira_date(value, "Created") is not None
    except BadDate:
        return False


def _read_csv(stage: Stage, file: InputFile) -> None:
    records = csv_records(file)
    first_record = next(records, None)
    if first_record is None:
        raise InvalidExport(f"{file.label}: empty file: no header row")
    if first_record.error is not None:
        raise InvalidExport(
            f"{file.label} line {first_record.line}: the header row cannot be read as CSV: "
            f"{first_record.error}"
        )
    header = first_record.cells
    columns: dict[str, list[int]] = {}
    for index, name in enumerate(header):
        columns.setdefault(name.strip().lower(), []).append(index)
    if "issue key" not in columns or "created" not in columns:
        raise InvalidExport(
            f"{file.label}: not a Jira CSV export: the header has no 'Issue key' and 'Created' "
            "columns"
        )
    link_columns = [
        i
        for name, found in columns.items()
        if name.startswith(("outward issue link", "inward issue link"))
        for i in found
    ]

    def first(cells: list[str], *names: str) -> str | None:
        for name in names:
            for index in columns.get(name, []):
                if index < len(cells) and cells[index].strip():
                    return cells[index].strip()
        return None

    def every(cells: list[str], indexes: list[int]) -> list[str]:
        return [cells[i].strip() for i in indexes if i < len(cells) and cells[i].strip()]

    has_assignee = "assignee" in columns or "assignee id" in columns
    key_index, created_index = columns["issue key"][0], columns["created"][0]
    for number, record in enumerate(records, start=2):
        where = f"{file.label} row {number}"
        swallowed = swallowed_rows(record, key_index, created_index, len(header))
        if swallowed is not None:
            # The record and every row it ran over are lost to the reader: each is counted.
            why = record.error or "a quoted cell runs over the next rows"
            stage.count("issues", 1 + len(swallowed))
            stage.skip(UNBALANCED_QUOTE, f"{where} (line {record.line}): {why}")
            for line in swallowed:
                stage.skip(UNBALANCED_QUOTE, f"{file.label} line {line}: inside the quoted cell")
            continue
        cells = record.cells
        if not any(c.strip() for c in cells):
            continue
        stage.count("issues")
        key = first(cells, "issue key")
        if key is None or not ISSUE_KEY.match(key):
            stage.skip("issue without a key", f"{where}: Issue key {key!r}")
            continue
        key = key.upper()
        times = stage.times(
            f"{where} ({key})",
            "issue without a creation time",
            (first(cells, "created") or "", "Created"),
            (first(cells, "resolved") or "", "Resolved"),
            parse=parse_jira_date,
        )
        if times is None:
            continue
        created, (closed,) = times
        if closed is None and str(first(cells, "status category") or "").lower() == "done":
            # Jira Cloud's CSV has no changelog: the category change, else the last update.
            for column, rule in (("status category changed", "status category change"),
                                 ("updated", "last update")):  # fmt: skip
                value = first(cells, column)
                if value is None:
                    continue
                closed = stage.time(f"{where} ({key})", "date that cannot be read", value,
                                    column.capitalize(), parse=parse_jira_date)  # fmt: skip
                if closed is not None:
                    stage.note(f"done issues without a resolution date, closed at their {rule}")
                break
        project = first(cells, "project key")
        scope = project.upper() if project else _scope(key)
        labels = every(cells, columns.get("labels", []))
        decision = str(first(cells, "issue type") or "").lower() == "decision" or is_decision(
            labels, first(cells, "summary"), first(cells, "description")
        )
        assignee = first(cells, "assignee id", "assignee")
        author = first(cells, "reporter id", "reporter", "creator id", "creator")
        links = [
            f"{_scope(v)}|{v.upper()}" for v in every(cells, link_columns) if ISSUE_KEY.match(v)
        ]
        stage.item(
            origin=file.label,
            record=where,
            scope=scope,
            scope_id=None,
            number=key,
            kind=WorkItemKind.ISSUE,
            created_at=created,
            closed_at=closed,
            merged_at=None,
            author=_person(stage, author) if author else None,
            assignees=int(assignee is not None) if has_assignee else None,
            labels=labels if "labels" in columns else None,
            links=links,
            decision=decision,
        )
        if assignee:
            _person(stage, assignee)
        for index, value in enumerate(every(cells, columns.get("comment", []))):
            _read_csv_comment(
                stage, file.label, f"{where} ({key}) comment {index}", scope, key, value
            )


def _read_csv_comment(
    stage: Stage, origin: str, where: str, scope: str, key: str, value: str
) -> None:
    stage.count("comments")
    parts = value.split(";", 2)
    if len(parts) < 2:
        stage.skip("comment that is not 'date;author;text'", f"{where}: no ';' separators")
        return
    when = stage.time(
        where,
        "comment without a time",
        parts[0],
        "comment date",
        parse=parse_jira_date,
        detail="empty date",
    )
    if when is None:
        return
    author = parts[1].strip()
    actor = _person(stage, author) if author else None
    stage.event(
        origin=origin,
        record=where,
        scope=scope,
        scope_id=None,
        number=key,
        event_id=f"comment|{when.isoformat()}|{actor or ''}",
        kind=WorkEventKind.COMMENT,
        actor=actor,
        occurred_at=when,
        text=parts[2] if len(parts) > 2 else "",
    )
