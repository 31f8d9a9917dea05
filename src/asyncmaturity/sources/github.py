"""GitHub issues, pull requests, comments and reviews (REST API or gh CLI JSON), and ADR files.

Accepted layouts: a JSON file, or a folder or .zip of them (``*.json``, ``*.jsonl``,
``*.ndjson``), each holding

- a JSON array of records (REST API pages as saved; ``gh api --paginate`` output, back-to-back
  arrays; ``--slurp`` arrays of arrays), JSON Lines, or one record;
- an object wrapping such arrays under ``issues``, ``pulls`` / ``pull_requests`` / ``prs``,
  ``comments`` / ``issue_comments``, ``review_comments``, ``reviews``, ``events`` /
  ``issue_events`` or ``items``, beside optional scalars such as ``"repository": "owner/repo"``
  that apply to the records without a URL.

What each record is, by its shape (or the wrapping key):

- an item has a ``number``. It is a pull request when it carries the REST ``pull_request``
  marker, a ``merged_at`` / ``mergedAt``, ``head`` / ``headRefName`` / ``isDraft``, a ``/pull/``
  URL or sits under a pulls key; else an issue. Read: ``created_at`` / ``createdAt``,
  ``closed_at`` / ``closedAt``, ``merged_at`` / ``mergedAt`` / ``pull_request.merged_at``,
  ``user`` / ``author`` (an object with ``login``, ``type``, ``is_bot``, or a plain login),
  ``assignees`` (a list; else ``assignee``; absent: the item does not say), ``labels`` (objects
  with ``name`` or strings); gh's embedded ``comments`` and ``reviews`` lists become events;
- an issue comment has an ``issue_url`` (or sits under a comments key with an ``html_url``,
  ``issue_number`` or ``number``); a review comment a ``diff_hunk`` / ``pull_request_review_id``;
  a review a ``submitted_at`` / ``submittedAt`` (pending reviews, never submitted, are no
  events); an issue event (``/issues/events``) an ``event`` and its ``issue``: closed, reopened
  and merged are 'state' events, assigned and unassigned 'assignment' events, the rest is not
  kept.

Comments and reviews are joined to their item by the repository and number in their URL
(``issue_url``, ``pull_request_url`` or ``html_url``), else by ``issue_number`` / ``number`` in
the repository the wrapper or the export names. The repository of a record comes from its URLs,
its ``repository`` / ``repository_url``, or the wrapper; a record naming none takes the one
repository named elsewhere in the export. Repository names are lower-cased.

An item's key is md5('github|owner/repo|number'), so issues and pull requests share one number
space as on GitHub, and the same item read from REST and from gh is one item. Comments and
review comments are keyed by their numeric id (REST's ``id``, or the ``#issuecomment-N`` anchor
of a gh comment's URL), so that a REST and a gh export of the same thread do not double count;
comments without either, and reviews (gh gives node ids only), by kind, time and author.

Bots: ``type`` "Bot", gh's ``is_bot``, or a login ending in "[bot]"; gh's "app/NAME" logins read
as "NAME[bot]" (the REST name of the same app). gh's comment authors carry no bot flag: a bot
whose login has no "[bot]" there is counted as a person.

Decision records (kind 'decision'): an issue with a label naming one ('decision', 'adr', 'rfc',
'architecture decision record', also after a prefix such as 'type: ' or 'kind/'; any case), an
issue whose title starts with 'ADR' ('ADR-0003', 'ADR 12:') or 'Decision:', or an issue or pull
request whose body has headings starting Context, Decision and Consequences (Nygard's template and
MADR); a pull request is a decision by its body alone. A decision is not counted among the issues
and pull requests (``work.items``) but in ``work.decision_records``. In a folder or .zip, every
Markdown file directly inside a folder named ``adr``, ``adrs``, ``decisions``,
``decision-records`` or ``architecture-decisions`` (``docs/adr/0001-*.md``,
``doc/decisions/*.md``) is a decision record too, README, index and template files aside; it is
created at the date of its front matter's ``date:`` or its ``Date:`` line (adr-tools, MADR; read
by :func:`asyncmaturity.decisions.records.decision_date`: ISO 8601, or '10 February 2026',
'February 10, 2026', '2026/02/10', '10.02.2026' and the like; another value is a counted skip),
else at the file's modification time (UTC), and keyed by its path under the folder given (given
the ADR folder itself: its name and the file's).

Links: the references in an item's title and body (``#12``, ``GH-12``, ``closes #12``,
``owner/repo#12``, an issue or pull request URL) and gh's ``closingIssuesReferences`` are the
item's links (keys of the referenced items). A pull request always has a (possibly empty) list.

Times are ISO 8601 (``Z`` or an offset is applied; a time without one is UTC). A record whose
date cannot be read, or an item without a creation time, is a counted skip naming the file and
the record (``issues.json record 3``, ``export.json record pulls[2]``); a file that is not JSON
at all stops the ingest with its name, line and column. Comments are work events, never chat
messages.

Left out: reactions, milestones, projects, requested reviewers, commits, timeline events and the
texts themselves (nothing of a body is stored but the features above).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from asyncmaturity.decisions.records import DATE_LINE, NOT_RECORDS, SUFFIXES, decision_date
from asyncmaturity.errors import InvalidExport
from asyncmaturity.sources.archive import zip_names
from asyncmaturity.sources.interface import SourceFamily, SourceReport
from asyncmaturity.sources.reading import ARRAY, OBJECT, STRING
from asyncmaturity.sources.trackers import (
    FILE_SCOPE,
    JSON_SUFFIXES,
    InputFile,
    JsonRecord,
    Stage,
    input_files,
    is_decision,
    is_slack_folder,
    json_records,
    label_names,
    peek,
    text_of,
    walk,
)
from asyncmaturity.vocabulary import WorkEventKind, WorkItemKind

if TYPE_CHECKING:
    from asyncmaturity.sources.interface import IngestContext

PR_HINTS = frozenset({"pulls", "pull_requests", "pullrequests", "prs"})
COMMENT_HINTS = frozenset({"comments", "issue_comments"})
REVIEW_COMMENT_HINTS = frozenset({"review_comments"})
REVIEW_HINTS = frozenset({"reviews"})
EVENT_HINTS = frozenset({"events", "issue_events"})
ITEM_HINTS = frozenset({"issues", "items"}) | PR_HINTS
# The fields a record's people are read from: one of another type is a record skipped, named.
TYPED_FIELDS = {
    "user": (OBJECT,),
    "author": (OBJECT, STRING),  # gh's --json author gives the login alone in some versions
    "actor": (OBJECT,),
    "assignee": (OBJECT,),
    "assignees": (ARRAY, OBJECT),  # GraphQL wraps lists in {"nodes": [...]}
}
LIST_KEYS = ITEM_HINTS | COMMENT_HINTS | REVIEW_COMMENT_HINTS | REVIEW_HINTS | EVENT_HINTS
PR_KEYS = ("merged_at", "mergedAt", "head", "headRefName", "baseRefName", "isDraft", "mergeCommit")
STATE_EVENTS = frozenset({"closed", "reopened", "merged"})
ASSIGNMENT_EVENTS = frozenset({"assigned", "unassigned"})
ADR_DIRS = frozenset({"adr", "adrs", "decisions", "decision-records", "architecture-decisions"})
ADR_PLACES = (
    "docs/adr",
    "doc/adr",
    "docs/adrs",
    "docs/decisions",
    "doc/decisions",
    "docs/architecture/decisions",
    "doc/architecture/decisions",
    "adr",
    "decisions",
)

ITEM_URL = re.compile(
    r"https?://[^/\s\"]+/(?:api/v3/)?(?:repos/)?([\w.-]+)/([\w.-]+)/(?:issues|pulls?)/(\d+)"
)
REPO_URL = re.compile(r"https?://[^/\s\"]+/(?:api/v3/)?repos/([\w.-]+)/([\w.-]+)")
URL_REF = re.compile(r"https?://[^\s/]+/([\w.-]+)/([\w.-]+)/(?:issues|pull)/(\d+)")
CROSS_REF = re.compile(r"(?<![\w/.@-])([A-Za-z0-9][\w.-]*/[\w.-]+)#(\d+)\b")
COMMENT_ANCHOR = re.compile(r"#(?:issuecomment|discussion_r)-?(\d+)$")
LOCAL_REF = re.compile(r"(?<![\w/&#])(?:#|GH-)(\d+)\b")

# Detection: markers in the first bytes of a file.
# A chat message may link to GitHub under a "url" key (Slack blocks): only API-shaped fields count.
GITHUB_URL_FIELD = re.compile(
    r'"(?:issue_url|pull_request_url|repository_url)"\s*:\s*"https?://'
    r'|"html_url"\s*:\s*"https?://[^"\s]*github[^"\s]*/[^"\s]+/[^"\s]+/(?:issues|pull)/'
    r'|"url"\s*:\s*"https?://(?:api\.github\.com|[^"\s]+/api/v3)/repos/'
)
NUMBER_FIELD = re.compile(r'"number"\s*:\s*\d')
PERSON_FIELD = re.compile(r'"login"\s*:|"is_bot"\s*:|"author"\s*:\s*"')
OTHER_FORMATS = re.compile(
    r'"iid"\s*:\s*\d|"noteable_type"\s*:|"fields"\s*:\s*\{|/rest/api/(?:\d|latest)/'
    r'|"ts"\s*:\s*"\d+\.\d+"'  # Slack messages
)


def looks_like_github(head: str) -> bool:
    """True when a file's first bytes look like GitHub REST or gh CLI JSON."""
    if OTHER_FORMATS.search(head):
        return False
    if GITHUB_URL_FIELD.search(head):
        return True
    return bool(NUMBER_FIELD.search(head) and PERSON_FIELD.search(head))


