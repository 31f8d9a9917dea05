"""What the issue-tracker sources (GitHub, GitLab, Jira) share: reading, staging, keys, inserting.

Each tracker source turns its raw records into staged rows (items, events, people) with a small
parser; everything after that is set-based SQL here, so that the three agree on keys and rules:

- an item's key is ``md5('<source>|<scope>|<number>')``: scope is the repository or project
  ('acme/api', 'group/project', 'PROJ'), number its native id within it ('12', '#5' or '!7' on
  GitLab, 'PROJ-12' on Jira); an event's key is ``md5(item_key || '|' || native event id)``;
- a record seen twice (an issue in one file and again in another, or a pull request both in
  ``/issues`` and ``/pulls``) is one item: the earliest creation, the latest close and merge,
  the most assignees, the union of labels and links;
- an item or event whose scope is unknown (a record without a URL) takes the scope of its
  project id where another record names both, else the one scope the export names (an
  unmapped project id only when the export names one project id at most; else
  'project:<id>'), else ''.

Readers stream: a JSON array is read element by element by DuckDB's reader, JSON Lines line by
line, so that memory stays flat however large the export; only a JSON document that wraps its
lists in an object (``{"issues": [...]}``) is parsed whole.
"""

from __future__ import annotations

import json
import os
import re
import zipfile
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, nullcontext, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
import pyarrow as pa

from asyncmaturity.errors import InvalidExport
from asyncmaturity.sources.archive import extracted
from asyncmaturity.sources.common import insert_people, register_rows
from asyncmaturity.sources.features import await_signals_sql
from asyncmaturity.sources.interface import SourceReport
from asyncmaturity.sources.reading import (
    BAD_ID,
    IMPLAUSIBLE_TIME,
    is_sane_id,
    json_lines,
    parse_json,
    record_list,
    too_deep,
    wrong_type_of,
)
from asyncmaturity.store.database import AWAIT_SIGNAL_COLUMNS, identity_hash_sql, person_key_sql
from asyncmaturity.vocabulary import Visibility, WorkItemKind

if TYPE_CHECKING:
    from asyncmaturity.sources.interface import IngestContext

JSON_SUFFIXES = (".json", ".jsonl", ".ndjson")
PEEK_BYTES = 256 << 10
PEEK_FILES = 8
BATCH_ROWS = 5000
SKIP_DIRS = frozenset({"node_modules", "__MACOSX", "vendor", "site-packages"})
# Fields that make an object a record even when it holds lists (embedded comments, notes).
RECORD_FIELDS = (
    "number",
    "iid",
    "fields",
    "key",
    "individual_note",
    "issue_url",
    "pull_request_url",
    "noteable_type",
)
# Item scope of records that are files rather than tracker records (decision records in a folder).
FILE_SCOPE = "files"
# Slack's listings: a folder holding one of these is a Slack export, never a tracker's.
SLACK_LISTINGS = frozenset(
    {"channels.json", "groups.json", "dms.json", "mpims.json", "users.json", "org_users.json"}
)

# Decision records (documented in each source's docstring): a label naming a decision record, a
# title that starts like one, or a body whose headings follow a decision template.
DECISION_LABELS = frozenset(
    {
        "decision",
        "decisions",
        "decision record",
        "decision-record",
        "adr",
        "adrs",
        "architecture decision",
        "architecture decision record",
        "architecture-decision-record",
        "rfc",
        "rfcs",
    }
)
DECISION_TITLE = re.compile(r"^\s*(?:adr\b|adr[-_ ]?\d|decision\s*:)", re.IGNORECASE)
HEADING = re.compile(r"^\s{0,3}(?:#{1,6}|h[1-6]\.)\s*\**\s*([A-Za-z][^\n]*)$", re.MULTILINE)

