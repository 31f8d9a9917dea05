"""The `asyncmaturity` command line: a thin adapter that parses input, calls one core function
and formats the result. Domain errors become one `Error:` line and a non-zero exit."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from asyncmaturity import __version__
from asyncmaturity.await_protocol.lint import ELEMENTS, analyse, analyse_batch, time_zone
from asyncmaturity.charter import load_charter
from asyncmaturity.cli.assist import assist_app
from asyncmaturity.cli.common import domain_errors, err, out
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
frameworks_app = typer.Typer(
    help="List, show and validate maturity frameworks (YAML).", no_args_is_help=True
)
app.add_typer(frameworks_app, name="frameworks")
survey_app = typer.Typer(help="The self-assessment survey.", no_args_is_help=True)
app.add_typer(survey_app, name="survey")
app.add_typer(assist_app, name="assist")

StoreOpt = Annotated[Path, typer.Option("--store", help="Evidence store file (DuckDB).")]
# measure also reads a Parquet export (a folder), on DuckDB or Spark.
EvidenceOpt = Annotated[
    str,
    typer.Option(
        "--store",
        help="Evidence store file (DuckDB), or a Parquet export folder (for Spark also a URI "
        "such as hdfs:///exports/team).",
    ),
]
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
) -> None:
    """Add exports to the evidence store: idempotent, and all or nothing."""
    from asyncmaturity.store.ingest import ingest as run_ingest

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
            since=_when(since, "--since"),
            until=_when(until, "--until"),
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
    engine: Annotated[
        str,
        typer.Option(
            "--engine",
            help="duckdb (a store file or a Parquet export) or spark (a Parquet export; needs "
            "the spark extra and Java 17).",
        ),
    ] = "duckdb",
    spark_master: Annotated[
        str | None,
        typer.Option(
            "--spark-master",
            help="Spark master URL (local[2], spark://host:7077, yarn); default: spark-submit's, "
            "else $ASYNCMATURITY_SPARK_MASTER, else local[*].",
        ),
    ] = None,
    secret_file: Annotated[
        Path | None,
        typer.Option(
            "--secret-file",
            help="A Parquet export's store secret (export --secret-file), for a charter that "
            "names people.",
        ),
    ] = None,
) -> None:
    """Compute every registered metric; print a table and optionally write JSON.

    --store takes a store file or a folder written by `export --parquet` (or
    `simulate --parquet`); --engine spark runs the same metric definitions on Apache Spark.
    """
    from asyncmaturity.metrics.measure import measure as run_measure
    from asyncmaturity.store.evidence import ENGINES

    if by is not None and (by not in SCOPES or by == "organization"):
        raise typer.BadParameter(
            f"{by!r} is not a breakdown; use one of "
            + ", ".join(s for s in SCOPES if s != "organization"),
            param_hint="--by",
        )
    if engine not in ENGINES:
        raise typer.BadParameter(
            f"{engine!r}: use one of {', '.join(ENGINES)}", param_hint="--engine"
        )
    result = run_measure(
        store=store if "://" in store else Path(store),
        charter=load_charter(charter),
        since=_when(since, "--since"),
        until=_when(until, "--until"),
        engine=engine,
        spark_master=spark_master,
        secret=_read_secret(secret_file),
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


def _read_secret(path: Path | None) -> str | None:
    if path is None:
        return None
    try:
        return path.read_text(encoding="utf-8").strip() or None
    except OSError as exc:
        raise typer.BadParameter(
            f"{path}: cannot read: {exc.strerror}", param_hint="--secret-file"
        ) from None


@app.command()
@domain_errors
def export(
    store: StoreOpt,
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
    out_dir: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="Folder for the export files: the Slack export (with --meetings or --work-items "
            "in slack/, beside calendar.ics and github/).",
        ),
    ] = None,
    parquet_dir: Annotated[
        Path | None,
        typer.Option(
            "--parquet",
            help="Folder for the evidence tables as Parquet, in the layout of export --parquet "
            "(no export files, no store in between).",
        ),
    ] = None,
    people: int = 40,
    days: int = 60,
    seed: int = 0,
    profile: Annotated[
        str | None,
        typer.Option(
            "--profile",
            help="Plant a maturity level: chaotic (0), reactive (1), systematic (2), optimized (3).",
        ),
    ] = None,
    survey_out: Annotated[
        Path | None,
        typer.Option("--survey-out", help="Also write survey answers (CSV) of the profile."),
    ] = None,
    meetings: Annotated[
        bool,
        typer.Option(
            "--meetings", help="Also simulate a calendar: team meetings, 1:1s, ad hoc meetings."
        ),
    ] = False,
    work_items: Annotated[
        bool,
        typer.Option("--work-items", help="Also simulate GitHub issues and pull requests."),
    ] = False,
    messages_per_person_day: Annotated[
        float | None,
        typer.Option(
            "--messages-per-person-day",
            help="Human chat messages per person per working day (default 6, or the profile's).",
        ),
    ] = None,
    chunk_rows: Annotated[
        int | None,
        typer.Option(
            "--chunk-rows",
            help="With --parquet: the most rows a table buffers before writing them "
            "(default 250,000; memory grows with it).",
        ),
    ] = None,
) -> None:
    """Simulate a made-up organization: export files (--out), evidence tables (--parquet), or both.

    The same parameters and seed always give the same files. Export files are read with
    `asyncmaturity ingest`; a Parquet folder is measured as it is (`measure --store FOLDER`).
    """
    from asyncmaturity.frameworks import combined_survey, shipped_frameworks
    from asyncmaturity.simulate.chat import SimulationParams, check_output_folder
    from asyncmaturity.simulate.evidence import (
        CALENDAR_FILE,
        GITHUB_FOLDER,
        ingest_command,
        simulate_export,
    )
    from asyncmaturity.simulate.parquet import DEFAULT_CHUNK_ROWS, simulate_parquet
    from asyncmaturity.simulate.profiles import PROFILES, simulate_survey

    if profile is not None and profile not in PROFILES:
        raise typer.BadParameter(
            f"{profile!r}: use one of {', '.join(PROFILES)}", param_hint="--profile"
        )
    if survey_out is not None and profile is None:
        raise typer.BadParameter("needs --profile", param_hint="--survey-out")
    try:
        folders = [folder for folder in (out_dir, parquet_dir) if folder is not None]
        if not folders:
            raise ValueError("nothing to write: give --out (export files), --parquet, or both")
        if len({folder.resolve() for folder in folders}) < len(folders):
            raise ValueError("--out and --parquet must be different folders")
        overrides: dict[str, Any] = {
            "people": people,
            "days": days,
            "seed": seed,
            "meetings": meetings,
            "work_items": work_items,
        }
        if messages_per_person_day is not None:
            overrides["messages_per_person_day"] = messages_per_person_day
        if profile is not None:
            params = PROFILES[profile].simulation(**overrides)
        else:
            params = SimulationParams(**overrides)
        # Both folders are checked before either is written.
        for folder in folders:
            check_output_folder(folder)
        if out_dir is not None:
            with _progress_bar(sys.stderr.isatty()) as progress:
                written = simulate_export(
                    out_dir,
                    params,
                    progress=(lambda d, t: progress("days", d, t)) if progress else None,
                )
            chat = written.chat
            calendar, tracker = out_dir / CALENDAR_FILE, out_dir / GITHUB_FOLDER
            out.print(
                f"Wrote {chat.messages:,} messages ({chat.human_messages:,} human) by "
                f"{chat.people} people in {chat.conversations} conversations to {chat.out_dir}"
            )
            if params.meetings:
                out.print(f"Wrote {written.meetings:,} meeting instances to {calendar}")
            if params.work_items:
                where = f"to {tracker}" if written.work_items else "(so no GitHub files)"
                out.print(
                    f"Wrote {written.work_items:,} work items and {written.work_events:,} events "
                    + where
                )
            if len(written.ingest_paths) > 1:
                out.print(f"Ingest with: {ingest_command(written.ingest_paths)}")
        if parquet_dir is not None:
            with _progress_bar(sys.stderr.isatty()) as progress:
                tables = simulate_parquet(
                    parquet_dir,
                    params,
                    progress=(lambda d, t: progress("days", d, t)) if progress else None,
                    chunk_rows=DEFAULT_CHUNK_ROWS if chunk_rows is None else chunk_rows,
                )
            rows = ", ".join(f"{n:,} {table}" for table, n in tables.rows.items() if n)
            out.print(f"Wrote {rows} as {tables.files} Parquet files to {parquet_dir}")
    except ValueError as exc:
        err.print(f"Error: {exc}", markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(1) from None
    if survey_out is not None and profile is not None:
        definition = combined_survey(list(shipped_frameworks().values()))
        written_answers = simulate_survey(
            survey_out, definition, PROFILES[profile], respondents=people, seed=seed
        )
        out.print(f"Wrote {written_answers} survey responses to {survey_out}")


@frameworks_app.command("list")
def frameworks_list() -> None:
    """List the shipped frameworks."""
    from asyncmaturity.frameworks import shipped_frameworks

    table = Table("id", "kind", "name", "levels", "areas", "criteria")
    for framework in shipped_frameworks().values():
        table.add_row(
            framework.id,
            framework.kind,
            framework.name,
            ", ".join(level.name for level in framework.levels) or "-",
            str(len(framework.areas) or len(framework.stages) or "-"),
            str(len(framework.criteria()) or "-"),
        )
    out.print(table)


@frameworks_app.command("show")
@domain_errors
def frameworks_show(
    name: Annotated[str, typer.Argument(help="A shipped framework id or a YAML file.")],
) -> None:
    """Print a framework as Markdown: levels, areas, criteria with thresholds and rationale."""
    from asyncmaturity.frameworks import load_framework
    from asyncmaturity.report.docs import framework_markdown

    typer.echo(framework_markdown(load_framework(name)), nl=False)


@frameworks_app.command("validate")
@domain_errors
def frameworks_validate(
    files: Annotated[
        list[Path] | None, typer.Argument(help="Framework files; the shipped ones when omitted.")
    ] = None,
) -> None:
    """Validate framework files (schema, metric ids, survey items, practices)."""
    from asyncmaturity.frameworks import load_framework_file, validate_shipped

    if not files:
        validate_shipped()
        out.print("All shipped frameworks are valid.")
        return
    for path in files:
        framework = load_framework_file(path)
        out.print(f"{path}: valid ({framework.kind}, {len(framework.criteria())} criteria)")


QuestionsOpt = Annotated[
    list[Path] | None,
    typer.Option("--questions", help="A survey file of the team's own questions and scales."),
]


@survey_app.command("questions")
@domain_errors
def survey_questions(
    format: Annotated[
        str, typer.Option("--format", help="markdown, csv (a form template) or json.")
    ] = "markdown",
    framework: Annotated[str, typer.Option("--framework")] = "five-area",
    questions: QuestionsOpt = None,
    charter: CharterOpt = None,
) -> None:
    """Print the survey generated from the frameworks (and the team's own questions)."""
    from asyncmaturity.frameworks import combined_survey, load_framework, shipped_frameworks
    from asyncmaturity.survey import questionnaire

    if format not in ("markdown", "csv", "json"):
        raise typer.BadParameter(f"{format!r}: use markdown, csv or json", param_hint="--format")
    chosen = load_framework(framework)
    definition = combined_survey([chosen, *shipped_frameworks().values()], questions or [])
    typer.echo(
        questionnaire(
            definition,
            format=format,  # type: ignore[arg-type]
            min_group_size=load_charter(charter).min_group_size,
        ),
        nl=False,
    )


def _columns(path: Path | None) -> dict[str, str] | None:
    if path is None:
        return None
    from asyncmaturity.errors import InvalidResponses
    from asyncmaturity.yamlfile import read_yaml

    mapping = read_yaml(path, InvalidResponses)
    if not isinstance(mapping, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in mapping.items()
    ):
        raise InvalidResponses(f"{path}: a column mapping is a YAML mapping of header: item id")
    return mapping


@app.command()
@domain_errors
def assess(
    store: Annotated[
        Path | None, typer.Option("--store", help="Evidence store file (DuckDB).")
    ] = None,
    survey: Annotated[
        Path | None, typer.Option("--survey", help="Survey responses (CSV or JSON).")
    ] = None,
    framework: Annotated[
        str, typer.Option("--framework", help="A shipped areas framework id or a YAML file.")
    ] = "five-area",
    charter: CharterOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    questions: QuestionsOpt = None,
    columns: Annotated[
        Path | None,
        typer.Option("--columns", help="YAML mapping of survey CSV headers to item ids."),
    ] = None,
    json_out: Annotated[
        Path | None, typer.Option("--json", help="Write the assessment JSON ('-' for stdout).")
    ] = None,
    html: Annotated[Path | None, typer.Option("--html", help="Write the HTML report.")] = None,
    markdown: Annotated[
        Path | None, typer.Option("--markdown", help="Write the assessment as Markdown.")
    ] = None,
    history: Annotated[
        Path | None,
        typer.Option(
            "--history",
            help="Folder of kept assessments: read for the trend, and this one is added.",
        ),
    ] = None,
    previous: Annotated[
        Path | None,
        typer.Option(
            "--previous",
            help="An earlier assessment JSON whose targets to check "
            "(default: the latest in --history).",
        ),
    ] = None,
    assumptions: Annotated[
        Path | None, typer.Option("--assumptions", help="YAML of cost assumptions.")
    ] = None,
    hourly_cost: Annotated[
        float | None, typer.Option("--hourly-cost", help="Cost of a working hour.", min=0)
    ] = None,
    refocus_minutes: Annotated[
        float | None, typer.Option("--refocus-minutes", help="Refocus cost per interruption.")
    ] = None,
    strict: Annotated[
        bool, typer.Option("--strict", help="Fail on any unreadable survey answer.")
    ] = False,
) -> None:
    """Place the team on the maturity models, with the evidence and a ranked roadmap."""
    from asyncmaturity.assess import assess as run_assess
    from asyncmaturity.assess import load_history, read_assessment, save_to_history
    from asyncmaturity.assess.cost import load_assumptions
    from asyncmaturity.report.markdown import assessment_markdown

    kept = load_history(history) if history is not None else []
    earlier = read_assessment(previous) if previous is not None else (kept[-1] if kept else None)
    result = run_assess(
        store=store,
        survey=survey,
        framework=framework,
        charter=load_charter(charter),
        since=_when(since, "--since"),
        until=_when(until, "--until"),
        questions=questions or [],
        columns=_columns(columns),
        strict=strict,
        assumptions=load_assumptions(
            assumptions, hourly_cost=hourly_cost, refocus_minutes=refocus_minutes
        ),
        previous=earlier,
        history=kept,
    )
    document = result.to_json()
    text = json.dumps(document, indent=2)
    if json_out is not None and str(json_out) == "-":
        typer.echo(text)
    else:
        _print_assessment(document)
    for path, content in (
        (json_out, text + "\n"),
        (markdown, assessment_markdown(document)),
    ):
        if path is not None and str(path) != "-":
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(content, encoding="utf-8")
            err.print(f"Wrote {path}")
    if html is not None:
        from asyncmaturity.assess.compare import compare_assessments
        from asyncmaturity.report import render_assessment_html

        html.parent.mkdir(parents=True, exist_ok=True)
        html.write_text(
            render_assessment_html(
                document,
                store=store,
                charter=load_charter(charter),
                since=_when(since, "--since"),
                until=_when(until, "--until"),
                comparison=compare_assessments(earlier, document) if earlier else None,
            ),
            encoding="utf-8",
        )
        err.print(f"Report: {html.resolve()}")
    if history is not None:
        err.print(f"Kept in history: {save_to_history(history, document)}")


def _print_assessment(document: dict[str, Any]) -> None:
    stage = document.get("stage")
    if stage:
        out.print(f"WMI stage: [bold]{stage['level']} {stage['name']}[/bold]")
    overall = document["overall"]
    out.print(f"Overall ({document['framework']['name']}): {overall['level']} {overall['name']}")
    table = Table("area", "level", "confidence", "criteria met", title="Areas")
    for area in document["areas"]:
        criteria = [c for level in area["levels"] for c in level["criteria"]]
        met = sum(c["status"] == "met" for c in criteria)
        unknown = sum(c["status"] == "unknown" for c in criteria)
        table.add_row(
            area["name"],
            f"{area['level'] if area['level'] is not None else '-'} {area['level_name']}",
            area["confidence"],
            f"{met}/{len(criteria)} ({unknown} unknown)",
        )
    out.print(table)
    roadmap = Table("#", "action", "quadrant", "effort", "target", title="Roadmap")
    for rank, action in enumerate(document["roadmap"][:10], start=1):
        target = action["target"] or {}
        roadmap.add_row(
            str(rank),
            action["title"],
            action["quadrant_name"],
            action["effort"],
            f"{target.get('metric', 'survey')} {target.get('op', '>=')} "
            f"{target.get('threshold', target.get('min_score', ''))}",
        )
    out.print(roadmap)
    for item in document["disagreements"]:
        out.print(f"Disagreement: {item['text']}", style="yellow")
    for note in document["notes"]:
        out.print(f"Note: {note}", style="yellow")


@app.command()
@domain_errors
def compare(
    before: Annotated[Path, typer.Argument(help="Assessment JSON before the pilot.")],
    after: Annotated[Path, typer.Argument(help="Assessment JSON after the pilot.")],
    json_out: Annotated[
        Path | None, typer.Option("--json", help="Write the comparison JSON ('-' for stdout).")
    ] = None,
    html: Annotated[
        Path | None,
        typer.Option("--html", help="Write the after assessment's report with the comparison."),
    ] = None,
) -> None:
    """Change per metric and per area between two assessments, with 95% bootstrap intervals."""
    from asyncmaturity.assess import read_assessment
    from asyncmaturity.assess.compare import compare_assessments

    earlier, later = read_assessment(before), read_assessment(after)
    result = compare_assessments(earlier, later)
    text = json.dumps(result, indent=2)
    if html is not None:
        from asyncmaturity.report import render_assessment_html

        html.parent.mkdir(parents=True, exist_ok=True)
        html.write_text(
            render_assessment_html(later, store=None, comparison=result), encoding="utf-8"
        )
        err.print(f"Report: {html.resolve()}")
    if json_out is not None and str(json_out) == "-":
        typer.echo(text)
        return
    areas = Table("area", "before", "after", "change", "95% interval", "verdict", title="Areas")
    for row in result["areas"]:
        areas.add_row(
            row["name"],
            _level(row["before"]),
            _level(row["after"]),
            _signed(row["change"]),
            _interval(row["interval"]),
            row["verdict"],
        )
    out.print(areas)
    metrics_table = Table(title="Metrics (those with data)")
    metrics_table.add_column("metric", no_wrap=True)
    for heading in ("before", "after", "change", "95% interval", "verdict"):
        metrics_table.add_column(heading)
    for row in result["metrics"]:
        if row["before"] is None and row["after"] is None:
            continue
        unit = METRICS[row["id"]].unit if row["id"] in METRICS else "count"
        metrics_table.add_row(
            row["id"],
            format_value(row["before"], unit),
            format_value(row["after"], unit),
            format_value(row["change"], unit) if row["change"] is not None else "-",
            "-"
            if row["interval"] is None
            else f"{format_value(row['interval'][0], unit)} .. "
            f"{format_value(row['interval'][1], unit)}",
            row["verdict"],
        )
    out.print(metrics_table)
    if json_out is not None:
        json_out.parent.mkdir(parents=True, exist_ok=True)
        json_out.write_text(text + "\n", encoding="utf-8")
        err.print(f"Wrote {json_out}")


def _level(value: int | None) -> str:
    return "-" if value is None else str(value)


def _signed(value: float | None) -> str:
    return "-" if value is None else f"{value:+g}"


def _interval(pair: list[float] | None) -> str:
    return "-" if pair is None else f"{pair[0]:+.2f} .. {pair[1]:+.2f}"


@app.command()
@domain_errors
def lint(
    text: Annotated[
        str | None, typer.Argument(help="The draft message, or '-' to read it from stdin.")
    ] = None,
    sent_at: Annotated[
        str | None,
        typer.Option("--sent-at", help="When it is sent (ISO 8601); resolves 'by Friday' etc."),
    ] = None,
    timezone: Annotated[
        str,
        typer.Option("--timezone", help="IANA time zone of --sent-at and of times in the text."),
    ] = "UTC",
    json_out: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    batch: Annotated[
        Path | None,
        typer.Option(
            "--batch",
            help='JSON Lines of {"text": ..., "sent_at": ...}: one JSON result per line; '
            "a malformed line fails the whole batch.",
        ),
    ] = None,
) -> None:
    """Check a draft request against AWAIT: exit 0 when complete or not a request, 1 when a
    request misses an element (or, with --batch, when any does), 2 for usage errors."""
    from rich.markup import escape

    from asyncmaturity.errors import UnknownTimeZone

    if (text is None) == (batch is None):
        raise typer.BadParameter("give the draft (TEXT or '-') or --batch FILE", param_hint="TEXT")
    try:
        time_zone(timezone)
    except UnknownTimeZone as exc:
        raise typer.BadParameter(str(exc), param_hint="--timezone") from None
    if batch is not None:
        if sent_at is not None:
            raise typer.BadParameter(
                "each batch line carries its own sent_at", param_hint="--sent-at"
            )
        results = analyse_batch(batch, timezone=timezone)
        for item in results:
            typer.echo(json.dumps(item.to_json(), ensure_ascii=False))
        raise typer.Exit(1 if any(r.is_request and not r.complete for r in results) else 0)
    when = None
    if sent_at is not None:
        try:
            when = datetime.fromisoformat(sent_at)
        except ValueError:
            raise typer.BadParameter(
                f"{sent_at!r} is not an ISO date-time", param_hint="--sent-at"
            ) from None
    result = analyse(
        sys.stdin.read() if text == "-" else str(text), sent_at=when, timezone=timezone
    )
    if json_out:
        typer.echo(json.dumps(result.to_json(), ensure_ascii=False))
    elif not result.is_request:
        out.print("Not a request (no question or ask found): nothing to check.")
    else:
        for name, label in ELEMENTS.items():
            element = result.elements[name]
            mark = "[green]✓[/green]" if element.present else "[red]✗[/red]"
            shown = escape(element.evidence) if element.evidence else ""
            if name == "window_for_response" and result.deadline is not None:
                shown += f" -> {result.deadline.isoformat()}"
            out.print(f"{mark} {label}" + (f": {shown}" if shown else ""), highlight=False)
        for note in result.notes:
            out.print(f"Note: {escape(note)}", style="yellow", highlight=False)
        if result.suggestion:
            out.print(f"Suggestion: {escape(result.suggestion)}", highlight=False)
        else:
            out.print("Complete: owner, window, action, information and thread are all there.")
    raise typer.Exit(0 if result.complete or not result.is_request else 1)


@app.command()
@domain_errors
def serve(
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[
        int, typer.Option("--port", help="Port to listen on.", min=1, max=65535)
    ] = 8000,
    database: Annotated[
        str | None,
        typer.Option(
            "--database",
            help="A SQLite file or a SQLAlchemy URL (postgresql+psycopg://...); default "
            "asyncmaturity-web.db here, or ASYNCMATURITY_WEB_DATABASE_URL.",
        ),
    ] = None,
    create_admin: Annotated[
        str | None,
        typer.Option("--create-admin", help="Create (or reset) this site admin's account first."),
    ] = None,
    password_file: Annotated[
        Path | None,
        typer.Option(
            "--password-file", help="The new admin's password (first line); prompted when omitted."
        ),
    ] = None,
    migrate_only: Annotated[
        bool,
        typer.Option(
            "--migrate-only", help="Migrate the database (and create the admin), then stop."
        ),
    ] = False,
) -> None:
    """Run the web app: survey campaigns, results and AWAIT checks in the browser and a JSON API.

    Other settings come from ASYNCMATURITY_WEB_* variables (docs/web.md lists them)."""
    from asyncmaturity.web import AdminAccount, WebSettings
    from asyncmaturity.web import serve as run_server

    if password_file is not None and create_admin is None:
        raise typer.BadParameter("needs --create-admin", param_hint="--password-file")
    admin = None
    if create_admin is not None:
        if password_file is not None:
            try:
                lines = password_file.read_text(encoding="utf-8").splitlines()
            except OSError as exc:
                raise typer.BadParameter(str(exc), param_hint="--password-file") from None
            password = lines[0] if lines else ""
        else:
            password = typer.prompt(
                f"Password for {create_admin}", hide_input=True, confirmation_prompt=True
            )
        admin = AdminAccount(email=create_admin, password=password)
    run_server(
        settings=WebSettings.from_env(database_url=database),
        host=host,
        port=port,
        create_admin=admin,
        migrate_only=migrate_only,
        say=lambda line: err.print(line, markup=False, highlight=False),
    )


@docs_app.command("metrics")
def docs_metrics() -> None:
    """Markdown reference of every metric (docs/metrics.md)."""
    from asyncmaturity.report.docs import metrics_markdown

    typer.echo(metrics_markdown(), nl=False)


@docs_app.command("await")
def docs_await() -> None:
    """Markdown reference of the AWAIT rules and metrics (docs/await.md)."""
    from asyncmaturity.report.docs import await_markdown

    typer.echo(await_markdown(), nl=False)


@docs_app.command("charter")
def docs_charter() -> None:
    """Markdown reference of the team charter's fields (docs/charter.md)."""
    from asyncmaturity.report.docs import charter_markdown

    typer.echo(charter_markdown(), nl=False)


@docs_app.command("frameworks")
def docs_frameworks() -> None:
    """Markdown reference of the placement rules and every shipped framework (docs/frameworks.md)."""
    from asyncmaturity.report.docs import frameworks_markdown

    typer.echo(frameworks_markdown(), nl=False)


@docs_app.command("sources")
def docs_sources() -> None:
    """Markdown reference of every source (docs/sources.md)."""
    from asyncmaturity.report.docs import sources_markdown

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