class GitHubSource:
    """GitHub issues and pull requests as JSON (REST API or gh CLI), plus ADR folders."""

    name = "github"
    family = SourceFamily.TRACKER
    summary = (
        "GitHub issues, pull requests, comments, reviews and issue events (REST API or gh CLI "
        "JSON), and decision records (ADR Markdown files)"
    )
    parser_version = "github/1"
    accepts = (
        "a JSON / JSON Lines file, or a folder or .zip of them (REST /issues, /pulls, comments, "
        "reviews, events; `gh issue list` / `gh pr list --json`; objects wrapping such lists), "
        "and folders of ADR files (docs/adr/*.md, doc/decisions/*.md)"
    )

    real_samples = (
        "octokit/fixtures@cb8bc9dafc55a3837be4434ff4ba7acf3d9cadde:"
        "scenarios/api.github.com/paginate-issues/raw-fixture.json",
    )

    def detect(self, path: Path) -> bool:
        """GitHub JSON in the file (or the first files of a folder or zip), or an ADR folder."""
        if is_slack_folder(path):
            return False
        if path.is_dir() and _has_adr_folder(path):
            return True
        if path.is_file() and path.suffix.lower() == ".zip" and _zip_has_adr_folder(path):
            return True
        return any(looks_like_github(head) for _, head in peek(path, JSON_SUFFIXES))

    def ingest(self, ctx: IngestContext, path: Path) -> SourceReport:
        """Read the export at `path` and add its new work items and events to the store."""
        report = SourceReport()
        stage = Stage(ctx, report)
        with input_files(path, JSON_SUFFIXES) as (root, files):
            for file in files:
                for record in json_records(file, LIST_KEYS, stage.skip, TYPED_FIELDS):
                    _read_record(stage, file, record)
            scan = path.is_dir() or path.suffix.lower() == ".zip"
            adrs = _adr_files(root) if scan else []
            for adr, key in adrs:
                _read_adr(stage, adr, key, str(adr) if not path.is_file() else f"{path}!{key}")
        if not files and not adrs:
            raise InvalidExport(
                f"{path}: no GitHub JSON files (*.json, *.jsonl) and no decision-record folder "
                "(docs/adr, doc/decisions)"
            )
        return stage.commit(self.name, "GitHub", path, len(files) + len(adrs))