ITEM_SCHEMA = pa.schema(
    [
        ("origin", pa.string()),
        ("record", pa.string()),
        ("scope", pa.string()),
        ("scope_id", pa.string()),
        ("number", pa.string()),
        ("kind", pa.string()),
        ("created_at", pa.timestamp("us")),
        ("closed_at", pa.timestamp("us")),
        ("merged_at", pa.timestamp("us")),
        ("author", pa.string()),
        ("assignees", pa.int32()),
        ("labels", pa.list_(pa.string())),
        ("links", pa.list_(pa.string())),
        ("decision", pa.bool_()),
    ]
)
EVENT_SCHEMA = pa.schema(
    [
        ("origin", pa.string()),
        ("record", pa.string()),
        ("scope", pa.string()),
        ("scope_id", pa.string()),
        ("number", pa.string()),
        ("event_id", pa.string()),
        ("kind", pa.string()),
        ("actor", pa.string()),
        ("occurred_at", pa.timestamp("us")),
        # A comment's or review's body, read for its AWAIT signals and then dropped.
        ("text", pa.string()),
    ]
)
PEOPLE_SCHEMA = pa.schema(
    [
        ("identity", pa.string()),
        ("email", pa.string()),
        ("is_bot", pa.bool_()),
        ("name", pa.string()),
        ("tz", pa.string()),
    ]
)


class BadDate(ValueError):
    """A date field that is present but cannot be read as an instant."""


def parse_instant(value: Any, field_name: str) -> datetime | None:
    """A UTC instant (naive) from an ISO 8601 string; None when absent, :class:`BadDate` if bad.

    An offset is applied ('Z', '+02:00', '+0200'); a value without one is taken as UTC; a bare
    date is midnight UTC.
    """
    if value is None or value == "":
        return None
    if isinstance(value, str):
        text = value.strip()
        if text.endswith(("Z", "z")):
            text = text[:-1] + "+00:00"
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError:
            raise BadDate(f"{field_name} {value!r} is not a date") from None
        if parsed.tzinfo is not None:
            parsed = parsed.astimezone(UTC).replace(tzinfo=None)
        return parsed
    raise BadDate(f"{field_name} {value!r} is not a date")


def is_decision_label(label: str) -> bool:
    """True for a label naming a decision record: 'ADR', 'decision', 'type: RFC', 'kind/adr'."""
    name = label.strip().lower()
    name = re.split(r"[:/]\s*", name)[-1].strip()
    return name in DECISION_LABELS


def follows_decision_template(body: str | None) -> bool:
    """True when a body has headings starting Context, Decision and Consequences (any level).

    That covers Nygard's template (Context / Decision / Consequences) and MADR (Context and
    Problem Statement / Decision Outcome / Consequences), in Markdown or Jira wiki headings.
    """
    if not body or "ontext" not in body:
        return False
    found = {m.group(1).strip().lower() for m in HEADING.finditer(body)}
    return all(any(h.startswith(w) for h in found) for w in ("context", "decision", "consequences"))


def is_decision(labels: list[str], title: str | None, body: str | None) -> bool:
    """The decision-record rule for an issue: a decision label, an ADR/Decision title, a template."""
    return (
        any(is_decision_label(label) for label in labels)
        or bool(title and DECISION_TITLE.match(title))
        or follows_decision_template(body)
    )


def label_names(value: Any) -> list[str] | None:
    """The names of a labels list (objects with ``name``, or strings); None when there is none."""
    if not isinstance(value, list):
        return None
    names = (v.get("name") if isinstance(v, dict) else v for v in value)
    return [n for n in names if isinstance(n, str)]


