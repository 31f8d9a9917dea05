"""Secrets handling: argon2id password hashes, random tokens kept only as digests, respondent keys.

Example::

    passwords = Passwords(time_cost=3, memory_kib=65536)
    stored = passwords.hash("correct horse battery staple")
    passwords.verify(stored, "correct horse battery staple")   # True
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 1024


class Passwords:
    """Hashes and checks passwords with argon2id at the configured cost."""

    def __init__(self, *, time_cost: int, memory_kib: int) -> None:
        self._hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_kib)
        # Checked against when the e-mail is unknown, so that a wrong address takes as long as a
        # wrong password and the timing does not tell which accounts exist.
        self._decoy = self._hasher.hash(secrets.token_urlsafe(16))

    def hash(self, password: str) -> str:
        """The argon2id hash (with its salt and parameters) of `password`."""
        return self._hasher.hash(password)

    def verify(self, stored: str | None, password: str) -> bool:
        """Whether `password` matches `stored`; with `stored` None, spend the same time and say no."""
        try:
            return self._hasher.verify(stored or self._decoy, password) and stored is not None
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, stored: str) -> bool:
        """Whether `stored` was made with other parameters than today's (rehash on next login)."""
        return self._hasher.check_needs_rehash(stored)


def new_token() -> str:
    """A random URL-safe token of 256 bits (session cookies, invite and share links)."""
    return secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    """The SHA-256 hex digest under which a bearer token is stored, so a database leak is no login."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def respondent_key(secret: bytes, *, campaign_id: int, user_id: int) -> str:
    """The keyed hash that identifies one user's response to one campaign.

    The same person gets unrelated keys in two campaigns, and without `secret` the key cannot be
    linked back to the user, so the responses table says nothing about who answered.
    """
    message = f"survey-respondent:{campaign_id}:{user_id}".encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


def same_secret(given: str | None, expected: str) -> bool:
    """Constant-time comparison of a token the client sent with the one kept on the server."""
    return given is not None and hmac.compare_digest(
        given.encode("utf-8", "replace"), expected.encode()
    )
