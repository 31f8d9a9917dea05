"""Survey campaigns end to end: create, answer partially, resume, submit, results withheld below
the minimum group size and until the campaign closes, then shown, and a CSV export that
`assess --survey` reads."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from asyncmaturity.assess import assess
from asyncmaturity.charter import Charter
from asyncmaturity.survey import load_responses
from asyncmaturity.web.models import Membership, SurveyResponse, User
from asyncmaturity.web.services.campaigns import campaign_survey

from .conftest import Factory, World

ITEMS = [item.id for item in campaign_survey("five-area").items]


def _answers(level: int) -> dict[str, float]:
    """A full set of answers: `level` on every likert item, Yes on yes/no items."""
    definition = campaign_survey("five-area")
    return {
        item.id: (float(level) if definition.scale_of(item).kind == "likert" else 1.0)
        for item in definition.items
    }


def _start(client: TestClient, team_id: int, **fields: object) -> dict[str, object]:
    response = client.post(
        f"/api/v1/teams/{team_id}/campaigns", json={"title": "Spring check", **fields}
    )
    assert response.status_code == 201, response.text
    body: dict[str, object] = response.json()
    return body


def test_campaign_end_to_end_through_the_api(make: Factory, world: World, tmp_path: Path) -> None:
    admin = make.client(world.admin_a)
    campaign = _start(admin, world.team_a.id, min_group_size=3)
    assert campaign["status"] == "open" and campaign["submitted"] == 0
    share_url = str(campaign["share_url"])
    assert re.fullmatch(r"http://testserver/s/[A-Za-z0-9_-]{43}", share_url)
    cid = campaign["id"]
    survey = admin.get(f"/api/v1/campaigns/{cid}/survey").json()
    assert [item["id"] for item in survey["items"]] == ITEMS

    people = [world.admin_a, world.member_a, *(make.user(f"p{i}@a.example") for i in range(2))]
    with make.context.sessions() as db:
        for person in people[2:]:
            db.add(make_membership(person, world.team_a.id))
        db.commit()
    clients = [make.client(person) for person in people]

    # Save part of the answers, come back, see them, finish and submit.
    first = clients[1]
    half = dict(list(_answers(4).items())[:5])
    saved = first.put(f"/api/v1/campaigns/{cid}/response", json={"answers": half})
    assert saved.status_code == 200 and saved.json()["status"] == "saved"
    resumed = first.get(f"/api/v1/campaigns/{cid}/response").json()
    assert resumed["answers"] == half and resumed["submitted_at"] is None
    rest = {k: v for k, v in _answers(4).items() if k not in half}
    done = first.put(f"/api/v1/campaigns/{cid}/response", json={"answers": rest, "submit": True})
    assert done.json()["status"] == "submitted" and done.json()["answers"] == _answers(4)
    again = first.put(f"/api/v1/campaigns/{cid}/response", json={"answers": {}, "submit": True})
    assert again.status_code == 409 and again.json()["error"]["code"] == "conflict"

    # Below the minimum group size: counts only, no figures, no export.
    for client, level in zip(clients[2:3], (2,), strict=True):
        client.put(
            f"/api/v1/campaigns/{cid}/response", json={"answers": _answers(level), "submit": True}
        )
    hidden = admin.get(f"/api/v1/campaigns/{cid}/results").json()
    assert hidden == {
        "campaign_id": cid,
        "submitted": 2,
        "min_group_size": 3,
        "needed": 1,
        "shown": False,
        "survey": None,
    }
    refused = admin.get(f"/api/v1/campaigns/{cid}/responses.csv")
    assert refused.status_code == 409 and "minimum group size" in refused.json()["error"]["message"]

    # At the minimum and closed: figures for everyone in the team, the export for its admins.
    clients[3].put(
        f"/api/v1/campaigns/{cid}/response", json={"answers": _answers(5), "submit": True}
    )
    clients[0].put(
        f"/api/v1/campaigns/{cid}/response", json={"answers": _answers(1)}
    )  # not submitted
    still_open = clients[1].get(f"/api/v1/campaigns/{cid}/results").json()
    assert still_open["shown"] is False and still_open["needed"] == 0
    assert admin.get(f"/api/v1/campaigns/{cid}/responses.csv").status_code == 409
    admin.patch(f"/api/v1/campaigns/{cid}", json={"status": "closed"})
    shown = clients[1].get(f"/api/v1/campaigns/{cid}/results").json()
    assert shown["shown"] is True and shown["submitted"] == 3 and shown["needed"] == 0
    figures = shown["survey"]["organization"]["items"][ITEMS[0]]
    assert figures["n"] == 3 and figures["mean"] == (4 + 2 + 5) / 3
    assert figures["distribution"] is None  # per-option counts are withheld
    assert shown["survey"]["teams"]["Team Alpha"]["respondents"] == 3

    export = admin.get(f"/api/v1/campaigns/{cid}/responses.csv")
    assert export.status_code == 200 and export.headers["content-type"].startswith("text/csv")
    path = tmp_path / "answers.csv"
    path.write_bytes(export.content)
    definition = campaign_survey("five-area")
    responses = load_responses(path, definition)
    assert len(responses.rows) == 3 and not responses.rejected and not responses.notes
    assert sorted(r.answers[ITEMS[0]] for r in responses.rows) == [2.0, 4.0, 5.0]
    assert {r.team for r in responses.rows} == {"Team Alpha"}
    # The team's charter sets the same minimum group size as the campaign.
    assessment = assess(survey=path, framework="five-area", charter=Charter(min_group_size=3))
    assert assessment.survey is not None and assessment.survey.respondents == 3
    assert assessment.document().overall.level is not None


def make_membership(user: User, team_id: int) -> Membership:
    return Membership(user_id=user.id, team_id=team_id, role="member")


def test_answers_are_stored_under_a_key_that_does_not_name_the_person(
    make: Factory, world: World, db: Session
) -> None:
    member = make.client(world.member_a)
    cid = world.campaign_a.id
    member.put(f"/api/v1/campaigns/{cid}/response", json={"answers": {ITEMS[0]: 3}})
    stored = db.scalars(select(SurveyResponse)).one()
    assert stored.respondent not in (str(world.member_a.id), world.member_a.email)
    assert len(stored.respondent) == 64
    # The same person gets an unrelated key in another campaign of the same team.
    db.rollback()  # end the read snapshot before the app writes again
    other = make.campaign(world.team_a, title="Autumn check")
    member.put(f"/api/v1/campaigns/{other.id}/response", json={"answers": {ITEMS[0]: 3}})
    keys = set(db.scalars(select(SurveyResponse.respondent)).all())
    assert len(keys) == 2
    # The team's admin sees no one's answers, only their own (none yet).
    admin_view = make.client(world.admin_a).get(f"/api/v1/campaigns/{cid}/response").json()
    assert admin_view == {
        "status": "not_started",
        "answers": {},
        "saved_at": None,
        "submitted_at": None,
    }


def test_bad_answers_and_closed_campaigns_are_refused(make: Factory, world: World) -> None:
    member = make.client(world.member_a)
    admin = make.client(world.admin_a)
    cid = world.campaign_a.id
    unknown = member.put(f"/api/v1/campaigns/{cid}/response", json={"answers": {"no.such.item": 3}})
    assert unknown.status_code == 422 and "not a question" in unknown.json()["error"]["message"]
    outside = member.put(f"/api/v1/campaigns/{cid}/response", json={"answers": {ITEMS[0]: 9}})
    assert outside.status_code == 422 and outside.json()["error"]["code"] == "invalid_input"
    empty = member.put(f"/api/v1/campaigns/{cid}/response", json={"answers": {}, "submit": True})
    assert empty.status_code == 422
    assert (
        admin.patch(f"/api/v1/campaigns/{cid}", json={"status": "closed"}).json()["status"]
        == "closed"
    )
    closed = member.put(f"/api/v1/campaigns/{cid}/response", json={"answers": {ITEMS[0]: 3}})
    assert closed.status_code == 409 and "closed" in closed.json()["error"]["message"]
    bad = admin.post(
        f"/api/v1/teams/{world.team_a.id}/campaigns", json={"title": "X", "framework": "wmi"}
    )
    assert bad.status_code == 422 and "five-area" in bad.json()["error"]["message"]
    assert member.get(f"/api/v1/campaigns/{cid}/responses.csv").status_code == 403


def test_answering_through_the_pages_saves_resumes_and_submits(make: Factory, world: World) -> None:
    member = make.client(world.member_a, csrf=False)
    token = member.csrf_token  # type: ignore[attr-defined]
    link = f"/s/{world.campaign_a.share_token}"
    page = member.get(link)
    assert page.status_code == 200 and page.text.count('type="radio"') > len(ITEMS)
    first = {f"answer:{ITEMS[0]}": "4", f"answer:{ITEMS[1]}": "Agree"}
    saved = member.post(link, data={"csrf_token": token, "action": "save", **first})
    assert saved.status_code == 303 and saved.headers["location"] == f"{link}?saved=true"
    resumed = member.get(saved.headers["location"]).text
    assert 'id="saved"' in resumed
    assert resumed.count(" checked") == 2 and "2 of" in resumed
    submitted = member.post(
        link, data={"csrf_token": token, "action": "submit", f"answer:{ITEMS[2]}": "2"}
    )
    assert submitted.status_code == 303
    final = member.get(link).text
    assert 'id="submitted"' in final and 'type="radio"' not in final
    mine = member.get(f"/api/v1/campaigns/{world.campaign_a.id}/response").json()
    assert mine["status"] == "submitted" and len(mine["answers"]) == 3
    campaign_page = member.get(f"/campaigns/{world.campaign_a.id}").text
    assert 'id="results-hidden"' in campaign_page and "2 more people" in campaign_page


def test_campaign_pages_for_admins_show_link_results_and_chart(make: Factory, world: World) -> None:
    admin = make.client(world.admin_a, csrf=False)
    token = admin.csrf_token  # type: ignore[attr-defined]
    created = admin.post(
        f"/teams/{world.team_a.id}/campaigns",
        data={
            "csrf_token": token,
            "title": "Page campaign",
            "framework": "five-area",
            "min_group_size": "3",
        },
    )
    assert created.status_code == 303
    page = admin.get(created.headers["location"]).text
    share = re.search(r'id="share-link">([^<]+)<', page)
    assert share is not None
    link = share.group(1).removeprefix("http://testserver")
    third = make.member(world.team_a, "third@a.example")
    for person, level in ((world.admin_a, "5"), (world.member_a, "2"), (third, "3")):
        client = make.client(person, csrf=False)
        client.post(
            link,
            data={
                "csrf_token": client.csrf_token,
                "action": "submit",  # type: ignore[attr-defined]
                f"answer:{ITEMS[0]}": level,
            },
        )
    page = admin.get(created.headers["location"]).text
    assert 'id="results-hidden"' in page and "when the campaign is closed" in page
    closed = admin.post(
        created.headers["location"] + "/status", data={"csrf_token": token, "status": "closed"}
    )
    assert closed.status_code == 303
    page = admin.get(created.headers["location"]).text
    assert 'id="results-shown"' in page and '<svg class="chart-svg"' in page
    assert "responses.csv" in page
    assert "Reopen the campaign" not in page  # published results are final
    team_page = admin.get(f"/teams/{world.team_a.id}").text
    assert "Page campaign" in team_page and "mo@a.example" in team_page


def test_invitations_bring_new_and_existing_accounts_into_the_team(
    make: Factory, world: World, anonymous: TestClient
) -> None:
    admin = make.client(world.admin_a)
    invite = admin.post(f"/api/v1/teams/{world.team_a.id}/invites", json={"email": "New@A.example"})
    assert invite.status_code == 201 and invite.json()["email"] == "new@a.example"
    path = invite.json()["url"].removeprefix("http://testserver")
    page = anonymous.get(path)
    assert page.status_code == 200 and "Choose a password" in page.text
    form_token = anonymous.cookies["asyncmaturity_form"]
    joined = anonymous.post(path, data={"csrf_token": form_token, "password": "a fine password"})
    assert joined.status_code == 303 and joined.headers["location"] == f"/teams/{world.team_a.id}"
    assert [t["name"] for t in anonymous.get("/api/v1/teams").json()["data"]] == ["Team Alpha"]
    assert anonymous.get(path).status_code == 404  # used up

    # An existing account (member of team B) joins team A through the API, logged in.
    again = admin.post(f"/api/v1/teams/{world.team_a.id}/invites", json={"email": "bo@b.example"})
    token = again.json()["url"].rsplit("/", 1)[1]
    bo = make.client(world.member_b)
    accepted = bo.post(f"/api/v1/invites/{token}", json={})
    assert accepted.status_code == 200
    assert {t["team_name"] for t in accepted.json()["user"]["teams"]} == {"Team Alpha", "Team Beta"}
    members = admin.get(f"/api/v1/teams/{world.team_a.id}/members").json()
    assert members["count"] == 4
    duplicate = admin.post(
        f"/api/v1/teams/{world.team_a.id}/invites", json={"email": "bo@b.example"}
    )
    assert duplicate.status_code == 409


def test_site_admins_create_teams_and_become_their_admins(make: Factory) -> None:
    root = make.client(make.user("root@example.com", site_admin=True))
    created = root.post("/api/v1/teams", json={"name": "  Platform   Team "})
    assert created.status_code == 201 and created.json() == {
        "id": created.json()["id"],
        "name": "Platform Team",
        "role": "admin",
    }
    assert root.post("/api/v1/teams", json={"name": "Platform Team"}).status_code == 409
    frameworks = root.get("/api/v1/frameworks").json()
    assert [f["id"] for f in frameworks["data"]] == ["five-area"]
    assert frameworks["data"][0]["questions"] == len(ITEMS)


def test_team_admins_invite_from_the_team_page(make: Factory, world: World) -> None:
    admin = make.client(world.admin_a, csrf=False)
    response = admin.post(
        f"/teams/{world.team_a.id}/invites",
        data={"csrf_token": admin.csrf_token, "email": "new@a.example", "role": "admin"},  # type: ignore[attr-defined]
    )
    # Post/redirect/get: the team's page shows the link once, a reload no longer.
    assert response.status_code == 303
    assert response.headers["location"] == f"/teams/{world.team_a.id}"
    shown = admin.get(response.headers["location"]).text
    link = re.search(r'<code class="link-box">http://testserver(/invite/[^<]+)</code>', shown)
    assert link is not None and "Invitation for new@a.example" in shown
    assert "/invite/" not in admin.get(response.headers["location"]).text
    assert make.client(world.admin_a).get("/api/v1/session").status_code == 200
    page = TestClient(admin.app).get(link.group(1))
    assert page.status_code == 200 and "as admin" in page.text