def text_of(value: Any) -> str | None:
    """Plain text of a body: a string as is, Atlassian Document Format flattened to lines."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, dict):
        parts: list[str] = []
        _adf_text(value, parts)
        return "\n".join(parts)
    return str(value)


def _adf_text(node: dict[str, Any], out: list[str]) -> None:
    if node.get("type") == "heading":
        level = (node.get("attrs") or {}).get("level", 1)
        text = "".join(
            str(c.get("text", "")) for c in node.get("content") or [] if isinstance(c, dict)
        )
        out.append("#" * int(level if isinstance(level, int) else 1) + " " + text)
        return
    if isinstance(node.get("text"), str):
        out.append(node["text"])
    for child in node.get("content") or []:
        if isinstance(child, dict):
            _adf_text(child, out)


# Items that have assignees: issues and pull/merge requests (not decision records or requests).
ASSIGNABLE = (WorkItemKind.ISSUE, WorkItemKind.PULL_REQUEST, WorkItemKind.MERGE_REQUEST)


@dataclass
class Stage:
    """Staged rows of one export, flushed to temp tables in batches; skips counted with examples."""

    ctx: IngestContext
    report: SourceReport
    items: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    people: list[dict[str, Any]] = field(default_factory=list)
    seen_people: set[tuple[Any, ...]] = field(default_factory=set)
    skips: dict[str, list[str]] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    # Whether any issue or pull/merge request said who its assignees are (absent: not stated).
    states_assignees: bool | None = None
    # Records read by a stated rule for an odd case (a time taken from elsewhere), by rule.
    noted: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name, schema in (
            ("_trk_items", ITEM_SCHEMA),
            ("_trk_events", EVENT_SCHEMA),
            ("_trk_people", PEOPLE_SCHEMA),
        ):
            register_rows(self.ctx, name, [], schema)

    def count(self, what: str, n: int = 1) -> None:
        """Count records of one kind, for the detected summary."""
        self.counts[what] = self.counts.get(what, 0) + n

    def note(self, rule: str, n: int = 1) -> None:
        """Count `n` records read by `rule` ('done issues ..., closed at ...'), for the summary."""
        self.noted[rule] = self.noted.get(rule, 0) + n

    def skip(self, reason: str, where: str) -> None:
        """Count one skipped record; `where` is 'file record N: why'."""
        self.skips.setdefault(reason, []).append(where)

    def times(
        self,
        where: str,
        missing: str,
        first: tuple[Any, str],
        *others: tuple[Any, str],
        parse: Callable[[Any, str], datetime | None] = parse_instant,
        detail: str | None = None,
    ) -> tuple[datetime, list[datetime | None]] | None:
        """A record's required time and optional ones, each (value, field); None once skipped."""
        try:
            found = parse(*first)
            rest = [parse(value, name) for value, name in others]
        except BadDate as exc:
            self.skip("date that cannot be read", f"{where}: {exc}")
            return None
        if found is None:
            self.skip(missing, f"{where}: {detail or 'no ' + first[1]}")
            return None
        low, high = self.ctx.plausible
        for moment, (_, name) in zip([found, *rest], [first, *others], strict=True):
            if moment is not None and not low <= moment <= high:
                self.skip(IMPLAUSIBLE_TIME, f"{where}: {name} {moment:%Y-%m-%d} is implausible")
                return None
        return found, rest

    def time(
        self,
        where: str,
        missing: str,
        value: Any,
        field_name: str,
        *,
        parse: Callable[[Any, str], datetime | None] = parse_instant,
        detail: str | None = None,
    ) -> datetime | None:
        """A record's one required time, or None with the skip counted (as :meth:`times`)."""
        found = self.times(where, missing, (value, field_name), parse=parse, detail=detail)
        return found[0] if found else None

    def item(self, **row: Any) -> None:
        """Stage one item (the columns of ITEM_SCHEMA)."""
        if row.get("kind") in ASSIGNABLE:
            self.states_assignees = bool(self.states_assignees) or row.get("assignees") is not None
        self.items.append(row)
        if len(self.items) >= BATCH_ROWS:
            self._flush("_trk_items", self.items, ITEM_SCHEMA)

    def event(self, **row: Any) -> None:
        """Stage one event (the columns of EVENT_SCHEMA)."""
        self.events.append(row)
        if len(self.events) >= BATCH_ROWS:
            self._flush("_trk_events", self.events, EVENT_SCHEMA)

    def person(
        self,
        identity: str,
        *,
        is_bot: bool,
        email: str | None = None,
        name: str | None = None,
        tz: str | None = None,
    ) -> None:
        """Stage one person identity ('github:octocat'); repeats are staged once."""
        email = email.strip().lower() if email and "@" in email else None
        row = (identity, email, is_bot, name, tz)
        if row in self.seen_people:
            return
        self.seen_people.add(row)
        self.people.append(
            {"identity": identity, "email": email, "is_bot": is_bot, "name": name, "tz": tz}
        )
        if len(self.people) >= BATCH_ROWS:
            self._flush("_trk_people", self.people, PEOPLE_SCHEMA)

    def _flush(self, table: str, rows: list[dict[str, Any]], schema: pa.Schema) -> None:
        if not rows:
            return
        batch = pa.Table.from_pylist(rows, schema=schema)
        self.ctx.con.register("_trk_batch", batch)
        self.ctx.con.execute(f"INSERT INTO {table} SELECT * FROM _trk_batch")
        self.ctx.con.unregister("_trk_batch")
        rows.clear()

    def flush(self) -> None:
        """Write every staged row to the temp tables."""
        self._flush("_trk_items", self.items, ITEM_SCHEMA)
        self._flush("_trk_events", self.events, EVENT_SCHEMA)
        self._flush("_trk_people", self.people, PEOPLE_SCHEMA)

    def finish(self) -> None:
        """Flush what is left and report the skips."""
        self.flush()
        for reason, where in self.skips.items():
            self.report.skip(reason, len(where), where)

    def commit(self, source: str, name: str, path: Path, files: int) -> SourceReport:
        """Add everything staged to the store; the report, with its count and summary ('GitHub')."""
        self.report.records_read = sum(self.counts.values())
        self.finish()
        insert_staged(self.ctx, source, path)
        self.report.detected = summary(name, self.counts, files)
        self.report.notes.extend(f"{n:,} {rule}" for rule, n in self.noted.items())
        if self.states_assignees is not None:
            self.report.sees = {Visibility.ASSIGNEES: self.states_assignees}
        return self.report


