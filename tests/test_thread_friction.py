"""Ping-pong and clarification read alike on every platform: per-platform fixtures computed by
hand, and the window arithmetic of :mod:`asyncmaturity.metrics.exchanges` against a brute-force
reference over random exchanges."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import ibis
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from asyncmaturity.metrics.exchanges import (
    CLARIFICATION_SPAN_S,
    COLUMNS,
    PING_PONG_SPAN_S,
    PING_PONG_TURNS,
    exchange_turns,
)
from asyncmaturity.metrics.measure import measure
from asyncmaturity.store.ingest import ingest

FIXTURES = Path(__file__).parent / "fixtures"
CLARIFICATION = "friction.clarification_share"
PING_PONG = "friction.ping_pong_share"
NUDGE = "friction.nudge_share"

# Each export's friction figures, by hand. Turns are written as speakers in order; "?" marks a
# message with the clarification signal (what the rules of docs/await.md read in its text).
BY_HAND: dict[str, dict[str, float]] = {
    # T1 (Mon 09:00-09:45) ana, ben?, ana, ben ben, ana?, ben, ana: two people alternate seven
    # turns within an hour (ben's two messages in a row are one turn): ping-pong; ben asked back
    # and ana, the root's author, answered two minutes later: clarified (ana's own "which
    # column?" is no clarification of her request). T2 ben (root and "any update?" before anyone
    # replied: nudged), ana, ben, ana, ben: five alternating turns, but over two days: no
    # ping-pong. T3 cat, ana, ben, ana?, ben, cat, dan, ana: ana asked ben back, ben answered:
    # not the root's author; ana and ben alternate four turns only. T4 dan, ben?, cat, dan: ben
    # asked back, but cat answered before dan did. All four roots are answered requests. The
    # count of every change of speaker gave ping-pong 3/4 and clarification 3/4.
    "slack/two_person_ping_pong_in_thread": {CLARIFICATION: 1 / 4, PING_PONG: 1 / 4, NUDGE: 1 / 4},
    # Topic "release freeze": six people, 21 messages over two days; Dan asks Cat and Ben asks
    # Fay back what they meant, each answered by the one asked, never by Ana, whose proposal it
    # is; no two people alternate even three turns. "deploy window": Ben, Cat?, Ben, Cat:
    # clarified, four turns. "build failure": Dan and Eve alternate seven turns in 45 minutes:
    # ping-pong. Three answered requests. Before: 2/3 each (the long topic counted as both).
    "zulip/many_person_topic_discussion": {CLARIFICATION: 1 / 3, PING_PONG: 1 / 3, NUDGE: 0.0},
    # Post 1: alice, bob?, alice, bob, alice, bob within 50 minutes: ping-pong and clarified.
    # Post 2: carol, bob?, carol 29.5 h after the question: answered too late to be the answer.
    # Post 3: dave, alice, bob. Three answered requests. Before: clarification 2/3.
    "mattermost/reply_chain_ping_pong_and_late_answer.jsonl": {
        CLARIFICATION: 1 / 3,
        PING_PONG: 1 / 3,
        NUDGE: 0.0,
    },
    # Graph channel page with nested replies. Invoice export: ana, ben?, ana, ben, ana, ben
    # within 50 minutes: six alternating turns (the five from 09:00 to 09:40 close a ping-pong)
    # and ana, the root's author, answered ben's "which export?" five minutes later: clarified.
    # Logging library: cat, ben, dan, cat, ben, eve?, ben, cat, dan, eve, cat: five people over
    # two hours, never three alternating turns of the same two; eve asked ben back and ben, not
    # cat, answered. Staging runner: dan, eve, dan. Three answered requests. Before: 2/3 each
    # (the many-person reply chain counted as both).
    "teams/reply_chain_ping_pong_and_long_discussion.json": {
        CLARIFICATION: 1 / 3,
        PING_PONG: 1 / 3,
        NUDGE: 0.0,
    },
    # Release notes: alice, bob?, alice (20 h after the question: clarified), bob, alice: five
    # alternating turns over 25 h: no ping-pong. Python 2.5: carol and dave alternate six turns
    # in two hours: ping-pong. Sprint demo (a reply tree, read in time order): erin, frank,
    # gina?, frank, hal, erin: gina asked frank, who answered. Before: ping-pong 3/3,
    # clarification 2/3.
    "mail/thread_debate_and_clarification.mbox": {
        CLARIFICATION: 1 / 3,
        PING_PONG: 1 / 3,
        NUDGE: 0.0,
    },
    # Issue 20: comments erin (request), frank? (request), erin, frank, erin, frank within an
    # hour; issue 21: gina (request), hal, ivan? (request), hal, gina. Answered comments: all
    # but each issue's last, 9. Ping-pong: a run of five alternating turns ends at frank's last
    # comment, after each of the five answered comments of issue 20, whose authors take part in
    # it: 5/9. Answered requests: erin's, frank's, gina's and ivan's first comments; frank asked
    # erin back and erin answered next: 1/4 (ivan asked hal, not gina). Before: clarification
    # 2/4, ping-pong not measured on trackers.
    "github/comment_ping_pong_and_clarification.json": {
        CLARIFICATION: 1 / 4,
        PING_PONG: 5 / 9,
        NUDGE: 0.0,
    },
}


@pytest.mark.parametrize("export", sorted(BY_HAND))
def test_friction_figures_of_each_platform_match_the_hand_computation(
    export: str, tmp_path: Path
) -> None:
    store = tmp_path / "store.duckdb"
    ingest([FIXTURES / export], store=store)
    metrics = measure(store=store).metrics
    for metric_id, expected in BY_HAND[export].items():
        assert metrics[metric_id] == pytest.approx(expected), metric_id


@dataclass(frozen=True)
class Message:
    key: str
    author: str
    at: float
    asks_back: bool


def reference_turns(
    messages: list[Message], opener: tuple[str, float] | None
) -> list[tuple[Any, ...]]:
    """The turns of one exchange as the module docstring defines them, by brute force: (author,
    start, partner, ping-pong, answers a clarification, latest question before the turn)."""
    ordered = sorted(messages, key=lambda m: (m.at, m.key))
    # A turn: its author, start, and its messages.
    turns: list[tuple[str, float, list[Message]]] = []
    if opener is not None:
        turns.append((opener[0], opener[1], []))
    for message in ordered:
        if turns and turns[-1][0] == message.author:
            turns[-1][2].append(message)
        else:
            turns.append((message.author, message.at, [message]))
    first = 1 if opener is not None else 0
    rows = []
    for i in range(first, len(turns)):
        author, start, _ = turns[i]
        run = turns[i - PING_PONG_TURNS + 1 : i + 1] if i >= PING_PONG_TURNS - 1 else []
        ping_pong = (
            len({t[0] for t in run}) == 2
            and all(run[k][0] == run[k - 2][0] for k in range(2, len(run)))
            and start - run[0][1] <= PING_PONG_SPAN_S
        )
        before = [m for t in turns[:i] for m in t[2] if m.asks_back]
        asked_s = max((m.at for m in before), default=None)
        questions = [m.at for m in turns[i - 1][2] if m.asks_back] if i > 0 else []
        answers = bool(questions) and start - max(questions) <= CLARIFICATION_SPAN_S
        partner = turns[i - 1][0] if i > 0 else None
        rows.append((author, start, partner, ping_pong, answers, asked_s))
    return rows


PEOPLE = st.sampled_from("ABC")
# Half hours over two days: spans land on both sides of, and exactly at, 8 h and 24 h.
INSTANTS = st.integers(min_value=0, max_value=96).map(lambda n: n * 1800.0)
EXCHANGES = st.lists(
    st.tuples(
        st.lists(st.tuples(PEOPLE, INSTANTS, st.booleans()), min_size=1, max_size=14),
        st.none() | st.tuples(PEOPLE, INSTANTS),
    ),
    min_size=1,
    max_size=6,
)


@settings(max_examples=150, deadline=None)
@given(EXCHANGES)
def test_turns_match_a_brute_force_reading_of_the_definitions(
    exchanges: list[tuple[list[tuple[str, float, bool]], tuple[str, float] | None]],
) -> None:
    rows: list[dict[str, Any]] = []
    expected: dict[str, list[tuple[Any, ...]]] = {}
    for number, (said, opener) in enumerate(exchanges):
        thread = f"t{number}"
        messages = [
            Message(f"{thread}-{i:02d}", author, at, asks)
            for i, (author, at, asks) in enumerate(said)
        ]
        expected[thread] = reference_turns(messages, opener)
        for m in messages:
            rows.append(
                dict(
                    zip(
                        COLUMNS,
                        (thread, m.key, m.author, m.at, m.asks_back, *(opener or (None, None))),
                        strict=True,
                    )
                )
            )
    schema = pa.schema(
        [(c, pa.string()) for c in COLUMNS[:3]]
        + [("x_s", pa.float64()), ("x_clar", pa.bool_()), ("o_author", pa.string())]
        + [("o_s", pa.float64())]
    )
    turns = exchange_turns(ibis.memtable(pa.Table.from_pylist(rows, schema=schema)))
    found: dict[str, list[tuple[Any, ...]]] = {thread: [] for thread in expected}
    result = ibis.duckdb.connect().to_pyarrow(turns.filter(turns.turn)).to_pylist()
    for row in result:
        found[row["x_thread"]].append(
            (
                row["x_author"],
                row["x_s"],
                row["partner"],
                row["ping_pong"],
                row["answers_clarification"],
                row["asked_s"],
            )
        )
    for thread, turns_of in expected.items():
        assert sorted(found[thread], key=repr) == sorted(turns_of, key=repr), thread
