"""Meeting and work-tracking metrics on small stores named after the quirk they test.

Rows go straight into the canonical tables (no source fills them yet). Expected figures are
computed by hand in the comments. Unless a scenario says otherwise: default charter (Mon-Fri
09:00-17:00 in each person's zone, UTC when the store has none), the period is the week
Mon 2026-03-02 to Sun 2026-03-08 (7 days = 1 week), and every meeting is attended (accepted) by
the people listed with it. A full free working day is one 8 h focus block.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from asyncmaturity.charter import parse_charter
from asyncmaturity.metrics import METRICS
from asyncmaturity.metrics.measure import measure
from asyncmaturity.store.database import EvidenceStore, identity_hash, normalize_identity
from asyncmaturity.store.ingest import ingest
from tests.stores import figures

H = 3600
DAY = 86400
SINCE = date(2026, 3, 2)
UNTIL = date(2026, 3, 8)  # a date `until` includes that whole day


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """An instant in March 2026 (UTC): ``at(2, 10)`` is Mon 2026-03-02 10:00."""
    return datetime(2026, 3, day, hour, minute)


_counter = itertools.count()


class Evidence:
    """Writes canonical rows into a real store, filling the provenance column."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con

    def person(self, key: str, tz: str | None = None, *, bot: bool = False) -> None:
        self.con.execute(
            "INSERT INTO people (person_key, tz, is_bot, source) VALUES (?, ?, ?, 'test')",
            [key, tz, bot],
        )

    def meeting(
        self,
        start: datetime,
        end: datetime,
        attendees: dict[str, str | None] | list[str],
        *,
        organizer: str | None = None,
        **columns: Any,
    ) -> str:
        key = f"m{next(_counter)}"
        values = {
            "meeting_key": key,
            "organizer_key": organizer,
            "start_at": start,
            "end_at": end,
            **columns,
        }
        self.con.execute(
            f"INSERT INTO meetings ({', '.join(values)}, source) "
            f"VALUES ({', '.join('?' for _ in values)}, 'test')",
            list(values.values()),
        )
        responses = (
            attendees if isinstance(attendees, dict) else dict.fromkeys(attendees, "accepted")
        )
        for person, response in responses.items():
            self.con.execute(
                "INSERT INTO attendance (meeting_key, person_key, response, source) "
                "VALUES (?, ?, ?, 'test')",
                [key, person, response],
            )
        return key

    def item(self, kind: str, created: datetime, author: str | None, **columns: Any) -> str:
        key = f"i{next(_counter)}"
        values = {
            "item_key": key,
            "kind": kind,
            "created_at": created,
            "author_key": author,
            **columns,
        }
        self.con.execute(
            f"INSERT INTO work_items ({', '.join(values)}, source) "
            f"VALUES ({', '.join('?' for _ in values)}, 'test')",
            list(values.values()),
        )
        return key

    def event(self, item: str, kind: str, actor: str | None, when: datetime) -> None:
        self.con.execute(
            "INSERT INTO work_events (event_key, item_key, kind, actor_key, occurred_at, source) "
            "VALUES (?, ?, ?, ?, ?, 'test')",
            [f"e{next(_counter)}", item, kind, actor, when],
        )

    def identity(self, raw: str, person: str, secret: str) -> None:
        self.con.execute(
            "INSERT INTO identities (identity_hash, person_key, source) VALUES (?, ?, 'test')",
            [identity_hash(secret, normalize_identity(raw)), person],
        )


@dataclass
class Scenario:
    fill: Callable[[Evidence, str], None]  # (rows, store secret)
    expected: dict[str, Any]
    charter: dict[str, Any] = field(default_factory=dict)
    since: date | None = SINCE
    until: date | None = UNTIL


def overlapping_meetings_merged(e: Evidence, _: str) -> None:
    for person in ("ana", "ben", "cat"):
        e.person(person)
    e.meeting(
        at(2, 10),
        at(2, 11),
        ["ana", "ben"],
        organizer="ana",
        agenda=True,
        booked_at=datetime(2026, 2, 27, 10),
        agenda_at=datetime(2026, 2, 27, 10),
    )
    e.meeting(
        at(2, 10, 30), at(2, 11, 30), ["ana", "cat"], organizer="ana", agenda=False, recurring=True
    )


