"""GitLab issues, merge requests and their notes (REST API JSON).

Accepted layouts: a JSON file, or a folder or .zip of them (``*.json``, ``*.jsonl``,
``*.ndjson``), each a JSON array of records (API pages as saved, or arrays of pages), JSON Lines,
one record, or an object wrapping arrays under ``issues``, ``merge_requests`` / ``mrs``,
``notes`` or ``discussions``.

What each record is:

- an issue or merge request has an ``iid``; its kind comes from its fields: a merge request has
  ``merge_status``, ``source_branch``, ``target_branch``, ``sha``, ``merged_at`` (or another
  merge-only field), an issue ``confidential``, ``issue_type``, ``due_date`` or ``weight``; a
  record with neither (a ``view=simple`` list page) goes by its URL, ``/-/merge_requests/N`` or,
  before GitLab 12 (2019), ``/merge_requests/N``, else by the list it sits under. Read:
  ``created_at``, ``closed_at``, ``merged_at`` (a ``state`` of 'merged' or 'closed' without its
  time, as GitLab before 11 and imports give, takes the item's latest 'merged' / 'closed'
  resource state event in the export, else its latest "merged" / "closed" system note, else its
  last update, ``updated_at``; the summary counts each rule),
  ``author`` (``username``, ``bot``, ``email``
  where the API gives one), ``assignees`` (else ``assignee``; absent: the item does not say),
  ``labels`` (strings, or objects with ``name``), ``title``, ``description``; embedded
  ``notes`` and ``discussions`` lists are read as below;
- a note has ``noteable_type`` / ``noteable_iid`` (or sits under a notes key, or inside its item):
  a note with ``system: true`` is an event, not a comment: "closed", "reopened" and "merged"
  notes are 'state' events, "assigned to" / "unassigned" notes 'assignment' events, "approved
  this merge request" a 'review'; other system notes (labels, mentions, commits) are not kept.
  Every other note is a 'comment'. Notes on commits or snippets are not kept;
- a discussion (``individual_note`` or a ``notes`` list without an ``iid``) is its notes;
- a resource state event (``resource_state_events`` embedded in an item, as the project export
  writes it, or the API's ``/resource_state_events`` records, which name their item by
  ``resource_type`` and ``resource_id``, its global id, which must then be in the export) gives
  the close and merge times above; it is not kept as an event of its own, since GitLab also
  writes the same change as a system note, which is.

A note names its item by ``noteable_type`` and ``noteable_iid``; where the iid is null (the
discussions API of some versions) by ``noteable_id``, the item's global ``id``, which must then
be in the export (else the note is a counted skip).

The project of a record is the path in its ``web_url`` (either URL shape) or ``references.full``; a record with
only a ``project_id`` (notes) takes the path another record gives that id, else 'project:<id>';
a record naming neither takes the one project of the export. Issues and merge requests have their
own number spaces: keys are md5('gitlab|group/project|#5') and md5('gitlab|group/project|!7').
Merge requests have kind 'merge_request'.

Bots: an author with ``bot: true``, or a username ending in "-bot" or "[bot]", or a project or
group access-token bot ("project_12_bot_...", "group_3_bot_..."). Decision records, as on GitHub:
a decision label ('decision', 'adr', 'rfc'...), a title starting 'ADR' or 'Decision:' (issues), or
a description with Context / Decision / Consequences headings (issues and merge requests). Links:
``#5``, ``!7``, ``group/project#5`` and issue or merge-request URLs in the title and description.

Times are ISO 8601 with their offset applied; a record whose date cannot be read is a counted
skip naming the file and record; malformed JSON stops the ingest with the file's name.

Left out: epics, milestones, time tracking, award emoji, the label, milestone and weight
resource events, and all texts.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from asyncmaturity.errors import InvalidExport
from asyncmaturity.sources.common import register_rows
from asyncmaturity.sources.interface import SourceFamily, SourceReport
from asyncmaturity.sources.reading import ARRAY, OBJECT
from asyncmaturity.sources.trackers import (
    BATCH_ROWS,
    JSON_SUFFIXES,
    BadDate,
    InputFile,
    JsonRecord,
    Stage,
    input_files,
    is_decision,
    is_slack_folder,
    json_records,
    label_names,
    parse_instant,
    peek,
)
from asyncmaturity.vocabulary import WorkEventKind, WorkItemKind

if TYPE_CHECKING:
    from asyncmaturity.sources.interface import IngestContext

MR_HINTS = frozenset({"merge_requests", "mergerequests", "mrs"})
NOTE_HINTS = frozenset({"notes"})
DISCUSSION_HINTS = frozenset({"discussions"})
STATE_EVENT_HINTS = frozenset({"resource_state_events"})
# The fields a record's people are read from: one of another type is a record skipped, named.
TYPED_FIELDS = {"author": (OBJECT,), "assignee": (OBJECT,), "assignees": (ARRAY,)}
LIST_KEYS = (
    frozenset({"issues", "items"}) | MR_HINTS | NOTE_HINTS | DISCUSSION_HINTS | STATE_EVENT_HINTS
)
# What dates a merged or closed item without its time, first found first used.
STATE_TIME_RULES = {
    "event": "'{state}' resource state event",
    "note": "'{state}' system note",
    "update": "last update (updated_at)",
}
# A resource state event names its item by type and global id.
RESOURCE_SIGNS = {"Issue": "#", "MergeRequest": "!"}
# Item URLs: '/group/project/-/merge_requests/7', and before GitLab 12 (2019) without the '/-'.
ITEM_URL = re.compile(
    r"https?://[^/\s\"]+/(.+?)(?:/-)?/(issues|merge_requests|work_items)/(\d+)(?:[/?#]|$)"
)
FULL_REF = re.compile(r"^(.+?)([#!])(\d+)$")
URL_REF = re.compile(
    r"https?://[^\s/]+/([\w./-]+?)(?:/-)?/(issues|merge_requests|work_items)/(\d+)"
)
CROSS_REF = re.compile(r"(?<![\w/.@-])([A-Za-z0-9][\w.-]*(?:/[\w.-]+)+)([#!])(\d+)\b")
LOCAL_REF = re.compile(r"(?<![\w/&#!])([#!])(\d+)\b")
BOT_NAME = re.compile(r"(?:-bot|\[bot\])$|^(?:project|group)_\d+_bot", re.IGNORECASE)
STATE_NOTE = re.compile(r"^\s*(closed|reopened|merged)\b", re.IGNORECASE)
ASSIGNMENT_NOTE = re.compile(r"^\s*(assigned to|unassigned|changed assignee)", re.IGNORECASE)
REVIEW_NOTE = re.compile(r"^\s*approved this merge request", re.IGNORECASE)
# Fields only a merge request has, and fields only an issue has: the record says what it is.
MR_FIELDS = frozenset(
    {"merge_status", "detailed_merge_status", "source_branch", "target_branch", "sha",
     "merge_commit_sha", "merged_at", "merged_by", "source_project_id", "target_project_id"}
)  # fmt: skip
ISSUE_FIELDS = frozenset({"issue_type", "confidential", "due_date", "weight", "epic_iid"})

GITLAB_MARKS = re.compile(
    r'"noteable_type"\s*:\s*"|"individual_note"\s*:|"web_url"\s*:\s*"[^"]*/-/(?:issues|merge_requests)/'
    r'|"references"\s*:\s*\{\s*"short"\s*:\s*"[#!]'
)
IID_FIELD = re.compile(r'"iid"\s*:\s*\d')
PROJECT_FIELD = re.compile(r'"project_id"\s*:\s*\d|"web_url"\s*:')
JIRA_MARKS = re.compile(r'"fields"\s*:\s*\{|/rest/api/(?:\d|latest)/')


def looks_like_gitlab(head: str) -> bool:
    """True when a file's first bytes look like GitLab API JSON of issues, MRs or notes."""
    if JIRA_MARKS.search(head):
        return False
    return bool(
        GITLAB_MARKS.search(head) or (IID_FIELD.search(head) and PROJECT_FIELD.search(head))
    )