# Records -------------------------------------------------------------------------------------


def _read_record(stage: Stage, file: InputFile, record: JsonRecord) -> None:
    rec, hint, where = record.value, record.hint, f"{file.label} {record.where}"
    if not isinstance(rec, dict):
        stage.count("other records")
        stage.skip("record that is not a GitHub issue, pull request, comment or review", where)
        return
    shape = _shape(rec, hint)
    if shape == "item":
        _read_item(stage, rec, file.label, where, hint, record.context)
    elif shape == "event":
        _read_issue_event(stage, rec, file.label, where, record.context)
    elif shape is not None:
        parent = _parent(rec, record.context)
        _read_response(stage, rec, file.label, where, shape, parent)
    else:
        stage.count("other records")
        stage.skip("record that is not a GitHub issue, pull request, comment or review", where)


def _shape(rec: dict[str, Any], hint: str | None) -> str | None:
    review_comment = "diff_hunk" in rec or "pull_request_review_id" in rec
    if hint in REVIEW_COMMENT_HINTS or (hint in COMMENT_HINTS and review_comment):
        return "review comment"
    if hint in COMMENT_HINTS:
        return "comment"
    if hint in REVIEW_HINTS:
        return "review"
    if hint in EVENT_HINTS or ("event" in rec and "number" not in rec):
        return "event"
    if review_comment:
        return "review comment"
    if "submitted_at" in rec or "submittedAt" in rec:
        return "review"
    if "issue_url" in rec:
        return "comment"
    if "number" in rec:
        return "item"
    return None


