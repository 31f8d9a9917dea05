"""The web's own domain errors, each named after the condition and carrying its HTTP status.

Services raise them (never an HTTP exception); one handler in :mod:`asyncmaturity.web.app` turns
them, and every core :class:`~asyncmaturity.errors.AsyncMaturityError`, into the one JSON error
shape ``{"error": {"code": ..., "message": ...}}`` under ``/api`` and an HTML page elsewhere.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from asyncmaturity.errors import AsyncMaturityError


class WebError(AsyncMaturityError):
    """Base of the web's errors: `status` is the HTTP status, `code` the stable error code."""

    status = 400
    code = "bad_request"

    @property
    def headers(self) -> Mapping[str, str]:
        """Response headers the answer carries (none but for a few conditions)."""
        return {}


class NotAuthenticated(WebError):
    """The request carries no valid session (or the e-mail and password do not match)."""

    status = 401
    code = "not_authenticated"


class Forbidden(WebError):
    """The user is known and may see the object, but their role does not allow this action."""

    status = 403
    code = "forbidden"


class CsrfFailed(Forbidden):
    """A state-changing request authenticated by cookie lacks the session's CSRF token."""

    code = "csrf_failed"


class NotFound(WebError):
    """No such object, or one of another team (the two are indistinguishable on purpose)."""

    status = 404
    code = "not_found"


class Conflict(WebError):
    """The object's state does not allow the change (closed campaign, submitted answers, name taken)."""

    status = 409
    code = "conflict"


class ForeignFile(Conflict):
    """A server path leads to a file the app did not create (or out of its data folder): the app
    neither overwrites nor reads it, and never shows what it holds."""

    code = "foreign_file"


class InvalidInput(WebError):
    """The request is well-formed but a value is not acceptable (unknown survey item, bad answer)."""

    status = 422
    code = "invalid_input"


class WebhookTargetRefused(InvalidInput):
    """A webhook URL is not http(s), or its host is or resolves to a non-public address."""

    code = "webhook_target_refused"


class WeakPassword(InvalidInput):
    """A new password is too short, too long or too easy to guess; the message says which rule."""

    code = "weak_password"


class TooManyAttempts(WebError):
    """Logins for this account or from this address failed too often: wait `retry_after_s`."""

    status = 429
    code = "too_many_attempts"

    def __init__(self, message: str, *, retry_after_s: int) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s

    @property
    def headers(self) -> Mapping[str, str]:
        """The Retry-After header, in whole seconds."""
        return {"Retry-After": str(self.retry_after_s)}


class LinksUnavailable(WebError):
    """The app cannot build an absolute link: no public URL is configured (see the message)."""

    status = 503
    code = "public_url_unset"


class PayloadTooLarge(WebError):
    """The request body exceeds the configured maximum upload size."""

    status = 413
    code = "payload_too_large"


def error_status_and_code(exc: AsyncMaturityError) -> tuple[int, str]:
    """The HTTP status and error code of a domain error.

    Web errors carry theirs; a core error (an invalid framework, an unknown time zone) is input
    the request supplied, so it is 422 with the class name as its code: ``unknown_time_zone``.
    """
    if isinstance(exc, WebError):
        return exc.status, exc.code
    return 422, re.sub(r"(?<!^)(?=[A-Z])", "_", type(exc).__name__).lower()
