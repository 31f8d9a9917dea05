"""Every server-rendered page, enumerated from `app.routes`, opens in headless Chromium: status
below 400, a <main> or <h1>, and no console error, page error or failed request. A new GET page
whose path parameters have no test value fails here, as does one that does not render."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from sqlalchemy import update
from starlette.responses import HTMLResponse
from starlette.routing import Mount

from asyncmaturity.web.models import User

from .conftest import Factory, World
from .test_authorization import PUBLIC, _flat_routes, _params
from .test_authorization import path_values as path_values
from .test_browser import _log_in
from .test_browser import page as page
from .test_dashboard import run, upload
from .test_dashboard import slack_zip as slack_zip

pytestmark = [
    pytest.mark.browser,
    # One backend is enough to prove the pages render; SQLite keeps it fast.
    pytest.mark.parametrize("database_url", ["sqlite"], indirect=True),
]

# GET routes outside /api/ that are not HTML pages, each with why (none today).
NOT_PAGES: dict[str, str] = {}
# Pages that may answer with a redirect, each with where it goes and why (none today).
EXPECTED_REDIRECTS: dict[str, str] = {}


def page_templates(app: FastAPI) -> list[str]:
    """The path templates of the app's GET HTML pages; fails on an unclassified GET route."""
    pages = []
    for route in _flat_routes(app):
        original = getattr(route, "original_route", route)
        if isinstance(original, Mount) or route.path.startswith("/api/"):
            continue
        if "GET" not in (route.methods or ()) or route.path in NOT_PAGES:
            continue
        assert isinstance(original, APIRoute), f"GET {route.path} is not a FastAPI route"
        response_class = getattr(original.response_class, "value", original.response_class)
        assert isinstance(response_class, type) and issubclass(response_class, HTMLResponse), (
            f"GET {route.path} is neither an HTML page nor listed in NOT_PAGES"
        )
        pages.append(route.path)
    return pages


def fill(template: str, values: dict[str, str]) -> str:
    """The template with its parameters filled; a parameter without a value fails the test."""
    missing = _params(template) - set(values)
    if missing:
        pytest.fail(
            f"GET {template}: no test value for path parameter(s) {sorted(missing)}; "
            "add one to path_values in tests/web/test_authorization.py"
        )
    path = template
    for name, value in values.items():
        path = path.replace("{" + name + "}", value)
    return path


def visit(page: Any, path: str) -> list[str]:
    """Open `path`; the problems seen (status, redirect, structure, console, requests)."""
    problems: list[str] = []

    def on_console(message: Any) -> None:
        if message.type == "error":
            problems.append(f"console error: {message.text}")

    def on_response(response: Any) -> None:
        if response.status >= 400 and response.request.resource_type != "document":
            problems.append(f"{response.status} for {response.url}")

    listeners = {
        "console": on_console,
        "pageerror": lambda exc: problems.append(f"page error: {exc}"),
        "requestfailed": lambda request: problems.append(f"failed request: {request.url}"),
        "response": on_response,
    }
    for event, listener in listeners.items():
        page.on(event, listener)
    try:
        response = page.goto(path)
        page.wait_for_load_state("load")
        if response is None:
            problems.append("no response")
        elif response.status >= 400:
            problems.append(f"HTTP {response.status}")
        landed = page.url.split("://", 1)[-1].split("/", 1)[-1]
        if "/" + landed != path and path not in EXPECTED_REDIRECTS:
            problems.append(f"redirected to {page.url}")
        if page.locator("main, h1").count() == 0:
            problems.append("no <main> or <h1>")
    finally:
        for event, listener in listeners.items():
            page.remove_listener(event, listener)
    return problems


def test_every_page_renders_in_a_browser(
    page: Any,
    app: FastAPI,
    make: Factory,
    world: World,
    path_values: dict[str, str],
    slack_zip: bytes,
) -> None:
    # Evidence and an assessment, so the dashboard and report pages show real figures.
    admin = make.client(world.admin_a)
    run(admin, upload(admin, world.team_a, slack_zip))
    run(admin, admin.post(f"/api/v1/teams/{world.team_a.id}/assessments"))
    # Team A's admin is also a site admin: the pages show every part they have.
    with make.context.sessions() as db:
        db.execute(update(User).where(User.id == world.admin_a.id).values(is_site_admin=True))
        db.commit()

    templates = page_templates(app)
    assert len(templates) >= 15, templates
    public = [t for t in templates if ("GET", t) in PUBLIC]
    private = [t for t in templates if ("GET", t) not in PUBLIC]
    assert public and private

    failures: dict[str, list[str]] = {}
    # The public pages as their audience sees them (an invite is for someone not logged in),
    # then log in in the same context and open every other page.
    for template in public:
        failures[template] = visit(page, fill(template, path_values))
    page.goto("/login")
    _log_in(page, world.admin_a.email)
    for template in private:
        failures[template] = visit(page, fill(template, path_values))

    failed = {template: found for template, found in failures.items() if found}
    assert not failed, "\n".join(f"GET {t}: {found}" for t, found in failed.items())
