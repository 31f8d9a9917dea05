"""Accounts and sessions: login and logout (API and page), argon2 hashes, cookie flags, CSRF."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from asyncmaturity.cli import app as cli_app
from asyncmaturity.web import WebSettings, create_app
from asyncmaturity.web.deps import CSRF_HEADER, FORM_COOKIE, SESSION_COOKIE
from asyncmaturity.web.models import AuthSession, User, utcnow
from asyncmaturity.web.settings import InvalidWebSettings

from .conftest import PASSWORD, Factory, settings_for


def _login(client: TestClient, email: str, password: str = PASSWORD) -> dict[str, object]:
    response = client.post("/api/v1/session", json={"email": email, "password": password})
    assert response.status_code == 201, response.text
    body: dict[str, object] = response.json()
    return body


def test_login_returns_the_user_and_a_csrf_token_and_sets_a_safe_cookie(
    anonymous: TestClient, make: Factory
) -> None:
    make.user("ana@a.example")
    response = anonymous.post(
        "/api/v1/session", json={"email": " Ana@A.example ", "password": PASSWORD}
    )
    assert response.status_code == 201
    body = response.json()
    assert body["user"]["email"] == "ana@a.example"
    assert len(body["csrf_token"]) >= 32
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{SESSION_COOKIE}=")
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/" in cookie
    assert "Secure" not in cookie  # the test settings serve plain HTTP on purpose
    me = anonymous.get("/api/v1/session")
    assert me.status_code == 200 and me.json()["csrf_token"] == body["csrf_token"]


def test_wrong_password_and_unknown_address_get_the_same_answer(
    anonymous: TestClient, make: Factory
) -> None:
    make.user("ana@a.example")
    wrong = anonymous.post(
        "/api/v1/session", json={"email": "ana@a.example", "password": "not the password"}
    )
    unknown = anonymous.post(
        "/api/v1/session", json={"email": "zed@a.example", "password": PASSWORD}
    )
    malformed = anonymous.post("/api/v1/session", json={"email": "nobody", "password": PASSWORD})
    for response in (wrong, unknown, malformed):
        assert response.status_code == 401
        assert response.json() == {
            "error": {"code": "not_authenticated", "message": "wrong e-mail address or password"}
        }
        assert SESSION_COOKIE not in response.headers.get("set-cookie", "")


def test_passwords_are_stored_as_argon2id_hashes(make: Factory, db: Session) -> None:
    make.user("ana@a.example")
    stored = db.scalar(select(User.password_hash).where(User.email == "ana@a.example"))
    assert stored is not None and stored.startswith("$argon2id$")
    assert PASSWORD not in stored


def test_session_tokens_are_stored_only_as_digests(
    anonymous: TestClient, make: Factory, db: Session
) -> None:
    make.user("ana@a.example")
    _login(anonymous, "ana@a.example")
    token = anonymous.cookies[SESSION_COOKIE]
    hashes = db.scalars(select(AuthSession.token_hash)).all()
    assert len(hashes) == 1 and token not in hashes[0] and len(hashes[0]) == 64


def test_logout_ends_the_session_at_once(anonymous: TestClient, make: Factory) -> None:
    make.user("ana@a.example")
    token = _login(anonymous, "ana@a.example")["csrf_token"]
    stolen = anonymous.cookies[SESSION_COOKIE]
    assert anonymous.delete("/api/v1/session", headers={CSRF_HEADER: str(token)}).status_code == 204
    replay = TestClient(anonymous.app, cookies={SESSION_COOKIE: stolen})
    assert replay.get("/api/v1/session").status_code == 401


def test_an_expired_session_is_refused(make: Factory, context: object, db: Session) -> None:
    client = make.client(make.user("ana@a.example"))
    assert client.get("/api/v1/session").status_code == 200
    db.execute(update(AuthSession).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.commit()
    assert client.get("/api/v1/session").status_code == 401


def test_state_changes_without_the_csrf_token_are_refused(make: Factory) -> None:
    admin = make.user("ana@a.example", site_admin=True)
    client = make.client(admin, csrf=False)
    missing = client.post("/api/v1/teams", json={"name": "Platform"})
    wrong = client.post("/api/v1/teams", json={"name": "Platform"}, headers={CSRF_HEADER: "x" * 43})
    for response in (missing, wrong):
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "csrf_failed"
    form = client.post("/teams", data={"name": "Platform"})
    assert form.status_code == 403 and "csrf" in form.text.lower()
    assert client.get("/api/v1/teams").json()["count"] == 0  # nothing was created
    token = client.csrf_token  # type: ignore[attr-defined]
    assert client.post("/teams", data={"name": "Platform", "csrf_token": token}).status_code == 303
    assert client.get("/api/v1/teams").json()["count"] == 1


def test_login_page_sets_a_session_and_goes_on_to_next(
    anonymous: TestClient, make: Factory
) -> None:
    make.user("ana@a.example")
    page = anonymous.get("/login", params={"next": "/lint"})
    assert page.status_code == 200
    form_token = anonymous.cookies[FORM_COOKIE]
    assert f'value="{form_token}"' in page.text
    response = anonymous.post(
        "/login",
        data={
            "email": "ana@a.example",
            "password": PASSWORD,
            "csrf_token": form_token,
            "next": "/lint",
        },
    )
    assert response.status_code == 303 and response.headers["location"] == "/lint"
    assert anonymous.get("/lint").status_code == 200


def test_login_page_refuses_a_form_without_its_token_and_foreign_next(
    anonymous: TestClient, make: Factory
) -> None:
    make.user("ana@a.example")
    anonymous.get("/login")
    forged = anonymous.post("/login", data={"email": "ana@a.example", "password": PASSWORD})
    assert forged.status_code == 403
    token = anonymous.cookies[FORM_COOKIE]
    wrong = anonymous.post(
        "/login", data={"email": "ana@a.example", "password": "nope nope nope", "csrf_token": token}
    )
    assert wrong.status_code == 401 and "wrong e-mail address or password" in wrong.text
    ok = anonymous.post(
        "/login",
        data={
            "email": "ana@a.example",
            "password": PASSWORD,
            "csrf_token": token,
            "next": "//evil.example/",
        },
    )
    assert ok.headers["location"] == "/"


def test_pages_send_anonymous_visitors_to_login(anonymous: TestClient) -> None:
    response = anonymous.get("/lint")
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=%2Flint"


def test_logout_page_clears_the_cookie(make: Factory) -> None:
    client = make.client(make.user("ana@a.example"), csrf=False)
    response = client.post("/logout", data={"csrf_token": client.csrf_token})  # type: ignore[attr-defined]
    assert response.status_code == 303 and response.headers["location"] == "/login"
    assert f'{SESSION_COOKIE}=""' in response.headers["set-cookie"]
    assert client.get("/api/v1/session").status_code == 401


def test_secure_cookies_when_configured_or_over_https(
    database_url: str, shared_app: FastAPI, make: Factory
) -> None:
    make.user("ana@a.example")
    secure = create_app(settings_for(database_url, cookie_secure=True), migrate_database=False)
    auto = create_app(settings_for(database_url, cookie_secure=None), migrate_database=False)
    try:
        for app, base, expected in (
            (secure, "http://testserver", True),
            (auto, "https://testserver", True),
            (auto, "http://testserver", False),
        ):
            client = TestClient(app, base_url=base)
            response = client.post(
                "/api/v1/session", json={"email": "ana@a.example", "password": PASSWORD}
            )
            assert ("Secure" in response.headers["set-cookie"]) is expected, (base, expected)
    finally:
        secure.state.context.engine.dispose()
        auto.state.context.engine.dispose()


def test_security_headers_on_every_response(anonymous: TestClient) -> None:
    for path in ("/login", "/api/v1/health", "/api/v1/nope"):
        headers = anonymous.get(path).headers
        assert headers["x-frame-options"] == "DENY"
        assert "script-src" not in headers["content-security-policy"]  # default-src 'none'
        assert headers["referrer-policy"] == "same-origin"


def test_settings_from_environment_and_their_errors(tmp_path: Path) -> None:
    settings = WebSettings.from_env(
        {"ASYNCMATURITY_WEB_COOKIE_SECURE": "auto", "ASYNCMATURITY_WEB_SESSION_HOURS": "8"},
        database_url=str(tmp_path / "team.db"),
    )
    assert settings.database_url == f"sqlite:///{tmp_path / 'team.db'}"
    assert settings.cookie_secure is None and settings.session_hours == 8
    with pytest.raises(InvalidWebSettings, match=r"ASYNCMATURITY_WEB_SECRET_KEY: .*32 random"):
        WebSettings.from_env({"ASYNCMATURITY_WEB_SECRET_KEY": "changethis"})
    with pytest.raises(InvalidWebSettings, match="setting max-upload-bytes"):
        WebSettings.from_env({}, max_upload_bytes=1)


def test_serve_creates_the_first_admin_from_a_password_file(tmp_path: Path) -> None:
    database = tmp_path / "web.db"
    secret = tmp_path / "password"
    secret.write_text("a long enough password\n")
    args = [
        "serve",
        "--database",
        str(database),
        "--create-admin",
        "Ops@Example.com",
        "--password-file",
        str(secret),
        "--migrate-only",
    ]
    result = CliRunner().invoke(cli_app, args)
    assert result.exit_code == 0, result.output
    assert "Site admin: ops@example.com" in result.output
    app = create_app(settings_for(str(database)))
    try:
        body = _login(TestClient(app), "ops@example.com", "a long enough password")
        assert body["user"]["is_site_admin"] is True  # type: ignore[index]
    finally:
        app.state.context.engine.dispose()
    short = tmp_path / "short"
    short.write_text("short\n")
    result = CliRunner().invoke(
        cli_app, [*args[:5], "--password-file", str(short), "--migrate-only"]
    )
    assert result.exit_code == 1 and "Error: a password has at least 12 characters" in result.output
    repeated = tmp_path / "repeated"
    repeated.write_text("aaaaaaaaaaaa\n")
    result = CliRunner().invoke(
        cli_app, [*args[:5], "--password-file", str(repeated), "--migrate-only"]
    )
    assert result.exit_code == 1 and "one character repeated" in result.output


def test_serve_runs_uvicorn_on_a_fresh_database(tmp_path: Path) -> None:
    """`asyncmaturity serve` as a user runs it: a new SQLite file, a real port, pages answered."""
    import socket
    import subprocess
    import sys
    import time

    import httpx

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    script = Path(sys.executable).parent / "asyncmaturity"
    if not script.exists():
        pytest.skip("the asyncmaturity console script is not installed beside this Python")
    command = [str(script), "serve", "--port", str(port)]
    server = subprocess.Popen(
        command, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                health = httpx.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=2)
                break
            except httpx.TransportError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(
                        f"serve did not start: {server.stdout.read() if server.stdout else ''}"
                    )
                time.sleep(0.1)
        assert health.json()["status"] == "ok"
        login = httpx.get(f"http://127.0.0.1:{port}/login")
        assert login.status_code == 200 and "Log in" in login.text
        assert (tmp_path / "asyncmaturity-web.db").exists()
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=15)
    # No public URL set, served on loopback: links point at the address it serves on.
    assert f"Links point at http://127.0.0.1:{port}" in output