def declined_meeting_not_attended(e: Evidence, _: str) -> None:
    e.person("ana")
    e.person("ben")
    e.meeting(at(3, 14), at(3, 15), {"ana": "accepted", "ben": "declined"})
    e.meeting(at(3, 15), at(3, 16), {"ana": None, "ben": "needs-action"})


def single_attendee_meeting_left_out_of_hours(e: Evidence, _: str) -> None:
    e.person("ana")
    e.person("ben")
    e.meeting(at(4, 10), at(4, 11), ["ana", "ben"])
    e.meeting(at(4, 13), at(4, 14), ["ana"])  # alone: a counted instance, but no meeting hours


def long_and_large_meetings_left_out_of_hours(e: Evidence, _: str) -> None:
    e.person("ana")
    e.person("ben")
    e.meeting(at(2, 9), at(2, 17), ["ana", "ben"])  # 8 h: not meeting hours
    e.meeting(at(3, 10), at(3, 11), ["ana", "ben"], attendee_count=250)
    e.meeting(at(4, 10), at(4, 11), ["ana", "ben"], attendee_count=249)


def cancelled_and_all_day_left_out(e: Evidence, _: str) -> None:
    e.person("ana")
    e.person("ben")
    people = ["ana", "ben"]
    e.meeting(at(2, 10), at(2, 11), people, cancelled=True)
    e.meeting(at(3, 0), at(4, 0), people, all_day=True)
    e.meeting(at(4, 13), at(4, 14), people, agenda=True)
    e.meeting(at(5, 13), at(5, 15), people, private=True, agenda=False)
    e.meeting(at(9, 10), at(9, 11), people)  # after the period


def only_cancelled_meetings_count_zero(e: Evidence, _: str) -> None:
    e.person("ana")
    e.person("ben")
    e.meeting(at(2, 10), at(2, 11), ["ana", "ben"], cancelled=True)


def meeting_outside_organizer_hours_in_tokyo(e: Evidence, _: str) -> None:
    e.person("kenji", "Asia/Tokyo")
    e.person("ana")
    people = ["ana", "kenji"]
    e.meeting(at(2, 1), at(2, 2), people, organizer="kenji")  # 10:00 in Tokyo: inside
    e.meeting(at(2, 10), at(2, 11), people, organizer="kenji")  # 19:00 in Tokyo: outside
    e.meeting(at(3, 10), at(3, 11), people, organizer="ana")  # 10:00 UTC: inside
    e.meeting(at(7, 10), at(7, 11), people, organizer="nobody")  # Saturday, default: outside


def ad_hoc_booked_30_minutes_ahead(e: Evidence, _: str) -> None:
    e.person("ana")
    e.person("ben")
    people = ["ana", "ben"]
    e.meeting(at(5, 10), at(5, 10, 30), people, booked_at=at(5, 9, 30), agenda=False)
    e.meeting(at(5, 14), at(5, 15), people, booked_at=at(3, 14), agenda=True, agenda_at=at(3, 14))
    e.meeting(  # exactly 1 h
        at(6, 11), at(6, 12), people, booked_at=at(6, 10), agenda=True, agenda_at=at(6, 10)
    )
    e.meeting(at(6, 15), at(6, 16), people)


def focus_in_charter_hours_of_person_zone(e: Evidence, secret: str) -> None:
    e.person("ana", "Europe/Berlin")  # the charter's zone wins over the source's
    e.person("ben")
    e.identity("ana@example.com", "ana", secret)
    e.meeting(at(2, 13), at(2, 14), ["ana", "ben"], organizer="ben")
    e.meeting(at(6, 14), at(6, 15), ["ana", "ben"], organizer="ana")


def meeting_across_midnight_busies_both_days(e: Evidence, secret: str) -> None:
    e.person("ana")
    e.person("ben")
    e.identity("ana@example.com", "ana", secret)
    e.meeting(at(2, 23), at(3, 1), ["ana", "ben"], organizer="ben")


def bot_comment_is_not_a_first_response(e: Evidence, _: str) -> None:
    e.person("ana")
    e.person("ben")
    e.person("dependabot[bot]", bot=True)
    issue = e.item("issue", at(2, 10), "ana")
    e.event(issue, "comment", "dependabot[bot]", at(2, 10, 1))
    e.event(issue, "comment", "ben", at(2, 12))
    pull = e.item("pull_request", at(2, 11), "ben")
    e.event(pull, "review", "ana", at(3, 11))
    e.item("pull_request", at(4, 9), "dependabot[bot]")  # a bot's item still counts


