"""The activity map: each activity's figure on small stores named after the quirk they test,
its placement on the Asynchronous Communication Framework's grid, unknown where no export shows
it, and the map in the JSON, Markdown and HTML.

Figures are computed by hand in the comments. Unless a scenario says otherwise: default charter
(Mon-Fri 09:00-17:00, UTC), the week Mon 2026-03-02 to Sun 2026-03-08.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb
import pytest
from typer.testing import CliRunner

from asyncmaturity.assess.activities import MISSING, activity_map, quadrant_name
from asyncmaturity.assess.document import AssessmentDocument
from asyncmaturity.charter import parse_charter
from asyncmaturity.cli import app
from asyncmaturity.errors import InvalidFramework
from asyncmaturity.frameworks import load_framework, load_framework_file
from asyncmaturity.metrics.measure import measure
from asyncmaturity.store.ingest import ingest
from tests.test_await_metrics import write_export
from tests.test_meeting_work_metrics import UNTIL, Evidence, _store_with, at

SINCE = date(2026, 3, 2)
GOLDEN = Path(__file__).parent / "golden"
ACF = load_framework("acf")


def _message(con: duckdb.DuckDBPyConnection, author: str, sent: datetime) -> None:
    """A human chat message by `author` in one public channel."""
    con.execute(
        "INSERT INTO conversations (conversation_key, kind, name, source) "
        "SELECT 'c1', 'public channel', 'general', 'test' "
        "WHERE NOT EXISTS (SELECT 1 FROM conversations WHERE conversation_key = 'c1')"
    )
    key = f"{author}-{sent.isoformat()}"
    con.execute(
        "INSERT INTO messages (message_key, conversation_key, author_key, sent_at, is_root, "
        "is_reply, kind, source) VALUES (?, 'c1', ?, ?, true, false, 'human', 'test')",
        [key, author, sent],
    )


def deep_work_days(e: Evidence, _: str) -> None:
    """Ana and Ben share a meeting on Monday 10:00-11:00 (it makes them active attendees)."""
    e.person("ana")
    e.person("ben")
    e.meeting(at(2, 10), at(2, 11), ["ana", "ben"])
    # Ana, Monday: messages at 12:00, 14:00 and 16:00. Free: 9-10, 11-12 and three gaps of
    # 2 h less the second each message occupies: no block of 2 h.
    for hour in (12, 14, 16):
        _message(e.con, "ana", at(2, hour))
    # Ana, Tuesday: messages at 10:00 and 15:00 leave 10:00:01-15:00: protected.
    for hour in (10, 15):
        _message(e.con, "ana", at(3, hour))
    # Ana, Saturday: a weekend message changes nothing (no working day).
    _message(e.con, "ana", at(7, 11))
    # Ben, Tuesday to Friday: a message every 1.5 h from 09:30 to 15:30: no 2 h gap anywhere.
    for day in (3, 4, 5, 6):
        for hour, minute in ((9, 30), (11, 0), (12, 30), (14, 0), (15, 30)):
            _message(e.con, "ben", at(day, hour, minute))


def offline_events(e: Evidence, _: str) -> None:
    e.person("ana")
    e.person("ben")
    people = ["ana", "ben"]
    # Planned: an all-day workshop booked 22 days ahead.
    e.meeting(at(4, 0), at(5, 0), people, all_day=True, booked_at=datetime(2026, 2, 10))
    # At short notice: a two-day offsite (32 h, timed) booked 4 days ahead.
    e.meeting(at(5, 9), at(6, 17), people, booked_at=datetime(2026, 3, 1, 9))
    # No booking time: an offline activity, left out of the planned share.
    e.meeting(at(3, 0), at(4, 0), people, all_day=True)
    # Not offline activities: cancelled, private, an ordinary 2 h meeting.
    e.meeting(at(2, 0), at(3, 0), people, all_day=True, cancelled=True)
    e.meeting(at(6, 0), at(7, 0), people, all_day=True, private=True)
    e.meeting(at(2, 10), at(2, 12), people, booked_at=datetime(2026, 1, 1))


def _measure(
    tmp_path: Path, fill: Callable[[Evidence, str], None], charter: dict[str, Any] | None = None
) -> Any:
    store = _store_with(tmp_path, fill)
    return measure(store=store, charter=parse_charter(charter or {}), since=SINCE, until=UNTIL)


def test_deep_work_days_free_of_meetings_and_own_messages(tmp_path: Path) -> None:
    # Ana: Mon no, Tue-Fri yes (4); Ben: Mon yes (11-17 free), Tue-Fri no (1): 5 of 10 days.
    result = _measure(tmp_path, deep_work_days)
    assert result.metrics["focus.protected_day_share"] == pytest.approx(5 / 10)


def test_deep_work_block_length_comes_from_the_charter(tmp_path: Path) -> None:
    # With 1.5 h blocks Ana's Monday gap 12:00:01-14:00 (1:59:59) counts; Ben's 1:29:59 gaps
    # still do not: 6 of 10 days.
    result = _measure(tmp_path, deep_work_days, {"deep_work_block_hours": 1.5})
    assert result.metrics["focus.protected_day_share"] == pytest.approx(6 / 10)
    assert "deep-work-block" not in {a.id for a in result.assumptions}


def test_deep_work_is_unknown_in_a_calendar_without_messages(tmp_path: Path) -> None:
    result = _measure(tmp_path, offline_events)
    assert result.metrics["focus.protected_day_share"] is None
    assert "no human message" in result.unknown["focus.protected_day_share"]
    # The meeting-only focus figure is still measured.
    assert result.metrics["focus.hours_per_person_week"] is not None


def test_offline_activities_and_how_far_ahead_they_were_planned(tmp_path: Path) -> None:
    # Three offline activities; of the two with a booking time one was booked 14 days ahead.
    result = _measure(tmp_path, offline_events)
    assert result.metrics["offline.events"] == 3
    assert result.metrics["offline.planned_share"] == pytest.approx(1 / 2)
    # Three days ahead is planning enough for this team: both count.
    (tmp_path / "relaxed").mkdir()
    relaxed = _measure(tmp_path / "relaxed", offline_events, {"offline_planning_days": 3})
    assert relaxed.metrics["offline.planned_share"] == pytest.approx(1.0)


def test_requests_answered_in_writing(tmp_path: Path) -> None:
    # The AWAIT fixture's requests T1, T2, T3, T6: answered T1, T2, T6; moved to a call or DM
    # T3, T6: answered in writing T1, T2, 2 of 4.
    store = tmp_path / "store.duckdb"
    ingest([write_export(tmp_path / "export")], store=store)
    assert measure(store=store).metrics["await.written_answer_share"] == pytest.approx(2 / 4)


def test_requests_in_an_export_without_threads_are_unknown_not_unanswered(
    tmp_path: Path,
) -> None:
    # The AWAIT fixture's messages with their thread stamps dropped (a Slack export from before
    # threads): every request is a root with no reply, so no answer can be seen.
    export = write_export(tmp_path / "export")
    day = export / "general" / "2026-03-02.json"
    records = json.loads(day.read_text())
    day.write_text(json.dumps([{k: v for k, v in r.items() if k != "thread_ts"} for r in records]))
    store = tmp_path / "store.duckdb"
    ingest([export], store=store)
    metrics = measure(store=store).metrics
    assert metrics["await.requests"] and metrics["await.written_answer_share"] is None


def _urgent_export(folder: Path) -> Path:
    """#general: three messages, one @channel; #incidents: two messages, one @here."""
    users = [{"id": "UANA00001", "name": "ana", "tz": "UTC", "is_bot": False}]
    channels = [
        {"id": "C0GENERAL", "name": "general", "created": 1700000000},
        {"id": "C0INCIDNT", "name": "incidents", "created": 1700000000},
    ]
    (folder).mkdir(parents=True)
    (folder / "users.json").write_text(json.dumps(users))
    (folder / "channels.json").write_text(json.dumps(channels))
    texts = {
        "general": ["morning", "<!channel> the build is red", "lunch?"],
        "incidents": ["<!here> payments down", "rolled back"],
    }
    for channel, lines in texts.items():
        (folder / channel).mkdir()
        records = [
            {"type": "message", "user": "UANA00001", "text": text, "ts": f"{1772445600 + i}.0"}
            for i, text in enumerate(lines)
        ]
        (folder / channel / "2026-03-02.json").write_text(json.dumps(records))
    return folder


