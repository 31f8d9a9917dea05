"""Login throttling against brute force: per account and per client address, growing delays then a
temporary lockout answered 429 with Retry-After, refused before any argon2 work, logged without
the password, kept in the database. Time moves by moving the stored timestamps back, never by
sleeping."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import timedelta

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from asyncmaturity.web.deps import FORM_COOKIE, WebContext
from asyncmaturity.web.models import LoginThrottle, utcnow
from asyncmaturity.web.security import Passwords
from asyncmaturity.web.services.throttle import account_key, address_key

from .conftest import PASSWORD, Factory

WRONG = "not the password at all"


class CountingPasswords(Passwords):
    """The real argon2 hasher, counting how often a password is verified."""

    def __init__(self, *, time_cost: int, memory_kib: int) -> None:
        super().__init__(time_cost=time_cost, memory_kib=memory_kib)
        self.verified = 0

    def verify(self, stored: str | None, password: str) -> bool:
        self.verified += 1
        return super().verify(stored, password)


@pytest.fixture
def hasher(app: FastAPI) -> Iterator[CountingPasswords]:
    """The app's password hasher for this test, counting verifications."""
    original: WebContext = app.state.context
    counting = CountingPasswords(
        time_cost=original.settings.password_time_cost,
        memory_kib=original.settings.password_memory_kib,
    )
    app.state.context = replace(original, passwords=counting)
    yield counting
    app.state.context = original


def _attempt(client: TestClient, email: str, password: str = WRONG) -> tuple[int, str | None]:
    response = client.post("/api/v1/session", json={"email": email, "password": password})
    if response.status_code == 429:
        assert response.json()["error"]["code"] == "too_many_attempts"
    return response.status_code, response.headers.get("retry-after")


def _let_time_pass(context: WebContext) -> None:
    """Every delay and lockout ends now, as if their time had passed (failures stay counted)."""
    with context.sessions() as db:
        db.execute(update(LoginThrottle).values(blocked_until=utcnow() - timedelta(seconds=1)))
        db.commit()


def test_forty_wrong_passwords_meet_a_429_long_before_the_fortieth_and_no_hashing(
    anonymous: TestClient, make: Factory, hasher: CountingPasswords
) -> None:
    make.user("ana@a.example")
    answers = [_attempt(anonymous, "ana@a.example") for _ in range(40)]
    statuses = [status for status, _ in answers]
    assert set(statuses) == {401, 429}
    # Five free failures, then delays: the seventh attempt comes before the sixth's wait is over;
    # however slow the machine, the tenth failure locks the account.
    assert statuses[:5] == [401] * 5
    assert statuses.index(429) <= 10
    assert statuses.count(401) <= 10 and statuses.count(429) >= 30
    # A refused attempt never reaches argon2: only the counted failures were verified.
    assert hasher.verified == statuses.count(401)
    for status, retry_after in answers:
        if status == 429:
            assert retry_after is not None and 1 <= int(retry_after) <= 15 * 60


def test_the_right_password_is_refused_during_a_lockout_until_it_expires(
    anonymous: TestClient, make: Factory, context: WebContext, hasher: CountingPasswords
) -> None:
    make.user("ana@a.example")
    failures = 0
    while failures < 10:
        status, _ = _attempt(anonymous, "ana@a.example")
        if status == 429:
            _let_time_pass(context)  # skip the growing delays, up to the lockout
        else:
            failures += 1
    verified = hasher.verified
    status, retry_after = _attempt(anonymous, "ana@a.example", PASSWORD)
    assert status == 429 and retry_after is not None
    assert 14 * 60 <= int(retry_after) <= 15 * 60  # the lockout: minutes, not forever
    assert hasher.verified == verified
    _let_time_pass(context)
    assert _attempt(anonymous, "ana@a.example", PASSWORD)[0] == 201
    with context.readers() as db:
        kept = db.scalars(select(LoginThrottle.key)).all()
    assert account_key("ana@a.example") not in kept  # a success forgets the account's failures
    assert _attempt(anonymous, "ana@a.example")[0] == 401  # no leftover delay for the account


def test_unknown_addresses_are_throttled_like_real_accounts(
    anonymous: TestClient, hasher: CountingPasswords
) -> None:
    statuses = [_attempt(anonymous, " Ghost@A.example ")[0] for _ in range(12)]
    assert 429 in statuses and statuses.index(429) <= 10
    assert hasher.verified == statuses.count(401)


