"""Zulip realm exports and zulip-archive trees: topics as threads, bots, re-rooting, bad records."""

from __future__ import annotations

import hashlib
import json
import shutil
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from asyncmaturity.errors import InvalidExport, RejectedRecords
from asyncmaturity.metrics.measure import measure
from asyncmaturity.sources import detect_source, get_source
from asyncmaturity.sources.zulip import sanitize_topic, unsanitize_topic
from asyncmaturity.store.database import EvidenceStore, person_key
from asyncmaturity.store.ingest import ingest
from tests.stores import store_rows

FIXTURES = Path(__file__).parent / "fixtures"
ZULIP = FIXTURES / "zulip"
REALM = ZULIP / "realm_export_topic_threads"
LATER = ZULIP / "later_ingest_brings_earlier_topic_message"
ARCHIVE = ZULIP / "zulip_archive_layout"


def _key(conversation: str, message_id: int) -> str:
    return hashlib.md5(f"zulip|{conversation}|{message_id}".encode()).hexdigest()


def test_first_message_of_a_topic_is_the_root(tmp_path: Path) -> None:
    store = tmp_path / "s.duckdb"
    summary = ingest([REALM], store=store, keep_text=True)
    assert summary.exports[0].source == "zulip"
    assert summary.skipped_total == 0
    rows = store_rows(
        store,
        """SELECT m.text, m.kind, m.is_root, m.is_reply, m.thread_root_key, m.parent_key,
                  c.kind, c.name
           FROM messages m JOIN conversations c USING (conversation_key) ORDER BY m.sent_at""",
    )
    plan = _key("stream:100", 501)  # "Deploy plan": Ana's 14:00 message comes first
    events = _key("stream:100", 504)  # "stream events": the Notification Bot's 09:00 message
    eng = ("public channel", "engineering")
    assert [r[:4] for r in rows] == [
        ("Stream created.", "bot", True, False),  # a full name ending in "bot"
        ("Can someone review the deploy plan? @Ben Lee", "human", True, False),
        ("CI passed: build 42", "bot", False, True),  # is_bot
        ("Looks good, see the PR", "human", False, True),  # topic "deploy plan": same topic
        ("thanks", "human", False, True),
        ("hello @all", "human", False, True),
        ("moved", "bot", False, True),  # a cross-realm system bot
        ("We decided to hire a second SRE.", "human", True, False),
        ("quick question?", "human", True, False),  # DMs have no topics: every one a root
        ("yes", "human", True, False),
        ("hi & welcome", "human", True, False),
    ]
    assert [r[4:6] for r in rows[:7]] == [
        (events, None),
        (plan, None),
        (plan, plan),
        (plan, plan),
        (plan, plan),
        (events, events),
        (plan, plan),
    ]
    assert [r[6:] for r in rows] == [eng] * 7 + [
        ("private channel", "leads"),
        ("dm", None),
        ("dm", None),
        ("group dm", None),
    ]
    # Both DM directions are one conversation.
    assert rows[8][4] != rows[9][4]
    dm = store_rows(
        store,
        "SELECT count(DISTINCT conversation_key) FROM messages WHERE text IN "
        "('quick question?', 'yes')",
    )
    assert dm == [(1,)]


def test_features_from_rendered_html(tmp_path: Path) -> None:
    store = tmp_path / "s.duckdb"
    ingest([REALM], store=store)
    rows = store_rows(
        store,
        """SELECT message_key, mentions, broadcast, links, record_links, edited, reactions,
                  is_question, decision_language, text, subject
           FROM messages ORDER BY sent_at""",
    )
    by_key = {r[0]: r[1:] for r in rows}
    assert by_key[_key("stream:100", 501)] == (1, False, 0, 0, False, 1, True, False, None, None)
    # The PR link is an href: one link, to a system of record; the message was edited.
    assert by_key[_key("stream:100", 502)][:5] == (0, False, 1, 1, True)
    assert by_key[_key("stream:100", 505)][:2] == (0, True)  # @all
    assert by_key[_key("stream:101", 506)][7] is True  # "We decided"
    # No text is kept by default, and the topic hash in subtype does not reveal the topic.
    subtypes = store_rows(store, "SELECT DISTINCT subtype FROM messages WHERE subtype IS NOT NULL")
    assert len(subtypes) == 3 and all(s.startswith("topic:") for (s,) in subtypes)
    assert not any("plan" in s for (s,) in subtypes)


