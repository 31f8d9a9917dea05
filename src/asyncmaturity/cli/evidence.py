"""`sources`, `metrics`, `ingest`, `measure`, `export` and `report`: evidence in, figures out."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from asyncmaturity.charter import load_charter
from asyncmaturity.cli.app import (
    CharterOpt,
    EngineOpt,
    EvidenceOpt,
    SecretFileOpt,
    SinceOpt,
    SparkMasterOpt,
    StoreOpt,
    UntilOpt,
    domain_errors,
    evidence_location,
    out,
    parse_when,
    progress_bar,
    read_secret,
)
from asyncmaturity.metrics import METRICS
from asyncmaturity.metrics.frames import SCOPES
from asyncmaturity.sources import registered_sources, source_names

if TYPE_CHECKING:
    from asyncmaturity.store.ingest import IngestSummary


@domain_errors
def sources() -> None:
    """List the export formats ingest understands (from the source registry)."""
    table = Table("format", "what", "accepts")
    for source in registered_sources():
        table.add_row(source.name, source.summary, source.accepts)
    out.print(table)


def metrics() -> None:
    """List the registered metrics with their units and definitions."""
    table = Table("id", "unit", "definition")
    for metric in METRICS.values():
        table.add_row(metric.id, metric.unit, metric.definition)
    out.print(table)


@domain_errors
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Export files or folders.")],
    store: StoreOpt,
    format: Annotated[
        str | None,
        typer.Option(
            "--format", help=f"Source format ({', '.join(source_names())}); detected when omitted."
        ),
    ] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Fail on any skipped record.")] = False,
    keep_text: Annotated[
        bool, typer.Option("--keep-text", help="Store message text and names (off by default).")
    ] = False,
    charter: CharterOpt = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    since: Annotated[
        str | None,
        typer.Option(
            "--since",
            help="Start of the calendar expansion window, UTC (YYYY-MM-DD[THH:MM]); "
            "other sources ignore it.",
        ),
    ] = None,
    until: Annotated[
        str | None,
        typer.Option(
            "--until",
            help="End of the calendar expansion window, UTC, exclusive; a date includes that "
            "day; other sources ignore it.",
        ),
    ] = None,
    earliest: Annotated[
        str | None,
        typer.Option(
            "--earliest",
            help="First plausible record time, UTC (default 1990-01-01): records stamped "
            "before it, or over a year after the ingest, are skipped and counted.",
        ),
    ] = None,
    memory_limit: Annotated[
        str,
        typer.Option(
            "--memory-limit",
            help="Memory the ingest's database may use (512MB, 4GB, ...); past it, it spills "
            "to disk where it can.",
        ),
    ] = "1GB",
) -> None:
    """Add exports to the evidence store: idempotent, and all or nothing."""
    from asyncmaturity.store.ingest import ingest as run_ingest

    norms = load_charter(charter) if charter else None
    with progress_bar(not quiet and sys.stderr.isatty()) as progress:
        summary = run_ingest(
            paths,
            store=store,
            format=format,
            strict=strict,
            keep_text=keep_text,
            charter=norms,
            progress=progress,
            since=parse_when(since, "--since"),
            until=parse_when(until, "--until"),
            earliest=parse_when(earliest, "--earliest"),
            memory_limit=memory_limit,
        )
    print_exports(summary)
    added = ", ".join(f"{n:,} {table}" for table, n in summary.added.items() if n) or "nothing new"
    duplicates = sum(summary.duplicates.values())
    out.print(
        f"Read {summary.records_read:,} records; added {added}; {duplicates:,} already in the store."
    )
    if summary.skipped_total:
        out.print(f"Skipped {summary.skipped_total:,} records:", style="yellow")
        for reason, count in summary.skipped.items():
            out.print(f"  {count:,} {reason}", highlight=False)
        for export in summary.exports:
            for example in export.examples:
                out.print(f"  e.g. {example}", highlight=False)
    out.print(f"Store: {store}")


def print_exports(summary: IngestSummary) -> None:
    """One line per export read; a folder of several exports lists its parts with their counts.

    Parameters:
        summary: what ingest did.
    """
    folders: dict[str, int] = {}
    for export in summary.exports:
        if export.part_of is not None:
            folders[export.part_of] = folders.get(export.part_of, 0) + 1
    shown: set[str] = set()
    for export in summary.exports:
        if export.part_of is None:
            out.print(f"{export.path}: {export.detected}", highlight=False)
        else:
            if export.part_of not in shown:
                shown.add(export.part_of)
                # A zip of several exports names its parts 'archive.zip!member'.
                holder = "a zip" if export.path.startswith(f"{export.part_of}!") else "a folder"
                out.print(
                    f"{export.part_of}: {holder} of {folders[export.part_of]} exports:",
                    highlight=False,
                )
            read = (
                f"{export.records_read:,} records read, {sum(export.added.values()):,} rows added"
            )
            out.print(
                f"  {export.path} ({export.source}): {export.detected}; {read}", highlight=False
            )
        for note in export.notes:
            out.print(f"  note: {note}", highlight=False)
    for path in summary.not_read:
        out.print(f"  {path}: not read (no source recognises it)", style="yellow", highlight=False)


@domain_errors
def measure(
    store: EvidenceOpt,
    charter: CharterOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    json_out: Annotated[
        Path | None, typer.Option("--json", help="Write the metrics JSON here ('-' for stdout).")
    ] = None,
    by: Annotated[
        str | None,
        typer.Option(
            "--by",
            help="Also print a breakdown: " + ", ".join(s for s in SCOPES if s != "organization"),
        ),
    ] = None,
    engine: EngineOpt = "duckdb",
    spark_master: SparkMasterOpt = None,
    secret_file: SecretFileOpt = None,
) -> None:
    """Compute every registered metric; print a table and optionally write JSON.

    --store takes a store file or a folder written by `export --parquet` (or
    `simulate --parquet`); --engine spark runs the same metric definitions on Apache Spark.
    """
    from asyncmaturity.metrics.measure import measure as run_measure
    from asyncmaturity.report.terminal import measurement_tables

    if by is not None and (by not in SCOPES or by == "organization"):
        raise typer.BadParameter(
            f"{by!r} is not a breakdown; use one of "
            + ", ".join(s for s in SCOPES if s != "organization"),
            param_hint="--by",
        )
    result = run_measure(
        store=evidence_location(store, engine),
        charter=load_charter(charter),
        since=parse_when(since, "--since"),
        until=parse_when(until, "--until"),
        engine=engine,
        spark_master=spark_master,
        secret=read_secret(secret_file),
    )
    document = json.dumps(result.to_json(), indent=2)
    if json_out is not None and str(json_out) == "-":
        typer.echo(document)
        return
    for shown in measurement_tables(result, by=by):
        out.print(shown)
    if json_out is not None:
        json_out.parent.mkdir(parents=True, exist_ok=True)
        json_out.write_text(document + "\n", encoding="utf-8")
        out.print(f"JSON: {json_out}")


@domain_errors
def export(
    store: Annotated[
        Path,
        typer.Option("--store", help="Evidence store file (DuckDB), or a Parquet export folder."),
    ],
    parquet: Annotated[
        Path, typer.Option("--parquet", help="Folder for the Parquet files (source/month parts).")
    ],
    overwrite: Annotated[
        bool, typer.Option("--overwrite", help="Replace what an earlier export left there.")
    ] = False,
    secret_file: Annotated[
        Path | None,
        typer.Option(
            "--secret-file",
            help="Also write the store's secret here (owner-only file, outside the export), "
            "for measuring the export with a charter that names people.",
        ),
    ] = None,
) -> None:
    """Export the evidence tables as Parquet partitioned by source and month (for Spark)."""
    from asyncmaturity.store.export import export_parquet

    summary = export_parquet(store, parquet, overwrite=overwrite, secret_file=secret_file)
    for table, count in summary.rows.items():
        out.print(f"{table}: {count:,} rows", highlight=False)
    out.print(f"Wrote {summary.folder}", highlight=False)


@domain_errors
def report(
    store: EvidenceOpt,
    html: Annotated[Path, typer.Option("--html", help="Write the single-file HTML report here.")],
    charter: CharterOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    title: Annotated[str, typer.Option("--title")] = "Asynchronous communication report",
    engine: EngineOpt = "duckdb",
    spark_master: SparkMasterOpt = None,
    secret_file: SecretFileOpt = None,
) -> None:
    """Write a self-contained HTML report (inline CSS and SVG; opens offline)."""
    from asyncmaturity.pipeline import run_report
    from asyncmaturity.report import render_html

    data = run_report(
        store=evidence_location(store, engine),
        charter=load_charter(charter),
        since=parse_when(since, "--since"),
        until=parse_when(until, "--until"),
        engine=engine,
        spark_master=spark_master,
        secret=read_secret(secret_file),
        title=title,
    )
    html.parent.mkdir(parents=True, exist_ok=True)
    html.write_text(render_html(data), encoding="utf-8")
    out.print(f"Report: {html.resolve()}")
