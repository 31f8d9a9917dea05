"""Background jobs of a team's evidence: ingest an uploaded export into its store, assess it.

A route records the job (`queued`) and, once that is committed, hands its id to the
:class:`JobRunner`: a small pool of worker threads, where one team's jobs run one after another
(its DuckDB store takes one writer). The worker marks the job `running`, reports the core's
progress into the row (at most every :data:`PROGRESS_INTERVAL_S`), and ends it `done` with a
summary or `failed` with one line saying why: the core's message (the server's temporary and
store paths replaced by what the user knows) or, for an unexpected error, its kind only; the
traceback goes to the log, never to the page.

The work itself holds no database session: it reads what it needs first and writes the outcome
in a short transaction at the end, so SQLite's write lock is never held for the length of an
ingest.

Jobs live in the server that accepted them. While it holds some, it marks them alive every
:data:`HEARTBEAT_S`; a queued or running job left unmarked for :data:`STALE_S` lost its server
(stopped, crashed) and is failed by the next server that starts or beats, so another server over
the same database never fails a job that is still being worked on.
"""

from __future__ import annotations

import logging
import re
import secrets
import shutil
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any, BinaryIO

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from asyncmaturity.assess.document import AssessmentDocument
from asyncmaturity.charter import Charter
from asyncmaturity.errors import AsyncMaturityError
from asyncmaturity.pipeline import AssessmentRequest, run_assessment
from asyncmaturity.report import ASSESSMENT_TITLE
from asyncmaturity.sources import source_names
from asyncmaturity.store.ingest import IngestSummary, ingest
from asyncmaturity.web.errors import Conflict, InvalidInput
from asyncmaturity.web.models import (
    EvidenceJob,
    JobKind,
    Team,
    TeamAssessment,
    User,
    utcnow,
)
from asyncmaturity.web.services import campaigns
from asyncmaturity.web.services.charter import data_root, store_path, team_charter
from asyncmaturity.web.settings import WebSettings

logger = logging.getLogger("asyncmaturity.web.jobs")
PROGRESS_INTERVAL_S = 0.5
HISTORY_KEPT = 12
"""Earlier assessments an assessment reads for its trend (the newest ones)."""
UNFINISHED = ("queued", "running")
HEARTBEAT_S = 20.0
"""How often a server marks the jobs it holds (queued or running) as alive."""
STALE_S = 120.0
"""A queued or running job unmarked this long has lost its server: it is failed."""
_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


# -- recording jobs -------------------------------------------------------------------------


def upload_name(filename: str | None) -> str:
    """A safe file name for an upload that keeps its extension (formats are told by it)."""
    name = Path((filename or "").replace("\\", "/")).name
    name = _UNSAFE_NAME.sub("_", name).lstrip(".")[-120:]
    return name or "upload"


def check_format(name: str | None) -> str | None:
    """An export format name (a source of `asyncmaturity ingest --format`), or None to detect it."""
    if name is None or not name.strip():
        return None
    names = source_names()
    if name.strip() not in names:
        raise InvalidInput(f"unknown format {name.strip()!r}; use one of {', '.join(names)}")
    return name.strip()


def create_upload_job(
    db: Session,
    *,
    team: Team,
    user: User,
    filename: str | None,
    content: BinaryIO,
    source_format: str | None,
    settings: WebSettings,
) -> EvidenceJob:
    """Keep the uploaded export in the data folder and queue its ingest into the team's store."""
    chosen = check_format(source_format)
    name = upload_name(filename)
    folder = data_root(settings) / "uploads" / f"team-{team.id}-{secrets.token_hex(8)}"
    folder.mkdir(parents=True, exist_ok=False)
    target = folder / name
    with target.open("wb") as out:
        shutil.copyfileobj(content, out, length=1024 * 1024)
    if target.stat().st_size == 0:
        shutil.rmtree(folder, ignore_errors=True)
        raise InvalidInput("the uploaded file is empty")
    store_path(db, team=team, settings=settings, assign=True)
    job = EvidenceJob(
        team_id=team.id,
        kind="ingest",
        status="queued",
        created_by=user.id,
        input_name=(filename or name)[-255:],
        input_path=str(target),
        source_format=chosen,
        summary={},
    )
    db.add(job)
    db.flush()
    return job


