"""What an export cannot see is unknown, never zero: each source states what its export shows, and
a metric that needs what no export in the store shows is unknown with the reason, in measure,
assess and the report."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb

from asyncmaturity.metrics.measure import measure
from asyncmaturity.pipeline import AssessmentRequest, run_assessment
from asyncmaturity.store.ingest import ingest
from asyncmaturity.vocabulary import Visibility

FIXTURES = Path(__file__).parent / "fixtures"
WITH_DMS = FIXTURES / "slack" / "conversation_kinds"  # dms.json, mpims.json, groups.json
PUBLIC_ONLY = FIXTURES / "slack" / "zone_plus_0545"  # channels.json alone
LIST_ARCHIVE = FIXTURES / "mail" / "first_reply_metrics.mbox"
NO_ATTENDEES = FIXTURES / "ical" / "cancelled_series.ics"
WITH_ATTENDEES = FIXTURES / "ical" / "small_team_week.ics"


def _store(tmp_path: Path, *exports: Path) -> Path:
    store = tmp_path / "s.duckdb"
    ingest(list(exports), store=store)
    return store


def test_a_public_channels_export_leaves_the_dm_share_unknown(tmp_path: Path) -> None:
    result = measure(store=_store(tmp_path, PUBLIC_ONLY))
    state = result.visibility[Visibility.DIRECT_MESSAGES]
    assert (state.visible, state.not_seen_by) == (False, ["slack zone_plus_0545"])
    assert result.metrics["messages.dm_share"] is None
    assert "direct messages" in result.unknown["messages.dm_share"]
    assert all(
        values["messages.dm_share"] is None
        for groups in result.scopes.values()
        for values in groups.values()
    )
    # Everything else is measured as before.
    assert result.metrics["messages.human"]


def test_an_export_with_its_dm_listings_measures_the_dm_share(tmp_path: Path) -> None:
    result = measure(store=_store(tmp_path, WITH_DMS))
    assert result.visibility[Visibility.DIRECT_MESSAGES].visible is True
    assert result.visibility[Visibility.PRIVATE_CHANNELS].visible is True
    assert result.metrics["messages.dm_share"] is not None
    assert "messages.dm_share" not in result.unknown


def test_a_list_archive_beside_a_full_export_is_noted_not_unknown(tmp_path: Path) -> None:
    result = measure(store=_store(tmp_path, WITH_DMS, LIST_ARCHIVE))
    state = result.visibility[Visibility.DIRECT_MESSAGES]
    assert state.visible is True
    assert state.seen_by == ["slack conversation_kinds"]
    assert state.not_seen_by == ["mbox first_reply_metrics.mbox"]
    assert result.metrics["messages.dm_share"] is not None
    assert any("Only some exports show direct messages" in note for note in result.notes)


def test_a_calendar_without_attendees_leaves_attendance_metrics_unknown(tmp_path: Path) -> None:
    without = measure(store=_store(tmp_path, NO_ATTENDEES))
    assert without.visibility[Visibility.ATTENDEES].visible is False
    assert without.metrics["meetings.hours_per_person_week"] is None
    assert "attendees" in without.unknown["meetings.hours_per_person_week"]
    assert "meetings.instances" not in without.unknown
    (tmp_path / "other").mkdir()
    with_attendees = measure(store=_store(tmp_path / "other", WITH_ATTENDEES))
    assert with_attendees.visibility[Visibility.ATTENDEES].visible is True
    assert with_attendees.metrics["meetings.hours_per_person_week"] is not None


def test_a_tracker_export_without_assignees_leaves_ownership_unknown(tmp_path: Path) -> None:
    issues = tmp_path / "issues.json"
    issues.write_text(
        json.dumps(
            [
                {
                    "number": n,
                    "title": f"Issue {n}",
                    "author": "dana",
                    "createdAt": f"2026-03-0{n}T08:00:00Z",
                    "closedAt": None,
                    "state": "OPEN",
                    "labels": [],
                    "url": f"https://github.com/acme/tools/issues/{n}",
                    "comments": [],
                }
                for n in (1, 2, 3)
            ]
        ),
        encoding="utf-8",
    )
    result = measure(store=_store(tmp_path, issues))
    assert result.visibility[Visibility.ASSIGNEES].visible is False
    assert result.metrics["work.owner_share"] is None
    assert "assignees" in result.unknown["work.owner_share"]


def test_a_store_ingested_before_visibility_states_nothing(tmp_path: Path) -> None:
    store = _store(tmp_path, PUBLIC_ONLY)
    with duckdb.connect(str(store)) as con:
        con.execute("DROP TABLE visibility")
        con.execute("UPDATE store_meta SET value = '3' WHERE key = 'schema_version'")
    result = measure(store=store)
    assert result.visibility[Visibility.DIRECT_MESSAGES].visible is None
    # As before visibility was recorded: the DM share is measured (0), nothing is unknown.
    assert result.metrics["messages.dm_share"] == 0.0
    assert result.unknown == {}


def test_criteria_that_read_an_unseen_metric_are_unknown_with_the_reason(tmp_path: Path) -> None:
    outcome = run_assessment(AssessmentRequest(store=_store(tmp_path, PUBLIC_ONLY)))
    document = outcome.document
    assert "messages.dm_share" in document.unknown
    assert document.visibility["direct messages"].visible is False
    reading = [
        criterion
        for _, _, criterion in document.criteria()
        if criterion.metric is not None and criterion.metric.id == "messages.dm_share"
    ]
    assert reading
    for criterion in reading:
        assert criterion.metric is not None and criterion.metric.value is None
        assert criterion.metric.reason and "direct messages" in criterion.metric.reason
        assert criterion.status == "unknown" or criterion.decided_by == "survey"
    html = outcome.html()
    assert "What the exports show" in html and "not shown" in html
    assert "messages.dm_share unknown: no export shows direct messages" in outcome.markdown()


def test_a_calendar_alone_leaves_every_message_indicator_unknown(tmp_path: Path) -> None:
    # Two decision meetings (a go/no-go without notes, a kick-off with a notes link) and no
    # message anywhere: "unwritten" would be 1 of 2 for want of anywhere to look; it is unknown,
    # as are the chat counts that would read 0.
    calendar = FIXTURES / "ical" / "decision_meetings_with_and_without_notes.ics"
    result = measure(store=_store(tmp_path, calendar))
    state = result.visibility[Visibility.MESSAGES]
    assert (state.visible, state.not_seen_by) == (
        False,
        ["ical decision_meetings_with_and_without_notes.ics"],
    )
    reason = "no export shows messages (ical decision_meetings_with_and_without_notes.ics cannot)"
    for metric_id in (
        "friction.unwritten_decision_meeting_share",
        "friction.stalled_thread_meeting_share",
        "messages.human",
        "people.active",
        "response.answered_share",
    ):
        assert result.metrics[metric_id] is None, metric_id
        assert result.unknown[metric_id] == reason, metric_id
    assert result.metrics["meetings.instances"] == 2
    assert "meetings.instances" not in result.unknown
    assert not any("Only some exports show messages" in note for note in result.notes)


def test_a_chat_export_beside_a_calendar_shows_messages(tmp_path: Path) -> None:
    result = measure(store=_store(tmp_path, WITH_DMS, NO_ATTENDEES))
    state = result.visibility[Visibility.MESSAGES]
    assert (state.visible, state.seen_by) == (True, ["slack conversation_kinds"])
    assert result.metrics["messages.human"]
    assert "messages.human" not in result.unknown
    # A calendar holds no messages of its own to miss: no "only some exports" note.
    assert not any("Only some exports show messages" in note for note in result.notes)


def _flat_channel(root: Path, day: str, ts: list[str]) -> Path:
    """A public channel of messages by two people, none of them a reply in a thread."""
    (root / "general").mkdir(parents=True)
    (root / "channels.json").write_text(json.dumps([{"id": "C1", "name": "general"}]))
    (root / "users.json").write_text(json.dumps([{"id": "U1"}, {"id": "U2"}]))
    messages = [
        {"type": "message", "user": f"U{1 + i % 2}", "ts": stamp, "text": "hello"}
        for i, stamp in enumerate(ts)
    ]
    (root / "general" / f"{day}.json").write_text(json.dumps(messages))
    return root


def test_a_slack_export_from_before_threads_leaves_thread_figures_unknown(
    tmp_path: Path,
) -> None:
    # 2017-01-17 09:00 and 09:05 UTC: the day before Slack rolled threads out.
    export = _flat_channel(tmp_path / "before", "2017-01-17", ["1484643600.0", "1484643900.0"])
    result = measure(store=_store(tmp_path, export))
    assert result.visibility[Visibility.THREADS].visible is False
    for metric_id in ("messages.thread_reply_share", "messages.thread_replies", "threads.count"):
        assert result.metrics[metric_id] is None
        assert "threaded replies" in result.unknown[metric_id]
    assert result.metrics["messages.human"] == 2


def test_a_flat_slack_export_from_when_threads_existed_measures_none_kept(
    tmp_path: Path,
) -> None:
    # 2017-01-18 09:00 and 09:05 UTC: threads had come; the team kept no reply in one.
    export = _flat_channel(tmp_path / "after", "2017-01-18", ["1484730000.0", "1484730300.0"])
    result = measure(store=_store(tmp_path, export))
    assert result.visibility[Visibility.THREADS].visible is True
    assert result.metrics["messages.thread_reply_share"] == 0.0
    assert result.metrics["threads.count"] == 0
