"""Incremental ingest stays exact: adding part of an export, or all of it again, is idempotent.

Slack messages are matched against the store only within the staged batch's time span
(interface.TIME_KEYED): these tests pin what that relies on and what it must never change.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pytest

from asyncmaturity.sources.interface import TIME_KEYED
from asyncmaturity.store.database import EVIDENCE_KEYS, EvidenceStore
from asyncmaturity.store.ingest import ingest

FIXTURES = Path(__file__).parent / "fixtures"
# Provenance that names the file or the call a row came from: it differs between the parts of a
# split export and the whole by design; every other column must be equal.
PER_CALL = {"origin", "ingest_id"}
# One well-formed export per source: re-ingesting each must add nothing.
EVERY_SOURCE = [
    FIXTURES / "slack" / "focus_block_interruptions",
    FIXTURES / "mail" / "first_reply_metrics.mbox",
    FIXTURES / "mail" / "maildir_basic",
    FIXTURES / "mail" / "duplicate_message_id_across_archives",
    FIXTURES / "ical" / "rrule_with_exdate_and_override.ics",
    FIXTURES / "github" / "wrapped_issues_and_pulls.json",
    FIXTURES / "gitlab" / "system_notes_are_events.json",
    FIXTURES / "jira" / "changelog_status_transitions.json",
    FIXTURES / "mattermost" / "replies_and_direct_posts.jsonl",
    FIXTURES / "teams" / "channel_messages_with_replies.json",
    FIXTURES / "zulip" / "realm_export_topic_threads",
]


def _dates(export: Path) -> list[str]:
    return sorted({f.stem for f in export.glob("*/????-??-??.json")})


# Every Slack fixture whose day files span at least two dates can be split by date.
SPLITTABLE = sorted(p.name for p in (FIXTURES / "slack").iterdir() if len(_dates(p)) >= 2)


def _contents(store: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every evidence table's rows, sorted, without the per-call provenance."""
    with EvidenceStore.open(store, create=False, read_only=True) as opened:
        tables: dict[str, list[tuple[Any, ...]]] = {}
        for table in EVIDENCE_KEYS:
            columns = [
                row[0]
                for row in opened.con.execute(f"DESCRIBE {table}").fetchall()
                if row[0] not in PER_CALL
            ]
            rows = opened.con.execute(f"SELECT {', '.join(columns)} FROM {table}").fetchall()
            if table == "visibility":
                # What an export can see is stated once per export: parts state it once each.
                rows = list(set(rows))
            tables[table] = sorted(rows, key=repr)
        return tables


def _split(export: Path, cut: str, target: Path) -> tuple[Path, Path]:
    """Two copies of a Slack export: day files up to `cut`, and after it; listings in both."""
    early, late = target / "early", target / "late"
    for part, keep in ((early, lambda day: day <= cut), (late, lambda day: day > cut)):
        part.mkdir(parents=True)
        for file in export.iterdir():
            if file.is_file():
                shutil.copy(file, part / file.name)
        for file in export.glob("*/*.json"):
            if keep(file.stem):
                (part / file.parent.name).mkdir(exist_ok=True)
                shutil.copy(file, part / file.parent.name / file.name)
    return early, late


def _ts(moment: datetime) -> str:
    return f"{moment.timestamp():.6f}"


def _slack_export(folder: Path, days: dict[str, list[dict[str, Any]]]) -> Path:
    """A Slack export of channel C0INCR001 ('general') with the given day files."""
    folder.mkdir(parents=True, exist_ok=True)
    users = [
        {"id": "UANA00001", "name": "ana", "tz": "America/New_York", "profile": {}},
        {"id": "UBEN00001", "name": "ben", "tz": "Europe/Berlin", "profile": {}},
    ]
    (folder / "users.json").write_text(json.dumps(users), "utf-8")
    channels = [{"id": "C0INCR001", "name": "general", "created": 1700000000}]
    (folder / "channels.json").write_text(json.dumps(channels), "utf-8")
    (folder / "general").mkdir(exist_ok=True)
    for day, messages in days.items():
        (folder / "general" / f"{day}.json").write_text(json.dumps(messages), "utf-8")
    return folder


def _message(user: str, moment: datetime, thread: datetime | None = None) -> dict[str, Any]:
    record = {"type": "message", "user": user, "text": "hello?", "ts": _ts(moment)}
    if thread is not None:
        record["thread_ts"] = _ts(thread)
    return record