def insert_staged(ctx: IngestContext, source: str, path: Path) -> None:
    """Resolve scopes, merge repeated items and add the new people, items and events."""
    con = ctx.con
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE _trk_scopes AS
        SELECT scope_id, min(scope) AS scope
        FROM (SELECT scope_id, scope FROM _trk_items UNION ALL SELECT scope_id, scope FROM _trk_events)
        WHERE scope_id IS NOT NULL AND scope IS NOT NULL
        GROUP BY scope_id
        """
    )
    row = con.execute(
        """
        SELECT CASE WHEN count(DISTINCT scope) FILTER (WHERE scope <> $files) = 1
                    THEN min(scope) FILTER (WHERE scope <> $files) END,
               count(DISTINCT scope_id) <= 1
        FROM (SELECT scope, scope_id FROM _trk_items UNION ALL SELECT scope, scope_id FROM _trk_events)
        """,
        {"files": FILE_SCOPE},
    ).fetchone()
    single = (row[0] if row else None) or ""
    # A project id no record maps to a path is that path when the export has one of each.
    one_project = bool(row[1]) if row else True
    fallback = "'project:' || t.scope_id"
    if one_project:
        fallback = f"coalesce(nullif($single, ''), {fallback})"
    scope_sql = (
        f"coalesce(t.scope, m.scope, CASE WHEN t.scope_id IS NOT NULL THEN {fallback} END, $single)"
    )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE _trk_merged AS
        WITH r AS (
            SELECT t.*, {scope_sql} AS rscope
            FROM _trk_items t LEFT JOIN _trk_scopes m USING (scope_id)
        ), merged AS (
            SELECT md5($source || '|' || rscope || '|' || number) AS item_key,
                   CASE WHEN bool_or(decision) THEN '{WorkItemKind.DECISION}'
                        WHEN bool_or(kind = '{WorkItemKind.PULL_REQUEST}')
                            THEN '{WorkItemKind.PULL_REQUEST}'
                        WHEN bool_or(kind = '{WorkItemKind.MERGE_REQUEST}')
                            THEN '{WorkItemKind.MERGE_REQUEST}'
                        ELSE min(kind) END AS kind,
                   min(created_at) AS created_at, max(closed_at) AS closed_at,
                   max(merged_at) AS merged_at, any_value(author) AS author,
                   max(assignees) AS assignees,
                   CASE WHEN count(labels) > 0
                        THEN list_sort(list_distinct(flatten(list(labels) FILTER (WHERE labels IS NOT NULL))))
                   END AS labels,
                   CASE WHEN count(links) > 0
                        THEN list_distinct(flatten(list(list_transform(links,
                            lambda x: md5($source || '|' || CASE WHEN starts_with(x, '|') THEN rscope || x ELSE x END)
                        )) FILTER (WHERE links IS NOT NULL)))
                   END AS link_keys,
                   min(origin) AS origin
            FROM r GROUP BY rscope, number
        )
        SELECT * EXCLUDE (link_keys),
               list_sort(list_filter(link_keys, lambda k: k <> item_key)) AS links
        FROM merged
        """,
        {"source": source, "single": single},
    )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE _trk_persons AS
        WITH hashed AS (
            SELECT identity, email, is_bot, name, tz,
                   {identity_hash_sql("identity")} AS native_hash,
                   CASE WHEN email IS NOT NULL THEN {identity_hash_sql("'email:' || email")} END
                       AS email_hash
            FROM (SELECT identity, max(email) AS email, bool_or(is_bot) AS is_bot,
                         any_value(name) AS name, any_value(tz) AS tz
                  FROM _trk_people GROUP BY identity)
        )
        -- The e-mail identity where this export gives one; else the person an earlier ingest
        -- linked this account to (by its e-mail there); else the account itself.
        SELECT h.*, coalesce(
                   CASE WHEN h.email IS NOT NULL THEN {person_key_sql("'email:' || h.email")} END,
                   (SELECT min(i.person_key) FROM identities i WHERE i.identity_hash = h.native_hash),
                   {person_key_sql("h.identity")}) AS person_key
        FROM hashed h
        """,
        {"secret": ctx.secret},
    )
    origin = str(path)
    insert_people(ctx, "_trk_persons", origin, order="is_bot DESC", name="name")
    ctx.insert_new(
        "identities",
        """SELECT native_hash AS identity_hash, person_key, $kind AS kind FROM _trk_persons
           UNION ALL
           SELECT DISTINCT email_hash, person_key, 'email' FROM _trk_persons
           WHERE email_hash IS NOT NULL""",
        origin=origin,
        params={"kind": f"{source} user"},
    )
    ctx.insert_new(
        "work_items",
        """SELECT i.item_key, i.kind, i.created_at, i.closed_at, i.merged_at,
                  p.person_key AS author_key, i.assignees, i.labels, i.links, i.origin
           FROM _trk_merged i LEFT JOIN _trk_persons p ON p.identity = i.author""",
        origin=None,
    )
    ctx.insert_new(
        "work_events",
        f"""
        WITH r AS (
            SELECT t.*, md5($source || '|' || {scope_sql} || '|' || t.number) AS item_key
            FROM _trk_events t LEFT JOIN _trk_scopes m USING (scope_id)
        )
        , signalled AS (SELECT r.*, {await_signals_sql("r.text")} FROM r)
        SELECT md5(r.item_key || '|' || r.event_id) AS event_key, r.item_key, r.kind,
               p.person_key AS actor_key, r.occurred_at, r.origin,
               {", ".join(f"CASE WHEN r.text IS NOT NULL THEN r.{c} END AS {c}" for c in AWAIT_SIGNAL_COLUMNS)}
        FROM signalled r LEFT JOIN _trk_persons p ON p.identity = r.actor
        """,
        origin=None,
        features=True,
        params={"source": source, "single": single},
    )
    for table in ("_trk_items", "_trk_events", "_trk_people", "_trk_scopes", "_trk_merged"):
        con.execute(f"DROP TABLE IF EXISTS {table}")
    con.execute("DROP TABLE IF EXISTS _trk_persons")


# Reading -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class InputFile:
    """One file of an export and how to name it in messages."""

    path: Path
    label: str
    relative: str  # its path inside the folder or archive given ('' for a plain file)


@contextmanager
def input_files(path: Path, suffixes: tuple[str, ...]) -> Iterator[tuple[Path, list[InputFile]]]:
    """The files with one of `suffixes` under `path` (a file, a folder or a .zip), sorted.

    Yields the root folder (the extracted archive for a zip) and the files; hidden folders and
    dependency folders (node_modules, vendor) are not searched.
    """
    if path.is_file() and path.suffix.lower() == ".zip":
        opener: Any = extracted(path)
    else:
        opener = nullcontext(path)
    with opener as root:
        if root.is_file():
            yield root.parent, [InputFile(root, str(root), "")]
            return
        files = []
        for file in walk(root):
            if file.name.lower().endswith(suffixes):
                rel = file.relative_to(root).as_posix()
                label = f"{path}!{rel}" if path.is_file() else str(file)
                files.append(InputFile(file, label, rel))
        yield root, files


def walk(root: Path) -> Iterator[Path]:
    """Every file under `root`, in sorted order, leaving out hidden and dependency folders."""
    for folder, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in SKIP_DIRS)
        for name in sorted(names):
            if not name.startswith("."):
                yield Path(folder) / name


def peek(path: Path, suffixes: tuple[str, ...]) -> Iterator[tuple[str, str]]:
    """(name, first bytes as text) of a few files with `suffixes`: the file, or in a folder or zip.

    Cheap by design: at most PEEK_FILES files, two folder levels, PEEK_BYTES of each.
    """
    if path.is_file():
        if path.suffix.lower() == ".zip":
            yield from _peek_zip(path, suffixes)
        elif path.name.lower().endswith(suffixes):
            yield path.name, _head(path)
        return
    if not path.is_dir():
        return
    found = 0
    for depth_root in _shallow_dirs(path):
        try:
            entries = sorted(os.scandir(depth_root), key=lambda e: e.name)
        except OSError:
            continue
        for entry in entries:
            # Path.is_file, unlike DirEntry's, reads a symlink loop as "not a file" (no OSError).
            if entry.name.lower().endswith(suffixes) and Path(entry.path).is_file():
                yield entry.name, _head(Path(entry.path))
                found += 1
                if found >= PEEK_FILES:
                    return


def _shallow_dirs(path: Path) -> list[Path]:
    dirs = [path]
    with suppress(OSError):
        dirs += sorted(
            Path(e.path)
            for e in os.scandir(path)
            if e.is_dir() and not e.name.startswith(".") and e.name not in SKIP_DIRS
        )[:20]
    return dirs


def _peek_zip(path: Path, suffixes: tuple[str, ...]) -> Iterator[tuple[str, str]]:
    try:
        with zipfile.ZipFile(path) as zf:
            names = zf.namelist()[:100_000]
            if {Path(n).name for n in names} & SLACK_LISTINGS:
                return
            members = sorted(n for n in names if n.lower().endswith(suffixes))[:PEEK_FILES]
            for name in members:
                with zf.open(name) as fh:
                    yield name, fh.read(PEEK_BYTES).decode("utf-8", "replace")
    except (zipfile.BadZipFile, OSError, NotImplementedError, RuntimeError):
        return


def _head(path: Path) -> str:
    try:
        with path.open("rb") as fh:
            return fh.read(PEEK_BYTES).decode("utf-8", "replace")
    except OSError:
        return ""


def is_slack_folder(path: Path) -> bool:
    """A folder holding a Slack listing (channels.json, users.json...): never a tracker export."""
    return path.is_dir() and any((path / name).is_file() for name in SLACK_LISTINGS)


@dataclass(frozen=True)
class JsonRecord:
    """One record of a JSON file: where it is, the list it came from, and the wrapper's fields."""

    where: str  # 'record 3' or 'record issues[3]'
    value: Any
    hint: str | None  # the wrapping key ('issues', 'comments'), lower-case
    context: dict[str, Any]  # scalar fields of the wrapping object ('repository': 'o/r')


