"""Write a simulated organization's export files: the Slack export, the calendar, the tracker.

:func:`simulate_slack_export` writes the chat alone. :func:`simulate_export` writes what
``SimulationParams`` asks for: without meetings and work items the Slack export in the folder
itself; with either, the Slack export in ``slack/``, the calendar as ``calendar.ics``
(:mod:`asyncmaturity.simulate.ical_writer`) and the tracker as GitHub REST JSON in ``github/``
(:mod:`asyncmaturity.simulate.github_writer`); ``asyncmaturity ingest DIR/slack
DIR/calendar.ics DIR/github`` reads them all. :mod:`asyncmaturity.simulate.parquet` writes the
same records as evidence tables directly.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from asyncmaturity.simulate.chat import ChatRun, chat_run
from asyncmaturity.simulate.github_writer import GitHubWriter
from asyncmaturity.simulate.ical_writer import CalendarWriter
from asyncmaturity.simulate.meetings import MeetingModel
from asyncmaturity.simulate.organization import Staff, build_staff
from asyncmaturity.simulate.params import SimulationParams, export_time_s, validate_params
from asyncmaturity.simulate.slack_writer import SimulationSummary, write_slack_export
from asyncmaturity.simulate.work_items import WorkModel

__all__ = [
    "CALENDAR_FILE",
    "GITHUB_FOLDER",
    "SLACK_FOLDER",
    "EvidenceExportSummary",
    "simulate_export",
    "simulate_slack_export",
]

SLACK_FOLDER = "slack"
CALENDAR_FILE = "calendar.ics"
GITHUB_FOLDER = "github"


def check_output_folder(out_dir: Path) -> None:
    """Raise ``ValueError`` unless ``out_dir`` is missing or an empty folder."""
    if out_dir.exists() and (not out_dir.is_dir() or any(out_dir.iterdir())):
        raise ValueError(f"{out_dir}: output folder exists and is not empty")


@dataclass
class Evidence:
    """The calendar and tracker models of a run, where its parameters ask for them."""

    staff: Staff
    meetings: MeetingModel | None
    work: WorkModel | None


def build_evidence(run: ChatRun) -> Evidence:
    """Draw teams, series and the day-by-day models of the meetings and work items asked for."""
    params, org, zones, start_day = run.params, run.org, run.zones, run.start_day
    staff = build_staff(params, org)
    return Evidence(
        staff=staff,
        meetings=MeetingModel(params, org, zones, staff, start_day) if params.meetings else None,
        work=WorkModel(params, org, zones, staff, start_day) if params.work_items else None,
    )


def simulate_slack_export(
    out_dir: Path,
    params: SimulationParams,
    progress: Callable[[int, int], None] | None = None,
) -> SimulationSummary:
    """Write the unpacked Slack export of a simulated organization to ``out_dir``.

    ``out_dir`` must be missing or empty (``ValueError`` otherwise). ``progress(done_days,
    total_days)`` is called as each local day is generated and every finished UTC day written.
    The metric values the export should measure are
    :func:`~asyncmaturity.simulate.params.expected_metrics` of ``params``. Only the chat is
    written: :func:`simulate_export` writes the meetings and work items of ``params`` beside it.
    """
    validate_params(params)
    out_dir = Path(out_dir)
    check_output_folder(out_dir)
    run = chat_run(params)
    on_day = (lambda k: progress(k + 1, params.days)) if progress is not None else None
    return write_slack_export(run, out_dir, on_day)


@dataclass
class EvidenceExportSummary:
    """What :func:`simulate_export` wrote, and the paths to ingest, in order."""

    out_dir: Path
    chat: SimulationSummary
    ingest_paths: list[Path]
    meetings: int = 0  # meeting instances, cancelled ones included
    work_items: int = 0
    work_events: int = 0
    files: dict[str, int] = field(default_factory=dict)  # GitHub records per file


def simulate_export(
    out_dir: Path,
    params: SimulationParams,
    progress: Callable[[int, int], None] | None = None,
) -> EvidenceExportSummary:
    """Write the exports of a simulated organization to ``out_dir``: chat, calendar, tracker.

    Without meetings and work items this is :func:`simulate_slack_export` (the Slack export in
    ``out_dir`` itself). With either, the Slack export goes to
    ``out_dir/slack``, the calendar to ``out_dir/calendar.ics`` and the work items to
    ``out_dir/github/``; ``ingest_paths`` lists what to give ``asyncmaturity ingest``.

    Parameters:
        out_dir: a missing or empty folder (``ValueError`` otherwise).
        params: the simulation's parameters.
        progress: called as ``progress(done_days, total_days)`` after each local day.
    """
    out_dir = Path(out_dir)
    if not (params.meetings or params.work_items):
        chat = simulate_slack_export(out_dir, params, progress)
        return EvidenceExportSummary(out_dir=out_dir, chat=chat, ingest_paths=[out_dir])
    check_output_folder(out_dir)
    run = chat_run(params)
    evidence = build_evidence(run)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = [out_dir / SLACK_FOLDER]
    calendar = None
    if evidence.meetings is not None:
        calendar = CalendarWriter(
            out_dir / CALENDAR_FILE, evidence.meetings, params.seed, export_time_s(params)
        )
        paths.append(out_dir / CALENDAR_FILE)
    github = None
    if evidence.work is not None:
        github = GitHubWriter(out_dir / GITHUB_FOLDER, evidence.staff)
        paths.append(out_dir / GITHUB_FOLDER)
    summary = EvidenceExportSummary(
        out_dir=out_dir, chat=SimulationSummary(out_dir, 0, 0, 0, 0), ingest_paths=paths
    )

    def on_day(k: int) -> None:
        if calendar is not None and evidence.meetings is not None:
            day = evidence.meetings.day(k)
            calendar.write_day(day)
            summary.meetings += len(day)
        if github is not None and evidence.work is not None:
            work = evidence.work.day(k)
            github.write_day(work)
            summary.work_items += len(work)
            summary.work_events += len(work.event_item)
        if progress is not None:
            progress(k + 1, params.days)

    summary.chat = write_slack_export(run, out_dir / SLACK_FOLDER, on_day)
    if calendar is not None:
        calendar.close()
    if github is not None:
        github.close()
        summary.files = dict(github.written)
        if not summary.work_items:
            # Empty arrays are no export any source recognises: a run without items has none.
            shutil.rmtree(out_dir / GITHUB_FOLDER)
            paths.remove(out_dir / GITHUB_FOLDER)
    return summary


def ingest_command(paths: Sequence[Path], store: str = "STORE") -> str:
    """The ``asyncmaturity ingest`` command line that reads ``paths`` into ``store``."""
    return "asyncmaturity ingest " + " ".join(str(p) for p in paths) + f" --store {store}"
