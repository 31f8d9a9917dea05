"""The `asyncmaturity` command line: a thin adapter that parses input, calls one core function
and formats the result. Domain errors become one `Error:` line and a non-zero exit."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from functools import wraps
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from asyncmaturity import __version__
from asyncmaturity.charter import load_charter
from asyncmaturity.errors import AsyncMaturityError
from asyncmaturity.metrics import METRICS
from asyncmaturity.metrics.frames import SCOPES
from asyncmaturity.report.format import format_value
from asyncmaturity.sources import SOURCES

app = typer.Typer(
    help="Measure asynchronous-communication maturity from the exports a team already has.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
docs_app = typer.Typer(
    help="Print reference docs generated from the registries.", no_args_is_help=True
)
app.add_typer(docs_app, name="docs")
out = Console(soft_wrap=True)
err = Console(stderr=True)
F = TypeVar("F", bound=Callable[..., Any])

StoreOpt = Annotated[Path, typer.Option("--store", help="Evidence store file (DuckDB).")]
CharterOpt = Annotated[
    Path | None, typer.Option("--charter", help="Team charter YAML (defaults when omitted).")
]
SinceOpt = Annotated[
    str | None, typer.Option("--since", help="Start of the period, UTC (YYYY-MM-DD[THH:MM]).")
]
UntilOpt = Annotated[
    str | None,
    typer.Option("--until", help="End of the period, UTC, exclusive; a date includes that day."),
]


def domain_errors(func: F) -> F:
    """Turn domain exceptions into `Error: ...` on stderr and exit status 1."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except AsyncMaturityError as exc:
            err.print(f"Error: {exc}", markup=False, highlight=False, soft_wrap=True)
            raise typer.Exit(1) from None

    return wrapper  # type: ignore[return-value]


def _when(value: str | None, option: str) -> date | datetime | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value) if len(value) == 10 else datetime.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(
            f"{value!r} is not a date (YYYY-MM-DD) or date-time", param_hint=option
        ) from None


@contextmanager
def _progress_bar(enabled: bool) -> Iterator[Callable[[str, int, int], None] | None]:
    if not enabled:
        yield None
        return
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=err, transient=True) as progress:
        tasks: dict[str, Any] = {}

        def update(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = progress.add_task(f"Reading {stage}", total=total)
            progress.update(tasks[stage], completed=done, total=total)

        yield update


@app.command()
def sources() -> None:
    """List the export formats ingest understands (from the source registry)."""
    table = Table("format", "what", "accepts")
    for source in SOURCES.values():
        table.add_row(source.name, source.summary, source.accepts)
    out.print(table)


@app.command()
def metrics() -> None:
    """List the registered metrics with their units and definitions."""
    table = Table("id", "unit", "definition")
    for metric in METRICS.values():
        table.add_row(metric.id, metric.unit, metric.definition)
    out.print(table)


@app.command()
@domain_errors
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Export files or folders.")],
    store: StoreOpt,
    format: Annotated[
        str | None,
        typer.Option(
            "--format", help=f"Source format ({', '.join(SOURCES)}); detected when omitted."
        ),
    ] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Fail on any skipped record.")] = False,
    keep_text: Annotated[
        bool, typer.Option("--keep-text", help="Store message text and names (off by default).")
    ] = False,
    charter: CharterOpt = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
) -> None:
    """Add exports to the evidence store: idempotent, and all or nothing."""
    from asyncmaturity.ingest import ingest as run_ingest

    norms = load_charter(charter) if charter else None
    with _progress_bar(not quiet and sys.stderr.isatty()) as progress:
        summary = run_ingest(
            paths,
            store=store,
            format=format,
            strict=strict,
            keep_text=keep_text,
            charter=norms,
            progress=progress,
        )
    for export in summary.exports:
        out.print(f"{export.path}: {export.detected}", highlight=False)
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


