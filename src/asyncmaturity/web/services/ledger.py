"""The AWAIT request ledger of a team: requests with an owner, a window, an action and the
information, answered in a thread; the team's charter and escalation contacts; the JSON export
that `asyncmaturity ingest --format ledger` reads.

The rules (due times, status, what needs escalation) are the core's :mod:`asyncmaturity.await_protocol.ledger`;
this module stores and finds things.

Example::

    draft = RequestDraft(title="Pricing review", action="Approve the new tiers",
                         information="Doc: https://docs.example/p", owner_id=dana.id)
    request = create_request(db, team=team, requester=user, draft=draft, now=utcnow())
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import yaml
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from asyncmaturity import __version__
from asyncmaturity.await_protocol.ledger import (
    RequestCheck,
    RequestStatus,
    check_request,
    first_answer,
    is_overdue,
    request_due_at,
    request_status,
    urgency_of,
)
from asyncmaturity.charter import Charter, parse_charter
from asyncmaturity.errors import InvalidCharter
from asyncmaturity.web.errors import Conflict, Forbidden, InvalidInput
from asyncmaturity.web.models import (
    Decision,
    LedgerEscalation,
    LedgerReply,
    LedgerRequest,
    Membership,
    Team,
    TeamLedgerSettings,
    User,
    utcnow,
)
from asyncmaturity.web.services.accounts import emails_by_id
from asyncmaturity.web.services.webhooks import OutboundPolicy, check_target
from asyncmaturity.yamlfile import bad_value, yaml_line

EXPORT_FORMAT = "asyncmaturity-ledger"
EXPORT_VERSION = 1
MAX_CHARTER_BYTES = 64 * 1024
MAX_TARGETS = 20
_EMAIL = re.compile(r"^[^@\s,;]+@[^@\s,;]+\.[^@\s,;]+$")
_URL = re.compile(r"^https?://[^\s/?#]+[^\s]*$")


@dataclass(frozen=True)
class RequestSummary:
    """A request with what its pages show: status at `now`, who owns and asked it, replies."""

    request: LedgerRequest
    status: RequestStatus
    overdue: bool
    owner: str
    requester: str | None
    replies: int


@dataclass(frozen=True)
class ReplyView:
    """A reply and its author's address (None when the account is gone)."""

    reply: LedgerReply
    author: str | None


# -- settings -------------------------------------------------------------------------------


def settings_of(db: Session, *, team: Team) -> TeamLedgerSettings:
    """The team's ledger settings (the defaults, unsaved, when it has none yet)."""
    found = db.get(TeamLedgerSettings, team.id)
    if found is not None:
        return found
    return TeamLedgerSettings(team_id=team.id, charter="", webhook_urls=[], escalation_emails=[])


def read_charter(text: str) -> Charter:
    """The charter a team's YAML text describes (empty: the defaults); InvalidCharter if bad."""
    if not text.strip():
        return Charter()
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        where = f" (line {line})" if line is not None else ""
        raise InvalidCharter(
            f"charter: not valid YAML{where}", line=line, detail="not valid YAML"
        ) from None
    except ValueError as exc:  # a value YAML itself types, such as a date 2026-13-01
        line, value = bad_value(text) or (None, "")
        detail = f"{value!r} is not a valid date or time ({exc})"
        where = f"line {line}: " if line is not None else ""
        raise InvalidCharter(f"charter: {where}{detail}", line=line, detail=detail) from None
    if raw is None:
        return Charter()
    if not isinstance(raw, dict):
        raise InvalidCharter("charter: a charter is a mapping of fields")
    return parse_charter(raw, origin="charter", line_of=lambda where: yaml_line(text, where))


def team_charter(db: Session, *, team: Team) -> Charter:
    """The charter the team's due times are counted with."""
    return read_charter(settings_of(db, team=team).charter)


