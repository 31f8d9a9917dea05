"""Server-side request forgery through escalation webhooks: targets at loopback, link-local,
private, shared, multicast, reserved or unspecified addresses, however spelled, are refused when
saved (the form and the API name the rule) and when sent (after resolving the name once, so a
name that rebinds to the loopback after the save never gets a request); the send connects to the
address it checked; no redirect is followed; and every failure to connect reads the same, so the
recorded outcomes scan nothing. The receivers are real HTTP servers on loopback, no mocks; a name
is given its addresses by a resolver the test hands in, as DNS would."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from asyncmaturity.web.errors import WebhookTargetRefused
from asyncmaturity.web.models import Team
from asyncmaturity.web.services import ledger
from asyncmaturity.web.services.escalation import escalate_due
from asyncmaturity.web.services.webhooks import (
    NOT_DELIVERED,
    IpAddress,
    OutboundPolicy,
    check_target,
)
from asyncmaturity.web.settings import InvalidWebSettings, WebSettings

from .conftest import Factory, World, _free_port, settings_for
from .receivers import http_receiver

MONDAY = datetime(2026, 3, 2, 10, tzinfo=UTC)
LATER = MONDAY + timedelta(days=9)  # every normal request of MONDAY is overdue by then
PUBLIC = ipaddress.ip_address("93.184.215.14")
"""A public address a name may resolve to; no test connects to it."""

# Each spelling of a non-public target and the rule its refusal names.
REFUSED_TARGETS = [
    ("http://127.0.0.1:8080/hook", "loopback"),
    ("http://127.0.0.1./hook", "loopback"),  # a trailing dot
    ("http://[::1]/hook", "loopback"),
    ("http://localhost/hook", "loopback"),
    ("http://LOCALHOST./hook", "loopback"),
    ("http://api.localhost/hook", "loopback"),
    ("http://2130706433/hook", "loopback"),  # 127.0.0.1 as one decimal number
    ("http://0177.0.0.1/hook", "loopback"),  # octal
    ("http://0x7f.1/hook", "loopback"),  # hexadecimal, shortened
    ("http://127.1/hook", "loopback"),
    ("http://[::ffff:127.0.0.1]/hook", "loopback"),  # IPv4-mapped IPv6
    ("http://169.254.169.254/latest/meta-data/", "link-local"),  # cloud metadata
    ("http://[::ffff:169.254.169.254]/", "link-local"),
    ("http://[fe80::1]/hook", "link-local"),
    ("http://10.1.2.3/hook", "private"),
    ("http://172.16.0.1/hook", "private"),
    ("https://192.168.1.10/hook", "private"),
    ("http://[fd00::5]/hook", "private"),
    ("http://100.64.0.1/hook", "shared"),
    ("http://224.0.0.1/hook", "multicast"),
    ("http://[ff02::1]/hook", "multicast"),
    ("http://240.0.0.1/hook", "reserved"),
    ("http://0.0.0.0/hook", "unspecified"),
    ("http://[::]/hook", "unspecified"),
]


def resolver(*answers: Sequence[IpAddress]) -> tuple[list[str], OutboundPolicy]:
    """A policy whose DNS gives `answers` in turn (the last one ever after), and the names it
    was asked for."""
    asked: list[str] = []

    def resolve(host: str, port: int) -> list[IpAddress]:
        asked.append(host)
        return list(answers[min(len(asked), len(answers)) - 1])

    return asked, OutboundPolicy(resolve=resolve)


def _save(make: Factory, world: World, urls: list[str], outbound: OutboundPolicy) -> None:
    with make.context.sessions() as db:
        team = db.get(Team, world.team_a.id)
        assert team is not None
        ledger.update_settings(
            db, team=team, charter="", webhook_urls=urls, escalation_emails=[], outbound=outbound
        )
        db.commit()


def _overdue_request(make: Factory, world: World) -> None:
    make.request(world.team_a, world.member_a, world.admin_a, now=MONDAY)


def _escalate(
    make: Factory, database_url: str, outbound: OutboundPolicy | None = None, **settings: object
) -> list[tuple[bool, str]]:
    """Escalate the overdue request; (ok, detail) of each webhook delivery."""
    configured = settings_for(database_url, **{"webhook_timeout_s": 2, **settings})
    (done,) = escalate_due(make.context.sessions, now=LATER, settings=configured, outbound=outbound)
    return [(d.ok, d.detail) for d in done.deliveries]


def test_every_spelling_of_a_non_public_target_is_refused_at_save_naming_the_rule(
    make: Factory, world: World
) -> None:
    admin = make.client(world.admin_a)
    api = f"/api/v1/teams/{world.team_a.id}/ledger/settings"
    for url, rule in REFUSED_TARGETS:
        response = admin.put(api, json={"webhook_urls": ["https://hooks.example.com/ok", url]})
        assert response.status_code == 422, url
        error = response.json()["error"]
        assert error["code"] == "webhook_target_refused", url
        assert rule in error["message"] and "WEBHOOK_ALLOWED_HOSTS" in error["message"], url
    assert admin.get(api).json()["webhook_urls"] == []  # nothing of it was stored
    for url, rule in REFUSED_TARGETS[:1] + REFUSED_TARGETS[11:12]:
        page = admin.post(
            f"/teams/{world.team_a.id}/ledger/settings",
            data={"csrf_token": admin.csrf_token, "webhook_urls": url},  # type: ignore[attr-defined]
        )
        assert page.status_code == 422 and rule in page.text and "public addresses" in page.text
    assert admin.get(api).json()["webhook_urls"] == []


def test_only_http_and_https_targets_are_taken(make: Factory, world: World) -> None:
    admin = make.client(world.admin_a)
    api = f"/api/v1/teams/{world.team_a.id}/ledger/settings"
    for url in ("file:///etc/passwd", "gopher://127.0.0.1:25/", "ftp://hooks.example.com/"):
        assert admin.put(api, json={"webhook_urls": [url]}).status_code == 422, url
    with pytest.raises(WebhookTargetRefused, match="only http and https"):
        check_target("ws://hooks.example.com/", OutboundPolicy())


def test_a_name_with_any_non_public_address_is_refused_at_save() -> None:
    _, mixed = resolver([PUBLIC, ipaddress.ip_address("10.0.0.7")])
    with pytest.raises(WebhookTargetRefused, match=r"resolves to 10\.0\.0\.7, a private"):
        check_target("https://hooks.example.com/x", mixed)
    _, public = resolver([PUBLIC])
    assert check_target("https://hooks.example.com/x", public) == "https://hooks.example.com/x"


def test_a_name_that_rebinds_to_the_loopback_after_the_save_gets_no_request(
    make: Factory, world: World, database_url: str
) -> None:
    asked, rebinding = resolver([PUBLIC], [ipaddress.ip_address("127.0.0.1")])
    with http_receiver() as (base, got):
        port = base.rsplit(":", 1)[1]
        _save(make, world, [f"http://hooks.rebind.example:{port}/hook"], rebinding)  # public now
        _overdue_request(make, world)
        outcome = _escalate(make, database_url, rebinding)
    assert got.posts == []
    assert outcome == [(False, f"{NOT_DELIVERED}: the target's address is not allowed")]
    assert asked == ["hooks.rebind.example"] * 2  # once at the save, once at the send


def test_the_send_connects_to_the_address_it_checked_with_the_name_as_host(
    make: Factory, world: World, database_url: str
) -> None:
    # The system's DNS knows no such name: only a connection to the checked address reaches
    # the receiver. A second resolution would give an address nothing listens on.
    asked, answers = resolver(
        [ipaddress.ip_address("127.0.0.1")], [ipaddress.ip_address("10.255.255.1")]
    )
    allowed = OutboundPolicy(
        allowed_hosts=frozenset({"chat.internal.test"}), resolve=answers.resolve
    )
    with http_receiver() as (base, got):
        port = base.rsplit(":", 1)[1]
        _save(make, world, [f"http://chat.internal.test:{port}/hook"], allowed)
        _overdue_request(make, world)
        asked.clear()
        outcome = _escalate(make, database_url, allowed)
    assert outcome == [(True, "HTTP 204")]
    assert got.hosts == [f"chat.internal.test:{port}"] and asked == ["chat.internal.test"]


TLS = Path(__file__).parent / "tls"
CERTIFICATE, KEY = TLS / "chat-internal-test.pem", TLS / "chat-internal-test.key"


def test_an_https_send_to_the_checked_address_verifies_the_certificate_of_the_name(
    make: Factory, world: World, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", str(CERTIFICATE))  # the internal CA, as a site sets it
    _, answers = resolver([ipaddress.ip_address("127.0.0.1")])
    allowed = OutboundPolicy(
        allowed_hosts=frozenset({"chat.internal.test"}), resolve=answers.resolve
    )
    with http_receiver(tls=(CERTIFICATE, KEY)) as (base, got):
        port = base.rsplit(":", 1)[1]
        _save(make, world, [f"https://chat.internal.test:{port}/hook"], allowed)
        _overdue_request(make, world)
        assert _escalate(make, database_url, allowed) == [(True, "HTTP 204")]
        assert got.sni == ["chat.internal.test"] and got.hosts == [f"chat.internal.test:{port}"]
        # The certificate names chat.internal.test: under another name the send fails.
        other = OutboundPolicy(allowed_hosts=frozenset({"127.0.0.1"}))
        _save(make, world, [f"{base}/hook"], other)
        _overdue_request(make, world)
        assert _escalate(make, database_url, other) == [(False, NOT_DELIVERED)]
    assert [path for path, _ in got.posts] == ["/hook"]


def test_a_site_admin_allows_exact_hosts_or_host_and_port(
    make: Factory, world: World, database_url: str
) -> None:
    with http_receiver() as (base, got):
        port = int(base.rsplit(":", 1)[1])
        other = _free_port()
        by_port = OutboundPolicy.from_settings(
            settings_for(database_url, webhook_allowed_hosts=f"chat.internal, 127.0.0.1:{port}")
        )
        assert check_target(f"{base}/hook", by_port)
        with pytest.raises(WebhookTargetRefused, match="loopback"):
            check_target(f"http://127.0.0.1:{other}/hook", by_port)  # another port
        with pytest.raises(WebhookTargetRefused, match="loopback"):
            check_target(f"http://2130706433:{port}/hook", by_port)  # not the exact host
        _save(make, world, [f"{base}/hook"], by_port)
        _overdue_request(make, world)
        # The same target with the allowance taken away: refused at the send too.
        assert _escalate(make, database_url) == [
            (False, f"{NOT_DELIVERED}: the target's address is not allowed")
        ]
        assert got.posts == []


def test_the_allowed_hosts_setting_is_read_from_the_environment_and_checked() -> None:
    env = {"ASYNCMATURITY_WEB_WEBHOOK_ALLOWED_HOSTS": " Chat.Internal. , [::1]:8080,,10.0.0.5"}
    settings = WebSettings.from_env(env)
    assert settings.webhook_allowed_hosts == ("chat.internal", "[::1]:8080", "10.0.0.5")
    assert OutboundPolicy.from_settings(settings).allows("::1", 8080)
    for bad in ("https://chat.internal", "*.internal", "chat.internal/path"):
        with pytest.raises(InvalidWebSettings, match="WEBHOOK_ALLOWED_HOSTS"):
            WebSettings.from_env({"ASYNCMATURITY_WEB_WEBHOOK_ALLOWED_HOSTS": bad})


@contextmanager
def silent_listener() -> Iterator[int]:
    """A loopback port that accepts connections and never answers (a send times out)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(8)
        yield int(sock.getsockname()[1])