def json_records(
    file: InputFile,
    list_keys: frozenset[str],
    skip: Callable[[str, str], None],
    typed: Mapping[str, tuple[str, ...]] | None = None,
) -> Iterator[JsonRecord]:
    """The records of a JSON file: an array, JSON Lines, a wrapping object or one record.

    A top-level object whose values under `list_keys` are arrays is a wrapper: its arrays'
    elements are the records (hint = the key). Arrays of arrays (paginated output) are flattened.
    :class:`InvalidExport` names the file, line and column of malformed JSON (and refuses an
    empty file, one nested too deeply, or a wrapper whose list is no array); a bad JSON line or a
    record whose id is no integer or short string goes to `skip` (reason, where) instead, as
    does one where a field of `typed` (name: the JSON types it may hold) is of another type.
    """
    first = _first_char(file)
    if first is None:
        raise InvalidExport(f"{file.label}: empty file, not a JSON document")
    records = _array_records(file, list_keys) if first == "[" else _object_records(file, list_keys)
    for record in records:
        where = f"{file.label} {record.where}"
        if isinstance(record.value, UnreadableLine):
            skip("malformed JSON line", f"{where}: {record.value.why}")
        elif isinstance(record.value, dict) and any(
            key in record.value and not is_sane_id(record.value[key]) for key in ID_FIELDS
        ):
            skip(BAD_ID, where)
        elif isinstance(record.value, dict) and (wrong := wrong_type_of(record.value, typed or {})):
            skip(wrong, where)
        else:
            yield record


