"""Every HTML form post, enumerated from `app.routes`, answers a success with 303 See Other to a
page (post/redirect/get), so a reload of what the browser shows never repeats the action. A new
form post without a successful example here fails, unless it changes nothing (READ_ONLY_POSTS).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import update

from asyncmaturity.charter import Charter
from asyncmaturity.web.charter_form import form_values
from asyncmaturity.web.models import User

from .conftest import PASSWORD, Factory, World
from .test_authorization import path_values as path_values
from .test_authorization import route_calls
from .test_dashboard import run, upload, wait_for
from .test_dashboard import slack_zip as slack_zip

# Form posts that change nothing, so a reload only repeats a check; each with why.
READ_ONLY_POSTS = {
    "/lint": "checks a draft against AWAIT and shows the result; nothing is stored",
}
NEW_PASSWORD = "violet-Harbor-trumpet-58"
FORM_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass(frozen=True)
class FormPost:
    """A successful post of one form: who sends it, its fields and its files, where it lands."""

    who: str  # "admin", "member" or "visitor" (not logged in: the form's token from its page)
    data: dict[str, Any] = field(default_factory=dict)
    files: list[tuple[str, tuple[str, bytes, str]]] = field(default_factory=list)
    lands: str = ""  # the page the redirect names, a prefix ("" when not checked)


def successful_posts(world: World, values: dict[str, str], export: bytes) -> dict[str, FormPost]:
    """A successful post of every form, keyed by route, in an order in which each one succeeds."""
    team, number = f"/teams/{values['team_id']}", values["number"]
    madr = b"# 7. Keep a log\n\n## Decision Outcome\n\nWe keep one.\n"
    return {
        "/login": FormPost(
            "visitor", {"email": world.member_a.email, "password": PASSWORD}, lands="/"
        ),
        "/invite/{token}": FormPost("visitor", {"password": NEW_PASSWORD}, lands=team),
        "/teams": FormPost("admin", {"name": "Team Gamma"}, lands="/teams/"),
        "/teams/{team_id}/campaigns": FormPost(
            "admin", {"title": "Autumn check", "framework": "five-area"}, lands="/campaigns/"
        ),
        "/teams/{team_id}/invites": FormPost("admin", {"email": "x@a.example"}, lands=team),
        "/s/{share_token}": FormPost("member", {"action": "save"}),
        "/campaigns/{campaign_id}/status": FormPost("admin", {"status": "closed"}),
        "/teams/{team_id}/charter": FormPost(
            "admin", {**form_values(Charter()), "timezone": "Europe/Berlin"}
        ),
        "/teams/{team_id}/charter/yaml": FormPost("admin", {"charter_yaml": "timezone: UTC\n"}),
        "/teams/{team_id}/assessments": FormPost("admin", lands="/jobs/"),
        "/teams/{team_id}/uploads": FormPost(
            "admin", files=[("file", ("slack.zip", export, "application/zip"))], lands="/jobs/"
        ),
        "/teams/{team_id}/workspace": FormPost("admin", {"charter_path": "", "store_path": ""}),
        "/teams/{team_id}/ledger": FormPost(
            "member",
            {"title": "Tiers", "owner": str(world.admin_a.id), "action": "Approve the tiers"},
            lands="/requests/",
        ),
        "/requests/{request_id}/replies": FormPost("member", {"body": "Any news?"}),
        "/requests/{request_id}/close": FormPost("member"),
        "/teams/{team_id}/ledger/settings": FormPost("admin", {"escalation_emails": "o@a.example"}),
        "/teams/{team_id}/decisions": FormPost("member", {"title": "Use SQLite"}),
        "/teams/{team_id}/decision-records": FormPost(
            "admin", files=[("files", ("0007-keep-a-log.md", madr, "text/markdown"))]
        ),
        "/teams/{team_id}/decisions/{number}": FormPost("member", {"title": f"Decision {number}"}),
        "/teams/{team_id}/decisions/{number}/supersede": FormPost("member", {"title": "Newer"}),
        "/logout": FormPost("member", lands="/login"),
    }


def _form_token(client: TestClient, page: str) -> str:
    """The double-submit token of a form shown before login (its page sets the cookie)."""
    found = FORM_TOKEN.search(client.get(page).text)
    assert found is not None, page
    return found.group(1)


def test_every_form_post_that_succeeds_redirects_to_a_page(
    app: FastAPI, make: Factory, world: World, path_values: dict[str, str], slack_zip: bytes
) -> None:
    with make.context.sessions() as db:
        db.execute(update(User).where(User.id == world.admin_a.id).values(is_site_admin=True))
        db.commit()
    clients: dict[str, Any] = {
        "admin": make.client(world.admin_a, csrf=False),
        "member": make.client(world.member_a, csrf=False),
    }
    run(clients["admin"], upload(make.client(world.admin_a), world.team_a, slack_zip))
    forms = [
        call.template
        for call in route_calls(app)
        if call.method == "POST" and not call.is_api and call.template not in READ_ONLY_POSTS
    ]
    posts = successful_posts(world, path_values, slack_zip)
    assert sorted(posts) == sorted(forms), "give every form post a successful example"

    for template, post in posts.items():
        path = template
        for name, value in path_values.items():
            path = path.replace("{" + name + "}", value)
        if post.who == "visitor":
            client = TestClient(app, follow_redirects=False)
            token = _form_token(client, "/login" if path == "/login" else path)
        else:
            client = clients[post.who]
            token = client.csrf_token
        response = client.post(path, data={"csrf_token": token, **post.data}, files=post.files)
        assert response.status_code == 303, f"POST {template}: {response.status_code}"
        location = response.headers["location"]
        assert location.startswith(post.lands or "/"), f"POST {template} -> {location}"
        if location.startswith("/jobs/"):
            # The job runs after the answer; let it end before the next post or the wipe.
            wait_for(make.client(world.admin_a), int(location.removeprefix("/jobs/")))
        shown = client.get(location)
        assert shown.status_code == 200, f"POST {template} -> GET {location}: {shown.status_code}"
        assert shown.headers["content-type"].startswith("text/html"), location


def test_a_saved_form_says_so_once_on_the_page_it_lands_on(make: Factory, world: World) -> None:
    admin = make.client(world.admin_a, csrf=False)
    settings = f"/teams/{world.team_a.id}/ledger/settings"
    saved = admin.post(
        settings,
        data={"csrf_token": admin.csrf_token, "escalation_emails": "o@a.example"},  # type: ignore[attr-defined]
    )
    assert saved.status_code == 303 and saved.headers["location"] == f"{settings}?saved=true"
    assert 'id="saved"' in admin.get(saved.headers["location"]).text
    assert 'id="saved"' not in admin.get(settings).text