def test_every_failure_to_deliver_reads_the_same_so_outcomes_map_no_network(
    make: Factory, world: World, database_url: str
) -> None:
    with http_receiver() as (base, got), silent_listener() as silent:
        closed = _free_port()
        targets = [
            f"{base}/hook",  # reached: its status stays
            f"{base}/fail",
            f"{base}/redirect",  # a 307 to the metadata address: not followed
            f"http://127.0.0.1:{closed}/refused",
            f"http://127.0.0.1:{silent}/timeout",
            "http://no-such-host.invalid/unresolvable",
        ]
        allow_all = OutboundPolicy(allowed_hosts=frozenset({"127.0.0.1", "no-such-host.invalid"}))
        _save(make, world, targets, allow_all)
        _overdue_request(make, world)
        outcome = _escalate(make, database_url, allow_all, webhook_timeout_s=0.5)
    assert outcome == [
        (True, "HTTP 204"),
        (False, "HTTP 500"),
        (False, "HTTP 307"),
        (False, NOT_DELIVERED),
        (False, NOT_DELIVERED),
        (False, NOT_DELIVERED),
    ]
    assert [path for path, _ in got.posts] == ["/hook", "/fail", "/redirect"]


def test_the_escalation_api_shows_no_connection_detail(
    make: Factory, world: World, database_url: str
) -> None:
    _save(
        make,
        world,
        [f"http://127.0.0.1:{_free_port()}/x"],
        OutboundPolicy(allowed_hosts=frozenset({"127.0.0.1"})),
    )
    _overdue_request(make, world)
    _escalate(make, database_url, webhook_allowed_hosts="127.0.0.1")
    client: TestClient = make.client(world.admin_a)
    requests = client.get(f"/api/v1/teams/{world.team_a.id}/ledger/requests").json()["data"]
    shown = client.get(f"/api/v1/requests/{requests[0]['id']}").json()["escalations"]
    assert [(e["ok"], e["detail"]) for e in shown] == [(False, NOT_DELIVERED)]
    page = client.get(f"/requests/{requests[0]['id']}").text
    assert "refused" not in page.lower() and "ConnectError" not in page