# Fields that hold a tracker record's own id; a record whose id is absurd is skipped.
ID_FIELDS = ("id", "number", "iid")


@dataclass(frozen=True)
class UnreadableLine:
    """A JSON Lines line that is not JSON: a record to skip, with why."""

    why: str


def _first_char(file: InputFile) -> str | None:
    try:
        with file.path.open("rb") as fh:
            while chunk := fh.read(4096):
                text = chunk.lstrip(b" \t\r\n\xef\xbb\xbf")
                if text:
                    return chr(text[0])
    except OSError as exc:
        raise InvalidExport(f"{file.label}: cannot read: {exc}") from None
    return None


def _array_records(file: InputFile, list_keys: frozenset[str]) -> Iterator[JsonRecord]:
    # DuckDB's reader streams a top-level array element by element; it gives up on a file of
    # back-to-back arrays (`gh api --paginate`), which the Python reader below then takes on.
    scratch = duckdb.connect()
    done = 0
    try:
        scratch.execute("SET threads = 1")
        scratch.execute("SET enable_progress_bar = false")
        result = scratch.execute(
            "SELECT json FROM read_json_objects(?, format = 'array')", [str(file.path)]
        )
        while rows := result.fetchmany(1000):
            for (text,) in rows:
                yield from _expand(
                    parse_json(text, file.label), f"record {done}", None, {}, list_keys
                )
                done += 1
        return
    except duckdb.Error:
        pass
    finally:
        scratch.close()
    index = 0
    for document in _documents(file):
        elements = document if isinstance(document, list) else [document]
        for element in elements:
            if index >= done:
                yield from _expand(element, f"record {index}", None, {}, list_keys)
            index += 1


