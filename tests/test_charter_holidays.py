"""Public holidays and out-of-office days: no working time, no missed window, no after-hours work.

Small Slack exports are written into tmp_path; meeting rows go straight into the store. Expected
figures are computed by hand in the comments. Default charter: Mon-Fri 09:00-17:00 in each
person's own zone. Ana is in New York, Ben in Berlin (UTC+1 in winter), Kiran in Kathmandu
(UTC+05:45), Cat has no zone (UTC). December 2026: Fri 4, Mon 7 (the holiday), Tue 8, Wed 9.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import duckdb
import ibis
import pyarrow as pa
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from asyncmaturity.charter import Charter, Schedule, due_at, load_charter, parse_charter
from asyncmaturity.errors import InvalidCharter
from asyncmaturity.metrics.business import (
    DaysOff,
    business_seconds,
    days_off_table,
    is_working_time,
    outside_hours,
)
from asyncmaturity.metrics.measure import measure
from asyncmaturity.metrics.timezones import offset_table, with_local_seconds
from asyncmaturity.store.database import EvidenceStore
from asyncmaturity.store.ingest import ingest
from tests.test_business_hours import brute_force_working_minutes
from tests.test_meeting_work_metrics import Evidence

H = 3600
USERS = {
    "UANA00001": ("ana@example.org", "America/New_York"),
    "UBEN00001": ("ben@example.org", "Europe/Berlin"),
    "UKIR00001": ("kiran@example.org", "Asia/Kathmandu"),
    "UCAT00001": ("cat@example.org", None),
}
HOLIDAY = {"holidays": [{"date": "2026-12-07", "name": "Founders' Day"}]}


def utc(day: int, hour: int, minute: int = 0, month: int = 12) -> datetime:
    """An instant of 2026 in UTC: ``utc(4, 15)`` is Fri 2026-12-04 15:00 UTC."""
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


def write_export(path: Path, messages: list[tuple[str, datetime, datetime | None]]) -> Path:
    """A Slack export of one channel: (user, sent at, thread root's instant or None) rows."""
    path.mkdir()
    users = [
        {"id": uid, "name": uid.lower(), "profile": {"email": email}, **({"tz": tz} if tz else {})}
        for uid, (email, tz) in USERS.items()
    ]
    (path / "users.json").write_text(json.dumps(users))
    channel = {"id": "C1", "name": "general", "created": 1700000000, "members": list(USERS)}
    (path / "channels.json").write_text(json.dumps([channel]))
    by_day: dict[str, list[dict[str, Any]]] = {}
    for user, sent, root in messages:
        record = {"type": "message", "user": user, "text": "hi", "ts": f"{sent.timestamp():.6f}"}
        if root is not None:
            record["thread_ts"] = f"{root.timestamp():.6f}"
        by_day.setdefault(sent.date().isoformat(), []).append(record)
    (path / "general").mkdir()
    for day, records in by_day.items():
        (path / "general" / f"{day}.json").write_text(json.dumps(records))
    return path


def metrics_of(tmp_path: Path, messages: list[tuple[str, datetime, datetime | None]]) -> Any:
    """Ingest the messages and return a measure(charter_dict) -> metrics function."""
    store = tmp_path / "store.duckdb"
    ingest([write_export(tmp_path / "export", messages)], store=store)

    def run(charter: dict[str, Any] | None = None) -> dict[str, Any]:
        return measure(store=store, charter=parse_charter(charter or {})).metrics

    return run


# Ana (New York) asks Fri 2026-12-04 15:00 UTC (10:00 EST, inside her hours); Ben (Berlin)
# answers Wed 2026-12-09 15:30 UTC (16:30 CET). Ben's working time: Fri 16:00-17:00 (1 h),
# Mon 8 h, Tue 8 h, Wed 09:00-16:30 (7.5 h) = 24.5 h: misses the 24 h window. With Monday a
# public holiday: 1 + 8 + 7.5 = 16.5 h, within it. Wall clock: 5 days + 30 min either way.
REPLY_ACROSS_HOLIDAY = [
    ("UANA00001", utc(4, 15), utc(4, 15)),
    ("UBEN00001", utc(9, 15, 30), utc(4, 15)),
]


def test_reply_across_public_holiday_stays_within_the_window(tmp_path: Path) -> None:
    run = metrics_of(tmp_path, REPLY_ACROSS_HOLIDAY)
    plain, holiday = run(), run(HOLIDAY)
    assert plain["response.first_reply.business.median_s"] == 24.5 * H
    assert plain["response.within_window_share"] == 0.0
    assert holiday["response.first_reply.business.median_s"] == 16.5 * H
    assert holiday["response.first_reply.business.p90_s"] == 16.5 * H
    assert holiday["response.within_window_share"] == 1.0
    assert holiday["response.first_reply.median_s"] == plain["response.first_reply.median_s"]
    assert holiday["response.first_reply.median_s"] == (5 * 24 + 0.5) * H
    # Both messages are inside their authors' hours, on working days: nothing after hours.
    assert holiday["hours.after_hours_share"] == plain["hours.after_hours_share"] == 0.0


def test_out_of_office_counts_for_the_responder_only(tmp_path: Path) -> None:
    run = metrics_of(tmp_path, REPLY_ACROSS_HOLIDAY)
    away = {"start": "2026-12-07", "end": "2026-12-08"}
    # Ben away Mon-Tue: Fri 1 h + Wed 7.5 h = 8.5 h.
    ben_away = run({"people": [{"id": "ben@example.org", "out_of_office": [away]}]})
    assert ben_away["response.first_reply.business.median_s"] == 8.5 * H
    assert ben_away["response.within_window_share"] == 1.0
    # Ana (the asker) away changes nothing: the wait is counted on the responder's time.
    ana_away = run({"people": [{"id": "UANA00001", "out_of_office": [away]}]})
    assert ana_away["response.first_reply.business.median_s"] == 24.5 * H
    assert ana_away["response.within_window_share"] == 0.0
    # A holiday inside Ben's absence is not taken off twice: Fri 1 h + Wed 7.5 h again.
    both = run({**HOLIDAY, "people": [{"id": "ben@example.org", "out_of_office": [away]}]})
    assert both["response.first_reply.business.median_s"] == 8.5 * H


@pytest.mark.parametrize(
    ("quirk", "root", "reply", "away", "present"),
    [
        # Ana asks Mon 12:00 UTC, 13:00 in Berlin where Ben is away all Monday; he answers Tue
        # 10:00 UTC (11:00): Tue 09:00-11:00 = 2 h. Present Monday: 13:00-17:00 + 2 h = 6 h.
        ("root_sent_on_the_responders_day_off", utc(7, 12), utc(8, 10), 2 * H, 6 * H),
        # Ana asks Fri 15:00 UTC (16:00 Berlin); Ben answers from his day off, Mon 10:00 UTC
        # (11:00): Fri 16:00-17:00 = 1 h. Present Monday: 1 h + 09:00-11:00 = 3 h.
        ("reply_sent_on_the_responders_day_off", utc(4, 15), utc(7, 10), 1 * H, 3 * H),
    ],
)
def test_a_day_off_at_either_end_of_the_wait(
    quirk: str, root: datetime, reply: datetime, away: float, present: float, tmp_path: Path
) -> None:
    run = metrics_of(tmp_path, [("UANA00001", root, root), ("UBEN00001", reply, root)])
    monday = {"start": "2026-12-07", "end": "2026-12-07"}
    ben_away = {"people": [{"id": "ben@example.org", "out_of_office": [monday]}]}
    assert run(ben_away)["response.first_reply.business.median_s"] == away, quirk
    assert run()["response.first_reply.business.median_s"] == present, quirk


def test_regional_holiday_applies_in_its_zone_only(tmp_path: Path) -> None:
    run = metrics_of(tmp_path, REPLY_ACROSS_HOLIDAY)
    elsewhere = {"holidays": [{"date": "2026-12-07", "timezone": "America/New_York"}]}
    in_berlin = {"holidays": [{"date": "2026-12-07", "timezone": "Europe/Berlin"}]}
    assert run(elsewhere)["response.first_reply.business.median_s"] == 24.5 * H
    assert run(in_berlin)["response.first_reply.business.median_s"] == 16.5 * H


# Cat (UTC) writes twice on the holiday evening and once each inside and after hours on Tuesday.
# Without the holiday 3 of 4 are after hours; with it Monday's two are neither inside nor
# outside (left out of both sides): 1 of 2. They are still human messages.
MESSAGE_ON_AUTHORS_HOLIDAY = [
    ("UCAT00001", utc(7, 20), None),
    ("UCAT00001", utc(7, 21), None),
    ("UCAT00001", utc(8, 10), None),
    ("UCAT00001", utc(8, 20), None),
]


def test_message_sent_on_the_authors_holiday_is_not_after_hours(tmp_path: Path) -> None:
    run = metrics_of(tmp_path, MESSAGE_ON_AUTHORS_HOLIDAY)
    assert run()["hours.after_hours_share"] == 0.75
    holiday = run(HOLIDAY)
    assert holiday["hours.after_hours_share"] == 0.5
    assert holiday["messages.human"] == 4 and holiday["people.active"] == 1
    # Cat's own out-of-office Monday reads the same; someone else's does not.
    ooo = {"start": "2026-12-07", "end": "2026-12-07"}
    assert (
        run({"people": [{"id": "UCAT00001", "out_of_office": [ooo]}]})["hours.after_hours_share"]
        == 0.5
    )
    assert (
        run({"people": [{"id": "UANA00001", "out_of_office": [ooo]}]})["hours.after_hours_share"]
        == 0.75
    )


# Kiran is at UTC+05:45. Sun 2026-12-06 20:00 UTC is Mon 01:45 in Kathmandu: on the holiday
# there, though not in UTC. Mon 2026-12-07 19:00 UTC is Tue 00:45 in Kathmandu: the UTC date is
# the holiday, Kiran's is not. Tue 05:00 UTC is Tue 10:45 there, inside hours.
@pytest.mark.parametrize(
    ("quirk", "sent", "share"),
    [
        # Kiran's holiday, a Sunday in UTC: left out; the Tuesday message alone is inside: 0.
        # (Were the holiday the UTC date, 01:45 would count as after hours: 1 of 2.)
        ("holiday_in_own_zone_before_the_utc_date", utc(6, 20), 0.0),
        # The UTC holiday is Tuesday 00:45 for Kiran: after hours, 1 of 2. (Were the holiday the
        # UTC date, it would be left out: 0 of 1.)
        ("utc_holiday_is_a_working_day_in_own_zone", utc(7, 19), 0.5),
    ],
)
def test_holiday_is_a_whole_day_in_the_persons_own_zone(
    quirk: str, sent: datetime, share: float, tmp_path: Path
) -> None:
    run = metrics_of(tmp_path, [("UKIR00001", sent, None), ("UKIR00001", utc(8, 5), None)])
    assert run(HOLIDAY)["hours.after_hours_share"] == share, quirk


def test_holidays_outside_the_data_change_no_figure(tmp_path: Path) -> None:
    run = metrics_of(tmp_path, REPLY_ACROSS_HOLIDAY + MESSAGE_ON_AUTHORS_HOLIDAY)
    far = {
        "holidays": [{"date": "2030-01-01"}],
        "people": [
            {
                "id": "ben@example.org",
                "out_of_office": [{"start": "2031-01-01", "end": "2031-02-01"}],
            }
        ],
    }
    assert run(far) == run()


# The week Mon 2026-03-02 to Sun 03-08; Ana and Ben in UTC. Both attend Monday 10:00-11:00 and
# Wednesday 18:00-19:00, both organized by Ana. Without days off: focus Mon 11:00-17:00 (6 h;
# 09:00-10:00 is under 2 h) + Tue-Fri 4 x 8 h = 38 h each; the Wednesday meeting starts outside
# hours: 1 of 2 instances, 2 of 4 attended pairs.
def meetings_around_a_day_off(e: Evidence, secret: str) -> None:
    for person in ("ana", "ben"):
        e.person(person)
        e.identity(f"{person}@example.com", person, secret)
    e.meeting(datetime(2026, 3, 2, 10), datetime(2026, 3, 2, 11), ["ana", "ben"], organizer="ana")
    e.meeting(datetime(2026, 3, 4, 18), datetime(2026, 3, 4, 19), ["ana", "ben"], organizer="ana")


@pytest.mark.parametrize(
    ("charter", "expected"),
    [
        (
            {},
            {
                "focus.hours_per_person_week": 38.0,
                "meetings.hours_per_person_week": 2.0,
                "meetings.outside_hours_share": 0.5,
                "meetings.outside_attendee_hours_share": 0.5,
            },
        ),
        # Wednesday a holiday: no focus that day, 30 h each; the Wednesday meeting is on the
        # organizer's and both attendees' day off, so it is left out of the outside-hours shares
        # (0 of 1, 0 of 2). Meeting hours still count what was attended: 2 h.
        (
            {"holidays": [{"date": "2026-03-04"}]},
            {
                "focus.hours_per_person_week": 30.0,
                "meetings.hours_per_person_week": 2.0,
                "meetings.outside_hours_share": 0.0,
                "meetings.outside_attendee_hours_share": 0.0,
            },
        ),
        # Ben away Wednesday only: Ana 38 h, Ben 30 h, mean 34 h. Ana organized it on a working
        # day: 1 of 2 outside; pairs: Ana's Wednesday outside, Ben's left out: 1 of 3.
        (
            {
                "people": [
                    {
                        "id": "ben@example.com",
                        "out_of_office": [{"start": "2026-03-04", "end": "2026-03-04"}],
                    }
                ]
            },
            {
                "focus.hours_per_person_week": 34.0,
                "meetings.outside_hours_share": 0.5,
                "meetings.outside_attendee_hours_share": 1 / 3,
            },
        ),
    ],
    ids=["no_days_off", "holiday_wednesday", "attendee_out_of_office_wednesday"],
)
def test_meeting_and_focus_metrics_skip_days_off(
    charter: dict[str, Any], expected: dict[str, float], tmp_path: Path
) -> None:
    path = tmp_path / "store.duckdb"
    with EvidenceStore.open(path) as store:
        meetings_around_a_day_off(Evidence(store.con), store.secret)
    result = measure(
        store=path,
        charter=parse_charter(charter),
        since=date(2026, 3, 2),
        until=date(2026, 3, 8),
    )
    for metric_id, value in expected.items():
        assert result.metrics[metric_id] == pytest.approx(value), metric_id


# --- due_at: when a window of N working hours ends ---------------------------------------------

MONDAY_HOLIDAY = Charter.model_validate({"holidays": [{"date": "2026-03-09"}]})


@pytest.mark.parametrize(
    ("sent", "hours", "charter", "person", "due"),
    [
        # Fri 16:00-17:00 (1 h), Monday a holiday, Tue 09:00 + 3 h.
        (datetime(2026, 3, 6, 16), 4, MONDAY_HOLIDAY, None, datetime(2026, 3, 10, 12)),
        # Fri 1 h, Tue 09:00 + 2 h.
        (datetime(2026, 3, 6, 16), 3, MONDAY_HOLIDAY, None, datetime(2026, 3, 10, 11)),
        # Without the holiday: Monday 12:00.
        (datetime(2026, 3, 6, 16), 4, Charter(), None, datetime(2026, 3, 9, 12)),
        # Sent on Saturday: the clock starts Monday 09:00.
        (datetime(2026, 3, 7, 10), 2, Charter(), None, datetime(2026, 3, 9, 11)),
        # The earliest instant: a full day from 09:00 ends at 17:00, not next morning.
        (datetime(2026, 3, 6, 9), 8, Charter(), None, datetime(2026, 3, 6, 17)),
        # Zero hours: due at once.
        (datetime(2026, 3, 7, 10), 0, Charter(), None, datetime(2026, 3, 7, 10)),
        # New York: Fri 15:00 EST (20:00 UTC) + 2 h Fri, clocks move on Sunday, Mon 09:00 EDT
        # + 2 h = 11:00 EDT = 15:00 UTC.
        (
            datetime(2026, 3, 6, 20),
            4,
            Charter.model_validate(
                {"people": [{"id": "ana@x.org", "timezone": "America/New_York"}]}
            ),
            "Ana@X.org",
            datetime(2026, 3, 9, 15),
        ),
        # Out of office Mon-Wed: Fri 1 h, Thu 09:00 + 3 h.
        (
            datetime(2026, 3, 6, 16),
            4,
            Charter.model_validate(
                {
                    "people": [
                        {
                            "id": "U1",
                            "out_of_office": [{"start": "2026-03-09", "end": "2026-03-11"}],
                        }
                    ]
                }
            ),
            "U1",
            datetime(2026, 3, 12, 12),
        ),
        # A Berlin regional holiday does not stop the clock of someone in UTC.
        (
            datetime(2026, 3, 6, 16),
            4,
            Charter.model_validate(
                {"holidays": [{"date": "2026-03-09", "timezone": "Europe/Berlin"}]}
            ),
            None,
            datetime(2026, 3, 9, 12),
        ),
    ],
)
def test_due_at_skips_non_working_days_holidays_and_absences(
    sent: datetime, hours: float, charter: Charter, person: str | None, due: datetime
) -> None:
    schedule = charter.schedule_for(person)
    assert due_at(sent, hours, schedule) == due.replace(tzinfo=UTC)
    assert due_at(sent.replace(tzinfo=UTC), hours, schedule) == due.replace(tzinfo=UTC)


def test_due_at_reads_the_request_windows() -> None:
    charter = Charter()
    assert charter.request_windows == {"normal": 24.0, "urgent": 4.0}
    sent = datetime(2026, 3, 6, 16, tzinfo=UTC)
    urgent = due_at(sent, charter.request_window_hours("urgent"), charter.schedule())
    normal = due_at(sent, charter.request_window_hours("normal"), charter.schedule())
    assert urgent == datetime(2026, 3, 9, 12, tzinfo=UTC)
    assert normal == datetime(2026, 3, 11, 16, tzinfo=UTC)  # 1 + 8 + 8 + 7 h
    with pytest.raises(ValueError, match="emergency"):
        charter.request_window_hours("emergency")


def test_due_at_refuses_what_has_no_end() -> None:
    with pytest.raises(ValueError, match="negative"):
        due_at(datetime(2026, 3, 6), -1, Charter().schedule())
    with pytest.raises(ValueError, match="no working day"):
        due_at(datetime(2026, 3, 6), 1, Schedule("UTC", frozenset(), 9 * H, 17 * H))


# --- validation ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"holidays": [{"date": "2026-02-30"}]}, "field holidays: entry 1, date: must be a date"),
        ({"holidays": [{"name": "no date"}]}, "field holidays: entry 1, date: is required"),
        (
            {"holidays": [{"date": "2026-12-25", "timezone": "Europe/Nowhere"}]},
            "field holidays: entry 1, timezone: unknown time zone 'Europe/Nowhere'",
        ),
        (
            {"holidays": [{"date": "2026-12-25", "day": 1}]},
            "field holidays: entry 1, day: is not a field of this entry",
        ),
        (
            {
                "people": [
                    {"id": "U1", "out_of_office": [{"start": "2026-03-09", "end": "2026-03-02"}]}
                ]
            },
            "field people: entry 1, out_of_office, entry 1: end 2026-03-02 is before start 2026-03-09",
        ),
        (
            {"people": [{"id": "U1", "out_of_office": [{"start": "soon", "end": "2026-03-02"}]}]},
            "field people: entry 1, out_of_office, entry 1, start: ",
        ),
        (
            {"request_windows": {"emergency": 1}},
            "field request_windows: an emergency is synchronous by definition",
        ),
        ({"request_windows": {"low": 48}}, "field request_windows: unknown urgency 'low'"),
        (
            {"request_windows": {"urgent": 0}},
            "field request_windows: urgent: must be more than 0 (not 0)",
        ),
    ],
)
def test_invalid_days_off_and_windows_name_the_field(raw: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidCharter, match=re.escape(message)):
        parse_charter(raw)


