"""Fixtures of the web tests: one migrated database per backend (SQLite, and PostgreSQL in a
throwaway cluster when its binaries exist), an app over it, rows wiped after every test, and
factories for users, teams, campaigns and logged-in clients."""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from glob import glob
from pathlib import Path

import psycopg
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import delete
from sqlalchemy.orm import Session

from asyncmaturity.decisions.records import DecisionRecord
from asyncmaturity.web import WebSettings, create_app
from asyncmaturity.web.deps import CSRF_HEADER, SESSION_COOKIE, WebContext
from asyncmaturity.web.models import (
    Base,
    Campaign,
    Decision,
    EvidenceJob,
    LedgerRequest,
    Membership,
    Role,
    SiteSetting,
    Team,
    User,
    utcnow,
)
from asyncmaturity.web.services import accounts, campaigns, decisions, ledger
from asyncmaturity.web.services.jobs import JobRunner

PASSWORD = "correct horse battery"
# Titles of team A's ledger request and decision: another team must never see them.
LEDGER_SECRETS = ("Alpha secret pricing request", "Alpha secret storage decision")
# The file name of team A's upload job: another team must never see it.
UPLOAD_SECRET = "alpha-secret-export.zip"


PUBLIC_URL = "http://testserver"
"""The public URL of the tests' apps: the TestClient's own host, so links it builds open there."""


def settings_for(database_url: str, **overrides: object) -> WebSettings:
    """Settings for tests: plain-HTTP cookies, the cheapest argon2 (hashing is not under test),
    and the TestClient's host as the public URL."""
    values: dict[str, object] = {
        "database_url": database_url,
        "cookie_secure": False,
        "password_time_cost": 1,
        "password_memory_kib": 64,
        "public_url": PUBLIC_URL,
        **overrides,
    }
    return WebSettings.model_validate(values)


# -- PostgreSQL -----------------------------------------------------------------------------


