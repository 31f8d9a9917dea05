"""Escalation of ledger requests whose window passed unanswered, and of emergencies at once:
a JSON POST to each of the team's webhooks and one e-mail to its escalation addresses.

A run claims its requests first (sets ``escalated_at`` in a short transaction, so that two
servers never escalate the same request twice), delivers without holding the database, then
records each delivery (`ledger_escalations`) with whether it worked. A failing webhook or mail
server is recorded, never raised: one bad target does not stop the others or the next run.

Example::

    outcomes = escalate_due(context.sessions, now=utcnow(), settings=context.settings)
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage
from typing import Any

import httpx
from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from asyncmaturity import __version__
from asyncmaturity.await_protocol.ledger import due_for_escalation
from asyncmaturity.web.models import LedgerEscalation, LedgerRequest, Team, User, utcnow
from asyncmaturity.web.services.ledger import settings_of
from asyncmaturity.web.settings import WebSettings

logger = logging.getLogger("asyncmaturity.web.escalation")
EVENT = "ledger.escalation"


@dataclass(frozen=True)
class Delivery:
    """One attempt: a webhook POST or an e-mail, whether it worked, and what happened."""

    channel: str  # "webhook" or "email"
    target: str
    ok: bool
    detail: str


@dataclass
class Escalation:
    """One escalated request: the JSON payload sent and the deliveries made."""

    request_id: int
    payload: dict[str, Any]
    webhooks: list[str]
    emails: list[str]
    deliveries: list[Delivery] = field(default_factory=list)


def request_url(settings: WebSettings, request_id: int) -> str:
    """The request's page, absolute when the public URL is set."""
    return f"{settings.public_url or ''}/requests/{request_id}"


def escalate_due(
    sessions: sessionmaker[Session], *, now: datetime | None = None, settings: WebSettings
) -> list[Escalation]:
    """Escalate every request that needs it at `now` (default: the current instant): past its
    due time unanswered, or an emergency, and never escalated. Returns what was done."""
    return _run(sessions, now=now or utcnow(), settings=settings, only=None)


def escalate_request(
    sessions: sessionmaker[Session],
    *,
    request_id: int,
    now: datetime | None = None,
    settings: WebSettings,
) -> list[Escalation]:
    """Escalate one request if it needs it (an emergency just created)."""
    return _run(sessions, now=now or utcnow(), settings=settings, only=request_id)


def _run(
    sessions: sessionmaker[Session], *, now: datetime, settings: WebSettings, only: int | None
) -> list[Escalation]:
    with sessions() as db:
        claimed = _claim(db, now=now, settings=settings, only=only)
        db.commit()
    for escalation in claimed:
        escalation.deliveries = deliver(escalation, settings=settings)
    if claimed:
        with sessions() as db:
            for escalation in claimed:
                for delivery in escalation.deliveries:
                    db.add(
                        LedgerEscalation(
                            request_id=escalation.request_id,
                            channel=delivery.channel,
                            target=delivery.target[:2000],
                            ok=delivery.ok,
                            detail=delivery.detail,
                            attempted_at=now,
                        )
                    )
            db.commit()
    return claimed


def _claim(
    db: Session, *, now: datetime, settings: WebSettings, only: int | None
) -> list[Escalation]:
    query = select(LedgerRequest).where(
        LedgerRequest.escalated_at.is_(None),
        LedgerRequest.answered_at.is_(None),
        LedgerRequest.closed_at.is_(None),
        or_(LedgerRequest.urgency == "emergency", LedgerRequest.due_at <= now),
    )
    if only is not None:
        query = query.where(LedgerRequest.id == only)
    candidates = due_for_escalation(db.scalars(query.order_by(LedgerRequest.id)).all(), now)
    claimed: list[Escalation] = []
    for request in candidates:
        # Only the runner whose update changes the row escalates it.
        won = db.execute(
            update(LedgerRequest)
            .where(LedgerRequest.id == request.id, LedgerRequest.escalated_at.is_(None))
            .values(escalated_at=now)
            .execution_options(synchronize_session=False)
        )
        if getattr(won, "rowcount", 0) != 1:
            continue
        team = db.get(Team, request.team_id)
        assert team is not None  # the foreign key guarantees it
        targets = settings_of(db, team=team)
        claimed.append(
            Escalation(
                request_id=request.id,
                payload=_payload(db, request, team, now, settings),
                webhooks=list(targets.webhook_urls),
                emails=list(targets.escalation_emails),
            )
        )
    return claimed


