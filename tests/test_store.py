"""The evidence store: schema versions (an older store gains the newer columns when opened), and
times kept as UTC instants whatever the machine's zone."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb

from asyncmaturity.store.database import SCHEMA_VERSION, EvidenceStore


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