def test_charter_file_with_days_off_loads_yaml_dates(tmp_path: Path) -> None:
    path = tmp_path / "charter.yaml"
    path.write_text(
        "holidays:\n"
        "  - {date: 2026-12-25, name: Christmas Day}\n"
        "request_windows: {urgent: 2}\n"
        "people:\n"
        "  - id: ana@example.org\n"
        "    out_of_office:\n"
        "      - {start: 2026-08-03, end: 2026-08-05}\n"
    )
    charter = load_charter(path)
    assert charter.request_windows == {"normal": 24.0, "urgent": 2.0}
    schedule = charter.schedule_for("ANA@example.org")
    assert schedule.days_off == {date(2026, 12, 25), *(date(2026, 8, d) for d in (3, 4, 5))}
    assert charter.schedule_for("ben@example.org").days_off == {date(2026, 12, 25)}
    # The line is the file's own, counted from 1 as editors count; the entry is the one on it.
    path.write_text("holidays:\n  - {date: 2026-12-24}\n  - {date: 2026-12-25, end: 2026-12-26}\n")
    expected = f"{path}: line 3: field holidays: end: is not a field of this entry"
    with pytest.raises(InvalidCharter, match=re.escape(expected)):
        load_charter(path)
    path.write_text("timezone: UTC\nholidays:\n  - date: 2026-12-25\n    timezone: Mars/Base\n")
    with pytest.raises(
        InvalidCharter, match=re.escape(f"{path}: line 4: field holidays: timezone")
    ):
        load_charter(path)
    # A date YAML cannot build is named with its line too (YAML types it before validation).
    path.write_text("holidays:\n  - date: 2026-12-25\n  - date: 2026-13-01\n")
    expected = f"{path}: line 3: '2026-13-01' is not a valid date or time (month must be in 1..12)"
    with pytest.raises(InvalidCharter, match=re.escape(expected)):
        load_charter(path)


