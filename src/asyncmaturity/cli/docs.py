"""`docs ...`: reference docs generated from the registries."""

from __future__ import annotations

import typer

from asyncmaturity.cli.app import domain_errors

docs_app = typer.Typer(
    help="Print reference docs generated from the registries.", no_args_is_help=True
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
@domain_errors
def docs_sources() -> None:
    """Markdown reference of every source (docs/sources.md)."""
    from asyncmaturity.report.docs import sources_markdown

    typer.echo(sources_markdown(), nl=False)
