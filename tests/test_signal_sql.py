"""How the AWAIT signal SQL is evaluated: staged patterns, loose gates and shared texts give the
answers of the plain patterns (the Python rules are the reference)."""

from __future__ import annotations

import re

import duckdb
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from asyncmaturity.await_protocol import rules
from asyncmaturity.await_protocol.rules import (
    ACTION,
    SIGNALS,
    Rx,
    _alternatives,
    _loose_union,
    _relaxed,
    _replaced_sql,
    signals,
    signals_sql,
)
from asyncmaturity.sources.features import one_thread, signal_planning

EVERY_RX = [value for value in vars(rules).values() if isinstance(value, Rx)]
COUNTED = [rx for rx in EVERY_RX if _relaxed(rx.pattern) != rx.pattern]


def test_alternatives_split_only_at_the_top_level() -> None:
    # Groups, classes (a `]` first in a class is a member) and escapes keep their bars.
    assert _alternatives(r"a|(b|c)|[|]|[]|]x|\|d|") == ["a", "(b|c)", "[|]", "[]|]x", r"\|d", ""]
    assert _alternatives("(?i)a|b") == ["(?i)a|b"]


def test_every_pattern_is_its_alternatives_joined() -> None:
    for rx in EVERY_RX:
        parts = _alternatives(rx.pattern)
        assert "|".join(parts) == rx.pattern
        for part in parts:
            re.compile(part)


def test_relaxing_widens_only_long_counted_repetitions() -> None:
    assert _relaxed(r"a{0,200}b{2,40}c{0,3}[{0,50}]\{0,90}") == r"a*b{2,}c{0,3}[{0,50}]\{0,90}"
    # The patterns the signals read have some, or staging them would be pointless.
    assert ACTION in COUNTED


def _relaxed_by_hand(pattern: str, least: int) -> str:
    """`_relaxed`, one character at a time: the reference its one-pass form is held to."""
    out: list[str] = []
    i = 0
    in_class = False
    while i < len(pattern):
        char = pattern[i]
        counted = (
            re.match(r"\{(\d*),(\d+)\}", pattern[i:]) if char == "{" and not in_class else None
        )
        if char == "\\":
            out.append(pattern[i : i + 2])
            i += 2
        elif counted and int(counted.group(2)) >= least:
            fewest = int(counted.group(1) or 0)
            out.append(f"{{{fewest},}}" if fewest else "*")
            i += counted.end()
        elif not in_class and char == "[":
            in_class = True
            member = i + 1 + (pattern[i + 1 : i + 2] == "^")
            member += pattern[member : member + 1] == "]"
            out.append(pattern[i:member])
            i = member
        else:
            in_class = in_class and char != "]"
            out.append(char)
            i += 1
    return "".join(out)


def _alternatives_by_hand(pattern: str) -> list[str]:
    """`_alternatives`, one character at a time (for a pattern opening with no flags)."""
    parts: list[str] = []
    depth = start = i = 0
    in_class = False
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            i += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
            i += 1 + (pattern[i + 1 : i + 2] == "^")
            i += pattern[i : i + 1] == "]"
            continue
        elif char in "()":
            depth += 1 if char == "(" else -1
        elif char == "|" and depth == 0:
            parts.append(pattern[start:i])
            start = i + 1
        i += 1
    return [*parts, pattern[start:]]


# Pattern pieces that meet every case: escapes (a lone one last), classes (with a leading `]`
# or `^]`, unclosed), counted repetitions short and long, braces that count nothing, groups.
pieces = st.sampled_from(
    ["a", "|", "(", ")", "[", "]", "^", "\\", "\\{", "{", "}", "{0,200}", "{3,25}", "{,40}",
     "{2,5}", "{7}", "{0,", ",", "1", "?", "*"]
)  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(st.lists(pieces, max_size=12).map("".join), st.sampled_from([1, 20, 100]))
@example("[]{0,50}]|(a|[^]|{0,90}])b{0,30}|\\", 20)
def test_relaxing_and_splitting_read_escapes_and_classes_as_written(
    pattern: str, least: int
) -> None:
    assert _relaxed(pattern, least) == _relaxed_by_hand(pattern, least)
    if not re.match(r"\(\?[a-zA-Z]+\)", pattern):
        assert _alternatives(pattern) == _alternatives_by_hand(pattern)


words = st.sampled_from(
    ["where is", "can you", "review", " ", "\n", ".", "?", "!", "x", "the doc", "hi", "dm me"]
)


@settings(max_examples=200, deadline=None)
@given(st.lists(words, max_size=80).map("".join))
def test_a_relaxed_pattern_matches_every_text_the_pattern_matches(text: str) -> None:
    for rx in COUNTED:
        if rx.search(text):
            assert Rx(_relaxed(rx.pattern), rx.ignore_case).search(text)
    if any(rx.search(text) for rx in rules.RARE_ON_PLAIN):
        assert _loose_union(rules.RARE_ON_PLAIN).search(text)


