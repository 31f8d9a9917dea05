"""The JSON API of the dashboard, under ``/api/v1``: the team's files on the server, uploads that
are ingested in the background, assessments, and the figures of the newest one.

Uploads and assessments answer 202 with the job; `GET /api/v1/jobs/{job_id}` follows it until
it is `done` (its summary) or `failed` (its one-line error).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Depends, File, Form, Request, UploadFile
from sqlalchemy.orm import Session

from asyncmaturity.web.api import API_PREFIX, ERROR_RESPONSES
from asyncmaturity.web.deps import (
    Context,
    Db,
    ObjectId,
    TeamAdmin,
    TeamMember,
    TeamScope,
    app_link,
    parse_id,
    scope_resolver,
)
from asyncmaturity.web.errors import Forbidden
from asyncmaturity.web.models import EvidenceJob, TeamAssessment, TeamWorkspace
from asyncmaturity.web.schemas_evidence import (
    AssessmentPublic,
    AssessmentsPublic,
    AssessmentStart,
    AssessmentSummary,
    JobPublic,
    JobsPublic,
    MetricPublic,
    MetricsPublic,
    SurveyChoicePublic,
    SurveyChoicesPublic,
    WorkspacePublic,
    WorkspaceUpdate,
)
from asyncmaturity.web.services import campaigns, dashboard, jobs
from asyncmaturity.web.services import charter as charters
from asyncmaturity.web.services.campaigns import SurveyPick
from asyncmaturity.web.services.jobs import JobRunner

router = APIRouter(prefix=API_PREFIX, responses=ERROR_RESPONSES)


@scope_resolver("job_id")
def _job(db: Session, raw: str) -> tuple[int, object] | None:
    key = parse_id(raw)
    job = db.get(EvidenceJob, key) if key is not None else None
    return None if job is None else (job.team_id, job)


def get_jobs(request: Request) -> JobRunner:
    """The app's job runner (:func:`~asyncmaturity.web.app.create_app` made it)."""
    runner: JobRunner = request.app.state.jobs
    return runner


Jobs = Annotated[JobRunner, Depends(get_jobs)]


def require_site_admin(scope: TeamScope) -> None:
    """Server paths are the server's business: only a site admin (in the team) sets them."""
    if not scope.user.is_site_admin:
        raise Forbidden("only a site admin can point a team at files on the server")


def workspace_public(db: Db, scope: TeamScope, context: Context) -> WorkspacePublic:
    """The team's paths and which store uploads go into."""
    workspace: TeamWorkspace = charters.workspace_of(db, team=scope.team)
    store = charters.store_path(db, team=scope.team, settings=context.settings)
    return WorkspacePublic(
        charter_path=workspace.charter_path,
        store_path=workspace.store_path,
        store="pointed" if workspace.store_path else ("owned" if store else "none"),
        store_exists=store is not None and store.is_file(),
    )


def job_public(request: Request, job: EvidenceJob) -> JobPublic:
    """A job as the API shows it."""
    return JobPublic(
        id=job.id,
        team_id=job.team_id,
        kind="assess" if job.kind == "assess" else "ingest",
        status=dashboard.job_status(job.status),
        input_name=job.input_name,
        format=job.source_format,
        stage=job.stage,
        done=job.done,
        total=job.total,
        progress=dashboard.job_progress(job),
        summary=job.summary or {},
        error=job.error,
        created_at=job.created_at,
        started_at=job.started_at,
        finished_at=job.finished_at,
        url=app_link(request, "job_page", job_id=job.id),
    )


def assessment_summary(
    request: Request, found: TeamAssessment, latest_id: int | None
) -> AssessmentSummary:
    """A kept assessment without its document; the newest links its report."""
    report = (
        app_link(request, "report_page", team_id=found.team_id) if found.id == latest_id else None
    )
    return AssessmentSummary(
        id=found.id,
        created_at=found.created_at,
        job_id=found.job_id,
        overall_level=found.overall_level,
        stage_level=found.stage_level,
        report_url=str(report) if report is not None else None,
        survey_campaign=found.survey_campaign,
    )


def queue_upload(
    db: Db, scope: TeamScope, context: Context, file: UploadFile, source_format: str | None
) -> EvidenceJob:
    """Keep the uploaded export and record its ingest job (queued)."""
    return jobs.create_upload_job(
        db,
        team=scope.team,
        user=scope.user,
        filename=file.filename,
        content=file.file,
        source_format=source_format,
        settings=context.settings,
    )


def queue_assessment(
    db: Db, scope: TeamScope, context: Context, survey: SurveyPick = "latest"
) -> EvidenceJob:
    """Record an assessment job of the team's store with the chosen campaign (queued);
    Conflict without evidence or for a campaign that cannot join."""
    return jobs.create_assess_job(
        db, team=scope.team, user=scope.user, settings=context.settings, survey=survey
    )


def survey_choices_public(db: Db, scope: TeamScope) -> SurveyChoicesPublic:
    """The team's campaigns as candidate surveys of its assessment, and the default one."""
    choices = jobs.survey_choices(db, team=scope.team)
    default = campaigns.default_survey(choices)
    data = [
        SurveyChoicePublic(
            id=choice.campaign.id,
            title=choice.campaign.title,
            status="open" if choice.campaign.status == "open" else "closed",
            submitted=choice.submitted,
            min_group_size=choice.campaign.min_group_size,
            usable=choice.usable,
            reason=choice.reason,
        )
        for choice in choices
    ]
    return SurveyChoicesPublic(
        data=data, count=len(data), default=default.campaign.id if default else None
    )


