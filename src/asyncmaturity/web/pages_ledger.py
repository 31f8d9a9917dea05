"""Pages of the AWAIT request ledger and the decision log: the same services as the API, as
forms and tables without JavaScript (post/redirect/get, the session's CSRF token in every form).

The request form's "Check" button re-renders the form with its AWAIT check and the due time the
request would get; "Add request" stores it. A form the services refuse comes back with the
message and the values typed.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import (
    APIRouter,
    BackgroundTasks,
    Depends,
    File,
    Form,
    Query,
    Request,
    Response,
    UploadFile,
)
from fastapi.responses import HTMLResponse

from asyncmaturity.await_protocol.ledger import (
    REQUEST_STATUSES,
    URGENCIES,
    RequestCheck,
)
from asyncmaturity.decisions.records import DECISION_STATUSES, DecisionRecord
from asyncmaturity.errors import AsyncMaturityError
from asyncmaturity.web.deps import (
    Context,
    Db,
    DecisionNumber,
    ObjectId,
    TeamAdmin,
    TeamMember,
    TeamScope,
    parse_id,
)
from asyncmaturity.web.errors import InvalidInput, error_status_and_code
from asyncmaturity.web.models import LedgerRequest, utcnow
from asyncmaturity.web.pages import (
    FormText,
    redirect,
    redirect_with_flash,
    render,
    render_flashed,
)
from asyncmaturity.web.services import decisions, ledger
from asyncmaturity.web.services.escalation import emergency_notice, escalate_request
from asyncmaturity.web.services.webhooks import OutboundPolicy

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)
OptionalText = Annotated[str, Form(max_length=20000)]
NEW_STATUSES = tuple(s for s in DECISION_STATUSES if s != "superseded")
_LIST_SPLIT = re.compile(r"[,\n]")
ALERT_REFRESH_S = 2
SKIPPED_SHOWN = 5
SKIPPED_REASON_CHARS = 200


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _names(text: str) -> list[str]:
    return [part.strip() for part in _LIST_SPLIT.split(text) if part.strip()]


def _failure(exc: AsyncMaturityError) -> tuple[int, str]:
    status, _ = error_status_and_code(exc)
    return status, str(exc)


# -- the ledger -----------------------------------------------------------------------------


def _ledger_page(
    request: Request,
    scope: TeamScope,
    db: Db,
    *,
    form: dict[str, str] | None = None,
    check: RequestCheck | None = None,
    error: str | None = None,
    status_code: int = 200,
    filters: dict[str, str] | None = None,
) -> Response:
    filters = filters or {"status": "", "owner": "", "overdue": ""}
    owner = parse_id(filters["owner"]) if filters["owner"] else None
    overdue = {"yes": True, "no": False}.get(filters["overdue"])
    status = filters["status"] if filters["status"] in REQUEST_STATUSES else None
    found = ledger.requests_of(
        db,
        team=scope.team,
        now=utcnow(),
        status=status,
        owner_id=owner,
        overdue=overdue,
    )
    return render(
        request,
        "ledger.html",
        scope.principal,
        status_code,
        team=scope.team,
        role=scope.role,
        requests=found,
        members=ledger.team_members(db, team=scope.team),
        urgencies=URGENCIES,
        statuses=REQUEST_STATUSES,
        filters=filters,
        form=form
        or {
            "title": "",
            "owner": "",
            "owner_name": "",
            "urgency": "normal",
            "action": "",
            "information": "",
            "links": "",
            "thread_url": "",
        },
        check=check,
        error=error,
    )


@router.get("/teams/{team_id}/ledger", name="ledger_page")
def ledger_page(
    team_id: ObjectId,
    request: Request,
    scope: TeamMember,
    db: Db,
    status: Annotated[str, Query(max_length=16)] = "",
    owner: Annotated[str, Query(max_length=12)] = "",
    overdue: Annotated[str, Query(max_length=3)] = "",
) -> Response:
    """The team's requests (filter by status, owner, overdue) and the form to add one."""
    filters = {"status": status, "owner": owner, "overdue": overdue}
    return _ledger_page(request, scope, db, filters=filters)