def _object_records(file: InputFile, list_keys: frozenset[str]) -> Iterator[JsonRecord]:
    first_line, more = _first_lines(file)
    try:
        whole_line = json.loads(first_line) if first_line.strip() else None
    except (ValueError, RecursionError):
        whole_line = None
    if isinstance(whole_line, (dict, list)) and more:
        yield from _json_lines(file, list_keys)
        return
    for index, document in enumerate(_documents(file)):
        where = "record" if index == 0 else f"document {index}"
        if isinstance(document, dict):
            for key in [k for k in document if k.lower() in list_keys]:
                if document[key] is not None and not _is_record(document):
                    record_list(document, key, file.label)
        yield from _expand(document, where, None, {}, list_keys, top=True)


def _first_lines(file: InputFile) -> tuple[str, bool]:
    """The first line, and whether any other line has content (JSON Lines, not one document)."""
    try:
        with file.path.open("r", encoding="utf-8-sig") as fh:
            first = fh.readline(1 << 24)
            while line := fh.readline(1 << 16):
                if line.strip():
                    return first, True
            return first, False
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidExport(f"{file.label}: cannot read: {exc}") from None


def _json_lines(file: InputFile, list_keys: frozenset[str]) -> Iterator[JsonRecord]:
    for number, value, why in json_lines(file.path, file.label):
        if why is not None:
            yield JsonRecord(f"line {number}", UnreadableLine(why), None, {})
        else:
            yield from _expand(value, f"line {number}", None, {}, list_keys, top=True)