def author_comment_is_not_a_first_response(e: Evidence, _: str) -> None:
    for person in ("ana", "ben", "cat"):
        e.person(person)
    first = e.item("issue", at(2, 9), "ana")
    e.event(first, "comment", "ana", at(2, 9, 5))
    e.event(first, "state", "ben", at(2, 9, 10))  # a state change is no response
    e.event(first, "comment", "ben", at(3, 9))
    second = e.item("issue", at(2, 10), "ben")
    e.event(second, "comment", "ben", at(2, 10, 30))
    third = e.item("issue", at(4, 10), "cat")
    e.event(third, "assignment", "ana", at(4, 10, 10))
    e.event(third, "comment", "ana", at(4, 10, 30))


def merged_pr_counts_as_closed(e: Evidence, _: str) -> None:
    e.person("ana")
    e.item("pull_request", at(2, 10), "ana", merged_at=at(2, 14), assignees=1, links=["i1"])
    e.item(
        "pull_request",
        at(2, 10),
        "ana",
        closed_at=at(3, 10),
        merged_at=at(2, 20),
        assignees=0,
        links=[],
    )
    e.item("issue", at(2, 10), "ana", closed_at=at(4, 10), assignees=2)
    e.item("issue", at(2, 10), "ana")
    e.item("decision", at(3, 10), "ana", closed_at=at(4, 10))
    e.item("doc", at(3, 10), "ana")


