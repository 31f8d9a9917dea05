"""Google Chat (Google Takeout): topics as threads, DMs and spaces, Takeout dates, figures."""

from __future__ import annotations

import hashlib
import json
import zipfile
from datetime import datetime
from pathlib import Path

import pytest

from asyncmaturity.metrics.measure import measure
from asyncmaturity.sources import detect_source
from asyncmaturity.store.database import EvidenceStore, person_key
from asyncmaturity.store.ingest import ingest
from tests.stores import store_rows

TAKEOUT = Path(__file__).parent / "fixtures" / "googlechat" / "takeout_topics_and_dms"
SPACE = "Space AAAAq1w2e3r"
DM = "DM k6oxHQAAAAE"


def _key(folder: str, message_id: str) -> str:
    return hashlib.md5(f"googlechat|{folder}|{message_id}".encode()).hexdigest()


def test_topics_are_threads_in_spaces_and_dms(tmp_path: Path) -> None:
    store = tmp_path / "s.duckdb"
    summary = ingest([TAKEOUT], store=store, keep_text=True)
    assert summary.exports[0].source == "googlechat" and summary.skipped_total == 0
    rows = store_rows(
        store,
        """SELECT m.message_key, m.thread_root_key, m.kind, m.mentions, m.broadcast, m.edited,
                  m.reactions, m.links, c.kind, c.name
           FROM messages m JOIN conversations c USING (conversation_key)
           ORDER BY m.sent_at""",
    )
    root = _key(SPACE, "AAAAq1w2e3r/tOp1cAAA111/tOp1cAAA111")
    space = ("public channel", "Release team")  # named by group_info.json
    bot = _key(SPACE, "AAAAq1w2e3r/tOp1cDDD444/tOp1cDDD444")
    everyone = _key(SPACE, "AAAAq1w2e3r/tOp1cEEE555/tOp1cEEE555")
    lunch = _key(DM, "k6oxHQAAAAE/dmT0pic0001/dmT0pic0001")
    sure = _key(DM, "k6oxHQAAAAE/dmT0pic0002/dmT0pic0002")
    assert rows == [
        # One mention annotation, two reactors, one link.
        (root, root, "human", 1, False, False, 2, 1, *space),
        # Same topic: replies to its first message; updated_date marks an edit.
        (_key(SPACE, "AAAAq1w2e3r/tOp1cAAA111/rEp1yBBB222"), root, "human",
         0, False, True, 0, 0, *space),
        (_key(SPACE, "AAAAq1w2e3r/tOp1cAAA111/rEp1yCCC333"), root, "human",
         0, False, False, 0, 0, *space),
        (bot, bot, "bot", 0, False, False, 0, 0, *space),  # user_type "Bot"
        (everyone, everyone, "human", 0, True, False, 0, 0, *space),  # a mention of "all"
        # A DM without threads gives every message a topic of its own.
        (lunch, lunch, "human", 0, False, False, 0, 0, "dm", DM),
        (sure, sure, "human", 0, False, False, 0, 0, "dm", DM),
    ]  # fmt: skip
    times = [row[0] for row in store_rows(store, "SELECT sent_at FROM messages ORDER BY sent_at")]
    # "9:00:00\u202fAM UTC" and "2:30:00\u202fPM UTC" (Takeout's narrow no-break space).
    assert times[0] == datetime(2026, 3, 2, 9, 0) and times[4] == datetime(2026, 3, 2, 14, 30)
    with EvidenceStore.open(store, create=False) as opened:
        secret = opened.secret
    people = dict(store_rows(store, "SELECT person_key, is_bot FROM people"))
    assert people == {
        person_key(secret, "email:ana.lima@example.org"): False,
        person_key(secret, "email:ben@example.org"): False,
        person_key(secret, "email:cat@example.org"): False,
        person_key(secret, "googlechat-name:Release Notifier"): True,
    }
    seen = dict(
        store_rows(store, "SELECT aspect, visible FROM visibility WHERE source = 'googlechat'")
    )
    assert seen == {
        "messages": True,
        "direct messages": True,
        "group messages": True,
        "private channels": False,
        "threaded replies": True,
    }


def test_figures_by_hand(tmp_path: Path) -> None:
    store = tmp_path / "s.duckdb"
    ingest([TAKEOUT], store=store)
    metrics = measure(store=store).metrics
    # Human: Ana's question, Ben's and Cat's replies, Cat's @all, both DM messages.
    assert metrics["messages.human"] == 6
    assert metrics["messages.thread_replies"] == 2
    assert metrics["threads.count"] == 1
    # Roots: the question (Ben answers 20 minutes later), @all, "Lunch?", "Sure".
    assert metrics["response.answered_share"] == 0.25
    assert metrics["response.first_reply.median_s"] == 1200.0
    assert metrics["people.active"] == 3