def test_defaults_have_no_days_off() -> None:
    charter = Charter()
    assert charter.holidays == [] and charter.schedule().days_off == frozenset()
    assert parse_charter({"people": [{"id": "U1"}]}).people[0].out_of_office == []


# --- the closed form with days off against minute counting ------------------------------------

ZONES = ["UTC", "America/New_York", "Europe/Berlin", "Asia/Kathmandu", "Pacific/Chatham"]
START = datetime(2026, 2, 20, tzinfo=UTC)
FIRST_DAY, LAST_DAY = date(2026, 2, 17), date(2026, 4, 20)


def brute_force_minutes(
    start: datetime, end: datetime, zone: str, schedule: tuple[int, int, set[int]], off: set[date]
) -> int:
    """Minutes of [start, end) inside the local schedule and not on a local day off."""
    start_min, length_min, days = schedule
    return brute_force_working_minutes(
        start, end, zone, start_min, start_min + length_min, days, off
    )


# Spans start at 04:00 or later: no zone here changes its clock inside them, which the closed
# form (wall-clock seconds) assumes and minute counting (real minutes) would not.
schedules = st.tuples(
    st.integers(min_value=4 * 60, max_value=20 * 60),
    st.integers(min_value=30, max_value=10 * 60),
    st.sets(st.integers(min_value=0, max_value=6), min_size=1),
).filter(lambda s: s[0] + s[1] <= 24 * 60)
days_off_sets = st.sets(
    st.integers(min_value=0, max_value=(LAST_DAY - FIRST_DAY).days).map(
        lambda i: FIRST_DAY + timedelta(days=i)
    ),
    max_size=12,
)
rows = st.lists(
    st.tuples(
        st.sampled_from(ZONES),
        st.integers(min_value=0, max_value=45 * 24 * 60),  # start, minutes after START
        st.integers(min_value=0, max_value=6 * 24 * 60),  # duration in minutes
        st.integers(min_value=-1, max_value=1),  # day-off profile (-1: none)
    ),
    min_size=1,
    max_size=4,
)


