"""Tracker fidelity: Jira issues done without a resolution date (a fixture named after the quirk),
real Jira issues reopened or closed after their resolution, GitLab kinds and closes (real
exports)."""

from __future__ import annotations

import hashlib
import json
import statistics
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from asyncmaturity.metrics.measure import measure
from asyncmaturity.sources import detect_source
from asyncmaturity.store.ingest import ingest

REAL = Path(__file__).parent / "fixtures" / "real"
# Named after the quirk: no done issue of the real Jira sample lacks a resolution date, and no
# other permissively licensed real one was found (docs/sources.md, the jira source's
# real_samples, says where it was looked for).
JIRA_SAMPLE = Path(__file__).parent / "fixtures" / "jira" / "done_without_resolution_date.json"


def _rows(store: Path, sql: str) -> list[tuple[Any, ...]]:
    with duckdb.connect(str(store), read_only=True) as con:
        return con.execute(sql).fetchall()


def _item_key(source: str, ref: str) -> str:
    return hashlib.md5(f"{source}|{ref}".encode()).hexdigest()


def _utc(text: str) -> datetime:
    """A naive UTC instant from Jira's '2015-11-21T07:03:02.000-0500'."""
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%f%z").astimezone(UTC).replace(tzinfo=None)


def _expected_jira_closes() -> dict[str, datetime | None]:
    """Independently of the reader: resolutiondate, else (done) the last move into the current
    status, else (done) the last update, else open."""
    closes: dict[str, datetime | None] = {}
    for issue in json.loads(JIRA_SAMPLE.read_text("utf-8"))["issues"]:
        fields = issue["fields"]
        close = fields["resolutiondate"]
        if close is None and fields["status"]["statusCategory"]["key"] == "done":
            close = max(
                (h["created"] for h in issue["changelog"]["histories"]
                 for item in h["items"]
                 if item["field"] == "status" and item["to"] == fields["status"]["id"]),
                key=_utc,
                default=fields["updated"],
            )  # fmt: skip
        closes[issue["key"]] = _utc(close) if close else None
    return closes


def test_jira_done_without_resolution_date_is_closed_at_its_move_into_done(tmp_path: Path) -> None:
    expected = _expected_jira_closes()
    assert sum(v is not None for v in expected.values()) == 4  # 1 resolved, 3 done without one
    assert detect_source(JIRA_SAMPLE).name == "jira"
    store = tmp_path / "s.duckdb"
    summary = ingest([JIRA_SAMPLE], store=store)
    assert summary.skipped_total == 0
    assert summary.exports[0].notes == [
        "2 done issues without a resolution date, closed at their move into that status in "
        "the changelog",
        "1 done issues without a resolution date, closed at their last update",
    ]
    created = {i["key"]: _utc(i["fields"]["created"]) for i in json.loads(
        JIRA_SAMPLE.read_text("utf-8"))["issues"]}  # fmt: skip
    rows = {
        key: rest
        for key, *rest in _rows(store, "SELECT item_key, created_at, closed_at FROM work_items")
    }
    assert rows == {_item_key("jira", f"WEB|{k}"): [created[k], v] for k, v in expected.items()}
    durations = [(v - created[k]).total_seconds() for k, v in expected.items() if v is not None]
    metric = measure(store=store).metrics["work.close.median_s"]
    assert abs(metric - statistics.median(durations)) < 1e-3


def test_jira_csv_done_without_resolved_is_closed_at_the_category_change(tmp_path: Path) -> None:
    # Named after the quirk (no public Jira Cloud CSV with these columns was found).
    export = tmp_path / "jira.csv"
    export.write_text(
        "Issue key,Created,Resolved,Updated,Status Category,Status Category Changed\n"
        "OPS-1,2026-03-02 09:00,,2026-03-05 09:00,Done,2026-03-04 09:00\n"
        "OPS-2,2026-03-02 09:00,,2026-03-06 09:00,Done,\n"
        "OPS-3,2026-03-02 09:00,,2026-03-06 09:00,In Progress,2026-03-03 09:00\n",
        "utf-8",
    )
    store = tmp_path / "s.duckdb"
    summary = ingest([export], store=store)
    assert summary.exports[0].notes == [
        "1 done issues without a resolution date, closed at their status category change",
        "1 done issues without a resolution date, closed at their last update",
    ]
    rows = {k: v for k, v in _rows(store, "SELECT item_key, closed_at FROM work_items")}
    assert rows == {
        _item_key("jira", "OPS|OPS-1"): datetime(2026, 3, 4, 9),
        _item_key("jira", "OPS|OPS-2"): datetime(2026, 3, 6, 9),
        _item_key("jira", "OPS|OPS-3"): None,
    }


JIRA_REAL = REAL / "jira" / "jira_miner_aerogear"


