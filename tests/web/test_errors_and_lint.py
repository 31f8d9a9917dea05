"""One error shape for every API route and an HTML page for pages; the body size limit; the
AWAIT lint endpoint and page."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient

from asyncmaturity.web import create_app

from .conftest import Factory, World, settings_for
from .test_authorization import route_calls


def _is_error_shape(body: object) -> bool:
    return (
        isinstance(body, dict)
        and set(body) == {"error"}
        and isinstance(body["error"], dict)
        and set(body["error"]) == {"code", "message"}
        and all(isinstance(v, str) and v for v in body["error"].values())
    )


def test_every_api_route_answers_errors_in_the_one_shape(
    app: FastAPI, make: Factory, world: World
) -> None:
    """Missing objects (404) and malformed input (422) on every API route, as the same JSON."""
    missing = {
        "team_id": "999999",
        "campaign_id": "999999",
        "share_token": "x" * 43,
        "token": "nope",
        "request_id": "999999",
        "number": "999999",
        "job_id": "999999",
        "user_id": "999999",
        "invite_id": "999999",
    }
    checked = 0
    for call in route_calls(app):
        if not call.is_api or call.template.endswith("openapi.json"):
            continue
        client = make.client(world.admin_a)
        path = call.path(missing)
        if call.method in ("GET", "DELETE"):
            response = client.request(call.method, path)
        else:  # a body of the wrong type: an array where every route takes an object
            response = client.request(call.method, path, json=[1, 2])
        if response.status_code < 400:
            continue  # routes without parameters or body that simply succeed
        assert _is_error_shape(response.json()), (call, response.text)
        checked += 1
    assert checked >= 15
    not_json = make.client(world.admin_a).post(
        "/api/v1/lint", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert not_json.status_code == 422 and _is_error_shape(not_json.json())
    wrong_method = make.client(world.admin_a).put("/api/v1/health")
    assert wrong_method.status_code == 405 and _is_error_shape(wrong_method.json())


def test_pages_answer_errors_with_an_html_page(make: Factory, world: World) -> None:
    client = make.client(world.admin_a)
    for path, status in (
        ("/campaigns/999999", 404),
        ("/no/such/page", 404),
        ("/campaigns/abc", 404),
    ):
        response = client.get(path)
        assert response.status_code == status, path
        assert response.headers["content-type"].startswith("text/html")
        assert "<h1>" in response.text and "Traceback" not in response.text


def test_bodies_over_the_limit_are_refused_before_reading(
    database_url: str, shared_app: FastAPI, make: Factory
) -> None:
    small = create_app(settings_for(database_url, max_upload_bytes=1024), migrate_database=False)
    try:
        client = TestClient(small)
        response = client.post(
            "/api/v1/session", json={"email": "a@b.example", "password": "x" * 2000}
        )
        assert (
            response.status_code == 413 and response.json()["error"]["code"] == "payload_too_large"
        )
        page = client.post("/login", data={"email": "a@b.example", "password": "x" * 2000})
        assert page.status_code == 413 and "exceeds 1024 bytes" in page.text
    finally:
        small.state.context.engine.dispose()


def test_lint_api_checks_a_draft_like_the_cli(make: Factory, world: World) -> None:
    client = make.client(world.member_a)
    response = client.post(
        "/api/v1/lint",
        json={
            "text": "@dana can you review the pricing doc by Friday? https://docs.google.com/x",
            "sent_at": "2026-03-04T10:00:00",
            "timezone": "Europe/Berlin",
        },
    )
    assert response.status_code == 200
    body = response.json()
    assert body["is_request"] is True and body["complete"] is True and body["missing"] == []
    assert body["deadline"] == "2026-03-06T17:00:00+01:00"
    vague = client.post("/api/v1/lint", json={"text": "thoughts?"}).json()
    assert vague["complete"] is False and "assign_ownership" in vague["missing"]
    assert vague["suggestion"]
    zone = client.post("/api/v1/lint", json={"text": "can you?", "timezone": "Mars/Olympus"})
    assert zone.status_code == 422
    assert zone.json()["error"]["code"] == "unknown_time_zone"
    assert "Mars/Olympus" in zone.json()["error"]["message"]


def test_lint_page_shows_what_a_draft_lacks(make: Factory, world: World) -> None:
    client = make.client(world.member_a, csrf=False)
    response = client.post(
        "/lint",
        data={"csrf_token": client.csrf_token, "text": "can someone look at this?"},  # type: ignore[attr-defined]
    )
    assert response.status_code == 200
    assert 'id="lint-result"' in response.text and "✗" in response.text
    assert "Suggestion:" in response.text


def test_health_and_openapi_are_public(anonymous: TestClient) -> None:
    assert anonymous.get("/api/v1/health").json()["status"] == "ok"
    spec = anonymous.get("/api/v1/openapi.json").json()
    assert "/api/v1/campaigns/{campaign_id}/responses.csv" in spec["paths"]
    assert not any(path.startswith(("/s/", "/login")) for path in spec["paths"])  # pages stay out
