"""Ingest: exports in, new canonical records added to the evidence store, all or nothing.

Example::

    from asyncmaturity.store.ingest import ingest
    summary = ingest(["slack-export.zip"], store="team.duckdb")
    print(summary.added["messages"], summary.skipped_total)
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb

from asyncmaturity.charter import Charter
from asyncmaturity.errors import AsyncMaturityError, InvalidExport, RejectedRecords, StoreError
from asyncmaturity.sources import Source, SourceReport, detect_source, get_source
from asyncmaturity.store.database import EVIDENCE_KEYS, EvidenceStore

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


@dataclass
class IngestContext:
    """What a source needs while it ingests: the open transaction, the store's secret and options."""

    con: duckdb.DuckDBPyConnection
    secret: str
    source: Source
    ingest_id: str
    keep_text: bool
    record_systems: list[str]
    on_progress: Progress | None = None
    # Half-open UTC bounds (naive) on calendar expansion, from --since/--until; None: unbounded.
    window: Window = (None, None)
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
    ) -> int:
        """Add the rows of `select_sql` whose key is not in `table` yet; return how many were added.

        `select_sql` may use `$keep` (keep text and names) and the names in `params`; provenance
        columns it does not produce are filled in. Rows repeating a key within the same batch
        count once; the rest count as duplicates (that is what makes re-ingest a no-op).
        """
        values = {"keep": self.keep_text, **(params or {})}
        used = {k: v for k, v in values.items() if re.search(rf"\${k}\b", select_sql)}
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
        self.added[table] = self.added.get(table, 0) + added
        duplicate = staged - added
        self.duplicates[table] = self.duplicates.get(table, 0) + duplicate
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


@dataclass
class ExportSummary:
    """What ingest did with one export."""

    path: str
    source: str
    detected: str
    records_read: int
    added: dict[str, int]
    duplicates: dict[str, int]
    skipped: dict[str, int]
    examples: list[str]


@dataclass
class IngestSummary:
    """What ingest did, per export and in total; skipped records are listed, never dropped silently."""

    store: str
    exports: list[ExportSummary]

    @property
    def added(self) -> dict[str, int]:
        """New rows per evidence table."""
        return _sum_dicts(e.added for e in self.exports)

    @property
    def duplicates(self) -> dict[str, int]:
        """Rows already in the store (or repeated in the export), per table."""
        return _sum_dicts(e.duplicates for e in self.exports)

    @property
    def skipped(self) -> dict[str, int]:
        """Skipped records by reason."""
        return _sum_dicts(e.skipped for e in self.exports)

    @property
    def skipped_total(self) -> int:
        """All skipped records."""
        return sum(self.skipped.values())

    @property
    def records_read(self) -> int:
        """Every record read from the exports."""
        return sum(e.records_read for e in self.exports)


def _sum_dicts(dicts: Any) -> dict[str, int]:
    total: dict[str, int] = {}
    for d in dicts:
        for k, v in d.items():
            total[k] = total.get(k, 0) + v
    return total


def ingest(
    paths: Sequence[Path | str],
    *,
    store: Path | str,
    format: str | None = None,
    strict: bool = False,
    keep_text: bool = False,
    charter: Charter | None = None,
    progress: Progress | None = None,
    memory_limit: str = "1GB",
    since: date | datetime | None = None,
    until: date | datetime | None = None,
) -> IngestSummary:
    """Add the records of every export in `paths` to the store, in one transaction.

    Parameters:
        paths: export files or folders; each is detected unless `format` names a source.
        store: the DuckDB store file; created with the canonical tables if missing.
        strict: make any skipped record fatal (nothing is added then).
        keep_text: store message text and display names (off by default: derived features only).
        charter: supplies the system-of-record URL patterns; defaults otherwise.
        progress: called as ``progress(stage, done, total)`` during long stages.
        since, until: the calendar expansion window, UTC, half-open (a date `until` includes
            that whole day); sources other than calendars ignore it.

    On any error the store is left exactly as it was (a store this call created is removed).
    """
    store_path = Path(store)
    exports = [Path(p) for p in paths]
    for export in exports:
        if not export.exists():
            raise InvalidExport(f"{export}: no such file or folder")
    sources = [get_source(format) if format else detect_source(export) for export in exports]
    window = expansion_window(since, until)
    created = not store_path.exists()
    try:
        summary = _ingest_all(
            store_path, exports, sources, strict, keep_text, charter, progress, memory_limit, window
        )
    except (AsyncMaturityError, KeyboardInterrupt):
        if created:
            _remove_store(store_path)
        raise
    except duckdb.Error as exc:
        if created:
            _remove_store(store_path)
        raise StoreError(
            f"{store_path}: ingest failed and was rolled back: {str(exc).splitlines()[0]}"
        ) from None
    return summary