def test_urgent_signals_in_the_urgent_channel(tmp_path: Path) -> None:
    store = tmp_path / "store.duckdb"
    ingest([_urgent_export(tmp_path / "export")], store=store)
    # Named urgent: signals are the @channel in #general and both #incidents messages: 2 of 3.
    named = measure(store=store, charter=parse_charter({"urgent_channels": ["incidents"]}))
    assert named.metrics["emergencies.urgent_channel_share"] == pytest.approx(2 / 3)
    # Not named: only the two broadcasts signal urgency, none in an urgent channel.
    unnamed = measure(store=store)
    assert unnamed.metrics["emergencies.urgent_channel_share"] == 0.0
    assert "urgent-channels" in {a.id for a in unnamed.assumptions}


def ledger_requests(e: Evidence, _: str) -> None:
    e.person("ana")
    for index, urgency in enumerate(("normal", "urgent", "emergency", "normal")):
        e.con.execute(
            "INSERT INTO work_items (item_key, kind, created_at, author_key, labels, source) "
            "VALUES (?, 'request', ?, 'ana', ?, 'ledger')",
            [f"r{index}", at(3, 10 + index), [f"urgency:{urgency}"]],
        )


def test_emergency_requests_in_the_ledger(tmp_path: Path) -> None:
    # One emergency of four ledger requests.
    result = _measure(tmp_path, ledger_requests)
    assert result.metrics["ledger.emergency_share"] == pytest.approx(1 / 4)


# -- placement ---------------------------------------------------------------------------------

ALL_KNOWN = {
    "focus.protected_day_share": 0.7,  # >= 0.5: scheduled, as intended
    "await.written_answer_share": 0.3,  # < 0.5: daily operations turn synchronous
    "meetings.ad_hoc_share": 0.6,  # > 0.5: online meetings turn unscheduled
    "offline.planned_share": 0.5,  # at the line: as intended
    "emergencies.urgent_channel_share": 0.0,  # emergencies turn asynchronous
}


