"""AWAIT compliance and friction metrics over an archive, computed by hand on a small export."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb
import pytest

from asyncmaturity.await_protocol.rules import signals
from asyncmaturity.charter import parse_charter
from asyncmaturity.metrics.measure import measure
from asyncmaturity.store.database import AWAIT_SIGNAL_COLUMNS
from asyncmaturity.store.ingest import ingest
from tests.assessing import assessed

FIXTURES = Path(__file__).parent / "fixtures"
MONDAY_10 = 1772445600  # 2026-03-02 10:00 UTC
USERS = {"ana": "UANA00001", "ben": "UBEN00001", "cat": "UCAT00001"}

# (thread, author, minutes after the thread starts, text); the first message of a thread is its root.
THREADS: list[list[tuple[str, int, str]]] = [
    # T1: all five elements; Ben answers.
    [
        ("ana", 0, "<@UBEN00001> could you review https://github.com/acme/app/pull/42 by Friday?"),
        ("ben", 30, "done, merged"),
    ],
    # T2: a vague ask; Ana asks back which PR, then the talk goes back and forth: 4 speaker changes.
    [
        ("ben", 0, "thoughts?"),
        ("ana", 10, "which PR?"),
        ("ben", 20, "the billing one"),
        ("ana", 30, "ok, looks fine"),
        ("ben", 40, "thanks"),
    ],
    # T3: owner, window and action, too short for context, moves to a call; Cat chases after 2 h.
    [
        ("cat", 0, "<@UANA00001> pls approve the budget by EOD? quick call?"),
        ("cat", 120, "any update?"),
    ],
    # T4: a bare greeting (no request).
    [("ana", 0, "hi")],
    # T5: a statement.
    [("ben", 0, "Deployed the fix, FYI.")],
    # T6: complete as written, but the answer moves the exchange to a DM.
    [
        (
            "ana",
            0,
            "<@UCAT00001> can you confirm the vendor contract by 2026-03-06? "
            "Context: renewal terms changed",
        ),
        ("cat", 15, "DM me the details"),
    ],
]

# By hand: 6 roots; requests T1, T2, T3, T6. Owner: T1, T3, T6. Window: T1, T3, T6. Action:
# T1 (review), T3 (approve), T6 (confirm). Information: T1 (link) and T6 (context:), neither asked
# back. Thread kept: T1, T2 (T3 asks for a call, T6's reply for a DM). Complete: T1.
# Answered requests: T1, T2, T6; clarified: T2. Answered roots: T1, T2, T6; ping-pong: T2.
# Nudged: T3. Human messages: 13; asking to go synchronous: T3's root, T6's reply.
EXPECTED: dict[str, Any] = {
    "await.requests": 4,
    "await.request_share": 4 / 6,
    "await.assign_share": 3 / 4,
    "await.window_share": 3 / 4,
    "await.action_share": 3 / 4,
    "await.information_share": 2 / 4,
    "await.thread_share": 2 / 4,
    "await.complete_share": 1 / 4,
    "friction.clarification_share": 1 / 3,
    "friction.ping_pong_share": 1 / 3,
    "friction.nudge_share": 1 / 4,
    "friction.bare_greeting_share": 1 / 6,
    "friction.sync_request_share": 2 / 13,
}


def write_export(folder: Path) -> Path:
    """A Slack export of :data:`THREADS` in one channel, threads three hours apart on one Monday."""
    users = [
        {"id": uid, "name": name, "real_name": name.title(), "tz": "UTC", "is_bot": False}
        for name, uid in USERS.items()
    ]
    (folder / "general").mkdir(parents=True)
    (folder / "users.json").write_text(json.dumps(users))
    channel = {"id": "C0GENERAL", "name": "general", "created": 1700000000}
    (folder / "channels.json").write_text(json.dumps([{**channel, "members": [*USERS.values()]}]))
    records = []
    for number, thread in enumerate(THREADS):
        start = MONDAY_10 + number * 3 * 3600
        root_ts = f"{start}.000000"
        for author, minutes, text in thread:
            ts = f"{start + minutes * 60}.000000"
            record = {"type": "message", "user": USERS[author], "text": text, "ts": ts}
            if len(thread) > 1:
                record["thread_ts"] = root_ts
            records.append(record)
    (folder / "general" / "2026-03-02.json").write_text(json.dumps(records))
    return folder


@pytest.fixture
def await_store(tmp_path: Path) -> Path:
    store = tmp_path / "store.duckdb"
    ingest([write_export(tmp_path / "export")], store=store)
    return store


def test_await_and_friction_metrics_match_hand_computation(await_store: Path) -> None:
    metrics = measure(store=await_store).metrics
    for metric_id, expected in EXPECTED.items():
        assert metrics[metric_id] == pytest.approx(expected), metric_id


def test_store_without_signals_gives_unknown_not_zero(await_store: Path) -> None:
    # What a store ingested before schema 3 looks like once migrated: every signal NULL.
    with duckdb.connect(str(await_store)) as con:
        con.execute("UPDATE messages SET " + ", ".join(f"{c} = NULL" for c in AWAIT_SIGNAL_COLUMNS))
    metrics = measure(store=await_store).metrics
    for metric_id in EXPECTED:
        assert metrics[metric_id] is None, metric_id
    assert metrics["messages.human"] == 13


def test_wmi_await_criterion_is_decided_by_the_messages(
    await_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The fixture's 4 requests are too few to decide a criterion (20); here the rule is one.
    monkeypatch.setattr("asyncmaturity.assess.MIN_DECIDING_SAMPLE", 1)
    stage = assessed(store=await_store)["stage"]
    criterion = next(
        c for s in stage["stages"] for c in s["criteria"] if c["id"] == "wmi.await-standard"
    )
    assert (criterion["status"], criterion["decided_by"]) == ("not met", "data")
    assert criterion["metric"]["value"] == pytest.approx(0.25)


@pytest.mark.parametrize(
    ("export", "same_text"),
    [
        ("slack/reply_by_root_author", True),
        ("mattermost/replies_and_direct_posts.jsonl", True),
        ("zulip/realm_export_topic_threads", True),
        ("teams/channel_messages_with_replies.json", True),
        # The kept text of an e-mail is its whole body; the signals read its own text (quotes cut).
        ("mail/first_reply_metrics.mbox", False),
    ],
)
def test_every_message_source_stores_the_lint_signals(
    export: str, same_text: bool, tmp_path: Path
) -> None:
    store = tmp_path / "store.duckdb"
    ingest([FIXTURES / export], store=store, keep_text=True)
    columns = ", ".join(AWAIT_SIGNAL_COLUMNS)
    with duckdb.connect(str(store), read_only=True) as con:
        rows = con.execute(f"SELECT text, {columns} FROM messages WHERE kind = 'human'").fetchall()
    assert rows
    for text, *stored in rows:
        assert None not in stored
        if same_text:
            assert dict(zip(AWAIT_SIGNAL_COLUMNS, stored, strict=True)) == signals(text or "")


def _event(
    uid: str,
    summary: str,
    created: str,
    start: str,
    end: str,
    people: list[str],
    description: str = "",
) -> str:
    attendees = "".join(
        f"ATTENDEE;PARTSTAT=ACCEPTED:mailto:{name}@example.org\r\n" for name in people
    )
    return (
        f"BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:20260310T000000Z\r\nCREATED:{created}\r\n"
        f"DTSTART:{start}\r\nDTEND:{end}\r\nSUMMARY:{summary}\r\n"
        f"ORGANIZER:mailto:{people[0]}@example.org\r\n{attendees}"
        + (f"DESCRIPTION:{description}\r\n" if description else "")
        + "END:VEVENT\r\n"
    )


def test_meeting_side_friction_matches_hand_computation(tmp_path: Path) -> None:
    # Chat (Mon 2 March, UTC): thread X, Ana 10:00 and Ben 10:20; thread Y, Ana 13:00, Cat 13:10,
    # Ana again 14:10. Ben on Tue 12:00: "We decided ...". Cat on Mon 9 March: the chat runs past
    # every meeting and its 48 h, so that all six are in the period (issue 14: without --until,
    # meetings end where the other evidence does).
    chat = tmp_path / "chat"
    (chat / "general").mkdir(parents=True)
    users = [
        {"id": uid, "name": name, "tz": "UTC", "profile": {"email": f"{name}@example.org"}}
        for name, uid in USERS.items()
    ]
    (chat / "users.json").write_text(json.dumps(users))
    (chat / "channels.json").write_text(
        json.dumps([{"id": "C0GENERAL", "name": "general", "created": 1700000000}])
    )
    x, y = MONDAY_10, MONDAY_10 + 3 * 3600

    def post(user: str, at: int, text: str, root: int | None = None) -> dict[str, Any]:
        record = {"type": "message", "user": USERS[user], "text": text, "ts": f"{at}.000000"}
        if root is not None:
            record["thread_ts"] = f"{root}.000000"
        return record

    (chat / "general" / "2026-03-02.json").write_text(
        json.dumps(
            [
                post("ana", x, "Billing numbers look off", x),
                post("ben", x + 1200, "they do, not sure why", x),
                post("ana", y, "Invoice export broke", y),
                post("cat", y + 600, "looking", y),
                post("ana", y + 4200, "found it, never mind", y),
            ]
        )
    )
    (chat / "general" / "2026-03-03.json").write_text(
        json.dumps([post("ben", MONDAY_10 + 26 * 3600, "We decided to use Postgres.")])
    )
    (chat / "general" / "2026-03-09.json").write_text(
        json.dumps([post("cat", MONDAY_10 + 7 * 86400, "Release notes are out.")])
    )
    # M1: booked 10:40 for 11:00 by Ana with Ben: thread X stalled (both wrote, no one since).
    # M2: booked 14:00 for 14:30 by Ana with Cat: Ana wrote in thread Y after the booking.
    # M3: ad hoc by the clock but booked a week ahead: not ad hoc. Decision meetings: M4
    # kick-off (Ben's decision message follows: written), M5 approval (nothing written),
    # M6 go/no-go with a notes link (written). By hand: stalled 1 of 2, unwritten 1 of 3.
    calendar = tmp_path / "calendar.ics"
    calendar.write_text(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//friction//EN\r\n"
        + _event(
            "m1",
            "Billing sync",
            "20260302T104000Z",
            "20260302T110000Z",
            "20260302T113000Z",
            ["ana", "ben"],
        )
        + _event(
            "m2",
            "Invoices",
            "20260302T140000Z",
            "20260302T143000Z",
            "20260302T150000Z",
            ["ana", "cat"],
        )
        + _event(
            "m3", "1:1", "20260223T090000Z", "20260302T160000Z", "20260302T163000Z", ["ana", "ben"]
        )
        + _event(
            "m4",
            "Project Phoenix kick-off",
            "20260223T090000Z",
            "20260303T100000Z",
            "20260303T110000Z",
            ["ana", "ben"],
        )
        + _event(
            "m5",
            "Budget approval",
            "20260223T090000Z",
            "20260304T100000Z",
            "20260304T103000Z",
            ["cat", "ana"],
        )
        + _event(
            "m6",
            "Go/no-go",
            "20260223T090000Z",
            "20260305T100000Z",
            "20260305T103000Z",
            ["ben", "cat"],
            "Notes: https://docs.google.com/document/d/abc/edit",
        )
        + "END:VCALENDAR\r\n"
    )
    store = tmp_path / "store.duckdb"
    ingest([chat, calendar], store=store)
    metrics = measure(store=store).metrics
    assert metrics["friction.stalled_thread_meeting_share"] == pytest.approx(1 / 2)
    assert metrics["friction.unwritten_decision_meeting_share"] == pytest.approx(1 / 3)


def _comment(number: int, issue: int, login: str, minute: int, body: str) -> dict[str, Any]:
    return {
        "url": f"https://api.github.com/repos/acme/api/issues/comments/{number}",
        "issue_url": f"https://api.github.com/repos/acme/api/issues/{issue}",
        "id": number,
        "user": {"login": login, "type": "User"},
        "created_at": f"2026-03-02T{10 + minute // 60:02d}:{minute % 60:02d}:00Z",
        "body": body,
    }


def test_requests_in_issue_comments_count_like_chat_requests(tmp_path: Path) -> None:
    issues = [
        {
            "url": f"https://api.github.com/repos/acme/api/issues/{n}",
            "number": n,
            "title": f"Issue {n}",
            "user": {"login": "alice", "type": "User"},
            "created_at": "2026-03-02T09:00:00Z",
            "body": "Something is off.",
        }
        for n in (7, 8, 9)
    ]
    comments = [
        # Issue 7: a complete request, answered by Bob; the bot's comment is nobody's answer.
        _comment(
            1, 7, "alice", 0, "@bob could you review https://github.com/acme/api/pull/8 by Friday?"
        ),
        _comment(2, 7, "renovate[bot]", 5, "Please review the dependency dashboard."),
        _comment(3, 7, "bob", 30, "done"),
        # Issue 8: a vague ask that Dave has to clarify, and Carol's answer: a round-trip.
        _comment(4, 8, "carol", 0, "thoughts?"),
        _comment(5, 8, "dave", 20, "not sure what you mean"),
        _comment(8, 8, "carol", 45, "the retry change in #12"),
        # Issue 9: Dave asks for a call, nobody answers, he chases.
        _comment(6, 9, "dave", 0, "can we hop on a quick call?"),
        _comment(7, 9, "dave", 240, "bump"),
    ]
    export = tmp_path / "github.json"
    export.write_text(json.dumps(issues + comments))
    store = tmp_path / "store.duckdb"
    ingest([export], store=store)
    result = measure(store=store)
    # Candidates: the seven human comments; requests: 1, 4 and 6. Owner, window, action and
    # information: comment 1 only. Answered: 1 (Bob), 4 (Dave); clarified: 4 (Dave asked back,
    # Carol answered next). Nudged: 6. Moved to a call: 6. Ping-pong over the answered comments
    # 1, 4 and 5 (Carol answered Dave's): no issue has five alternating turns, 0/3.
    expected = {
        "await.requests": 3,
        "await.request_share": 3 / 7,
        "await.assign_share": 1 / 3,
        "await.complete_share": 1 / 3,
        "await.thread_share": 2 / 3,
        "friction.clarification_share": 1 / 2,
        "friction.nudge_share": 1 / 3,
        "friction.ping_pong_share": 0.0,
    }
    for metric_id, value in expected.items():
        assert result.metrics[metric_id] == pytest.approx(value), metric_id
    # Four people comment (the bot is nobody), so a group size of 3 shows the tracker row.
    grouped = measure(store=store, charter=parse_charter({"min_group_size": 3}))
    assert grouped.scopes["conversation_kind"]["issue tracker"]["await.requests"] == 3
