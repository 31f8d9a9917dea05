"""`simulate`: a made-up organization's exports or evidence tables."""

from __future__ import annotations

import sys
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer

from asyncmaturity.cli.app import domain_errors, err, out, progress_bar


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
            help="Plant a maturity level: chaotic (0), reactive (1), systematic (2), optimized "
            "(3); in the calendar and tracker too with --meetings and --work-items.",
        ),
    ] = None,
    survey_out: Annotated[
        Path | None,
        typer.Option("--survey-out", help="Also write survey answers (CSV) of the profile."),
    ] = None,
    change_at: Annotated[
        str | None,
        typer.Option(
            "--change-at",
            help="Plant a pilot: from this local date (YYYY-MM-DD, inside the period) the "
            "organization behaves at --profile-after; the same people, channels and recurring "
            "meetings throughout.",
        ),
    ] = None,
    profile_after: Annotated[
        str | None,
        typer.Option("--profile-after", help="The profile in force from --change-at."),
    ] = None,
    survey_after_out: Annotated[
        Path | None,
        typer.Option(
            "--survey-after-out", help="Also write survey answers (CSV) of --profile-after."
        ),
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
    from asyncmaturity.simulate.export import (
        CALENDAR_FILE,
        GITHUB_FOLDER,
        check_output_folder,
        ingest_command,
        simulate_export,
    )
    from asyncmaturity.simulate.params import SimulationParams
    from asyncmaturity.simulate.parquet import DEFAULT_CHUNK_ROWS, simulate_parquet
    from asyncmaturity.simulate.profiles import PROFILES, simulate_survey

    if profile is not None and profile not in PROFILES:
        raise typer.BadParameter(
            f"{profile!r}: use one of {', '.join(PROFILES)}", param_hint="--profile"
        )
    if survey_out is not None and profile is None:
        raise typer.BadParameter("needs --profile", param_hint="--survey-out")
    if profile_after is not None and profile_after not in PROFILES:
        raise typer.BadParameter(
            f"{profile_after!r}: use one of {', '.join(PROFILES)}", param_hint="--profile-after"
        )
    if (change_at is None) != (profile_after is None):
        raise typer.BadParameter(
            "--change-at and --profile-after go together", param_hint="--change-at"
        )
    if survey_after_out is not None and profile_after is None:
        raise typer.BadParameter("needs --profile-after", param_hint="--survey-after-out")
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
        if change_at is not None and profile_after is not None:
            params = replace(
                params,
                change_at=date.fromisoformat(change_at),
                after_change=PROFILES[profile_after].simulation(**overrides),
            )
        # Both folders are checked before either is written.
        for folder in folders:
            check_output_folder(folder)
        if out_dir is not None:
            with progress_bar(sys.stderr.isatty()) as progress:
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
            with progress_bar(sys.stderr.isatty()) as progress:
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
    surveys = [(survey_out, profile), (survey_after_out, profile_after)]
    for answers_path, planted in surveys:
        if answers_path is not None and planted is not None:
            definition = combined_survey(list(shipped_frameworks().values()))
            written_answers = simulate_survey(
                answers_path, definition, PROFILES[planted], respondents=people, seed=seed
            )
            out.print(f"Wrote {written_answers} survey responses to {answers_path}")
