"""`frameworks ...` and `survey questions`: the maturity models and the survey they generate."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from asyncmaturity.charter import load_charter
from asyncmaturity.cli.app import CharterOpt, QuestionsOpt, domain_errors, out

frameworks_app = typer.Typer(
    help="List, show and validate maturity frameworks (YAML).", no_args_is_help=True
)

survey_app = typer.Typer(help="The self-assessment survey.", no_args_is_help=True)


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