def _login(user: Any) -> tuple[str | None, bool, str | None]:
    """(normalized login, is bot, display name) of a user object or plain login."""
    login: Any
    if isinstance(user, str):
        login, bot, name = user, False, None
    elif isinstance(user, dict):
        login = user.get("login") or user.get("username")
        bot = (
            user.get("type") == "Bot"
            or user.get("is_bot") is True
            or str(user.get("id", "")).startswith("BOT_")
        )
        name = user.get("name") if isinstance(user.get("name"), str) else None
    else:
        return None, False, None
    if not isinstance(login, str) or not login.strip():
        return None, False, None
    login = login.strip().lower()
    if login.startswith("app/"):
        login, bot = login[4:] + "[bot]", True
    return login, bot or login.endswith("[bot]"), name or login


def _person(stage: Stage, user: Any) -> str | None:
    login, bot, name = _login(user)
    if login is None:
        return None
    identity = f"github:{login}"
    stage.person(identity, is_bot=bot, name=name)
    return identity


def _repo_of(value: Any) -> str | None:
    if isinstance(value, str):
        match = REPO_URL.match(value)
        if match:
            return f"{match[1]}/{match[2]}".lower()
        if re.fullmatch(r"[\w.-]+/[\w.-]+", value.strip()):
            return value.strip().lower()
        return None
    if isinstance(value, dict):
        for key in ("full_name", "nameWithOwner"):
            if isinstance(value.get(key), str):
                return _repo_of(value[key])
        owner = value.get("owner")
        owner_login = owner.get("login") if isinstance(owner, dict) else owner
        if isinstance(owner_login, str) and isinstance(value.get("name"), str):
            return f"{owner_login}/{value['name']}".lower()
    return None


def _url_ref(rec: dict[str, Any], keys: tuple[str, ...]) -> tuple[str, str] | None:
    for key in keys:
        value = rec.get(key)
        if isinstance(value, str):
            match = ITEM_URL.match(value)
            if match:
                return f"{match[1]}/{match[2]}".lower(), match[3]
    return None


def _scope(rec: dict[str, Any], context: dict[str, Any]) -> str | None:
    for key in ("repository", "repository_url", "repo"):
        found = _repo_of(rec.get(key))
        if found:
            return found
    for key in ("repository", "repo", "full_name", "nameWithOwner"):
        found = _repo_of(context.get(key))
        if found:
            return found
    return None


def _number(value: Any) -> str | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str) and value.strip().lstrip("#").isdigit():
        return value.strip().lstrip("#")
    return None


def _parent(rec: dict[str, Any], context: dict[str, Any]) -> tuple[str | None, str] | None:
    """(repository, number) of the item a comment, review or review comment belongs to."""
    found = _url_ref(rec, ("issue_url", "pull_request_url", "html_url", "url"))
    if found:
        return found
    for key in ("issue_number", "pull_number", "pull_request_number", "number"):
        number = _number(rec.get(key))
        if number:
            return _scope(rec, context), number
    return None


def _assignees(rec: dict[str, Any]) -> int | None:
    if isinstance(rec.get("assignees"), list):
        return len(rec["assignees"])
    if "assignee" in rec:
        return int(bool(rec["assignee"]))
    return None


def _first(rec: dict[str, Any], *keys: str) -> Any:
    for key in keys:
        if rec.get(key) is not None:
            return rec[key]
    return None


def _links(text: str) -> list[str]:
    """Referenced items as 'owner/repo|N', or '|N' in the item's own repository."""
    refs = [f"{m[1]}/{m[2]}|{m[3]}".lower() for m in URL_REF.finditer(text)]
    rest = URL_REF.sub(" ", text)
    refs += [f"{m[1]}|{m[2]}".lower() for m in CROSS_REF.finditer(rest)]
    rest = CROSS_REF.sub(" ", rest)
    refs += [f"|{m[1]}" for m in LOCAL_REF.finditer(rest)]
    return refs