def create_assess_job(
    db: Session,
    *,
    team: Team,
    user: User,
    settings: WebSettings,
    survey: campaigns.SurveyPick = "latest",
) -> EvidenceJob:
    """Queue an assessment of the team's store with the campaign `survey` picks (by default the
    newest that can join, if any); Conflict when the store has no evidence yet or the campaign
    cannot join."""
    store = store_path(db, team=team, settings=settings)
    if store is None or not store.is_file():
        raise Conflict("the team's store has no evidence yet: upload an export first")
    minimum = team_charter(db, team=team).charter.min_group_size
    chosen = campaigns.pick_survey(db, team=team, min_group_size=minimum, pick=survey)
    job = EvidenceJob(
        team_id=team.id,
        kind="assess",
        status="queued",
        created_by=user.id,
        campaign_id=chosen.campaign.id if chosen is not None else None,
        summary={},
    )
    db.add(job)
    db.flush()
    return job


def survey_choices(db: Session, *, team: Team) -> list[campaigns.SurveyChoice]:
    """The team's campaigns as candidate surveys of its assessment, under its charter's minimum
    group size."""
    minimum = team_charter(db, team=team).charter.min_group_size
    return campaigns.survey_choices(db, team=team, min_group_size=minimum)


def jobs_of(db: Session, *, team: Team, limit: int = 20) -> list[EvidenceJob]:
    """The team's newest jobs first."""
    query = (
        select(EvidenceJob)
        .where(EvidenceJob.team_id == team.id)
        .order_by(EvidenceJob.id.desc())
        .limit(limit)
    )
    return list(db.scalars(query))


def fail_stale(sessions: sessionmaker[Session], *, older_than_s: float = STALE_S) -> int:
    """Mark as failed the queued or running jobs whose server stopped beating for them (it
    crashed or was stopped), and remove the uploads they kept. Returns how many."""
    cutoff = utcnow() - timedelta(seconds=older_than_s)
    with sessions() as db:
        lost = db.scalars(
            select(EvidenceJob).where(
                EvidenceJob.status.in_(UNFINISHED), EvidenceJob.updated_at < cutoff
            )
        ).all()
        for job in lost:
            job.status, job.stage = "failed", "failed"
            job.error = "the server stopped before the job finished; start the job again"
            job.finished_at = job.updated_at = utcnow()
        db.commit()
    for job in lost:
        if job.input_path:
            shutil.rmtree(Path(job.input_path).parent, ignore_errors=True)
    return len(lost)


# -- running them ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Work:
    """What a job needs, read before the work starts."""

    job_id: int
    team_id: int
    team_name: str
    kind: JobKind
    store: Path
    charter: Charter
    input_path: Path | None
    input_name: str
    source_format: str | None
    history: list[dict[str, Any]]
    survey: _CampaignSurvey | None = None


@dataclass(frozen=True)
class _CampaignSurvey:
    """A campaign's published answers as the survey CSV `assess --survey` reads."""

    csv: str
    framework: str
    label: str
    record: dict[str, Any]