def test_real_jira_issues_reopened_and_closed_after_their_resolution(tmp_path: Path) -> None:
    """Five real AeroGear issues (issues.jboss.org, REST API 2 with changelogs), see PROVENANCE."""
    issues = json.loads((JIRA_REAL / "aerogear_issues.json").read_text("utf-8"))
    # Independently of the reader: the close is resolutiondate (every done issue here has one),
    # a status change is a 'state' event, an assignee change an 'assignment' event.
    expected_items = {
        _item_key("jira", f"AEROGEAR|{i['key']}"): [
            _utc(i["fields"]["created"]),
            _utc(i["fields"]["resolutiondate"]) if i["fields"]["resolutiondate"] else None,
            int(i["fields"]["assignee"] is not None),
        ]
        for i in issues
    }
    changes = [
        (h["author"]["name"], item["field"], _utc(h["created"]))
        for i in issues
        for h in i["changelog"]["histories"]
        for item in h["items"]
        if item["field"] in ("status", "assignee")
    ]
    expected_events = sorted(
        ("state" if field == "status" else "assignment", at) for _, field, at in changes
    )
    by_key = {i["key"]: i for i in issues}
    moves = {
        key: [(item["toString"], _utc(h["created"])) for h in i["changelog"]["histories"]
              for item in h["items"] if item["field"] == "status"]
        for key, i in by_key.items()
    }  # fmt: skip
    # AEROGEAR-54 was resolved, then reopened: open, though its changelog moves into Resolved.
    assert [to for to, _ in moves["AEROGEAR-54"]] == ["Resolved", "Reopened"]
    assert by_key["AEROGEAR-54"]["fields"]["status"]["statusCategory"]["key"] == "new"
    # AEROGEAR-145 was resolved on 1 March, closed on 21 March: it closes at its resolution.
    resolved_145 = _utc(by_key["AEROGEAR-145"]["fields"]["resolutiondate"])
    assert [(to, at > resolved_145) for to, at in moves["AEROGEAR-145"]] == [
        ("Resolved", False),
        ("Closed", True),
    ]
    assert len(issues) == 5 and sum(v[1] is not None for v in expected_items.values()) == 3
    assert len(expected_events) == 20
    assert detect_source(JIRA_REAL).name == "jira"
    store = tmp_path / "s.duckdb"
    summary = ingest([JIRA_REAL], store=store)
    assert summary.skipped_total == 0 and summary.exports[0].notes == []
    # The summary counts changelog entries; two of them change both the status and the assignee.
    entries = sum(
        any(item["field"] in ("status", "assignee") for item in h["items"])
        for i in issues
        for h in i["changelog"]["histories"]
    )
    assert entries == 18
    assert f"{entries} changelog entries changing the status or assignee" in (
        summary.exports[0].detected
    )
    rows = _rows(store, "SELECT item_key, created_at, closed_at, assignees FROM work_items")
    assert {key: rest for key, *rest in rows} == expected_items
    events = _rows(store, "SELECT kind, occurred_at FROM work_events ORDER BY 2, 1")
    assert sorted(events) == expected_events
    actors = _rows(store, "SELECT count(DISTINCT actor_key) FROM work_events")
    assert actors == [(len({name for name, _, _ in changes}),)]
    durations = [(v[1] - v[0]).total_seconds() for v in expected_items.values() if v[1]]
    metric = measure(store=store).metrics["work.close.median_s"]
    assert abs(metric - statistics.median(durations)) < 1e-3


GITLAB_SAMPLE = REAL / "gitlab"


def _naive(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC).replace(tzinfo=None)


def test_gitlab_pre_2019_merge_requests_merged_without_merged_at(tmp_path: Path) -> None:
    """GitLab 10/11 list pages: '/group/project/merge_requests/N' URLs and no merged_at."""
    expected: dict[str, list[Any]] = {}
    for name in ("merge_requests_opened.json", "merge_requests_merged.json"):
        for mr in json.loads((GITLAB_SAMPLE / name).read_text("utf-8")):
            project = mr["web_url"].split("/", 3)[3].rsplit("/merge_requests/", 1)[0]
            key = _item_key("gitlab", f"{project}|!{mr['iid']}")
            merged = _naive(mr["updated_at"]) if mr["state"] == "merged" else None
            seen = expected.setdefault(key, [_naive(mr["created_at"]), None])
            seen[1] = seen[1] or merged
    assert len(expected) == 10 and sum(v[1] is not None for v in expected.values()) == 7
    assert detect_source(GITLAB_SAMPLE).name == "gitlab"
    store = tmp_path / "s.duckdb"
    summary = ingest([GITLAB_SAMPLE], store=store)
    assert summary.skipped_total == 0
    assert summary.exports[0].notes == [
        "7 merged items without merged_at, merged at their last update (updated_at)"
    ]
    rows = _rows(store, "SELECT item_key, kind, created_at, merged_at FROM work_items")
    assert {k: [c, m] for k, _, c, m in rows} == expected
    assert {kind for _, kind, _, _ in rows} == {"merge_request"}


