"""Login throttling: failed logins counted per account and per client address in the database,
growing delays, then a temporary lockout; a refused attempt never reaches the password hasher.

The counts live in the `login_throttles` table, so they hold across workers, servers sharing the
database and restarts. Each attempt is counted as failed *before* its password is checked (and
forgotten again when it succeeds), so concurrent guesses cannot slip past the limit while the
slow hash runs: the argon2 work unauthenticated clients can cause is bounded by the limits.

Example::

    attempt = reserve_login(sessions, email="ana@example.com", address="203.0.113.7",
                            settings=settings)    # TooManyAttempts while held back
    user = authenticate(db, ...)                   # a wrong password stays counted
    login_succeeded(db, attempt, settings=settings)
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, delete, or_, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, sessionmaker

from asyncmaturity.web.errors import TooManyAttempts
from asyncmaturity.web.models import LoginThrottle, utcnow
from asyncmaturity.web.settings import WebSettings

logger = logging.getLogger("asyncmaturity.web.login")
FIRST_DELAY = timedelta(seconds=1)
"""The wait after the first failure past the free ones; each further failure doubles it."""
_IPV6_HOST_PREFIX = 64  # one host commonly holds a whole /64: its addresses are one client


@dataclass(frozen=True)
class Limits:
    """Failures allowed under one key before delays begin, and the count that locks it out."""

    free: int
    lockout: int


@dataclass(frozen=True)
class LoginAttempt:
    """A login attempt counted (as failed until it succeeds) under its account and address keys."""

    account_key: str
    address_key: str


def _digest(kind: str, value: str) -> str:
    return hashlib.sha256(f"{kind}:{value}".encode("utf-8", "surrogatepass")).hexdigest()


def account_key(email: str) -> str:
    """The throttle key of the address typed into the login form (whether an account has it)."""
    return _digest("account", email.strip().lower())


def address_key(address: str | None) -> str:
    """The throttle key of a client address; an IPv6 address counts as its /64 network."""
    if address is None:
        return _digest("address", "unknown")
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return _digest("address", address)
    if parsed.version == 6:
        network = ipaddress.ip_network(f"{parsed}/{_IPV6_HOST_PREFIX}", strict=False)
        return _digest("address", str(network))
    return _digest("address", str(parsed))


def wait_after(failures: int, limits: Limits, lockout: timedelta) -> timedelta | None:
    """How long a key waits after its `failures`-th failure: nothing while free, then 1 s
    doubling each time, at most (and from the lockout count on, exactly) the lockout."""
    if failures >= limits.lockout:
        return lockout
    if failures <= limits.free:
        return None
    growing: timedelta = FIRST_DELAY * 2 ** (failures - limits.free - 1)
    return min(growing, lockout)


def _limits(settings: WebSettings) -> tuple[Limits, Limits, timedelta, timedelta]:
    account = Limits(settings.login_account_free_failures, settings.login_account_lockout_failures)
    address = Limits(settings.login_address_free_failures, settings.login_address_lockout_failures)
    return (
        account,
        address,
        timedelta(minutes=settings.login_lockout_minutes),
        timedelta(minutes=settings.login_failure_window_minutes),
    )


def _in_words(seconds: int) -> str:
    if seconds < 120:
        return f"{seconds} seconds"
    return f"{math.ceil(seconds / 60)} minutes"


def reserve_login(
    sessions: sessionmaker[Session],
    *,
    email: str,
    address: str | None,
    settings: WebSettings,
    now: datetime | None = None,
) -> LoginAttempt:
    """Count a login attempt as failed for its account and its client address, in a transaction
    of its own, before any password is checked; TooManyAttempts (nothing counted) while either
    key is held back by an earlier failure's delay or a lockout."""
    now = now or utcnow()
    attempt = LoginAttempt(account_key=account_key(email), address_key=address_key(address))
    account, by_address, lockout, window = _limits(settings)
    wanted = {attempt.account_key: account, attempt.address_key: by_address}
    with sessions() as db:
        rows = _locked_rows(db, list(wanted), now)
        held = [
            row.blocked_until
            for row in rows.values()
            if row.blocked_until is not None and row.blocked_until > now
        ]
        if held:
            db.rollback()
            seconds = max(1, math.ceil((max(held) - now).total_seconds()))
            logger.warning(
                "login refused without checking the password: %r from %s is held back "
                "for %d s after repeated failures",
                email[:320],
                address,
                seconds,
            )
            raise TooManyAttempts(
                f"too many failed logins; try again in {_in_words(seconds)}",
                retry_after_s=seconds,
            )
        for key, limits in wanted.items():
            row = rows[key]
            if row.last_failed_at < now - window:
                row.failures = 0  # quiet for the whole window: the old failures are forgotten
            row.failures += 1
            row.last_failed_at = now
            wait = wait_after(row.failures, limits, lockout)
            row.blocked_until = now + wait if wait is not None else None
            if row.failures >= limits.lockout:
                logger.warning(
                    "login locked for %d minutes after %d failures (%s of %r from %s)",
                    settings.login_lockout_minutes,
                    row.failures,
                    "account" if key == attempt.account_key else "address",
                    email[:320],
                    address,
                )
        # Keys quiet for the whole window and not held back are of no use any more.
        db.execute(
            delete(LoginThrottle).where(
                LoginThrottle.last_failed_at < now - window,
                or_(LoginThrottle.blocked_until.is_(None), LoginThrottle.blocked_until < now),
                LoginThrottle.key.not_in(wanted),
            )
        )
        db.commit()
    return attempt


def _locked_rows(db: Session, keys: list[str], now: datetime) -> dict[str, LoginThrottle]:
    """The rows of `keys`, created when missing, locked until the transaction ends (so concurrent
    attempts on one key are counted one after another, never both against the old count)."""
    insert = sqlite_insert if db.get_bind().dialect.name == "sqlite" else postgresql_insert
    fresh = [{"key": key, "failures": 0, "last_failed_at": now} for key in keys]
    db.execute(insert(LoginThrottle).values(fresh).on_conflict_do_nothing())
    found = db.scalars(select(LoginThrottle).where(LoginThrottle.key.in_(keys)).with_for_update())
    return {row.key: row for row in found}


def login_succeeded(db: Session, attempt: LoginAttempt, *, settings: WebSettings) -> None:
    """Forget the account's failures and take back this attempt's count from its address (a
    success is no failure), within the transaction that opens the session."""
    db.execute(delete(LoginThrottle).where(LoginThrottle.key == attempt.account_key))
    row = db.scalar(
        select(LoginThrottle)
        .where(and_(LoginThrottle.key == attempt.address_key, LoginThrottle.failures > 0))
        .with_for_update()
    )
    if row is None:
        return
    _, by_address, lockout, _ = _limits(settings)
    row.failures -= 1
    wait = wait_after(row.failures, by_address, lockout)
    row.blocked_until = row.last_failed_at + wait if wait is not None else None