def test_one_address_trying_many_accounts_is_throttled(
    app: FastAPI, make: Factory, hasher: CountingPasswords
) -> None:
    make.user("ana@a.example")
    attacker = TestClient(app, follow_redirects=False, client=("203.0.113.7", 40000))
    statuses = [_attempt(attacker, f"person{n}@a.example")[0] for n in range(40)]
    assert statuses[:10] == [401] * 10  # the address's free failures, each on a fresh account
    assert 429 in statuses and statuses.count(401) <= 30
    assert hasher.verified == statuses.count(401)
    # The same address is held back even for a real account with its right password...
    assert _attempt(attacker, "ana@a.example", PASSWORD)[0] == 429
    # ...while its owner, elsewhere, logs in.
    owner = TestClient(app, follow_redirects=False, client=("198.51.100.20", 40000))
    assert _attempt(owner, "ana@a.example", PASSWORD)[0] == 201


def test_an_ipv6_client_is_one_address_across_its_64_block() -> None:
    assert address_key("2001:db8:1:2::1") == address_key("2001:db8:1:2:ffff::9")
    assert address_key("2001:db8:1:2::1") != address_key("2001:db8:1:3::1")
    assert address_key("203.0.113.7") != address_key("203.0.113.8")


def test_the_login_page_answers_429_with_retry_after_and_says_why(
    anonymous: TestClient, make: Factory, context: WebContext
) -> None:
    make.user("ana@a.example")
    anonymous.get("/login")
    token = anonymous.cookies[FORM_COOKIE]
    form = {"email": "ana@a.example", "password": WRONG, "csrf_token": token}
    statuses = []
    for _ in range(12):
        response = anonymous.post("/login", data=form)
        statuses.append(response.status_code)
        if response.status_code == 429:
            break
    assert statuses[-1] == 429 and set(statuses[:-1]) == {401}
    assert int(response.headers["retry-after"]) >= 1
    assert "too many failed logins; try again in" in response.text
    assert 'name="password"' in response.text  # the form, not an error page
    assert (
        "set-cookie" not in response.headers
        or "asyncmaturity_session" not in (response.headers["set-cookie"])
    )


def test_failures_and_refusals_are_logged_without_the_password(
    anonymous: TestClient, make: Factory, caplog: pytest.LogCaptureFixture
) -> None:
    make.user("ana@a.example")
    with caplog.at_level(logging.WARNING, logger="asyncmaturity.web.login"):
        for _ in range(12):
            _attempt(anonymous, "ana@a.example")
    messages = [r.getMessage() for r in caplog.records if r.name == "asyncmaturity.web.login"]
    assert any("failed login for 'ana@a.example'" in m for m in messages)
    assert any("login locked for 15 minutes" in m or "held back" in m for m in messages)
    assert all(r.levelno == logging.WARNING for r in caplog.records if r.name.endswith("login"))
    assert not any(WRONG in m for m in messages)


def test_the_counts_live_in_the_database_as_digests(
    anonymous: TestClient, make: Factory, context: WebContext
) -> None:
    make.user("ana@a.example")
    _attempt(anonymous, "ana@a.example")
    with context.readers() as db:
        rows = {row.key: row.failures for row in db.scalars(select(LoginThrottle))}
    assert rows == {account_key("ana@a.example"): 1, address_key("testclient"): 1}
    assert not any("ana" in key for key in rows)


def test_concurrent_guesses_cannot_slip_past_the_count(
    live_server: str, make: Factory, hasher: CountingPasswords
) -> None:
    """Forty guesses sent at the same moment to a real server: each is counted before its
    password is checked, so no more than the lockout count ever reach argon2."""
    make.user("ana@a.example")

    def guess(_: int) -> int:
        body = {"email": "ana@a.example", "password": WRONG}
        return httpx.post(f"{live_server}/api/v1/session", json=body, timeout=60).status_code

    with ThreadPoolExecutor(max_workers=20) as pool:
        statuses = list(pool.map(guess, range(40)))
    assert set(statuses) <= {401, 429} and statuses.count(429) >= 30
    assert hasher.verified == statuses.count(401) <= 10
