"""DiscordChatExporter JSON: threads and forum posts in their parent channel, reply chains, DMs.

The fixtures are written in the exporter's layout (JsonMessageWriter.cs); every expected figure
below is counted by hand from them (see the comments).
"""

from __future__ import annotations

import hashlib
import json
import shutil
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest

from asyncmaturity.errors import InvalidExport, RejectedRecords
from asyncmaturity.metrics.measure import measure
from asyncmaturity.sources import detect_source
from asyncmaturity.store.database import person_key
from asyncmaturity.store.ingest import ingest
from tests.stores import store_rows

DISCORD = Path(__file__).parent / "fixtures" / "discord"
GUILD = DISCORD / "guild_channel_threads_and_replies"
GENERAL = GUILD / "Acme - Text Channels - general [100].json"
THREADS = GUILD / "threads"
DIRECT = DISCORD / "direct_and_group_messages"


def _key(message_id: str) -> str:
    return hashlib.md5(f"discord|{message_id}".encode()).hexdigest()


def _threads(store: Path) -> dict[str, tuple[bool, str]]:
    """Message text -> (is_reply, text of its thread's root)."""
    rows = store_rows(
        store,
        """SELECT m.text, m.is_reply, r.text FROM messages m
           JOIN messages r ON r.message_key = m.thread_root_key""",
    )
    return {text: (is_reply, root) for text, is_reply, root in rows}


def test_threads_forum_posts_and_reply_chains_become_threads(tmp_path: Path) -> None:
    store = tmp_path / "s.duckdb"
    summary = ingest([GUILD], store=store, keep_text=True)
    assert summary.exports[0].source == "discord" and summary.skipped_total == 0
    # 8 messages in #general, 3 in the thread started from "Deploy is blocked", 2 in the forum
    # post, 3 in the private thread; Ana, Ben, Cleo, Dan, Eve and the CI bot.
    assert summary.added == {"people": 6, "identities": 6, "conversations": 2, "messages": 16}
    deploy = "Deploy is blocked, any idea? @everyone"
    review = "Can someone review https://github.com/acme/api/pull/7 ?"
    assert _threads(store) == {
        review: (False, review),
        "Looks good to me": (True, review),  # a reply to the review request
        "Agreed, merging": (True, review),  # a reply to that reply: the top of the chain
        deploy: (False, deploy),
        # The thread's id is its starter's: the thread lives in #general under that message.
        "": (True, deploy),  # the thread's starter placeholder (type 21)
        "Try clearing the cache": (True, deploy),
        "That worked, thanks!": (True, deploy),  # a reply inside the thread stays in it
        "Started a thread.": (False, "Started a thread."),
        "build 42 passed": (False, "build 42 passed"),
        "+1 to that": (False, "+1 to that"),  # it answers a message no export holds
        "Joined the server.": (False, "Joined the server."),
        # A forum post's first message has the post's id.
        "Install fails on M1, why?": (False, "Install fails on M1, why?"),
        "Which version?": (True, "Install fails on M1, why?"),
        # A private thread has no starter message: its earliest message by a person is the
        # root, and the bot's alert that came a minute earlier a reply in it.
        "outage alert": (True, "Quick sync on the outage?"),
        "Quick sync on the outage?": (False, "Quick sync on the outage?"),
        "Joining now": (True, "Quick sync on the outage?"),
    }
    conversations = store_rows(
        store,
        """SELECT c.kind, c.name, count(*) FROM messages m
           JOIN conversations c ON c.conversation_key = m.conversation_key
           GROUP BY ALL ORDER BY c.name""",
    )
    # Threads of #general are #general's; the forum post is its forum's (#help).
    assert conversations == [("public channel", "general", 14), ("public channel", "help", 2)]


def test_kinds_features_and_times(tmp_path: Path) -> None:
    store = tmp_path / "s.duckdb"
    ingest([GUILD], store=store, keep_text=True)
    rows = {
        row[0]: row[1:]
        for row in store_rows(
            store,
            """SELECT text, kind, subtype, sent_at, mentions, broadcast, reactions, edited,
                      links, subject FROM messages""",
        )
    }
    # 11:00+02:00 is 09:00 UTC; two reactions of 2 and 1.
    assert rows["Can someone review https://github.com/acme/api/pull/7 ?"][:8] == (
        "human",
        None,
        datetime(2026, 3, 2, 9),
        0,
        False,
        3,
        False,
        1,
    )
    assert rows["Deploy is blocked, any idea? @everyone"][4] is True  # @everyone
    # The reply pings Ana (mentions[]) and was edited; 10:45+01:00 is 09:45 UTC.
    assert rows["Looks good to me"][3:7] == (1, False, 0, True)
    assert rows["Agreed, merging"][2].hour == 9
    assert rows["build 42 passed"][:2] == ("bot", None)  # author.isBot
    assert rows["Joined the server."][:2] == ("system", "GuildMemberJoin")
    assert rows["Started a thread."][:2] == ("system", "ThreadCreated")
    assert rows[""][:2] == ("system", "21")  # the exporter writes unnamed types as numbers
    # Thread members carry subtype 'thread' and, with --keep-text, the thread's name.
    assert rows["Which version?"][:2] == ("human", "thread")
    assert rows["Which version?"][-1] == "Install fails on M1"
    assert rows["Joining now"][-1] == "huddle"