SCENARIOS: dict[str, Scenario] = {
    # Ana's 10:00-11:00 and 10:30-11:30 merge to 1.5 h; Ben has 1 h, Cat 1 h: 3.5 h / 3 people.
    # Focus on Monday: Ana 11:30-17:00 (5.5 h; 09:00-10:00 is under 2 h), Ben 11:00-17:00 (6 h),
    # Cat 11:30-17:00 (5.5 h); plus 4 free days of 8 h each: (37.5 + 38 + 37.5) / 3.
    # The first instance has an agenda, there since its booking 3 days ahead (259200 s); the
    # second says it is recurring; the first says nothing about it, so it is left out.
    "overlapping_meetings_merged": Scenario(
        overlapping_meetings_merged,
        {
            "meetings.instances": 2,
            "meetings.hours": 2.0,
            "meetings.hours_per_person_week": 3.5 / 3,
            "focus.hours_per_person_week": 113 / 3,
            "meetings.agenda_share": 0.5,
            "meetings.recurring_share": 1.0,
            "meetings.ad_hoc_share": 0.0,
            "meetings.outside_hours_share": 0.0,
            "meetings.agenda_lead_time.median_s": 3 * DAY,
        },
    ),
    # Ben declined 14:00-15:00; Ana's no-reply and Ben's needs-action at 15:00-16:00 attend. Ana
    # has 2 h (focus on Tuesday 09:00-14:00, 5 h), Ben 1 h (09:00-15:00, 6 h); 16:00-17:00 is
    # under 2 h. Hours (2 + 1) / 2; focus (5 + 32 + 6 + 32) / 2.
    "declined_meeting_not_attended": Scenario(
        declined_meeting_not_attended,
        {
            "meetings.instances": 2,
            "meetings.hours": 2.0,
            "meetings.hours_per_person_week": 1.5,
            "focus.hours_per_person_week": 37.5,
        },
    ),
    # Ana alone at 13:00-14:00 is a counted instance (2 instances, 2 h) but, as in Viva, no
    # meeting hours and no break in focus: 1 h each; Wednesday 11:00-17:00 free (6 h) + 32.
    "single_attendee_meeting_left_out_of_hours": Scenario(
        single_attendee_meeting_left_out_of_hours,
        {
            "meetings.instances": 2,
            "meetings.hours": 2.0,
            "meetings.hours_per_person_week": 1.0,
            "focus.hours_per_person_week": 38.0,
        },
    ),
    # The 8 h meeting and the 250-attendee one count as instances (3, 8 + 1 + 1 = 10 h) but not
    # as meeting hours: 1 h each; focus is Wednesday 11:00-17:00 (6 h) plus 4 x 8 h.
    "long_and_large_meetings_left_out_of_hours": Scenario(
        long_and_large_meetings_left_out_of_hours,
        {
            "meetings.instances": 3,
            "meetings.hours": 10.0,
            "meetings.hours_per_person_week": 1.0,
            "focus.hours_per_person_week": 38.0,
        },
    ),
    # Cancelled, all-day and next-week meetings are out; the private 2 h one counts as an
    # instance (2 instances, 1 + 2 = 3 h) but not in shares or meeting hours: 1 h each, focus
    # Wednesday 09:00-13:00 + 14:00-17:00 (7 h) + 32. Agenda: 1 of the 1 non-private instance.
    "cancelled_and_all_day_left_out": Scenario(
        cancelled_and_all_day_left_out,
        {
            "meetings.instances": 2,
            "meetings.hours": 3.0,
            "meetings.hours_per_person_week": 1.0,
            "focus.hours_per_person_week": 39.0,
            "meetings.agenda_share": 1.0,
            "meetings.recurring_share": None,
            "meetings.ad_hoc_share": None,
            "meetings.agenda_lead_time.median_s": None,
        },
    ),
    # The calendar has rows in the period, none held: 0 meetings is evidence; per-person figures
    # have no attendee to divide by.
    "only_cancelled_meetings_count_zero": Scenario(
        only_cancelled_meetings_count_zero,
        {
            "meetings.instances": 0,
            "meetings.hours": 0.0,
            "meetings.hours_per_person_week": None,
            "focus.hours_per_person_week": None,
            "meetings.agenda_share": None,
            "meetings.outside_hours_share": None,
        },
    ),
    # Kenji is in Tokyo (UTC+9): 01:00 UTC is 10:00 (inside), 10:00 UTC is 19:00 (outside); Ana's
    # own Tuesday 10:00 UTC is inside; an unknown organizer gets the default schedule, and
    # Saturday is outside it: 2 of 4. Each attends all four (4 h each). Focus: Ana free Monday
    # and Tuesday 11:00-17:00 (6 + 6) + 3 x 8 = 36; Kenji free Monday 11:00-17:00 Tokyo time (6),
    # his other meetings fall after 17:00 Tokyo: 6 + 4 x 8 = 38.
    "meeting_outside_organizer_hours_in_tokyo": Scenario(
        meeting_outside_organizer_hours_in_tokyo,
        {
            "meetings.instances": 4,
            "meetings.outside_hours_share": 0.5,
            "meetings.hours_per_person_week": 4.0,
            "focus.hours_per_person_week": 37.0,
        },
    ),
    # Booked 30 min ahead: ad hoc; 2 days ahead and exactly 1 h ahead: not (the bound is < 1 h);
    # the unbooked one is left out: 1/3. Agenda lead over the two with an agenda (there since
    # their booking): median of 172800 and 3600 = 88200. Agenda: 2 of the 3 that say. Focus Thursday 10:30-14:00 (3.5 h)
    # + 15:00-17:00 (exactly 2 h counts) = 5.5; Friday 09:00-11:00 + 12:00-15:00 = 5; + 3 x 8.
    "ad_hoc_booked_30_minutes_ahead": Scenario(
        ad_hoc_booked_30_minutes_ahead,
        {
            "meetings.instances": 4,
            "meetings.hours": 3.5,
            "meetings.ad_hoc_share": 1 / 3,
            "meetings.agenda_share": 2 / 3,
            "meetings.agenda_lead_time.median_s": 88200,
            "meetings.hours_per_person_week": 3.5,
            "focus.hours_per_person_week": 34.5,
        },
    ),
    # Ana works 07:00-15:00 Mon-Thu in New York (EST, UTC-5 until 8 March). Monday 13:00 UTC is
    # 08:00 there: free 09:00-15:00 (6 h) + Tue-Thu 3 x 8 = 30 h; her Friday meeting is on a day
    # off, so the instance she organized starts outside her hours (1 of 2). Ben (UTC): Monday
    # 09:00-13:00 + 14:00-17:00 = 7 h, Friday 09:00-14:00 + 15:00-17:00 = 7 h, + 3 x 8 = 38.
    "focus_in_charter_hours_of_person_zone": Scenario(
        focus_in_charter_hours_of_person_zone,
        {
            "meetings.hours_per_person_week": 2.0,
            "focus.hours_per_person_week": 34.0,
            "meetings.outside_hours_share": 0.5,
        },
        charter={
            "people": [
                {
                    "id": "ana@example.com",
                    "timezone": "America/New_York",
                    "working_hours": {"start": "07:00", "end": "15:00"},
                    "working_days": ["mon", "tue", "wed", "thu"],
                }
            ]
        },
    ),
    # Ana works 00:00-08:00 UTC on weekdays; the meeting runs Monday 23:00 to Tuesday 01:00.
    # Monday's window is free (8 h); on Tuesday it takes 00:00-01:00, leaving 01:00-08:00 (7 h);
    # Wed-Fri 3 x 8: 39 h. Ben's 09:00-17:00 windows never meet it: 5 x 8 = 40 h. (39 + 40) / 2.
    # Both attend 2 h.
    "meeting_across_midnight_busies_both_days": Scenario(
        meeting_across_midnight_busies_both_days,
        {"meetings.hours_per_person_week": 2.0, "focus.hours_per_person_week": 39.5},
        charter={
            "people": [
                {
                    "id": "ana@example.com",
                    "timezone": "UTC",
                    "working_hours": {"start": "00:00", "end": "08:00"},
                }
            ]
        },
    ),
    # The bot's comment a minute in does not answer the issue; Ben's at +2 h does (7200 s). Ana
    # reviews Ben's pull request a day later (86400 s). Median of the two: 46800. The bot's own
    # pull request is an item (3), unanswered.
    "bot_comment_is_not_a_first_response": Scenario(
        bot_comment_is_not_a_first_response,
        {
            "work.items": 3,
            "work.first_response.median_s": 46800,
            "work.close.median_s": None,
            "work.decision_records": 0,
        },
    ),
    # Ana's own comment and Ben's state change do not answer her issue; Ben's comment a day
    # later does (86400 s). Ben only talks to himself: unanswered. Ana's assignment of Cat's
    # issue is no response; her comment 30 min in is (1800 s). Median: 44100.
    "author_comment_is_not_a_first_response": Scenario(
        author_comment_is_not_a_first_response,
        {"work.items": 3, "work.first_response.median_s": 44100},
    ),
    # Merged after 4 h (14400 s); closed after 24 h but merged after 10 h: the earlier, 36000 s;
    # an issue closed after 48 h (172800 s); an open issue is left out. The decision's close does
    # not count. Owners: 2 of the 3 items that say (1, 0 and 2 assignees). Linked: 1 of 2 PRs.
    "merged_pr_counts_as_closed": Scenario(
        merged_pr_counts_as_closed,
        {
            "work.items": 4,
            "work.close.median_s": 36000,
            "work.first_response.median_s": None,
            "work.owner_share": 2 / 3,
            "work.pr_linked_share": 0.5,
            "work.decision_records": 1,
        },
    ),
}


