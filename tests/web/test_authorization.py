"""Every route of the app, enumerated from `app.routes`, refuses anonymous visitors (but the few
public ones) and never shows one team's objects to another team. A new route without a guard
fails here."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import fastapi.routing
import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from httpx import Response
from starlette.routing import Mount, Route

from asyncmaturity.web.deps import CSRF_FIELD, SCOPE_RESOLVERS
from asyncmaturity.web.services import accounts

from .conftest import LEDGER_SECRETS, UPLOAD_SECRET, Factory, World

# Reachable without a login, on purpose; each says why.
PUBLIC = {
    ("GET", "/api/v1/health"): "liveness probe",
    ("GET", "/api/v1/openapi.json"): "the API's own description",
    ("POST", "/api/v1/session"): "logging in",
    ("GET", "/login"): "the login form",
    ("POST", "/login"): "logging in",
    ("GET", "/invite/{token}"): "an invitation link, for someone without an account yet",
    ("POST", "/invite/{token}"): "accepting it by choosing a password",
    ("POST", "/api/v1/invites/{token}"): "the same through the API",
}
PUBLIC_MOUNTS = {"/static": "the stylesheet"}


@dataclass(frozen=True)
class Call:
    """One method of one route, with a concrete path."""

    method: str
    template: str
    is_api: bool
    guard: str | None  # "team_member" / "team_admin" when a team-scope guard protects it

    def path(self, values: dict[str, str]) -> str:
        path = self.template
        for name, value in values.items():
            path = path.replace("{" + name + "}", value)
        assert "{" not in path, f"no test value for a parameter of {self.template}"
        return path


def _guard(route: Any) -> str | None:
    stack = list(route.dependant.dependencies)
    while stack:
        dependency = stack.pop()
        name = getattr(dependency.call, "__name__", "")
        if name in ("team_member", "team_admin"):
            return name
        stack.extend(dependency.dependencies)
    return None


def _flat_routes(app: FastAPI) -> list[Any]:
    # FastAPI 0.16x keeps included routers as branches; its iterator yields their routes with the
    # prefix applied. Older versions list the routes flat in `app.routes`.
    iterate = getattr(fastapi.routing, "iter_route_contexts", None)
    return list(iterate(app.routes)) if iterate is not None else list(app.routes)


def route_calls(app: FastAPI) -> Iterator[Call]:
    """Every (method, path) the app serves, but the static files mount."""
    for route in _flat_routes(app):
        original = getattr(route, "original_route", route)
        if isinstance(original, Mount):
            assert route.path in PUBLIC_MOUNTS, f"unexpected mount {route.path}"
            continue
        assert isinstance(original, Route), route
        for method in sorted(route.methods or ()):
            if method == "HEAD":
                continue
            yield Call(
                method=method,
                template=route.path,
                is_api=route.path.startswith("/api/"),
                guard=_guard(route) if isinstance(original, APIRoute) else None,
            )


def _send(client: TestClient, call: Call, path: str, csrf: str = "") -> Response:
    if call.method in ("GET", "DELETE"):
        return client.request(call.method, path)
    if call.is_api:
        return client.request(call.method, path, json={})
    return client.request(call.method, path, data={CSRF_FIELD: csrf})


@pytest.fixture
def path_values(world: World, make: Factory) -> dict[str, str]:
    """A value for every path parameter, each naming an object of team A."""
    with make.context.sessions() as db:
        team_a = db.get(accounts.Team, world.team_a.id)
        assert team_a is not None
        token, invite = accounts.create_invite(
            db, team=team_a, email="new@a.example", role="member", hours=1
        )
        db.commit()
    request, decision = make.ledger_entries(world.team_a, world.member_a, owner=world.admin_a)
    job = make.job(world.team_a, world.admin_a)
    return {
        "team_id": str(world.team_a.id),
        "campaign_id": str(world.campaign_a.id),
        "share_token": world.campaign_a.share_token,
        "token": token,
        "request_id": str(request.id),
        "number": str(decision.number),
        "job_id": str(job.id),
        "user_id": str(world.member_a.id),
        "invite_id": str(invite.id),
    }


def test_the_public_list_names_only_real_routes(app: FastAPI) -> None:
    served = {(call.method, call.template) for call in route_calls(app)}
    assert set(PUBLIC) <= served
    assert ("GET", "/s/{share_token}") in served


def test_anonymous_visitors_are_refused_everywhere_but_public_routes(
    app: FastAPI, anonymous: TestClient, path_values: dict[str, str]
) -> None:
    checked = 0
    for call in route_calls(app):
        if (call.method, call.template) in PUBLIC:
            continue
        response = _send(anonymous, call, call.path(path_values))
        where = f"{call.method} {call.template}"
        if call.is_api:
            assert response.status_code == 401, where
            assert response.json()["error"]["code"] == "not_authenticated", where
        else:
            assert response.status_code == 303, where
            assert response.headers["location"].startswith("/login?next="), where
        checked += 1
    assert checked >= 25


def test_another_team_never_sees_or_changes_team_a(
    app: FastAPI, make: Factory, world: World, path_values: dict[str, str]
) -> None:
    secrets = [
        world.team_a.name,
        world.campaign_a.title,
        world.campaign_a.share_token,
        world.admin_a.email,
        world.member_a.email,
        "new@a.example",
        LEDGER_SECRETS[0],
        LEDGER_SECRETS[1],
        UPLOAD_SECRET,
    ]
    scoped = set(SCOPE_RESOLVERS)
    for call in route_calls(app):
        client = make.client(world.admin_b)  # fresh: a logout route must not end the next check
        response = _send(client, call, call.path(path_values), client.csrf_token)  # type: ignore[attr-defined]
        where = f"{call.method} {call.template}"
        assert response.status_code < 500, where
        if scoped & set(path_values) & _params(call.template):
            assert call.guard is not None, f"{where} names a team's object but has no team guard"
            assert response.status_code == 404, where
        for secret in secrets:
            assert secret not in response.text, f"{where} shows {secret!r} to another team"
    # What team A's admin reaches instead: the same calls succeed or fail on input, never 404.
    for call in route_calls(app):
        if call.guard is None or call.method != "GET":
            continue
        client = make.client(world.admin_a)
        response = _send(client, call, call.path(path_values))
        assert response.status_code in (200, 409), f"{call.method} {call.template}"


def test_admin_only_routes_refuse_plain_members(
    app: FastAPI, make: Factory, world: World, path_values: dict[str, str]
) -> None:
    admin_calls = [call for call in route_calls(app) if call.guard == "team_admin"]
    assert len(admin_calls) >= 8
    for call in admin_calls:
        client = make.client(world.member_a)
        response = _send(client, call, call.path(path_values), client.csrf_token)  # type: ignore[attr-defined]
        assert response.status_code == 403, f"{call.method} {call.template}"


def _params(template: str) -> set[str]:
    return {part[1:-1] for part in template.split("/") if part.startswith("{")}