def test_people_and_bots(tmp_path: Path) -> None:
    store = tmp_path / "s.duckdb"
    ingest([REALM], store=store, keep_text=True)
    with EvidenceStore.open(store, create=False) as opened:
        secret = opened.secret
    people = store_rows(store, "SELECT person_key, display_name, tz, is_bot FROM people")
    by_key = {row[0]: row[1:] for row in people}
    # Ana's visible e-mail is a placeholder; her delivery_email (lower-cased) is the identity.
    assert by_key[person_key(secret, "email:ana@example.org")] == (
        "Ana Lima",
        "America/New_York",
        False,
    )
    assert by_key[person_key(secret, "email:ben@example.org")][1:] == ("Europe/Berlin", False)
    assert by_key[person_key(secret, "email:notify@zulip.acme.example")] == (
        "Notification Bot",
        None,
        True,
    )
    assert by_key[person_key(secret, "email:welcome-bot@zulip.com")][2] is True  # cross-realm
    assert sum(1 for row in people if row[3]) == 3


def test_figures_by_hand(tmp_path: Path) -> None:
    store = tmp_path / "s.duckdb"
    ingest([REALM], store=store)
    metrics = measure(store=store).metrics
    # Human: 501, 502, 503 (Deploy plan), 505 (stream events), 506 (leads), 507, 508 (DM),
    # 509 (group DM) = 8.
    assert metrics["messages.human"] == 8
    # Replies by humans: 502 and 503 in "Deploy plan", 505 under the bot's "stream events".
    assert metrics["messages.thread_replies"] == 3
    assert metrics["threads.count"] == 2
    # Human roots: 501, 506, 507, 508, 509. Only 501 is answered by someone else (Ben, 20 min).
    assert metrics["response.answered_share"] == pytest.approx(0.2)
    assert metrics["response.first_reply.median_s"] == pytest.approx(1200.0)
    assert metrics["people.active"] == 3


def test_later_ingest_moves_the_root_to_an_earlier_message(tmp_path: Path) -> None:
    store = tmp_path / "s.duckdb"
    first_root = _key("stream:100", 601)
    earlier = _key("stream:100", 600)
    query = "SELECT message_key, thread_root_key, parent_key, is_root, is_reply FROM messages "
    query += "ORDER BY sent_at"
    ingest([LATER / "first"], store=store)
    assert store_rows(store, query) == [
        (first_root, first_root, None, True, False),
        (_key("stream:100", 602), first_root, first_root, False, True),
    ]
    assert measure(store=store).metrics["response.first_reply.median_s"] == 1800.0
    second = ingest([LATER / "second"], store=store)
    assert second.added["messages"] == 1 and second.duplicates["messages"] == 1
    # Ben's 09:00 question in "release" (any case) is now the root; Ana answers at 10:00.
    assert store_rows(store, query) == [
        (earlier, earlier, None, True, False),
        (first_root, earlier, earlier, False, True),
        (_key("stream:100", 602), earlier, earlier, False, True),
    ]
    metrics = measure(store=store).metrics
    assert metrics["messages.thread_replies"] == 2
    assert metrics["threads.count"] == 1
    assert metrics["response.answered_share"] == 1.0
    assert metrics["response.first_reply.median_s"] == 3600.0


@pytest.mark.parametrize("order", [("first", "second"), ("second", "first")])
def test_topic_roots_do_not_depend_on_ingest_order(tmp_path: Path, order: tuple[str, str]) -> None:
    together = tmp_path / "together.duckdb"
    ingest([LATER / name for name in order], store=together)
    apart = tmp_path / "apart.duckdb"
    for name in order:
        ingest([LATER / name], store=apart)
    query = "SELECT message_key, thread_root_key, is_reply FROM messages ORDER BY message_key"
    assert store_rows(together, query) == store_rows(apart, query)
    assert {r[1] for r in store_rows(together, query)} == {_key("stream:100", 600)}


