"""The `asyncmaturity` command line: a thin adapter that parses input, calls one core function
and formats the result. Domain errors become one `Error:` line and a non-zero exit.

:data:`COMMANDS` registers every command and command group, in the order `--help` lists them: its
name, the summary the listing shows, and where its implementation lives. Each lives in the module
of its stage, and :mod:`.app` holds the options the commands share. The root app lists the
commands from the registry and imports a command's module only when that command runs (or shows
its own help), so `lint` and `--help` start without the data libraries that `measure` needs.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Annotated, Any

import typer
from typer.core import TyperCommand, TyperGroup

from asyncmaturity import __version__

# The shared options' module is called `app` too. Importing it before the root app is bound below
# keeps `asyncmaturity.cli.app` the root app: a submodule first imported later (when a command
# loads it) would replace the package's attribute with itself.
from asyncmaturity.cli import app as _shared  # noqa: F401


@dataclass(frozen=True)
class Command:
    """One registered command or command group, listed by `--help` without being imported."""

    name: str
    # The first paragraph of the command's help (a group's `help=`), as the listing shows it.
    summary: str
    # "module:attribute" of the command's function or of the group's Typer app.
    target: str

    def load(self) -> Any:
        """The command's function or the group's Typer app, importing its module."""
        module, attribute = self.target.split(":")
        return getattr(importlib.import_module(module), attribute)

    def click_command(self) -> TyperCommand | TyperGroup:
        """The command as Click runs it, with the options and help its module declares."""
        loaded = self.load()
        if isinstance(loaded, typer.Typer):
            group = typer.main.get_group(loaded)
            group.name = self.name
            return group
        single = typer.Typer(add_completion=False)
        single.command(name=self.name)(loaded)
        command = typer.main.get_command(single)
        assert isinstance(command, TyperCommand)
        return command


COMMANDS: tuple[Command, ...] = (
    Command(
        "sources",
        "List the export formats ingest understands (from the source registry).",
        "asyncmaturity.cli.evidence:sources",
    ),
    Command(
        "metrics",
        "List the registered metrics with their units and definitions.",
        "asyncmaturity.cli.evidence:metrics",
    ),
    Command(
        "ingest",
        "Add exports to the evidence store: idempotent, and all or nothing.",
        "asyncmaturity.cli.evidence:ingest",
    ),
    Command(
        "measure",
        "Compute every registered metric; print a table and optionally write JSON.",
        "asyncmaturity.cli.evidence:measure",
    ),
    Command(
        "export",
        "Export the evidence tables as Parquet partitioned by source and month (for Spark).",
        "asyncmaturity.cli.evidence:export",
    ),
    Command(
        "report",
        "Write a self-contained HTML report (inline CSS and SVG; opens offline).",
        "asyncmaturity.cli.evidence:report",
    ),
    Command(
        "simulate",
        "Simulate a made-up organization: export files (--out), evidence tables (--parquet), "
        "or both.",
        "asyncmaturity.cli.simulate:simulate",
    ),
    Command(
        "assess",
        "Place the team on the maturity models, with the evidence and a ranked roadmap.",
        "asyncmaturity.cli.assessment:assess",
    ),
    Command(
        "compare",
        "Change per metric, area and principle between two assessments, with 95% intervals.",
        "asyncmaturity.cli.assessment:compare",
    ),
    Command(
        "pilot",
        "A six-week pilot in one command: assess the baseline and the pilot period of one "
        "store and report each change with its 95% interval and a verdict that does not take "
        "noise for progress.",
        "asyncmaturity.cli.assessment:pilot",
    ),
    Command(
        "lint",
        "Check a draft request against AWAIT: exit 0 when complete or not a request, 1 when a "
        "request misses an element (or, with --batch, when any does), 2 for usage errors.",
        "asyncmaturity.cli.lint:lint",
    ),
    Command(
        "serve",
        "Run the web app: survey campaigns, results and AWAIT checks in the browser and a JSON "
        "API.",
        "asyncmaturity.cli.serve:serve",
    ),
    Command(
        "docs",
        "Print reference docs generated from the registries.",
        "asyncmaturity.cli.docs:docs_app",
    ),
    Command(
        "frameworks",
        "List, show and validate maturity frameworks (YAML).",
        "asyncmaturity.cli.survey:frameworks_app",
    ),
    Command("survey", "The self-assessment survey.", "asyncmaturity.cli.survey:survey_app"),
    Command(
        "assist",
        "Level 4-5 assistants: duplicate questions, routing, decision drafts (optional extra).",
        "asyncmaturity.cli.assist:assist_app",
    ),
)


class _Listed(TyperCommand):
    """A registered command as the root's `--help` lists it; running it builds the real one."""

    def __init__(self, entry: Command) -> None:
        super().__init__(entry.name, help=entry.summary)
        self.entry = entry

    def make_context(
        self, info_name: str | None, args: list[str], parent: Any = None, **extra: Any
    ) -> Any:
        """The real command's context: it parses the arguments and is what the root invokes."""
        return self.entry.click_command().make_context(info_name, args, parent=parent, **extra)


class _Registered(TyperGroup):
    """The root command: every registered command, each imported only when it is run."""

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        for entry in COMMANDS:
            self.add_command(_Listed(entry))


app = typer.Typer(
    cls=_Registered,
    help="Measure asynchronous-communication maturity from the exports a team already has.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


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


__all__ = ["COMMANDS", "Command", "app", "main"]
