"""Ingest: exports in, new canonical records added to the evidence store, all or nothing.

Example::

    from asyncmaturity.store.ingest import ingest
    summary = ingest(["slack-export.zip"], store="team.duckdb")
    print(summary.added["messages"], summary.skipped_total)
"""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb

from asyncmaturity.charter import Charter
from asyncmaturity.errors import (
    AsyncMaturityError,
    EveryRecordSkipped,
    InvalidExport,
    InvalidMemoryLimit,
    RejectedRecords,
    StoreError,
    UnknownFormat,
)
from asyncmaturity.sources import detect_exports, get_source
from asyncmaturity.sources.archive import extracted, zip_names
from asyncmaturity.sources.interface import (
    IngestContext,
    Progress,
    Source,
    SourceFamily,
    SourceReport,
    Window,
)
from asyncmaturity.sources.reading import plausible_range, set_plausible_range
from asyncmaturity.store.database import EVIDENCE_KEYS, EvidenceStore
from asyncmaturity.vocabulary import Visibility

# The families whose exports hold chat or mail messages.
MESSAGE_FAMILIES = (SourceFamily.CHAT, SourceFamily.MAIL)

# Enough for a 10M-message Slack export (staged on disk past a size) on a small machine.
DEFAULT_MEMORY_LIMIT = "1GB"
# The sizes DuckDB's memory_limit setting reads: a number and a decimal or binary unit.
MEMORY_LIMIT = re.compile(r"(?i)\s*(\d+(?:\.\d+)?)\s*(b|kb|mb|gb|tb|kib|mib|gib|tib)\s*")


def memory_limit_setting(limit: str) -> str:
    """`limit` as DuckDB's memory_limit setting reads it; refused unless it is a size.

    Parameters:
        limit: a size such as ``512MB``, ``2 GB`` or ``1.5GiB`` (case and spaces do not matter).

    Example: ``memory_limit_setting("2 gb")`` gives ``"2GB"``.
    """
    match = MEMORY_LIMIT.fullmatch(limit)
    if match is None or float(match.group(1)) == 0:
        raise InvalidMemoryLimit(
            f"memory limit {limit!r} is not a size such as 512MB, 2GB or 1.5GiB"
        )
    number, unit = match.groups()
    return f"{number}{unit.upper().replace('I', 'i')}"


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
    # The folder given to ingest that this export is a part of (a folder of several exports).
    part_of: str | None = None
    # Rules applied to odd records (replies stamped before their root...), one line each.
    notes: list[str] = field(default_factory=list)


@dataclass
class IngestSummary:
    """What ingest did, per export and in total; skipped records are listed, never dropped silently."""

    store: str
    exports: list[ExportSummary]
    # Entries of a folder of several exports that no source recognises: not read.
    not_read: list[str] = field(default_factory=list)

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
    memory_limit: str = DEFAULT_MEMORY_LIMIT,
    since: date | datetime | None = None,
    until: date | datetime | None = None,
    now: datetime | None = None,
    earliest: date | datetime | None = None,
) -> IngestSummary:
    """Add the records of every export in `paths` to the store, in one transaction.

    Parameters:
        paths: export files or folders; each is detected unless `format` names a source, and a
            folder holding several exports is read part by part, each part in its own format.
        store: the DuckDB store file; created with the canonical tables if missing.
        strict: make any skipped record fatal (nothing is added then).
        keep_text: store message text and display names (off by default: derived features only).
        charter: supplies the system-of-record URL patterns; defaults otherwise.
        progress: called as ``progress(stage, done, total)`` during long stages.
        memory_limit: the memory DuckDB may use (``1GB`` by default; ``512MB``, ``4GB``, ...);
            past it, DuckDB spills to disk where it can and fails the ingest where it cannot.
        since, until: the calendar expansion window, UTC, half-open (a date `until` includes
            that whole day); sources other than calendars ignore it.
        now: the time of ingest (by default the clock's): calendars read no instance that
            starts after it, whatever `until` says; an aware date-time is converted to UTC.
        earliest: the first plausible record time (default 1990-01-01): a record stamped before
            it, or more than a year after `now`, is skipped and counted
            (:mod:`asyncmaturity.sources.reading`).

    On any error the store is left exactly as it was (a store this call created is removed).
    """
    store_path = Path(store)
    memory_limit = memory_limit_setting(memory_limit)
    exports = [Path(p) for p in paths]
    for export in exports:
        if not export.exists():
            raise InvalidExport(f"{export}: no such file or folder")
    window = expansion_window(since, until)
    moment = _naive_utc(now) if now is not None else None
    first = expansion_window(earliest, None)[0] if earliest is not None else None
    created = not store_path.exists()
    # Holds the unpacked copies of zips of several exports until every part is read.
    with ExitStack() as unpacked:
        parts, not_read = _parts(exports, format, unpacked)
        try:
            summary = _ingest_all(
                store_path,
                parts,
                strict,
                keep_text,
                charter,
                progress,
                memory_limit,
                window,
                moment,
                first,
            )
        except duckdb.Error as exc:
            if created:
                _remove_store(store_path)
            raise StoreError(
                f"{store_path}: ingest failed and was rolled back: {str(exc).splitlines()[0]}"
            ) from None
        except BaseException:
            # Whatever stopped it (a refusal, an interrupt, a reader's bug), a store this call
            # created holds nothing of it: no empty store file is left behind.
            if created:
                _remove_store(store_path)
            raise
    summary.not_read = not_read
    return summary


