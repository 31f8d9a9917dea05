"""The evidence store: schema versions (an older store gains the newer columns when opened for
writing, and reads as migrated when opened for reading), readers that share a store, and times
kept as UTC instants whatever the machine's zone."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb

from asyncmaturity.metrics.measure import measure
from asyncmaturity.store.database import MIGRATIONS, SCHEMA_VERSION, EvidenceStore
from asyncmaturity.store.evidence import open_evidence
from asyncmaturity.store.ingest import ingest

FIXTURES = Path(__file__).parent / "fixtures"


def _columns(store: EvidenceStore, table: str) -> set[str]:
    rows = store.con.execute(f"DESCRIBE {table}").fetchall()
    return {row[0] for row in rows}


def test_a_version_1_store_is_migrated_on_open(tmp_path: Path) -> None:
    path = tmp_path / "old.duckdb"
    with EvidenceStore.open(path) as store:
        # Make it look like a store written before schema 2.
        store.con.execute("ALTER TABLE messages DROP COLUMN local_offset_s")
        store.con.execute("ALTER TABLE messages DROP COLUMN subject")
        store.con.execute("UPDATE store_meta SET value = '1' WHERE key = 'schema_version'")
    with EvidenceStore.open(path, create=False) as store:
        assert {"local_offset_s", "subject"} <= _columns(store, "messages")
        version = store.con.execute(
            "SELECT value FROM store_meta WHERE key = 'schema_version'"
        ).fetchone()
        assert version == (SCHEMA_VERSION,)
    # Opening again changes nothing (the migration is idempotent).
    with EvidenceStore.open(path, create=False) as store:
        assert {"local_offset_s", "subject"} <= _columns(store, "messages")


def test_read_only_open_leaves_an_old_store_alone(tmp_path: Path) -> None:
    path = tmp_path / "old.duckdb"
    with EvidenceStore.open(path) as store:
        store.con.execute("ALTER TABLE messages DROP COLUMN subject")
        store.con.execute("UPDATE store_meta SET value = '1' WHERE key = 'schema_version'")
    with EvidenceStore.open(path, create=False, read_only=True) as store:
        assert "subject" not in _columns(store, "messages")


def test_readers_open_the_store_read_only_and_leave_an_old_store_unmigrated(
    tmp_path: Path, slack_fixture: Any
) -> None:
    """measure over a version 1 store gives what it gives once migrated, and migrates nothing."""
    exports = [slack_fixture("reply_by_root_author"), FIXTURES / "ical" / "all_day_event.ics"]
    old, migrated = tmp_path / "old.duckdb", tmp_path / "migrated.duckdb"
    for path in (old, migrated):
        ingest(exports, store=path)
        with EvidenceStore.open(path) as store:
            for changes in MIGRATIONS.values():
                for table, column in changes:
                    store.con.execute(f"ALTER TABLE {table} DROP COLUMN {column.split()[0]}")
            store.con.execute("UPDATE store_meta SET value = '1' WHERE key = 'schema_version'")
    EvidenceStore.open(migrated, create=False).close()
    assert measure(store=old).metrics == measure(store=migrated).metrics
    with EvidenceStore.open(old, create=False, read_only=True) as store:
        assert "subject" not in _columns(store, "messages")
    with open_evidence(old) as evidence:
        subjects = evidence.table("messages").subject
        assert subjects.count().to_pyarrow().as_py() == 0
        assert str(subjects.type()) == "string"


def test_a_second_process_reads_the_store_while_one_reads_it(
    tmp_path: Path, slack_fixture: Any
) -> None:
    """Readers take no write lock: a store open for measuring can be exported meanwhile."""
    store = tmp_path / "store.duckdb"
    ingest([slack_fixture("reply_by_root_author")], store=store)
    script = (
        "import sys; from pathlib import Path; "
        "from asyncmaturity.store.evidence import open_evidence; "
        "from asyncmaturity.store.export import export_parquet\n"
        "with open_evidence(Path(sys.argv[1])) as evidence: print(evidence.counts()['messages'])\n"
        "print(export_parquet(Path(sys.argv[1]), Path(sys.argv[2])).rows['messages'])"
    )
    with open_evidence(store) as evidence:
        messages = evidence.counts()["messages"]
        other = subprocess.run(
            [sys.executable, "-c", script, str(store), str(tmp_path / "parquet")],
            capture_output=True,
            text=True,
            check=False,
        )
    assert other.returncode == 0, other.stderr
    assert other.stdout.split() == [str(messages)] * 2


def test_epoch_times_are_stored_as_utc_whatever_the_machine_zone(
    tmp_path: Path, slack_fixture: Any
) -> None:
    """A channel's `created` epoch is a UTC instant, also on a machine set to Kolkata time."""
    store = tmp_path / "store.duckdb"
    script = (
        "import sys; from pathlib import Path; from asyncmaturity.store.ingest import ingest; "
        "ingest([Path(sys.argv[1])], store=Path(sys.argv[2]))"
    )
    completed = subprocess.run(
        [sys.executable, "-c", script, str(slack_fixture("conversation_kinds")), str(store)],
        env={**os.environ, "TZ": "Asia/Kolkata"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    with duckdb.connect(str(store), read_only=True) as con:
        row = con.execute("SELECT created FROM conversations WHERE name = 'general'").fetchone()
    # 1700000000 is 2023-11-14 22:13:20 UTC (03:43:20 the next day in Kolkata).
    assert row == (datetime(2023, 11, 14, 22, 13, 20),)
