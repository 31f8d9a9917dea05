"""The JSON API of the AWAIT request ledger and the decision log, under ``/api/v1``.

Thin routes, as in :mod:`asyncmaturity.web.api`: each parses its input, calls one service of
:mod:`~asyncmaturity.web.services.ledger` or :mod:`~asyncmaturity.web.services.decisions` and
formats the result. Every route names a team's object and goes through the team guard.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, File, Query, Request, Response, UploadFile

from asyncmaturity.await_protocol.ledger import (
    RequestCheck,
    RequestStatus,
    urgency_of,
)
from asyncmaturity.decisions.records import DecisionRecord
from asyncmaturity.web.api import API_PREFIX, ERROR_RESPONSES
from asyncmaturity.web.deps import (
    MAX_ID,
    Context,
    Db,
    DecisionNumber,
    ObjectId,
    TeamAdmin,
    TeamMember,
    TeamScope,
    app_link,
)
from asyncmaturity.web.models import Decision, LedgerRequest, channel_of, utcnow
from asyncmaturity.web.schemas import (
    AlertPublic,
    DecisionCreate,
    DecisionImportPublic,
    DecisionPublic,
    DecisionsPublic,
    DecisionUpdate,
    EscalationPublic,
    LedgerExport,
    LedgerReplyPublic,
    LedgerRequestCreate,
    LedgerRequestDetail,
    LedgerRequestPublic,
    LedgerRequestsPublic,
    LedgerSettingsPublic,
    LedgerSettingsUpdate,
    LintElement,
    ReplyCreate,
    RequestCheckPublic,
)
from asyncmaturity.web.services import decisions, ledger
from asyncmaturity.web.services.escalation import (
    EmergencyNotice,
    emergency_notice,
    escalate_request,
)
from asyncmaturity.web.services.webhooks import OutboundPolicy, shown_contact

router = APIRouter(prefix=API_PREFIX, responses=ERROR_RESPONSES)
ZIP_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {"content": {"application/zip": {}}, "description": "MADR files in a zip"}
}
MARKDOWN_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/markdown": {}}, "description": "A MADR file"}
}


# -- requests -------------------------------------------------------------------------------


def check_public(check: RequestCheck) -> RequestCheckPublic:
    """The AWAIT check as the API shows it."""
    return RequestCheckPublic(
        complete=check.complete,
        missing=check.missing,
        elements={
            name: LintElement(present=e.present, evidence=e.evidence)
            for name, e in check.elements.items()
        },
        due_at=check.due_at,
        suggestion=check.text.suggestion if not check.complete else None,
        notes=list(check.text.notes),
    )


def _request_public(request: Request, summary: ledger.RequestSummary) -> LedgerRequestPublic:
    r = summary.request
    return LedgerRequestPublic(
        id=r.id,
        team_id=r.team_id,
        title=r.title,
        action=r.action,
        information=r.information,
        links=list(r.links),
        urgency=urgency_of(r.urgency),
        status=summary.status,
        overdue=summary.overdue,
        owner=summary.owner,
        owner_id=r.owner_id,
        requester=summary.requester,
        thread_url=r.thread_url,
        created_at=r.created_at,
        due_at=r.due_at,
        answered_at=r.answered_at,
        escalated_at=r.escalated_at,
        closed_at=r.closed_at,
        replies=summary.replies,
        url=app_link(request, "ledger_request_page", request_id=r.id),
    )


def _emergency_public(
    request: Request, ledger_request: LedgerRequest, notice: EmergencyNotice | None
) -> dict[str, Any]:
    """An emergency's advice, who was alerted and how, and where contacts are set if nobody."""
    if notice is None:
        return {"advice": None, "alerts": None, "escalation_settings_url": None}
    settings_url = request.url_for("ledger_settings_page", team_id=ledger_request.team_id)
    return {
        "advice": notice.text,
        "alerts": [
            AlertPublic(channel=channel_of(a.channel), target=a.target, state=a.state)
            for a in notice.alerts
        ],
        "escalation_settings_url": str(settings_url) if notice.settings_path else None,
    }