class GitLabSource:
    """GitLab issues, merge requests, notes and discussions as API JSON."""

    name = "gitlab"
    family = SourceFamily.TRACKER
    summary = (
        "GitLab issues, merge requests, notes and discussions (REST API JSON); the kind comes "
        "from the record's fields (then its URL, with or without '/-/'), and a merged or closed "
        "state without its time takes the latest resource state event, else the latest state "
        "note, else the last update"
    )
    parser_version = "gitlab/3"
    accepts = (
        "a JSON / JSON Lines file, or a folder or .zip of them: /issues, /merge_requests, "
        "/notes, /discussions, /resource_state_events pages, or objects wrapping such lists"
    )

    real_samples = (
        (
            "leslie1943/antd-epro-jenkins-publish@cfe02c86c3fbb012f1627a0cd145a729fc3c6896:"
            "data-demo/22-iteration/2018-12-12-epro_publish_tool_mergeRequest.js"
        ),
        (
            "leslie1943/antd-epro-jenkins-publish@cfe02c86c3fbb012f1627a0cd145a729fc3c6896:"
            "data-demo/22-iteration/2018-12-12-epro_publish_tool_acceptRequest.js"
        ),
    )

    def detect(self, path: Path) -> bool:
        """GitLab API JSON in the file, or in the first files of a folder or zip."""
        if is_slack_folder(path):
            return False
        return any(looks_like_gitlab(head) for _, head in peek(path, JSON_SUFFIXES))

    def ingest(self, ctx: IngestContext, path: Path) -> SourceReport:
        """Read the export at `path` and add its new work items and events to the store."""
        report = SourceReport()
        stage = Stage(ctx, report)
        ids = GlobalIds(stage)
        states = StateTimes(stage)
        with input_files(path, JSON_SUFFIXES) as (_, files):
            for file in files:
                for record in json_records(file, LIST_KEYS, stage.skip, TYPED_FIELDS):
                    _read_record(stage, ids, states, file, record)
        if not files:
            raise InvalidExport(f"{path}: no GitLab JSON files (*.json, *.jsonl)")
        ids.flush()
        states.resolve()
        ids.resolve()
        return stage.commit(self.name, "GitLab", path, len(files))