def test_reingest_adds_and_changes_nothing(tmp_path: Path) -> None:
    store = tmp_path / "s.duckdb"
    ingest([REALM], store=store)
    query = "SELECT * EXCLUDE (ingest_id) FROM messages ORDER BY message_key"
    before = store_rows(store, query)
    again = ingest([REALM], store=store)
    assert sum(again.added.values()) == 0
    assert again.duplicates["messages"] == 11
    assert store_rows(store, query) == before


def test_zulip_archive_layout(tmp_path: Path) -> None:
    store = tmp_path / "s.duckdb"
    summary = ingest([ARCHIVE], store=store, keep_text=True)
    assert summary.exports[0].detected.startswith("zulip-archive JSON: 1 streams, 3 topic files")
    rows = store_rows(
        store,
        """SELECT m.message_key, m.subject, m.kind, m.is_reply, m.links, m.mentions, c.kind, c.name
           FROM messages m JOIN conversations c USING (conversation_key) ORDER BY m.sent_at""",
    )
    general = ("public channel", "general")
    assert rows == [
        (_key("stream:200", 801), "Deploy plan", "human", False, 1, 1, *general),
        (_key("stream:200", 802), "Deploy plan", "bot", True, 0, 0, *general),
        (_key("stream:200", 803), "Deploy plan", "human", True, 0, 0, *general),
        # The topic name comes from stream_index.json ("v1.2 release"), or for a file the index
        # does not list, from the file name unsanitized ("lunch plans").
        (_key("stream:200", 804), "v1.2 release", "human", False, 0, 0, *general),
        (_key("stream:200", 805), "v1.2 release", "human", True, 0, 0, *general),
        (_key("stream:200", 806), "lunch plans", "human", False, 0, 0, *general),
    ]
    metrics = measure(store=store).metrics
    assert metrics["messages.human"] == 5
    assert metrics["messages.thread_replies"] == 2
    # Roots 801 (Ben after 1 h), 804 (Cat after 1 h), 806 (unanswered).
    assert metrics["response.answered_share"] == pytest.approx(2 / 3)
    assert metrics["response.first_reply.median_s"] == 3600.0
    # Without sender_email the archive knows people by name only.
    kinds = store_rows(store, "SELECT DISTINCT kind FROM identities")
    assert kinds == [("zulip name",)]


def test_zipped_archive_gives_the_same_keys(tmp_path: Path) -> None:
    store = tmp_path / "s.duckdb"
    ingest([ARCHIVE], store=store)
    archive = tmp_path / "archive.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for file in sorted(ARCHIVE.rglob("*")):
            if file.is_file():
                zf.write(file, "zulip-json/" + file.relative_to(ARCHIVE).as_posix())
    again = ingest([archive], store=store)
    assert again.exports[0].source == "zulip"
    assert sum(again.added.values()) == 0 and again.duplicates["messages"] == 6


def test_bad_records_are_counted_and_strict_fails(tmp_path: Path) -> None:
    export = ZULIP / "message_without_date_sent"
    summary = ingest([export], store=tmp_path / "s.duckdb")
    assert summary.added["messages"] == 1
    assert summary.skipped == {
        "message without a valid date_sent": 1,
        "message whose recipient is not in realm.json": 1,
    }
    assert summary.exports[0].examples[0] == (
        f"{export}/messages-000001.json record 1: message without a valid date_sent"
    )
    with pytest.raises(RejectedRecords, match="record 1: message without a valid date_sent"):
        ingest([export], store=tmp_path / "strict.duckdb", strict=True)


