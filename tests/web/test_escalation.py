"""Escalation of overdue requests and emergencies to real receivers on loopback: an HTTP server
for the webhooks and an SMTP sink for the e-mails (no mocks). The receivers' 127.0.0.1 is a
loopback address, so the tests allow it as a site admin would an internal chat server
(`webhook_allowed_hosts`). Failures are recorded, never raised, and no request is escalated
twice."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select

from asyncmaturity.web import create_app
from asyncmaturity.web.deps import CSRF_HEADER, SESSION_COOKIE
from asyncmaturity.web.models import LedgerEscalation, LedgerRequest, Team, User
from asyncmaturity.web.services import accounts, ledger
from asyncmaturity.web.services.escalation import escalate_due
from asyncmaturity.web.services.webhooks import NOT_DELIVERED, OutboundPolicy, shown_contact

from .conftest import Factory, World, _free_port, settings_for
from .receivers import http_receiver, smtp_sink


def _origin(url: str) -> str:
    """A webhook URL as members see it."""
    return shown_contact("webhook", url)


# Mon 2 Mar 2026 10:00 UTC; a normal request is due Thu 5 Mar 10:00 (default charter).
MONDAY = datetime(2026, 3, 2, 10, tzinfo=UTC)
RECEIVERS = "127.0.0.1"
"""The host the loopback receivers listen on, allowed as a site admin allows an internal one."""
LOOPBACK_ALLOWED = OutboundPolicy(allowed_hosts=frozenset({RECEIVERS}))


def _request(make: Factory, world: World, title: str, urgency: str, at: datetime) -> int:
    made = make.request(
        world.team_a, world.member_a, world.admin_a, title=title, urgency=urgency, now=at
    )
    return made.id


def _targets(make: Factory, world: World, webhooks: list[str], emails: list[str]) -> None:
    with make.context.sessions() as db:
        team = db.get(Team, world.team_a.id)
        assert team is not None
        ledger.update_settings(
            db,
            team=team,
            charter="",
            webhook_urls=webhooks,
            escalation_emails=emails,
            outbound=LOOPBACK_ALLOWED,
        )
        db.commit()


def test_overdue_requests_and_emergencies_go_to_every_webhook_and_address(
    make: Factory, world: World, database_url: str
) -> None:
    overdue = _request(make, world, "Budget sign-off", "normal", MONDAY)
    _request(make, world, "Not due yet", "normal", MONDAY + timedelta(days=2))
    answered = _request(make, world, "Answered late", "normal", MONDAY)
    emergency = _request(make, world, "Site down", "emergency", MONDAY + timedelta(days=3))
    with make.context.sessions() as db:
        late = db.get(LedgerRequest, answered)
        owner = db.get(User, world.admin_a.id)
        assert late is not None and owner is not None
        ledger.add_reply(
            db, request=late, author=owner, body="done", now=MONDAY + timedelta(days=4)
        )
        db.commit()
    now = MONDAY + timedelta(days=3, hours=1)  # Thu 11:00: the first request is an hour late
    closed_port = _free_port()
    with http_receiver() as (base, got), smtp_sink() as (smtp_port, mail):
        _targets(
            make,
            world,
            [f"{base}/hook", f"{base}/fail", f"http://127.0.0.1:{closed_port}/gone"],
            ["Ops@A.example", "lead@a.example"],
        )
        settings = settings_for(
            database_url,
            smtp_host="127.0.0.1",
            smtp_port=smtp_port,
            smtp_from="ledger@a.example",
            public_url="https://async.example.com/",
            webhook_timeout_s=2,
            webhook_allowed_hosts=RECEIVERS,
        )
        done = escalate_due(make.context.sessions, now=now, settings=settings)
        assert sorted(e.request_id for e in done) == [overdue, emergency]
        assert (
            escalate_due(make.context.sessions, now=now + timedelta(hours=1), settings=settings)
            == []
        )

    hooks = [(path, body) for path, body in got.posts if path == "/hook"]
    assert len(hooks) == 2 and len(got.posts) == 4  # each request once per reachable webhook
    payload = next(body for _, body in hooks if body["request"]["id"] == overdue)
    assert payload["event"] == "ledger.escalation" and payload["reason"] == "overdue"
    assert payload["team"] == {"id": world.team_a.id, "name": world.team_a.name}
    assert payload["request"]["url"] == f"https://async.example.com/requests/{overdue}"
    assert payload["request"]["owner"] == world.admin_a.email
    assert payload["request"]["requester"] == world.member_a.email
    assert payload["request"]["due_at"] == "2026-03-05T10:00:00+00:00"
    assert next(b for _, b in hooks if b["request"]["id"] == emergency)["reason"] == "emergency"

    assert len(mail.mails) == 2
    sender, recipients, message = next(m for m in mail.mails if "Budget" in m[2]["Subject"])
    assert sender == "ledger@a.example"
    assert recipients == ["ops@a.example", "lead@a.example"]
    assert message["Subject"] == "[Team Alpha] Overdue request: Budget sign-off"
    assert f"https://async.example.com/requests/{overdue}" in message.get_content()
    urgent = next(m for m in mail.mails if "Site down" in m[2]["Subject"])[2]
    assert (
        urgent["Subject"].startswith("[Team Alpha] EMERGENCY")
        and "call or page" in urgent.get_content()
    )

    with make.context.readers() as db:
        rows = db.scalars(
            select(LedgerEscalation).where(LedgerEscalation.request_id == overdue)
        ).all()
        outcome = {(r.channel, r.target.rsplit("/", 1)[-1]): (r.ok, r.detail) for r in rows}
        assert outcome[("webhook", "hook")] == (True, "HTTP 204")
        assert outcome[("webhook", "fail")] == (False, "HTTP 500")
        assert outcome[("webhook", "gone")] == (False, NOT_DELIVERED)
        for address in ("ops@a.example", "lead@a.example"):  # one e-mail, a delivery each
            assert outcome[("email", address)] == (True, "accepted by the mail server")
        stored = db.get(LedgerRequest, overdue)
        assert stored is not None and stored.escalated_at == now


def test_a_mail_server_that_is_down_is_recorded_not_raised(
    make: Factory, world: World, database_url: str
) -> None:
    request_id = _request(make, world, "Budget sign-off", "normal", MONDAY)
    _targets(make, world, [], ["ops@a.example"])
    settings = settings_for(database_url, smtp_host="127.0.0.1", smtp_port=_free_port())
    done = escalate_due(make.context.sessions, now=MONDAY + timedelta(days=9), settings=settings)
    assert [e.request_id for e in done] == [request_id]
    (delivery,) = done[0].deliveries
    assert delivery.channel == "email" and delivery.target == "ops@a.example" and not delivery.ok
    assert "ConnectionRefusedError" in delivery.detail
    unset = settings_for(database_url)
    assert "no SMTP server set" in ledger_mail_detail(make, world, unset)


def ledger_mail_detail(make: Factory, world: World, settings: object) -> str:
    """The detail of the e-mail delivery of a fresh overdue request escalated under `settings`."""
    _request(make, world, "Another one", "urgent", MONDAY)
    done = escalate_due(make.context.sessions, now=MONDAY + timedelta(days=9), settings=settings)  # type: ignore[arg-type]
    return done[0].deliveries[0].detail


EMERGENCY = {
    "title": "Checkout is down",
    "action": "Roll back the release",
    "urgency": "emergency",
}


def test_an_emergency_is_escalated_at_once_and_says_who_was_alerted_and_how(
    shared_app: object, make: Factory, world: World, database_url: str
) -> None:
    with http_receiver() as (base, got), smtp_sink() as (smtp_port, mail):
        gone = f"http://127.0.0.1:{_free_port()}/gone"
        _targets(make, world, [f"{base}/hook", gone], ["ops@a.example", "lead@a.example"])
        app = create_app(
            settings_for(
                database_url,
                smtp_host="127.0.0.1",
                smtp_port=smtp_port,
                webhook_allowed_hosts=RECEIVERS,
            ),
            migrate_database=False,
        )
        try:
            with make.context.sessions() as db:
                token, session = accounts.open_session(db, user=world.member_a, hours=1)
                db.commit()
            client = TestClient(
                app,
                cookies={SESSION_COOKIE: token},
                headers={CSRF_HEADER: session.csrf_token},
                follow_redirects=False,
            )
            response = client.post(
                f"/api/v1/teams/{world.team_a.id}/ledger/requests",
                json={**EMERGENCY, "owner_id": world.admin_a.id},
            )
            assert response.status_code == 201
            body = response.json()
            assert body["due_at"] is None and "call or page the owner now" in body["advice"]
            # Answered before the alerts go out (after the response): they are being sent.
            # Webhooks show as their origin: an incoming-webhook URL's path is its secret.
            assert {(a["target"], a["state"]) for a in body["alerts"]} == {
                (_origin(f"{base}/hook"), "being sent"),
                (_origin(gone), "being sent"),
                ("ops@a.example", "being sent"),
                ("lead@a.example", "being sent"),
            }
            assert [b["request"]["title"] for _, b in got.posts] == ["Checkout is down"]
            assert len(mail.mails) == 1
            shown = client.get(f"/api/v1/requests/{body['id']}").json()
            assert shown["status"] == "escalated" and shown["escalation_settings_url"] is None
            assert [(a["channel"], a["target"], a["state"]) for a in shown["alerts"]] == [
                ("webhook", _origin(f"{base}/hook"), "delivered"),
                ("webhook", _origin(gone), "not delivered"),
                ("email", "ops@a.example", "delivered"),
                ("email", "lead@a.example", "delivered"),
            ]
            assert f"webhook {_origin(gone)}: not delivered" in shown["advice"]
            assert "e-mail ops@a.example: delivered" in shown["advice"]
            page = client.get(f"/requests/{body['id']}").text
            assert 'id="alerts"' in page and f"webhook {_origin(gone)}: not delivered" in page
            assert "/hook" not in page and all("/hook" not in a["target"] for a in shown["alerts"])
            assert all("/hook" not in e["target"] for e in shown["escalations"])
            assert "e-mail lead@a.example: delivered" in page and "nobody-alerted" not in page
            assert 'http-equiv="refresh"' not in page  # every alert went out
        finally:
            app.state.context.engine.dispose()


def test_an_emergency_with_no_contacts_says_nobody_was_alerted_and_links_the_settings(
    make: Factory, world: World
) -> None:
    member = make.client(world.member_a)
    settings_page = f"/teams/{world.team_a.id}/ledger/settings"
    created = member.post(
        f"/api/v1/teams/{world.team_a.id}/ledger/requests",
        json={**EMERGENCY, "owner_id": world.admin_a.id},
    ).json()
    for body in (created, member.get(f"/api/v1/requests/{created['id']}").json()):
        assert body["alerts"] == [] and "alerted the team" not in body["advice"]
        assert "Nobody else was alerted" in body["advice"]
        assert "no escalation contacts" in body["advice"]
        assert body["escalation_settings_url"].endswith(settings_page)
    page = member.post(
        f"/teams/{world.team_a.id}/ledger",
        data={
            "csrf_token": member.csrf_token,  # type: ignore[attr-defined]
            "title": "Database is down",
            "owner": str(world.admin_a.id),
            "urgency": "emergency",
            "action": "Fail over",
        },
    )
    assert page.status_code == 303
    shown = member.get(page.headers["location"]).text
    assert 'id="nobody-alerted"' in shown and f'href="{settings_page}"' in shown
    assert "no escalation contacts" in shown and 'id="alerts"' not in shown
    # A request that is not an emergency carries no notice.
    normal = member.post(
        f"/api/v1/teams/{world.team_a.id}/ledger/requests",
        json={**EMERGENCY, "urgency": "urgent", "owner_id": world.admin_a.id},
    ).json()
    assert normal["advice"] is None and normal["alerts"] is None


def test_an_emergency_whose_alerts_are_not_out_yet_says_so_and_reloads(
    make: Factory, world: World
) -> None:
    _targets(make, world, ["https://chat.example.com/hooks/T1"], ["ops@a.example"])
    made = _request(make, world, "Checkout is down", "emergency", MONDAY)  # not escalated yet
    page = make.client(world.member_a).get(f"/requests/{made}").text
    assert "webhook https://chat.example.com/…: being sent" in page and "/hooks/T1" not in page
    assert "e-mail ops@a.example: being sent" in page
    assert '<meta http-equiv="refresh"' in page