Parent = tuple[str | None, str | None, str]  # (project path, project id, '#5' or '!7')
GLOBAL = "id:"  # the number of a note's item known only by its global id, until resolved


class GlobalIds:
    """Items' global ids, for notes that name their item by ``noteable_id`` alone."""

    def __init__(self, stage: Stage) -> None:
        self.stage = stage
        self.rows: list[dict[str, Any]] = []
        self._register("_gl_ids", [])

    def add(self, global_id: Any, scope: str | None, scope_id: str | None, number: str) -> None:
        """Remember the item with this global id."""
        if isinstance(global_id, int) and not isinstance(global_id, bool):
            self.rows.append(
                {
                    "global_id": str(global_id),
                    "scope": scope,
                    "scope_id": scope_id,
                    "number": number,
                }
            )
            if len(self.rows) >= BATCH_ROWS:
                self._register("_gl_batch", self.rows)
                self.stage.ctx.con.execute("INSERT INTO _gl_ids SELECT * FROM _gl_batch")
                self.rows.clear()

    def _register(self, name: str, rows: list[dict[str, Any]]) -> None:
        schema = pa.schema(
            [("global_id", pa.string()), ("scope", pa.string()), ("scope_id", pa.string()),
             ("number", pa.string())]
        )  # fmt: skip
        register_rows(self.stage.ctx, name, rows, schema)

    def flush(self) -> None:
        """Add the remembered ids to the staged table ``_gl_ids`` (global_id, scope, scope_id,
        number), which stays until :meth:`resolve`."""
        self._register("_gl_batch", self.rows)
        self.stage.ctx.con.execute("INSERT INTO _gl_ids SELECT * FROM _gl_batch")
        self.rows.clear()

    def resolve(self) -> None:
        """Give notes staged under a global id their item; count those whose item is absent."""
        self.flush()
        con = self.stage.ctx.con
        self.stage.flush()
        con.execute(
            """
            UPDATE _trk_events e SET scope = i.scope, scope_id = i.scope_id, number = i.number
            FROM (SELECT DISTINCT ON (global_id) * FROM _gl_ids) i
            WHERE e.number = $prefix || i.global_id
            """,
            {"prefix": GLOBAL},
        )
        lost = con.execute(
            "SELECT record FROM _trk_events WHERE starts_with(number, $prefix) ORDER BY record",
            {"prefix": GLOBAL},
        ).fetchall()
        for (where,) in lost:
            self.stage.skip(
                "note without its issue or merge request",
                f"{where}: its item (noteable_id) is not in the export",
            )
        con.execute(
            "DELETE FROM _trk_events WHERE starts_with(number, $prefix)", {"prefix": GLOBAL}
        )
        con.execute("DROP TABLE IF EXISTS _gl_ids")
        con.execute("DROP TABLE IF EXISTS _gl_batch")


