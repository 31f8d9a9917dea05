"""Absolute links for people who are not making the current request (invitation links, survey
share links, the links of escalation webhooks and e-mails): built from the configured public URL
only, never from the request's ``Host`` header, which whoever sends the request chooses.

`asyncmaturity serve` on a loopback address without a public URL uses the address it serves on
(:func:`served_public_url`); on any other address without one, no link is built and the pages
that would show one say why.

Example::

    public_link(settings, "/invite/abc")   # https://async.example.com/invite/abc
"""

from __future__ import annotations

import ipaddress

from asyncmaturity.web.errors import LinksUnavailable
from asyncmaturity.web.settings import ENV_PREFIX, WebSettings

NO_PUBLIC_URL = (
    f"no public address is configured, so the app cannot build links to send: set "
    f"{ENV_PREFIX}PUBLIC_URL to the address people open the app at (https://async.example.com) "
    "and restart the server"
)


def is_loopback(host: str) -> bool:
    """Whether `host` (an address or ``localhost``) is reachable only from this machine."""
    if host.strip("[]").lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def served_public_url(host: str, port: int) -> str | None:
    """The public URL to assume when serving on `host`:`port` without one: the address itself
    when it is a loopback one (only this machine can follow the links anyway), else None."""
    if not is_loopback(host):
        return None
    bare = host.strip("[]")
    shown = f"[{bare}]" if ":" in bare else bare
    return f"http://{shown}:{port}"


def links_problem(settings: WebSettings) -> str | None:
    """Why the app cannot build absolute links, or None when it can."""
    return None if settings.public_url else NO_PUBLIC_URL


def public_link(settings: WebSettings, path: str) -> str:
    """The absolute link to `path` (starting with ``/``) under the public URL; LinksUnavailable
    saying what to configure when there is none."""
    if not settings.public_url:
        raise LinksUnavailable(NO_PUBLIC_URL)
    return settings.public_url + path


def public_link_or_path(settings: WebSettings, path: str) -> str:
    """The absolute link to `path` when the public URL is known, else `path` alone (which still
    works from the app's own pages, and names no host an attacker chose)."""
    return settings.public_url + path if settings.public_url else path
