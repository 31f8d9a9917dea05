"""Account management and the rules around it: the one password rule wherever a password is set,
changing one's own password, logging out everywhere else, admin resets within their limits, role
changes, pending invitations withdrawn, and links built from the public URL only."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from asyncmaturity.web import create_app
from asyncmaturity.web.deps import FORM_COOKIE, SESSION_COOKIE, WebContext
from asyncmaturity.web.links import NO_PUBLIC_URL, served_public_url
from asyncmaturity.web.models import AuthSession, User
from asyncmaturity.web.server import with_link_base
from asyncmaturity.web.services import accounts

from .conftest import PASSWORD, PUBLIC_URL, Factory, World, settings_for

NEW_PASSWORD = "violet kettle under moonlight"
# Each weak password with the words its refusal must contain.
WEAK = {
    "short one": "at least 12 characters",
    "            ": "only spaces",
    "aaaaaaaaaaaa": "one character repeated",
    "abcdefghijkl": "a run of characters",
    "123456789012": "too easy to guess",
    "passwordpassword": "too easy to guess",
    "qwertyuiopasdf": "too easy to guess",
    "new@a.example": "e-mail address",
    "NewAExample2024!": "e-mail address",
}


def _invite(make: Factory, world: World, email: str = "new@a.example") -> str:
    client = make.client(world.admin_a)
    response = client.post(
        f"/api/v1/teams/{world.team_a.id}/invites", json={"email": email, "role": "member"}
    )
    assert response.status_code == 201, response.text
    url: str = response.json()["url"]
    return url.removeprefix(PUBLIC_URL)


def _log_in(client: TestClient, email: str, password: str) -> int:
    return client.post("/api/v1/session", json={"email": email, "password": password}).status_code


def _sessions_of(context: WebContext, user: User) -> int:
    with context.readers() as db:
        count = db.scalar(
            select(func.count()).select_from(AuthSession).where(AuthSession.user_id == user.id)
        )
    return int(count or 0)


# -- the password rule -------------------------------------------------------------------------


@pytest.mark.parametrize(("password", "why"), WEAK.items(), ids=list(WEAK.values()))
def test_a_weak_password_cannot_open_an_invitation(
    anonymous: TestClient, make: Factory, world: World, password: str, why: str
) -> None:
    path = _invite(make, world)
    response = anonymous.post(
        f"/api/v1{path.replace('/invite/', '/invites/')}", json={"password": password}
    )
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "weak_password" and why in error["message"]


def test_the_invitation_form_shows_why_a_password_is_refused(
    anonymous: TestClient, make: Factory, world: World
) -> None:
    path = _invite(make, world)
    anonymous.get(path)
    token = anonymous.cookies[FORM_COOKIE]
    refused = anonymous.post(path, data={"password": "aaaaaaaaaaaa", "csrf_token": token})
    assert refused.status_code == 422
    assert "one character repeated" in refused.text and 'name="password"' in refused.text
    accepted = anonymous.post(path, data={"password": NEW_PASSWORD, "csrf_token": token})
    assert (
        accepted.status_code == 303 and accepted.headers["location"] == f"/teams/{world.team_a.id}"
    )


def test_the_same_rule_holds_for_a_change_and_a_reset(make: Factory, world: World) -> None:
    member = make.client(world.member_a)
    change = member.put(
        "/api/v1/account/password",
        json={"current_password": PASSWORD, "new_password": "mo@a.example"},
    )
    assert change.status_code == 422 and change.json()["error"]["code"] == "weak_password"
    admin = make.client(world.admin_a)
    reset = admin.put(
        f"/api/v1/teams/{world.team_a.id}/members/{world.member_a.id}/password",
        json={"password": "abcdefghijkl"},
    )
    assert reset.status_code == 422 and "a run of characters" in reset.json()["error"]["message"]


# -- one's own password and logins ---------------------------------------------------------------


def test_changing_the_password_needs_the_current_one_and_ends_the_other_logins(
    app: FastAPI, make: Factory, world: World, context: WebContext
) -> None:
    elsewhere = make.client(world.member_a)
    here = make.client(world.member_a)
    wrong = here.put(
        "/api/v1/account/password",
        json={"current_password": "a wrong current password", "new_password": NEW_PASSWORD},
    )
    assert wrong.status_code == 422 and "current password" in wrong.json()["error"]["message"]
    changed = here.put(
        "/api/v1/account/password",
        json={"current_password": PASSWORD, "new_password": NEW_PASSWORD},
    )
    assert changed.status_code == 200 and changed.json() == {"sessions_closed": 1}
    assert here.get("/api/v1/session").status_code == 200
    assert elsewhere.get("/api/v1/session").status_code == 401
    fresh = TestClient(app)
    assert _log_in(fresh, world.member_a.email, PASSWORD) == 401
    assert _log_in(fresh, world.member_a.email, NEW_PASSWORD) == 201


def test_the_account_page_changes_the_password_and_redirects(
    make: Factory, world: World, context: WebContext
) -> None:
    client = make.client(world.member_a, csrf=False)
    token = client.csrf_token  # type: ignore[attr-defined]
    page = client.get("/account")
    assert page.status_code == 200 and "Change your password" in page.text
    weak = client.post(
        "/account/password",
        data={"csrf_token": token, "current_password": PASSWORD, "new_password": "aaaaaaaaaaaa"},
    )
    assert weak.status_code == 422 and "one character repeated" in weak.text
    done = client.post(
        "/account/password",
        data={"csrf_token": token, "current_password": PASSWORD, "new_password": NEW_PASSWORD},
    )
    assert done.status_code == 303 and done.headers["location"] == "/account?done=password"
    assert "Password changed" in client.get(done.headers["location"]).text
    forged = client.post("/account/password", data={"current_password": NEW_PASSWORD})
    assert forged.status_code == 403  # no CSRF token, no change


def test_logging_out_everywhere_else_keeps_this_login(
    make: Factory, world: World, context: WebContext
) -> None:
    others = [make.client(world.member_a) for _ in range(2)]
    here = make.client(world.member_a, csrf=False)
    page = here.get("/account")
    assert "logged in 2 other time(s)" in page.text
    done = here.post("/account/sessions", data={"csrf_token": here.csrf_token})  # type: ignore[attr-defined]
    assert done.status_code == 303 and done.headers["location"] == "/account?done=sessions"
    assert all(other.get("/api/v1/session").status_code == 401 for other in others)
    assert here.get("/account").status_code == 200 and _sessions_of(context, world.member_a) == 1
    api = make.client(world.member_a)
    assert api.delete("/api/v1/account/sessions").json() == {"sessions_closed": 1}


# -- admin resets and roles ----------------------------------------------------------------------


def test_a_team_admin_resets_a_member_and_the_member_is_logged_out(
    app: FastAPI, make: Factory, world: World, context: WebContext
) -> None:
    member = make.client(world.member_a)
    admin = make.client(world.admin_a, csrf=False)
    done = admin.post(
        f"/teams/{world.team_a.id}/members/{world.member_a.id}/password",
        data={"csrf_token": admin.csrf_token, "password": NEW_PASSWORD},  # type: ignore[attr-defined]
    )
    assert done.status_code == 303
    assert done.headers["location"] == f"/teams/{world.team_a.id}?done=password#members"
    assert member.get("/api/v1/session").status_code == 401
    assert _log_in(TestClient(app), world.member_a.email, NEW_PASSWORD) == 201


def test_a_team_admin_cannot_take_over_a_site_admin_or_another_teams_member(
    make: Factory, world: World
) -> None:
    operator = make.user("ops@a.example", site_admin=True)
    shared = make.user("shared@a.example")
    make.team("Team Gamma", world.admin_b, {shared: "member"})
    with make.context.sessions() as db:
        for user in (operator, shared):
            db.add(accounts.Membership(user_id=user.id, team_id=world.team_a.id, role="member"))
        db.commit()
    admin = make.client(world.admin_a)
    for target in (operator, shared):
        response = admin.put(
            f"/api/v1/teams/{world.team_a.id}/members/{target.id}/password",
            json={"password": NEW_PASSWORD},
        )
        assert response.status_code == 403, target.email
    # A site admin may reset any account, by its address.
    site = make.client(operator)
    reset = site.post(
        "/api/v1/users/password-reset", json={"email": shared.email, "password": NEW_PASSWORD}
    )
    assert reset.status_code == 200
    assert (
        make.client(world.admin_a)
        .post(
            "/api/v1/users/password-reset", json={"email": shared.email, "password": NEW_PASSWORD}
        )
        .status_code
        == 403
    )


def test_roles_change_but_a_team_keeps_an_admin(make: Factory, world: World) -> None:
    admin = make.client(world.admin_a)
    base = f"/api/v1/teams/{world.team_a.id}/members"
    last = admin.patch(f"{base}/{world.admin_a.id}", json={"role": "member"})
    assert last.status_code == 409 and "at least one admin" in last.json()["error"]["message"]
    promoted = admin.patch(f"{base}/{world.member_a.id}", json={"role": "admin"})
    assert promoted.status_code == 200 and promoted.json()["role"] == "admin"
    stepped_down = admin.patch(f"{base}/{world.admin_a.id}", json={"role": "member"})
    assert stepped_down.status_code == 200
    assert admin.get(f"/api/v1/teams/{world.team_a.id}/members").status_code == 403
    outsider = admin.patch(f"{base}/{world.member_b.id}", json={"role": "admin"})
    assert outsider.status_code == 403  # no longer an admin here at all
    page = make.client(world.member_a, csrf=False)
    done = page.post(
        f"/teams/{world.team_a.id}/members/{world.member_b.id}/role",
        data={"csrf_token": page.csrf_token, "role": "admin"},  # type: ignore[attr-defined]
    )
    assert done.status_code == 404  # not a member of this team


def test_a_refused_member_change_says_why_beside_that_members_form(
    make: Factory, world: World
) -> None:
    page = make.client(world.admin_a, csrf=False)
    token = page.csrf_token  # type: ignore[attr-defined]
    team = f"/teams/{world.team_a.id}"
    weak = page.post(
        f"{team}/members/{world.member_a.id}/password",
        data={"csrf_token": token, "password": "aaaaaaaaaaaa"},
    )
    assert weak.status_code == 422
    # The reason sits in the member's own card, right after their reset form.
    card = weak.text.split(world.member_a.email, 1)[1].split("</li>", 1)[0]
    assert 'role="alert"' in card and "one character repeated" in card
    assert world.member_a.email in weak.text.split('role="alert"', 1)[0]
    # The member's password is unchanged: they still log in with it.
    assert make.client(world.member_a).get("/api/v1/teams").status_code == 200
    last = page.post(
        f"{team}/members/{world.admin_a.id}/role", data={"csrf_token": token, "role": "member"}
    )
    assert last.status_code == 409
    card = last.text.split(world.admin_a.email, 2)[-1].split("</li>", 1)[0]
    assert "at least one admin" in card


# -- pending invitations -------------------------------------------------------------------------


def test_pending_invitations_are_listed_and_a_withdrawn_link_is_dead(
    anonymous: TestClient, make: Factory, world: World
) -> None:
    path = _invite(make, world)
    admin = make.client(world.admin_a, csrf=False)
    team_page = admin.get(f"/teams/{world.team_a.id}")
    assert "new@a.example" in team_page.text and "Withdraw" in team_page.text
    listed = make.client(world.admin_a).get(f"/api/v1/teams/{world.team_a.id}/invites").json()
    assert [invite["email"] for invite in listed["data"]] == ["new@a.example"]
    invite_id = listed["data"][0]["id"]
    done = admin.post(
        f"/teams/{world.team_a.id}/invites/{invite_id}/revoke",
        data={"csrf_token": admin.csrf_token},  # type: ignore[attr-defined]
    )
    assert done.status_code == 303
    assert "Invitation withdrawn" in admin.get(done.headers["location"]).text
    gone = anonymous.get(path)
    assert gone.status_code == 404 and "withdrawn" in gone.text
    token = path.rsplit("/", 1)[1]
    accept = anonymous.post(f"/api/v1/invites/{token}", json={"password": NEW_PASSWORD})
    assert accept.status_code == 404
    api = make.client(world.admin_a)
    assert api.get(f"/api/v1/teams/{world.team_a.id}/invites").json()["count"] == 0
    assert api.delete(f"/api/v1/teams/{world.team_a.id}/invites/{invite_id}").status_code == 404


# -- links from the public URL only --------------------------------------------------------------


def test_a_forged_host_header_never_makes_a_link(make: Factory, world: World) -> None:
    admin = make.client(world.admin_a)
    admin.headers["host"] = "evil.example"
    invite = admin.post(f"/api/v1/teams/{world.team_a.id}/invites", json={"email": "new@a.example"})
    assert invite.status_code == 201
    assert invite.json()["url"].startswith(f"{PUBLIC_URL}/invite/")
    campaigns = admin.get(f"/api/v1/teams/{world.team_a.id}/campaigns").json()["data"]
    assert campaigns[0]["share_url"].startswith(f"{PUBLIC_URL}/s/")
    page = make.client(world.admin_a, csrf=False)
    page.headers["host"] = "evil.example"
    shown = page.post(
        f"/teams/{world.team_a.id}/invites",
        data={"csrf_token": page.csrf_token, "email": "other@a.example"},  # type: ignore[attr-defined]
        follow_redirects=True,
    )
    assert re.search(rf"{re.escape(PUBLIC_URL)}/invite/[\w-]{{43}}", shown.text)
    for response in (invite, shown, page.get(f"/campaigns/{world.campaign_a.id}")):
        assert "evil.example" not in response.text


@pytest.fixture
def unlinked_app(database_url: str, app: FastAPI, tmp_path: Path) -> Iterator[FastAPI]:
    """An app over the same database with no public URL, as if served on a public address."""
    settings = settings_for(database_url, public_url=None, data_dir=tmp_path)
    unlinked = create_app(settings, migrate_database=False)
    yield unlinked
    unlinked.state.jobs.shutdown()
    unlinked.state.context.engine.dispose()


def test_without_a_public_url_no_invitation_link_is_made_and_the_page_says_why(
    unlinked_app: FastAPI, make: Factory, world: World
) -> None:
    with make.context.sessions() as db:
        token, _ = accounts.open_session(db, user=world.admin_a, hours=1)
        db.commit()
    admin = TestClient(unlinked_app, follow_redirects=False, cookies={SESSION_COOKIE: token})
    page = admin.get(f"/teams/{world.team_a.id}")
    assert "Invitation links are off" in page.text and "ASYNCMATURITY_WEB_PUBLIC_URL" in page.text
    csrf = admin.get("/api/v1/session").json()["csrf_token"]
    refused = admin.post(
        f"/api/v1/teams/{world.team_a.id}/invites",
        json={"email": "new@a.example"},
        headers={"X-CSRF-Token": csrf},
    )
    assert refused.status_code == 503
    assert refused.json()["error"] == {"code": "public_url_unset", "message": NO_PUBLIC_URL}
    assert admin.get(f"/api/v1/teams/{world.team_a.id}/invites").json()["count"] == 0
    share = admin.get(f"/api/v1/campaigns/{world.campaign_a.id}").json()["share_url"]
    assert share == f"/s/{world.campaign_a.share_token}"  # the path alone, no host


def test_serving_on_loopback_links_to_itself_and_elsewhere_warns() -> None:
    assert served_public_url("127.0.0.1", 8000) == "http://127.0.0.1:8000"
    assert served_public_url("::1", 8080) == "http://[::1]:8080"
    assert served_public_url("localhost", 8000) == "http://localhost:8000"
    assert served_public_url("0.0.0.0", 8000) is None
    assert served_public_url("192.168.1.5", 8000) is None
    said: list[str] = []
    base = settings_for("sqlite://", public_url=None)
    assert with_link_base(base, host="0.0.0.0", port=80, say=said.append).public_url is None
    assert said and said[0].startswith("Warning: invitation and share links are off")
    local = with_link_base(base, host="127.0.0.1", port=8000, say=said.append)
    assert local.public_url == "http://127.0.0.1:8000"
    configured = settings_for("sqlite://", public_url="https://async.example.com")
    assert with_link_base(configured, host="0.0.0.0", port=80, say=said.append) is configured
