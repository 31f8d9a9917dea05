"""Where the app may send a webhook: http(s) targets whose every address is public, unless a site
admin allows the host, checked when a team admin saves the URL and again when it is sent.

A save refuses a target whose host is, or resolves to, a loopback, link-local, private, shared,
multicast, reserved or unspecified address (IPv4-mapped IPv6 and odd spellings such as
``http://2130706433/`` or ``0177.0.0.1`` included): the error names the rule. A send resolves
the host once, checks every address it got, and connects to the address it checked, with the
host's name in the ``Host`` header and TLS's SNI, so a name that resolves elsewhere a moment
later (DNS rebinding) is never connected to. Redirects are not followed. Whatever fails on the way
(the name, the connection, a timeout, TLS) is recorded as one uniform "not delivered", so the
recorded outcomes cannot be read as a scan of the server's network.

Example::

    policy = OutboundPolicy.from_settings(settings)
    check_target("https://chat.example.com/hooks/T1", policy)      # WebhookTargetRefused if not
    outcome = post_json("https://chat.example.com/hooks/T1", {"event": "x"}, policy, timeout_s=5)
"""

from __future__ import annotations

import ipaddress
import logging
import socket
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx

from asyncmaturity import __version__
from asyncmaturity.web.errors import WebhookTargetRefused
from asyncmaturity.web.settings import WebSettings

logger = logging.getLogger("asyncmaturity.web.webhooks")
IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], Sequence[IpAddress]]
SCHEMES = ("http", "https")
NOT_DELIVERED = "not delivered"
ALLOWED_HOSTS_SETTING = "ASYNCMATURITY_WEB_WEBHOOK_ALLOWED_HOSTS"


def system_resolver(host: str, port: int) -> list[IpAddress]:
    """The addresses the server's resolver gives for `host` (empty when it gives none)."""
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        return []
    addresses: list[IpAddress] = []
    for _family, _type, _proto, _name, sockaddr in found:
        address = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
        if address not in addresses:
            addresses.append(address)
    return addresses


@dataclass(frozen=True)
class OutboundPolicy:
    """The hosts a site admin allows whatever their addresses, and how names are resolved."""

    allowed_hosts: frozenset[str] = frozenset()
    resolve: Resolver = system_resolver

    @classmethod
    def from_settings(cls, settings: WebSettings) -> OutboundPolicy:
        """The policy of the server's settings (`webhook_allowed_hosts`), resolving by DNS."""
        return cls(allowed_hosts=frozenset(settings.webhook_allowed_hosts))

    def allows(self, host: str, port: int) -> bool:
        """Whether a site admin allowed `host` (exactly, or with this port)."""
        shown = f"[{host}]" if ":" in host else host
        return shown in self.allowed_hosts or f"{shown}:{port}" in self.allowed_hosts


@dataclass(frozen=True)
class Target:
    """A webhook URL taken apart: the parsed URL, its host (lower case, no trailing dot), port."""

    url: httpx.URL
    host: str
    port: int


@dataclass(frozen=True)
class Outcome:
    """What a POST came to: `ok` for a 2xx answer; `detail` is what may be recorded."""

    ok: bool
    detail: str


def parse_target(url: str) -> Target:
    """The URL's parts, with the same parser the send uses; refused unless http(s) with a host."""
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError, ValueError):
        # Never sent, whatever it is; name the rule when the host spells a non-public address.
        host = (urlsplit(url).hostname or "").rstrip(".")
        literal = _literal(host)
        rule = refusal(literal) if literal is not None else None
        if rule is not None:
            raise _refused(url, f"{host} means {literal}, {rule}") from None
        raise WebhookTargetRefused(f"{url[:80]!r} is not a valid http(s) URL") from None
    if parsed.scheme not in SCHEMES or not parsed.host:
        raise WebhookTargetRefused(f"{url[:80]!r}: only http and https URLs with a host are sent")
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    return Target(url=parsed, host=parsed.host.rstrip(".").lower(), port=port)


def shown_contact(channel: str, target: str) -> str:
    """An escalation contact as pages and the API show it: an e-mail address whole, a webhook URL
    as its origin alone, since the path of an incoming-webhook URL is its secret.

    >>> shown_contact("webhook", "https://hooks.example.com/services/T0/B1/s3cret")
    'https://hooks.example.com/…'
    """
    if channel != "webhook":
        return target
    parts = urlsplit(target)
    if not parts.scheme or not parts.netloc:
        return "(a webhook URL)"
    host = parts.netloc.rsplit("@", 1)[-1]
    return f"{parts.scheme}://{host}/…"


