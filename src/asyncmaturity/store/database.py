"""The evidence store: an embedded DuckDB file holding only the canonical evidence tables.

Every row carries provenance (source, origin file, parser version, ingest id) and a deterministic
key, so ingesting the same export twice adds nothing. People are pseudonymous: their keys are keyed
hashes (SHA-256 over a per-store secret and the identity), and the secret never leaves the store.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from asyncmaturity.errors import StoreError

# Named with the vocabulary, so that `lint` reads them without DuckDB; the schema's importers
# keep taking them from here.
from asyncmaturity.vocabulary import AWAIT_SIGNAL_COLUMNS as AWAIT_SIGNAL_COLUMNS

SCHEMA_VERSION = "6"

# One statement per canonical table of DESIGN.md. Keys are strings so that the same tables can be
# exported to Parquet and read by any engine; timestamps are UTC instants stored without a zone.
_PROVENANCE = "source VARCHAR NOT NULL, origin VARCHAR, parser_version VARCHAR, ingest_id VARCHAR"
_AWAIT_SIGNALS = ", ".join(f"{name} BOOLEAN" for name in AWAIT_SIGNAL_COLUMNS)
SCHEMA: dict[str, str] = {
    "store_meta": "key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL",
    "ingests": (
        "ingest_id VARCHAR PRIMARY KEY, source VARCHAR, origin VARCHAR, parser_version VARCHAR, "
        "started_at TIMESTAMP, finished_at TIMESTAMP, records_read BIGINT, records_added BIGINT, "
        "records_duplicate BIGINT, records_skipped BIGINT"
    ),
    "people": (
        "person_key VARCHAR NOT NULL, tz VARCHAR, is_bot BOOLEAN NOT NULL, team VARCHAR, "
        f"display_name VARCHAR, {_PROVENANCE}"
    ),
    "identities": "identity_hash VARCHAR NOT NULL, person_key VARCHAR NOT NULL, kind VARCHAR, "
    + _PROVENANCE,
    "conversations": (
        "conversation_key VARCHAR NOT NULL, kind VARCHAR NOT NULL, name VARCHAR, created TIMESTAMP, "
        + _PROVENANCE
    ),
    "messages": (
        "message_key VARCHAR NOT NULL, conversation_key VARCHAR NOT NULL, thread_root_key VARCHAR, "
        "parent_key VARCHAR, author_key VARCHAR, sent_at TIMESTAMP NOT NULL, is_root BOOLEAN NOT NULL, "
        "is_reply BOOLEAN NOT NULL, kind VARCHAR NOT NULL, subtype VARCHAR, text_length INTEGER, "
        "links INTEGER, record_links INTEGER, record_sites VARCHAR[], mentions INTEGER, "
        "broadcast BOOLEAN, "
        "is_question BOOLEAN, decision_language BOOLEAN, edited BOOLEAN, reactions INTEGER, "
        f"text VARCHAR, local_offset_s INTEGER, subject VARCHAR, {_AWAIT_SIGNALS}, {_PROVENANCE}"
    ),
    "meetings": (
        "meeting_key VARCHAR NOT NULL, series_key VARCHAR, organizer_key VARCHAR, "
        "start_at TIMESTAMP NOT NULL, end_at TIMESTAMP NOT NULL, all_day BOOLEAN, cancelled BOOLEAN, "
        "private BOOLEAN, recurring BOOLEAN, booked_at TIMESTAMP, attendee_count INTEGER, "
        "agenda BOOLEAN, notes BOOLEAN, decision_meeting BOOLEAN, agenda_at TIMESTAMP, "
        + _PROVENANCE
    ),
    "attendance": (
        "meeting_key VARCHAR NOT NULL, person_key VARCHAR NOT NULL, response VARCHAR, role VARCHAR, "
        + _PROVENANCE
    ),
    "work_items": (
        "item_key VARCHAR NOT NULL, kind VARCHAR NOT NULL, created_at TIMESTAMP NOT NULL, "
        "closed_at TIMESTAMP, merged_at TIMESTAMP, author_key VARCHAR, assignees INTEGER, "
        f"labels VARCHAR[], links VARCHAR[], {_PROVENANCE}"
    ),
    "work_events": (
        "event_key VARCHAR NOT NULL, item_key VARCHAR NOT NULL, kind VARCHAR NOT NULL, "
        f"actor_key VARCHAR, occurred_at TIMESTAMP NOT NULL, {_AWAIT_SIGNALS}, {_PROVENANCE}"
    ),
    # What each ingested export can see (asyncmaturity.vocabulary.Visibility), by its origin.
    "visibility": f"aspect VARCHAR NOT NULL, visible BOOLEAN NOT NULL, {_PROVENANCE}",
}
# Signal columns of later versions than 3, which added the rest.
_SIGNALS_AFTER_3 = ("asks_where",)
_SIGNALS_OF_3 = [name for name in AWAIT_SIGNAL_COLUMNS if name not in _SIGNALS_AFTER_3]
# Columns added after a schema version, so that an older store gets them when opened for writing.
MIGRATIONS: dict[str, list[tuple[str, str]]] = {
    "2": [("messages", "local_offset_s INTEGER"), ("messages", "subject VARCHAR")],
    # Rows ingested before version 3 keep NULL signals: AWAIT metrics treat them as unknown.
    "3": [
        *(("messages", f"{name} BOOLEAN") for name in _SIGNALS_OF_3),
        ("meetings", "decision_meeting BOOLEAN"),
        *(("work_events", f"{name} BOOLEAN") for name in _SIGNALS_OF_3),
    ],
    # Version 4 adds the visibility table (created with every missing table); stores ingested
    # before it record no visibility, which measure reads as "not recorded", not "not seen".
    "4": [],
    # Rows ingested before version 5 keep NULL record sites (no record system is detected in
    # them) and NULL agenda times (when an instance's own invitation carried its agenda: unknown).
    "5": [("messages", "record_sites VARCHAR[]"), ("meetings", "agenda_at TIMESTAMP")],
    # Rows ingested before version 6 keep a NULL "where is this?" signal (asks_where): the
    # findability metric counts them as unknown, not as messages that ask nothing.
    "6": [("messages", "asks_where BOOLEAN"), ("work_events", "asks_where BOOLEAN")],
}
# Tables whose rows are evidence (the rest is bookkeeping); each row's key column.
EVIDENCE_KEYS: dict[str, str] = {
    "people": "person_key",
    "identities": "identity_hash",
    "conversations": "conversation_key",
    "messages": "message_key",
    "meetings": "meeting_key",
    "attendance": "meeting_key, person_key",
    "work_items": "item_key",
    "work_events": "event_key",
    # An export seen again adds nothing; one that shows more than before adds a visible row.
    "visibility": "source, origin, aspect, visible",
}


def identity_hash(secret: str, identity: str) -> str:
    """Keyed hash of one source identity ('slack:U123', 'email:a@b.org'), as stored in SQL."""
    return hashlib.sha256(f"{secret}|{identity}".encode()).hexdigest()


def person_key_sql(identity_sql: str) -> str:
    """DuckDB SQL for the person key of an identity expression (uses the `$secret` parameter).

    The identity is 'email:' plus the lower-cased address where a source knows one (that is what
    links one person across sources), else '<source>:<id>' ('slack:U123', 'github:octocat').
    """
    return f"substr(sha256($secret || '|' || ({identity_sql})), 1, 32)"


def identity_hash_sql(identity_sql: str) -> str:
    """DuckDB SQL for the stored identity hash of an identity expression (uses `$secret`)."""
    return f"sha256($secret || '|' || ({identity_sql}))"


def person_key(secret: str, identity: str) -> str:
    """The person key of one identity, as :func:`person_key_sql` computes it in SQL."""
    return identity_hash(secret, identity)[:32]


def normalize_identity(raw: str) -> str:
    """The identity string a charter entry names: an e-mail address or a prefixed source id.

    >>> normalize_identity("Alice@Example.org")
    'email:alice@example.org'
    >>> normalize_identity("U024BE7LH")
    'slack:U024BE7LH'
    """
    value = raw.strip()
    if ":" in value and not value.startswith("mailto:"):
        return value
    value = value.removeprefix("mailto:")
    if "@" in value:
        return "email:" + value.lower()
    return "slack:" + value


class EvidenceStore:
    """A handle on one store file; create it with :meth:`open` (new files get the schema)."""

    def __init__(self, path: Path, connection: duckdb.DuckDBPyConnection) -> None:
        self.path = path
        self.con = connection

    @classmethod
    def open(
        cls, path: Path | str, *, create: bool = True, read_only: bool = False
    ) -> EvidenceStore:
        """Open (and with `create`, initialise) the store at `path`.

        Raises :class:`StoreError` when the file is missing (without `create`) or not a store.
        """
        path = Path(path)
        if not path.exists() and not create:
            raise StoreError(f"{path}: no such store; create one with `asyncmaturity ingest`")
        try:
            con = duckdb.connect(str(path), read_only=read_only and path.exists())
        except duckdb.Error as exc:
            raise StoreError(
                f"{path}: cannot open as an evidence store: {_first_line(exc)}"
            ) from None
        # Every time is a UTC instant: conversions from epochs must not follow the machine's zone.
        con.execute("SET TimeZone = 'UTC'")
        store = cls(path, con)
        tables = store.tables()
        if not tables and not read_only:
            store._initialise()
        elif "store_meta" not in tables:
            con.close()
            raise StoreError(f"{path}: not an asyncmaturity store (no store_meta table)")
        elif not read_only:
            store._migrate()
        return store

    def _migrate(self) -> None:
        """Add the tables and columns of later schema versions to an older store (idempotent)."""
        row = self.con.execute(
            "SELECT value FROM store_meta WHERE key = 'schema_version'"
        ).fetchone()
        version = row[0] if row else "1"
        pending = [(v, changes) for v, changes in MIGRATIONS.items() if int(v) > int(version)]
        if not pending:
            return
        with self.transaction():
            for table, columns in SCHEMA.items():
                self.con.execute(f"CREATE TABLE IF NOT EXISTS {table} ({columns})")
            for _, changes in pending:
                for table, column in changes:
                    self.con.execute(f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS {column}")
            self.con.execute(
                "UPDATE store_meta SET value = ? WHERE key = 'schema_version'", [SCHEMA_VERSION]
            )

    def _initialise(self) -> None:
        with self.transaction():
            for table, columns in SCHEMA.items():
                self.con.execute(f"CREATE TABLE IF NOT EXISTS {table} ({columns})")
            self.con.execute(
                "INSERT INTO store_meta VALUES ('schema_version', ?), ('secret', ?)",
                [SCHEMA_VERSION, secrets.token_hex(32)],
            )

    def tables(self) -> set[str]:
        """Names of the tables in the main schema."""
        rows = self.con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'"
        ).fetchall()
        return {row[0] for row in rows}

    @property
    def secret(self) -> str:
        """The per-store key of the pseudonymous hashes."""
        # fetchall, not fetchone: an unfinished result blocks the next query on the connection.
        rows = self.con.execute("SELECT value FROM store_meta WHERE key = 'secret'").fetchall()
        row = rows[0] if rows else None
        if row is None:
            raise StoreError(
                f"{self.path}: store has no secret; it was not created by asyncmaturity"
            )
        return str(row[0])

    def counts(self) -> dict[str, int]:
        """Row count of every evidence table."""
        result: dict[str, int] = {}
        # A table of a later schema version is empty in an older store opened read-only.
        present = self.tables()
        for table in EVIDENCE_KEYS:
            if table not in present:
                result[table] = 0
                continue
            # fetchall, not fetchone: DuckDB refuses the connection's next query while a result
            # is still open, and a fetchone leaves it open.
            rows = self.con.execute(f"SELECT count(*) FROM {table}").fetchall()
            result[table] = int(rows[0][0]) if rows else 0
        return result

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """All or nothing: commit when the block ends, roll back on any exception."""
        self.con.execute("BEGIN TRANSACTION")
        try:
            yield
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        self.con.execute("COMMIT")

    def close(self) -> None:
        """Close the connection (checkpointing the write-ahead log)."""
        self.con.close()

    def __enter__(self) -> EvidenceStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