@dataclass(frozen=True)
class Part:
    """One export to read: where its source reads it, and how the user and the store name it."""

    path: Path
    source: Source
    part_of: Path | None = None  # the folder or zip given to ingest that it is a part of
    # A part of a zip is read from the zip's unpacked copy and named 'archive.zip!member'.
    unpacked: Path | None = None

    @property
    def shown(self) -> str:
        """The part's name in the summary, its skips, its errors and the store's provenance."""
        return self.relabel(str(self.path))

    def relabel(self, text: str) -> str:
        """`text` with paths under the unpacked copy written as 'archive.zip!member'."""
        if self.unpacked is None or self.part_of is None:
            return text
        root = str(self.unpacked)
        return text.replace(root + os.sep, f"{self.part_of}!").replace(root, str(self.part_of))


def _parts(
    exports: list[Path], format: str | None, unpacked: ExitStack
) -> tuple[list[Part], list[str]]:
    """Each export to read with its source, and the entries of split folders left unread.

    `format` forces one source on every path; otherwise each path is detected, and a folder
    holding several exports is read part by part (:func:`~asyncmaturity.sources.detect_exports`).
    A zip is split the same way when its unpacked copy holds several exports; that copy stays
    in `unpacked` until ingest ends. A zip of one export is left to its source, as before.
    """
    if format:
        source = get_source(format)
        return [Part(export, source) for export in exports], []
    parts: list[Part] = []
    not_read: list[str] = []
    for export in exports:
        zipped = _zip_of_several_exports(export, unpacked)
        if zipped is not None:
            parts.extend(zipped[0])
            not_read.extend(zipped[1])
            continue
        found = detect_exports(export)
        parts.extend(
            Part(path, source, export if found.split else None) for path, source in found.parts
        )
        not_read.extend(str(path) for path in found.not_read)
    return parts, not_read


def _zip_of_several_exports(
    archive: Path, unpacked: ExitStack
) -> tuple[list[Part], list[str]] | None:
    """The parts of `archive` and its members no source reads, when it is a zip holding several
    exports (as a zip of what `simulate --out` writes); None for any other path.

    The zip is unpacked (safely, :func:`~asyncmaturity.sources.archive.extracted`) and its copy
    detected like a folder; a zip of one export is given back to its source, which reads the
    archive itself.
    """
    if not archive.is_file() or zip_names(archive, limit=1) is None:
        return None
    copy = ExitStack()
    root = copy.enter_context(extracted(archive))
    try:
        found = detect_exports(root)
    except UnknownFormat:
        found = None
    if found is None or not found.split:
        copy.close()
        return None
    unpacked.enter_context(copy)
    parts = [Part(path, source, archive, root) for path, source in found.parts]
    label = Part(root, parts[0].source, archive, root)
    return parts, [label.relabel(str(path)) for path in found.not_read]