def _postgres_bin() -> Path | None:
    found = shutil.which("initdb")
    if found:
        # Resolved: a symlink on PATH may sit in a folder without pg_ctl beside it.
        return Path(found).resolve().parent
    versions = sorted(glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    return Path(versions[-1]).parent if versions else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A PostgreSQL server of its own in a temporary directory, on a free loopback port."""
    bindir = _postgres_bin()
    if bindir is None:
        pytest.skip("PostgreSQL binaries not found (run `make postgres` or install postgresql)")
    prefix: list[str] = []
    if os.geteuid() == 0:
        # PostgreSQL refuses to run as root: the cluster belongs to the postgres OS user.
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("running as root and there is no postgres OS user to run PostgreSQL as")
        if shutil.which("runuser") is None:
            pytest.skip("running as root without runuser: cannot start PostgreSQL as postgres")
        prefix = ["runuser", "-u", "postgres", "--"]
    root = Path(tempfile.mkdtemp(prefix="asyncmaturity-pg-"))
    data, sockets = root / "data", root / "run"
    sockets.mkdir()
    if prefix:
        shutil.chown(root, "postgres")
        shutil.chown(sockets, "postgres")
    port = _free_port()

    def run(*command: str) -> None:
        subprocess.run([*prefix, *command], check=True, capture_output=True, timeout=120)

    try:
        run(
            str(bindir / "initdb"),
            "-D",
            str(data),
            "-U",
            "postgres",
            "-A",
            "trust",
            "--no-sync",
            "-E",
            "UTF8",
            "--locale=C",
        )
        options = (
            f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        )
        run(
            str(bindir / "pg_ctl"),
            "-D",
            str(data),
            "-o",
            options,
            "-l",
            str(root / "log"),
            "-w",
            "-t",
            "60",
            "start",
        )
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
        log = (root / "log").read_text() if (root / "log").exists() else ""
        shutil.rmtree(root, ignore_errors=True)
        pytest.fail(f"cannot start PostgreSQL: {exc}\n{getattr(exc, 'stderr', b'')!r}\n{log}")
    try:
        with psycopg.connect(
            f"host=127.0.0.1 port={port} user=postgres dbname=postgres", autocommit=True
        ) as connection:
            connection.execute("CREATE DATABASE asyncmaturity_test")
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/asyncmaturity_test"
    finally:
        subprocess.run(
            [*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"],
            capture_output=True,
            timeout=60,
        )
        shutil.rmtree(root, ignore_errors=True)


# -- app and database -----------------------------------------------------------------------


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The same suite runs on both backends: a SQLite file, and the throwaway PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path_factory.mktemp('web') / 'web.db'}"
    url: str = request.getfixturevalue("postgres_url")
    return url


@pytest.fixture(scope="session")
def shared_app(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[FastAPI]:
    """One migrated app per backend for the whole session (tests wipe their rows after them);
    its evidence stores and uploads go to a temporary folder."""
    app = create_app(settings_for(database_url, data_dir=tmp_path_factory.mktemp("data")))
    yield app
    app.state.jobs.shutdown()
    app.state.context.engine.dispose()


def wipe(context: WebContext) -> None:
    """Delete every row but the site settings (the secret key), children first."""
    with context.sessions() as db:
        for table in reversed(Base.metadata.sorted_tables):
            if table.name != SiteSetting.__tablename__:
                db.execute(delete(table))
        db.commit()


@pytest.fixture
def app(shared_app: FastAPI) -> Iterator[FastAPI]:
    """The backend's app, with a clean database after the test."""
    if shared_app.state.jobs.stopped:
        # A test that ran the app's lifespan (schemathesis) stopped its job runner on the way out.
        context = shared_app.state.context
        shared_app.state.jobs = JobRunner(context.sessions, context.settings)
    yield shared_app
    wipe(shared_app.state.context)


@pytest.fixture
def context(app: FastAPI) -> WebContext:
    """The app's context (settings, engine, secret, password hasher)."""
    found: WebContext = app.state.context
    return found


@pytest.fixture
def db(context: WebContext) -> Iterator[Session]:
    """A session for checking what the app stored. Its reads do not hold SQLite's write lock; end
    its transaction (rollback) before reading again what the app changed since."""
    with context.readers() as session:
        yield session


@pytest.fixture
def server_folder(context: WebContext, tmp_path: Path) -> Path:
    """A fresh folder inside the app's data folder: server paths may only lead there."""
    assert context.settings.data_dir is not None
    folder = context.settings.data_dir / f"files-{tmp_path.name}"
    folder.mkdir()
    return folder


@pytest.fixture
def anonymous(app: FastAPI) -> TestClient:
    """A client with no session."""
    return TestClient(app, follow_redirects=False)


# -- factories ------------------------------------------------------------------------------


@dataclass
class Factory:
    """Builds users, teams and campaigns straight through the services, and logged-in clients."""

    app: FastAPI
    context: WebContext
    clients: list[TestClient] = field(default_factory=list)

    def user(self, email: str, *, site_admin: bool = False) -> User:
        with self.context.sessions() as db:
            user = accounts.create_user(
                db,
                email=email,
                password=PASSWORD,
                passwords=self.context.passwords,
                is_site_admin=site_admin,
            )
            db.commit()
            return user

    def team(self, name: str, admin: User, members: dict[User, Role] | None = None) -> Team:
        with self.context.sessions() as db:
            team = Team(name=name)
            db.add(team)
            db.flush()
            for user, role in {admin: "admin", **(members or {})}.items():
                db.add(Membership(user_id=user.id, team_id=team.id, role=role))
            db.commit()
            return team

    def member(self, team: Team, email: str) -> User:
        """A new user who is a member of `team` (a third respondent, say)."""
        user = self.user(email)
        with self.context.sessions() as db:
            db.add(Membership(user_id=user.id, team_id=team.id, role="member"))
            db.commit()
        return user

    def campaign(
        self, team: Team, *, title: str = "Spring check", min_group_size: int = 3
    ) -> Campaign:
        with self.context.sessions() as db:
            campaign = campaigns.create_campaign(
                db, team=team, title=title, framework="five-area", min_group_size=min_group_size
            )
            db.commit()
            return campaign

    def request(
        self,
        team: Team,
        requester: User,
        owner: User,
        *,
        title: str = LEDGER_SECRETS[0],
        urgency: str = "normal",
        now: datetime | None = None,
    ) -> LedgerRequest:
        """A ledger request of `requester` to `owner` in `team`, made at `now` (default: now)."""
        with self.context.sessions() as db:
            stored = db.get(Team, team.id)
            assert stored is not None
            draft = ledger.RequestDraft(
                title=title, action="Approve the new tiers", urgency=urgency, owner_id=owner.id
            )
            request = ledger.create_request(
                db, team=stored, requester=requester, draft=draft, now=now or utcnow()
            )
            db.commit()
            return request

    def ledger_entries(
        self, team: Team, requester: User, *, owner: User
    ) -> tuple[LedgerRequest, Decision]:
        """A ledger request of `requester` to `owner` and a decision record, in `team`."""
        request = self.request(team, requester, owner)
        with self.context.sessions() as db:
            stored = db.get(Team, team.id)
            assert stored is not None
            decision = decisions.create_decision(
                db,
                team=stored,
                proposer=requester,
                record=DecisionRecord(title=LEDGER_SECRETS[1], status="accepted"),
                now=utcnow(),
            )
            db.commit()
            return request, decision

    def job(self, team: Team, user: User, *, status: str = "failed") -> EvidenceJob:
        """An ingest job of `team` (a failed one by default), straight into the table."""
        with self.context.sessions() as db:
            job = EvidenceJob(
                team_id=team.id,
                kind="ingest",
                status=status,
                created_by=user.id,
                input_name=UPLOAD_SECRET,
                summary={},
                error="cannot tell the export type" if status == "failed" else None,
            )
            db.add(job)
            db.commit()
            return job

    def client(self, user: User, *, csrf: bool = True) -> TestClient:
        """A client logged in as `user`; with `csrf`, it sends the session's token on every call."""
        with self.context.sessions() as db:
            token, session = accounts.open_session(db, user=user, hours=1)
            db.commit()
        client = TestClient(self.app, follow_redirects=False, cookies={SESSION_COOKIE: token})
        if csrf:
            client.headers[CSRF_HEADER] = session.csrf_token
        client.csrf_token = session.csrf_token  # type: ignore[attr-defined]
        return client


@pytest.fixture
def make(app: FastAPI, context: WebContext) -> Factory:
    """Factories over the test's app."""
    return Factory(app=app, context=context)


@dataclass
class World:
    """Two teams, each with an admin, a member and a campaign; plus an outsider in neither."""

    team_a: Team
    team_b: Team
    admin_a: User
    member_a: User
    admin_b: User
    member_b: User
    campaign_a: Campaign
    campaign_b: Campaign


@pytest.fixture
def world(make: Factory) -> World:
    """The two-team arrangement the isolation tests need."""
    admin_a, member_a = make.user("ana@a.example"), make.user("mo@a.example")
    admin_b, member_b = make.user("bea@b.example"), make.user("bo@b.example")
    team_a = make.team("Team Alpha", admin_a, {member_a: "member"})
    team_b = make.team("Team Beta", admin_b, {member_b: "member"})
    return World(
        team_a=team_a,
        team_b=team_b,
        admin_a=admin_a,
        member_a=member_a,
        admin_b=admin_b,
        member_b=member_b,
        campaign_a=make.campaign(team_a, title="Alpha secret survey"),
        campaign_b=make.campaign(team_b, title="Beta survey"),
    )


@pytest.fixture
def live_server(app: FastAPI) -> Iterator[str]:
    """The app served by a real uvicorn on a free loopback port, in a thread; yields its URL."""
    import threading
    import time

    import uvicorn

    port = _free_port()
    # lifespan off: the session-wide app must keep its engine after this server stops.
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, log_level="warning", lifespan="off", backlog=2048
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("uvicorn did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=15)