class StateTimes:
    """Close and merge times of items whose state says so but whose timestamp is missing.

    GitLab before 11 (and imports) give ``state: merged`` or ``closed`` without ``merged_at`` /
    ``closed_at``. Such an item is merged or closed at its latest 'merged' / 'closed' resource
    state event in the export, else at its latest "merged" / "closed" system note, else at its
    last update (``updated_at``); the summary counts each rule.
    """

    # evidence: 'event' (a resource state event) or 'note' (a system note); record: where the
    # event was read, for a skip when its item is not in the export.
    SCHEMA = pa.schema(
        [("scope", pa.string()), ("scope_id", pa.string()), ("number", pa.string()),
         ("state", pa.string()), ("at", pa.timestamp("us")), ("evidence", pa.string()),
         ("record", pa.string())]
    )  # fmt: skip

    def __init__(self, stage: Stage) -> None:
        self.stage = stage
        self.items: list[dict[str, Any]] = []
        self.notes: list[dict[str, Any]] = []
        for table in ("_gl_untimed", "_gl_state_notes"):
            register_rows(stage.ctx, table, [], self.SCHEMA)

    def untimed(
        self, scope: str | None, scope_id: str | None, number: str, state: str, updated: Any
    ) -> None:
        """Remember a merged or closed item without its time, with its last update (or None)."""
        try:
            at = parse_instant(updated, "updated_at")
        except BadDate:
            at = None
        self._add(self.items, "_gl_untimed", scope, scope_id, number, state, at, None, None)

    def note(
        self, scope: str | None, scope_id: str | None, number: str, state: str, at: datetime
    ) -> None:
        """Remember a "closed", "merged" or "reopened" system note of an item."""
        self._add(self.notes, "_gl_state_notes", scope, scope_id, number, state, at, "note", None)

    def event(self, parent: Parent, state: str, at: datetime, where: str) -> None:
        """Remember a resource state event of an item (its number 'id:#<global id>' when the
        event names the item by global id alone)."""
        self._add(self.notes, "_gl_state_notes", *parent, state, at, "event", where)

    def _add(self, rows: list[dict[str, Any]], table: str, *values: Any) -> None:
        rows.append(dict(zip(self.SCHEMA.names, values, strict=True)))
        if len(rows) >= BATCH_ROWS:
            self._flush(rows, table)

    def _flush(self, rows: list[dict[str, Any]], table: str) -> None:
        register_rows(self.stage.ctx, "_gl_state_batch", rows, self.SCHEMA)
        self.stage.ctx.con.execute(f"INSERT INTO {table} SELECT * FROM _gl_state_batch")
        rows.clear()

    def resolve(self) -> None:
        """Give the staged items their merge or close time, and note how many took which.

        Needs the items' global ids staged (:meth:`GlobalIds.flush`) for the events that name
        their item by global id; an event whose item is not in the export is a counted skip.
        """
        self._flush(self.items, "_gl_untimed")
        self._flush(self.notes, "_gl_state_notes")
        self.stage.flush()
        con = self.stage.ctx.con
        # Issues and merge requests number their global ids apart: the sign tells which.
        con.execute(
            """
            UPDATE _gl_state_notes n SET scope = i.scope, scope_id = i.scope_id, number = i.number
            FROM (SELECT DISTINCT ON (global_id, left(number, 1)) * FROM _gl_ids) i
            WHERE n.number = $prefix || left(i.number, 1) || i.global_id
            """,
            {"prefix": GLOBAL},
        )
        lost = con.execute(
            "SELECT record FROM _gl_state_notes WHERE starts_with(number, $prefix) ORDER BY 1",
            {"prefix": GLOBAL},
        ).fetchall()
        for (where,) in lost:
            self.stage.skip(
                "state event without its issue or merge request",
                f"{where}: its item (resource_id) is not in the export",
            )
        # An item and its notes share the number and the project, named by path or by id.
        con.execute(
            """
            CREATE OR REPLACE TEMP TABLE _gl_timed AS
            SELECT u.scope, u.scope_id, u.number, u.state,
                   coalesce(max(n.at) FILTER (n.evidence = 'event'),
                            max(n.at) FILTER (n.evidence = 'note'), any_value(u.at)) AS at,
                   CASE WHEN max(n.at) FILTER (n.evidence = 'event') IS NOT NULL THEN 'event'
                        WHEN max(n.at) FILTER (n.evidence = 'note') IS NOT NULL THEN 'note'
                        WHEN any_value(u.at) IS NOT NULL THEN 'update' END AS rule
            FROM _gl_untimed u
            LEFT JOIN _gl_state_notes n
              ON n.number = u.number AND n.state = u.state
             AND (n.scope = u.scope OR n.scope_id = u.scope_id
                  OR (n.scope IS NULL AND n.scope_id IS NULL))
            GROUP BY ALL
            """
        )
        for column, state in (("merged_at", "merged"), ("closed_at", "closed")):
            con.execute(
                f"""
                UPDATE _trk_items i SET {column} = t.at
                FROM _gl_timed t
                WHERE t.state = $state AND i.{column} IS NULL AND i.number = t.number
                  AND (i.scope = t.scope OR i.scope_id = t.scope_id
                       OR (i.scope IS NULL AND t.scope IS NULL
                           AND i.scope_id IS NOT DISTINCT FROM t.scope_id))
                """,
                {"state": state},
            )
        counts = con.execute(
            "SELECT state, rule, count(*) FROM _gl_timed WHERE rule IS NOT NULL GROUP BY ALL"
        ).fetchall()
        rules = list(STATE_TIME_RULES)
        for state, rule, count in sorted(
            counts, key=lambda c: (c[0] != "merged", rules.index(c[1]))
        ):
            at = STATE_TIME_RULES[rule].format(state=state)
            self.stage.note(f"{state} items without {state}_at, {state} at their {at}", count)
        for table in ("_gl_untimed", "_gl_state_notes", "_gl_timed", "_gl_state_batch"):
            con.execute(f"DROP TABLE IF EXISTS {table}")


