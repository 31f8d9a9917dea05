"""Rocket.Chat (REST history pages, the room's JSON export): threads, rooms, bots, figures."""

from __future__ import annotations

import hashlib
import json
import zipfile
from datetime import datetime
from pathlib import Path

from asyncmaturity.metrics.measure import measure
from asyncmaturity.sources import detect_source
from asyncmaturity.store.database import EvidenceStore, person_key
from asyncmaturity.store.ingest import ingest
from tests.stores import store_rows

ROCKETCHAT = Path(__file__).parent / "fixtures" / "rocketchat"
HISTORY = ROCKETCHAT / "history_threads_rooms"
DM_ROOM = "aNa2kQ7pXwR3sT5vYbEn3mR8qYxS4tU6wZ"


def _key(room: str, message_id: str) -> str:
    return hashlib.md5(f"rocketchat|{room}|{message_id}".encode()).hexdigest()


def test_threads_rooms_bots_and_system_messages(tmp_path: Path) -> None:
    store = tmp_path / "s.duckdb"
    summary = ingest([HISTORY], store=store, keep_text=True)
    assert summary.exports[0].source == "rocketchat" and summary.skipped_total == 0
    rows = store_rows(
        store,
        """SELECT m.message_key, m.thread_root_key, m.parent_key, m.kind, m.subtype,
                  m.mentions, m.broadcast, m.edited, m.reactions, m.links, c.kind, c.name
           FROM messages m JOIN conversations c USING (conversation_key)
           ORDER BY m.sent_at, m.message_key""",
    )
    root = _key("GENERAL", "m1")
    general = ("public channel", "GENERAL")  # not listed: a public channel named by its id
    leads = ("private channel", "leads")  # groups.list names it and says it is private
    assert rows == [
        (_key("GENERAL", "m4"), _key("GENERAL", "m4"), None, "system", "uj",
         0, False, False, 0, 0, *general),
        # @ben is one mention; three users reacted (two with one emoji, one with another).
        (root, root, None, "human", None, 1, False, False, 3, 0, *general),
        # tmid names the root; tshow (also sent to the room) is Slack's thread_broadcast.
        (_key("GENERAL", "m2"), root, root, "human", "thread_broadcast",
         0, False, True, 0, 1, *general),
        (_key("GENERAL", "m3"), root, root, "human", None, 0, True, False, 0, 0, *general),
        (_key("pRiv8Room4Team2Xy", "p1"), _key("pRiv8Room4Team2Xy", "p1"), None, "human", None,
         0, False, False, 0, 0, *leads),
        # A message with `bot` set (an integration) from rocket.cat is a bot record.
        (_key("GENERAL", "m5"), _key("GENERAL", "m5"), None, "bot", None,
         0, False, False, 0, 1, *general),
        # {"$date": epoch ms} is read like an ISO time.
        (_key("pRiv8Room4Team2Xy", "p2"), _key("pRiv8Room4Team2Xy", "p2"), None, "human", None,
         0, False, False, 0, 0, *leads),
        # The room id is the two users' ids run together: a DM, named only with --keep-text.
        (_key(DM_ROOM, "d1"), _key(DM_ROOM, "d1"), None, "human", None,
         0, False, False, 0, 0, "dm", DM_ROOM),
    ]  # fmt: skip
    with EvidenceStore.open(store, create=False) as opened:
        secret = opened.secret
    people = dict(store_rows(store, "SELECT person_key, is_bot FROM people"))
    # users.list gives the e-mail addresses (lower-cased): the people link to other sources.
    assert people == {
        person_key(secret, "email:ana.lima@example.org"): False,
        person_key(secret, "email:ben@example.org"): False,
        person_key(secret, "rocketchat:rocket.cat"): True,
    }
    seen = dict(
        store_rows(store, "SELECT aspect, visible FROM visibility WHERE source = 'rocketchat'")
    )
    assert seen == {
        "messages": True,
        "direct messages": True,
        "group messages": True,
        "private channels": True,
        "threaded replies": True,
    }


def test_figures_by_hand(tmp_path: Path) -> None:
    store = tmp_path / "s.duckdb"
    ingest([HISTORY], store=store)
    metrics = measure(store=store).metrics
    # Human: m1, m2, m3 in GENERAL, p1 and p2 in leads, d1 in the DM (uj and the bot are not).
    assert metrics["messages.human"] == 6
    assert metrics["messages.thread_replies"] == 2
    assert metrics["threads.count"] == 1
    # Roots m1, p1, p2, d1; only m1 is answered, by Ben, 30 minutes later.
    assert metrics["response.answered_share"] == 0.25
    assert metrics["response.first_reply.median_s"] == 1800.0
    assert metrics["people.active"] == 2


def test_text_and_direct_names_only_with_keep_text(tmp_path: Path) -> None:
    store = tmp_path / "s.duckdb"
    ingest([HISTORY], store=store)
    assert store_rows(store, "SELECT count(*) FROM messages WHERE text IS NOT NULL") == [(0,)]
    assert store_rows(store, "SELECT kind, name FROM conversations ORDER BY kind, name") == [
        ("dm", None),
        ("private channel", "leads"),
        ("public channel", "GENERAL"),
    ]
    assert store_rows(store, "SELECT count(*) FROM people WHERE display_name IS NOT NULL") == [(0,)]