# -- the team's files -----------------------------------------------------------------------


@router.get("/teams/{team_id}/workspace", tags=["dashboard"])
def get_workspace(team_id: ObjectId, scope: TeamAdmin, db: Db, context: Context) -> WorkspacePublic:
    """The team's charter file and evidence store on the server (team admins)."""
    return workspace_public(db, scope, context)


@router.put("/teams/{team_id}/workspace", tags=["dashboard"])
def put_workspace(
    team_id: ObjectId, body: WorkspaceUpdate, scope: TeamAdmin, db: Db, context: Context
) -> WorkspacePublic:
    """Point the team at a charter file (`.yaml`) and a DuckDB store (`.duckdb`) on the server,
    by absolute path, or clear them (site admins who are the team's admins)."""
    require_site_admin(scope)
    charters.set_paths(
        db,
        team=scope.team,
        charter_path=body.charter_path,
        store_path=body.store_path,
        settings=context.settings,
    )
    return workspace_public(db, scope, context)


# -- jobs -----------------------------------------------------------------------------------


@router.post("/teams/{team_id}/uploads", tags=["dashboard"], status_code=202)
def upload(
    team_id: ObjectId,
    scope: TeamAdmin,
    request: Request,
    db: Db,
    context: Context,
    runner: Jobs,
    tasks: BackgroundTasks,
    file: Annotated[UploadFile, File(description="An export: zip, mbox, ics, json...")],
    format: Annotated[
        str | None,
        Form(max_length=32, description="The export's format; empty: told from the file."),
    ] = None,
) -> JobPublic:
    """Upload an export (at most the server's `max_upload_bytes`) to be ingested into the
    team's store with the team's charter, in the background (team admins)."""
    job = queue_upload(db, scope, context, file, format)
    tasks.add_task(runner.submit, job.id)  # after the response: the job's row is committed
    return job_public(request, job)


@router.get("/teams/{team_id}/jobs", tags=["dashboard"])
def list_jobs(team_id: ObjectId, scope: TeamMember, request: Request, db: Db) -> JobsPublic:
    """The team's newest ingest and assessment jobs."""
    data = [job_public(request, job) for job in jobs.jobs_of(db, team=scope.team)]
    return JobsPublic(data=data, count=len(data))


@router.get("/jobs/{job_id}", tags=["dashboard"])
def get_job(job_id: ObjectId, scope: TeamMember, request: Request) -> JobPublic:
    """A job: queued, running (its stage and progress), done (its summary) or failed (why)."""
    return job_public(request, scope.target_as(EvidenceJob))


# -- assessments ----------------------------------------------------------------------------


@router.post("/teams/{team_id}/assessments", tags=["dashboard"], status_code=202)
def start_assessment(
    team_id: ObjectId,
    scope: TeamAdmin,
    request: Request,
    db: Db,
    context: Context,
    runner: Jobs,
    tasks: BackgroundTasks,
    body: AssessmentStart | None = None,
) -> JobPublic:
    """Assess the team's store with its charter and a survey campaign (by default the newest
    that can join) in the background (team admins); 409 while the store has no evidence or for a
    campaign that cannot join."""
    job = queue_assessment(db, scope, context, (body or AssessmentStart()).campaign)
    tasks.add_task(runner.submit, job.id)
    return job_public(request, job)


@router.get("/teams/{team_id}/assessments/campaigns", tags=["dashboard"])
def assessment_campaigns(team_id: ObjectId, scope: TeamMember, db: Db) -> SurveyChoicesPublic:
    """The team's campaigns, each with whether it can join an assessment (published, and at
    least the charter's minimum group size of responses) and why not; the default one."""
    return survey_choices_public(db, scope)


@router.get("/teams/{team_id}/assessments", tags=["dashboard"])
def list_assessments(
    team_id: ObjectId, scope: TeamMember, request: Request, db: Db
) -> AssessmentsPublic:
    """The team's kept assessments, newest first."""
    found = dashboard.assessments_of(db, team=scope.team)
    latest = found[0].id if found else None
    data = [assessment_summary(request, a, latest) for a in found]
    return AssessmentsPublic(data=data, count=len(data))


@router.get("/teams/{team_id}/assessments/latest", tags=["dashboard"])
def latest_assessment(
    team_id: ObjectId, scope: TeamMember, request: Request, db: Db
) -> AssessmentPublic:
    """The newest assessment with its document (as `asyncmaturity assess --json` writes it);
    409 while there is none."""
    found = dashboard.require_latest(db, team=scope.team)
    summary = assessment_summary(request, found, found.id)
    return AssessmentPublic(**summary.model_dump(), document=dashboard.document_of(found))


@router.get("/teams/{team_id}/metrics", tags=["dashboard"])
def latest_metrics(team_id: ObjectId, scope: TeamMember, db: Db) -> MetricsPublic:
    """The team-level metrics of the newest assessment; 409 while there is none."""
    found = dashboard.require_latest(db, team=scope.team)
    document = dashboard.document_of(found)
    views = dashboard.metrics_of(document)
    data = [MetricPublic(**view.__dict__) for view in views]
    period = document.period.model_dump()
    return MetricsPublic(
        assessment_id=found.id,
        created_at=found.created_at,
        period=period,
        data=data,
        count=len(data),
    )