def _store_with(tmp_path: Path, fill: Callable[[Evidence, str], None]) -> Path:
    path = tmp_path / "store.duckdb"
    with EvidenceStore.open(path) as store:
        fill(Evidence(store.con), store.secret)
    return path


@pytest.mark.parametrize("quirk", sorted(SCENARIOS))
def test_metrics_match_hand_computation(quirk: str, tmp_path: Path) -> None:
    scenario = SCENARIOS[quirk]
    store = _store_with(tmp_path, scenario.fill)
    result = measure(
        store=store,
        charter=parse_charter(scenario.charter),
        since=scenario.since,
        until=scenario.until,
    )
    for metric_id, expected in scenario.expected.items():
        if expected is None:
            assert result.metrics[metric_id] is None, metric_id
        else:
            assert result.metrics[metric_id] == pytest.approx(expected), metric_id


def test_no_meetings_means_unknown_not_zero(slack_fixture: Any, tmp_path: Path) -> None:
    store = tmp_path / "store.duckdb"
    ingest([slack_fixture("reply_by_root_author")], store=store)
    metrics = measure(store=store).metrics
    evidence = [
        m for m in METRICS.values() if m.frame in ("meetings", "attendee_days", "work_items")
    ]
    assert {m.id.split(".")[0] for m in evidence} == {"meetings", "focus", "work", "friction"}
    for metric in evidence:
        assert metrics[metric.id] is None, metric.id
    assert metrics["messages.human"] == 5  # the chat metrics are untouched


def test_meetings_outside_the_period_are_no_evidence(tmp_path: Path) -> None:
    store = _store_with(tmp_path, overlapping_meetings_merged)
    metrics = measure(store=store, since=date(2026, 4, 1), until=date(2026, 4, 30)).metrics
    assert metrics["meetings.instances"] is None
    assert metrics["meetings.hours"] is None


