"""`lint`: check a draft request against AWAIT."""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer

from asyncmaturity.await_protocol.lint import ELEMENTS, analyse, analyse_batch, time_zone
from asyncmaturity.cli.app import domain_errors, out
from asyncmaturity.units import format_timestamp


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
                shown += f" -> {format_timestamp(result.deadline)}"
            out.print(f"{mark} {label}" + (f": {shown}" if shown else ""), highlight=False)
        for note in result.notes:
            out.print(f"Note: {escape(note)}", style="yellow", highlight=False)
        if result.suggestion:
            out.print(f"Suggestion: {escape(result.suggestion)}", highlight=False)
        else:
            out.print("Complete: owner, window, action, information and thread are all there.")
    raise typer.Exit(0 if result.complete or not result.is_request else 1)