def _clean_targets(values: Sequence[str], pattern: re.Pattern[str], what: str) -> list[str]:
    cleaned: list[str] = []
    for value in values:
        value = value.strip()
        if not value:
            continue
        if not pattern.match(value) or len(value) > 2000:
            raise InvalidInput(f"{value[:80]!r} is not {what}")
        if value not in cleaned:
            cleaned.append(value)
    if len(cleaned) > MAX_TARGETS:
        raise InvalidInput(f"at most {MAX_TARGETS} {what}s")
    return cleaned


def update_settings(
    db: Session,
    *,
    team: Team,
    charter: str,
    webhook_urls: Sequence[str],
    escalation_emails: Sequence[str],
    outbound: OutboundPolicy,
) -> TeamLedgerSettings:
    """Save the team's charter (validated) and escalation targets: http(s) URLs the `outbound`
    policy lets the app send to (WebhookTargetRefused naming the rule if not), and addresses."""
    if len(charter.encode()) > MAX_CHARTER_BYTES:
        raise InvalidInput(f"the charter is longer than {MAX_CHARTER_BYTES // 1024} KiB")
    read_charter(charter)
    urls = [
        check_target(url, outbound) for url in _clean_targets(webhook_urls, _URL, "an http(s) URL")
    ]
    emails = [e.lower() for e in _clean_targets(escalation_emails, _EMAIL, "an e-mail address")]
    found = db.get(TeamLedgerSettings, team.id)
    if found is None:
        found = TeamLedgerSettings(team_id=team.id)
        db.add(found)
    found.charter = charter
    found.webhook_urls = urls
    found.escalation_emails = emails
    found.updated_at = utcnow()
    db.flush()
    return found


# -- requests -------------------------------------------------------------------------------


def team_members(db: Session, *, team: Team) -> list[User]:
    """The team's members, by address: the people a request can be assigned to."""
    return list(
        db.scalars(
            select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.team_id == team.id)
            .order_by(User.email)
        )
    )


def _owner(
    db: Session, team: Team, owner_id: int | None, owner_text: str | None
) -> tuple[User | None, str | None]:
    text = " ".join((owner_text or "").split()) or None
    if owner_id is None:
        if text is None:
            raise InvalidInput("a request needs an owner: a team member or a name")
        if len(text) > 200:
            raise InvalidInput("an owner's name has at most 200 characters")
        return None, text
    member = db.scalar(
        select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.team_id == team.id, User.id == owner_id)
    )
    if member is None:
        raise InvalidInput("the owner must be a member of this team")
    return member, None


def _clean(text: str, what: str, *, required: bool, limit: int = 20000) -> str:
    text = text.strip()
    if required and not text:
        raise InvalidInput(f"a request needs {what}")
    if len(text) > limit:
        raise InvalidInput(f"{what} has at most {limit} characters")
    return text


def _clean_links(links: Sequence[str]) -> list[str]:
    return _clean_targets(links, _URL, "an http(s) URL")


@dataclass(frozen=True)
class RequestDraft:
    """What a requester fills in: title, action, information and links, urgency, and the owner
    (a member's id, or a name for someone outside the app), and where the thread is, if elsewhere."""

    title: str
    action: str
    information: str = ""
    links: Sequence[str] = ()
    urgency: str = "normal"
    owner_id: int | None = None
    owner_text: str | None = None
    thread_url: str | None = None


def _due(
    db: Session, team: Team, draft: RequestDraft, owner: str | None, now: datetime
) -> datetime | None:
    try:
        urgency = urgency_of(draft.urgency)
    except ValueError as exc:
        raise InvalidInput(str(exc)) from None
    charter = team_charter(db, team=team)
    return request_due_at(charter, created_at=now, urgency=urgency, owner=owner)


def check_draft(db: Session, *, team: Team, draft: RequestDraft, now: datetime) -> RequestCheck:
    """The AWAIT check of a draft request and the due time it would get, storing nothing."""
    try:
        owner, text = _owner(db, team, draft.owner_id, draft.owner_text)
    except InvalidInput:
        owner, text = None, None  # a draft may lack its owner: the check says so
    label = owner.email if owner is not None else text
    return check_request(
        title=draft.title,
        action=draft.action,
        information=draft.information,
        links=[link.strip() for link in draft.links if link.strip()],
        owner=label,
        urgency=draft.urgency,
        due=_due(db, team, draft, label, now),
        sent_at=now,
    )