def test_a_question_longer_than_the_bound_gets_the_same_action_in_sql() -> None:
    # ACTION's question may run 200 units up to its "?": 250 words of two characters and a
    # blank run past it (no action), 20 of them do not. The SQL reads the question's
    # alternatives only where their unbounded form matches: the same answers.
    texts = [f"so, where is {'ab ' * count}the file?" for count in (20, 250)]
    with duckdb.connect() as con:
        con.execute(
            "CREATE TABLE drafts AS SELECT * FROM (VALUES (0, ?), (1, ?)) t(i, text)", texts
        )
        rows = con.execute(f"SELECT i, {signals_sql('text')} FROM drafts ORDER BY i").fetchall()
    found = [dict(zip(SIGNALS, row[1:], strict=True)) for row in rows]
    assert [f["await_action"] for f in found] == [True, False]
    assert found == [signals(text) for text in texts]


def test_signals_beside_other_columns_keep_every_row() -> None:
    # The signals come from one scalar subquery over the text: rows sharing a text, and NULL
    # texts, each keep their own row and columns.
    texts = ["can you review the doc by Friday?", None, "can you review the doc by Friday?", "hi"]
    with duckdb.connect() as con:
        con.execute("CREATE TABLE drafts (i INTEGER, text VARCHAR)")
        con.executemany("INSERT INTO drafts VALUES (?, ?)", list(enumerate(texts)))
        rows = con.execute(
            f"SELECT i, text, {signals_sql('text')} FROM drafts ORDER BY i"
        ).fetchall()
    assert [row[:2] for row in rows] == list(enumerate(texts))
    expected = [signals(text or "") for text in texts]
    assert [dict(zip(SIGNALS, row[2:], strict=True)) for row in rows] == expected


# Pieces of FILLER's and FILLER_INTL's alternatives: the clause that moves the exchange (long
# counted repetition) and the others, alone and together in one text.
filler_pieces = st.sampled_from(
    [
        "dm me",
        "ping me",
        "hi",
        "thanks",
        "let me know",
        "thoughts",
        "regards",
        "no rush",
        "x",
        "persönlich besprechen",
        "j'espère que",
        "\n",
        " ",
        ".",
        "?",
        ",",
        "ab " * 30,
        "the thing",
    ]
)


@settings(max_examples=40, deadline=None)
@example(["x dm me. thoughts", "ping me privately, no rush\nthanks"])
@given(st.lists(st.lists(filler_pieces, max_size=40).map("".join), min_size=1, max_size=30))
def test_a_removal_read_in_parts_replaces_what_the_whole_pattern_does(texts: list[str]) -> None:
    # Each part is replaced alone where the other cannot match, the whole pattern elsewhere.
    with duckdb.connect() as con:
        con.execute("CREATE TABLE drafts (text VARCHAR)")
        con.executemany("INSERT INTO drafts VALUES (?)", [(t,) for t in texts])
        for rx in (rules.FILLER, rules.FILLER_INTL):
            split = _replaced_sql(rx, "text", " ")
            assert split != rx.replace_sql("text", " ")
            rows = con.execute(
                f"SELECT {split}, {rx.replace_sql('text', ' ')} FROM drafts"
            ).fetchall()
            assert [row[0] for row in rows] == [row[1] for row in rows]


def test_a_removal_that_puts_a_group_back_is_not_read_in_parts() -> None:
    # Without some alternatives, the groups would be numbered otherwise.
    rx = Rx(r"(a)[^.]{0,200}b|(c)")
    assert _replaced_sql(rx, "text", "\\1 ") == rx.replace_sql("text", "\\1 ")
    assert _replaced_sql(rx, "text", " ") != rx.replace_sql("text", " ")


def test_signal_planning_restores_the_setting_after_a_statement_fails() -> None:
    # The setting is the database's: another connection sees it in the block, and after a
    # failed statement left the transaction aborted, it is back as it was.
    with duckdb.connect() as con:
        setting = "SELECT current_setting('disabled_optimizers')"
        con.execute("SET disabled_optimizers = 'top_n'")
        con.execute("BEGIN")
        with pytest.raises(duckdb.Error), signal_planning(con):
            row = con.cursor().execute(setting).fetchone()
            inside = set(str(row[0]).split(",")) if row else set()
            con.execute("SELECT * FROM no_such_table")
        assert inside == {"top_n", "expression_rewriter", "statistics_propagation"}
        assert con.cursor().execute(setting).fetchone() == ("top_n",)


def test_one_thread_restores_the_thread_count_after_a_statement_fails() -> None:
    # As above: the database's setting, seen by another connection in the block, restored after
    # a failed statement aborted the transaction.
    with duckdb.connect(config={"threads": 3}) as con:
        setting = "SELECT current_setting('threads')"
        con.execute("BEGIN")
        with pytest.raises(duckdb.Error), one_thread(con):
            inside = con.cursor().execute(setting).fetchone()
            con.execute("SELECT * FROM no_such_table")
        assert inside == (1,)
        assert con.cursor().execute(setting).fetchone() == (3,)
