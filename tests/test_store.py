"""The evidence store's schema versions: an older store gains the newer columns when opened."""

from __future__ import annotations

from pathlib import Path

from asyncmaturity.store import SCHEMA_VERSION, EvidenceStore


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