def _closed_form(
    cases: list[tuple[str, int, int, int]],
    schedule: tuple[int, int, set[int]],
    profiles: dict[int, set[date]],
) -> list[dict[str, Any]]:
    start_min, length_min, days = schedule
    table = pa.table(
        {
            "row": list(range(len(cases))),
            "zone": [z for z, _, _, _ in cases],
            "t0": [(START + timedelta(minutes=a)).replace(tzinfo=None) for _, a, _, _ in cases],
            "t1": [(START + timedelta(minutes=a + d)).replace(tzinfo=None) for _, a, d, _ in cases],
            "x_profile": [p for _, _, _, p in cases],
            "start_s": [start_min * 60] * len(cases),
            "len_s": [length_min * 60] * len(cases),
            **{f"w{d}": [int(d in days)] * len(cases) for d in range(7)},
        }
    )
    con = ibis.duckdb.from_connection(duckdb.connect())
    offsets = ibis.memtable(offset_table(ZONES, FIRST_DAY, LAST_DAY))
    lookup = DaysOff.over({p: d for p, d in profiles.items() if d}, FIRST_DAY, LAST_DAY)
    t = ibis.memtable(table)
    t = with_local_seconds(t, ts="t0", zone="zone", offsets=offsets, out="l0")
    t = with_local_seconds(t, ts="t1", zone="zone", offsets=offsets, out="l1")
    t, off0 = lookup.mark(t, "l0", "a_")
    t, off1 = lookup.mark(t, "l1", "b_")
    t = t.select(
        "row",
        working=business_seconds(t, t.l1, days_off=off1) - business_seconds(t, t.l0, days_off=off0),
        inside=is_working_time(t, t.l0, days_off=off0),
        outside=outside_hours(t, t.l0, days_off=off0),
    )
    return con.to_pyarrow(t.order_by("row")).to_pylist()


