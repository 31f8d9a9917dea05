"""Secrets handling: argon2id password hashes, random tokens kept only as digests, respondent keys.

Example::

    passwords = Passwords(time_cost=3, memory_kib=65536)
    stored = passwords.hash("correct horse battery staple")
    passwords.verify(stored, "correct horse battery staple")   # True
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from itertools import pairwise

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from zxcvbn import zxcvbn

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1024
MIN_PASSWORD_SCORE = 3
"""zxcvbn's score a password needs (0-4): 3 is "safely unguessable", under 10^10 guesses away
from a hit, which an argon2id hash turns into years of work for one account."""
_ESTIMATED_CHARACTERS = 100  # zxcvbn's work grows fast with length; what follows adds strength
_MIN_OWN_CHARACTERS = 6  # letters and digits a password needs beyond its owner's address


def _alphanumerics(text: str) -> str:
    return "".join(ch for ch in text.casefold() if ch.isalnum())


def _is_sequence(text: str) -> bool:
    steps = {ord(b) - ord(a) for a, b in pairwise(text)}
    return len(steps) == 1 and steps <= {1, -1}


def _mostly_email(password: str, email: str) -> bool:
    left = _alphanumerics(password)
    for part in sorted(re.findall(r"[^\W_]{3,}", email.casefold()), key=len, reverse=True):
        left = left.replace(part, "", 1)
    return len(left) < _MIN_OWN_CHARACTERS


def weak_password_reason(password: str, *, email: str) -> str | None:
    """Why `password` may not protect the account of `email`, or None when it may.

    The one rule of every new password (invitation, bootstrap admin, change, reset): 12 to 1024
    characters; not blank, one character repeated or a run like ``abcdefghijkl``; not the e-mail
    address or a variant of it; and at least :data:`MIN_PASSWORD_SCORE` by the zxcvbn strength
    estimator, which knows common and breached passwords, words, names, dates and keyboard walks.
    """
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"a password has at least {MIN_PASSWORD_LENGTH} characters"
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"a password has at most {MAX_PASSWORD_LENGTH} characters"
    if not password.strip():
        return "a password cannot be only spaces"
    if len(set(password)) == 1:
        return "a password cannot be one character repeated (like 'aaaaaaaaaaaa')"
    if _is_sequence(password):
        return "a password cannot be a run of characters (like 'abcdefghijkl' or '123456789012')"
    if _mostly_email(password, email):
        return "a password cannot be your e-mail address or a variant of it"
    estimate = zxcvbn(password[:_ESTIMATED_CHARACTERS], user_inputs=[email, *email.split("@")])
    if estimate["score"] < MIN_PASSWORD_SCORE:
        feedback = estimate["feedback"]
        hints = [feedback["warning"], *feedback["suggestions"]]
        advice = " ".join(hint.rstrip(".") + "." for hint in hints if hint)
        return "this password is too easy to guess" + (f": {advice}" if advice else "")
    return None


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