def test_no_text_or_direct_names_without_keep_text(tmp_path: Path) -> None:
    store = tmp_path / "s.duckdb"
    ingest([TAKEOUT], store=store)
    assert store_rows(store, "SELECT count(*) FROM messages WHERE text IS NOT NULL") == [(0,)]
    assert store_rows(store, "SELECT kind, name FROM conversations ORDER BY kind") == [
        ("dm", None),
        ("public channel", "Release team"),
    ]


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("Friday, January 1, 2021 at 12:05:00\u202fAM UTC", datetime(2021, 1, 1, 0, 5)),
        ("Friday, January 1, 2021 at 12:30:00 PM UTC", datetime(2021, 1, 1, 12, 30)),
        ("Monday, January 4, 2021 at 10:01:21 AM UTC", datetime(2021, 1, 4, 10, 1, 21)),
        ("January 4, 2021 at 17:01:21 UTC", datetime(2021, 1, 4, 17, 1, 21)),
        ("2021-01-04T10:01:21+02:00", datetime(2021, 1, 4, 8, 1, 21)),
    ],
)
def test_takeout_dates(tmp_path: Path, written: str, expected: datetime) -> None:
    group = tmp_path / "Google Chat" / "Groups" / "Space AAAAdates01"
    group.mkdir(parents=True)
    message = {
        "creator": {"name": "Ana", "email": "ana@example.org", "user_type": "Human"},
        "created_date": written,
        "text": "hi",
        "topic_id": "t",
        "message_id": "AAAAdates01/t/t",
    }
    (group / "messages.json").write_text(json.dumps({"messages": [message]}), "utf-8")
    store = tmp_path / "s.duckdb"
    assert ingest([tmp_path], store=store).skipped_total == 0
    assert store_rows(store, "SELECT sent_at FROM messages") == [(expected,)]


def test_a_zipped_takeout_and_a_single_conversation_folder(tmp_path: Path) -> None:
    archive = tmp_path / "takeout-20260304T000000Z-001.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for file in sorted(TAKEOUT.rglob("*.json")):
            zf.write(file, file.relative_to(TAKEOUT).as_posix())
    assert detect_source(archive).name == "googlechat"
    store = tmp_path / "s.duckdb"
    assert ingest([archive], store=store).added["messages"] == 7
    # The DM's own folder again: the same keys, nothing new.
    folder = TAKEOUT / "Takeout" / "Google Chat" / "Groups" / DM
    assert detect_source(folder).name == "googlechat"
    again = ingest([folder], store=store)
    assert again.added.get("messages", 0) == 0 and again.duplicates["messages"] == 2


REAL = Path(__file__).parent / "fixtures" / "real" / "googlechat" / "gvoice_sms_takeout_xml"


def _takeout_time(written: str) -> datetime:
    """Takeout's date read by Python alone, to check the SQL reading (the zone is always UTC)."""
    words = written.replace("\u202f", " ").removesuffix(" UTC")
    return datetime.strptime(words, "%A, %B %d, %Y at %I:%M:%S %p")


def test_real_takeout_against_an_independent_reading(tmp_path: Path) -> None:
    # Real Takeout files, names faked by their publisher (see PROVENANCE.md).
    groups = REAL / "Takeout" / "Google Chat" / "Groups"
    expected: list[tuple[str, datetime]] = []
    senders: set[str] = set()
    for folder in sorted(groups.iterdir()):
        for message in json.loads((folder / "messages.json").read_text("utf-8"))["messages"]:
            expected.append(
                (_key(folder.name, message["message_id"]), _takeout_time(message["created_date"]))
            )
            senders.add(message["creator"]["email"])
    assert len(expected) == 67 and len(senders) == 5
    assert detect_source(REAL).name == "googlechat"
    store = tmp_path / "s.duckdb"
    summary = ingest([REAL], store=store)
    assert summary.skipped_total == 0 and summary.added["messages"] == 67
    assert sorted(store_rows(store, "SELECT message_key, sent_at FROM messages")) == sorted(
        expected
    )
    # Two DMs of two members; two spaces, both named "Group Chat" by group_info.json.
    assert store_rows(store, "SELECT kind, name FROM conversations ORDER BY kind") == [
        ("dm", None),
        ("dm", None),
        ("public channel", "Group Chat"),
        ("public channel", "Group Chat"),
    ]
    metrics = measure(store=store).metrics
    assert metrics["messages.human"] == 67
    assert metrics["people.active"] == len(senders)
    # Old group chats and DMs give every message a topic of its own: no thread, no reply.
    assert metrics["messages.thread_replies"] == 0
    assert metrics["threads.count"] == 0
    assert metrics["response.answered_share"] == 0.0