def test_a_user_without_an_id_is_named_by_its_table_and_position(tmp_path: Path) -> None:
    export = tmp_path / "export"
    shutil.copytree(REALM, export)
    realm = json.loads((export / "realm.json").read_text("utf-8"))
    # Appended: the fixture has 5 profiles, no mirror dummies and 1 cross-realm bot, so these are
    # mirror dummy 1 (after one with an id) and cross-realm user 1.
    realm["zerver_userprofile_mirrordummy"] = [
        {"id": 90, "email": "irc@example.com", "full_name": "IRC"},
        {"email": "nobody@example.com", "full_name": "No id"},
    ]
    realm["zerver_userprofile_crossrealm"].append({"email": "welcome-bot@zulip.com"})
    (export / "realm.json").write_text(json.dumps(realm), "utf-8")
    summary = ingest([export], store=tmp_path / "s.duckdb")
    assert summary.skipped == {"user record without an id": 2}
    assert sorted(summary.exports[0].examples) == [
        f"{export}/realm.json zerver_userprofile_crossrealm record 1: no user id",
        f"{export}/realm.json zerver_userprofile_mirrordummy record 1: no user id",
    ]


def test_malformed_message_file_names_the_file(tmp_path: Path) -> None:
    broken = tmp_path / "export"
    shutil.copytree(REALM, broken)
    (broken / "messages-000002.json").write_text('{"zerver_message": [', "utf-8")
    with pytest.raises(InvalidExport, match=r"messages-000002\.json: malformed JSON"):
        ingest([broken], store=tmp_path / "s.duckdb")


def test_detection(tmp_path: Path) -> None:
    source = get_source("zulip")
    for export in (REALM, ARCHIVE, LATER / "first"):
        assert detect_source(export).name == "zulip"
    wrapper = tmp_path / "zulip-export-abc"
    shutil.copytree(REALM, wrapper / "zulip-export-abc")
    assert source.detect(wrapper)
    for fixture in [
        path
        for folder in sorted(FIXTURES.iterdir())
        if folder.is_dir() and folder.name not in ("zulip", "survey")
        for path in sorted(folder.iterdir())
        if path != FIXTURES / "real" / "zulip"
    ]:
        assert not source.detect(fixture), fixture


def test_topic_file_names_round_trip() -> None:
    for topic in ("lunch", "new streams", "v1.2 release", "100% done", "a/b", "naïve?"):
        assert unsanitize_topic(sanitize_topic(topic)) == topic


def test_one_person_across_slack_zulip_and_teams(slack_fixture: Any, tmp_path: Path) -> None:
    store = tmp_path / "s.duckdb"
    summary = ingest(
        [
            slack_fixture("bot_reply_in_thread"),
            REALM,
            FIXTURES / "teams" / "application_sender_is_bot.json",
        ],
        store=store,
    )
    assert [e.source for e in summary.exports] == ["slack", "zulip", "teams"]
    with EvidenceStore.open(store, create=False) as opened:
        ana = person_key(opened.secret, "email:ana@example.org")
    # Ana writes in all three; she is one person, with one people row.
    assert store_rows(store, f"SELECT count(*) FROM people WHERE person_key = '{ana}'") == [(1,)]
    sources = store_rows(
        store,
        f"SELECT DISTINCT source FROM messages WHERE author_key = '{ana}' ORDER BY source",
    )
    assert sources == [("slack",), ("teams",), ("zulip",)]


REAL_ARCHIVE = FIXTURES / "real" / "zulip" / "ncar_zulip_archive"


def _real_archive_topics(root: Path) -> dict[Path, list[dict[str, Any]]]:
    """Each topic file of a zulip-archive tree with its messages, read without the reader."""
    return {f: json.loads(f.read_text("utf-8")) for f in sorted(root.glob("*/*.json"))}


