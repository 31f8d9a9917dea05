"""The dashboard's pages: the team's newest assessment drawn with the report's sections and
charts, uploads of exports and the jobs that ingest and assess them, and the full HTML report.

A job's page reloads itself every :data:`REFRESH_S` seconds while the job is queued or running
(``<meta http-equiv="refresh">``: no script).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, File, Form, Request, Response, UploadFile
from fastapi.responses import HTMLResponse

from asyncmaturity.errors import AsyncMaturityError
from asyncmaturity.sources import source_names
from asyncmaturity.web.api_dashboard import (
    Jobs,
    queue_assessment,
    queue_upload,
    require_site_admin,
    workspace_public,
)
from asyncmaturity.web.deps import Context, Db, ObjectId, TeamAdmin, TeamMember, TeamScope
from asyncmaturity.web.models import EvidenceJob
from asyncmaturity.web.pages import redirect, render
from asyncmaturity.web.pages_charter import failure
from asyncmaturity.web.services import campaigns, dashboard, jobs
from asyncmaturity.web.services import charter as charters

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)
REFRESH_S = 1
JOBS_SHOWN = 8
# The report is a page of its own: inline styles and SVG, no script, nothing fetched, sandboxed.
REPORT_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'; "
    "base-uri 'none'; form-action 'none'; sandbox"
)
PathText = Annotated[str, Form(max_length=1000)]


def _dashboard(
    request: Request,
    scope: TeamScope,
    db: Db,
    context: Context,
    status_code: int = 200,
    **extra: Any,
) -> Response:
    latest = dashboard.latest_assessment(db, team=scope.team)
    document = dashboard.document_of(latest) if latest is not None else None
    figures: dict[str, Any] = {}
    if document is not None:
        await_views = dashboard.await_metrics(document)
        figures = {
            "levels": dashboard.levels_section(document),
            "principles": dashboard.principles_section(document),
            "activities": dashboard.activities_section(document),
            "coordination_stack": dashboard.coordination_stack_section(document),
            "roadmap": dashboard.roadmap_section(document),
            "key_metrics": dashboard.key_metrics(document),
            "await_metrics": await_views,
            "await_chart": dashboard.await_chart(await_views),
            "assumptions": dashboard.assumptions_section(document),
            "visibility": dashboard.visibility_section(document),
            "survey": dashboard.survey_section(document),
        }
    surveys = jobs.survey_choices(db, team=scope.team) if scope.role == "admin" else []
    return render(
        request,
        "dashboard.html",
        scope.principal,
        status_code,
        team=scope.team,
        role=scope.role,
        site_admin=scope.user.is_site_admin,
        workspace=workspace_public(db, scope, context),
        data_dir=charters.data_root(context.settings),
        jobs=jobs.jobs_of(db, team=scope.team, limit=JOBS_SHOWN),
        progress=dashboard.job_progress,
        latest=latest,
        document=document,
        figures=figures,
        history=dashboard.assessments_of(db, team=scope.team, limit=12),
        formats=source_names(),
        max_upload_mb=context.settings.max_upload_bytes / (1024 * 1024),
        surveys=surveys,
        default_survey=campaigns.default_survey(surveys),
        error=extra.get("error"),
        paths_error=extra.get("paths_error"),
    )


@router.get("/teams/{team_id}/dashboard", name="dashboard_page")
def dashboard_page(
    team_id: ObjectId, request: Request, scope: TeamMember, db: Db, context: Context
) -> Response:
    """The newest assessment (levels chart, key metrics, AWAIT compliance, top of the roadmap),
    the team's store and jobs, and for admins the upload and assess forms."""
    return _dashboard(request, scope, db, context)


def _follow(
    request: Request,
    scope: TeamScope,
    db: Db,
    context: Context,
    queued: tuple[Jobs, BackgroundTasks],
    queue: Callable[[], EvidenceJob],
) -> Response:
    """Record a job and, once it is committed, run it; follow it on its page (or say why not)."""
    try:
        job = queue()
    except AsyncMaturityError as exc:
        status, message = failure(exc)
        return _dashboard(request, scope, db, context, status, error=message)
    runner, tasks = queued
    tasks.add_task(runner.submit, job.id)
    return redirect(f"/jobs/{job.id}")


@router.post("/teams/{team_id}/uploads")
def upload(
    team_id: ObjectId,
    request: Request,
    scope: TeamAdmin,
    db: Db,
    context: Context,
    runner: Jobs,
    tasks: BackgroundTasks,
    file: Annotated[UploadFile, File()],
    format: Annotated[str, Form(max_length=32)] = "",
) -> Response:
    """Keep the upload, queue its ingest and follow it on the job's page."""
    return _follow(
        request,
        scope,
        db,
        context,
        (runner, tasks),
        lambda: queue_upload(db, scope, context, file, format),
    )


@router.post("/teams/{team_id}/assessments")
def start_assessment(
    team_id: ObjectId,
    request: Request,
    scope: TeamAdmin,
    db: Db,
    context: Context,
    runner: Jobs,
    tasks: BackgroundTasks,
    campaign: Annotated[str, Form(max_length=20)] = "latest",
) -> Response:
    """Queue an assessment of the team's store with the chosen survey campaign and follow it on
    the job's page."""
    return _follow(
        request,
        scope,
        db,
        context,
        (runner, tasks),
        lambda: queue_assessment(db, scope, context, campaigns.read_pick(campaign)),
    )


@router.post("/teams/{team_id}/workspace")
def set_workspace(
    team_id: ObjectId,
    request: Request,
    scope: TeamAdmin,
    db: Db,
    context: Context,
    charter_path: PathText = "",
    store_path: PathText = "",
) -> Response:
    """Point the team at a charter file and a store on the server (site admins in the team)."""
    require_site_admin(scope)
    try:
        charters.set_paths(
            db,
            team=scope.team,
            charter_path=charter_path,
            store_path=store_path,
            settings=context.settings,
        )
    except AsyncMaturityError as exc:
        status, message = failure(exc)
        return _dashboard(request, scope, db, context, status, paths_error=message)
    return redirect(f"/teams/{team_id}/dashboard")


@router.get("/jobs/{job_id}", name="job_page")
def job_page(job_id: ObjectId, request: Request, scope: TeamMember) -> Response:
    """A job's progress (reloading itself until it ends), then its summary or its error."""
    job = scope.target_as(EvidenceJob)
    return render(
        request,
        "job.html",
        scope.principal,
        team=scope.team,
        role=scope.role,
        job=job,
        progress=dashboard.job_progress(job),
        refresh=REFRESH_S if job.status in jobs.UNFINISHED else None,
    )


@router.get("/teams/{team_id}/report", name="report_page")
def report_page(team_id: ObjectId, scope: TeamMember, db: Db) -> Response:
    """The newest assessment's full HTML report, as `asyncmaturity assess --html` writes it."""
    found = dashboard.require_latest(db, team=scope.team)
    return HTMLResponse(found.report_html, headers={"Content-Security-Policy": REPORT_POLICY})