@router.post("/teams/{team_id}/ledger")
def create_request(
    team_id: ObjectId,
    request: Request,
    scope: TeamMember,
    db: Db,
    context: Context,
    tasks: BackgroundTasks,
    title: FormText,
    action: OptionalText = "",
    information: OptionalText = "",
    links: OptionalText = "",
    urgency: Annotated[str, Form(max_length=16)] = "normal",
    owner: Annotated[str, Form(max_length=12)] = "",
    owner_name: Annotated[str, Form(max_length=200)] = "",
    thread_url: Annotated[str, Form(max_length=2000)] = "",
    intent: Annotated[str, Form(pattern="^(check|create)$")] = "create",
) -> Response:
    """Check the draft (intent=check) or add the request and show it."""
    form = {
        "title": title,
        "owner": owner,
        "owner_name": owner_name,
        "urgency": urgency,
        "action": action,
        "information": information,
        "links": links,
        "thread_url": thread_url,
    }
    now = utcnow()
    draft = ledger.RequestDraft(
        title=title,
        action=action,
        information=information,
        links=_lines(links),
        urgency=urgency,
        owner_id=parse_id(owner) if owner else None,
        owner_text=owner_name or None,
        thread_url=thread_url or None,
    )
    try:
        check = ledger.check_draft(db, team=scope.team, draft=draft, now=now)
        if intent == "check":
            return _ledger_page(request, scope, db, form=form, check=check)
        created = ledger.create_request(
            db, team=scope.team, requester=scope.user, draft=draft, now=now
        )
    except (AsyncMaturityError, ValueError) as exc:
        status, message = _failure(exc) if isinstance(exc, AsyncMaturityError) else (422, str(exc))
        return _ledger_page(request, scope, db, form=form, error=message, status_code=status)
    if created.urgency == "emergency":
        # Once the request is committed, as the API does; the page says to call or page now.
        tasks.add_task(
            escalate_request, context.sessions, request_id=created.id, settings=context.settings
        )
    return redirect(f"/requests/{created.id}")


@router.get("/requests/{request_id}", name="ledger_request_page")
def request_page(request_id: ObjectId, request: Request, scope: TeamMember, db: Db) -> Response:
    """A request: what, who, by when, its status, its thread and a reply form."""
    target = scope.target_as(LedgerRequest)
    summary = ledger.summary_of(db, request=target, now=utcnow())
    notice = emergency_notice(db, request=target)
    may_close = target.closed_at is None and (
        scope.role == "admin" or scope.user.id in (target.requester_id, target.owner_id)
    )
    return render(
        request,
        "ledger_request.html",
        scope.principal,
        team=scope.team,
        summary=summary,
        item=target,
        replies=ledger.replies_of(db, request=target),
        escalations=ledger.escalations_of(db, request=target),
        may_close=may_close,
        notice=notice,
        # While an alert is being sent, the page reloads itself to show how it went.
        refresh=ALERT_REFRESH_S
        if notice is not None and any(a.state == "being sent" for a in notice.alerts)
        else None,
    )


@router.post("/requests/{request_id}/replies")
def reply(request_id: ObjectId, scope: TeamMember, db: Db, body: FormText) -> Response:
    """Add a reply to the thread and show the request again."""
    target = scope.target_as(LedgerRequest)
    ledger.add_reply(db, request=target, author=scope.user, body=body, now=utcnow())
    return redirect(f"/requests/{request_id}")


@router.post("/requests/{request_id}/close")
def close(request_id: ObjectId, scope: TeamMember, db: Db) -> Response:
    """Close the request (requester, owner or team admin)."""
    target = scope.target_as(LedgerRequest)
    ledger.close_request(
        db, request=target, user=scope.user, is_admin=scope.role == "admin", now=utcnow()
    )
    return redirect(f"/requests/{request_id}")


def _settings_page(
    request: Request, scope: TeamScope, values: dict[str, str], **extra: Any
) -> Response:
    return render(
        request,
        "ledger_settings.html",
        scope.principal,
        extra.pop("status_code", 200),
        team=scope.team,
        values=values,
        saved=extra.get("saved", False),
        error=extra.get("error"),
    )


@router.get("/teams/{team_id}/ledger/settings", name="ledger_settings_page")
def settings_page(
    team_id: ObjectId, request: Request, scope: TeamAdmin, db: Db, saved: bool = False
) -> Response:
    """The team's charter (due times) and escalation targets (team admins)."""
    found = ledger.settings_of(db, team=scope.team)
    values = {
        "charter": found.charter,
        "webhook_urls": "\n".join(found.webhook_urls),
        "escalation_emails": "\n".join(found.escalation_emails),
    }
    return _settings_page(request, scope, values, saved=saved)


