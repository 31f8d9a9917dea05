"""Meeting types, the charter's no-meeting days and focus blocks, attendees' own hours, and
decision cycle time: figures computed by hand on rows written straight into a store.

The week is Mon 2026-03-02 to Sun 2026-03-08 (UTC); people have no zone (UTC) unless stated.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from asyncmaturity.charter import parse_charter
from asyncmaturity.metrics.measure import measure
from tests.test_meeting_work_metrics import SINCE, UNTIL, Evidence, _store_with, at


def _week(e: Evidence, _: str) -> None:
    e.person("tok", "Asia/Tokyo")
    small = ["a", "b"]
    nine = [f"p{i}" for i in range(9)]
    # Mon 10:00-10:30, 2 people: decision-making; inside a Monday 09:00-11:00 focus block.
    e.meeting(at(2, 10), at(2, 10, 30), small, organizer="a", agenda=True, attendee_count=2)
    # Wed 14:00-14:45, 9 people: large; Wednesday is the no-meeting day.
    e.meeting(at(4, 14), at(4, 14, 45), nine, organizer="a", attendee_count=9)
    # Thu 13:00-15:00, 2 people: long; Tokyo's attendee sees 22:00: outside her hours.
    e.meeting(at(5, 13), at(5, 15), ["a", "tok"], organizer="a", attendee_count=2)
    # Fri 08:00-10:00, 9 people: long and large; overlaps Friday's 09:00-11:00 focus block.
    e.meeting(at(6, 8), at(6, 10), nine, organizer="a", attendee_count=9)
    # Decision records: one decided in 2 days, one still open, an ADR file without a close.
    e.item("decision", at(2, 9), "a", closed_at=at(4, 9))
    e.item("decision", at(3, 9), "b")
    e.item("decision", at(3, 10), "a", closed_at=at(3, 16))  # 6 h


def test_meeting_types_norms_and_decision_cycle(tmp_path: Path) -> None:
    store = _store_with(tmp_path, _week)
    charter = parse_charter(
        {
            "no_meeting_days": ["wed"],
            "focus_blocks": [{"days": ["mon", "fri"], "start": "09:00", "end": "11:00"}],
            "min_group_size": 2,
        }
    )
    m = measure(store=store, charter=charter, since=SINCE, until=UNTIL).metrics
    # One meeting of each type out of four.
    for kind in ("decision_making", "large", "long", "long_and_large"):
        assert m[f"meetings.type.{kind}_share"] == pytest.approx(0.25), kind
    assert m["meetings.on_no_meeting_days_share"] == pytest.approx(1 / 4)
    # Monday 10:00-10:30 and Friday 08:00-10:00 overlap a block; Thursday 13:00 does not.
    assert m["meetings.in_focus_blocks_share"] == pytest.approx(2 / 4)
    # Attended pairs: 2 + 9 + 2 + 9 = 22; only Tokyo's Thursday (22:00 local) is outside hours,
    # and Friday 08:00 UTC is before 09:00 for the nine UTC attendees: 1 + 9 = 10 of 22.
    assert m["meetings.outside_attendee_hours_share"] == pytest.approx(10 / 22)
    # Closed decisions: 2 days (172800 s) and 6 h (21600 s): median 97200 s.
    assert m["work.decision_cycle.median_s"] == pytest.approx((172800 + 21600) / 2)


def test_charter_without_norms_leaves_them_unknown(tmp_path: Path) -> None:
    store = _store_with(tmp_path, _week)
    m = measure(store=store, since=SINCE, until=UNTIL + timedelta(days=0)).metrics
    assert m["meetings.on_no_meeting_days_share"] is None
    assert m["meetings.in_focus_blocks_share"] is None
    assert m["meetings.type.large_share"] == pytest.approx(0.25)
