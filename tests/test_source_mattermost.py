"""Mattermost bulk exports: posts, replies, direct posts, bots, mentions and bad lines."""

from __future__ import annotations

import hashlib
import shutil
import zipfile
from pathlib import Path

import pytest

from asyncmaturity.errors import InvalidExport, RejectedRecords, UnsafeArchive
from asyncmaturity.metrics.measure import measure
from asyncmaturity.sources import detect_source, get_source
from asyncmaturity.store.database import EvidenceStore, person_key
from asyncmaturity.store.ingest import ingest
from tests.stores import store_rows

FIXTURES = Path(__file__).parent / "fixtures"
MATTERMOST = FIXTURES / "mattermost"
REPLIES = MATTERMOST / "replies_and_direct_posts.jsonl"


def _secret(store: Path) -> str:
    with EvidenceStore.open(store, create=False) as opened:
        return opened.secret


def _zip(target: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return target


def test_posts_replies_and_direct_posts(tmp_path: Path) -> None:
    store = tmp_path / "s.duckdb"
    summary = ingest([REPLIES], store=store, keep_text=True)
    assert summary.exports[0].source == "mattermost"
    assert summary.skipped_total == 0
    # 5 posts + 3 replies in channels, 2 direct posts + 1 reply: 11 records, 10 messages (the
    # join message is a system record, stored too).
    assert summary.added["messages"] == 10
    rows = store_rows(
        store,
        """SELECT m.text, m.kind, m.is_root, m.is_reply, m.thread_root_key = m.message_key,
                  c.kind, c.name
           FROM messages m JOIN conversations c USING (conversation_key) ORDER BY m.sent_at""",
    )
    assert rows == [
        (rows[0][0], "human", True, False, True, "public channel", "town-square"),
        ("Looking now", "human", False, True, False, "public channel", "town-square"),
        ("thanks", "human", False, True, False, "public channel", "town-square"),
        ("LGTM", "human", False, True, False, "public channel", "town-square"),
        ("We decided to ship on Friday.", "human", True, False, True, "private channel", "leads"),
        ("lunch?", "human", True, False, True, "dm", "alice, bob"),
        ("sure", "human", False, True, False, "dm", "alice, bob"),
        ("hi all", "human", True, False, True, "group dm", "alice, bob, carol"),
        ("bob joined the channel.", "system", True, False, True, "public channel", "town-square"),
        ("status?", "human", True, False, True, "public channel", "town-square"),
    ]
    # Replies point at their post: its key is md5 of conversation, create_at and author.
    root = store_rows(
        store,
        "SELECT DISTINCT thread_root_key FROM messages WHERE is_reply AND text <> 'sure'",
    )
    assert root == [(_md5("mattermost|channel:acme/town-square|1770026400000|alice"),)]
    first = store_rows(
        store,
        "SELECT mentions, links, record_links, is_question, reactions FROM messages "
        "WHERE sent_at = '2026-02-02 10:00:00'",
    )
    assert first == [(1, 1, 1, True, 1)]  # @bob, the pull request link, one reaction
    decision = store_rows(
        store,
        "SELECT decision_language, edited, reactions FROM messages WHERE text LIKE 'We decided%'",
    )
    assert decision == [(True, True, 2)]


def _md5(text: str) -> str:
    return hashlib.md5(text.encode()).hexdigest()


def test_email_is_the_person_key(tmp_path: Path) -> None:
    store = tmp_path / "s.duckdb"
    ingest([REPLIES], store=store)
    secret = _secret(store)
    keys = {row[0] for row in store_rows(store, "SELECT person_key FROM people")}
    # Alice's address is lower-cased; Carol has none, so her username is her identity.
    assert keys == {
        person_key(secret, "email:alice@example.org"),
        person_key(secret, "email:bob@example.org"),
        person_key(secret, "mattermost:carol"),
    }
    kinds = store_rows(store, "SELECT kind, count(*) FROM identities GROUP BY kind ORDER BY kind")
    assert kinds == [("email", 2), ("mattermost user", 3)]


def test_figures_by_hand(tmp_path: Path) -> None:
    store = tmp_path / "s.duckdb"
    ingest([REPLIES], store=store)
    metrics = measure(store=store).metrics
    # Human: alice's post + 3 replies, bob's leads post, the DM and its reply, the group DM and
    # carol's "status?" = 9 (the join message is a system record).
    assert metrics["messages.human"] == 9
    assert metrics["messages.thread_replies"] == 4  # 3 in town-square + 1 in the DM
    assert metrics["threads.count"] == 2
    # Roots: alice's post, bob's leads post, the DM, the group DM, "status?" = 5. Answered by
    # someone else: alice's post (bob after 30 min) and the DM (bob after 15 min) = 2 of 5.
    assert metrics["response.answered_share"] == pytest.approx(0.4)
    assert metrics["response.first_reply.median_s"] == pytest.approx(1350.0)  # (1800 + 900) / 2
    assert metrics["people.active"] == 3


def test_bot_user_and_here_mention(tmp_path: Path) -> None:
    store = tmp_path / "s.duckdb"
    ingest([MATTERMOST / "bot_user_and_here_mention.jsonl"], store=store, keep_text=True)
    rows = store_rows(
        store,
        "SELECT text, kind, is_reply, mentions, broadcast FROM messages ORDER BY sent_at",
    )
    assert rows == [
        # @here is a broadcast; @bob is a user, @nobody is not, an address is no mention.
        (rows[0][0], "human", False, 1, True),
        ("Build 42 passed", "bot", True, 0, False),  # "Build Bot": the display-name rule
        ("ok @Alice.", "human", True, 1, False),  # case and trailing dot do not matter
        ("Deploy finished @channel", "bot", False, 0, True),  # a bot object
        ("nightly ok", "bot", False, 0, False),  # a user with the system_bot role
        ("Alert from monitoring", "bot", False, 0, False),  # props.from_webhook
    ]
    bots = store_rows(store, "SELECT count(*) FILTER (WHERE is_bot), count(*) FROM people")
    assert bots == [(3, 5)]
    metrics = measure(store=store).metrics
    assert metrics["messages.human"] == 2
    assert metrics["response.answered_share"] == 1.0  # bob answered after 30 min; ci is a bot
    assert metrics["response.first_reply.median_s"] == 1800.0


def test_bad_lines_are_counted_and_strict_fails(tmp_path: Path) -> None:
    export = MATTERMOST / "bad_lines_counted.jsonl"
    summary = ingest([export], store=tmp_path / "s.duckdb")
    assert summary.added["messages"] == 2
    assert summary.skipped == {
        "post without a valid create_at": 1,
        "reply to a skipped post": 1,
        "malformed JSON": 1,
        "reply without a valid create_at": 1,
    }
    assert f"{export} line 4: post without a valid create_at" in summary.exports[0].examples
    assert f"{export} line 5: malformed JSON" in summary.exports[0].examples
    with pytest.raises(RejectedRecords, match=r"line 4: post without a valid create_at"):
        ingest([export], store=tmp_path / "strict.duckdb", strict=True)
    assert not (tmp_path / "strict.duckdb").exists()


def test_reingest_adds_nothing_and_zip_gives_the_same_keys(tmp_path: Path) -> None:
    store = tmp_path / "s.duckdb"
    ingest([REPLIES], store=store)
    again = ingest([REPLIES], store=store)
    assert sum(again.added.values()) == 0
    assert again.duplicates["messages"] == 10
    archive = _zip(
        tmp_path / "export.zip",
        {"export.jsonl": REPLIES.read_bytes(), "data/attachments/plan.pdf": b"%PDF-1.4 ..."},
    )
    zipped = ingest([archive], store=store)
    assert zipped.exports[0].source == "mattermost"
    assert sum(zipped.added.values()) == 0 and zipped.duplicates["messages"] == 10


def test_zip_bomb_member_is_refused(tmp_path: Path) -> None:
    version = b'{"type": "version", "version": 1}\n'
    archive = _zip(tmp_path / "bomb.zip", {"export.jsonl": version + b" " * (8 << 20)})
    with pytest.raises(UnsafeArchive, match="zip bomb"):
        ingest([archive], store=tmp_path / "s.duckdb")


def test_detection(tmp_path: Path) -> None:
    source = get_source("mattermost")
    assert detect_source(REPLIES).name == "mattermost"
    folder = tmp_path / "unzipped"
    folder.mkdir()
    shutil.copy(REPLIES, folder / "export.jsonl")
    (folder / "data").mkdir()
    assert detect_source(folder).name == "mattermost"
    archive = _zip(tmp_path / "e.zip", {"export.jsonl": REPLIES.read_bytes()})
    assert detect_source(archive).name == "mattermost"
    # A JSONL file that does not start with a version object is someone else's.
    other = tmp_path / "other.jsonl"
    other.write_text('{"type": "post", "post": {}}\n', "utf-8")
    assert not source.detect(other)
    for fixture in _other_fixtures():
        assert not source.detect(fixture), fixture


def test_format_on_another_export_says_what_is_missing(tmp_path: Path) -> None:
    with pytest.raises(InvalidExport, match="not a Mattermost bulk export"):
        ingest(
            [FIXTURES / "teams" / "deleted_message_counted.json"],
            store=tmp_path / "s.duckdb",
            format="mattermost",
        )


def _other_fixtures() -> list[Path]:
    return [
        path
        for folder in sorted(FIXTURES.iterdir())
        if folder.is_dir() and folder.name not in ("mattermost", "survey")
        for path in sorted(folder.iterdir())
    ]


def test_known_username_keeps_its_person_across_exports(tmp_path: Path) -> None:
    partial = tmp_path / "partial.jsonl"
    partial.write_text(
        '{"type": "version", "version": 1}\n'
        '{"type": "post", "post": {"team": "acme", "channel": "town-square", "user": "alice", '
        '"message": "early", "create_at": 1769990400000}}\n',
        "utf-8",
    )
    store = tmp_path / "s.duckdb"
    ingest([partial], store=store)  # no user objects: alice is known by username only
    ingest([REPLIES], store=store)  # now with her e-mail address
    secret = _secret(store)
    alice = person_key(secret, "mattermost:alice")
    authors = store_rows(
        store,
        f"SELECT count(*) FROM messages WHERE author_key = '{alice}'",
    )
    assert authors == [(4,)]  # "early", her question, her "thanks" and her DM "lunch?"
    linked = store_rows(store, "SELECT DISTINCT person_key FROM identities WHERE kind = 'email'")
    assert (alice,) in linked