def _ingest_all(
    store_path: Path,
    parts: list[Part],
    strict: bool,
    keep_text: bool,
    charter: Charter | None,
    progress: Progress | None,
    memory_limit: str,
    window: Window,
    now: datetime | None,
    earliest: datetime | None,
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
            for part in parts:
                source = part.source
                started = datetime.now(UTC).replace(tzinfo=None)
                plausible = plausible_range(now or started, earliest)
                set_plausible_range(store.con, plausible)
                ctx = IngestContext(
                    con=store.con,
                    secret=secret,
                    source=source,
                    ingest_id=uuid.uuid4().hex,
                    keep_text=keep_text,
                    record_systems=charter.record_systems,
                    now=now or started,
                    on_progress=progress,
                    window=window,
                    plausible=plausible,
                )
                report = _read_part(ctx, part)
                _refuse_when_every_record_skipped(ctx, part.shown, report)
                _note_replies_before_root(ctx, report)
                _record_visibility(ctx, part.shown, report)
                if strict and report.skipped_total:
                    reason, count = next(iter(report.skipped.items()))
                    where = report.examples[0] if report.examples else part.shown
                    raise RejectedRecords(
                        f"{where} ({count} record(s) skipped for '{reason}'); --strict makes this fatal"
                    )
                results.append(
                    ExportSummary(
                        path=part.shown,
                        source=source.name,
                        detected=report.detected,
                        records_read=report.records_read,
                        added=dict(ctx.added),
                        duplicates=dict(ctx.duplicates),
                        skipped=dict(report.skipped),
                        examples=list(report.examples),
                        part_of=str(part.part_of) if part.part_of is not None else None,
                        notes=list(report.notes),
                    )
                )
                store.con.execute(
                    "INSERT INTO ingests VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [
                        ctx.ingest_id,
                        source.name,
                        part.shown,
                        source.parser_version,
                        started,
                        datetime.now(UTC).replace(tzinfo=None),
                        report.records_read,
                        sum(ctx.added.values()),
                        sum(ctx.duplicates.values()),
                        report.skipped_total,
                    ],
                )
            # The commit checkpoints, whatever the ingest added: its rows are written to the
            # store file once, not to the write-ahead log first and again by the checkpoint at
            # close (0.05 s of an 11k-message ingest's 1.1; a commit over 16 MiB of log
            # checkpoints so anyway). Set only now: the setting is the database's, and the
            # commits of what sources stage in databases attached to it come before.
            store.con.execute("SET checkpoint_threshold = '0b'")
        return IngestSummary(store=str(store_path), exports=results)


def _read_part(ctx: IngestContext, part: Part) -> SourceReport:
    """Run the part's source on it; a part of a zip is named as the archive's member throughout.

    Its source reads the zip's unpacked copy, so what names that copy (skips, notes, errors, the
    provenance of the rows this ingest added) is rewritten to 'archive.zip!member'.
    """
    try:
        report: SourceReport = part.source.ingest(ctx, part.path)
    except AsyncMaturityError as exc:
        exc.args = tuple(part.relabel(str(arg)) for arg in exc.args)
        raise
    if part.unpacked is None or part.part_of is None:
        return report
    report.examples = [part.relabel(example) for example in report.examples]
    report.notes = [part.relabel(note) for note in report.notes]
    report.detected = part.relabel(report.detected)
    root, archive = str(part.unpacked), str(part.part_of)
    for table in EVIDENCE_KEYS:
        ctx.con.execute(
            f"""UPDATE {table} SET origin = CASE WHEN origin = $root THEN $archive
                    ELSE $archive || '!' || origin[length($root) + 2:] END
                WHERE ingest_id = $ingest AND (origin = $root OR starts_with(origin, $prefix))""",
            {"root": root, "archive": archive, "ingest": ctx.ingest_id, "prefix": root + os.sep},
        )
    return report


# Tables of who, not of what happened: rows in them alone do not make an export read.
PEOPLE_TABLES = frozenset({"people", "identities"})