class JobRunner:
    """Worker threads of one app: `submit(job_id)` after the job's row is committed."""

    def __init__(self, sessions: sessionmaker[Session], settings: WebSettings) -> None:
        self.sessions = sessions
        self.settings = settings
        self._pool = ThreadPoolExecutor(
            max_workers=settings.job_workers, thread_name_prefix="asyncmaturity-job"
        )
        self._locks: dict[int, threading.Lock] = {}
        self._guard = threading.Lock()
        self._active: set[int] = set()
        self._beating: threading.Thread | None = None
        self._stopped = threading.Event()

    def submit(self, job_id: int) -> Future[None]:
        """Run the job in a worker thread; the future is done when the job has ended."""
        with self._guard:
            self._active.add(job_id)
            if self._beating is None:
                self._beating = threading.Thread(
                    target=self._beat, name="asyncmaturity-job-heartbeat", daemon=True
                )
                self._beating.start()
        return self._pool.submit(self.run, job_id)

    def shutdown(self) -> None:
        """Stop taking jobs; running ones finish."""
        self._stopped.set()
        self._pool.shutdown(wait=False, cancel_futures=True)

    @property
    def stopped(self) -> bool:
        """Whether :meth:`shutdown` was called: the runner takes no more jobs."""
        return self._stopped.is_set()

    def _beat(self) -> None:
        """While this server holds jobs, mark them alive, and fail those another server lost."""
        while not self._stopped.wait(HEARTBEAT_S):
            with self._guard:
                active = sorted(self._active)
                if not active:
                    self._beating = None
                    return
            try:
                with self.sessions() as db:
                    db.execute(
                        update(EvidenceJob)
                        .where(EvidenceJob.id.in_(active), EvidenceJob.status.in_(UNFINISHED))
                        .values(updated_at=utcnow())
                    )
                    db.commit()
                fail_stale(self.sessions)
            except Exception:  # the database away for a moment: try again at the next beat
                logger.exception("the job heartbeat failed")

    def _team_lock(self, team_id: int) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(team_id, threading.Lock())

    def run(self, job_id: int) -> None:
        """Run one queued job to its end; never raises (the outcome is in the job's row)."""
        try:
            team_id = self._team_of(job_id)
            if team_id is None:
                return
            with self._team_lock(team_id):
                work = self._start(job_id)
                if work is not None:
                    self._finish(work)
        except Exception:  # a database gone away, a team deleted meanwhile: log, keep the pool
            logger.exception("job %s could not be run", job_id)
        finally:
            with self._guard:
                self._active.discard(job_id)

    def _team_of(self, job_id: int) -> int | None:
        with self.sessions() as db:
            job = db.get(EvidenceJob, job_id)
            return job.team_id if job is not None and job.status == "queued" else None

    def _start(self, job_id: int) -> _Work | None:
        with self.sessions() as db:
            job = db.get(EvidenceJob, job_id)
            team = db.get(Team, job.team_id) if job is not None else None
            if job is None or team is None or job.status != "queued":
                return None
            try:
                charter = team_charter(db, team=team).charter
                store = store_path(db, team=team, settings=self.settings, assign=True)
            except AsyncMaturityError as exc:
                self._end(db, job, error=_one_line(exc, {}))
                return None
            assert store is not None
            history: list[dict[str, Any]] = []
            survey: _CampaignSurvey | None = None
            if job.kind == "assess" and job.campaign_id is not None:
                try:
                    survey = _campaign_survey(db, team, charter, job.campaign_id)
                except AsyncMaturityError as exc:
                    self._end(db, job, error=_one_line(exc, {}))
                    return None
            if job.kind == "assess":
                kept = db.scalars(
                    select(TeamAssessment.document)
                    .where(TeamAssessment.team_id == team.id)
                    .order_by(TeamAssessment.id.desc())
                    .limit(HISTORY_KEPT)
                )
                history = list(reversed(list(kept)))
            job.status, job.started_at, job.updated_at = "running", utcnow(), utcnow()
            job.stage = "starting"
            db.commit()
            return _Work(
                job_id=job.id,
                team_id=team.id,
                team_name=team.name,
                kind="assess" if job.kind == "assess" else "ingest",
                store=store,
                charter=charter,
                input_path=Path(job.input_path) if job.input_path else None,
                input_name=job.input_name or "the upload",
                source_format=job.source_format,
                history=history,
                survey=survey,
            )

    def _finish(self, work: _Work) -> None:
        progress = _ProgressWriter(self.sessions, work.job_id)
        replacements = {str(work.store): "the team's store"}
        if work.input_path is not None:
            replacements[str(work.input_path)] = work.input_name
        survey_file = _write_survey(work, self.settings)
        if survey_file is not None and work.survey is not None:
            replacements[str(survey_file)] = work.survey.label
        try:
            if work.kind == "ingest":
                assert work.input_path is not None
                work.store.parent.mkdir(parents=True, exist_ok=True)
                summary = ingest(
                    [work.input_path],
                    store=work.store,
                    format=work.source_format,
                    charter=work.charter,
                    progress=progress,
                )
                outcome: dict[str, Any] = ingest_summary(summary)
                assessment = None
            else:
                outcome, assessment = _assess(work, progress, survey_file)
        except AsyncMaturityError as exc:
            self._record(work, error=_one_line(exc, replacements))
            return
        except Exception as exc:
            logger.exception("job %s (%s) failed", work.job_id, work.kind)
            self._record(
                work,
                error=f"unexpected {type(exc).__name__} while running the {work.kind}; "
                "the server's log has the details",
            )
            return
        finally:
            if work.input_path is not None:
                shutil.rmtree(work.input_path.parent, ignore_errors=True)
            if survey_file is not None:
                shutil.rmtree(survey_file.parent, ignore_errors=True)
        self._record(work, summary=outcome, assessment=assessment)

    def _record(
        self,
        work: _Work,
        *,
        summary: dict[str, Any] | None = None,
        error: str | None = None,
        assessment: TeamAssessment | None = None,
    ) -> None:
        with self.sessions() as db:
            job = db.get(EvidenceJob, work.job_id)
            if job is None:  # deleted meanwhile (the team is gone): nothing to tell
                return
            if assessment is not None:
                assessment.job_id = job.id
                db.add(assessment)
                db.flush()
                summary = {**(summary or {}), "assessment_id": assessment.id}
            self._end(db, job, summary=summary, error=error)

    @staticmethod
    def _end(
        db: Session,
        job: EvidenceJob,
        *,
        summary: dict[str, Any] | None = None,
        error: str | None = None,
    ) -> None:
        job.status = "failed" if error is not None else "done"
        job.error = error
        job.summary = summary or {}
        job.stage = "failed" if error is not None else "done"
        job.finished_at = job.updated_at = utcnow()
        db.commit()