def _request_detail(
    request: Request, db: Db, ledger_request: LedgerRequest, check: RequestCheck | None = None
) -> LedgerRequestDetail:
    summary = ledger.summary_of(db, request=ledger_request, now=utcnow())
    notice = emergency_notice(db, request=ledger_request)
    return LedgerRequestDetail(
        **_request_public(request, summary).model_dump(),
        thread=[
            LedgerReplyPublic(
                id=v.reply.id, author=v.author, body=v.reply.body, created_at=v.reply.created_at
            )
            for v in ledger.replies_of(db, request=ledger_request)
        ],
        escalations=[
            EscalationPublic(
                channel=channel_of(e.channel),
                target=shown_contact(e.channel, e.target),
                ok=e.ok,
                detail=e.detail,
                attempted_at=e.attempted_at,
            )
            for e in ledger.escalations_of(db, request=ledger_request)
        ],
        **_emergency_public(request, ledger_request, notice),
        check=check_public(check) if check is not None else None,
    )


def _draft(body: LedgerRequestCreate) -> ledger.RequestDraft:
    fields = body.model_dump(exclude={"owner_name"})
    return ledger.RequestDraft(**fields, owner_text=body.owner_name)


@router.get("/teams/{team_id}/ledger/requests", tags=["ledger"])
def list_requests(
    team_id: ObjectId,
    scope: TeamMember,
    request: Request,
    db: Db,
    status: RequestStatus | None = None,
    owner_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    overdue: bool | None = None,
) -> LedgerRequestsPublic:
    """The team's requests, newest first; filter by status now, owner (a member) and overdue."""
    found = ledger.requests_of(
        db, team=scope.team, now=utcnow(), status=status, owner_id=owner_id, overdue=overdue
    )
    data = [_request_public(request, summary) for summary in found]
    return LedgerRequestsPublic(data=data, count=len(data))


@router.post("/teams/{team_id}/ledger/check", tags=["ledger"])
def check_draft(
    team_id: ObjectId, body: LedgerRequestCreate, scope: TeamMember, db: Db
) -> RequestCheckPublic:
    """The AWAIT check of a draft request and the due time it would get (nothing is stored)."""
    return check_public(ledger.check_draft(db, team=scope.team, draft=_draft(body), now=utcnow()))


@router.post("/teams/{team_id}/ledger/requests", tags=["ledger"], status_code=201)
def create_request(
    team_id: ObjectId,
    body: LedgerRequestCreate,
    scope: TeamMember,
    request: Request,
    db: Db,
    context: Context,
    tasks: BackgroundTasks,
) -> LedgerRequestDetail:
    """Add a request; it is due after the charter's window on the owner's schedule. An
    emergency has no window: it is escalated at once (webhooks, e-mail) and `advice` says to
    call or page the owner now."""
    now, draft = utcnow(), _draft(body)
    created = ledger.create_request(db, team=scope.team, requester=scope.user, draft=draft, now=now)
    check = ledger.check_draft(db, team=scope.team, draft=draft, now=now)
    if created.urgency == "emergency":
        # After the response, once the request is committed: never keep the caller waiting.
        tasks.add_task(
            escalate_request, context.sessions, request_id=created.id, settings=context.settings
        )
    return _request_detail(request, db, created, check)


@router.get("/requests/{request_id}", tags=["ledger"])
def get_request(
    request_id: ObjectId, scope: TeamMember, request: Request, db: Db
) -> LedgerRequestDetail:
    """A request with its thread and escalations."""
    return _request_detail(request, db, scope.target_as(LedgerRequest))


@router.post("/requests/{request_id}/replies", tags=["ledger"], status_code=201)
def reply(
    request_id: ObjectId, body: ReplyCreate, scope: TeamMember, request: Request, db: Db
) -> LedgerRequestDetail:
    """Reply in the thread; the first reply by anyone but the requester answers the request."""
    target = scope.target_as(LedgerRequest)
    ledger.add_reply(db, request=target, author=scope.user, body=body.body, now=utcnow())
    return _request_detail(request, db, target)


@router.post("/requests/{request_id}/close", tags=["ledger"])
def close(request_id: ObjectId, scope: TeamMember, request: Request, db: Db) -> LedgerRequestDetail:
    """Close the request (its requester, its owner or a team admin)."""
    target = scope.target_as(LedgerRequest)
    ledger.close_request(
        db, request=target, user=scope.user, is_admin=scope.role == "admin", now=utcnow()
    )
    return _request_detail(request, db, target)