def _messages(store: Path) -> int:
    with EvidenceStore.open(store, create=False, read_only=True) as opened:
        row = opened.con.execute("SELECT count(*) FROM messages").fetchone()
        return int(row[0]) if row else 0


def test_slack_messages_are_the_only_time_keyed_table() -> None:
    # Adding an entry needs a proof that the source's key fixes that time (see TIME_KEYED) and
    # tests like the ones below for that source.
    assert TIME_KEYED == {("slack", "messages"): "sent_at"}


def test_slack_message_key_fixes_sent_at(tmp_path: Path) -> None:
    # What TIME_KEYED relies on for Slack: the key is md5('slack|' || conversation id || '|' ||
    # ts) and sent_at is that ts. If the source ever keys or times messages otherwise, the
    # time-span filter of the anti-join may miss a stored record: this test then fails.
    moments = [
        datetime(2026, 3, 2, 9, 0, 0, 123456, tzinfo=UTC),
        datetime(2026, 3, 2, 23, 59, 59, 999999, tzinfo=UTC),
        datetime(2026, 3, 3, 0, 0, 0, tzinfo=UTC),
    ]
    export = _slack_export(
        tmp_path / "export",
        {
            "2026-03-02": [_message("UANA00001", moments[0]), _message("UBEN00001", moments[1])],
            "2026-03-03": [_message("UANA00001", moments[2], thread=moments[0])],
        },
    )
    store = tmp_path / "s.duckdb"
    ingest([export], store=store)
    with EvidenceStore.open(store, create=False, read_only=True) as opened:
        stored = dict(opened.con.execute("SELECT message_key, sent_at FROM messages").fetchall())
    expected = {
        hashlib.md5(f"slack|C0INCR001|{_ts(m)}".encode()).hexdigest(): m.replace(tzinfo=None)
        for m in moments
    }
    assert stored == expected


def test_slack_thread_keys_hash_the_thread_ts_or_the_messages_own(tmp_path: Path) -> None:
    # The root and parent keys are md5('slack|' || conversation id || '|' || ts), hashed here
    # by hand: a reply's are those of its thread_ts (trimmed); any other message is the root
    # of its own thread: one stamped with its own ts as thread_ts (a thread's parent), a blank
    # thread_ts, none at all. Ingest derives the root key from the two other keys.
    moments = [datetime(2026, 3, 2, 9, minute, 0, 250000, tzinfo=UTC) for minute in range(4)]
    parent = _message("UANA00001", moments[0], thread=moments[0])
    blank = {**_message("UBEN00001", moments[1]), "thread_ts": "  "}
    alone = _message("UANA00001", moments[2])
    reply = {**_message("UBEN00001", moments[3]), "thread_ts": f" {_ts(moments[0])} "}
    export = _slack_export(tmp_path / "export", {"2026-03-02": [parent, blank, alone, reply]})
    store = tmp_path / "s.duckdb"
    ingest([export], store=store)
    with EvidenceStore.open(store, create=False, read_only=True) as opened:
        stored = set(
            opened.con.execute(
                "SELECT message_key, thread_root_key, parent_key, is_reply FROM messages"
            ).fetchall()
        )

    def key(moment: datetime) -> str:
        return hashlib.md5(f"slack|C0INCR001|{_ts(moment)}".encode()).hexdigest()

    roots = {(key(m), key(m), None, False) for m in moments[:3]}
    assert stored == roots | {(key(moments[3]), key(moments[0]), key(moments[0]), True)}