def _documents(file: InputFile) -> Iterator[Any]:
    """The JSON documents of a file, one or several back to back."""
    try:
        text = file.path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidExport(f"{file.label}: cannot read: {exc}") from None
    decoder = json.JSONDecoder()
    position = 0
    length = len(text)
    while True:
        while position < length and text[position] in " \t\r\n":
            position += 1
        if position >= length:
            return
        try:
            value, position = decoder.raw_decode(text, position)
        except json.JSONDecodeError as exc:
            raise InvalidExport(
                f"{file.label}: malformed JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
            ) from None
        except RecursionError:
            raise InvalidExport(too_deep(file.label)) from None
        yield value


def _expand(
    value: Any,
    where: str,
    hint: str | None,
    context: dict[str, Any],
    list_keys: frozenset[str],
    *,
    top: bool = False,
) -> Iterator[JsonRecord]:
    if isinstance(value, list):
        for index, element in enumerate(value):
            yield from _expand(element, f"{where}[{index}]", hint, context, list_keys)
        return
    # A wrapper is an object whose listed keys hold arrays and that is no record itself (an issue
    # with embedded comments has a number, a Jira issue has fields).
    if isinstance(value, dict) and not _is_record(value):
        lists = [k for k, v in value.items() if k.lower() in list_keys and isinstance(v, list)]
        if lists:
            scalars = {k: v for k, v in value.items() if not isinstance(v, list)}
            inner = {**context, **scalars}
            prefix = "record " if top and where == "record" else f"{where}."
            for key in lists:
                for index, element in enumerate(value[key]):
                    yield from _expand(
                        element, f"{prefix}{key}[{index}]", key.lower(), inner, list_keys
                    )
            return
    yield JsonRecord(where, value, hint, context)


def _is_record(value: dict[str, Any]) -> bool:
    return any(k in value for k in RECORD_FIELDS)


def summary(name: str, counts: dict[str, int], files: int) -> str:
    """'GitHub: 3 issues, 2 pull requests, ... from 4 files' for the ingest report."""
    parts = [f"{n} {what}" for what, n in counts.items() if n]
    return f"{name}: {', '.join(parts) or 'no records'} from {files} file{'s' * (files != 1)}"
