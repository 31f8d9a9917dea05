"""The iCalendar source: quirk-named calendars in tests/fixtures/ical, expected rows by hand.

Times in the fixtures are UTC (a trailing Z) unless a TZID says otherwise. Every test ingests
into a fresh store; ``_meetings`` reads the rows back in start order.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import time
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import duckdb
import icalendar
import pytest
import recurring_ical_events  # type: ignore[import-untyped]
from typer.testing import CliRunner

from asyncmaturity.cli import app
from asyncmaturity.errors import InvalidExport, RejectedRecords
from asyncmaturity.metrics.measure import measure
from asyncmaturity.sources import detect_source, get_source
from asyncmaturity.sources.ical import (
    MAX_INSTANCES,
    IcalSource,
    expansion_bounds,
    has_agenda,
    has_notes_link,
)
from asyncmaturity.store.database import EvidenceStore, person_key
from asyncmaturity.store.ingest import ingest

FIXTURES = Path(__file__).parent / "fixtures" / "ical"
SOURCE = IcalSource()


def fixture(name: str) -> Path:
    found = FIXTURES / f"{name}.ics"
    assert found.is_file(), found
    return found


def key(uid: str, instant: str) -> str:
    """meeting_key = md5('ical|' || UID || '|' || the instance's UTC instant)."""
    return hashlib.md5(f"ical|{uid}|{instant}".encode()).hexdigest()


def _rows(store: Path, sql: str) -> list[dict[str, Any]]:
    con = duckdb.connect(str(store), read_only=True)
    try:
        cursor = con.execute(sql)
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    finally:
        con.close()


def _meetings(store: Path) -> list[dict[str, Any]]:
    return _rows(store, "SELECT * FROM meetings ORDER BY start_at, meeting_key")


def _secret(store: Path) -> str:
    with EvidenceStore.open(store, create=False) as opened:
        return opened.secret


def _counts(store: Path) -> dict[str, int]:
    with EvidenceStore.open(store, create=False) as opened:
        return opened.counts()


def test_several_vcalendars_in_one_file(tmp_path: Path) -> None:
    # Three VCALENDARs, the first two glued as END:VCALENDARBEGIN:VCALENDAR on one line.
    store = tmp_path / "s.duckdb"
    summary = ingest([fixture("several_vcalendars_in_one_file")], store=store)
    assert "3 calendar(s), 3 events" in summary.exports[0].detected
    assert summary.skipped_total == 0
    rows = _meetings(store)
    assert [r["meeting_key"] for r in rows] == [
        key("first-calendar-event@example.org", "2026-03-02T10:00:00Z"),
        key("second-calendar-event@example.org", "2026-03-03T14:00:00Z"),
        key("third-calendar-event@example.org", "2026-03-04T09:00:00Z"),
    ]
    assert (
        rows[0]["series_key"] == hashlib.md5(b"ical|first-calendar-event@example.org").hexdigest()
    )
    assert {r["source"] for r in rows} == {"ical"}
    assert {r["parser_version"] for r in rows} == {"ical/2"}


def test_instance_each_side_of_a_dst_change_keeps_its_local_time(tmp_path: Path) -> None:
    # New York, Fridays 10:00 local: EST (-5) on 27 Feb and 6 Mar -> 15:00Z; the US changes to
    # EDT (-4) on Sun 8 Mar, so 13 and 20 Mar -> 14:00Z. An Outlook-named VTIMEZONE
    # ("Customized Time Zone", CET/CEST), Mondays 09:00: 23 Mar (+1) -> 08:00Z; the EU changes
    # on Sun 29 Mar, so 30 Mar (+2) -> 07:00Z.
    store = tmp_path / "s.duckdb"
    ingest([fixture("vtimezone_dst_weekly")], store=store)
    starts = [(r["start_at"], r["end_at"]) for r in _meetings(store)]
    assert starts == [
        (datetime(2026, 2, 27, 15), datetime(2026, 2, 27, 16)),
        (datetime(2026, 3, 6, 15), datetime(2026, 3, 6, 16)),
        (datetime(2026, 3, 13, 14), datetime(2026, 3, 13, 15)),
        (datetime(2026, 3, 20, 14), datetime(2026, 3, 20, 15)),
        (datetime(2026, 3, 23, 8), datetime(2026, 3, 23, 9)),
        (datetime(2026, 3, 30, 7), datetime(2026, 3, 30, 8)),
    ]


def test_exdate_removes_and_overrides_move_or_cancel(tmp_path: Path) -> None:
    # Weekly Tuesdays 10:00Z x5 from 3 Mar: 3, 10 (EXDATE: gone), 17 (moved to Wed 18 Mar
    # 15:00-16:00, keyed by its RECURRENCE-ID), 24 (override STATUS:CANCELLED: a cancelled
    # row), 31 Mar.
    store = tmp_path / "s.duckdb"
    ingest([fixture("rrule_with_exdate_and_override")], store=store)
    uid = "weekly-review@example.org"
    rows = _meetings(store)
    assert [(r["start_at"], r["cancelled"], r["meeting_key"]) for r in rows] == [
        (datetime(2026, 3, 3, 10), False, key(uid, "2026-03-03T10:00:00Z")),
        (datetime(2026, 3, 18, 15), False, key(uid, "2026-03-17T10:00:00Z")),
        (datetime(2026, 3, 24, 10), True, key(uid, "2026-03-24T10:00:00Z")),
        (datetime(2026, 3, 31, 10), False, key(uid, "2026-03-31T10:00:00Z")),
    ]
    assert rows[1]["end_at"] == datetime(2026, 3, 18, 16)
    assert all(r["recurring"] for r in rows)
    assert len({r["series_key"] for r in rows}) == 1


def test_rdate_adds_instances(tmp_path: Path) -> None:
    # Weekly x2 from Mon 2 Mar 09:00 plus RDATE Thu 5 Mar 13:00 (1 h, the series' length); a
    # rule-less event with an RDATE: 6 and 13 Mar 10:00-10:30. All five are recurring.
    store = tmp_path / "s.duckdb"
    ingest([fixture("rdate_extra_instance")], store=store)
    rows = _meetings(store)
    assert [(r["start_at"], r["end_at"]) for r in rows] == [
        (datetime(2026, 3, 2, 9), datetime(2026, 3, 2, 10)),
        (datetime(2026, 3, 5, 13), datetime(2026, 3, 5, 14)),
        (datetime(2026, 3, 6, 10), datetime(2026, 3, 6, 10, 30)),
        (datetime(2026, 3, 9, 9), datetime(2026, 3, 9, 10)),
        (datetime(2026, 3, 13, 10), datetime(2026, 3, 13, 10, 30)),
    ]
    assert all(r["recurring"] for r in rows)


def test_duration_instead_of_dtend(tmp_path: Path) -> None:
    # PT1H30M from 10:00 -> 11:30; no end at all -> no time; DATE + P2D -> two all-day days.
    store = tmp_path / "s.duckdb"
    ingest([fixture("duration_instead_of_dtend")], store=store)
    rows = _meetings(store)
    assert [(r["start_at"], r["end_at"], r["all_day"]) for r in rows] == [
        (datetime(2026, 3, 2, 10), datetime(2026, 3, 2, 11, 30), False),
        (datetime(2026, 3, 3, 10), datetime(2026, 3, 3, 10), False),
        (datetime(2026, 3, 4), datetime(2026, 3, 6), True),
    ]


def test_all_day_event_is_flagged(tmp_path: Path) -> None:
    store = tmp_path / "s.duckdb"
    ingest([fixture("all_day_event")], store=store)
    rows = _meetings(store)
    assert [(r["start_at"], r["end_at"], r["all_day"]) for r in rows] == [
        (datetime(2026, 3, 5), datetime(2026, 3, 6), True),
        (datetime(2026, 3, 5, 10), datetime(2026, 3, 5, 11), False),
    ]
    # meetings.instances leaves the all-day instance out: 1.
    result = measure(store=store, since=date(2026, 3, 2), until=date(2026, 3, 8))
    assert result.metrics["meetings.instances"] == 1


def test_cancelled_series_override_and_method_cancel(tmp_path: Path) -> None:
    # The cancelled series' 3 instances (its override at 12:00 on 9 Mar too, though it has no
    # STATUS of its own), the METHOD:CANCEL event: cancelled; the confirmed one is not.
    store = tmp_path / "s.duckdb"
    ingest([fixture("cancelled_series")], store=store)
    rows = _meetings(store)
    assert [(r["start_at"], r["cancelled"]) for r in rows] == [
        (datetime(2026, 3, 2, 10), True),
        (datetime(2026, 3, 3, 10), False),
        (datetime(2026, 3, 4, 10), True),
        (datetime(2026, 3, 9, 12), True),
        (datetime(2026, 3, 16, 10), True),
    ]


def test_private_and_confidential_events(tmp_path: Path) -> None:
    # PRIVATE, CONFIDENTIAL -> private; PUBLIC -> not; the private series' moved instance has
    # no CLASS and inherits its master's.
    store = tmp_path / "s.duckdb"
    ingest([fixture("private_event")], store=store)
    assert [r["private"] for r in _meetings(store)] == [True, True, False, True, True]


def test_attendees_partstat_role_rooms_and_organizer(tmp_path: Path) -> None:
    # Event 1: organizer Olga (not listed) attends accepted/required; Ana accepted/required (her
    # second, upper-case entry is the same address: ignored); Ben tentative/optional; Cat with no
    # PARTSTAT or ROLE needs-action/required; Dan CHAIR declined -> declined/required; Eve
    # DELEGATED -> declined. Not people: the room, the projector, the NON-PARTICIPANT and the
    # Google group calendar. attendee_count = 6.
    # Event 2: Olga organizes and is listed as declined: her entry counts; with Ben: 2.
    # Event 3: organized by a Google group calendar: no organizer_key; Ana alone: 1.
    store = tmp_path / "s.duckdb"
    ingest([fixture("attendees_partstat_role")], store=store)
    secret = _secret(store)
    who = {
        person_key(secret, f"email:{name}@example.org"): name
        for name in ("olga", "ana", "ben", "cat", "dan", "eve", "room1", "projector", "fyi")
    }
    rows = _meetings(store)
    assert [r["attendee_count"] for r in rows] == [6, 2, 1]
    assert [who.get(r["organizer_key"]) for r in rows] == ["olga", "olga", None]
    attendance = _rows(
        store,
        "SELECT m.start_at, a.person_key, a.response, a.role FROM attendance a "
        "JOIN meetings m USING (meeting_key) ORDER BY m.start_at, a.person_key",
    )
    got = sorted(
        (r["start_at"].day, who[r["person_key"]], r["response"], r["role"]) for r in attendance
    )
    assert got == [
        (2, "ana", "accepted", "required"),
        (2, "ben", "tentative", "optional"),
        (2, "cat", "needs-action", "required"),
        (2, "dan", "declined", "required"),
        (2, "eve", "declined", "required"),
        (2, "olga", "accepted", "required"),
        (3, "ben", "accepted", "required"),
        (3, "olga", "declined", "required"),
        (4, "ana", "accepted", "required"),
    ]
    identities = _rows(store, "SELECT DISTINCT kind FROM identities")
    assert identities == [{"kind": "email"}]
    # Names only with --keep-text.
    assert _rows(store, "SELECT count(display_name) AS n FROM people") == [{"n": 0}]
    kept = tmp_path / "kept.duckdb"
    ingest([fixture("attendees_partstat_role")], store=kept, keep_text=True)
    names = {r["display_name"] for r in _rows(kept, "SELECT display_name FROM people")}
    assert {"Ana", "Ben", "Cat", "Olga Organizer"} <= names


def test_calendar_people_link_to_other_sources_by_email(tmp_path: Path) -> None:
    store = tmp_path / "s.duckdb"
    ingest([fixture("attendees_partstat_role")], store=store)
    secret = _secret(store)
    hashes = {r["identity_hash"] for r in _rows(store, "SELECT identity_hash FROM identities")}
    expected = hashlib.sha256(f"{secret}|email:ana@example.org".encode()).hexdigest()
    assert expected in hashes


def test_endless_minutely_rule_is_capped_quickly(tmp_path: Path) -> None:
    # FREQ=MINUTELY with neither COUNT nor UNTIL, in March 2026 from 2 Mar 10:00: 42,000
    # instances uncapped; the series stops at MAX_INSTANCES, counted as skipped.
    store = tmp_path / "s.duckdb"
    march = {"since": date(2026, 3, 1), "until": date(2026, 3, 31)}
    started = time.perf_counter()
    summary = ingest([fixture("endless_minutely_rrule")], store=store, **march)
    assert time.perf_counter() - started < 30  # about 0.3 s on a laptop
    assert summary.added["meetings"] == MAX_INSTANCES
    (reason,) = summary.skipped
    assert reason.startswith("series capped at 10,000 instances") and summary.skipped[reason] == 1
    assert "every-minute-forever@example.org" in summary.exports[0].examples[0]
    # Given in a folder, the skip still names the file and the event, not the folder.
    folder = tmp_path / "calendars"
    folder.mkdir()
    shutil.copy(fixture("endless_minutely_rrule"), folder)
    in_folder = ingest([folder], store=tmp_path / "folder.duckdb", **march)
    assert (
        in_folder.exports[0]
        .examples[0]
        .startswith(
            f"{folder / 'endless_minutely_rrule.ics'} event 1 (UID every-minute-forever@example.org): "
        )
    )
    last = _rows(store, "SELECT max(start_at) AS last FROM meetings")[0]["last"]
    assert last == datetime(2026, 3, 2, 10) + (MAX_INSTANCES - 1) * (
        datetime(2026, 1, 1, 0, 1) - datetime(2026, 1, 1)
    )
    with pytest.raises(RejectedRecords, match="series capped"):
        ingest(
            [fixture("endless_minutely_rrule")],
            store=tmp_path / "strict.duckdb",
            strict=True,
            **march,
        )
    # Without --until the endless rule stops at the export's time, its DTSTAMP (1 Mar 00:00),
    # before the rule's first instance (2 Mar 10:00): nothing had happened, nothing is read.
    default = ingest([fixture("endless_minutely_rrule")], store=tmp_path / "default.duckdb")
    assert default.added.get("meetings", 0) == 0 and default.skipped == {}


def test_bad_records_are_counted_and_fatal_under_strict(tmp_path: Path) -> None:
    # DTSTART 'yesterday'; DTEND before DTSTART: two skips; the event without a UID is keyed by
    # its content and read, and so is the fourth.
    store = tmp_path / "s.duckdb"
    summary = ingest([fixture("bad_records")], store=store)
    assert summary.records_read == 4
    assert summary.skipped == {
        "event with an unreadable date, duration or rule": 1,
        "event that ends before it starts": 1,
    }
    examples = summary.exports[0].examples
    assert any(
        re.search(r"bad_records\.ics event 2: \(UID bad-start@example.org\) DTSTART", e)
        for e in examples
    )
    assert summary.added["meetings"] == 2
    strict_store = tmp_path / "strict.duckdb"
    with pytest.raises(RejectedRecords, match=r"bad_records\.ics event 2: \(UID bad-start"):
        ingest([fixture("bad_records")], store=strict_store, strict=True)
    assert not strict_store.exists()


def test_unparseable_calendar_among_readable_ones(tmp_path: Path) -> None:
    good = fixture("all_day_event").read_text()
    broken = "BEGIN:VCALENDAR\nVERSION:2.0\nBEGIN:VEVENT\nUID:x\nDTSTART:20260302T100000Z\n"
    mixed = tmp_path / "mixed.ics"
    mixed.write_text(good + broken)
    summary = ingest([mixed], store=tmp_path / "s.duckdb")
    assert summary.skipped == {"calendar that cannot be parsed": 1}
    assert summary.added["meetings"] == 2
    only_broken = tmp_path / "broken.ics"
    only_broken.write_text(broken)
    with pytest.raises(InvalidExport, match=r"broken\.ics calendar 1: cannot be parsed"):
        ingest([only_broken], store=tmp_path / "t.duckdb")


def test_reingest_adds_nothing(tmp_path: Path) -> None:
    store = tmp_path / "s.duckdb"
    exports = [fixture("rrule_with_exdate_and_override"), fixture("attendees_partstat_role")]
    first = ingest(exports, store=store)
    assert first.added["meetings"] == 7 and first.added["attendance"] == 9
    before = _counts(store)
    again = ingest(exports, store=store)
    assert sum(again.added.values()) == 0
    assert again.duplicates["meetings"] == 7
    assert _counts(store) == before


def test_window_bounds_the_expansion(tmp_path: Path) -> None:
    # [15 Mar, 24 Mar] (a date until includes its day): the moved instance (18 Mar) and the
    # cancelled one (24 Mar) start inside; 3 and 31 Mar do not.
    store = tmp_path / "s.duckdb"
    summary = ingest(
        [fixture("rrule_with_exdate_and_override")],
        store=store,
        since=date(2026, 3, 15),
        until=date(2026, 3, 24),
    )
    assert "given window" in summary.exports[0].detected
    assert [r["start_at"] for r in _meetings(store)] == [
        datetime(2026, 3, 18, 15),
        datetime(2026, 3, 24, 10),
    ]
    # Widening the window later adds the rest, and only the rest.
    wider = ingest(
        [fixture("rrule_with_exdate_and_override")],
        store=store,
        since=date(2026, 3, 1),
        until=date(2026, 3, 31),
    )
    assert wider.added["meetings"] == 2 and wider.duplicates["meetings"] == 2
    with pytest.raises(InvalidExport, match="window is empty"):
        ingest(
            [fixture("all_day_event")], store=store, since=date(2026, 3, 5), until=date(2026, 3, 1)
        )


def test_default_window(tmp_path: Path) -> None:
    # Issue 14: the window no longer runs a year past the last event. Without --until it ends at
    # the time of ingest; an endless rule stops at the export's time (here 2024-06-01 11:00)
    # when that comes first. Low, high, and the high of an endless rule:
    horizon, now = datetime(2024, 6, 1, 11), datetime(2026, 1, 1)
    assert expansion_bounds((None, None), datetime(2020, 1, 1), horizon, now) == (
        datetime(2020, 1, 1),
        now,
        horizon,
    )
    # --until after the time of ingest is clipped to it.
    assert expansion_bounds((None, datetime(2030, 1, 1)), datetime(2020, 1, 1), horizon, now) == (
        datetime(2020, 1, 1),
        now,
        now,
    )
    # Only --since, after the time of ingest: an empty window.
    low, high, _ = expansion_bounds(
        (datetime(2030, 1, 1), None), datetime(2020, 1, 1), horizon, now
    )
    assert low > high
    far = tmp_path / "far.ics"
    far.write_text(
        "BEGIN:VCALENDAR\nVERSION:2.0\n"
        "BEGIN:VEVENT\nUID:early\nDTSTART:20200101T100000Z\nDTEND:20200101T110000Z\nEND:VEVENT\n"
        "BEGIN:VEVENT\nUID:late\nDTSTART:20240601T100000Z\nDTEND:20240601T110000Z\nEND:VEVENT\n"
        "BEGIN:VEVENT\nUID:weekly\nDTSTART:20240101T090000Z\nDTEND:20240101T093000Z\n"
        "RRULE:FREQ=WEEKLY\nEND:VEVENT\n"
        "BEGIN:VEVENT\nUID:fortnightly\nDTSTART:20240520T140000Z\nDTEND:20240520T150000Z\n"
        "RRULE:FREQ=WEEKLY;INTERVAL=2;COUNT=4\nEND:VEVENT\n"
        "END:VCALENDAR\n"
    )
    summary = ingest([far], store=tmp_path / "s.duckdb", now=now)
    # No stamps: the export's time is the end of its latest event, 'late' (1 Jun 11:00). Both single
    # events; the endless weekly series from Monday 1 Jan 2024 up to it: 5 Mondays in January, 4
    # in February, 4 in March, 5 in April, 4 in May: 22; the fortnightly rule states its end and
    # is read as written, 20 May, 3 Jun, 17 Jun, 1 Jul: 4.
    assert summary.added["meetings"] == 2 + 22 + 4
    assert summary.skipped == {}
    detected = summary.exports[0].detected
    assert "default window, ending at the time of ingest" in detected
    assert "endless rules end at the export's time, 2024-06-01 11:00" in detected


def test_detection(tmp_path: Path, slack_fixture: Any) -> None:
    assert get_source("ical") is not None
    for name in ("several_vcalendars_in_one_file", "endless_minutely_rrule"):
        assert SOURCE.detect(fixture(name))
        assert detect_source(fixture(name)).name == "ical"
    # By content, whatever the name; a folder of .ics files; a zip of them.
    renamed = tmp_path / "calendar.txt"
    renamed.write_bytes(b"\xef\xbb\xbf\r\n" + fixture("all_day_event").read_bytes())
    assert SOURCE.detect(renamed)
    folder = tmp_path / "calendars"
    folder.mkdir()
    shutil.copy(fixture("all_day_event"), folder / "team.ics")
    assert SOURCE.detect(folder) and detect_source(folder).name == "ical"
    archive = tmp_path / "calendars.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.write(folder / "team.ics", "export/team.ics")
    assert SOURCE.detect(archive)
    # Not ours: a Slack export, JSON, an empty folder, a file that only mentions a calendar.
    assert not SOURCE.detect(slack_fixture("bot_reply_in_thread"))
    assert not SOURCE.detect(slack_fixture("bot_reply_in_thread") / "users.json")
    empty = tmp_path / "empty"
    empty.mkdir()
    assert not SOURCE.detect(empty)
    mention = tmp_path / "notes.txt"
    mention.write_text("how to export:\nBEGIN:VCALENDAR is the first line\n")
    assert not SOURCE.detect(mention)


def test_folder_and_zip_give_the_same_keys(tmp_path: Path) -> None:
    folder = tmp_path / "calendars"
    (folder / "nested").mkdir(parents=True)
    shutil.copy(fixture("rrule_with_exdate_and_override"), folder / "review.ics")
    shutil.copy(fixture("all_day_event"), folder / "nested" / "offsite.ICS")
    (folder / "readme.txt").write_text("not a calendar")
    store = tmp_path / "s.duckdb"
    summary = ingest([folder], store=store)
    assert summary.added["meetings"] == 6
    assert "2 file(s)" in summary.exports[0].detected
    archive = tmp_path / "calendars.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for file in sorted(folder.rglob("*")):
            if file.is_file():
                zf.write(file, file.relative_to(folder).as_posix())
    again = ingest([archive], store=store)
    assert again.added.get("meetings", 0) == 0 and again.duplicates["meetings"] == 6
    origins = {r["origin"] for r in _rows(store, "SELECT DISTINCT origin FROM meetings")}
    assert origins == {f"{folder}/review.ics", f"{folder}/nested/offsite.ICS"}


def test_cli_ingest_with_a_window(tmp_path: Path) -> None:
    store = tmp_path / "s.duckdb"
    runner = CliRunner()
    # Rich wraps the help in a box: compare words only.
    help_text = re.sub(r"[\s│]+", " ", runner.invoke(app, ["ingest", "--help"]).output)
    assert "calendar expansion window" in help_text and "other sources ignore it" in help_text
    result = runner.invoke(
        app,
        [
            "ingest",
            str(fixture("rrule_with_exdate_and_override")),
            "--store",
            str(store),
            "--since",
            "2026-03-15",
            "--until",
            "2026-03-24",
            "--quiet",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "2 meetings" in result.output
    bad = runner.invoke(
        app, ["ingest", str(fixture("all_day_event")), "--store", str(store), "--until", "soon"]
    )
    assert bad.exit_code != 0


def test_agenda_and_notes_rules() -> None:
    zoom = "Join Zoom Meeting\nhttps://zoom.us/j/123?pwd=x\n\nMeeting ID: 982 5461 7376\nPasscode: 305874\n+1 719 359 4580 US"
    assert not has_agenda(zoom, [])
    numbers = (
        "\n".join(f"• +1 {n}00 555 0{n}00 US" for n in range(1, 10))
        + "\n• 855 880 1246 US Toll-free"
    )
    assert not has_agenda(zoom + "\n\n---\n\nDial by your location\n" + numbers, [])
    assert has_agenda(zoom + "\nAgenda: https://example.org/issues", [])
    assert has_agenda("<p>1. Review the Q3 roadmap</p><p>2. Hiring</p>", [])
    assert not has_agenda("Sync", [])
    assert has_agenda("", ["https://example.org/plan.pdf"])
    assert has_notes_link('Recording URL: <a href="https://x.webex.com/a">link</a>', [])
    assert has_notes_link("See https://docs.google.com/document/d/abc", [])
    assert has_notes_link("https://wiki.example.org/Meeting+Minutes", [])
    assert has_notes_link("", ["https://zoom.us/rec/share/abc"])
    assert not has_notes_link("Please arrive a few minutes early: https://example.org/download", [])
    assert not has_notes_link(zoom, [])


def test_measure_on_a_small_team_week(tmp_path: Path) -> None:
    # small_team_week.ics, ingested for March, measured for Mon 2 to Sun 8 Mar 2026 (7 days):
    # - stand-up 09:00-09:30, weekdays from 23 Feb, EXDATE 4 Mar: in the week 2, 3, 5, 6 Mar;
    #   organizer ana + ben, cat accepted (3 people); agenda ("Agenda: blockers"); recurring;
    #   CREATED 1 Feb (not ad hoc).
    # - planning Tue 3 Mar 10:00-11:30, organizer ben, ana accepted, cat declined (3 people);
    #   no description: no agenda; no CREATED: no booking time.
    # - hiring Tue 3 Mar 11:00-12:00, organizer cat, ana accepted (2 people); 44 letters of
    #   description: agenda; CREATED 10:30 the same day: booked 30 min ahead, ad hoc.
    # - offsite (all-day), retro (cancelled): not counted; next-week (10 Mar): outside.
    # meetings.instances = 4 + 1 + 1 = 6; meetings.hours = 4 x 0.5 + 1.5 + 1 = 4.5.
    # agenda_share = 5/6 (stand-ups and hiring); recurring_share = 4/6; ad_hoc_share = 1/5.
    # hours_per_person_week: ana 2 h of stand-ups + planning and hiring merged 10:00-12:00
    # = 2 h -> 4 h; ben 2 + 1.5 = 3.5 h; cat 2 + 1 (declined planning) = 3 h; 10.5 h over
    # 3 active attendees and 1 week = 3.5.
    store = tmp_path / "s.duckdb"
    summary = ingest(
        [fixture("small_team_week")], store=store, since=date(2026, 3, 1), until=date(2026, 3, 31)
    )
    # March: stand-ups 2-6, 9-13, 16-20 Mar less the 4th = 14; planning, hiring, offsite, retro,
    # next-week: 19.
    assert summary.added["meetings"] == 19
    metrics = measure(store=store, since=date(2026, 3, 2), until=date(2026, 3, 8)).metrics
    assert metrics["meetings.instances"] == 6
    assert metrics["meetings.hours"] == pytest.approx(4.5)
    assert metrics["meetings.agenda_share"] == pytest.approx(5 / 6)
    assert metrics["meetings.recurring_share"] == pytest.approx(4 / 6)
    assert metrics["meetings.ad_hoc_share"] == pytest.approx(1 / 5)
    assert metrics["meetings.hours_per_person_week"] == pytest.approx(3.5)


def _finos_reference(path: Path, low: datetime, high: datetime) -> tuple[int, int]:
    """(instances starting in [low, high), of which cancelled), by recurring_ical_events directly."""
    text = path.read_text(encoding="utf-8")
    text = text.replace("END:VCALENDARBEGIN:VCALENDAR", "END:VCALENDAR\r\nBEGIN:VCALENDAR")
    total = cancelled = 0
    for chunk in re.split(r"(?m)^(?=BEGIN:VCALENDAR)", text):
        if not chunk.strip():
            continue
        calendar = icalendar.Calendar.from_ical(chunk)
        for event in recurring_ical_events.of(calendar).between(low, high):
            start = event["DTSTART"].dt
            if not isinstance(start, datetime):
                start = datetime(start.year, start.month, start.day, tzinfo=UTC)
            if low <= start.astimezone(UTC) < high:
                total += 1
                cancelled += str(event.get("STATUS", "")).upper() == "CANCELLED"
    return total, cancelled


@pytest.mark.shared_data
def test_finos_community_calendar(shared_data: Path, tmp_path: Path) -> None:
    calendar = shared_data / "ics-finos-community.ics"
    if not calendar.is_file():
        pytest.skip("ics-finos-community.ics is not present")
    store = tmp_path / "finos.duckdb"
    summary = ingest([calendar], store=store, since=date(2023, 1, 1), until=date(2023, 12, 31))
    expected, cancelled = _finos_reference(
        calendar, datetime(2023, 1, 1, tzinfo=UTC), datetime(2024, 1, 1, tzinfo=UTC)
    )
    assert expected > 1000
    assert summary.skipped_total == 0
    assert summary.added["meetings"] == expected
    rows = _rows(
        store,
        "SELECT count(*) AS n, count(*) FILTER (cancelled) AS cancelled, min(start_at) AS first, "
        "max(start_at) AS last FROM meetings",
    )[0]
    assert rows["n"] == expected and rows["cancelled"] == cancelled
    assert rows["first"] >= datetime(2023, 1, 1) and rows["last"] < datetime(2024, 1, 1)
    before = _counts(store)
    again = ingest([calendar], store=store, since=date(2023, 1, 1), until=date(2023, 12, 31))
    assert sum(again.added.values()) == 0 and _counts(store) == before
    metrics = measure(store=store, since=date(2023, 1, 1), until=date(2023, 12, 31)).metrics
    for metric_id in (
        "meetings.instances",
        "meetings.hours",
        "meetings.agenda_share",
        "meetings.recurring_share",
        "meetings.outside_hours_share",
    ):
        assert metrics[metric_id] is not None, metric_id
    assert 0 < metrics["meetings.instances"] <= expected  # all-day ones are not counted


def test_floating_times_are_read_as_utc_and_unknown_zones_skipped(tmp_path: Path) -> None:
    # No charter at ingest: a floating 10:00 is 10:00 UTC. A TZID nobody defines could put the
    # meeting anywhere within a day: that event is skipped and counted (issue 20).
    store = tmp_path / "s.duckdb"
    summary = ingest([fixture("floating_time_read_as_utc")], store=store)
    assert [(r["start_at"], r["end_at"]) for r in _meetings(store)] == [
        (datetime(2026, 3, 2, 10), datetime(2026, 3, 2, 11)),
    ]
    assert summary.skipped == {"event whose TZID is not a known time zone": 1}
    assert "unknown-zone@example.org" in summary.exports[0].examples[0]


def test_thisandfuture_override_reshapes_the_later_instances(tmp_path: Path) -> None:
    # Weekly 10:00 x4 from 2 Mar; from 16 Mar on (RANGE=THISANDFUTURE) 14:00 and private. The
    # override keeps its RECURRENCE-ID in its key; 23 Mar, reshaped by it, is keyed by its start.
    store = tmp_path / "s.duckdb"
    ingest([fixture("thisandfuture_override")], store=store)
    uid = "moved-from-the-third-on@example.org"
    assert [(r["start_at"], r["private"], r["meeting_key"]) for r in _meetings(store)] == [
        (datetime(2026, 3, 2, 10), False, key(uid, "2026-03-02T10:00:00Z")),
        (datetime(2026, 3, 9, 10), False, key(uid, "2026-03-09T10:00:00Z")),
        (datetime(2026, 3, 16, 14), True, key(uid, "2026-03-16T10:00:00Z")),
        (datetime(2026, 3, 23, 14), True, key(uid, "2026-03-23T14:00:00Z")),
    ]


def test_the_same_event_in_two_calendars_counts_once(tmp_path: Path) -> None:
    # The same UID in two VCALENDARs (two exports of one calendar concatenated): one meeting,
    # from the component with the higher SEQUENCE (the later edit: 10:00-10:45).
    def calendar(sequence: int, end: str) -> str:
        return (
            "BEGIN:VCALENDAR\nVERSION:2.0\nBEGIN:VEVENT\nUID:same@example.org\n"
            f"SEQUENCE:{sequence}\nDTSTART:20260302T100000Z\nDTEND:20260302T{end}00Z\n"
            "END:VEVENT\nEND:VCALENDAR\n"
        )

    twice = tmp_path / "twice.ics"
    twice.write_text(calendar(2, "1045") + calendar(1, "1100"))
    store = tmp_path / "s.duckdb"
    summary = ingest([twice], store=store)
    assert "(1 repeated components counted once)" in summary.exports[0].detected
    assert [(r["start_at"], r["end_at"]) for r in _meetings(store)] == [
        (datetime(2026, 3, 2, 10), datetime(2026, 3, 2, 10, 45))
    ]


def test_no_instance_after_the_time_of_ingest_is_read(tmp_path: Path) -> None:
    # Ingested at 1 Dec 2026 12:00 (the export's DTSTAMP is 1 Dec 00:00):
    # - the endless Monday stand-up from 2 Nov: 2, 9, 16, 23, 30 Nov = 5 (a year's tail was
    #   read before issue 14: 63 instances, 58 of them after the ingest);
    # - the Thursday review until June 2027: 5, 12, 19, 26 Nov = 4 (3 Dec is after the ingest);
    # - the offsite on 15 Jan 2027: not held yet, neither read nor a skipped record.
    store = tmp_path / "s.duckdb"
    ingested = datetime(2026, 12, 1, 12)
    summary = ingest([fixture("series_past_time_of_ingest")], store=store, now=ingested)
    assert summary.added["meetings"] == 5 + 4
    assert summary.skipped == {}
    assert max(r["start_at"] for r in _meetings(store)) == datetime(2026, 11, 30, 10)
    detected = summary.exports[0].detected
    assert "9 instances from 2026-11-02 10:00 to 2026-12-01 12:00 UTC" in detected
    assert "endless rules end at the export's time, 2026-12-01 00:00" in detected
    assert "1 events start after the time of ingest" in detected
    assert measure(store=store).metrics["meetings.instances"] == 9
    # An --until after the time of ingest is clipped to it: nothing more is read.
    clipped = ingest(
        [fixture("series_past_time_of_ingest")],
        store=tmp_path / "until.duckdb",
        until=date(2030, 1, 1),
        now=ingested,
    )
    assert clipped.added["meetings"] == 9
    assert "ending at the time of ingest: --until is later" in clipped.exports[0].detected
    # The same export ingested again on 20 Jan 2027 adds what its own rules and dates say has
    # happened since: Thursdays 3 Dec to 14 Jan = 7 and the offsite = 1. The endless rule still
    # stops at the export's time (its DTSTAMP, 1 Dec 00:00): what it did after, the export
    # cannot tell, so no Monday is added.
    later = ingest([fixture("series_past_time_of_ingest")], store=store, now=datetime(2027, 1, 20))
    assert later.added["meetings"] == 7 + 1
    assert _counts(store)["meetings"] == 9 + 8


def test_agenda_time_is_per_occurrence(tmp_path: Path) -> None:
    # agenda_per_occurrence.ics: a weekly sync (4 Mondays from 2 Nov 2026) whose master, with an
    # agenda, was created and last changed on 1 Oct 2025; its 9 Nov occurrence overridden with its
    # own agenda, last changed 6 Nov 10:00; a single planning on 11 Nov 15:00, last changed 13:00;
    # a retro on 12 Nov 10:00 last changed at 12:00, after it started. Every VEVENT has the
    # export's DTSTAMP (1 Dec), which a LAST-MODIFIED comes before.
    store = tmp_path / "s.duckdb"
    ingest([fixture("agenda_per_occurrence")], store=store, now=datetime(2026, 12, 1, 12))
    assert [(r["start_at"], r["agenda"], r["agenda_at"]) for r in _meetings(store)] == [
        # The rule's occurrences: the master's stamps tell when the series was written.
        (datetime(2026, 11, 2, 10), True, None),
        (datetime(2026, 11, 9, 10), True, datetime(2026, 11, 6, 10)),
        (datetime(2026, 11, 11, 15), True, datetime(2026, 11, 11, 13)),
        (datetime(2026, 11, 12, 10), True, datetime(2026, 11, 12, 12)),
        (datetime(2026, 11, 16, 10), True, None),
        (datetime(2026, 11, 23, 10), True, None),
    ]
    # Lead times known for the override (3 days = 259200 s) and the planning (2 h = 7200 s);
    # the retro's last change follows its start: unknown. Median (259200 + 7200) / 2 = 133200.
    # (Measured from the series' creation, as before issue 14, the median was about 400 days:
    # of 397 d 1 h, 404 d 1 h, 411 d 1 h, 418 d 1 h, 7 d 1 h and 1 d.)
    metrics = measure(store=store).metrics
    assert metrics["meetings.agenda_lead_time.median_s"] == pytest.approx(133200)
    assert metrics["meetings.agenda_share"] == pytest.approx(1.0)


REAL = Path(__file__).parent / "fixtures" / "real" / "ical"


def content_key(**written: str) -> str:
    """The UID of an event without one, computed here from the fields as the file writes them."""
    names = ("DTSTART", "RECURRENCE-ID", "SUMMARY", "ORGANIZER", "CREATED")
    text = "\x1f".join(written.get(name.replace("-", "_"), "") for name in names)
    return "content:" + hashlib.md5(text.encode()).hexdigest()


def test_real_exchange_invite_without_uid_is_keyed_by_its_content(tmp_path: Path) -> None:
    """icalendar's issue_165_missing_event.ics (PROVENANCE.md): a Microsoft Exchange (CDO)
    invitation without a UID, "BYDAY=MO, TU, WE, TH, FR" with spaces, a custom VTIMEZONE.

    By hand: 10:00 local at +0200 (the VTIMEZONE's summer offset) is 08:00 UTC; weekdays from
    Fri 3 Jul 2015 to UNTIL Wed 22 Jul 2015 08:00 UTC inclusive: 3; 6-10; 13-17; 20, 21, 22 = 14.
    """
    export = REAL / "exchange_cdo_invite_without_uid.ics"
    store = tmp_path / "s.duckdb"
    summary = ingest([export], store=store)
    assert summary.skipped == {} and summary.added["meetings"] == 14
    uid = content_key(
        DTSTART="DTSTART;TZID=GMT +0100 (Standard) / GMT +0200 (Daylight):20150703T100000",
        SUMMARY="SUMMARY:Sprint 25 Daily Standup",
    )
    meetings = _meetings(store)
    assert {m["series_key"] for m in meetings} == {hashlib.md5(f"ical|{uid}".encode()).hexdigest()}
    assert meetings[0]["meeting_key"] == key(uid, "2015-07-03T08:00:00Z")
    assert [m["start_at"].day for m in meetings] == [
        3,
        6,
        7,
        8,
        9,
        10,
        13,
        14,
        15,
        16,
        17,
        20,
        21,
        22,
    ]
    assert {(m["end_at"] - m["start_at"]).seconds for m in meetings} == {1800}
    # Exported again later, with a new DTSTAMP and SEQUENCE: the same meetings, nothing added.
    again = tmp_path / "re-exported.ics"
    again.write_text(
        export.read_text().replace(
            "DTSTAMP:20150703T071009Z", "DTSTAMP:20150720T120000Z\nSEQUENCE:2"
        ),
        "utf-8",
    )
    assert sum(ingest([again], store=store).added.values()) == 0
    assert sum(ingest([export], store=store).added.values()) == 0


def test_real_events_without_uid_or_dtstart(tmp_path: Path) -> None:
    """icalendar's created_calendar_with_unicode_fields.ics: event 1 has a UID, event 2 none (a
    start, no end: an instant), event 3 neither UID nor DTSTART: skipped, named by file and
    number."""
    export = REAL / "plone_event_without_uid_or_dtstart.ics"
    summary = ingest([export], store=tmp_path / "s.duckdb")
    assert summary.records_read == 3 and summary.added["meetings"] == 2
    assert summary.skipped == {"event without DTSTART": 1}
    (example,) = summary.exports[0].examples
    assert example.startswith(f"{export} event 3: (UID content:") and example.endswith("no DTSTART")
    uid = content_key(DTSTART="DTSTART:20101010T000000Z", SUMMARY="SUMMARY:åäö")
    assert key(uid, "2010-10-10T00:00:00Z") in {
        m["meeting_key"] for m in _meetings(tmp_path / "s.duckdb")
    }