def test_metrics_counted_by_hand(tmp_path: Path) -> None:
    store = tmp_path / "s.duckdb"
    ingest([GUILD], store=store)
    metrics = measure(store=store).metrics
    # Human: 16 messages less two system records of #general, two by the CI bot and the
    # thread's starter placeholder = 11; replies: 2 in the review chain, 2 in the deploy thread, 1 in
    # the forum post, 1 in the private thread = 6, so 4 threads have a reply.
    assert metrics["messages.human"] == 11
    assert metrics["messages.thread_replies"] == 6
    assert metrics["threads.count"] == 4
    assert metrics["people.active"] == 4  # Ana, Ben, Cleo, Dan (Eve only joined)
    # Roots: the review request, the deploy question, "+1 to that", the forum post and the
    # huddle; all but "+1 to that" answered by someone else.
    assert metrics["response.answered_share"] == pytest.approx(4 / 5)
    # First replies: 09:00 -> 09:30 (1800 s), 09:10 -> 09:20 (600 s), 11:00 -> 11:30
    # (1800 s), 12:00 -> 12:05 (300 s): the median of 300, 600, 1800, 1800.
    assert metrics["response.first_reply.median_s"] == pytest.approx(1200)


def test_people_are_keyed_hashes_and_text_needs_keep_text(tmp_path: Path) -> None:
    store = tmp_path / "s.duckdb"
    ingest([GUILD], store=store)
    assert store_rows(store, "SELECT count(*) FROM messages WHERE text IS NOT NULL") == [(0,)]
    assert store_rows(store, "SELECT count(*) FROM messages WHERE subject IS NOT NULL") == [(0,)]
    assert store_rows(store, "SELECT count(*) FROM people WHERE display_name IS NOT NULL") == [(0,)]
    secret = store_rows(store, "SELECT value FROM store_meta WHERE key = 'secret'")[0][0]
    people = {key for (key,) in store_rows(store, "SELECT person_key FROM people")}
    assert person_key(secret, "discord:1001") in people  # Ana's user id, hashed
    assert not any("1001" in key for key in people)
    bots = store_rows(store, "SELECT person_key FROM people WHERE is_bot")
    assert bots == [(person_key(secret, "discord:1009"),)]


def test_visibility_of_guild_and_direct_exports(tmp_path: Path) -> None:
    guild_store = tmp_path / "guild.duckdb"
    ingest([GUILD], store=guild_store)
    seen = "SELECT aspect, visible FROM visibility ORDER BY aspect"
    # A guild export shows no direct conversations and cannot tell private channels apart.
    assert store_rows(guild_store, seen) == [
        ("direct messages", False),
        ("group messages", False),
        ("messages", True),
        ("private channels", False),
        ("threaded replies", True),
    ]
    direct_store = tmp_path / "direct.duckdb"
    summary = ingest([DIRECT], store=direct_store, keep_text=True)
    assert dict(store_rows(direct_store, seen))["direct messages"] is True
    assert summary.added["conversations"] == 2
    kinds = store_rows(direct_store, "SELECT kind, name FROM conversations ORDER BY kind")
    # Direct conversations are named only because text is kept (the names are people's).
    assert kinds == [("dm", "Ben"), ("group dm", "Ana, Ben, Cleo")]


def test_a_thread_ingested_before_its_channel_is_rerooted(tmp_path: Path) -> None:
    store = tmp_path / "s.duckdb"
    thread = THREADS / "Acme - general - Deploy question [201].json"
    ingest([thread], store=store, keep_text=True)
    # Alone, the thread has no starter: its earliest person's message roots it (the starter
    # placeholder is a system record, a root of its own).
    alone = _threads(store)
    assert alone["Try clearing the cache"] == (False, "Try clearing the cache")
    assert alone["That worked, thanks!"] == (True, "Try clearing the cache")
    assert alone[""] == (False, "")
    again = ingest([GENERAL], store=store, keep_text=True)
    assert again.added["messages"] == 8
    threads = _threads(store)
    deploy = "Deploy is blocked, any idea? @everyone"
    assert threads[""] == (True, deploy)
    assert threads["Try clearing the cache"] == (True, deploy)
    assert threads["That worked, thanks!"] == (True, deploy)
    # The whole guild brings the forum post and the private thread; once more, nothing.
    assert ingest([GUILD], store=store, keep_text=True).added["messages"] == 5
    before = store_rows(
        store, "SELECT message_key, thread_root_key, is_reply FROM messages ORDER BY 1"
    )
    repeat = ingest([GUILD], store=store, keep_text=True)
    assert repeat.added.get("messages", 0) == 0
    after = store_rows(
        store, "SELECT message_key, thread_root_key, is_reply FROM messages ORDER BY 1"
    )
    assert after == before


