"""The charter editor's pages: the charter as a form (every field) and as YAML; team admins save,
members read. A save redirects back (post/redirect/get); an invalid charter comes back with the
values typed and the message next to the field it names."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request, Response
from fastapi.responses import HTMLResponse

from asyncmaturity.charter import REQUEST_URGENCIES, WEEKDAYS, Charter
from asyncmaturity.errors import AsyncMaturityError, InvalidCharter
from asyncmaturity.web.charter_form import (
    TEXT_FIELDS,
    WINDOW_KINDS,
    charter_from_form,
    charter_problem,
    error_field,
    form_values,
    posted_values,
    request_field,
    window_field,
)
from asyncmaturity.web.deps import Db, ObjectId, TeamAdmin, TeamMember, TeamScope
from asyncmaturity.web.errors import InvalidInput, error_status_and_code
from asyncmaturity.web.pages import redirect, render
from asyncmaturity.web.services import charter as charters
from asyncmaturity.web.services.ledger import MAX_CHARTER_BYTES

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)


def _page(
    request: Request,
    scope: TeamScope,
    db: Db,
    status_code: int = 200,
    **extra: Any,
) -> Response:
    """The editor with the stored charter, or with what was posted and what is wrong with it."""
    error: str | None = extra.get("error")
    text, origin, path = charters.stored_text(db, team=scope.team)
    try:
        charter = charters.team_charter(db, team=scope.team).charter
    except InvalidCharter as exc:  # a file edited by hand into an invalid charter: say why
        charter, error = Charter(), error or f"The stored charter is not valid: {exc}"
    if origin == "defaults":
        text = charters.canonical_yaml(charter, team=scope.team)
    return render(
        request,
        "charter.html",
        scope.principal,
        status_code,
        team=scope.team,
        editable=scope.role == "admin",
        origin=origin,
        path=path,
        values=extra.get("values") or form_values(charter),
        errors=extra.get("errors") or {},
        error=error,
        yaml_text=extra.get("yaml_text", text),
        yaml_error=extra.get("yaml_error"),
        saved=extra.get("saved", False),
        problem=extra.get("problem"),
        weekdays=WEEKDAYS,
        window_fields=[(kind, window_field(kind)) for kind in WINDOW_KINDS],
        request_fields=[(urgency, request_field(urgency)) for urgency in REQUEST_URGENCIES],
    )


async def posted_charter(request: Request) -> dict[str, Any]:
    """The charter form's fields as posted."""
    form = await request.form()
    return posted_values(form, form.getlist)


PostedCharter = Annotated[dict[str, Any], Depends(posted_charter)]


@router.get("/teams/{team_id}/charter", name="charter_page")
def charter_page(
    team_id: ObjectId, request: Request, scope: TeamMember, db: Db, saved: bool = False
) -> Response:
    """The team's charter: a form for team admins, the same read-only for members."""
    return _page(request, scope, db, saved=saved)


def failure(exc: AsyncMaturityError) -> tuple[int, str]:
    """The HTTP status of a refused change and its message, for showing it on the page."""
    status, _ = error_status_and_code(exc)
    return status, str(exc)


@router.post("/teams/{team_id}/charter")
def save_form(
    team_id: ObjectId, request: Request, scope: TeamAdmin, db: Db, values: PostedCharter
) -> Response:
    """Save the form's charter, or show it again with the field that is wrong."""
    try:
        if sum(len(str(values[name])) for name in TEXT_FIELDS) > MAX_CHARTER_BYTES:
            raise InvalidInput(f"the charter is longer than {MAX_CHARTER_BYTES // 1024} KiB")
        charters.save_charter(db, team=scope.team, charter=charter_from_form(values))
    except InvalidCharter as exc:
        status, message = failure(exc)
        problem = charter_problem(exc)
        field = problem.field or error_field(message)
        errors = {field: f"{problem.where}: {problem.detail}"} if field else {}
        return _page(
            request, scope, db, status, values=values, errors=errors, error=message, problem=problem
        )
    except AsyncMaturityError as exc:
        status, message = failure(exc)
        return _page(request, scope, db, status, values=values, error=message)
    return redirect(f"/teams/{team_id}/charter?saved=true")


@router.post("/teams/{team_id}/charter/yaml")
def save_yaml(
    team_id: ObjectId,
    request: Request,
    scope: TeamAdmin,
    db: Db,
    charter_yaml: Annotated[str, Form(max_length=MAX_CHARTER_BYTES)] = "",
) -> Response:
    """Save the charter given as YAML (stored canonical), or show it again with what is wrong."""
    try:
        charters.save_charter(db, team=scope.team, charter=charters.charter_from_yaml(charter_yaml))
    except AsyncMaturityError as exc:
        status, message = failure(exc)
        problem = (
            charter_problem(exc, yaml_text=charter_yaml)
            if isinstance(exc, InvalidCharter)
            else None
        )
        return _page(
            request,
            scope,
            db,
            status,
            yaml_text=charter_yaml,
            yaml_error=problem.detail if problem else message,
            problem=problem,
        )
    return redirect(f"/teams/{team_id}/charter?saved=true")
