"""`assess`, `compare` and `pilot`: the team on the maturity models, and change after a pilot."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, Literal, Protocol

import typer

from asyncmaturity.charter import load_charter
from asyncmaturity.cli.app import (
    CharterOpt,
    EngineOpt,
    EvidenceOpt,
    OptionalEvidenceOpt,
    QuestionsOpt,
    SecretFileOpt,
    SinceOpt,
    SparkMasterOpt,
    UntilOpt,
    domain_errors,
    err,
    evidence_location,
    out,
    parse_when,
    read_secret,
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


@domain_errors
def assess(
    store: OptionalEvidenceOpt = None,
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
    engine: EngineOpt = "duckdb",
    spark_master: SparkMasterOpt = None,
    secret_file: SecretFileOpt = None,
) -> None:
    """Place the team on the maturity models, with the evidence and a ranked roadmap.

    --store takes a store file or a Parquet export (--engine spark runs it on Apache Spark).
    """
    from asyncmaturity.assess.document import load_history, read_assessment, save_to_history
    from asyncmaturity.metrics.cost import load_assumptions
    from asyncmaturity.pipeline import AssessmentRequest, run_assessment
    from asyncmaturity.report.terminal import assessment_tables

    kept = load_history(history) if history is not None else []
    outcome = run_assessment(
        AssessmentRequest(
            store=evidence_location(store, engine) if store is not None else None,
            engine=engine,
            spark_master=spark_master,
            secret=read_secret(secret_file),
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
            history=kept,
            previous=read_assessment(previous) if previous is not None else None,
            figures=html is not None,
        )
    )
    if json_out is not None and str(json_out) == "-":
        typer.echo(outcome.json())
    else:
        for shown in assessment_tables(outcome.document):
            out.print(shown)
    _write_renderings(json_out, markdown, html, outcome)
    if history is not None:
        err.print(f"Kept in history: {save_to_history(history, outcome.document)}")


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
    """Change per metric, area and principle between two assessments, with 95% intervals."""
    from asyncmaturity.assess.compare import compare_assessments
    from asyncmaturity.assess.document import read_assessment
    from asyncmaturity.report import ASSESSMENT_TITLE, render_html, report_data
    from asyncmaturity.report.terminal import comparison_tables

    earlier, later = read_assessment(before), read_assessment(after)
    result = compare_assessments(earlier, later)
    text = result.dumps()
    if html is not None:
        html.parent.mkdir(parents=True, exist_ok=True)
        data = report_data(None, assessment=later, comparison=result, title=ASSESSMENT_TITLE)
        html.write_text(render_html(data), encoding="utf-8")
        err.print(f"Report: {html.resolve()}")
    if json_out is not None and str(json_out) == "-":
        typer.echo(text)
        return
    for shown in comparison_tables(result):
        out.print(shown)
    if json_out is not None:
        json_out.parent.mkdir(parents=True, exist_ok=True)
        json_out.write_text(text + "\n", encoding="utf-8")
        err.print(f"Wrote {json_out}")


def _period_option(name: str, end: str) -> Any:
    """A required `--<name>-<end>` period bound."""
    if end == "since":
        text = f"First day of the {name} period, UTC (YYYY-MM-DD[THH:MM])."
    else:
        text = f"End of the {name} period, UTC, exclusive; a date includes that day."
    return typer.Option(f"--{name}-{end}", help=text)


@domain_errors
def pilot(
    store: EvidenceOpt,
    baseline_since: Annotated[str, _period_option("baseline", "since")],
    baseline_until: Annotated[str, _period_option("baseline", "until")],
    pilot_since: Annotated[str, _period_option("pilot", "since")],
    pilot_until: Annotated[str, _period_option("pilot", "until")],
    survey_before: Annotated[
        Path | None,
        typer.Option("--survey-before", help="Survey responses taken after the baseline."),
    ] = None,
    survey_after: Annotated[
        Path | None,
        typer.Option("--survey-after", help="Survey responses taken after the pilot."),
    ] = None,
    charter: CharterOpt = None,
    framework: Annotated[
        str, typer.Option("--framework", help="A shipped areas framework id or a YAML file.")
    ] = "five-area",
    json_out: Annotated[
        Path | None, typer.Option("--json", help="Write the pilot JSON ('-' for stdout).")
    ] = None,
    markdown: Annotated[
        Path | None, typer.Option("--markdown", help="Write the pilot's result as Markdown.")
    ] = None,
    html: Annotated[
        Path | None, typer.Option("--html", help="Write the pilot's result as an HTML page.")
    ] = None,
    min_shared_people: Annotated[
        float,
        typer.Option(
            "--min-shared-people",
            help="The least share of the people active in either period who must be active in "
            "both (a community with turnover may lower it; under 0.8 a warning stays).",
            min=0.0,
            max=1.0,
        ),
    ] = 0.5,
    engine: EngineOpt = "duckdb",
    spark_master: SparkMasterOpt = None,
    secret_file: SecretFileOpt = None,
) -> None:
    """A six-week pilot in one command: assess the baseline and the pilot period of one store
    and report each change with its 95% interval and a verdict that does not take noise for
    progress.

    The periods must not overlap, the baseline must come first, and each must hold at least 14
    days (42, six weeks, as the guide asks, without a warning); fewer than half of the people
    active in both periods is refused (--min-shared-people), fewer than 80% warned of.
    """
    from asyncmaturity.assess.pilot import PeriodRequest
    from asyncmaturity.pipeline import AssessmentRequest, PilotRequest, run_pilot
    from asyncmaturity.report.pilot import pilot_terminal

    def period(name: Literal["baseline", "pilot"], since: str, until: str) -> PeriodRequest:
        start = parse_when(since, f"--{name}-since")
        end = parse_when(until, f"--{name}-until")
        assert start is not None and end is not None
        return PeriodRequest(name, start, end)

    outcome = run_pilot(
        PilotRequest(
            store=evidence_location(store, engine),
            baseline=period("baseline", baseline_since, baseline_until),
            pilot=period("pilot", pilot_since, pilot_until),
            survey_before=survey_before,
            survey_after=survey_after,
            assessment=AssessmentRequest(
                engine=engine,
                spark_master=spark_master,
                secret=read_secret(secret_file),
                framework=framework,
                charter=load_charter(charter),
            ),
            min_shared_people=min_shared_people,
        )
    )
    if json_out is not None and str(json_out) == "-":
        typer.echo(outcome.json())
    else:
        for shown in pilot_terminal(outcome.document):
            out.print(shown)
    _write_renderings(json_out, markdown, html, outcome)


class _Rendered(Protocol):
    def json(self) -> str: ...
    def markdown(self) -> str: ...
    def html(self) -> str: ...


def _write_renderings(
    json_out: Path | None, markdown: Path | None, html: Path | None, outcome: _Rendered
) -> None:
    """Write each rendering asked for a file (`-` for JSON goes to standard output instead)."""
    renderers: list[tuple[Path | None, Callable[[], str]]] = [
        (json_out, lambda: outcome.json() + "\n"),
        (markdown, outcome.markdown),
        (html, outcome.html),
    ]
    for path, render in renderers:
        if path is not None and str(path) != "-":
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(render(), encoding="utf-8")
            err.print(f"Report: {path.resolve()}" if path is html else f"Wrote {path}")