def _read_record(
    stage: Stage, ids: GlobalIds, states: StateTimes, file: InputFile, record: JsonRecord
) -> None:
    rec, where = record.value, f"{file.label} {record.where}"
    if not isinstance(rec, dict):
        stage.count("other records")
        stage.skip("record that is not a GitLab issue, merge request or note", where)
        return
    hint = record.hint
    if "iid" in rec and hint not in NOTE_HINTS:
        _read_item(stage, ids, states, rec, file.label, where, hint, record.context)
    elif hint in STATE_EVENT_HINTS or ("resource_type" in rec and "state" in rec):
        _read_state_event(stage, states, rec, where, None)
    elif hint in DISCUSSION_HINTS or "individual_note" in rec or isinstance(rec.get("notes"), list):
        _read_discussion(stage, states, rec, file.label, where, None, record.context)
    elif hint in NOTE_HINTS or "noteable_type" in rec or "system" in rec:
        _read_note(stage, states, rec, file.label, where, None, record.context)
    else:
        stage.count("other records")
        stage.skip("record that is not a GitLab issue, merge request or note", where)


def _username(user: Any) -> tuple[str | None, bool, str | None, str | None]:
    """(username, is bot, name, e-mail) of a GitLab user object."""
    if isinstance(user, str):
        user = {"username": user}
    if not isinstance(user, dict):
        return None, False, None, None
    username = user.get("username")
    if not isinstance(username, str) or not username.strip():
        return None, False, None, None
    username = username.strip().lower()
    bot = user.get("bot") is True or bool(BOT_NAME.search(username))
    name = user.get("name") if isinstance(user.get("name"), str) else username
    email = user.get("email") or user.get("public_email")
    return username, bot, name, email if isinstance(email, str) else None


def _person(stage: Stage, user: Any) -> str | None:
    username, bot, name, email = _username(user)
    if username is None:
        return None
    identity = f"gitlab:{username}"
    stage.person(identity, is_bot=bot, name=name, email=email)
    return identity


def _project_id(rec: dict[str, Any], context: dict[str, Any]) -> str | None:
    for value in (rec.get("project_id"), context.get("project_id")):
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def _item_ref(rec: dict[str, Any]) -> tuple[str, str] | None:
    """(project path, '#5' or '!7') from an item's web_url or references.full."""
    url = rec.get("web_url")
    if isinstance(url, str):
        match = ITEM_URL.match(url)
        if match:
            sign = "!" if match[2] == "merge_requests" else "#"
            return match[1].lower(), f"{sign}{match[3]}"
    refs = rec.get("references")
    full = refs.get("full") if isinstance(refs, dict) else None
    if isinstance(full, str):
        found = FULL_REF.match(full.strip())
        if found:
            return found[1].lower(), f"{found[2]}{found[3]}"
    return None