def _ingest_all(
    store_path: Path,
    exports: list[Path],
    sources: list[Source],
    strict: bool,
    keep_text: bool,
    charter: Charter | None,
    progress: Progress | None,
    memory_limit: str,
    window: Window = (None, None),
) -> IngestSummary:
    charter = charter or Charter()
    with EvidenceStore.open(store_path) as store:
        store.con.execute(f"SET memory_limit = '{memory_limit}'")
        # Row order carries no meaning in the store; keeping it costs dearly on many small files.
        store.con.execute("SET preserve_insertion_order = false")
        store.con.execute("SET enable_progress_bar = false")
        secret = store.secret
        results: list[ExportSummary] = []
        with store.transaction():
            for export, source in zip(exports, sources, strict=True):
                started = datetime.now(UTC).replace(tzinfo=None)
                ctx = IngestContext(
                    con=store.con,
                    secret=secret,
                    source=source,
                    ingest_id=uuid.uuid4().hex,
                    keep_text=keep_text,
                    record_systems=charter.record_systems,
                    on_progress=progress,
                    window=window,
                )
                report: SourceReport = source.ingest(ctx, export)
                if strict and report.skipped_total:
                    reason, count = next(iter(report.skipped.items()))
                    where = report.examples[0] if report.examples else str(export)
                    raise RejectedRecords(
                        f"{where} ({count} record(s) skipped for '{reason}'); --strict makes this fatal"
                    )
                results.append(
                    ExportSummary(
                        path=str(export),
                        source=source.name,
                        detected=report.detected,
                        records_read=report.records_read,
                        added=dict(ctx.added),
                        duplicates=dict(ctx.duplicates),
                        skipped=dict(report.skipped),
                        examples=list(report.examples),
                    )
                )
                store.con.execute(
                    "INSERT INTO ingests VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [
                        ctx.ingest_id,
                        source.name,
                        str(export),
                        source.parser_version,
                        started,
                        datetime.now(UTC).replace(tzinfo=None),
                        report.records_read,
                        sum(ctx.added.values()),
                        sum(ctx.duplicates.values()),
                        report.skipped_total,
                    ],
                )
        return IngestSummary(store=str(store_path), exports=results)


def expansion_window(since: date | datetime | None, until: date | datetime | None) -> Window:
    """Half-open naive UTC bounds from `since`/`until`, read as `measure` reads its period.

    A date is midnight UTC; a date `until` includes that whole day; an aware date-time is
    converted to UTC. Raises :class:`InvalidExport` when the window ends before it starts.

    >>> expansion_window(date(2024, 1, 1), date(2024, 12, 31))
    (datetime.datetime(2024, 1, 1, 0, 0), datetime.datetime(2025, 1, 1, 0, 0))
    """

    def start_of(day: date | datetime) -> datetime:
        if isinstance(day, datetime):
            return day if day.tzinfo is None else day.astimezone(UTC).replace(tzinfo=None)
        return datetime(day.year, day.month, day.day)

    low = start_of(since) if since is not None else None
    high = None
    if until is not None:
        high = start_of(until)
        if not isinstance(until, datetime):
            high += timedelta(days=1)
    if low is not None and high is not None and high <= low:
        raise InvalidExport(f"--until {until} is not after --since {since}: the window is empty")
    return low, high


def _remove_store(path: Path) -> None:
    for candidate in (path, path.with_name(path.name + ".wal")):
        candidate.unlink(missing_ok=True)