@settings(max_examples=40, deadline=None)
@given(cases=rows, schedule=schedules, first=days_off_sets, second=days_off_sets)
# Mon 2026-02-23 off, 09:00-17:00 Mon-Fri: from 11:00 that Monday to 11:00 Tuesday is 2 h (the
# start's own day off); from Fri 16:00 to Mon 11:00 is 1 h (the end's).
@example(
    cases=[("UTC", (3 * 24 + 11) * 60, 24 * 60, 0), ("UTC", 16 * 60, 67 * 60, 0)],
    schedule=(9 * 60, 8 * 60, {0, 1, 2, 3, 4}),
    first={date(2026, 2, 23)},
    second=set(),
)
def test_business_seconds_with_days_off_equal_minute_counting(
    cases: list[tuple[str, int, int, int]],
    schedule: tuple[int, int, set[int]],
    first: set[date],
    second: set[date],
) -> None:
    profiles = {0: first, 1: second}
    start_min, length_min, days = schedule
    for (zone, offset, duration, profile), got in zip(
        cases, _closed_form(cases, schedule, profiles), strict=True
    ):
        off = profiles.get(profile, set())
        t0 = START + timedelta(minutes=offset)
        expected = brute_force_minutes(t0, t0 + timedelta(minutes=duration), zone, schedule, off)
        assert got["working"] == expected * 60, (zone, t0, duration, profile)
        local = t0.astimezone(ZoneInfo(zone))
        minute = local.hour * 60 + local.minute
        in_span = local.weekday() in days and start_min <= minute < start_min + length_min
        assert got["inside"] == (in_span and local.date() not in off)
        assert got["outside"] == (None if local.date() in off else not in_span)


