"""What a source is and what it may call while it ingests: the contract between readers and store.

A source (built in or from another package, see :mod:`asyncmaturity.sources`) implements
:class:`Source`; ingest hands it an :class:`IngestContext` holding the open transaction, and it
stages its records in temp tables and adds the new ones with :meth:`IngestContext.insert_new`,
returning a :class:`SourceReport` of what it read and skipped.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import IntEnum
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import duckdb

from asyncmaturity.sources.features import signal_planning
from asyncmaturity.store.database import EVIDENCE_KEYS
from asyncmaturity.vocabulary import Visibility

Progress = Callable[[str, int, int], None]
PROVENANCE = ("source", "origin", "parser_version", "ingest_id")
# Columns a later export may fill in on a record already stored (never overwriting a value).
FILLABLE = {
    "people": ("tz", "team", "display_name"),
    "work_items": ("closed_at", "merged_at"),
}
Window = tuple[datetime | None, datetime | None]
# (source, table) -> a time column that the table's key fixes for that source: a record stored
# under a given key then has exactly the time that key implies, so the anti-join that finds new
# records need only read the stored rows within the batch's time span. DuckDB then reads the
# cheap timestamp column (none of it in row groups whose min/max lie outside the span: rows
# added day by day are clustered in time) and the keys only of the rows in the span; adding a
# day costs about the day, not the store (benchmarks/run.py, section `incremental`). Each entry is proven from the source's SQL; every other source and table keeps
# the anti-join over the whole table, because its key does not fix a time: e-mail (Message-ID),
# Teams and Zulip (native ids), Mattermost (a user name may contain the key's separator, so
# the create_at inside the key cannot be read back unambiguously), calendars (an override keeps
# its RECURRENCE-ID in the key while moving the start), trackers (native ids).
TIME_KEYED: dict[tuple[str, str], str] = {
    # message_key = md5('slack|' || conversation_id || '|' || trim(ts)), and only rows whose
    # trim(ts) is digits with at most one dot are staged: the key string ends in exactly that ts
    # after its last '|'. sent_at is computed from trim(ts) alone. No other source's message key
    # starts with 'slack|'. So equal keys mean equal ts, hence equal sent_at.
    ("slack", "messages"): "sent_at",
}
# The proof needs no margin; it widens the span so that a record stored by an older parser whose
# time was rounded or shifted a little differently (by a time zone, say: less than a day) is still
# found. It costs two more days of rows to compare.
TIME_KEYED_MARGIN = timedelta(days=1)


# A source may name the real, public exports it was checked against in a `real_samples` tuple:
# each entry "owner/repo@commit:path" of a sample kept in tests/fixtures/real/<source name>/, or
# one entry starting with this prefix that says why there is none; after real samples, an entry
# with this prefix names a quirk that no real sample shows, and why; an entry starting with
# WRITTEN_BY names a sample that the format's own software wrote from real data where no public
# one fits ("written by Dovecot 2.3 ...: <its folder in tests/fixtures/real/<source name>/>").
# Sources from other packages need not declare any; docs/sources.md lists what each declares.
NO_REAL_SAMPLE = "none found: "
WRITTEN_BY = "written by "


def real_samples(source: Source) -> tuple[str, ...]:
    """The real samples `source` declares it was checked against (empty when it declares none).

    source: any registered source.
    """
    declared = getattr(source, "real_samples", ())
    return tuple(str(entry) for entry in declared)


# A source may name, in an `own_entries(path)` method, the entries of an export folder it claims
# that are that export's own structure (a Slack conversation folder of day files): detection asks
# no other source about them, so a folder of thousands is not read by every reader in turn.
# Sources from other packages need not have one; all their entries are then asked about.


def own_entries(source: Source, path: Path) -> set[Path]:
    """The entries of `path`, an export `source` claims, that are that export's own structure.

    source: the one registered source that recognises `path`.
    path: the export folder (or file: a file has no entries).
    """
    method = getattr(source, "own_entries", None)
    return set(method(path)) if callable(method) else set()


class SourceFamily(IntEnum):
    """The kind of evidence a source reads; listings show sources family by family, in this order."""

    CHAT = 1
    MAIL = 2
    CALENDAR = 3
    TRACKER = 4
    LEDGER = 5


@dataclass
class SourceReport:
    """What one source read from one export: records per kind, skips with where and why."""

    records_read: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    examples: list[str] = field(default_factory=list)  # "file record N: reason", a few per reason
    detected: str = ""
    # What the export can see (ingest records it per export); an aspect left out is not stated.
    sees: dict[Visibility, bool] = field(default_factory=dict)
    # What was read in a way the user should know (a rule applied to odd records), one line each.
    notes: list[str] = field(default_factory=list)

    def skip(self, reason: str, count: int, examples: list[str]) -> None:
        """Count `count` skipped records for `reason`, keeping a few places to show the user."""
        if count <= 0:
            return
        self.skipped[reason] = self.skipped.get(reason, 0) + count
        self.examples.extend(examples[:3])

    @property
    def skipped_total(self) -> int:
        """All skipped records, whatever the reason."""
        return sum(self.skipped.values())


@runtime_checkable
class Source(Protocol):
    """A reader of one kind of export into the canonical evidence tables."""

    name: str
    family: SourceFamily
    summary: str
    parser_version: str
    accepts: str  # what paths it takes, for the docs

    def detect(self, path: Path) -> bool:
        """True when `path` looks like this kind of export (cheap: names and a peek, no full read)."""
        ...

    def ingest(self, ctx: IngestContext, path: Path) -> SourceReport:
        """Stage the export's records and add the new ones to the store within ctx's transaction."""
        ...


@dataclass
class IngestContext:
    """What a source needs while it ingests: the open transaction, the store's secret and options."""

    con: duckdb.DuckDBPyConnection
    secret: str
    source: Source
    ingest_id: str
    keep_text: bool
    record_systems: list[str]
    # The time of ingest, naive UTC: a calendar reads no instance that starts after it.
    now: datetime
    on_progress: Progress | None = None
    # Half-open UTC bounds (naive) on calendar expansion, from --since/--until; None: unbounded.
    window: Window = (None, None)
    # Naive UTC bounds of a plausible record time (sources.reading): outside, a record is skipped.
    plausible: tuple[datetime, datetime] = (datetime(1990, 1, 1), datetime.max)
    added: dict[str, int] = field(default_factory=dict)
    duplicates: dict[str, int] = field(default_factory=dict)

    def progress(self, stage: str, done: int, total: int) -> None:
        """Report progress of a long stage to whoever listens (the CLI draws a bar)."""
        if self.on_progress is not None:
            self.on_progress(stage, done, total)

    def insert_new(
        self,
        table: str,
        select_sql: str,
        *,
        origin: str | None,
        params: dict[str, Any] | None = None,
        records: bool = True,
        features: bool = False,
    ) -> int:
        """Add the rows of `select_sql` whose key is not in `table` yet; return how many were added.

        `select_sql` may use `$keep` (keep text and names) and the names in `params`; provenance
        columns it does not produce are filled in. Rows repeating a key within the same batch
        count once; the rest count as duplicates (that is what makes re-ingest a no-op). Rows
        that describe the export rather than record its evidence (`records` false: what it can
        see) are left out of the added and duplicate counts. A `select_sql` that computes the
        AWAIT signals (`features`) is planned under
        :func:`~asyncmaturity.sources.features.signal_planning`.
        """
        values = {"keep": self.keep_text, **(params or {})}
        used = {k: v for k, v in values.items() if re.search(rf"\${k}\b", select_sql)}
        with signal_planning(self.con) if features else nullcontext():
            self.con.execute(f"CREATE OR REPLACE TEMP TABLE _new AS {select_sql}", used)
        columns = [row[0] for row in self.con.execute("DESCRIBE _new").fetchall()]
        filled = {
            "source": self.source.name,
            "origin": origin,
            "parser_version": self.source.parser_version,
            "ingest_id": self.ingest_id,
        }
        extra = ", ".join(f"$p_{name} AS {name}" for name in PROVENANCE if name not in columns)
        extra_params = {f"p_{name}": filled[name] for name in PROVENANCE if name not in columns}
        key = EVIDENCE_KEYS[table]
        if table in FILLABLE:
            self._complete(table, [c for c in FILLABLE[table] if c in columns])
        staged_row = self.con.execute(
            f"SELECT count(*), count(*) - (SELECT count(*) FROM (SELECT DISTINCT {key} FROM _new)) "
            "FROM _new"
        ).fetchone()
        staged, repeated = (int(staged_row[0]), int(staged_row[1])) if staged_row else (0, 0)
        # Keeping the first of repeated keys costs a window over the whole batch: only when needed.
        first_only = f"QUALIFY row_number() OVER (PARTITION BY {key}) = 1" if repeated else ""
        match = " AND ".join(f"t.{k.strip()} = n.{k.strip()}" for k in key.split(","))
        span, span_params = self._stored_span(table)
        inserted = self.con.execute(
            f"""
            INSERT INTO {table} BY NAME
            SELECT * {", " + extra if extra else ""} FROM _new n
            WHERE NOT EXISTS (SELECT 1 FROM {table} t WHERE {match}{span})
            {first_only}
            """,
            {**extra_params, **span_params},
        ).fetchone()
        added = int(inserted[0]) if inserted else 0
        if records:
            self.added[table] = self.added.get(table, 0) + added
            self.duplicates[table] = self.duplicates.get(table, 0) + staged - added
        self.con.execute("DROP TABLE _new")
        return added

    def _stored_span(self, table: str) -> tuple[str, dict[str, int]]:
        """The anti-join's filter on stored rows: the staged batch's time span, where it is exact.

        Only for the (source, table) pairs of :data:`TIME_KEYED`; elsewhere, or when a staged row
        has no time, every stored row is a candidate (an empty filter).
        """
        column = TIME_KEYED.get((self.source.name, table))
        if column is None:
            return "", {}
        # Epoch microseconds: DuckDB's timestamps reach far beyond what Python's datetime holds.
        row = self.con.execute(
            f"SELECT epoch_us(min({column})), epoch_us(max({column})), "
            f"count(*) FILTER ({column} IS NULL) FROM _new"
        ).fetchone()
        if row is None or row[0] is None or row[1] is None or row[2]:
            return "", {}
        margin = TIME_KEYED_MARGIN // timedelta(microseconds=1)
        # Parameters, not a subquery: DuckDB folds them to constants, pushes them into the scan
        # and skips the row groups whose min/max lie outside.
        span = (
            f" AND t.{column} BETWEEN make_timestamp($span_low::BIGINT) "
            "AND make_timestamp($span_high::BIGINT)"
        )
        return span, {"span_low": int(row[0]) - margin, "span_high": int(row[1]) + margin}

    def _complete(self, table: str, fillable: list[str]) -> None:
        """Fill in what an earlier export did not know about a record already stored.

        Keys decide identity and known values stay, but a value the store lacks is taken from a
        later export: the time zone a chat profile gives a person first seen by e-mail (linked by
        the same address), or the close of an issue first ingested while it was open.
        """
        key = EVIDENCE_KEYS[table]
        for column in fillable:
            self.con.execute(
                f"""
                UPDATE {table} SET {column} = n.{column}
                FROM (SELECT {key}, any_value({column}) AS {column} FROM _new
                      WHERE {column} IS NOT NULL GROUP BY {key}) n
                WHERE {table}.{key} = n.{key} AND {table}.{column} IS NULL
                """
            )
