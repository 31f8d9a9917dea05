"""What every command shares: the consoles, the options, and the translation of domain errors
into one `Error:` line and exit status 1 (the root Typer app and its registry are in
:mod:`asyncmaturity.cli`)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from functools import wraps
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console

from asyncmaturity.errors import AsyncMaturityError

out = Console(soft_wrap=True)
err = Console(stderr=True)
F = TypeVar("F", bound=Callable[..., Any])


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


StoreOpt = Annotated[Path, typer.Option("--store", help="Evidence store file (DuckDB).")]
_EVIDENCE_HELP = (
    "Evidence store file (DuckDB), or a Parquet export folder (for Spark also a URI such as "
    "hdfs:///exports/team)."
)
# What measure, report and assess read: a store file or a Parquet export, on DuckDB or Spark.
EvidenceOpt = Annotated[str, typer.Option("--store", help=_EVIDENCE_HELP)]
OptionalEvidenceOpt = Annotated[str | None, typer.Option("--store", help=_EVIDENCE_HELP)]
EngineOpt = Annotated[
    str,
    typer.Option(
        "--engine",
        help="duckdb (a store file or a Parquet export) or spark (a Parquet export; needs "
        "the spark extra and Java 17).",
    ),
]
SparkMasterOpt = Annotated[
    str | None,
    typer.Option(
        "--spark-master",
        help="Spark master URL (local[2], spark://host:7077, yarn); default: spark-submit's, "
        "else $ASYNCMATURITY_SPARK_MASTER, else local[*].",
    ),
]
SecretFileOpt = Annotated[
    Path | None,
    typer.Option(
        "--secret-file",
        help="A Parquet export's store secret (export --secret-file), for a charter that "
        "names people.",
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

QuestionsOpt = Annotated[
    list[Path] | None,
    typer.Option("--questions", help="A survey file of the team's own questions and scales."),
]


def parse_when(value: str | None, option: str) -> date | datetime | None:
    """`value` of `option` as a date (YYYY-MM-DD) or a date-time; a usage error otherwise."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value) if len(value) == 10 else datetime.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(
            f"{value!r} is not a date (YYYY-MM-DD) or date-time", param_hint=option
        ) from None


@contextmanager
def progress_bar(enabled: bool) -> Iterator[Callable[[str, int, int], None] | None]:
    """A progress callback drawing bars on stderr while the block runs (None when disabled)."""
    if not enabled:
        yield None
        return
    # Imported where a bar is drawn: `lint` draws none and starts faster without it.
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

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


def evidence_location(store: str, engine: str) -> Path | str:
    """The evidence `--store` names (a URI stays text), once `--engine` is known to be one."""
    from asyncmaturity.store.evidence import ENGINES

    if engine not in ENGINES:
        raise typer.BadParameter(
            f"{engine!r}: use one of {', '.join(ENGINES)}", param_hint="--engine"
        )
    return store if "://" in store else Path(store)


def read_secret(path: Path | None) -> str | None:
    """The store secret kept in `path` (`export --secret-file`), or None."""
    if path is None:
        return None
    try:
        return path.read_text(encoding="utf-8").strip() or None
    except OSError as exc:
        raise typer.BadParameter(
            f"{path}: cannot read: {exc.strerror}", param_hint="--secret-file"
        ) from None