@router.post("/teams/{team_id}/ledger/settings")
def save_settings(
    team_id: ObjectId,
    request: Request,
    scope: TeamAdmin,
    db: Db,
    context: Context,
    charter: Annotated[str, Form(max_length=65536)] = "",
    webhook_urls: OptionalText = "",
    escalation_emails: OptionalText = "",
) -> Response:
    """Save the settings, or show the form again with what is wrong."""
    values = {
        "charter": charter,
        "webhook_urls": webhook_urls,
        "escalation_emails": escalation_emails,
    }
    try:
        ledger.update_settings(
            db,
            team=scope.team,
            charter=charter,
            webhook_urls=_lines(webhook_urls),
            escalation_emails=_lines(escalation_emails),
            outbound=OutboundPolicy.from_settings(context.settings),
        )
    except AsyncMaturityError as exc:
        status, message = _failure(exc)
        return _settings_page(request, scope, values, error=message, status_code=status)
    return redirect(f"/teams/{team_id}/ledger/settings?saved=true")


# -- the decision log -----------------------------------------------------------------------

_EMPTY_DECISION = {
    "title": "",
    "status": "proposed",
    "context": "",
    "decision": "",
    "consequences": "",
    "deciders": "",
    "consulted": "",
    "informed": "",
    "tags": "",
    "work_item_url": "",
    "thread_url": "",
}


def _decisions_page(
    request: Request,
    scope: TeamScope,
    db: Db,
    filters: dict[str, str],
    status_code: int = 200,
    **extra: Any,
) -> Response:
    status = filters["status"] if filters["status"] in DECISION_STATUSES else None
    found = decisions.decisions_of(
        db, team=scope.team, status=status, tag=filters["tag"], text=filters["q"]
    )
    return render(
        request,
        "decisions.html",
        scope.principal,
        status_code,
        team=scope.team,
        role=scope.role,
        decisions=found,
        filters=filters,
        statuses=DECISION_STATUSES,
        new_statuses=NEW_STATUSES,
        form=extra.get("form") or dict(_EMPTY_DECISION),
        error=extra.get("error"),
        imported=extra.get("imported"),
    )


_NO_FILTERS = {"status": "", "tag": "", "q": ""}


@router.get("/teams/{team_id}/decisions", name="decisions_page")
def decisions_page(
    team_id: ObjectId,
    request: Request,
    scope: TeamMember,
    db: Db,
    context: Context,
    status: Annotated[str, Query(max_length=16)] = "",
    tag: Annotated[str, Query(max_length=200)] = "",
    q: Annotated[str, Query(max_length=200)] = "",
) -> Response:
    """The team's decision log (filter by status, tag, text), the form to record one, import
    and export of MADR files (and, once after an import, what it added and left out)."""
    filters = {"status": status, "tag": tag, "q": q}
    return render_flashed(
        request,
        context,
        scope.principal,
        lambda flash: _decisions_page(request, scope, db, filters, imported=flash.get("imported")),
    )


DecisionForm = Annotated[str, Form(max_length=100_000)]


def _record(form: dict[str, str]) -> DecisionRecord:
    if form["status"] not in NEW_STATUSES:
        raise InvalidInput(f"status is one of {', '.join(NEW_STATUSES)}")
    return DecisionRecord(
        title=form["title"],
        status=form["status"],
        context=form["context"],
        decision=form["decision"],
        consequences=form["consequences"],
        deciders=_names(form["deciders"]),
        consulted=_names(form["consulted"]),
        informed=_names(form["informed"]),
        tags=_names(form["tags"]),
        work_item_url=form["work_item_url"] or None,
        thread_url=form["thread_url"] or None,
    )


def decision_form(
    title: FormText,
    status: Annotated[str, Form(max_length=16)] = "proposed",
    context: DecisionForm = "",
    decision: DecisionForm = "",
    consequences: DecisionForm = "",
    deciders: OptionalText = "",
    consulted: OptionalText = "",
    informed: OptionalText = "",
    tags: OptionalText = "",
    work_item_url: Annotated[str, Form(max_length=2000)] = "",
    thread_url: Annotated[str, Form(max_length=2000)] = "",
) -> dict[str, str]:
    """The fields a decision form posts (lists as comma- or line-separated text)."""
    return {
        "title": title,
        "status": status,
        "context": context,
        "decision": decision,
        "consequences": consequences,
        "deciders": deciders,
        "consulted": consulted,
        "informed": informed,
        "tags": tags,
        "work_item_url": work_item_url,
        "thread_url": thread_url,
    }


DecisionFormValues = Annotated[dict[str, str], Depends(decision_form)]


