"""Escalation of ledger requests whose window passed unanswered, and of emergencies at once:
a JSON POST to each of the team's webhooks and one e-mail to its escalation addresses.

A run claims its requests first (sets ``escalated_at`` in a short transaction, so that two
servers never escalate the same request twice, and records each delivery it is about to make as
being sent), delivers without holding the database, then records whether each delivery
(`ledger_escalations`: a webhook, or one e-mail address) worked. Webhooks go only where
:mod:`~asyncmaturity.web.services.webhooks` allows, and a failure to reach one is recorded as
one uniform "not delivered". A failing webhook or mail server is recorded, never raised: one bad
target does not stop the others or the next run. An emergency's page says exactly who was
alerted and how (:func:`emergency_notice`), or that nobody was.

Example::

    outcomes = escalate_due(context.sessions, now=utcnow(), settings=context.settings)
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage
from typing import Any, Literal

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from asyncmaturity.await_protocol.ledger import EMERGENCY_ADVICE, due_for_escalation
from asyncmaturity.web.models import LedgerEscalation, LedgerRequest, Team, User, utcnow
from asyncmaturity.web.services.ledger import escalations_of, settings_of
from asyncmaturity.web.services.webhooks import OutboundPolicy, post_json, shown_contact
from asyncmaturity.web.settings import WebSettings

logger = logging.getLogger("asyncmaturity.web.escalation")
EVENT = "ledger.escalation"
BEING_SENT = "being sent"


@dataclass(frozen=True)
class Delivery:
    """One attempt: a webhook POST or an e-mail to one address, whether it worked, what happened."""

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
    pending: dict[tuple[str, str], int] = field(default_factory=dict)
    """The id of each delivery's row, recorded as being sent when the request was claimed."""


AlertState = Literal["delivered", "not delivered", "being sent"]


@dataclass(frozen=True)
class Alert:
    """One escalation contact of an emergency: a webhook URL or an e-mail address, and how the
    alert to it went."""

    channel: str  # "webhook" or "email"
    target: str
    state: AlertState

    @property
    def label(self) -> str:
        """How the channel reads in a sentence: "webhook" or "e-mail"."""
        return "e-mail" if self.channel == "email" else "webhook"


@dataclass(frozen=True)
class EmergencyNotice:
    """What an emergency's page says: call the owner (`advice`), and exactly who else was
    alerted and how (`alerts`); with nobody alerted, why not and where contacts are set."""

    alerts: list[Alert]
    why_nobody: str | None = None
    settings_path: str | None = None
    """The ledger settings page, when no contact was alerted."""
    advice: str = EMERGENCY_ADVICE

    @property
    def text(self) -> str:
        """The whole notice as one paragraph (the API's `advice`)."""
        if self.alerts:
            listed = "; ".join(f"{a.label} {a.target}: {a.state}" for a in self.alerts)
            return f"{self.advice} The team's escalation contacts: {listed}."
        return (
            f"{self.advice} Nobody else was alerted: {self.why_nobody}; a team admin sets the "
            f"contacts in the ledger settings ({self.settings_path})."
        )


def _state(ok: bool | None) -> AlertState:
    return "being sent" if ok is None else ("delivered" if ok else "not delivered")


def emergency_notice(db: Session, *, request: LedgerRequest) -> EmergencyNotice | None:
    """The emergency's notice from what was recorded: each contact alerted and whether the
    alert was delivered; before the run claimed it, the team's contacts as being sent. None
    for a request that is not an emergency."""
    if request.urgency != "emergency":
        return None
    recorded = escalations_of(db, request=request)
    # Every member reads the notice: a webhook shows as its origin (its path is its secret).
    alerts = [Alert(r.channel, shown_contact(r.channel, r.target), _state(r.ok)) for r in recorded]
    waiting = (
        request.escalated_at is None and request.answered_at is None and request.closed_at is None
    )
    if not recorded and waiting:
        team = db.get(Team, request.team_id)
        assert team is not None  # the foreign key guarantees it
        contacts = settings_of(db, team=team)
        alerts = [
            Alert("webhook", shown_contact("webhook", url), "being sent")
            for url in contacts.webhook_urls
        ] + [Alert("email", address, "being sent") for address in contacts.escalation_emails]
    if alerts:
        return EmergencyNotice(alerts=alerts)
    contacts_named = "escalation contacts (webhook URLs or e-mail addresses)"
    if waiting:
        why = f"the team has no {contacts_named}"
    elif request.escalated_at is not None:
        why = f"the team had no {contacts_named} when the request was escalated"
    else:
        why = "the request was answered or closed before it was escalated"
    return EmergencyNotice(
        alerts=[], why_nobody=why, settings_path=f"/teams/{request.team_id}/ledger/settings"
    )