@app.command()
@domain_errors
def measure(
    store: StoreOpt,
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
) -> None:
    """Compute every registered metric; print a table and optionally write JSON."""
    from asyncmaturity.measure import measure as run_measure

    if by is not None and (by not in SCOPES or by == "organization"):
        raise typer.BadParameter(
            f"{by!r} is not a breakdown; use one of "
            + ", ".join(s for s in SCOPES if s != "organization"),
            param_hint="--by",
        )
    result = run_measure(
        store=store,
        charter=load_charter(charter),
        since=_when(since, "--since"),
        until=_when(until, "--until"),
    )
    document = json.dumps(result.to_json(), indent=2)
    if json_out is not None and str(json_out) == "-":
        typer.echo(document)
        return
    table = Table(
        "metric", "value", title=f"{store} ({result.first or '-'} to {result.last or '-'})"
    )
    for metric_id, value in result.metrics.items():
        table.add_row(metric_id, format_value(value, METRICS[metric_id].unit))
    out.print(table)
    if by is not None:
        groups = result.scopes[by]
        breakdown = Table("metric", *groups, title=f"By {by.replace('_', ' ')}")
        for metric_id, metric in METRICS.items():
            breakdown.add_row(
                metric_id,
                *(format_value(values[metric_id], metric.unit) for values in groups.values()),
            )
        out.print(breakdown)
        out.print(
            f"{result.suppressed[by]} group(s) with fewer than {result.charter.min_group_size} "
            "active people not shown."
        )
    for note in result.notes:
        out.print(f"Note: {note}", style="yellow")
    if json_out is not None:
        json_out.parent.mkdir(parents=True, exist_ok=True)
        json_out.write_text(document + "\n", encoding="utf-8")
        out.print(f"JSON: {json_out}")


@app.command()
@domain_errors
def report(
    store: StoreOpt,
    html: Annotated[Path, typer.Option("--html", help="Write the single-file HTML report here.")],
    charter: CharterOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    title: Annotated[str, typer.Option("--title")] = "Asynchronous communication report",
) -> None:
    """Write a self-contained HTML report (inline CSS and SVG; opens offline)."""
    from asyncmaturity.report import build_report_data, render_html

    data = build_report_data(
        store=store,
        charter=load_charter(charter),
        since=_when(since, "--since"),
        until=_when(until, "--until"),
        title=title,
    )
    html.parent.mkdir(parents=True, exist_ok=True)
    html.write_text(render_html(data), encoding="utf-8")
    out.print(f"Report: {html.resolve()}")


@app.command()
@domain_errors
def simulate(
    out_dir: Annotated[Path, typer.Option("--out", help="Folder to write the Slack export into.")],
    people: Annotated[int, typer.Option(min=2)] = 40,
    days: Annotated[int, typer.Option(min=1)] = 60,
    seed: int = 0,
) -> None:
    """Write a realistic Slack export of a made-up organization (the demo's input)."""
    from asyncmaturity.simulate import SimulationParams, simulate_slack_export

    try:
        params = SimulationParams(people=people, days=days, seed=seed)
        with _progress_bar(sys.stderr.isatty()) as progress:
            summary = simulate_slack_export(
                out_dir,
                params,
                progress=(lambda d, t: progress("days", d, t)) if progress else None,
            )
    except ValueError as exc:
        err.print(f"Error: {exc}", markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(1) from None
    out.print(
        f"Wrote {summary.messages:,} messages ({summary.human_messages:,} human) by "
        f"{summary.people} people in {summary.conversations} conversations to {out_dir}"
    )


@docs_app.command("metrics")
def docs_metrics() -> None:
    """Markdown reference of every metric (docs/metrics.md)."""
    from asyncmaturity.docs import metrics_markdown

    typer.echo(metrics_markdown(), nl=False)


@docs_app.command("charter")
def docs_charter() -> None:
    """Markdown reference of the team charter's fields (docs/charter.md)."""
    from asyncmaturity.docs import charter_markdown

    typer.echo(charter_markdown(), nl=False)


@docs_app.command("sources")
def docs_sources() -> None:
    """Markdown reference of every source (docs/sources.md)."""
    from asyncmaturity.docs import sources_markdown

    typer.echo(sources_markdown(), nl=False)


@app.callback(invoke_without_command=True)
def _version(
    version: Annotated[bool, typer.Option("--version", help="Print the version.")] = False,
) -> None:
    if version:
        typer.echo(__version__)
        raise typer.Exit()


def main() -> None:
    """Console-script entry point."""
    app()