def _refuse_when_every_record_skipped(
    ctx: IngestContext, export: str, report: SourceReport
) -> None:
    """Raise :class:`EveryRecordSkipped` when the export gave records and every one was skipped.

    Exit 0 with an empty store would read as success; it is nearly always the wrong format or a
    shape the reader does not know, so it fails, naming the first reason and record.
    """
    evidence = [
        n
        for counts in (ctx.added, ctx.duplicates)
        for table, n in counts.items()
        if table not in PEOPLE_TABLES
    ]
    if not report.skipped_total or report.skipped_total < report.records_read or any(evidence):
        return
    reason, count = next(iter(report.skipped.items()))
    where = report.examples[0] if report.examples else export
    raise EveryRecordSkipped(
        f"{export}: every one of its {report.skipped_total:,} record(s) was skipped, nothing read "
        f"({count:,} for '{reason}', e.g. {where}); is it a {ctx.source.name} export?"
    )


def _note_replies_before_root(ctx: IngestContext, report: SourceReport) -> None:
    """Count the replies this ingest added that are stamped before their thread's root.

    Clock skew and re-stamped (edited) roots make them; first-reply latency reads such a reply
    as an answer at zero delay (metric definitions), and the summary says how many there are.
    """
    if ctx.source.family not in MESSAGE_FAMILIES:
        return
    row = ctx.con.execute(
        """SELECT count(*) FROM messages r JOIN messages root
                  ON root.message_key = r.thread_root_key AND root.message_key <> r.message_key
           WHERE r.ingest_id = $ingest AND r.is_reply AND r.sent_at < root.sent_at""",
        {"ingest": ctx.ingest_id},
    ).fetchone()
    early = int(row[0]) if row else 0
    if early:
        report.notes.append(
            f"{early:,} repl{'y is' if early == 1 else 'ies are'} stamped before the thread's "
            "root (clock skew): a first reply among them counts as answered at zero delay"
        )


def _record_visibility(ctx: IngestContext, export: str, report: SourceReport) -> None:
    """Keep what the export can and cannot see, under its origin (see the visibility table).

    Whether it shows messages at all, and replies in threads, follows from its family unless the
    source says otherwise: a calendar or a tracker export holds none, so a store of them alone
    leaves every indicator that reads messages unknown rather than 0.
    """
    messages = ctx.source.family in MESSAGE_FAMILIES
    sees = {Visibility.MESSAGES: messages, Visibility.THREADS: messages, **report.sees}
    rows = ", ".join(f"($a{i}, $v{i})" for i in range(len(sees)))
    ctx.insert_new(
        "visibility",
        # The key holds source and origin, so the rows carry them before insert_new fills in
        # the rest of the provenance.
        f"SELECT $source AS source, $origin AS origin, aspect, visible "
        f"FROM (VALUES {rows}) AS seen(aspect, visible)",
        origin=export,
        records=False,
        params={
            "source": ctx.source.name,
            "origin": export,
            **{f"a{i}": str(aspect) for i, aspect in enumerate(sees)},
            **{f"v{i}": visible for i, visible in enumerate(sees.values())},
        },
    )


def expansion_window(since: date | datetime | None, until: date | datetime | None) -> Window:
    """Half-open naive UTC bounds from `since`/`until`, read as `measure` reads its period.

    A date is midnight UTC; a date `until` includes that whole day; an aware date-time is
    converted to UTC. Raises :class:`InvalidExport` when the window ends before it starts.

    >>> expansion_window(date(2024, 1, 1), date(2024, 12, 31))
    (datetime.datetime(2024, 1, 1, 0, 0), datetime.datetime(2025, 1, 1, 0, 0))
    """

    def start_of(day: date | datetime) -> datetime:
        if isinstance(day, datetime):
            return _naive_utc(day)
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


def _naive_utc(moment: datetime) -> datetime:
    """`moment` as a naive UTC instant (a naive one is UTC already)."""
    return moment if moment.tzinfo is None else moment.astimezone(UTC).replace(tzinfo=None)


def _remove_store(path: Path) -> None:
    for candidate in (path, path.with_name(path.name + ".wal")):
        candidate.unlink(missing_ok=True)