def create_request(
    db: Session, *, team: Team, requester: User, draft: RequestDraft, now: datetime
) -> LedgerRequest:
    """Add a request; its due time is the charter's window for its urgency on the owner's
    schedule (none for an emergency, which the caller escalates at once)."""
    owner, text = _owner(db, team, draft.owner_id, draft.owner_text)
    title = " ".join(draft.title.split())
    if not title:
        raise InvalidInput("a request needs a title")
    thread = draft.thread_url.strip() if draft.thread_url and draft.thread_url.strip() else None
    if thread is not None:
        _clean_targets([thread], _URL, "an http(s) URL")
    request = LedgerRequest(
        team_id=team.id,
        requester_id=requester.id,
        owner_id=owner.id if owner is not None else None,
        owner_text=text,
        title=title[:200],
        action=_clean(draft.action, "an action", required=True),
        information=_clean(draft.information, "information", required=False),
        links=_clean_links(draft.links),
        urgency=draft.urgency,
        thread_url=thread,
        created_at=now,
        due_at=_due(db, team, draft, owner.email if owner is not None else text, now),
    )
    db.add(request)
    db.flush()
    return request


def _summaries(
    db: Session, requests: Sequence[LedgerRequest], now: datetime
) -> list[RequestSummary]:
    emails = emails_by_id(db, {r.owner_id for r in requests} | {r.requester_id for r in requests})
    counts: dict[int, int] = {}
    if requests:
        rows = db.execute(
            select(LedgerReply.request_id, func.count())
            .where(LedgerReply.request_id.in_([r.id for r in requests]))
            .group_by(LedgerReply.request_id)
        )
        counts = {request_id: int(n) for request_id, n in rows}
    return [
        RequestSummary(
            request=r,
            status=request_status(r, now),
            overdue=is_overdue(r, now),
            owner=emails.get(r.owner_id or 0) or r.owner_text or "(gone)",
            requester=emails.get(r.requester_id or 0),
            replies=counts.get(r.id, 0),
        )
        for r in requests
    ]


def requests_of(
    db: Session,
    *,
    team: Team,
    now: datetime,
    status: RequestStatus | None = None,
    owner_id: int | None = None,
    overdue: bool | None = None,
) -> list[RequestSummary]:
    """The team's requests, newest first, filtered by status at `now`, owner, overdue."""
    query = select(LedgerRequest).where(LedgerRequest.team_id == team.id)
    if owner_id is not None:
        query = query.where(LedgerRequest.owner_id == owner_id)
    rows = db.scalars(query.order_by(LedgerRequest.created_at.desc(), LedgerRequest.id.desc()))
    found = _summaries(db, list(rows), now)
    return [
        s
        for s in found
        if (status is None or s.status == status) and (overdue is None or s.overdue == overdue)
    ]


def summary_of(db: Session, *, request: LedgerRequest, now: datetime) -> RequestSummary:
    """One request's summary at `now`."""
    return _summaries(db, [request], now)[0]


def replies_of(db: Session, *, request: LedgerRequest) -> list[ReplyView]:
    """The request's thread, oldest first."""
    rows = list(
        db.scalars(
            select(LedgerReply)
            .where(LedgerReply.request_id == request.id)
            .order_by(LedgerReply.created_at, LedgerReply.id)
        )
    )
    emails = emails_by_id(db, {r.author_id for r in rows})
    return [ReplyView(reply=r, author=emails.get(r.author_id or 0)) for r in rows]


def escalations_of(db: Session, *, request: LedgerRequest) -> list[LedgerEscalation]:
    """The request's escalation deliveries, oldest first."""
    return list(
        db.scalars(
            select(LedgerEscalation)
            .where(LedgerEscalation.request_id == request.id)
            .order_by(LedgerEscalation.attempted_at, LedgerEscalation.id)
        )
    )


