"""The request ledger through the API and the pages: due times from the team charter, the AWAIT
check, replies that answer, closing, filters, settings, and the export the `ledger` source reads."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from asyncmaturity.await_protocol.ledger import request_due_at
from asyncmaturity.charter import parse_charter
from asyncmaturity.web.models import LedgerRequest, Membership, Team, User
from asyncmaturity.web.services import ledger

from .conftest import Factory, World

CHARTER = """
timezone: Europe/Berlin
holidays:
  - {date: 2026-03-04, name: Team day}
request_windows: {normal: 16, urgent: 2}
"""


def _new(client: object, team_id: int, **fields: object) -> dict[str, object]:
    body = {"title": "Pricing review", "action": "Approve the new tiers", **fields}
    response = client.post(f"/api/v1/teams/{team_id}/ledger/requests", json=body)  # type: ignore[attr-defined]
    assert response.status_code == 201, response.text
    result: dict[str, object] = response.json()
    return result


def test_a_request_is_due_by_the_charter_answered_by_the_owner_and_closed(
    make: Factory, world: World
) -> None:
    admin = make.client(world.admin_a)
    saved = admin.put(
        f"/api/v1/teams/{world.team_a.id}/ledger/settings",
        json={"charter": CHARTER, "webhook_urls": [], "escalation_emails": []},
    )
    assert saved.status_code == 200 and saved.json()["charter"] == CHARTER
    member = make.client(world.member_a)
    created = _new(
        member,
        world.team_a.id,
        owner_id=world.admin_a.id,
        information="Doc: https://docs.google.com/d/1 — the tiers and their prices",
        links=["https://github.com/acme/app/issues/7"],
    )
    assert created["status"] == "open" and created["owner"] == world.admin_a.email
    assert created["requester"] == world.member_a.email and created["urgency"] == "normal"
    # The due time is the charter's 16 working hours on the owner's schedule (Berlin, with the
    # team day off), from the moment it was stored.
    made = datetime.fromisoformat(str(created["created_at"]))
    expected = request_due_at(
        parse_charter(
            {
                "timezone": "Europe/Berlin",
                "holidays": [{"date": "2026-03-04"}],
                "request_windows": {"normal": 16},
            }
        ),
        created_at=made,
        urgency="normal",
        owner=world.admin_a.email,
    )
    assert datetime.fromisoformat(str(created["due_at"])) == expected
    check = created["check"]
    assert isinstance(check, dict) and check["complete"] is True
    assert check["elements"]["assign_ownership"]["evidence"] == f"owner: {world.admin_a.email}"

    url = f"/api/v1/requests/{created['id']}"
    mine = member.post(f"{url}/replies", json={"body": "Any news?"}).json()
    assert mine["status"] == "open" and mine["answered_at"] is None  # the requester's own
    other = make.client(world.admin_b)  # another team: not even there
    assert other.post(f"{url}/replies", json={"body": "hi"}).status_code == 404
    answered = admin.post(f"{url}/replies", json={"body": "Approved."}).json()
    assert answered["status"] == "answered" and answered["answered_at"] is not None
    assert [r["author"] for r in answered["thread"]] == [world.member_a.email, world.admin_a.email]

    bystander = make.user("cy@a.example")
    with make.context.sessions() as db:
        team = db.get(Team, world.team_a.id)
        assert team is not None
        db.add(Membership(user_id=bystander.id, team_id=team.id, role="member"))
        db.commit()
    refused = make.client(bystander).post(f"{url}/close")
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "forbidden"
    closed = member.post(f"{url}/close").json()
    assert closed["status"] == "closed" and closed["closed_at"] is not None
    again = admin.post(f"{url}/replies", json={"body": "PS"})
    assert again.status_code == 409 and again.json()["error"]["code"] == "conflict"


def test_the_check_names_what_is_missing_and_stores_nothing(make: Factory, world: World) -> None:
    member = make.client(world.member_a)
    check = member.post(
        f"/api/v1/teams/{world.team_a.id}/ledger/check",
        json={"title": "thoughts?", "action": "let me know", "owner_name": "Legal"},
    ).json()
    assert check["complete"] is False
    assert set(check["missing"]) == {"action_required", "information_complete"}
    assert check["elements"]["window_for_response"]["present"] is True  # the charter gives one
    assert check["suggestion"]
    listed = member.get(f"/api/v1/teams/{world.team_a.id}/ledger/requests").json()
    assert listed["count"] == 0


def test_an_owner_must_be_in_the_team_or_named(make: Factory, world: World) -> None:
    member = make.client(world.member_a)
    url = f"/api/v1/teams/{world.team_a.id}/ledger/requests"
    stranger = member.post(url, json={"title": "T", "action": "Do", "owner_id": world.admin_b.id})
    assert stranger.status_code == 422 and "member of this team" in stranger.text
    nobody = member.post(url, json={"title": "T", "action": "Do"})
    assert nobody.status_code == 422 and "needs an owner" in nobody.text
    named = _new(member, world.team_a.id, owner_name="Legal team")
    assert named["owner"] == "Legal team" and named["owner_id"] is None


def test_filters_by_status_owner_and_overdue(make: Factory, world: World) -> None:
    monday = datetime(2026, 3, 2, 10, tzinfo=UTC)
    with make.context.sessions() as db:
        team = db.get(Team, world.team_a.id)
        asker = db.get(User, world.member_a.id)
        assert team is not None and asker is not None
        for title, owner, at in (
            ("old, overdue", world.admin_a.id, monday),
            ("old, answered", world.member_a.id, monday),
            ("fresh", world.admin_a.id, datetime.now(UTC)),
        ):
            draft = ledger.RequestDraft(title=title, action="Review", owner_id=owner)
            made = ledger.create_request(db, team=team, requester=asker, draft=draft, now=at)
            if title == "old, answered":
                # Answered by someone other than its requester (here, a colleague of its owner).
                answerer = db.get(User, world.admin_a.id)
                assert answerer is not None
                ledger.add_reply(
                    db, request=made, author=answerer, body="ok", now=at + timedelta(hours=1)
                )
        db.commit()
    client = make.client(world.member_a)
    url = f"/api/v1/teams/{world.team_a.id}/ledger/requests"

    def titles(query: str) -> list[str]:
        return [r["title"] for r in client.get(f"{url}?{query}").json()["data"]]

    assert titles("") == ["fresh", "old, answered", "old, overdue"]
    assert titles("status=overdue") == ["old, overdue"] == titles("overdue=true")
    assert titles("status=answered") == ["old, answered"]
    assert titles("overdue=false") == ["fresh", "old, answered"]
    assert titles(f"owner_id={world.admin_a.id}") == ["fresh", "old, overdue"]
    assert client.get(f"{url}?status=late").status_code == 422
    page = client.get(f"/teams/{world.team_a.id}/ledger?status=overdue")
    assert page.status_code == 200 and "old, overdue" in page.text and "fresh" not in page.text


def test_settings_refuse_a_bad_charter_and_bad_targets(make: Factory, world: World) -> None:
    admin = make.client(world.admin_a)
    url = f"/api/v1/teams/{world.team_a.id}/ledger/settings"
    bad = admin.put(url, json={"charter": "request_windows: {emergency: 1}"})
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "invalid_charter"
    assert "synchronous by definition" in bad.json()["error"]["message"]
    assert admin.put(url, json={"charter": "a: [1"}).json()["error"]["code"] == "invalid_charter"
    assert admin.put(url, json={"webhook_urls": ["ftp://x"]}).status_code == 422
    assert admin.get(url).json() == {"charter": "", "webhook_urls": [], "escalation_emails": []}
    page = admin.post(
        f"/teams/{world.team_a.id}/ledger/settings",
        data={
            "csrf_token": admin.csrf_token,
            "charter": "timezone: Mars/Base",  # type: ignore[attr-defined]
            "webhook_urls": "",
            "escalation_emails": "ops@a.example",
        },
    )
    assert page.status_code == 422 and "unknown time zone" in page.text


def test_pages_check_create_reply_and_answer(make: Factory, world: World) -> None:
    member = make.client(world.member_a, csrf=False)
    token = member.csrf_token  # type: ignore[attr-defined]
    form = {
        "csrf_token": token,
        "title": "Budget",
        "owner": str(world.admin_a.id),
        "urgency": "urgent",
        "action": "thoughts?",
        "information": "",
        "links": "",
        "intent": "check",
    }
    url = f"/teams/{world.team_a.id}/ledger"
    checked = member.post(url, data=form)
    assert checked.status_code == 200 and 'id="await-check"' in checked.text
    assert "✗ Action required" in checked.text and "It would be due" in checked.text
    refused = member.post(url, data={**form, "owner": "", "intent": "create"})
    assert refused.status_code == 422 and "needs an owner" in refused.text
    assert 'value="Budget"' in refused.text  # the form comes back as typed
    created = member.post(url, data={**form, "action": "Approve the Q3 budget", "intent": "create"})
    assert created.status_code == 303
    page_url = created.headers["location"]
    shown = member.get(page_url)
    assert 'id="status">open<' in shown.text and 'id="due"' in shown.text
    listed = member.get(url)
    assert "Budget" in listed.text and "urgent" in listed.text
    owner = make.client(world.admin_a, csrf=False)
    replied = owner.post(
        f"{page_url}/replies",
        data={"csrf_token": owner.csrf_token, "body": "Approved."},  # type: ignore[attr-defined]
    )
    assert replied.status_code == 303
    after = owner.get(page_url)
    assert 'id="status">answered<' in after.text and "Approved." in after.text
    emergency = member.post(
        url, data={**form, "urgency": "emergency", "action": "Restart it", "intent": "create"}
    )
    assert "call or page the owner now" in member.get(emergency.headers["location"]).text


def test_the_export_is_the_ledger_and_the_decision_log(make: Factory, world: World) -> None:
    request, decision = make.ledger_entries(world.team_a, world.member_a, owner=world.admin_a)
    admin = make.client(world.admin_a)
    admin.post(f"/api/v1/requests/{request.id}/replies", json={"body": "Yes."})
    document = admin.get(f"/api/v1/teams/{world.team_a.id}/ledger/export").json()
    assert document["format"] == "asyncmaturity-ledger" and document["version"] == 1
    assert document["team"] == {"id": world.team_a.id, "name": world.team_a.name}
    (exported,) = document["requests"]
    assert (
        exported["requester"] == world.member_a.email and exported["owner"] == world.admin_a.email
    )
    assert [r["from"] for r in exported["replies"]] == [world.admin_a.email]
    assert exported["answered_at"] == exported["replies"][0]["created_at"]
    (record,) = document["decisions"]
    assert record["number"] == decision.number and record["status"] == "accepted"
    assert record["decided_at"] is not None and record["proposer"] == world.member_a.email
    with make.context.readers() as db:
        assert db.get(LedgerRequest, request.id) is not None
