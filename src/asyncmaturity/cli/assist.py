"""`asyncmaturity assist ...`: the optional Level 4-5 assistants on the command line.

A Typer sub-app that the main CLI mounts; it imports typer, rich, the assist core and `cli.app`
(never `asyncmaturity.cli`, which mounts it).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from asyncmaturity.assist import (
    decision_drafts,
    duplicate_report,
    route_question,
    similar_questions,
    write_drafts,
)
from asyncmaturity.assist.decisions import DEFAULT_MARGIN
from asyncmaturity.assist.duplicates import DEFAULT_THRESHOLD
from asyncmaturity.assist.routing import DEFAULT_K
from asyncmaturity.cli.app import domain_errors, out

assist_app = typer.Typer(
    help="Level 4-5 assistants: duplicate questions, routing, decision drafts (optional extra).",
    no_args_is_help=True,
)

StoreOpt = Annotated[
    Path,
    typer.Option(
        "--store",
        help="Evidence store file (DuckDB) ingested with --keep-text, or a Parquet export of one.",
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON object.")]
ThresholdOpt = Annotated[
    float,
    typer.Option(
        "--threshold", min=-1.0, max=1.0, help="Cosine similarity that counts as a duplicate."
    ),
]
SHOWN_CHARS = 80


def _text(value: str) -> str:
    """The question argument, read from stdin when it is '-'."""
    text = sys.stdin.read() if value == "-" else value
    if not text.strip():
        raise typer.BadParameter("the question is empty", param_hint="QUESTION")
    return text.strip()


def _short(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= SHOWN_CHARS else flat[: SHOWN_CHARS - 1] + "…"


def _echo_json(document: dict[str, Any]) -> None:
    typer.echo(json.dumps(document, ensure_ascii=False, indent=2))


@assist_app.command()
@domain_errors
def duplicates(
    store: StoreOpt,
    question: Annotated[
        str | None,
        typer.Argument(help="A new question ('-' reads stdin); omit it for the store-wide report."),
    ] = None,
    threshold: ThresholdOpt = DEFAULT_THRESHOLD,
    top: Annotated[int, typer.Option("--top", min=1, help="Most matches shown.")] = 5,
    json_out: JsonOpt = False,
) -> None:
    """Has this been answered before? Similar earlier answered questions, or a store-wide share.

    With QUESTION: the store's answered questions at --threshold or more, best first. Without it:
    the share of the store's question roots that repeat a question answered before they were asked.
    """
    if question is not None:
        found = similar_questions(_text(question), store, threshold=threshold, top=top)
        if json_out:
            _echo_json(found.to_json())
            return
        if not found.matches:
            out.print(
                f"No answered question at similarity >= {threshold:.2f} "
                f"(compared {found.compared})."
            )
            return
        table = Table("similarity", "asked (UTC)", "question", "thread root")
        for match in found.matches:
            q = match.question
            table.add_row(
                f"{match.similarity:.2f}", f"{q.sent_at:%Y-%m-%d}", _short(q.text), q.message_key
            )
        out.print(table)
        return
    report = duplicate_report(store, threshold=threshold)
    if json_out:
        _echo_json(report.to_json())
        return
    share = f"{report.share:.1%}" if report.share is not None else "n/a"
    out.print(
        f"{report.duplicates} of {report.questions} question roots repeat an earlier answered "
        f"question (similarity >= {threshold:.2f}): {share}",
        highlight=False,
    )
    if report.pairs:
        table = Table("similarity", "asked (UTC)", "question", "answered before")
        for pair in report.pairs[:top]:
            table.add_row(
                f"{pair.similarity:.2f}",
                f"{pair.question.sent_at:%Y-%m-%d}",
                _short(pair.question.text),
                _short(pair.earlier.text),
            )
        out.print(table)
        if len(report.pairs) > top:
            out.print(f"... and {len(report.pairs) - top} more (--top, or --json for all).")


@assist_app.command()
@domain_errors
def route(
    question: Annotated[str, typer.Argument(help="The question to route ('-' reads stdin).")],
    store: StoreOpt,
    top: Annotated[int, typer.Option("--top", min=1, help="People listed.")] = 3,
    k: Annotated[
        int, typer.Option("--k", min=1, help="Most similar answered questions that vote.")
    ] = DEFAULT_K,
    json_out: JsonOpt = False,
) -> None:
    """Who is likely to answer QUESTION, from who answered the most similar past questions.

    The --k most similar answered questions vote for their answerers, weighted by similarity;
    people are shown by pseudonymous key, with the display name where the store kept one.
    """
    routing = route_question(_text(question), store, k=k, top=top)
    if json_out:
        _echo_json(routing.to_json())
        return
    if not routing.candidates:
        out.print("No answered question in the store to route by.")
        return
    table = Table("rank", "person", "name", "score", f"answered (of {routing.k} nearest)")
    for rank, candidate in enumerate(routing.candidates, 1):
        table.add_row(
            str(rank),
            candidate.person_key,
            candidate.display_name or "",
            f"{candidate.score:.2f}",
            str(candidate.answered),
        )
    out.print(table)


@assist_app.command()
@domain_errors
def decisions(
    store: StoreOpt,
    out_dir: Annotated[
        Path | None,
        typer.Option("--out", help="Write each draft as NNNN-title.md (MADR) into this folder."),
    ] = None,
    margin: Annotated[
        float,
        typer.Option(
            "--margin",
            help="Cosine margin over the non-decision prototypes that makes a decision.",
        ),
    ] = DEFAULT_MARGIN,
    json_out: JsonOpt = False,
) -> None:
    """Draft decision records (MADR, status "proposed") from the decisions made in threads.

    One draft per thread, from its last decision message, with the thread root as context and
    links to the conversation, thread root and message.
    """
    drafts = decision_drafts(store, margin=margin)
    written = write_drafts(drafts, out_dir) if out_dir is not None else []
    if json_out:
        _echo_json(drafts.to_json())
        return
    out.print(
        f"{len(drafts.drafts)} decision drafts from {drafts.threads} threads "
        f"({drafts.messages} human messages read).",
        highlight=False,
    )
    if drafts.drafts:
        table = Table("date (UTC)", "title", "thread root")
        for draft in drafts.drafts:
            table.add_row(f"{draft.date:%Y-%m-%d}", draft.title, draft.thread_root_key)
        out.print(table)
    if out_dir is not None:
        out.print(f"Wrote {len(written)} drafts to {out_dir}", highlight=False)