def test_real_zulip_archive_topics_with_messages_of_the_same_second(tmp_path: Path) -> None:
    index = json.loads((REAL_ARCHIVE / "stream_index.json").read_text("utf-8"))["streams"]
    name_of = {str(stream["id"]): name for name, stream in index.items()}
    topics = _real_archive_topics(REAL_ARCHIVE)
    expected = {}
    for file, messages in topics.items():
        stream_id = file.parent.name.split("-", 1)[0]
        # A topic's root is its first message; Zulip's ids follow the order of sending, which
        # decides between messages of the same second.
        root = min(messages, key=lambda m: (m["timestamp"], m["id"]))
        for m in messages:
            expected[_key(f"stream:{stream_id}", m["id"])] = (
                datetime.fromtimestamp(m["timestamp"], UTC).replace(tzinfo=None),
                m["id"] != root["id"],
                "bot" if m["sender_full_name"].lower().endswith("bot") else "human",
                name_of[stream_id],
            )
    demo = topics[REAL_ARCHIVE / "5-zulip" / "topic.20demonstration.json"]
    assert [m["timestamp"] for m in demo] == [1573662240] * 2 and demo[0]["id"] < demo[1]["id"]
    assert len(topics) == 12 and len(expected) == 32
    assert sum(reply for _, reply, _, _ in expected.values()) == 20
    assert detect_source(REAL_ARCHIVE).name == "zulip"
    store = tmp_path / "s.duckdb"
    summary = ingest([REAL_ARCHIVE], store=store)
    assert summary.skipped_total == 0 and summary.added["messages"] == 32
    rows = store_rows(
        store,
        """SELECT m.message_key, m.sent_at, m.is_reply, m.kind, c.name
           FROM messages m JOIN conversations c USING (conversation_key)""",
    )
    assert {key: tuple(rest) for key, *rest in rows} == expected
    assert store_rows(store, "SELECT DISTINCT kind FROM conversations") == [("public channel",)]
    senders = {m["sender_full_name"] for messages in topics.values() for m in messages}
    assert store_rows(store, "SELECT count(*) FROM people") == [(len(senders),)]
    metrics = measure(store=store).metrics
    assert metrics["messages.human"] == sum(e[2] == "human" for e in expected.values()) == 26


def test_real_zulip_archive_later_export_of_the_same_second_moves_the_root(
    tmp_path: Path,
) -> None:
    # The archive first fetched without message 6, then whole: 6 and 7 were sent in the same
    # second, 6 first (its id is lower), so the second ingest makes 6 the root.
    partial = tmp_path / "partial"
    shutil.copytree(REAL_ARCHIVE, partial)
    demo = partial / "5-zulip" / "topic.20demonstration.json"
    messages = json.loads(demo.read_text("utf-8"))
    demo.write_text(json.dumps([m for m in messages if m["id"] != 6]), "utf-8")
    store = tmp_path / "s.duckdb"
    ingest([partial], store=store)
    query = f"""SELECT message_key, is_root, parent_key FROM messages
                WHERE message_key IN ('{_key("stream:5", 6)}', '{_key("stream:5", 7)}')"""
    assert store_rows(store, query) == [(_key("stream:5", 7), True, None)]
    ingest([REAL_ARCHIVE], store=store)
    assert sorted(store_rows(store, query), key=lambda r: not r[1]) == [
        (_key("stream:5", 6), True, None),
        (_key("stream:5", 7), False, _key("stream:5", 6)),
    ]


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        # Read as text, a sender name of [] was the person "[]"; a boolean id was message 1.
        ("sender_full_name", [], "field 'sender_full_name' is not a string"),
        ("id", True, "field 'id' is not a number"),
        ("timestamp", "yesterday", "field 'timestamp' is not a number"),
        ("subject", 3, "field 'subject' is not a string"),
    ],
)
def test_real_zulip_archive_message_field_of_another_type_is_skipped_and_named(
    tmp_path: Path, field: str, value: Any, reason: str
) -> None:
    export = tmp_path / "archive"
    shutil.copytree(REAL_ARCHIVE, export)
    topic = sorted(export.glob("*/*.json"))[0]
    messages = json.loads(topic.read_text("utf-8"))
    messages[0][field] = value
    topic.write_text(json.dumps(messages), "utf-8")
    summary = ingest([export], store=tmp_path / "s.duckdb", format="zulip")
    # The sample's 32 messages: one skipped with its reason, the other 31 stored.
    assert summary.skipped == {reason: 1}
    assert summary.added["messages"] == 31
