"""'Where is this?' questions: the rule scored on labelled sets, the same answer in Python and
in SQL, and the stored signal's metric over a small export, counted by hand."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb
import pytest

from asyncmaturity.await_protocol.rules import plain_text, signals, signals_sql, where_form
from asyncmaturity.metrics.measure import measure
from asyncmaturity.store.ingest import ingest

EVAL_DIR = Path(__file__).parent.parent / "benchmarks" / "await_eval"


def _labelled(name: str) -> list[dict[str, Any]]:
    lines = (EVAL_DIR / name).read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line]


def precision_recall(pairs: list[tuple[bool, bool]]) -> tuple[float, float]:
    """Precision and recall of (expected, found) pairs."""
    hits = sum(expected and found for expected, found in pairs)
    found = sum(found for _, found in pairs)
    expected = sum(expected for expected, _ in pairs)
    return hits / found, hits / expected


@pytest.mark.parametrize(
    ("subset", "floor"),
    # The main set was tuned on (1.0 and 1.0 at the time of writing); the held-out set was
    # written after the rules and scored once (precision 1.0, recall 11/12).
    [("main", 0.95), ("heldout", 0.85)],
)
def test_the_rule_finds_where_questions_on_the_labelled_set(subset: str, floor: float) -> None:
    rows = [row for row in _labelled("where.jsonl") if row["set"] == subset]
    assert sum(row["asks_where"] for row in rows) >= 12
    assert sum(not row["asks_where"] for row in rows) >= 12
    pairs = [(row["asks_where"], signals(row["text"])["asks_where"]) for row in rows]
    precision, recall = precision_recall(pairs)
    assert precision >= floor and recall >= floor, (precision, recall)


def test_the_real_slack_messages_labelled_by_hand(shared_data: Path) -> None:
    """The messages of ../shared/data's Slack export that mention where, a link, finding or
    looking for, each labelled by hand (the file names them by day file and ts, without text)."""
    export = shared_data / "slack-houston-2016"
    pairs = []
    for row in _labelled("where_houston.jsonl"):
        day = json.loads((export / row["file"]).read_text(encoding="utf-8"))
        text = next(m["text"] for m in day if m["ts"] == row["ts"])
        pairs.append((row["asks_where"], signals(text)["asks_where"]))
    assert sum(expected for expected, _ in pairs) == 5
    assert precision_recall(pairs) == (1.0, 1.0)


def test_each_match_names_its_form() -> None:
    # Which form fired is what makes a detection explainable.
    assert where_form(plain_text("Where can I find the onboarding doc?")) == "where_can"
    assert where_form(plain_text("anyone know where the brand assets live?")) == "know_where"
    assert where_form(plain_text("which channel do I ask in?")) == "which_place"
    assert where_form(plain_text("I can't find the runbook")) == "cannot_find"
    # A link in the text is no question ("?" inside a URL), and a status question is none.
    assert where_form(plain_text("see https://example.org/where?is=the-doc")) is None
    assert where_form(plain_text("where are we on the release?")) is None


def test_sql_and_python_agree_on_the_labelled_set() -> None:
    texts = [row["text"] for row in _labelled("where.jsonl")]
    with duckdb.connect() as con:
        con.execute("CREATE TEMP TABLE t (i INTEGER, text VARCHAR)")
        con.executemany("INSERT INTO t VALUES (?, ?)", list(enumerate(texts)))
        rows = con.execute(f"SELECT {signals_sql('text')} FROM t ORDER BY i").fetchall()
    assert [row[-1] for row in rows] == [signals(text)["asks_where"] for text in texts]


MONDAY_10 = 1772445600  # 2026-03-02 10:00 UTC
MESSAGES = [
    "where can I find the onboarding doc?",  # asks where
    "Deployed the fix, FYI.",
    "does anyone have the link to the roadmap?",  # asks where
    "where are we on the release?",  # a status question
    "The slides are in the shared drive",
]


def test_the_metric_is_the_share_of_messages_that_ask_where(tmp_path: Path) -> None:
    folder = tmp_path / "export"
    (folder / "general").mkdir(parents=True)
    users = [{"id": "UANA00001", "name": "ana", "tz": "UTC", "is_bot": False}]
    (folder / "users.json").write_text(json.dumps(users))
    channel = {"id": "C0GENERAL", "name": "general", "created": 1700000000, "members": []}
    (folder / "channels.json").write_text(json.dumps([channel]))
    records = [
        {
            "type": "message",
            "user": "UANA00001",
            "text": text,
            "ts": f"{MONDAY_10 + 600 * n}.000000",
        }
        for n, text in enumerate(MESSAGES)
    ]
    (folder / "general" / "2026-03-02.json").write_text(json.dumps(records))
    store = tmp_path / "store.duckdb"
    ingest([folder], store=store)
    # By hand: 2 of the 5 human messages ask where something is.
    assert measure(store=store).metrics["findability.where_question_share"] == pytest.approx(2 / 5)
