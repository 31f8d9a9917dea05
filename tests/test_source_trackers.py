"""The issue-tracker sources (github, gitlab, jira) on fixtures named after the quirk they test.

Expected rows and figures are computed by hand in the comments. Item keys are
md5('<source>|<repo or project>|<number>'), so tests name items by their key.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pytest

from asyncmaturity.errors import InvalidExport, RejectedRecords
from asyncmaturity.metrics.measure import measure
from asyncmaturity.sources import detect_source, get_source
from asyncmaturity.sources.trackers import (
    follows_decision_template,
    is_decision_label,
    text_of,
)
from asyncmaturity.store.database import EvidenceStore, person_key
from asyncmaturity.store.ingest import ingest

FIXTURES = Path(__file__).parent / "fixtures"
TRACKERS = ("github", "gitlab", "jira")


def fixture(source: str, name: str) -> Path:
    path = FIXTURES / source / name
    assert path.exists(), path
    return path


def key(*parts: str) -> str:
    return hashlib.md5("|".join(parts).encode()).hexdigest()


def rows(store: Path, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    con = duckdb.connect(str(store), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def items(store: Path) -> dict[str, dict[str, Any]]:
    found = rows(
        store,
        "SELECT item_key, kind, created_at, closed_at, merged_at, author_key, assignees, labels, "
        "links FROM work_items",
    )
    names = ("kind", "created", "closed", "merged", "author", "assignees", "labels", "links")
    return {r[0]: dict(zip(names, r[1:], strict=True)) for r in found}


def events(store: Path) -> list[tuple[str, str, str | None, datetime]]:
    return [
        (r[0], r[1], r[2], r[3])
        for r in rows(
            store,
            "SELECT item_key, kind, actor_key, occurred_at FROM work_events "
            "ORDER BY occurred_at, kind",
        )
    ]


def secret(store: Path) -> str:
    with EvidenceStore.open(store, create=False, read_only=True) as opened:
        return opened.secret


def at(day: int, hour: int, minute: int = 0, month: int = 3) -> datetime:
    return datetime(2026, month, day, hour, minute)


# GitHub ------------------------------------------------------------------------------------------


def test_wrapped_issues_and_pulls_figures_by_hand(tmp_path: Path) -> None:
    # acme/api, every time UTC:
    #   #1 issue alice 03-02 09:00, closed 03-03 09:00 (86400 s); 1 assignee; bob comments at
    #      10:00 -> first response 3600 s.
    #   #2 issue bob 03-02 12:00+02:00 = 10:00Z, open, 0 assignees; a bot comments at 10:05 (left
    #      out), bob himself at 10:30 (the author, left out), carol at 14:00 -> 14400 s.
    #   #3 "Decision: ..." -> a decision record, not an item.
    #   #4 PR carol 03-03 09:00, merged 11:00 (7200 s), "Fixes #1" -> linked; 1 assignee; alice
    #      approves at 09:30 -> 1800 s.
    #   #5 PR dependabot[bot] 03-03 12:00, closed unmerged 03-05 12:00 (172800 s); no link; 0
    #      assignees; bob's pending review is no event.
    # items 4; first response median of [1800, 3600, 14400] = 3600; close median of
    # [7200, 86400, 172800] = 86400; owners 2 of 4; linked PRs 1 of 2; decision records 1.
    store = tmp_path / "s.duckdb"
    summary = ingest([fixture("github", "wrapped_issues_and_pulls.json")], store=store)
    assert summary.exports[0].source == "github"
    assert summary.added["work_items"] == 5 and summary.added["work_events"] == 5
    assert summary.skipped_total == 0
    metrics = measure(store=store).metrics
    assert metrics["work.items"] == 4
    assert metrics["work.first_response.median_s"] == 3600
    assert metrics["work.close.median_s"] == 86400
    assert metrics["work.owner_share"] == pytest.approx(0.5)
    assert metrics["work.pr_linked_share"] == pytest.approx(0.5)
    assert metrics["work.decision_records"] == 1

    found = items(store)
    # The issue without a URL takes the wrapper's repository; its +02:00 time is read as UTC.
    assert found[key("github", "acme/api", "2")]["created"] == at(2, 10)
    assert found[key("github", "acme/api", "3")]["kind"] == "decision"
    assert found[key("github", "acme/api", "4")]["links"] == [key("github", "acme/api", "1")]
    assert found[key("github", "acme/api", "4")]["merged"] == at(3, 11)
    assert found[key("github", "acme/api", "5")]["links"] == []
    assert found[key("github", "acme/api", "1")]["labels"] == ["bug"]


def test_rest_issues_with_pr_marker(tmp_path: Path) -> None:
    # The /issues page holds a pull request, told by its `pull_request` marker, whose merge time
    # is in the marker. Repository names are lower-cased in keys.
    store = tmp_path / "s.duckdb"
    ingest([fixture("github", "rest_issues_with_pr_marker.json")], store=store)
    found = items(store)
    pr = found[key("github", "acme/web", "13")]
    assert pr["kind"] == "pull_request"
    assert (pr["closed"], pr["merged"]) == (at(2, 15), at(2, 15))
    assert pr["assignees"] == 1
    assert pr["links"] == [key("github", "acme/web", "12")]  # "Closes #12"
    assert found[key("github", "acme/web", "12")]["kind"] == "issue"
    assert found[key("github", "acme/web", "12")]["assignees"] == 0
    assert found[key("github", "acme/web", "14")]["closed"] == at(3, 10)
    # Closes: PR 5 h, #14 1 h -> median 3 h.
    assert measure(store=store).metrics["work.close.median_s"] == 3 * 3600


def test_gh_cli_author_as_string(tmp_path: Path) -> None:
    # gh output with plain-login authors and assignees and embedded comments: erik answers
    # dana's #21 after 45 min; dana's own comment does not count.
    store = tmp_path / "s.duckdb"
    ingest([fixture("github", "gh_cli_author_as_string.json")], store=store)
    s = secret(store)
    dana, erik = person_key(s, "github:dana"), person_key(s, "github:erik")
    issue = key("github", "acme/tools", "21")
    assert items(store)[issue]["author"] == dana
    assert items(store)[issue]["labels"] == ["ci"]
    assert events(store) == [
        (issue, "comment", erik, at(2, 8, 45)),
        (issue, "comment", dana, at(2, 9)),
    ]
    metrics = measure(store=store).metrics
    assert metrics["work.first_response.median_s"] == 45 * 60
    assert metrics["work.close.median_s"] == 12 * 3600
    assert metrics["work.owner_share"] == pytest.approx(0.5)


def test_gh_cli_author_as_object(tmp_path: Path) -> None:
    # gh pr list: "app/dependabot" with is_bot is the REST "dependabot[bot]", a bot; reviews are
    # embedded; closingIssuesReferences link #23 to issue #21.
    store = tmp_path / "s.duckdb"
    ingest([fixture("github", "gh_cli_author_as_object.json")], store=store)
    s = secret(store)
    bots = {r[0] for r in rows(store, "SELECT person_key FROM people WHERE is_bot")}
    assert bots == {person_key(s, "github:dependabot[bot]")}
    found = items(store)
    merged = found[key("github", "acme/tools", "23")]
    assert merged["kind"] == "pull_request" and merged["merged"] == at(2, 12)
    assert merged["links"] == [key("github", "acme/tools", "21")]
    assert found[key("github", "acme/tools", "24")]["labels"] == ["dependencies"]
    assert [e[1] for e in events(store)] == ["review", "comment"]
    # Review after 1 h on #23; dana's comment on the bot's #24 after 1 h.
    assert measure(store=store).metrics["work.first_response.median_s"] == 3600


def test_issues_and_pulls_from_two_exports_link_up(tmp_path: Path) -> None:
    # The PR in one file links to the issue in the other: the same key, one item each.
    store = tmp_path / "s.duckdb"
    ingest(
        [
            fixture("github", "gh_cli_author_as_string.json"),
            fixture("github", "gh_cli_author_as_object.json"),
        ],
        store=store,
    )
    metrics = measure(store=store).metrics
    assert metrics["work.items"] == 4
    assert metrics["work.pr_linked_share"] == pytest.approx(0.5)


def test_rest_and_gh_copies_of_a_comment_are_one_event(tmp_path: Path) -> None:
    # gh gives comment node ids, but its URL anchor is REST's numeric id (9001).
    gh = tmp_path / "gh.json"
    gh_issue = {
        "number": 1,
        "author": {"login": "alice"},
        "createdAt": "2026-03-02T09:00:00Z",
        "url": "https://github.com/acme/api/issues/1",
        "comments": [
            {
                "id": "IC_kwDOA",
                "author": {"login": "bob"},
                "createdAt": "2026-03-02T10:00:00Z",
                "url": "https://github.com/acme/api/issues/1#issuecomment-9001",
            }
        ],
    }
    gh.write_text(json.dumps([gh_issue]), "utf-8")
    store = tmp_path / "s.duckdb"
    ingest([fixture("github", "wrapped_issues_and_pulls.json")], store=store)
    again = ingest([gh], store=store)
    assert again.added.get("work_items", 0) == 0 and again.added.get("work_events", 0) == 0


def test_bot_comment_is_flagged(tmp_path: Path) -> None:
    # A user of type "Bot" and a login ending in "[bot]" (typed "User") are both bots: their
    # comments one and two minutes in are no response; bob's at 11:00 is (7200 s).
    store = tmp_path / "s.duckdb"
    ingest([fixture("github", "bot_comment_is_flagged.json")], store=store)
    s = secret(store)
    flags = dict(rows(store, "SELECT person_key, is_bot FROM people"))
    assert flags[person_key(s, "github:triage-helper")] is True
    assert flags[person_key(s, "github:renovate[bot]")] is True
    assert flags[person_key(s, "github:bob")] is False
    assert measure(store=store).metrics["work.first_response.median_s"] == 7200


def test_decision_label_and_adr_folder(tmp_path: Path) -> None:
    # Decisions: #1 (label "Type: ADR"), #2 (title "ADR-0007: ..."), #3 (label "rfc"), PR #4
    # (Context / Decision / Consequences headings), and the two ADR files; README.md and
    # template.md are not records. Not decisions: #5 ("Adrian's...", label "needs-decision")
    # and PR #6 (an ADR-titled, adr-labelled pull request: labels and titles mark issues only).
    store = tmp_path / "s.duckdb"
    ingest([fixture("github", "decision_label_and_adr_folder")], store=store)
    found = items(store)
    kinds = {n: found[key("github", "acme/platform", n)]["kind"] for n in "123456"}
    assert kinds == {
        "1": "decision",
        "2": "decision",
        "3": "decision",
        "4": "decision",
        "5": "issue",
        "6": "pull_request",
    }
    # Date: line (midnight UTC) and front matter date with an offset (15:30+01:00).
    first = found[key("github", "files", "docs/adr/0001-record-architecture-decisions.md")]
    second = found[key("github", "files", "docs/adr/0002-use-postgres.md")]
    assert (first["kind"], first["created"]) == ("decision", datetime(2026, 2, 10))
    assert second["created"] == datetime(2026, 2, 20, 14, 30)
    assert len(found) == 8
    assert measure(store=store).metrics["work.decision_records"] == 6


def test_adr_file_without_a_date_takes_its_modification_time(tmp_path: Path) -> None:
    folder = tmp_path / "doc" / "decisions"
    folder.mkdir(parents=True)
    record = folder / "0003-no-date.md"
    record.write_text("# 3. No date\n\n## Decision\n\nNone given.\n", "utf-8")
    stamp = datetime(2026, 1, 5, 12, 0, tzinfo=UTC).timestamp()
    os.utime(record, (stamp, stamp))
    store = tmp_path / "s.duckdb"
    assert detect_source(tmp_path / "doc" / "decisions").name == "github"
    ingest([tmp_path / "doc" / "decisions"], store=store)
    found = items(store)
    # Given the ADR folder itself, the key path starts at its name.
    assert found[key("github", "files", "decisions/0003-no-date.md")]["created"] == datetime(
        2026, 1, 5, 12, 0
    )


def test_adr_dates_are_read_as_the_decision_log_reads_them(tmp_path: Path) -> None:
    # A prose date, an ISO date within a longer line and an hours-only offset are read as the
    # decision-records module reads them; a date that is none is a counted skip naming the file.
    folder = tmp_path / "docs" / "adr"
    folder.mkdir(parents=True)
    dates = {
        "0001-prose.md": "12 March 2026",
        "0002-amended.md": "2026-02-10 (amended 2026-03-01)",
        "0003-offset.md": "2026-02-20T15:30+01",
        "0004-none.md": "someday",
    }
    for name, value in dates.items():
        (folder / name).write_text(f"# {name}\n\nDate: {value}\n", "utf-8")
    store = tmp_path / "s.duckdb"
    summary = ingest([tmp_path], store=store)
    found = items(store)
    created = {
        n: found[key("github", "files", f"docs/adr/{n}")]["created"]
        for n in dates
        if n != "0004-none.md"
    }
    assert created == {
        "0001-prose.md": datetime(2026, 3, 12),
        "0002-amended.md": datetime(2026, 2, 10),
        "0003-offset.md": datetime(2026, 2, 20, 14, 30),
    }
    assert summary.skipped == {"date that cannot be read": 1}
    assert f"{folder / '0004-none.md'}: date 'someday' is not a date (use YYYY-MM-DD)" in (
        summary.exports[0].examples
    )


def test_pr_closes_issue_links(tmp_path: Path) -> None:
    # #40 "closes #4"; #41 "Fixes acme/other#7" (its reference to itself is dropped); #42 an
    # issue URL and GH-6; #43 "#fff" and "step 3" reference nothing. Linked: 3 of 4.
    store = tmp_path / "s.duckdb"
    ingest([fixture("github", "pr_closes_issue_links.json")], store=store)
    found = items(store)
    links = {n: found[key("github", "acme/api", n)]["links"] for n in ("40", "41", "42", "43")}
    assert links == {
        "40": [key("github", "acme/api", "4")],
        "41": [key("github", "acme/other", "7")],
        "42": sorted([key("github", "acme/api", "5"), key("github", "acme/api", "6")]),
        "43": [],
    }
    assert measure(store=store).metrics["work.pr_linked_share"] == pytest.approx(0.75)


def test_paginated_output_and_json_lines_read_like_the_array(tmp_path: Path) -> None:
    records = json.loads(fixture("github", "bot_comment_is_flagged.json").read_text("utf-8"))
    pages = tmp_path / "paginate.json"  # `gh api --paginate`: arrays back to back
    pages.write_text(json.dumps(records[:2]) + json.dumps(records[2:]), "utf-8")
    lines = tmp_path / "lines.jsonl"
    lines.write_text("\n".join(json.dumps(r) for r in records) + "\n", "utf-8")
    slurped = tmp_path / "slurp.json"  # `--slurp`: an array of pages
    slurped.write_text(json.dumps([records[:2], records[2:]]), "utf-8")
    reference = tmp_path / "reference.duckdb"
    ingest([fixture("github", "bot_comment_is_flagged.json")], store=reference)
    for variant in (pages, lines, slurped):
        store = tmp_path / f"{variant.stem}.duckdb"
        ingest([variant], store=store, format="github")
        assert rows(store, "SELECT count(*) FROM work_events") == [(3,)], variant.name
        assert set(items(store)) == set(items(reference))
    # Re-reading the same records from another layout into one store adds nothing.
    again = ingest([pages, lines], store=reference)
    assert sum(again.added.values()) == 0


def test_zip_of_the_decision_folder_gives_the_same_keys(tmp_path: Path) -> None:
    folder = fixture("github", "decision_label_and_adr_folder")
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for file in sorted(folder.rglob("*")):
            if file.is_file():
                zf.write(file, file.relative_to(folder).as_posix())
    assert detect_source(archive).name == "github"
    adr_only = tmp_path / "adr-only.zip"
    with zipfile.ZipFile(adr_only, "w") as zf:
        zf.write(folder / "docs/adr/0002-use-postgres.md", "docs/adr/0002-use-postgres.md")
    assert detect_source(adr_only).name == "github"
    store = tmp_path / "s.duckdb"
    ingest([folder], store=store)
    again = ingest([archive], store=store)
    assert again.added.get("work_items", 0) == 0 and again.duplicates["work_items"] == 8


# GitLab ------------------------------------------------------------------------------------------


def test_gitlab_system_notes_are_events(tmp_path: Path) -> None:
    # acme/platform: issue #5 and MR !5 share an iid, not a key. System notes: "assigned to"
    # -> assignment, "closed via..." and "merged" -> state, "approved" -> review; "added ~label"
    # is not kept, nor the note on a commit. Comments: a bot's (9:06) and bram's (10:00).
    store = tmp_path / "s.duckdb"
    summary = ingest([fixture("gitlab", "system_notes_are_events.json")], store=store)
    assert summary.exports[0].source == "gitlab" and summary.skipped_total == 0
    s = secret(store)
    anouk, bram, cees = (person_key(s, f"gitlab:{u}") for u in ("anouk", "bram", "cees"))
    bot = person_key(s, "gitlab:gitlab-support-bot")
    issue, mr = key("gitlab", "acme/platform", "#5"), key("gitlab", "acme/platform", "!5")
    assert events(store) == [
        (issue, "assignment", anouk, at(2, 9, 5)),
        (issue, "comment", bot, at(2, 9, 6)),
        (issue, "comment", bram, at(2, 10)),
        (mr, "review", cees, at(2, 11, 30)),
        (mr, "state", cees, at(2, 16)),
        (issue, "state", bram, at(3, 9)),
    ]
    found = items(store)
    assert found[mr]["kind"] == "merge_request" and found[mr]["links"] == [issue]
    assert found[mr]["created"] == at(2, 11)  # 12:00+01:00
    assert found[issue]["labels"] == ["bug", "export"] and found[issue]["assignees"] == 1
    # First response: issue 3600 s (the bot left out), MR 1800 s -> 2700; closes: issue
    # 86400 s, MR merged after 5 h (18000 s) -> 52200.
    metrics = measure(store=store).metrics
    assert metrics["work.items"] == 2
    assert metrics["work.first_response.median_s"] == 2700
    assert metrics["work.close.median_s"] == 52200
    assert metrics["work.pr_linked_share"] == 1.0


def test_gitlab_notes_file_joins_items_by_project_id(tmp_path: Path) -> None:
    # Notes name their project only by id; the issue file gives the id its path.
    data = json.loads(fixture("gitlab", "system_notes_are_events.json").read_text("utf-8"))
    folder = tmp_path / "gitlab-export"
    folder.mkdir()
    (folder / "issues.json").write_text(json.dumps(data["issues"]), "utf-8")
    (folder / "notes.json").write_text(json.dumps(data["notes"][:3]), "utf-8")
    discussions = [{"id": "d1", "individual_note": False, "notes": data["notes"][3:5]}]
    (folder / "discussions.json").write_text(json.dumps(discussions), "utf-8")
    assert detect_source(folder).name == "gitlab"
    store = tmp_path / "s.duckdb"
    ingest([folder], store=store)
    issue = key("gitlab", "acme/platform", "#5")
    assert {e[0] for e in events(store)} == {issue}
    assert [e[1] for e in events(store)] == ["assignment", "comment", "comment", "state"]
    # Without the issue's project_id, the export's one project id is its one project path.
    without_id = [{k: v for k, v in i.items() if k != "project_id"} for i in data["issues"]]
    (folder / "issues.json").write_text(json.dumps(without_id), "utf-8")
    other = tmp_path / "other.duckdb"
    ingest([folder], store=other)
    assert {e[0] for e in events(other)} == {issue}


def test_gitlab_discussion_notes_without_iid_join_by_global_id(tmp_path: Path) -> None:
    # Discussion notes with a null noteable_iid name the issue by its global id (84001); a note
    # on an item the export lacks (99999) is a counted skip.
    data = json.loads(fixture("gitlab", "system_notes_are_events.json").read_text("utf-8"))
    note = {**data["notes"][2], "noteable_iid": None}
    lost = {**note, "id": 7100, "noteable_id": 99999}
    export = {
        "issues": data["issues"],
        "discussions": [{"id": "d1", "individual_note": True, "notes": [note, lost]}],
    }
    path = tmp_path / "discussions.json"
    path.write_text(json.dumps(export), "utf-8")
    store = tmp_path / "s.duckdb"
    summary = ingest([path], store=store)
    issue = key("gitlab", "acme/platform", "#5")
    assert [(e[0], e[1]) for e in events(store)] == [(issue, "comment")]
    assert summary.skipped == {"note without its issue or merge request": 1}
    assert summary.exports[0].examples == [
        f"{path} record discussions[0].notes[1]: its item (noteable_id) is not in the export"
    ]


# Jira --------------------------------------------------------------------------------------------


def test_jira_changelog_status_transitions(tmp_path: Path) -> None:
    # OPS-1: assignee set at 11:00+01:00 (10:00Z), status changes at 12:00+01:00 (11:00Z) and by
    # Automation for Jira (an app: a bot) at 03-03 09:00; comments by Mia 10:30+01:00 (09:30Z)
    # and Noah (the reporter) at 10:00. Mia's e-mail, given once, is her identity everywhere.
    store = tmp_path / "s.duckdb"
    summary = ingest([fixture("jira", "changelog_status_transitions.json")], store=store)
    assert summary.exports[0].source == "jira" and summary.skipped_total == 0
    s = secret(store)
    mia, noah = person_key(s, "email:mia@acme.example"), person_key(s, "email:noah@acme.example")
    robot = person_key(s, "jira:557058:automation")
    ops1, ops2 = key("jira", "OPS", "OPS-1"), key("jira", "OPS", "OPS-2")
    assert events(store) == [
        (ops1, "comment", mia, at(2, 9, 30)),
        (ops1, "assignment", mia, at(2, 10)),
        (ops1, "comment", noah, at(2, 10)),
        (ops1, "state", mia, at(2, 11)),
        (ops1, "state", robot, at(3, 9)),
    ]
    people = {r[0]: r[1:] for r in rows(store, "SELECT person_key, is_bot, tz FROM people")}
    assert people == {
        mia: (False, "Europe/Amsterdam"),
        noah: (False, "America/New_York"),
        robot: (True, None),
    }
    found = items(store)
    assert found[ops1]["labels"] == ["certs", "security"] and found[ops1]["links"] == [ops2]
    assert found[ops1]["closed"] == at(3, 9) and found[ops1]["author"] == noah
    assert found[ops2]["kind"] == "decision" and found[ops2]["assignees"] == 0
    metrics = measure(store=store).metrics
    assert metrics["work.items"] == 1
    assert metrics["work.first_response.median_s"] == 1800
    assert metrics["work.decision_records"] == 1


def test_jira_csv_export_repeated_labels(tmp_path: Path) -> None:
    # Three Labels columns and two Comment columns; dates in Jira's "21/Nov/26 9:30 AM", in
    # "2026-11-21 14:00" and ISO with an offset (08:00+01:00 = 07:00Z). DATA-8 is of issue type
    # Decision. A comment's text keeps its own semicolons.
    store = tmp_path / "s.duckdb"
    summary = ingest([fixture("jira", "csv_export_repeated_labels.csv")], store=store)
    assert summary.exports[0].source == "jira" and summary.skipped_total == 0
    s = secret(store)
    mia = person_key(s, "jira:5b10ac8d82e05b22cc7d4ef5")
    noah = person_key(s, "jira:5b10a2844c20165700ede21g")
    data7, data8, data9 = (key("jira", "DATA", f"DATA-{n}") for n in (7, 8, 9))
    found = items(store)
    assert found[data7] == {
        "kind": "issue",
        "created": datetime(2026, 11, 21, 9, 30),
        "closed": datetime(2026, 11, 22, 9, 30),
        "merged": None,
        "author": noah,
        "assignees": 1,
        "labels": ["db", "ops"],
        "links": [data8],
    }
    assert found[data8]["kind"] == "decision" and found[data8]["assignees"] == 0
    assert found[data9]["created"] == datetime(2026, 11, 23, 7)
    assert events(store) == [
        (data7, "comment", noah, datetime(2026, 11, 21, 9, 45)),
        (data7, "comment", mia, datetime(2026, 11, 21, 11, 30)),
    ]
    # Noah's own comment is no response; Mia's after 2 h is.
    assert measure(store=store).metrics["work.first_response.median_s"] == 7200


# Every source ------------------------------------------------------------------------------------

ALL_FIXTURES = [
    ("github", "wrapped_issues_and_pulls.json"),
    ("github", "rest_issues_with_pr_marker.json"),
    ("github", "gh_cli_author_as_string.json"),
    ("github", "gh_cli_author_as_object.json"),
    ("github", "bot_comment_is_flagged.json"),
    ("github", "decision_label_and_adr_folder"),
    ("github", "pr_closes_issue_links.json"),
    ("gitlab", "system_notes_are_events.json"),
    ("jira", "changelog_status_transitions.json"),
    ("jira", "csv_export_repeated_labels.csv"),
]


@pytest.mark.parametrize(("source", "name"), ALL_FIXTURES)
def test_reingesting_adds_nothing(source: str, name: str, tmp_path: Path) -> None:
    store = tmp_path / "s.duckdb"
    first = ingest([fixture(source, name)], store=store)
    assert first.added["work_items"] > 0
    second = ingest([fixture(source, name)], store=store)
    assert sum(second.added.values()) == 0
    assert second.duplicates["work_items"] == first.added["work_items"]


@pytest.mark.parametrize(("source", "name"), ALL_FIXTURES)
def test_fixture_is_detected_as_its_own_source_only(source: str, name: str) -> None:
    # No other registered source claims a tracker export (whatever sources exist by now).
    assert detect_source(fixture(source, name)).name == source


def test_bad_dates_are_counted_and_fatal_when_strict(tmp_path: Path) -> None:
    # Issue #50 "yesterday" and carol's comment "31/02/2026" are skipped, named by file and
    # record; #51 and alice's comment are kept.
    store = tmp_path / "s.duckdb"
    bad = fixture("github", "bad_created_date.json")
    summary = ingest([bad], store=store)
    assert summary.skipped == {"date that cannot be read": 2}
    assert summary.added["work_items"] == 1 and summary.added["work_events"] == 1
    examples = summary.exports[0].examples
    assert f"{bad} record 0: created_at 'yesterday' is not a date" in examples
    assert f"{bad} record 3: created_at '31/02/2026' is not a date" in examples
    before = rows(store, "SELECT count(*) FROM work_items")
    with pytest.raises(RejectedRecords, match=r"bad_created_date\.json record 0"):
        ingest([bad], store=store, strict=True)
    assert rows(store, "SELECT count(*) FROM work_items") == before


def test_jira_csv_bad_date_names_the_row(tmp_path: Path) -> None:
    csv_file = tmp_path / "jira.csv"
    csv_file.write_text(
        "Issue key,Summary,Created,Resolved\n"
        "OPS-1,Fine,21/Nov/26 9:30 AM,\n"
        "OPS-2,Broken,the 21st,\n",
        "utf-8",
    )
    summary = ingest([csv_file], store=tmp_path / "s.duckdb")
    assert summary.added["work_items"] == 1
    assert summary.exports[0].examples == [
        f"{csv_file} row 3 (OPS-2): Created 'the 21st' is not a date"
    ]


def test_malformed_json_names_the_file(tmp_path: Path) -> None:
    broken = tmp_path / "issues.json"
    broken.write_text('[{"number": 1, "user": {"login": "a"}, "created_at": "2026-03-02"', "utf-8")
    with pytest.raises(InvalidExport, match=r"issues\.json: malformed JSON at line 1"):
        ingest([broken], store=tmp_path / "s.duckdb", format="github")
    assert not (tmp_path / "s.duckdb").exists()


def test_csv_without_jira_columns_is_invalid(tmp_path: Path) -> None:
    other = tmp_path / "other.csv"
    other.write_text("name,value\na,1\n", "utf-8")
    with pytest.raises(InvalidExport, match=r"other\.csv: not a Jira CSV export"):
        ingest([other], store=tmp_path / "s.duckdb", format="jira")


def test_tracker_comments_are_events_not_messages(tmp_path: Path) -> None:
    store = tmp_path / "s.duckdb"
    ingest([fixture("github", "wrapped_issues_and_pulls.json")], store=store)
    assert rows(store, "SELECT count(*) FROM messages") == [(0,)]
    assert rows(store, "SELECT count(*) FROM conversations") == [(0,)]


# Detection ---------------------------------------------------------------------------------------

OTHER_EXPORTS = {
    # Mattermost bulk export (JSON Lines).
    "mattermost.jsonl": "\n".join(
        json.dumps(line)
        for line in (
            {"type": "version", "version": 1},
            {"type": "team", "team": {"name": "acme", "display_name": "Acme"}},
            {
                "type": "post",
                "post": {
                    "team": "acme",
                    "channel": "dev",
                    "user": "alice",
                    "message": "See https://github.com/acme/api/issues/1 #1",
                    "create_at": 1772442000000,
                    "props": {
                        "attachments": [{"title_link": "https://github.com/acme/api/pull/2"}]
                    },
                },
            },
        )
    ),
    # Zulip API messages.
    "zulip.json": json.dumps(
        {
            "messages": [
                {
                    "id": 1,
                    "sender_email": "alice@acme.example",
                    "sender_full_name": "Alice",
                    "display_recipient": "dev",
                    "subject": "release #12",
                    "content": "Fixed in https://github.com/acme/api/pull/13",
                    "timestamp": 1772442000,
                    "type": "stream",
                }
            ]
        }
    ),
    # Microsoft Teams (Graph) channel messages.
    "teams.json": json.dumps(
        {
            "value": [
                {
                    "id": "1616990032035",
                    "replyToId": None,
                    "messageType": "message",
                    "createdDateTime": "2026-03-02T09:00:00Z",
                    "from": {"user": {"id": "8ea0e38b", "displayName": "Alice"}},
                    "body": {"contentType": "html", "content": "PR #4 is up"},
                }
            ]
        }
    ),
    # A Slack day file whose GitHub app message carries attachment fields.
    "slack_day.json": json.dumps(
        [
            {
                "type": "message",
                "subtype": "bot_message",
                "bot_id": "B1",
                "ts": "1772442000.000100",
                "text": "",
                "blocks": [
                    {
                        "type": "rich_text",
                        "elements": [
                            {"type": "link", "url": "https://github.com/acme/web/issues/12"}
                        ],
                    }
                ],
                "attachments": [
                    {
                        "title": "#12 Dark mode flickers",
                        "title_link": "https://github.com/acme/web/issues/12",
                        "fields": [{"title": "Labels", "value": "bug", "short": True}],
                    }
                ],
            }
        ]
    ),
}


@pytest.mark.parametrize("name", sorted(OTHER_EXPORTS))
def test_other_sources_json_is_not_claimed(name: str, tmp_path: Path) -> None:
    path = tmp_path / name
    path.write_text(OTHER_EXPORTS[name], "utf-8")
    assert [s for s in TRACKERS if get_source(s).detect(path)] == []


def test_other_sources_fixtures_are_not_claimed(tmp_path: Path) -> None:
    # Real samples sit one level down, in real/<format>/.
    folders = [*FIXTURES.iterdir(), *(FIXTURES / "real").glob("*")]
    others = [p for p in folders if p.is_dir() and p.name not in (*TRACKERS, "real")]
    assert any(p.name == "slack" for p in others)
    checked = 0
    for folder in others:
        for path in sorted(folder.iterdir()):
            claimed = [s for s in TRACKERS if get_source(s).detect(path)]
            assert claimed == [], path
            checked += 1
    # The Slack export zipped, too.
    archive = tmp_path / "slack.zip"
    source = FIXTURES / "slack" / "bot_reply_in_thread"
    with zipfile.ZipFile(archive, "w") as zf:
        for file in sorted(source.rglob("*")):
            if file.is_file():
                zf.write(file, file.relative_to(source).as_posix())
    assert [s for s in TRACKERS if get_source(s).detect(archive)] == []
    assert checked > 10


def test_each_tracker_claims_only_its_own_json(tmp_path: Path) -> None:
    github = fixture("github", "wrapped_issues_and_pulls.json")
    gitlab = fixture("gitlab", "system_notes_are_events.json")
    jira = fixture("jira", "changelog_status_transitions.json")
    claims = {
        p.parent.name: [s for s in TRACKERS if get_source(s).detect(p)]
        for p in (github, gitlab, jira)
    }
    assert claims == {"github": ["github"], "gitlab": ["gitlab"], "jira": ["jira"]}
    # A folder copy of an export is claimed like the file.
    folder = tmp_path / "export"
    folder.mkdir()
    shutil.copy(gitlab, folder / "page-1.json")
    assert [s for s in TRACKERS if get_source(s).detect(folder)] == ["gitlab"]


def test_decision_rules() -> None:
    assert is_decision_label("ADR") and is_decision_label("type: Decision")
    assert is_decision_label("kind/rfc") and not is_decision_label("needs-decision")
    assert follows_decision_template("h2. Context\nx\nh2. Decision\ny\nh2. Consequences\nz")
    assert not follows_decision_template("## Context\nx\n## Decision\ny")
    # Jira API 3 descriptions are Atlassian Document Format: headings are nodes.
    adf = {
        "type": "doc",
        "content": [
            {
                "type": "heading",
                "attrs": {"level": 2},
                "content": [{"type": "text", "text": name}],
            }
            for name in ("Context", "Decision", "Consequences")
        ],
    }
    assert follows_decision_template(text_of(adf))