def _by_id(placed: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {p["id"]: p for p in placed}


def test_each_activity_is_placed_by_its_figure() -> None:
    placed = _by_id(activity_map(ACF, ALL_KNOWN, ALL_KNOWN, {}))
    expected = {
        "deep-work": ("as intended", "scheduled, asynchronous"),
        "daily-operations": ("departs", "unscheduled, synchronous"),
        "online-meetings": ("departs", "unscheduled, synchronous"),
        "offline-activities": ("as intended", "scheduled, synchronous"),
        "emergencies": ("departs", "unscheduled, asynchronous"),
    }
    for activity_id, (status, quadrant) in expected.items():
        assert placed[activity_id]["status"] == status, activity_id
        assert placed[activity_id]["measured"]["quadrant"] == quadrant, activity_id
        assert (placed[activity_id]["departure"] is None) == (status == "as intended")
    assert placed["online-meetings"]["intended"]["quadrant"] == quadrant_name(True, True)


def test_missing_evidence_leaves_an_activity_unknown_never_placed_by_zero() -> None:
    # A Slack-only team: no calendar, so the meeting figures are unknown with the reason.
    shown = {"await.written_answer_share": 0.8, "emergencies.urgent_channel_share": 1.0}
    unknown = {"meetings.ad_hoc_share": "no export in the store shows meetings"}
    placed = _by_id(activity_map(ACF, shown, shown, unknown))
    meetings = placed["online-meetings"]
    assert meetings["status"] == "unknown" and meetings["measured"] is None
    assert meetings["figure"]["reason"] == "no export in the store shows meetings"
    assert placed["offline-activities"]["figure"]["reason"] == MISSING["meetings"]
    assert placed["daily-operations"]["status"] == "as intended"


def test_a_figure_from_too_few_items_is_shown_but_places_nothing() -> None:
    shown = {"meetings.ad_hoc_share": 0.9}
    reason = "drawn from 3 items: too few to decide a criterion (at least 20)"
    placed = _by_id(
        activity_map(ACF, shown, {"meetings.ad_hoc_share": None}, {"meetings.ad_hoc_share": reason})
    )
    meetings = placed["online-meetings"]
    assert meetings["figure"]["value"] == 0.9
    assert meetings["status"] == "unknown" and meetings["figure"]["reason"] == reason


def test_an_activity_cannot_be_placed_on_an_axis_it_leaves_open(tmp_path: Path) -> None:
    raw = json.loads(json.dumps(ACF.model_dump(exclude_none=True)))
    raw["activities"][0]["scheduled"] = None
    path = tmp_path / "open.yaml"
    path.write_text(json.dumps(raw))
    with pytest.raises(InvalidFramework, match=r"evidence\.axis"):
        load_framework_file(path)


# -- the document and the report -----------------------------------------------------------------


@pytest.fixture(scope="module")
def chat_only_report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """`assess` of the AWAIT fixture (a Slack export: no calendar), as JSON, Markdown, HTML."""
    root = tmp_path_factory.mktemp("activities")
    store = root / "store.duckdb"
    ingest([write_export(root / "export")], store=store)
    out = {"json": root / "a.json", "markdown": root / "a.md", "html": root / "a.html"}
    args = ["assess", "--store", str(store)]
    for option, path in out.items():
        args += [f"--{option}", str(path)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    return {key: path.read_text() for key, path in out.items()}


def test_document_carries_the_map_and_reads_back(chat_only_report: dict[str, Any]) -> None:
    raw = json.loads(chat_only_report["json"])
    placed = _by_id(raw["activities"])
    assert list(placed) == [a.id for a in ACF.activities]
    # No calendar: the meeting activities are unknown, not placed by a zero.
    for activity_id in ("deep-work", "online-meetings", "offline-activities"):
        assert placed[activity_id]["status"] == "unknown", activity_id
    # 2 of 4 requests answered in writing: at the line, where the framework puts it.
    assert placed["daily-operations"]["figure"]["value"] == pytest.approx(0.5)
    document = AssessmentDocument.from_json(raw)
    assert document.to_json()["activities"] == raw["activities"]


def test_documents_written_before_the_map_still_read() -> None:
    raw = json.loads((GOLDEN / "houston-assessment.json").read_text())
    raw.pop("activities", None)
    assert AssessmentDocument.from_json(raw).activities == []


def test_markdown_and_html_show_the_map(chat_only_report: dict[str, Any]) -> None:
    markdown = chat_only_report["markdown"]
    assert "## Activity map" in markdown
    rows = [line for line in markdown.splitlines() if line.startswith("| Online meetings")]
    assert len(rows) == 1 and "| unknown |" in rows[0]
    page = chat_only_report["html"]
    assert re.search(r'<section class="report-section" id="activities"', page)
    assert 'aria-label="Activity map"' in page
    for activity in ACF.activities:
        assert activity.name in page
    assert "Online meetings: unknown" in page  # the grey marker's label