def _payload(
    db: Session, request: LedgerRequest, team: Team, now: datetime, settings: WebSettings
) -> dict[str, Any]:
    def email(user_id: int | None) -> str | None:
        user = db.get(User, user_id) if user_id is not None else None
        return user.email if user is not None else None

    return {
        "event": EVENT,
        "reason": "emergency" if request.urgency == "emergency" else "overdue",
        "escalated_at": now.isoformat(),
        "team": {"id": team.id, "name": team.name},
        "request": {
            "id": request.id,
            "url": request_url(settings, request.id),
            "title": request.title,
            "action": request.action,
            "urgency": request.urgency,
            "owner": email(request.owner_id) or request.owner_text,
            "requester": email(request.requester_id),
            "created_at": request.created_at.isoformat(),
            "due_at": request.due_at.isoformat() if request.due_at else None,
        },
    }


def deliver(escalation: Escalation, *, settings: WebSettings) -> list[Delivery]:
    """Send the escalation to its webhooks and addresses; every failure is a recorded Delivery."""
    deliveries = [_post(url, escalation.payload, settings) for url in escalation.webhooks]
    if escalation.emails:
        deliveries.append(_mail(escalation.emails, escalation.payload, settings))
    if not deliveries:
        logger.warning("request %s escalated with no webhook or address", escalation.request_id)
    return deliveries


def _post(url: str, payload: dict[str, Any], settings: WebSettings) -> Delivery:
    headers = {"User-Agent": f"asyncmaturity/{__version__}"}
    try:
        with httpx.Client(timeout=settings.webhook_timeout_s, follow_redirects=False) as client:
            response = client.post(url, json=payload, headers=headers)
    except httpx.HTTPError as exc:
        return Delivery("webhook", url, False, f"{type(exc).__name__}: {exc}"[:500])
    ok = 200 <= response.status_code < 300
    return Delivery("webhook", url, ok, f"HTTP {response.status_code}")


def message_for(payload: dict[str, Any], *, sender: str, recipients: Sequence[str]) -> EmailMessage:
    """The escalation e-mail: who, what, by when, and the link to the request."""
    request = payload["request"]
    emergency = payload["reason"] == "emergency"
    message = EmailMessage()
    message["Subject"] = (
        f"[{payload['team']['name']}] {'EMERGENCY' if emergency else 'Overdue request'}: "
        f"{request['title']}"
    )
    message["From"] = sender
    message["To"] = ", ".join(recipients)
    lines = [
        "An emergency was raised in the request ledger: call or page the owner now."
        if emergency
        else "A request in the ledger passed its response window without an answer.",
        "",
        f"Request: {request['title']}",
        f"Action:  {request['action']}",
        f"Owner:   {request['owner'] or 'nobody'}",
        f"Asked by: {request['requester'] or 'unknown'} at {request['created_at']}",
    ]
    if request["due_at"]:
        lines.append(f"Due:     {request['due_at']}")
    lines += ["", request["url"]]
    message.set_content("\n".join(lines) + "\n")
    return message


def _mail(recipients: Sequence[str], payload: dict[str, Any], settings: WebSettings) -> Delivery:
    target = ", ".join(recipients)
    if settings.smtp_host is None:
        return Delivery("email", target, False, "no SMTP server set (ASYNCMATURITY_WEB_SMTP_HOST)")
    message = message_for(payload, sender=settings.smtp_from, recipients=recipients)
    try:
        with smtplib.SMTP(
            settings.smtp_host, settings.smtp_port, timeout=settings.webhook_timeout_s
        ) as smtp:
            if settings.smtp_starttls:
                smtp.starttls()
            if settings.smtp_username:
                password = (
                    settings.smtp_password.get_secret_value() if settings.smtp_password else ""
                )
                smtp.login(settings.smtp_username, password)
            refused = smtp.send_message(message, settings.smtp_from, list(recipients))
    except (smtplib.SMTPException, OSError) as exc:
        return Delivery("email", target, False, f"{type(exc).__name__}: {exc}"[:500])
    if refused:
        return Delivery("email", target, False, f"refused: {', '.join(sorted(refused))}")
    return Delivery("email", target, True, f"sent to {len(recipients)} address(es)")