def test_partitions_and_overlapping_exports_count_each_message_once(tmp_path: Path) -> None:
    document = json.loads(GENERAL.read_text())
    folder = tmp_path / "export"
    folder.mkdir()
    messages = document["messages"]
    # --partition 5 writes [part 1] and [part 2]; a later export overlaps the first.
    for name, part in (("[part 1]", messages[:5]), ("[part 2]", messages[5:]), ("again", messages)):
        (folder / f"Acme - general [100] {name}.json").write_text(
            json.dumps({**document, "messages": part}), "utf-8"
        )
    summary = ingest([folder], store=tmp_path / "s.duckdb")
    assert summary.added["messages"] == 8
    assert summary.records_read == 16


def test_media_folders_are_left_alone_and_other_json_is_a_named_skip(tmp_path: Path) -> None:
    folder = tmp_path / "export"
    shutil.copytree(GUILD, folder)
    media = folder / f"{GENERAL.name}_Files"
    media.mkdir()
    (media / "notes-1A2B3.json").write_text('{"an": "attachment"}', "utf-8")
    (folder / "settings.json").write_text('{"theme": "dark"}', "utf-8")
    assert detect_source(folder).name == "discord"
    summary = ingest([folder], store=tmp_path / "s.duckdb")
    assert summary.skipped == {"JSON file that is not a DiscordChatExporter export": 1}
    assert "settings.json" in summary.exports[0].examples[0]
    with pytest.raises(RejectedRecords, match=r"settings\.json"):
        ingest([folder], store=tmp_path / "strict.duckdb", strict=True)


def test_a_file_that_opens_like_an_export_but_is_not_one_names_itself(tmp_path: Path) -> None:
    odd = tmp_path / "odd.json"
    odd.write_text('{"guild": {"id": "1"}, "messages": "none"}', "utf-8")
    with pytest.raises(InvalidExport, match=r"odd\.json"):
        ingest([odd], store=tmp_path / "s.duckdb", format="discord")


def test_a_zipped_export_is_read_like_its_folder(tmp_path: Path) -> None:
    archive = tmp_path / "acme-discord.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for file in sorted(GUILD.rglob("*.json")):
            zf.write(file, f"acme/{file.relative_to(GUILD).as_posix()}")
        zf.writestr("acme/notes.json", "[]")
    assert detect_source(archive).name == "discord"
    summary = ingest([archive], store=tmp_path / "s.duckdb")
    assert summary.added["messages"] == 16
    # A skip names the member inside the archive.
    assert summary.exports[0].examples == [
        f"{archive}!acme/notes.json: not a channel export of DiscordChatExporter"
    ]


REAL_EXPORT = Path(__file__).parent / "fixtures" / "real" / "discord" / "zulip_discord_importer"


def test_real_export_partitioned_with_a_reply_to_a_message_of_another_part(tmp_path: Path) -> None:
    # Expected figures are computed here from the JSON (see PROVENANCE.md), not by the reader.
    records = [
        (m, document["channel"]["name"])
        for file in sorted(REAL_EXPORT.glob("*.json"))
        for document in [json.loads(file.read_text("utf-8"))]
        for m in document["messages"]
    ]
    by_id = {m["id"]: m for m, _ in records}

    def root(message: dict) -> str:
        answered = (message.get("reference") or {}).get("messageId")
        if message["type"] == "Reply" and answered in by_id:
            return root(by_id[answered])
        return message["id"]

    def kind(message: dict) -> str:
        if message["author"]["isBot"]:
            return "bot"
        return "human" if message["type"] in ("Default", "Reply") else "system"

    expected = sorted(
        (
            _key(m["id"]),
            _key(root(m)),
            channel,
            kind(m),
            datetime.fromisoformat(m["timestamp"]).astimezone(UTC).replace(tzinfo=None),
            len({p["id"] for p in m["mentions"]}),
            "@everyone" in m["content"] or "@here" in m["content"],
            sum(r["count"] for r in m["reactions"]),
            m["timestampEdited"] is not None,
        )
        for m, channel in records
    )
    # 12 + 12 + 1 messages of #general in three partitions, 4 of #general-2; one reply in part 2
    # answers "Reactions" in part 1, the other a message no part holds (so it is a root); a
    # forward and a pin notice carry references but are not replies.
    assert len(expected) == 29
    assert sum(e[0] != e[1] for e in expected) == 1
    assert detect_source(REAL_EXPORT).name == "discord"
    store = tmp_path / "s.duckdb"
    summary = ingest([REAL_EXPORT], store=store)
    assert summary.skipped_total == 0
    assert summary.added == {"people": 3, "identities": 3, "conversations": 2, "messages": 29}
    rows = store_rows(
        store,
        """SELECT m.message_key, m.thread_root_key, c.name, m.kind, m.sent_at, m.mentions,
                  m.broadcast, m.reactions, m.edited
           FROM messages m JOIN conversations c USING (conversation_key) ORDER BY 1""",
    )
    assert rows == expected
    assert sum(e[6] for e in expected) == 2 and sum(e[7] for e in expected) == 6