def _month_groups(e: Evidence, _: str) -> None:
    people = [f"p{i}" for i in range(5)]
    for person in people:
        e.person(person)
    e.meeting(at(2, 10), at(2, 11), people)
    e.meeting(datetime(2026, 4, 1, 10), datetime(2026, 4, 1, 11), people[:2])
    for person in people:
        e.item("issue", at(3, 10), person)
    e.item("issue", datetime(2026, 4, 2, 10), "p0")


def test_month_groups_below_the_minimum_size_are_withheld(tmp_path: Path) -> None:
    result = measure(store=_store_with(tmp_path, _month_groups))
    # The period runs from the first to the last meeting start day: 2 March to 1 April, 31 days.
    # Merged hours: 5 x 1 h in March + 2 x 1 h in April = 7 h over 5 attendees x 31/7 weeks.
    assert result.metrics["meetings.instances"] == 2
    assert result.metrics["meetings.hours_per_person_week"] == pytest.approx(7 * 7 / (5 * 31))
    assert result.metrics["work.items"] == 6
    march = result.scopes["month"]["2026-03"]
    # March: 5 h over the same 5 people x 30 days (2-31 March) = 5 h / (5 x 30/7 weeks).
    assert march["meetings.instances"] == 1
    assert march["meetings.hours_per_person_week"] == pytest.approx(5 * 7 / (5 * 30))
    assert march["work.items"] == 5
    assert march["messages.human"] is None  # no chat in this store
    # April has 2 attendees and 1 item author, both under 5: both families withheld, so the
    # month is not shown at all; it counts as one withheld group.
    assert "2026-04" not in result.scopes["month"]
    assert result.suppressed["month"] == 1
    assert result.scopes["conversation_kind"] == {}


# --- property: merged meeting hours and focus hours against a minute-by-minute count -----------

DAY_UNDER_TEST = date(2026, 3, 4)  # a Wednesday, no clock change in these zones near it
ZONES = ["UTC", "Asia/Tokyo", "America/New_York", "Asia/Kathmandu"]
_examples = itertools.count()


def _brute_force(intervals: list[tuple[int, int]], zone: str) -> tuple[float, float]:
    """(merged meeting minutes, focus minutes) of one person on DAY_UNDER_TEST, minute by minute."""
    base = datetime(2026, 3, 4)
    busy: set[int] = set()
    for start, length in intervals:
        busy.update(range(start, start + length))
    offset = ZoneInfo(zone).utcoffset(base)
    assert offset is not None
    # Minutes after base (UTC) of the person's 09:00-17:00 on that local date.
    window_start = 9 * 60 - int(offset.total_seconds()) // 60
    focus = run = 0
    for minute in range(window_start, window_start + 8 * 60 + 1):
        if minute < window_start + 8 * 60 and minute not in busy:
            run += 1
            continue
        focus += run if run >= 120 else 0
        run = 0
    return len(busy), focus


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    zone=st.sampled_from(ZONES),
    intervals=st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=24 * 60 - 1),  # start, minutes after 00:00 UTC
            st.integers(min_value=1, max_value=8 * 60 - 1),  # length, under Viva's 8 h
        ),
        min_size=1,
        max_size=6,
    ),
)
def test_merged_and_focus_hours_match_minute_counting(
    zone: str, intervals: list[tuple[int, int]], tmp_path: Path
) -> None:
    base = datetime(2026, 3, 4)

    def fill(e: Evidence, _: str) -> None:
        e.person("ana", zone)
        for start, length in intervals:
            # The other attendee is counted by the source but not in the store: Ana alone is
            # measured, and the instance still has the 2 attendees Viva asks for.
            e.meeting(
                base + timedelta(minutes=start),
                base + timedelta(minutes=start + length),
                ["ana"],
                attendee_count=2,
            )

    folder = tmp_path / f"example{next(_examples)}"
    folder.mkdir()
    found = figures(
        _store_with(folder, fill),
        ["meetings.hours_per_person_week", "focus.hours_per_person_week", "meetings.hours"],
        since=DAY_UNDER_TEST,
        until=DAY_UNDER_TEST,
    )
    busy, focus = _brute_force(intervals, zone)
    # One person over one day: a week is 7 such days.
    assert found["meetings.hours_per_person_week"] == pytest.approx(busy * 7 / 60)
    assert found["focus.hours_per_person_week"] == pytest.approx(focus * 7 / 60)
    assert found["meetings.hours"] == pytest.approx(sum(n for _, n in intervals) / 60)