def _settings_public(db: Db, scope: TeamScope) -> LedgerSettingsPublic:
    found = ledger.settings_of(db, team=scope.team)
    return LedgerSettingsPublic(
        charter=found.charter,
        webhook_urls=list(found.webhook_urls),
        escalation_emails=list(found.escalation_emails),
    )


@router.get("/teams/{team_id}/ledger/settings", tags=["ledger"])
def get_settings(team_id: ObjectId, scope: TeamAdmin, db: Db) -> LedgerSettingsPublic:
    """The team's charter and escalation targets (team admins)."""
    return _settings_public(db, scope)


@router.put("/teams/{team_id}/ledger/settings", tags=["ledger"])
def put_settings(
    team_id: ObjectId, body: LedgerSettingsUpdate, scope: TeamAdmin, db: Db, context: Context
) -> LedgerSettingsPublic:
    """Replace the team's charter (YAML, validated) and escalation targets (team admins)."""
    ledger.update_settings(
        db,
        team=scope.team,
        charter=body.charter,
        webhook_urls=body.webhook_urls,
        escalation_emails=body.escalation_emails,
        outbound=OutboundPolicy.from_settings(context.settings),
    )
    return _settings_public(db, scope)


@router.get("/teams/{team_id}/ledger/export", tags=["ledger"])
def export(team_id: ObjectId, scope: TeamAdmin, db: Db) -> LedgerExport:
    """The ledger and decision log as one JSON document, for `asyncmaturity ingest` (the
    `ledger` source) and thus `measure` and `assess` (team admins)."""
    return LedgerExport.model_validate(ledger.export_document(db, team=scope.team, now=utcnow()))


# -- decisions ------------------------------------------------------------------------------


def decision_public(
    request: Request, decision: Decision, numbers: dict[int, int], proposer: str | None
) -> DecisionPublic:
    """A record as the API shows it, with its own page's URL."""
    record = decisions.record_of(decision, numbers)
    return DecisionPublic(
        id=decision.id,
        team_id=decision.team_id,
        number=decision.number,
        title=decision.title,
        status=record.status,
        context=decision.context,
        decision=decision.decision,
        consequences=decision.consequences,
        deciders=record.deciders,
        consulted=record.consulted,
        informed=record.informed,
        tags=record.tags,
        supersedes=record.supersedes,
        superseded_by=record.superseded_by,
        work_item_url=decision.work_item_url,
        thread_url=decision.thread_url,
        proposer=proposer,
        created_at=decision.created_at,
        decided_at=decision.decided_at,
        updated_at=decision.updated_at,
        url=app_link(request, "decision_page", team_id=decision.team_id, number=decision.number),
    )


def _decisions_public(
    request: Request, db: Db, scope: TeamScope, found: list[Decision]
) -> list[DecisionPublic]:
    numbers = decisions.numbers_by_id(db, team=scope.team)
    proposers = decisions.proposers(db, decisions=found)
    return [decision_public(request, d, numbers, proposers.get(d.id)) for d in found]


def record_from(body: DecisionCreate) -> DecisionRecord:
    """The record a create body describes."""
    return DecisionRecord(**body.model_dump())


@router.get("/teams/{team_id}/decisions", tags=["decisions"])
def list_decisions(
    team_id: ObjectId,
    scope: TeamMember,
    request: Request,
    db: Db,
    status: Annotated[str | None, Query(max_length=16)] = None,
    tag: Annotated[str | None, Query(max_length=200)] = None,
    q: Annotated[str | None, Query(max_length=200, description="Text to find")] = None,
) -> DecisionsPublic:
    """The team's decision log by number; filter by status, tag and text."""
    found = decisions.decisions_of(db, team=scope.team, status=status, tag=tag, text=q)
    data = _decisions_public(request, db, scope, found)
    return DecisionsPublic(data=data, count=len(data))


