"""The AWAIT rules give the same signals in Python (lint) and in DuckDB SQL (ingest)."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from asyncmaturity.await_rules import SIGNALS, signals, signals_sql

EVAL_SET = Path(__file__).parent.parent / "benchmarks" / "await_eval" / "messages.jsonl"

# Pieces the rules look for, so that generated text reaches every branch of every pattern.
FRAGMENTS = [
    "@here",
    "@dana",
    "@all.",
    "<@U07ABC12D>",
    "<!here>",
    "<!subteam^S1|@design>",
    "Dana, can you ",
    "Hi Sven,",
    "owner: @kim",
    "assigned to someone",
    "please note",
    "please ",
    "pls ",
    "?",
    "review",
    "approve",
    "your approval",
    "by Friday",
    "next Tuesday",
    "EOD",
    "2026-03-05T10:00",
    "by 5 March",
    "March 12th",
    "within 2 business days",
    "by 3pm",
    "by 14/3",
    "tomorrow",
    "https://github.com/o/r/pull/42?x=1",
    "#42",
    "ABC-123",
    "context:",
    "because",
    "[file a.pdf]",
    "quick call?",
    "DM me",
    "huddle",
    "hey",
    "hello @sam",
    "got a minute",
    "any update",
    "bump",
    "gentle reminder",
    "which PR?",
    "what do you mean",
    "link?",
    "\n",
    "\v",
    ", ",
    ". ",
    " ",
    "é",
    "😀",
    "'",
    "\\",
    "\u00a0",
]
texts = st.lists(
    st.one_of(st.sampled_from(FRAGMENTS), st.text(alphabet=st.characters(max_codepoint=126))),
    max_size=12,
).map("".join)


def sql_signals(con: duckdb.DuckDBPyConnection, items: list[str]) -> list[dict[str, bool]]:
    con.execute("CREATE OR REPLACE TEMP TABLE drafts (i INTEGER, text VARCHAR)")
    con.executemany("INSERT INTO drafts VALUES (?, ?)", list(enumerate(items)))
    rows = con.execute(f"SELECT {signals_sql('text')} FROM drafts ORDER BY i").fetchall()
    return [dict(zip(SIGNALS, row, strict=True)) for row in rows]


@pytest.fixture(scope="module")
def con() -> duckdb.DuckDBPyConnection:
    return duckdb.connect()


def test_every_labelled_message_gets_the_same_signals_in_sql(
    con: duckdb.DuckDBPyConnection,
) -> None:
    items = [json.loads(line)["text"] for line in EVAL_SET.read_text().splitlines() if line]
    assert len(items) >= 300
    assert sql_signals(con, items) == [signals(text) for text in items]


@settings(max_examples=300, deadline=None)
@given(st.lists(texts, min_size=1, max_size=20))
def test_generated_text_gets_the_same_signals_in_sql(items: list[str]) -> None:
    with duckdb.connect() as con:
        assert sql_signals(con, items) == [signals(text) for text in items]


def test_null_text_has_no_signal(con: duckdb.DuckDBPyConnection) -> None:
    row = con.execute(f"SELECT {signals_sql('NULL::VARCHAR')}").fetchone()
    assert row == (False,) * len(SIGNALS)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("hi", {"bare_greeting"}),
        ("Hey @sam, got a minute?", {"bare_greeting", "is_request", "await_assign"}),
        (
            "Sam, can you review the deck by Friday?",
            {"is_request", "await_assign", "await_action", "await_window"},
        ),
        ("any update on this?", {"is_request", "nudge", "await_action"}),
        ("which PR?", {"is_request", "clarification"}),
        ("quick call?", {"is_request", "sync_request"}),
        ("Please note the office is closed.", set()),
        (
            "@here please approve https://example.org/doc",
            {"is_request", "await_action", "await_information"},
        ),
    ],
)
def test_signal_examples(text: str, expected: set[str]) -> None:
    assert {name for name, on in signals(text).items() if on} == expected
