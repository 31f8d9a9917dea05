"""The `asyncmaturity` command line: a thin adapter that parses input, calls one core function
and formats the result. Domain errors become one `Error:` line and a non-zero exit.

:mod:`.app` holds the root Typer app and the options the commands share; each command lives in
the module of its stage. :data:`COMMANDS` and :data:`GROUPS` register them, in the order `--help`
lists them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import typer

from asyncmaturity.cli import assessment, evidence, lint, serve, simulate
from asyncmaturity.cli.app import app
from asyncmaturity.cli.assist import assist_app
from asyncmaturity.cli.docs import docs_app
from asyncmaturity.cli.survey import frameworks_app, survey_app

COMMANDS: tuple[Callable[..., Any], ...] = (
    evidence.sources,
    evidence.metrics,
    evidence.ingest,
    evidence.measure,
    evidence.export,
    evidence.report,
    simulate.simulate,
    assessment.assess,
    assessment.compare,
    lint.lint,
    serve.serve,
)
GROUPS: dict[str, typer.Typer] = {
    "docs": docs_app,
    "frameworks": frameworks_app,
    "survey": survey_app,
    "assist": assist_app,
}
for command in COMMANDS:
    app.command()(command)
for name, group in GROUPS.items():
    app.add_typer(group, name=name)


def main() -> None:
    """Console-script entry point."""
    app()


__all__ = ["COMMANDS", "GROUPS", "app", "main"]