@router.post("/teams/{team_id}/decisions", tags=["decisions"], status_code=201)
def create_decision(
    team_id: ObjectId, body: DecisionCreate, scope: TeamMember, request: Request, db: Db
) -> DecisionPublic:
    """Record a decision (proposed, or decided already) under the team's next number."""
    created = decisions.create_decision(
        db, team=scope.team, proposer=scope.user, record=record_from(body), now=utcnow()
    )
    return _decisions_public(request, db, scope, [created])[0]


@router.get("/teams/{team_id}/decisions/{number}", tags=["decisions"])
def get_decision(
    team_id: ObjectId, number: DecisionNumber, scope: TeamMember, request: Request, db: Db
) -> DecisionPublic:
    """One record of the decision log."""
    found = decisions.decision_by_number(db, team=scope.team, number=number)
    return _decisions_public(request, db, scope, [found])[0]


@router.patch("/teams/{team_id}/decisions/{number}", tags=["decisions"])
def update_decision(
    team_id: ObjectId,
    number: DecisionNumber,
    body: DecisionUpdate,
    scope: TeamMember,
    request: Request,
    db: Db,
) -> DecisionPublic:
    """Change the fields given; deciding a proposal dates it now."""
    found = decisions.decision_by_number(db, team=scope.team, number=number)
    # Null clears a link; for any other field it changes nothing.
    given = {
        name: value
        for name, value in body.model_dump(exclude_unset=True).items()
        if value is not None or name in ("work_item_url", "thread_url")
    }
    changes = DecisionRecord(**{**decisions.record_of(found, {}).__dict__, **given})
    decisions.update_decision(db, decision=found, changes=changes, fields=list(given), now=utcnow())
    return _decisions_public(request, db, scope, [found])[0]


@router.post("/teams/{team_id}/decisions/{number}/supersede", tags=["decisions"], status_code=201)
def supersede_decision(
    team_id: ObjectId,
    number: DecisionNumber,
    body: DecisionCreate,
    scope: TeamMember,
    request: Request,
    db: Db,
) -> DecisionPublic:
    """Record a new decision that supersedes this one (which becomes superseded)."""
    old = decisions.decision_by_number(db, team=scope.team, number=number)
    newer = decisions.supersede(
        db, team=scope.team, old=old, proposer=scope.user, record=record_from(body), now=utcnow()
    )
    return _decisions_public(request, db, scope, [newer])[0]


@router.get(
    "/teams/{team_id}/decisions/{number}/record.md",
    tags=["decisions"],
    response_class=Response,
    responses=MARKDOWN_RESPONSE,
)
def decision_markdown(
    team_id: ObjectId, number: DecisionNumber, scope: TeamMember, db: Db
) -> Response:
    """One record as a MADR Markdown file."""
    found = decisions.decision_by_number(db, team=scope.team, number=number)
    name, text = decisions.render_decision(db, team=scope.team, decision=found)
    return Response(
        text,
        media_type="text/markdown; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get(
    "/teams/{team_id}/decision-records.zip",
    tags=["decisions"],
    response_class=Response,
    responses=ZIP_RESPONSE,
)
def export_decisions(team_id: ObjectId, scope: TeamMember, db: Db) -> Response:
    """Every record of the log as MADR files in a zip (``decisions/0001-title.md``)."""
    return Response(
        decisions.export_zip(db, team=scope.team),
        media_type="application/zip",
        headers={
            "Content-Disposition": f'attachment; filename="decisions-team-{scope.team.id}.zip"'
        },
    )


@router.post("/teams/{team_id}/decision-records", tags=["decisions"], status_code=201)
def import_decisions(
    team_id: ObjectId,
    scope: TeamAdmin,
    request: Request,
    db: Db,
    files: Annotated[
        list[UploadFile], File(description="MADR or Nygard .md files, or a .zip of a folder")
    ],
) -> DecisionImportPublic:
    """Import a repository's decision records (team admins). Each keeps its number when free;
    numbers already in the log are left out and listed in `skipped`."""
    records = decisions.read_upload([(f.filename or "upload", f.file.read()) for f in files])
    result = decisions.import_records(
        db, team=scope.team, proposer=scope.user, records=records, now=utcnow()
    )
    return DecisionImportPublic(
        created=_decisions_public(request, db, scope, result.created), skipped=result.skipped
    )