def test_gitlab_kind_from_fields_and_times_from_state_notes(tmp_path: Path) -> None:
    # Named after the quirk: a view=simple list page (no branch fields) with pre-2019 URLs, an
    # issue whose URL is old too, and 'closed' / 'merged' system notes in a notes file.
    export = tmp_path / "export"
    export.mkdir()
    base = "https://gitlab.example.com/team/app"
    (export / "simple.json").write_text(
        json.dumps([
            {"id": 1, "iid": 7, "project_id": 3, "title": "Add cache", "state": "merged",
             "created_at": "2018-05-01T09:00:00Z", "updated_at": "2018-05-09T09:00:00Z",
             "web_url": f"{base}/merge_requests/7"},
            {"id": 2, "iid": 8, "project_id": 3, "title": "Drop cache", "state": "closed",
             "created_at": "2018-05-02T09:00:00Z", "updated_at": "2018-05-07T09:00:00Z",
             "web_url": f"{base}/merge_requests/8"},
            {"id": 3, "iid": 5, "project_id": 3, "title": "Slow page", "state": "closed",
             "confidential": False, "created_at": "2018-05-01T09:00:00Z",
             "updated_at": "2018-05-06T09:00:00Z", "web_url": f"{base}/issues/5"},
        ]),
        "utf-8",
    )  # fmt: skip
    (export / "notes.json").write_text(
        json.dumps([
            {"id": 11, "body": "merged", "system": True, "noteable_type": "MergeRequest",
             "noteable_iid": 7, "project_id": 3, "created_at": "2018-05-03T12:00:00Z",
             "author": {"username": "ana"}},
            {"id": 12, "body": "closed", "system": True, "noteable_type": "Issue",
             "noteable_iid": 5, "project_id": 3, "created_at": "2018-05-04T12:00:00Z",
             "author": {"username": "ana"}},
        ]),
        "utf-8",
    )  # fmt: skip
    store = tmp_path / "s.duckdb"
    summary = ingest([export], store=store)
    assert summary.skipped_total == 0
    assert summary.exports[0].notes == [
        "1 merged items without merged_at, merged at their 'merged' system note",
        "1 closed items without closed_at, closed at their 'closed' system note",
        "1 closed items without closed_at, closed at their last update (updated_at)",
    ]
    rows = _rows(store, "SELECT item_key, kind, closed_at, merged_at FROM work_items")
    assert sorted(rows) == sorted([
        (_item_key("gitlab", "team/app|!7"), "merge_request", None, datetime(2018, 5, 3, 12)),
        (_item_key("gitlab", "team/app|!8"), "merge_request", datetime(2018, 5, 7, 9), None),
        (_item_key("gitlab", "team/app|#5"), "issue", datetime(2018, 5, 4, 12), None),
    ])  # fmt: skip


STATE_EVENTS = (
    Path(__file__).parent / "fixtures" / "gitlab" / "resource_state_events_without_closed_at"
)


def test_gitlab_times_from_resource_state_events_before_notes_and_updates(tmp_path: Path) -> None:
    # Named after the quirk: merge requests without merged_at / closed_at (GitLab 10 list page),
    # the API's resource_state_events naming them by global id, and a project-export issue line
    # with its events embedded beside a 'closed' system note.
    store = tmp_path / "s.duckdb"
    summary = ingest([STATE_EVENTS], store=store)
    events = STATE_EVENTS / "resource_state_events.json"
    # Record 3 names merge request 999 and record 4 issue 101 (101 is a merge request's id):
    # neither item is in the export. Record 5 is an epic's, not kept.
    assert summary.skipped == {"state event without its issue or merge request": 2}
    assert summary.exports[0].examples == [
        f"{events} record {n}: its item (resource_id) is not in the export" for n in (3, 4)
    ]
    assert summary.exports[0].notes == [
        "1 merged items without merged_at, merged at their 'merged' resource state event",
        "1 closed items without closed_at, closed at their 'closed' resource state event",
        "1 closed items without closed_at, closed at their last update (updated_at)",
    ]
    rows = _rows(store, "SELECT item_key, kind, closed_at, merged_at FROM work_items")
    assert sorted(rows) == sorted([
        # !7: merged at event 3, 12:00+02:00 = 10:00 UTC (its earlier 'closed' was reopened).
        (_item_key("gitlab", "team/app|!7"), "merge_request", None, datetime(2018, 5, 4, 10)),
        # !8: no event, no note: its updated_at.
        (_item_key("gitlab", "team/app|!8"), "merge_request", datetime(2018, 5, 7, 9), None),
        # #5: its embedded event (05-05 12:00), not its system note (05-06) or update (05-08).
        (_item_key("gitlab", "team/app|#5"), "issue", datetime(2018, 5, 5, 12), None),
    ])  # fmt: skip
    # The system note is the one state event kept; resource state events only date closes.
    assert _rows(store, "SELECT kind, occurred_at FROM work_events") == [
        ("state", datetime(2018, 5, 6, 12))
    ]