def request_url(settings: WebSettings, request_id: int) -> str:
    """The request's page, absolute when the public URL is set."""
    return f"{settings.public_url or ''}/requests/{request_id}"


def escalate_due(
    sessions: sessionmaker[Session],
    *,
    now: datetime | None = None,
    settings: WebSettings,
    outbound: OutboundPolicy | None = None,
) -> list[Escalation]:
    """Escalate every request that needs it at `now` (default: the current instant): past its
    due time unanswered, or an emergency, and never escalated. Webhooks go where `outbound`
    (default: the settings' policy) allows. Returns what was done."""
    return _run(sessions, now=now or utcnow(), settings=settings, only=None, outbound=outbound)


def escalate_request(
    sessions: sessionmaker[Session],
    *,
    request_id: int,
    now: datetime | None = None,
    settings: WebSettings,
    outbound: OutboundPolicy | None = None,
) -> list[Escalation]:
    """Escalate one request if it needs it (an emergency just created)."""
    return _run(
        sessions, now=now or utcnow(), settings=settings, only=request_id, outbound=outbound
    )


def _run(
    sessions: sessionmaker[Session],
    *,
    now: datetime,
    settings: WebSettings,
    only: int | None,
    outbound: OutboundPolicy | None,
) -> list[Escalation]:
    with sessions() as db:
        claimed = _claim(db, now=now, settings=settings, only=only)
        db.commit()
    policy = outbound or OutboundPolicy.from_settings(settings)
    for escalation in claimed:
        escalation.deliveries = deliver(escalation, settings=settings, outbound=policy)
    if claimed:
        with sessions() as db:
            for escalation in claimed:
                for delivery in escalation.deliveries:
                    row = db.get(
                        LedgerEscalation, escalation.pending[delivery.channel, delivery.target]
                    )
                    if row is not None:  # None: the request was deleted meanwhile
                        row.ok, row.detail, row.attempted_at = delivery.ok, delivery.detail, now
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
        escalation = Escalation(
            request_id=request.id,
            payload=_payload(db, request, team, now, settings),
            webhooks=list(targets.webhook_urls),
            emails=list(targets.escalation_emails),
        )
        # Recorded now, as being sent: the request's page says who is being alerted meanwhile.
        for channel, target in [("webhook", url) for url in escalation.webhooks] + [
            ("email", address) for address in escalation.emails
        ]:
            row = LedgerEscalation(
                request_id=request.id,
                channel=channel,
                target=target[:2000],
                ok=None,
                detail=BEING_SENT,
                attempted_at=now,
            )
            db.add(row)
            db.flush()
            escalation.pending[channel, target] = row.id
        claimed.append(escalation)
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


def deliver(
    escalation: Escalation, *, settings: WebSettings, outbound: OutboundPolicy
) -> list[Delivery]:
    """Send the escalation to its webhooks (where `outbound` allows) and addresses (one e-mail
    to them all, one delivery each); every failure is a recorded Delivery."""
    deliveries = [_post(url, escalation.payload, settings, outbound) for url in escalation.webhooks]
    if escalation.emails:
        deliveries += _mail(escalation.emails, escalation.payload, settings)
    if not deliveries:
        logger.warning("request %s escalated with no webhook or address", escalation.request_id)
    return deliveries


def _post(
    url: str, payload: dict[str, Any], settings: WebSettings, outbound: OutboundPolicy
) -> Delivery:
    outcome = post_json(url, payload, outbound, timeout_s=settings.webhook_timeout_s)
    return Delivery("webhook", url, outcome.ok, outcome.detail)


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


def _mail(
    recipients: Sequence[str], payload: dict[str, Any], settings: WebSettings
) -> list[Delivery]:
    def each(ok: bool, detail: str, refused: Collection[str] = ()) -> list[Delivery]:
        return [
            Delivery("email", address, False, "refused by the mail server")
            if address in refused
            else Delivery("email", address, ok, detail)
            for address in recipients
        ]

    if settings.smtp_host is None:
        return each(False, "no SMTP server set (ASYNCMATURITY_WEB_SMTP_HOST)")
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
        # The SMTP server is the site admin's setting, not a team's input: its error may show.
        return each(False, f"{type(exc).__name__}: {exc}"[:500])
    return each(True, "accepted by the mail server", refused)
