"""`assess` and `compare`: the team on the maturity models, and change after a pilot."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from asyncmaturity.charter import load_charter
from asyncmaturity.cli.app import (
    CharterOpt,
    QuestionsOpt,
    SinceOpt,
    UntilOpt,
    domain_errors,
    err,
    out,
    parse_when,
)
from asyncmaturity.metrics import METRICS
from asyncmaturity.report.format import format_value


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
        since=parse_when(since, "--since"),
        until=parse_when(until, "--until"),
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
                since=parse_when(since, "--since"),
                until=parse_when(until, "--until"),
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