@pytest.mark.parametrize("name", SPLITTABLE)
def test_a_split_export_in_either_order_gives_the_same_store(name: str, tmp_path: Path) -> None:
    export = FIXTURES / "slack" / name
    dates = _dates(export)
    early, late = _split(export, dates[len(dates) // 2 - 1], tmp_path / "parts")
    # Copies of one empty store share its secret, hence the people's pseudonymous keys.
    empty = tmp_path / "empty.duckdb"
    EvidenceStore.open(empty).close()
    whole = tmp_path / "whole.duckdb"
    shutil.copy(empty, whole)
    ingest([export], store=whole)
    for order in ((early, late), (late, early)):
        store = tmp_path / f"{order[0].name}-first.duckdb"
        shutil.copy(empty, store)
        for part in order:
            ingest([part], store=store)
        assert _contents(store) == _contents(whole), order
        # And the whole export on top of its parts adds nothing.
        assert sum(ingest([export], store=store).added.values()) == 0


def test_a_day_added_to_a_longer_store_adds_exactly_that_day(tmp_path: Path) -> None:
    start = datetime(2026, 3, 2, 14, tzinfo=UTC)
    days = {
        f"{(start + timedelta(days=d)).date()}": [
            _message("UANA00001", start + timedelta(days=d)),
            _message("UBEN00001", start + timedelta(days=d, minutes=5), thread=start),
        ]
        for d in range(10)
    }
    export = _slack_export(tmp_path / "export", days)
    earlier, last_day = _split(export, sorted(days)[-2], tmp_path / "parts")
    store = tmp_path / "s.duckdb"
    ingest([earlier], store=store)
    assert _messages(store) == 18
    added = ingest([last_day], store=store)
    assert added.added["messages"] == 2 and _messages(store) == 20
    again = ingest([last_day], store=store)
    assert sum(again.added.values()) == 0 and again.duplicates["messages"] == 2
    assert _messages(store) == 20


def test_a_stored_message_in_another_day_file_is_not_stored_again(tmp_path: Path) -> None:
    # An export made in another time zone files a message near midnight under the next day,
    # next to that day's messages: the message's own time, not its file, finds it in the store.
    late = datetime(2026, 3, 2, 23, 30, tzinfo=UTC)
    next_day = datetime(2026, 3, 3, 15, tzinfo=UTC)
    first = _slack_export(tmp_path / "utc", {"2026-03-02": [_message("UANA00001", late)]})
    second = _slack_export(
        tmp_path / "tokyo",
        {"2026-03-03": [_message("UANA00001", late), _message("UBEN00001", next_day)]},
    )
    store = tmp_path / "s.duckdb"
    ingest([first], store=store)
    summary = ingest([second], store=store)
    assert summary.added["messages"] == 1 and summary.duplicates["messages"] == 1
    assert _messages(store) == 2


def test_a_stored_message_is_found_whatever_the_span_of_the_new_export(tmp_path: Path) -> None:
    # A day long stored, re-delivered with a day a year later: the span covers both.
    old = datetime(2026, 3, 2, 10, tzinfo=UTC)
    new = datetime(2027, 3, 2, 10, tzinfo=UTC)
    first = _slack_export(tmp_path / "old", {"2026-03-02": [_message("UANA00001", old)]})
    both = _slack_export(
        tmp_path / "both",
        {"2026-03-02": [_message("UANA00001", old)], "2027-03-02": [_message("UBEN00001", new)]},
    )
    store = tmp_path / "s.duckdb"
    ingest([first], store=store)
    assert ingest([both], store=store).added["messages"] == 1
    assert _messages(store) == 2


def test_a_record_stored_with_a_slightly_different_time_is_not_stored_again(
    tmp_path: Path,
) -> None:
    # The proof needs no margin, but a parser version that rounded or shifted times a little
    # differently must not make its records look new: the span is widened by a day.
    moment = datetime(2026, 3, 2, 10, tzinfo=UTC)
    export = _slack_export(tmp_path / "export", {"2026-03-02": [_message("UANA00001", moment)]})
    store = tmp_path / "s.duckdb"
    ingest([export], store=store)
    con = duckdb.connect(str(store))
    con.execute("UPDATE messages SET sent_at = sent_at - INTERVAL 20 HOUR")
    con.close()
    assert sum(ingest([export], store=store).added.values()) == 0
    assert _messages(store) == 1


@pytest.mark.parametrize("export", EVERY_SOURCE, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_reingesting_an_export_of_any_source_adds_nothing(export: Path, tmp_path: Path) -> None:
    store = tmp_path / "s.duckdb"
    first = ingest([export], store=store)
    assert sum(first.added.values()) > 0
    before = _contents(store)
    again = ingest([export], store=store)
    assert sum(again.added.values()) == 0
    assert _contents(store) == before


def test_a_time_beyond_year_9999_is_skipped_as_implausible(tmp_path: Path) -> None:
    # DuckDB timestamps reach far beyond Python's datetime (the span is computed in SQL for
    # that), but such a time is past the plausible range (issue 20): skipped and counted, and
    # the message beside it is read and matched on re-ingest as usual.
    far = {"type": "message", "user": "UANA00001", "text": "hi", "ts": "300000000000.000001"}
    near = {"type": "message", "user": "UANA00001", "text": "hi", "ts": "1772442000.000100"}
    export = _slack_export(tmp_path / "export", {"2026-03-02": [far, near]})
    store = tmp_path / "s.duckdb"
    first = ingest([export], store=store)
    assert first.added["messages"] == 1
    assert first.skipped == {"time outside the plausible range": 1}
    assert sum(ingest([export], store=store).added.values()) == 0
    assert _messages(store) == 1