def _read_item(
    stage: Stage,
    rec: dict[str, Any],
    origin: str,
    where: str,
    hint: str | None,
    context: dict[str, Any],
) -> None:
    number = _number(rec.get("number"))
    url_ref = _url_ref(rec, ("html_url", "url"))
    if number is None:
        stage.count("other records")
        stage.skip("item without a number", f"{where}: number {rec.get('number')!r}")
        return
    scope = url_ref[0] if url_ref else _scope(rec, context)
    url = str(rec.get("html_url") or rec.get("url") or "")
    marker = rec.get("pull_request")
    is_pr = (
        hint in PR_HINTS
        or "pull_request" in rec
        or any(k in rec for k in PR_KEYS)
        or "/pull/" in url
        or "/pulls/" in url
    )
    stage.count("pull requests" if is_pr else "issues")
    times = stage.times(
        where,
        "item without a creation time",
        (_first(rec, "created_at", "createdAt"), "created_at"),
        (_first(rec, "closed_at", "closedAt"), "closed_at"),
        (
            _first(rec, "merged_at", "mergedAt")
            or (marker.get("merged_at") if isinstance(marker, dict) else None),
            "merged_at",
        ),
    )
    if times is None:
        return
    created, (closed, merged) = times
    labels = label_names(rec.get("labels"))
    title = rec.get("title") if isinstance(rec.get("title"), str) else None
    body = rec.get("body") if isinstance(rec.get("body"), str) else None
    decision = (
        follows_template(body)
        if is_pr
        else is_decision(labels or [], title, body)  # labels and titles mark issues only
    )
    links: list[str] | None = None
    if is_pr or title or body:
        links = _links(f"{title or ''}\n{body or ''}")
        for ref in rec.get("closingIssuesReferences") or []:
            if isinstance(ref, dict):
                found = _url_ref(ref, ("url",))
                if found:
                    links.append(f"{found[0]}|{found[1]}")
                elif _number(ref.get("number")):
                    repo = _repo_of(ref.get("repository"))
                    links.append(f"{repo or ''}|{_number(ref.get('number'))}")
    author = _person(stage, _first(rec, "user", "author"))
    stage.item(
        origin=origin,
        record=where,
        scope=scope,
        scope_id=None,
        number=number,
        kind=WorkItemKind.PULL_REQUEST if is_pr else WorkItemKind.ISSUE,
        created_at=created,
        closed_at=closed,
        merged_at=merged,
        author=author,
        assignees=_assignees(rec),
        labels=labels,
        links=links,
        decision=decision,
    )
    if isinstance(rec.get("assignees"), list):
        for assignee in rec["assignees"]:
            _person(stage, assignee)
    parent = (scope, number)
    for key, shape in (("comments", "comment"), ("reviews", "review")):
        embedded = rec.get(key)
        if isinstance(embedded, list):
            for index, child in enumerate(embedded):
                child_where = f"{where}.{key}[{index}]"
                if isinstance(child, dict):
                    _read_response(stage, child, origin, child_where, shape, parent)
                else:
                    stage.count("other records")
                    stage.skip("comment that is not an object", child_where)


def follows_template(body: str | None) -> bool:
    """The decision-template rule alone (pull requests are decisions only by their body)."""
    return is_decision([], None, body)


def _read_response(
    stage: Stage,
    rec: dict[str, Any],
    origin: str,
    where: str,
    shape: str,
    parent: tuple[str | None, str] | None,
) -> None:
    if shape == "review" and rec.get("state") == "PENDING" and not rec.get("submitted_at"):
        stage.count("pending reviews (not submitted, not kept)")
        return
    stage.count({"comment": "comments", "review comment": "review comments"}.get(shape, "reviews"))
    if parent is None:
        stage.skip(f"{shape} without its issue or pull request", f"{where}: no URL or number")
        return
    when = stage.time(
        where,
        f"{shape} without a time",
        _first(rec, "submitted_at", "submittedAt", "created_at", "createdAt"),
        "created_at",
    )
    if when is None:
        return
    actor = _person(stage, _first(rec, "user", "author"))
    login = actor.removeprefix("github:") if actor else ""
    native = _comment_id(rec) if shape != "review" else None
    if native is not None:
        event_id = f"{shape.replace(' ', '_')}:{native}"
    else:
        event_id = f"{shape.replace(' ', '_')}|{when.isoformat()}|{login}"
    stage.event(
        origin=origin,
        record=where,
        scope=parent[0],
        scope_id=None,
        number=parent[1],
        event_id=event_id,
        kind=WorkEventKind.REVIEW if shape == "review" else WorkEventKind.COMMENT,
        actor=actor,
        occurred_at=when,
        text=text_of(rec.get("body")),
    )


