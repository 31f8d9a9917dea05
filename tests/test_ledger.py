"""The request ledger's rules: due times in the owner's working hours (holidays, out-of-office,
time zones), overdue, status and which requests need escalation. Every due time below is
counted by hand in the comments. Default charter: Mon-Fri 09:00-17:00, normal 24 h, urgent 4 h.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from asyncmaturity.await_protocol.ledger import (
    LedgerEntry,
    answered_within_window,
    due_for_escalation,
    first_answer,
    is_overdue,
    needs_escalation,
    request_due_at,
    request_status,
)
from asyncmaturity.charter import Charter, parse_charter


def utc(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    """An instant of 2026 in UTC."""
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


NEW_YORK = {"id": "dana@example.org", "timezone": "America/New_York"}


@pytest.mark.parametrize(
    ("charter", "created", "urgency", "expected"),
    [
        # Mon 2 Mar 10:00: Mon 7 h + Tue 8 h + Wed 8 h = 23 h, the 24th hour Thu 09:00-10:00.
        ({}, utc(3, 2, 10), "normal", utc(3, 5, 10)),
        # Wednesday a public holiday: Mon 7 + Tue 8 + Thu 8 = 23, the last hour on Friday.
        ({"holidays": [{"date": "2026-03-04"}]}, utc(3, 2, 10), "normal", utc(3, 6, 10)),
        # Fri 6 Mar 16:00, urgent: Fri 1 h; Mon 9 Mar a holiday; Tue 3 h: Tue 12:00.
        ({"holidays": [{"date": "2026-03-09"}]}, utc(3, 6, 16), "urgent", utc(3, 10, 12)),
        # Sent on a Saturday: the window starts Monday 09:00; 4 h later is 13:00.
        ({}, utc(3, 7, 11), "urgent", utc(3, 9, 13)),
        # A window set to 2 h for urgent requests.
        ({"request_windows": {"urgent": 2}}, utc(3, 2, 16), "urgent", utc(3, 3, 10)),
        # Dana works in New York (EST, UTC-5 in January). Thu 15 Jan 20:00 UTC is 15:00 there:
        # Thu 2 h, Fri 09:00-11:00 EST 2 h: Fri 11:00 EST = 16:00 UTC.
        ({"people": [NEW_YORK]}, utc(1, 15, 20), "urgent", utc(1, 16, 16)),
        # Dana out of office on Friday: Thu 2 h, Mon 19 Jan 2 h: Mon 11:00 EST = 16:00 UTC.
        (
            {
                "people": [
                    {**NEW_YORK, "out_of_office": [{"start": "2026-01-16", "end": "2026-01-16"}]}
                ]
            },
            utc(1, 15, 20),
            "urgent",
            utc(1, 19, 16),
        ),
        # A New York holiday on Friday applies to her; a Berlin one does not.
        (
            {
                "people": [NEW_YORK],
                "holidays": [{"date": "2026-01-16", "timezone": "America/New_York"}],
            },
            utc(1, 15, 20),
            "urgent",
            utc(1, 19, 16),
        ),
        (
            {
                "people": [NEW_YORK],
                "holidays": [{"date": "2026-01-16", "timezone": "Europe/Berlin"}],
            },
            utc(1, 15, 20),
            "urgent",
            utc(1, 16, 16),
        ),
    ],
)
def test_due_time_counts_the_owners_working_hours(
    charter: dict[str, object], created: datetime, urgency: str, expected: datetime
) -> None:
    due = request_due_at(
        parse_charter(charter), created_at=created, urgency=urgency, owner="dana@example.org"
    )
    assert due == expected


def test_the_owners_schedule_is_used_not_the_requesters() -> None:
    charter = parse_charter({"people": [NEW_YORK]})
    # Someone the charter does not name works the defaults (UTC): Thu 20:00 UTC is after hours,
    # so the 4 h run Fri 09:00-13:00 UTC.
    other = request_due_at(charter, created_at=utc(1, 15, 20), urgency="urgent", owner="x@y.org")
    assert other == utc(1, 16, 13)
    # An owner outside the charter with a known zone of their own.
    zoned = request_due_at(
        charter,
        created_at=utc(1, 15, 20),
        urgency="urgent",
        owner=None,
        owner_timezone="America/New_York",
    )
    assert zoned == utc(1, 16, 16)


def test_an_emergency_has_no_window_and_is_escalated_at_once() -> None:
    assert (
        request_due_at(Charter(), created_at=utc(3, 2, 10), urgency="emergency", owner=None) is None
    )
    entry = LedgerEntry(urgency="emergency", created_at=utc(3, 2, 10))
    assert not is_overdue(entry, utc(4, 1, 0))
    assert needs_escalation(entry, utc(3, 2, 10))
    assert request_status(entry, utc(3, 2, 10)) == "open"
    escalated = LedgerEntry(
        urgency="emergency", created_at=utc(3, 2, 10), escalated_at=utc(3, 2, 10)
    )
    assert not needs_escalation(escalated, utc(3, 2, 11))
    assert request_status(escalated, utc(3, 2, 11)) == "escalated"


def test_unknown_urgency_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown urgency 'whenever'"):
        request_due_at(Charter(), created_at=utc(3, 2, 10), urgency="whenever", owner=None)


def test_status_follows_the_times() -> None:
    due = utc(3, 5, 10)
    entry = LedgerEntry(urgency="normal", created_at=utc(3, 2, 10), due_at=due)
    assert request_status(entry, due - timedelta(seconds=1)) == "open"
    assert not is_overdue(entry, due - timedelta(seconds=1))
    assert request_status(entry, due) == "overdue" and is_overdue(entry, due)
    escalated = LedgerEntry(**{**entry.__dict__, "escalated_at": due + timedelta(minutes=1)})
    assert request_status(escalated, due + timedelta(hours=1)) == "escalated"
    late = LedgerEntry(**{**escalated.__dict__, "answered_at": due + timedelta(hours=2)})
    assert request_status(late, due + timedelta(hours=3)) == "answered"
    assert answered_within_window(late) is False and not is_overdue(late, due + timedelta(days=9))
    on_time = LedgerEntry(**{**entry.__dict__, "answered_at": due})
    assert answered_within_window(on_time) is True
    assert answered_within_window(entry) is None
    closed = LedgerEntry(**{**entry.__dict__, "closed_at": utc(3, 3, 9)})
    assert request_status(closed, due + timedelta(days=1)) == "closed"
    assert not is_overdue(closed, due + timedelta(days=1))


def test_which_requests_need_escalation_now() -> None:
    now = utc(3, 5, 12)
    base = {"urgency": "normal", "created_at": utc(3, 2, 10)}
    past, future = utc(3, 5, 10), utc(3, 6, 10)
    cases = {
        "due passed, unanswered": (LedgerEntry(**base, due_at=past), True),
        "due at this instant": (LedgerEntry(**base, due_at=now), True),
        "not yet due": (LedgerEntry(**base, due_at=future), False),
        "answered late": (LedgerEntry(**base, due_at=past, answered_at=utc(3, 5, 11)), False),
        "already escalated": (LedgerEntry(**base, due_at=past, escalated_at=utc(3, 5, 11)), False),
        "closed": (LedgerEntry(**base, due_at=past, closed_at=utc(3, 4, 9)), False),
        "emergency": (LedgerEntry(urgency="emergency", created_at=now), True),
        "emergency answered": (
            LedgerEntry(urgency="emergency", created_at=utc(3, 5, 11), answered_at=now),
            False,
        ),
    }
    for name, (entry, expected) in cases.items():
        assert needs_escalation(entry, now) is expected, name
    chosen = due_for_escalation([entry for entry, _ in cases.values()], now)
    assert len(chosen) == sum(expected for _, expected in cases.values())


def test_the_first_reply_by_someone_else_answers() -> None:
    replies = [("ana", utc(3, 2, 11)), ("ben", utc(3, 2, 15)), ("cat", utc(3, 2, 12))]
    assert first_answer("ana", replies) == utc(3, 2, 12)
    assert first_answer("ana", [("ana", utc(3, 2, 11))]) is None


@settings(max_examples=60, deadline=None)
@given(
    created=st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2027, 12, 31)),
    urgency=st.sampled_from(["normal", "urgent"]),
    zone=st.sampled_from(["UTC", "Asia/Kathmandu", "America/New_York", "Pacific/Auckland"]),
)
def test_a_due_time_is_never_sooner_than_its_window(
    created: datetime, urgency: str, zone: str
) -> None:
    charter = parse_charter({"people": [{"id": "o@x.org", "timezone": zone}]})
    due = request_due_at(charter, created_at=created, urgency=urgency, owner="o@x.org")
    assert due is not None
    hours = charter.request_window_hours(urgency)
    assert due - created.replace(tzinfo=UTC) >= timedelta(hours=hours)
    # Later requests are never due sooner.
    later = request_due_at(
        charter, created_at=created + timedelta(minutes=37), urgency=urgency, owner="o@x.org"
    )
    assert later is not None and later >= due