def _context_path(context: dict[str, Any]) -> str | None:
    for key in ("project", "path_with_namespace", "project_path"):
        value = context.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip().lower()
        if isinstance(value, dict) and isinstance(value.get("path_with_namespace"), str):
            return str(value["path_with_namespace"]).lower()
    return None


def _links(text: str) -> list[str]:
    """Referenced items as 'group/project|#5' or '|!7' (the item's own project)."""
    refs = []
    for m in URL_REF.finditer(text):
        refs.append(f"{m[1].lower()}|{'!' if m[2] == 'merge_requests' else '#'}{m[3]}")
    rest = URL_REF.sub(" ", text)
    refs += [f"{m[1].lower()}|{m[2]}{m[3]}" for m in CROSS_REF.finditer(rest)]
    rest = CROSS_REF.sub(" ", rest)
    refs += [f"|{m[1]}{m[2]}" for m in LOCAL_REF.finditer(rest)]
    return refs


def _read_item(
    stage: Stage,
    ids: GlobalIds,
    states: StateTimes,
    rec: dict[str, Any],
    origin: str,
    where: str,
    hint: str | None,
    context: dict[str, Any],
) -> None:
    iid = rec.get("iid")
    ref = _item_ref(rec)
    if not MR_FIELDS.isdisjoint(rec):
        is_mr = True
    elif not ISSUE_FIELDS.isdisjoint(rec):
        is_mr = False
    else:  # a bare record (a list page's view=simple): its URL, else the list it sits in
        is_mr = ref[1].startswith("!") if ref is not None else hint in MR_HINTS
    stage.count("merge requests" if is_mr else "issues")
    if not (isinstance(iid, int) and not isinstance(iid, bool)) and not (
        isinstance(iid, str) and iid.isdigit()
    ):
        stage.skip("item without an iid", f"{where}: iid {iid!r}")
        return
    number = f"{'!' if is_mr else '#'}{iid}"
    times = stage.times(
        where,
        "item without a creation time",
        (rec.get("created_at"), "created_at"),
        (rec.get("closed_at"), "closed_at"),
        (rec.get("merged_at"), "merged_at"),
    )
    if times is None:
        return
    created, (closed, merged) = times
    scope = ref[0] if ref else _context_path(context)
    project_id = _project_id(rec, context)
    state = str(rec.get("state") or "").lower()
    if (state == "merged" and merged is None) or (state == "closed" and closed is None):
        states.untimed(scope, project_id, number, state, rec.get("updated_at"))
    labels = label_names(rec.get("labels"))
    title = rec.get("title") if isinstance(rec.get("title"), str) else None
    body = rec.get("description") if isinstance(rec.get("description"), str) else None
    decision = is_decision([], None, body) if is_mr else is_decision(labels or [], title, body)
    assignees: int | None = None
    if isinstance(rec.get("assignees"), list):
        assignees = len(rec["assignees"])
        for assignee in rec["assignees"]:
            _person(stage, assignee)
    elif "assignee" in rec:
        assignees = int(bool(rec["assignee"]))
    stage.item(
        origin=origin,
        record=where,
        scope=scope,
        scope_id=project_id,
        number=number,
        kind=WorkItemKind.MERGE_REQUEST if is_mr else WorkItemKind.ISSUE,
        created_at=created,
        closed_at=closed,
        merged_at=merged,
        author=_person(stage, rec.get("author")),
        assignees=assignees,
        labels=labels,
        links=_links(f"{title or ''}\n{body or ''}") if (is_mr or title or body) else None,
        decision=decision,
    )
    parent: Parent = (scope, project_id, number)
    ids.add(rec.get("id"), scope, project_id, number)
    for index, note in enumerate(rec.get("notes") or []):
        _read_note(stage, states, note, origin, f"{where}.notes[{index}]", parent, context)
    for index, discussion in enumerate(rec.get("discussions") or []):
        _read_discussion(
            stage, states, discussion, origin, f"{where}.discussions[{index}]", parent, context
        )
    for index, event in enumerate(rec.get("resource_state_events") or []):
        _read_state_event(stage, states, event, f"{where}.resource_state_events[{index}]", parent)