def _comment_id(rec: dict[str, Any]) -> str | None:
    """A comment's numeric id: REST's ``id``, or the anchor of its URL (gh gives node ids)."""
    native = rec.get("id")
    if isinstance(native, int) and not isinstance(native, bool):
        return str(native)
    for key in ("html_url", "url"):
        value = rec.get(key)
        if isinstance(value, str):
            match = COMMENT_ANCHOR.search(value)
            if match:
                return match[1]
    return None


def _read_issue_event(
    stage: Stage, rec: dict[str, Any], origin: str, where: str, context: dict[str, Any]
) -> None:
    action = str(rec.get("event") or "")
    if action not in STATE_EVENTS and action not in ASSIGNMENT_EVENTS:
        stage.count("issue events of other kinds (not kept)")
        return
    stage.count("issue events")
    issue = rec.get("issue")
    parent: tuple[str | None, str] | None = None
    if isinstance(issue, dict):
        parent = _url_ref(issue, ("url", "html_url"))
        if parent is None and _number(issue.get("number")):
            parent = (_scope(issue, context), str(_number(issue.get("number"))))
    if parent is None:
        stage.skip("issue event without its issue", f"{where}: no issue object")
        return
    when = stage.time(where, "issue event without a time", rec.get("created_at"), "created_at")
    if when is None:
        return
    actor = _person(stage, rec.get("actor"))
    if action in STATE_EVENTS:
        kind, event_id = WorkEventKind.STATE, f"state:{action}|{when.isoformat()}"
    else:
        assignee, _, _ = _login(rec.get("assignee"))
        _person(stage, rec.get("assignee"))
        kind = WorkEventKind.ASSIGNMENT
        event_id = f"assignment:{action}:{assignee or ''}|{when.isoformat()}"
    stage.event(
        origin=origin,
        record=where,
        scope=parent[0],
        scope_id=None,
        number=parent[1],
        event_id=event_id,
        kind=kind,
        actor=actor,
        occurred_at=when,
    )


# Decision-record files -------------------------------------------------------------------------


def _has_adr_folder(path: Path) -> bool:
    """Cheap: `path` is an ADR folder, or has one at a usual place, holding a Markdown file."""
    folders = [path] if path.name.lower() in ADR_DIRS else []
    folders += [path / place for place in ADR_PLACES if (path / place).is_dir()]
    try:
        return any(
            f.suffix.lower() in SUFFIXES and not NOT_RECORDS.search(f.stem)
            for folder in folders
            for f in folder.iterdir()
        )
    except OSError:
        return False


def _zip_has_adr_folder(path: Path) -> bool:
    names = zip_names(path) or []
    return any(
        len(parts := PurePosixPath(name).parts) >= 2
        and parts[-2].lower() in ADR_DIRS
        and name.lower().endswith(SUFFIXES)
        for name in names
    )


def _adr_files(root: Path) -> list[tuple[Path, str]]:
    """(file, key path) of every decision record in the ADR folders under `root`."""
    found: list[tuple[Path, str]] = []
    for file in walk(root):
        folder = file.parent
        if (
            file.suffix.lower() in SUFFIXES
            and folder.name.lower() in ADR_DIRS
            and not NOT_RECORDS.search(file.stem)
        ):
            key = (
                f"{root.name}/{file.name}" if folder == root else file.relative_to(root).as_posix()
            )
            found.append((file, key))
    return found


def _read_adr(stage: Stage, file: Path, key: str, label: str) -> None:
    stage.count("decision files")
    try:
        with file.open("r", encoding="utf-8", errors="replace") as fh:
            head = fh.read(8192)
        mtime = file.stat().st_mtime
    except OSError as exc:
        raise InvalidExport(f"{label}: cannot read: {exc}") from None
    match = DATE_LINE.search(head)
    try:
        dated = decision_date(match[1]) if match else None
    except ValueError as exc:
        stage.skip("date that cannot be read", f"{label}: {exc}")
        return
    created = (dated or datetime.fromtimestamp(mtime, UTC)).replace(tzinfo=None)
    stage.item(
        origin=label,
        record=label,
        scope=FILE_SCOPE,
        scope_id=None,
        number=key,
        kind=WorkItemKind.DECISION,
        created_at=created,
        closed_at=None,
        merged_at=None,
        author=None,
        assignees=None,
        labels=None,
        links=None,
        decision=True,
    )