@router.post("/teams/{team_id}/decisions")
def create_decision(
    team_id: ObjectId,
    request: Request,
    scope: TeamMember,
    db: Db,
    form: DecisionFormValues,
) -> Response:
    """Record a decision and show it at its own URL."""
    try:
        created = decisions.create_decision(
            db, team=scope.team, proposer=scope.user, record=_record(form), now=utcnow()
        )
    except AsyncMaturityError as exc:
        code, message = _failure(exc)
        return _decisions_page(request, scope, db, _NO_FILTERS, code, form=form, error=message)
    return redirect(f"/teams/{team_id}/decisions/{created.number}")


@router.post("/teams/{team_id}/decision-records")
def import_decisions(
    team_id: ObjectId,
    request: Request,
    scope: TeamAdmin,
    db: Db,
    context: Context,
    files: Annotated[list[UploadFile], File()],
) -> Response:
    """Import uploaded MADR files or a .zip of a decision folder (team admins)."""
    try:
        records = decisions.read_upload(
            [(f.filename or "upload", f.file.read()) for f in files if f.filename]
        )
        result = decisions.import_records(
            db, team=scope.team, proposer=scope.user, records=records, now=utcnow()
        )
    except AsyncMaturityError as exc:
        code, message = _failure(exc)
        return _decisions_page(request, scope, db, _NO_FILTERS, code, error=message)
    # A cookie holds about 4 KB: the first few files left out are named, the rest counted.
    skipped = [reason[:SKIPPED_REASON_CHARS] for reason in result.skipped[:SKIPPED_SHOWN]]
    imported = {
        "created": len(result.created),
        "skipped": skipped,
        "more": len(result.skipped) - len(skipped),
    }
    return redirect_with_flash(
        f"/teams/{team_id}/decisions", request, context, scope.principal, imported=imported
    )


def _decision_page(
    request: Request, scope: TeamScope, db: Db, number: int, **extra: Any
) -> Response:
    found = decisions.decision_by_number(db, team=scope.team, number=number)
    record = decisions.record_of(found, decisions.numbers_by_id(db, team=scope.team))
    form = {
        **_EMPTY_DECISION,
        **{name: getattr(record, name) or "" for name in _EMPTY_DECISION},
        **{
            name: ", ".join(getattr(record, name))
            for name in ("deciders", "consulted", "informed", "tags")
        },
    }
    return render(
        request,
        "decision.html",
        scope.principal,
        extra.pop("status_code", 200),
        team=scope.team,
        item=found,
        record=record,
        proposer=decisions.proposers(db, decisions=[found]).get(found.id),
        form=extra.get("form") or form,
        new_statuses=NEW_STATUSES,
        blank=dict(_EMPTY_DECISION),
        error=extra.get("error"),
    )


@router.get("/teams/{team_id}/decisions/{number}", name="decision_page")
def decision_page(
    team_id: ObjectId, number: DecisionNumber, request: Request, scope: TeamMember, db: Db
) -> Response:
    """One decision record at its own URL, with its links, the edit and supersede forms."""
    return _decision_page(request, scope, db, number)


@router.post("/teams/{team_id}/decisions/{number}")
def edit_decision(
    team_id: ObjectId,
    number: DecisionNumber,
    request: Request,
    scope: TeamMember,
    db: Db,
    form: DecisionFormValues,
) -> Response:
    """Save the edit form (a superseded record keeps its status) and show the record."""
    found = decisions.decision_by_number(db, team=scope.team, number=number)
    fields = [f for f in decisions.EDITABLE if f != "status" or found.status != "superseded"]
    try:
        if found.status == "superseded":
            form["status"] = "accepted"  # not shown on the form; kept below
        decisions.update_decision(
            db, decision=found, changes=_record(form), fields=fields, now=utcnow()
        )
    except AsyncMaturityError as exc:
        code, message = _failure(exc)
        return _decision_page(
            request, scope, db, number, form=form, error=message, status_code=code
        )
    return redirect(f"/teams/{team_id}/decisions/{number}")


@router.post("/teams/{team_id}/decisions/{number}/supersede")
def supersede_decision(
    team_id: ObjectId,
    number: DecisionNumber,
    request: Request,
    scope: TeamMember,
    db: Db,
    form: DecisionFormValues,
) -> Response:
    """Record the new decision that supersedes this one, and show it."""
    old = decisions.decision_by_number(db, team=scope.team, number=number)
    try:
        newer = decisions.supersede(
            db, team=scope.team, old=old, proposer=scope.user, record=_record(form), now=utcnow()
        )
    except AsyncMaturityError as exc:
        code, message = _failure(exc)
        return _decision_page(request, scope, db, number, error=message, status_code=code)
    return redirect(f"/teams/{team_id}/decisions/{newer.number}")