def _read_state_event(
    stage: Stage, states: StateTimes, rec: Any, where: str, parent: Parent | None
) -> None:
    """A resource state event: of its item (`parent`), else of the item it names by global id."""
    if not isinstance(rec, dict):
        stage.count("other records")
        stage.skip("state event that is not an object", where)
        return
    resource = rec.get("resource_type")
    if parent is None and resource is not None and resource not in RESOURCE_SIGNS:
        stage.count("state events of epics and other items (not kept)")
        return
    stage.count("resource state events")
    if parent is None:
        global_id = rec.get("resource_id")
        if resource is None or not isinstance(global_id, int) or isinstance(global_id, bool):
            stage.skip(
                "state event without its issue or merge request",
                f"{where}: no resource_type and resource_id",
            )
            return
        parent = (None, None, f"{GLOBAL}{RESOURCE_SIGNS[resource]}{global_id}")
    when = stage.time(where, "state event without a time", rec.get("created_at"), "created_at")
    state = str(rec.get("state") or "").lower()
    if when is not None and state in ("closed", "merged"):
        states.event(parent, state, when, where)


def _read_discussion(
    stage: Stage,
    states: StateTimes,
    rec: Any,
    origin: str,
    where: str,
    parent: Parent | None,
    context: dict[str, Any],
) -> None:
    notes = rec.get("notes") if isinstance(rec, dict) else None
    if not isinstance(notes, list):
        stage.count("other records")
        stage.skip("discussion without notes", where)
        return
    for index, note in enumerate(notes):
        _read_note(stage, states, note, origin, f"{where}.notes[{index}]", parent, context)


def _note_parent(
    rec: dict[str, Any], parent: Parent | None, context: dict[str, Any]
) -> Parent | str | None:
    """The note's item; 'other' for a note on a commit or snippet."""
    if parent is not None:
        return parent
    kind = rec.get("noteable_type") or context.get("noteable_type")
    iid = rec.get("noteable_iid", context.get("noteable_iid", context.get("iid")))
    if kind is not None and kind not in ("Issue", "MergeRequest"):
        return "other"
    is_int = isinstance(iid, int) and not isinstance(iid, bool)
    if not is_int and not (isinstance(iid, str) and iid.isdigit()):
        global_id = rec.get("noteable_id")
        if kind is not None and isinstance(global_id, int) and not isinstance(global_id, bool):
            return None, None, f"{GLOBAL}{global_id}"  # resolved once every item is read
        return None
    sign = "!" if kind == "MergeRequest" else "#"
    return _context_path(context), _project_id(rec, context), f"{sign}{iid}"


def _read_note(
    stage: Stage,
    states: StateTimes,
    rec: Any,
    origin: str,
    where: str,
    parent: Parent | None,
    context: dict[str, Any],
) -> None:
    if not isinstance(rec, dict):
        stage.count("other records")
        stage.skip("note that is not an object", where)
        return
    found = _note_parent(rec, parent, context)
    if found == "other":
        stage.count("notes on commits or snippets (not kept)")
        return
    body = str(rec.get("body") or rec.get("note") or "")
    if rec.get("system"):
        if STATE_NOTE.match(body):
            kind = WorkEventKind.STATE
        elif ASSIGNMENT_NOTE.match(body):
            kind = WorkEventKind.ASSIGNMENT
        elif REVIEW_NOTE.match(body):
            kind = WorkEventKind.REVIEW
        else:
            stage.count("system notes of other kinds (not kept)")
            return
        stage.count("system notes")
    else:
        kind = WorkEventKind.COMMENT
        stage.count("comments")
    if not isinstance(found, tuple):
        stage.skip("note without its issue or merge request", f"{where}: no noteable_iid")
        return
    when = stage.time(where, "note without a time", rec.get("created_at"), "created_at")
    if when is None:
        return
    actor = _person(stage, rec.get("author"))
    native = rec.get("id")
    event_id = (
        f"note:{native}"
        if native is not None
        else f"{kind}|{when.isoformat()}|{actor.removeprefix('gitlab:') if actor else ''}"
    )
    verb = STATE_NOTE.match(body) if kind == WorkEventKind.STATE else None
    if verb is not None:
        states.note(found[0], found[1], found[2], verb[1].lower(), when)
    stage.event(
        origin=origin,
        record=where,
        scope=found[0],
        scope_id=found[1],
        number=found[2],
        event_id=event_id,
        kind=kind,
        actor=actor,
        occurred_at=when,
        text=body if kind == WorkEventKind.COMMENT else None,
    )