def add_reply(
    db: Session, *, request: LedgerRequest, author: User, body: str, now: datetime
) -> LedgerReply:
    """Reply in the request's thread; the first reply by anyone but the requester answers it."""
    if request.closed_at is not None:
        raise Conflict("this request is closed; open a new one to follow up")
    reply = LedgerReply(
        request_id=request.id,
        author_id=author.id,
        body=_clean(body, "a reply text", required=True),
        created_at=now,
    )
    db.add(reply)
    if request.answered_at is None:
        request.answered_at = first_answer(request.requester_id, [(author.id, now)])
    db.flush()
    return reply


def close_request(
    db: Session, *, request: LedgerRequest, user: User, is_admin: bool, now: datetime
) -> LedgerRequest:
    """Close a request (its requester, its owner or a team admin): no more replies, no escalation."""
    if request.closed_at is not None:
        raise Conflict("this request is closed already")
    if not is_admin and user.id not in (request.requester_id, request.owner_id):
        raise Forbidden("only the requester, the owner or a team admin can close a request")
    request.closed_at = now
    db.flush()
    return request


# -- export ---------------------------------------------------------------------------------


def _instant(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def export_document(db: Session, *, team: Team, now: datetime) -> dict[str, Any]:
    """The team's ledger and decision log as one JSON document (the `ledger` source's input).

    People are e-mail addresses (the store turns them into pseudonymous keys); texts are there
    so that ingest can read their AWAIT signals (and drops them unless told to keep text).
    """
    requests = list(
        db.scalars(
            select(LedgerRequest).where(LedgerRequest.team_id == team.id).order_by(LedgerRequest.id)
        )
    )
    replies = list(
        db.scalars(
            select(LedgerReply)
            .where(LedgerReply.request_id.in_([r.id for r in requests]))
            .order_by(LedgerReply.created_at, LedgerReply.id)
        )
    )
    decisions = list(
        db.scalars(select(Decision).where(Decision.team_id == team.id).order_by(Decision.number))
    )
    emails = emails_by_id(
        db,
        {r.owner_id for r in requests}
        | {r.requester_id for r in requests}
        | {r.author_id for r in replies}
        | {d.proposer_id for d in decisions},
    )
    numbers = {d.id: d.number for d in decisions}
    thread: dict[int, list[dict[str, Any]]] = {}
    for reply in replies:
        thread.setdefault(reply.request_id, []).append(
            {
                "id": reply.id,
                # Not "author": the GitHub source would take the document for one of its own.
                "from": emails.get(reply.author_id or 0),
                "created_at": _instant(reply.created_at),
                "body": reply.body,
            }
        )
    return {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "generator": f"asyncmaturity {__version__}",
        "exported_at": _instant(now),
        "team": {"id": team.id, "name": team.name},
        "requests": [
            {
                "id": r.id,
                "title": r.title,
                "action": r.action,
                "information": r.information,
                "links": list(r.links),
                "urgency": r.urgency,
                "requester": emails.get(r.requester_id or 0),
                "owner": emails.get(r.owner_id or 0),
                "owner_name": r.owner_text,
                "thread_url": r.thread_url,
                "created_at": _instant(r.created_at),
                "due_at": _instant(r.due_at),
                "answered_at": _instant(r.answered_at),
                "escalated_at": _instant(r.escalated_at),
                "closed_at": _instant(r.closed_at),
                "replies": thread.get(r.id, []),
            }
            for r in requests
        ],
        "decisions": [
            {
                "number": d.number,
                "title": d.title,
                "status": d.status,
                "context": d.context,
                "decision": d.decision,
                "consequences": d.consequences,
                "deciders": list(d.deciders),
                "consulted": list(d.consulted),
                "informed": list(d.informed),
                "tags": list(d.tags),
                "supersedes": numbers.get(d.supersedes_id or 0),
                "superseded_by": numbers.get(d.superseded_by_id or 0),
                "work_item_url": d.work_item_url,
                "thread_url": d.thread_url,
                "proposer": emails.get(d.proposer_id or 0),
                "created_at": _instant(d.created_at),
                "decided_at": _instant(d.decided_at),
            }
            for d in decisions
        ],
    }
