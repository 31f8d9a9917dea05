"""The meeting period never runs past what has happened (issue 14): without --until it ends at the
evidence's end, never after now, and a calendar-only store counts no meeting that is still ahead."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from asyncmaturity.metrics.measure import measure
from asyncmaturity.store.ingest import ingest

CALENDAR = Path(__file__).parent / "fixtures" / "ical" / "series_past_time_of_ingest.ics"
INGESTED = datetime(2026, 12, 1, 12)


def _chat(folder: Path, *sent: datetime) -> Path:
    """A Slack export: one channel, Ana (ana@example.org, as in the calendar) posting at `sent`."""
    (folder / "general").mkdir(parents=True)
    user = {"id": "U0ANA", "name": "ana", "tz": "UTC", "profile": {"email": "ana@example.org"}}
    (folder / "users.json").write_text(json.dumps([user]))
    (folder / "channels.json").write_text(
        json.dumps([{"id": "C0GENERAL", "name": "general", "created": 1700000000}])
    )
    for at in sent:
        epoch = int(at.replace(tzinfo=UTC).timestamp())
        post = {
            "type": "message",
            "user": "U0ANA",
            "text": "status update",
            "ts": f"{epoch}.000000",
        }
        (folder / "general" / f"{at:%Y-%m-%d}.json").write_text(json.dumps([post]))
    return folder


def test_meetings_after_the_last_message_are_not_counted(tmp_path: Path) -> None:
    # The calendar, ingested on 1 Dec 2026 12:00, holds Mondays 2-30 Nov (5) and Thursdays 5-26
    # Nov (4). The chat ends on Fri 20 Nov 12:00: the meetings up to then count, Mon 2, 9, 16 and
    # Thu 5, 12, 19 = 6; Mon 23, Thu 26 and Mon 30 Nov = 3 are left out, and a note says so.
    chat = _chat(tmp_path / "chat", datetime(2026, 11, 2, 9), datetime(2026, 11, 20, 12))
    store = tmp_path / "s.duckdb"
    ingest([chat, CALENDAR], store=store, now=INGESTED)
    result = measure(store=store)
    assert result.metrics["meetings.instances"] == 6
    assert any(
        note.startswith(
            "3 meeting instances start after the last message or work record "
            "(2026-11-20 12:00 UTC) and are not counted"
        )
        for note in result.notes
    ), result.notes
    # --until decides instead: up to 30 Nov inclusive, all 9.
    assert measure(store=store, until=date(2026, 11, 30)).metrics["meetings.instances"] == 9
    # A period with meetings but no message: nothing to read a meeting's outcome in.
    quiet = measure(store=store, since=date(2026, 11, 21), until=date(2026, 11, 30))
    assert quiet.metrics["meetings.instances"] == 3
    assert quiet.metrics["friction.unwritten_decision_meeting_share"] is None
    assert "no human message" in quiet.unknown["friction.unwritten_decision_meeting_share"]


def test_a_calendar_alone_counts_up_to_the_time_of_ingest(tmp_path: Path) -> None:
    # No other evidence: the period ends where the calendar's evidence does, at the time of
    # ingest, and ingest read nothing after it: all 9 instances, no note of any left out.
    store = tmp_path / "s.duckdb"
    ingest([CALENDAR], store=store, now=INGESTED)
    result = measure(store=store)
    assert result.metrics["meetings.instances"] == 9
    assert not any("not counted" in note for note in result.notes)


def test_no_meeting_after_now_counts_whatever_the_store_holds(tmp_path: Path) -> None:
    # A store that holds a meeting still ahead (ingested by a clock that ran ahead, or before
    # issue 14 when a year past the last event was read): the one held 3 days ago counts, the
    # one in 30 days does not; an --until a year ahead ends now instead.
    today = datetime.now(UTC).replace(tzinfo=None, minute=0, second=0, microsecond=0)
    past, ahead = today - timedelta(days=3), today + timedelta(days=30)
    calendar = tmp_path / "ahead.ics"
    calendar.write_text(
        "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//test//ahead//EN\n"
        + "".join(
            f"BEGIN:VEVENT\nUID:{uid}\nDTSTART:{at:%Y%m%dT%H%M%SZ}\n"
            f"DTEND:{at + timedelta(hours=1):%Y%m%dT%H%M%SZ}\nEND:VEVENT\n"
            for uid, at in (("past", past), ("ahead", ahead))
        )
        + "END:VCALENDAR\n"
    )
    store = tmp_path / "s.duckdb"
    assert ingest([calendar], store=store, now=today + timedelta(days=60)).added["meetings"] == 2
    result = measure(store=store)
    assert result.metrics["meetings.instances"] == 1
    assert any(note.startswith("1 meeting instance starts after now") for note in result.notes)
    bounded = measure(store=store, until=today + timedelta(days=365))
    assert bounded.metrics["meetings.instances"] == 1
    assert any(note.startswith("--until lies in the future") for note in bounded.notes)