@settings(max_examples=40, deadline=None)
@given(
    zone=st.sampled_from(ZONES),
    offset=st.integers(min_value=0, max_value=30 * 24 * 60),
    minutes=st.integers(min_value=1, max_value=40 * 60),
    schedule=schedules,
    off=days_off_sets,
)
def test_due_at_is_the_first_instant_with_enough_working_minutes(
    zone: str, offset: int, minutes: int, schedule: tuple[int, int, set[int]], off: set[date]
) -> None:
    start_min, length_min, days = schedule
    sent = START + timedelta(minutes=offset)
    person = Schedule(
        zone, frozenset(days), start_min * 60, (start_min + length_min) * 60, frozenset(off)
    )
    due = due_at(sent, minutes / 60, person)
    assert brute_force_minutes(sent, due, zone, schedule, off) == minutes
    assert brute_force_minutes(sent, due - timedelta(minutes=1), zone, schedule, off) == minutes - 1


def test_days_off_table_counts_earlier_days_off_by_weekday() -> None:
    # Mon 2026-12-07 and Wed 12-09 off; rows Sun 6 .. Thu 10.
    table = days_off_table(
        {3: [date(2026, 12, 7), date(2026, 12, 9)]}, date(2026, 12, 6), date(2026, 12, 10)
    )
    assert table.column("profile").to_pylist() == [3] * 5
    assert table.column("off").to_pylist() == [0, 1, 0, 1, 0]
    assert table.column("n0").to_pylist() == [0, 0, 1, 1, 1]  # Mondays before the day
    assert table.column("n2").to_pylist() == [0, 0, 0, 0, 1]  # Wednesdays before the day
    assert days_off_table({}, date(2026, 12, 6), date(2026, 12, 10)).num_rows == 0