def test_overlapping_pages_add_only_the_new_messages(tmp_path: Path) -> None:
    store = tmp_path / "s.duckdb"
    first = ingest([HISTORY / "channels.history-GENERAL.json"], store=store)
    assert detect_source(HISTORY / "channels.history-GENERAL.json").name == "rocketchat"
    assert first.added["messages"] == 5
    page = json.loads((HISTORY / "channels.history-GENERAL.json").read_text())
    later = {
        "messages": [
            {**page["messages"][0], "_id": "m6", "ts": "2026-03-02T12:00:00.000Z", "bot": None},
            *page["messages"][:2],
        ],
        "success": True,
    }
    newer = tmp_path / "channels.history-GENERAL-2.json"
    newer.write_text(json.dumps(later), "utf-8")
    again = ingest([newer], store=store)
    assert again.added["messages"] == 1 and again.duplicates["messages"] == 2


def test_room_export_object_and_bare_array(tmp_path: Path) -> None:
    page = json.loads((HISTORY / "channels.history-GENERAL.json").read_text())
    messages = [{k: v for k, v in m.items() if k != "rid"} for m in page["messages"]]
    folder = tmp_path / "exports"
    folder.mkdir()
    # Rocket.Chat 6's download names the room once; a message without rid takes it from there.
    (folder / "exportedMessages-2026-03-04.json").write_text(
        json.dumps({"roomId": "GENERAL", "roomName": "general", "messages": messages}), "utf-8"
    )
    older = tmp_path / "exportedMessages.json"
    older.write_text(json.dumps(page["messages"]), "utf-8")
    store = tmp_path / "s.duckdb"
    first = ingest([folder], store=store)
    assert first.added["messages"] == 5 and first.skipped_total == 0
    # The older export (a bare array, rid kept) holds the same messages: nothing new.
    second = ingest([older], store=store)
    assert second.added.get("messages", 0) == 0 and second.duplicates["messages"] == 5


REAL = Path(__file__).parent / "fixtures" / "real" / "rocketchat" / "sdk_rest_responses"


def test_real_rest_responses_figures_by_hand(tmp_path: Path) -> None:
    # Responses of real servers kept by Rocket.Chat's Kotlin SDK (see PROVENANCE.md).
    assert detect_source(REAL).name == "rocketchat"
    store = tmp_path / "s.duckdb"
    summary = ingest([REAL], store=store)
    assert summary.skipped_total == 0 and summary.added["messages"] == 3
    rows = store_rows(
        store,
        """SELECT m.sent_at, m.kind, m.is_root, m.mentions, m.reactions, c.kind, c.name
           FROM messages m JOIN conversations c USING (conversation_key) ORDER BY m.sent_at""",
    )
    # The rooms are named by the listings beside them: channels.list.joined and rooms.get.
    assert rows == [
        (datetime(2018, 3, 27, 14, 44, 0, 549000), "human", True, 0, 0,
         "public channel", "general"),
        # :punch: by filipe.brito and :thumbsup: by jaytat0.
        (datetime(2019, 5, 30, 11, 16, 22, 879000), "human", True, 0, 2,
         "public channel", "androidnativeapp"),
        # "@Shailesh351" is listed in `mentions`; the answer is not in a thread (no tmid).
        (datetime(2019, 5, 30, 12, 34, 2, 371000), "human", True, 1, 0,
         "public channel", "androidnativeapp"),
    ]  # fmt: skip
    metrics = measure(store=store).metrics
    assert metrics["messages.human"] == 3
    assert metrics["people.active"] == 3
    assert metrics["messages.thread_replies"] == 0
    assert metrics["response.answered_share"] == 0.0
    seen = dict(
        store_rows(store, "SELECT aspect, visible FROM visibility WHERE source = 'rocketchat'")
    )
    # The listings name direct and private rooms, but no message of theirs is in the export.
    assert not seen["direct messages"] and not seen["private channels"]


def test_a_zip_of_the_export_folder_is_detected_and_read_like_the_folder(tmp_path: Path) -> None:
    archive = tmp_path / "rocketchat-export.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for file in sorted(HISTORY.rglob("*.json")):
            zf.write(file, f"export/{file.relative_to(HISTORY).as_posix()}")
    assert detect_source(archive).name == "rocketchat"
    from_zip = ingest([archive], store=tmp_path / "zip.duckdb")
    from_folder = ingest([HISTORY], store=tmp_path / "folder.duckdb")
    assert from_zip.exports[0].added == from_folder.exports[0].added
    assert from_zip.exports[0].added["messages"] > 0 and from_zip.skipped_total == 0
    query = "SELECT message_key, parent_key, kind FROM messages ORDER BY message_key"
    assert store_rows(tmp_path / "zip.duckdb", query) == store_rows(
        tmp_path / "folder.duckdb", query
    )