def _literal(host: str) -> IpAddress | None:
    """The address a host spells without DNS: an IP literal, or the shorthand IPv4 forms the
    system resolver also reads (``2130706433``, ``0177.0.0.1``, ``0x7f.1``, ``127.1``)."""
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    if not host or not all(c in "0123456789abcdefx." for c in host) or not host[0].isdigit():
        return None
    try:
        return ipaddress.IPv4Address(socket.inet_aton(host))
    except OSError:
        return None


def _embedded(address: IpAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one carries (IPv4-mapped, 6to4), which is where it leads."""
    if isinstance(address, ipaddress.IPv6Address):
        return address.ipv4_mapped or address.sixtofour
    return None


def refusal(address: IpAddress) -> str | None:
    """The rule a non-public address breaks ("a loopback address"), or None for a public one."""
    embedded = _embedded(address)
    if embedded is not None:
        return refusal(embedded)
    checks = (
        (address.is_unspecified, "an unspecified address"),
        (address.is_loopback, "a loopback address"),
        (address.is_link_local, "a link-local address"),
        (address.is_multicast, "a multicast address"),
        # The one block neither private nor global: shared address space (RFC 6598).
        (not address.is_private and not address.is_global, "a shared (carrier-grade NAT) address"),
        (address.is_reserved, "a reserved address"),
        (address.is_private, "a private address"),
        (
            isinstance(address, ipaddress.IPv6Address) and address.is_site_local,
            "a site-local address",
        ),
        (not address.is_global, "not a public address"),
    )
    return next((rule for broken, rule in checks if broken), None)


def _addresses(target: Target, policy: OutboundPolicy) -> tuple[list[IpAddress], bool]:
    """The host's addresses, and whether DNS gave them: its literal (an odd spelling read as
    the system reads it), the loopback for ``localhost`` (RFC 6761), or one resolution."""
    if target.host == "localhost" or target.host.endswith(".localhost"):
        return [ipaddress.IPv4Address("127.0.0.1")], False
    literal = _literal(target.host)
    if literal is not None:
        return [literal], False
    return list(policy.resolve(target.host, target.port)), True


def _refuse_any(url: str, target: Target, found: tuple[list[IpAddress], bool]) -> None:
    addresses, resolved = found
    for address in addresses:
        rule = refusal(address)
        if rule is None:
            continue
        shown = _embedded(address) or address
        if resolved:
            where = f"resolves to {shown}, {rule}"
        elif str(address) == target.host:
            where = f"is {rule}"
        else:
            where = f"means {shown}, {rule}"
        raise _refused(url, f"{target.host} {where}")


def _refused(url: str, why: str) -> WebhookTargetRefused:
    return WebhookTargetRefused(
        f"{url[:200]}: {why}; webhooks go to public addresses only "
        f"(a site admin may allow a host in {ALLOWED_HOSTS_SETTING})"
    )


def check_target(url: str, policy: OutboundPolicy) -> str:
    """`url` if a webhook may be saved with it; WebhookTargetRefused naming the rule if not.

    A host that does not resolve now is accepted: the send checks it again.
    """
    target = parse_target(url)
    if not policy.allows(target.host, target.port):
        _refuse_any(url, target, _addresses(target, policy))
    return url


def _pinned(target: Target, address: IpAddress) -> httpx.URL:
    return target.url.copy_with(host=str(address))


def post_json(
    url: str, payload: dict[str, Any], policy: OutboundPolicy, *, timeout_s: float
) -> Outcome:
    """POST `payload` to `url` at an address checked now; never raises.

    The host is resolved once; every address must pass (unless the host is allowed), and the
    connection goes to a checked address, never to a second resolution.
    """
    try:
        target = parse_target(url)
        found = _addresses(target, policy)
        if not policy.allows(target.host, target.port):
            _refuse_any(url, target, found)
    except WebhookTargetRefused as exc:
        logger.warning("webhook not sent: %s", exc)
        return Outcome(False, f"{NOT_DELIVERED}: the target's address is not allowed")
    headers = {
        "User-Agent": f"asyncmaturity/{__version__}",
        "Host": target.url.netloc.decode("ascii"),
    }
    # trust_env off: a proxy from the environment would not keep the checked address and SNI;
    # certificate authorities from the environment (SSL_CERT_FILE) still count.
    tls = httpx.create_ssl_context(trust_env=True)
    with httpx.Client(
        timeout=timeout_s, follow_redirects=False, trust_env=False, verify=tls
    ) as client:
        for address in found[0]:
            try:
                response = client.post(
                    _pinned(target, address),
                    json=payload,
                    headers=headers,
                    extensions={"sni_hostname": target.host},
                )
            except httpx.HTTPError as exc:
                # The kind of failure (refused, timed out, reset) maps the network: log it only.
                logger.info("webhook %s at %s: %s", target.host, address, type(exc).__name__)
                continue
            status = response.status_code
            return Outcome(200 <= status < 300, f"HTTP {status}")
    return Outcome(False, NOT_DELIVERED)