class _ProgressWriter:
    """The core's progress callback, written into the job's row at most every interval."""

    def __init__(self, sessions: sessionmaker[Session], job_id: int) -> None:
        self.sessions = sessions
        self.job_id = job_id
        self._last = 0.0

    def __call__(self, stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self._last < PROGRESS_INTERVAL_S and done < total:
            return
        self._last = now
        with self.sessions() as db:
            db.execute(
                update(EvidenceJob)
                .where(EvidenceJob.id == self.job_id, EvidenceJob.status == "running")
                .values(
                    stage=stage[:100], done=max(done, 0), total=max(total, 0), updated_at=utcnow()
                )
            )
            db.commit()


def ingest_summary(summary: IngestSummary) -> dict[str, Any]:
    """What an ingest did, as a job's summary (no server paths)."""
    return {
        "records_read": summary.records_read,
        "added": summary.added,
        "duplicates": summary.duplicates,
        "skipped": summary.skipped,
        "skipped_total": summary.skipped_total,
        "sources": sorted({export.source for export in summary.exports}),
    }


def _campaign_survey(
    db: Session, team: Team, charter: Charter, campaign_id: int
) -> _CampaignSurvey:
    """The campaign's answers for an assessment, checked again: it must still be able to join."""
    chosen = campaigns.pick_survey(
        db, team=team, min_group_size=charter.min_group_size, pick=campaign_id
    )
    assert chosen is not None
    return _CampaignSurvey(
        csv=campaigns.export_csv(db, campaign=chosen.campaign, team=team),
        framework=chosen.campaign.framework,
        label=chosen.label(),
        record=chosen.record(),
    )


def _write_survey(work: _Work, settings: WebSettings) -> Path | None:
    """The campaign's CSV as a file of its own in the data folder, for `run_assessment`."""
    if work.survey is None:
        return None
    folder = data_root(settings) / "surveys" / f"team-{work.team_id}-{secrets.token_hex(8)}"
    folder.mkdir(parents=True, exist_ok=False)
    path = folder / f"campaign-{work.survey.record['id']}.csv"
    path.write_text(work.survey.csv, encoding="utf-8")
    return path


def _assess(
    work: _Work, progress: Callable[[str, int, int], None], survey_file: Path | None
) -> tuple[dict[str, Any], TeamAssessment]:
    history = [
        AssessmentDocument.from_json(document, origin="a kept assessment")
        for document in work.history
    ]
    outcome = run_assessment(
        AssessmentRequest(
            store=work.store,
            charter=work.charter,
            history=history,
            title=f"{ASSESSMENT_TITLE}: {work.team_name}",
            # The file's name: the server's folders are not news to the team.
            store_name=work.store.name,
            # The same survey input `assess --survey` reads, named after its campaign.
            survey=survey_file,
            framework=work.survey.framework if work.survey is not None else "five-area",
            survey_name=work.survey.label if work.survey is not None else None,
        ),
        progress=progress,
    )
    document = outcome.document
    stage = document.stage
    kept_json = document.to_json()
    if kept_json.get("survey") is not None:
        # The bootstrap has used the per-option counts; the page and API show none of them.
        kept_json["survey"] = campaigns.without_option_counts(kept_json["survey"])
    record = work.survey.record if work.survey is not None else None
    kept = TeamAssessment(
        team_id=work.team_id,
        overall_level=document.overall.level,
        stage_level=stage.level if stage is not None else None,
        document=kept_json,
        report_html=outcome.html(),
        survey_campaign=record,
    )
    summary = {
        "overall_level": document.overall.level,
        "overall_name": document.overall.name,
        "stage_level": stage.level if stage is not None else None,
        "stage_name": stage.name if stage is not None else None,
        "survey_campaign": record,
    }
    return summary, kept


def _one_line(exc: AsyncMaturityError, replacements: dict[str, str]) -> str:
    """The core's message on one line, with server paths swapped for what the user knows."""
    lines = str(exc).strip().splitlines()
    text = lines[0] if lines else type(exc).__name__
    for path, name in sorted(replacements.items(), key=lambda item: -len(item[0])):
        text = text.replace(path, name)
    return text.replace("pass --format", "choose the format")[:1000]
