"""The web app's tables as a typed SQLAlchemy 2.0 ORM; Alembic migrations create them.

Accounts and teams (`users`, `teams`, `memberships` with a per-team role, `sessions`, `invites`,
`login_throttles` of failed logins),
survey campaigns and their responses, `site_settings` for values the app keeps itself (the
generated secret key), and the AWAIT ledger: `ledger_requests` with their `ledger_replies` and
`ledger_escalations`, the `decisions` log, and each team's `team_ledger_settings` (charter,
escalation webhooks and addresses); the evidence side: `team_workspaces` (the team's charter file
and store), `evidence_jobs` (ingests and assessments in the background) and `team_assessments`
(kept assessments with their reports). A change here needs a new migration under ``migrations/versions``; a test
compares these models with the migrated schema on every backend.

Privacy: a survey response records a keyed hash of (campaign, user), never the user id, so no
query over these tables can tell who answered what without the secret key.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar, Literal

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    DateTime,
    Dialect,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from asyncmaturity.await_protocol.ledger import URGENCIES
from asyncmaturity.decisions.records import DECISION_STATUSES

Role = Literal["admin", "member"]
ROLES: tuple[Role, ...] = ("admin", "member")
CampaignStatus = Literal["open", "closed"]
CAMPAIGN_STATUSES: tuple[CampaignStatus, ...] = ("open", "closed")
EscalationChannel = Literal["webhook", "email"]
ESCALATION_CHANNELS: tuple[EscalationChannel, ...] = ("webhook", "email")


def channel_of(value: str) -> EscalationChannel:
    """A stored channel name as its literal type."""
    if value not in ESCALATION_CHANNELS:
        raise ValueError(f"unknown escalation channel {value!r}")
    return value


def _one_of(column: str, values: tuple[str, ...], name: str) -> CheckConstraint:
    listed = ", ".join(f"'{value}'" for value in values)
    return CheckConstraint(f"{column} IN ({listed})", name=name)


def utcnow() -> datetime:
    """The current instant, timezone-aware in UTC (what every timestamp column holds)."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """An instant stored as UTC and read back timezone-aware, on SQLite (naive text) and PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: pass an aware instant (utcnow())")
        value = value.astimezone(UTC)
        # SQLite keeps the text without its offset; drop it so every row reads back as UTC.
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    """Declarative base with constraint names Alembic can refer to on every backend."""

    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime(),
        dict[str, Any]: JSON(),
        list[str]: JSON(),
    }


class SiteSetting(Base):
    """A value the app keeps for itself, such as the generated secret key."""

    __tablename__ = "site_settings"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class User(Base):
    """An account: a normalized e-mail address, an argon2id hash, and the site-admin flag."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    is_site_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Team(Base):
    """A team: the unit of isolation; every campaign (and later ledger entry) belongs to one."""

    __tablename__ = "teams"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Membership(Base):
    """A user's role in one team: admin (runs campaigns, invites) or member (answers, sees results)."""

    __tablename__ = "memberships"
    __table_args__ = (CheckConstraint("role IN ('admin', 'member')", name="role"),)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    team_id: Mapped[int] = mapped_column(
        ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    role: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AuthSession(Base):
    """A login: the SHA-256 of the random cookie token (the token itself is never stored) and the
    synchronizer CSRF token that state-changing requests must echo."""

    __tablename__ = "sessions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(index=True)


class LoginThrottle(Base):
    """Recent failed logins under one key (an account's address or a client address, kept only as
    a SHA-256 digest) and until when that key's next attempts are refused."""

    __tablename__ = "login_throttles"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer)
    last_failed_at: Mapped[datetime] = mapped_column(index=True)
    blocked_until: Mapped[datetime | None] = mapped_column(default=None)


class Invite(Base):
    """An invitation to join a team with a role; the link's token is kept only as its SHA-256."""

    __tablename__ = "invites"
    __table_args__ = (CheckConstraint("role IN ('admin', 'member')", name="role"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(320))
    role: Mapped[str] = mapped_column(String(16))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column()
    accepted_at: Mapped[datetime | None] = mapped_column(default=None)


class Campaign(Base):
    """A survey campaign of one team: a shipped framework's questionnaire behind a share link."""

    __tablename__ = "campaigns"
    __table_args__ = (
        CheckConstraint("status IN ('open', 'closed')", name="status"),
        CheckConstraint("min_group_size >= 2", name="min_group_size"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    framework: Mapped[str] = mapped_column(String(100))
    share_token: Mapped[str] = mapped_column(String(64), unique=True)
    min_group_size: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default="open")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SurveyResponse(Base):
    """One respondent's answers to one campaign: saved as they go, submitted once.

    `respondent` is HMAC-SHA256(secret key, campaign id and user id): stable for resuming, and
    meaningless to anyone reading the table. `answers` maps item id to the option value.
    """

    __tablename__ = "survey_responses"
    __table_args__ = (UniqueConstraint("campaign_id", "respondent"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaigns.id", ondelete="CASCADE"), index=True
    )
    respondent: Mapped[str] = mapped_column(String(64))
    answers: Mapped[dict[str, Any]] = mapped_column(default=dict)
    saved_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(default=None)


# -- the AWAIT ledger and the decision log ---------------------------------------------------


class TeamLedgerSettings(Base):
    """A team's ledger norms: its charter (YAML; empty means the defaults) and where escalations
    go (webhook URLs that get a JSON POST, e-mail addresses)."""

    __tablename__ = "team_ledger_settings"
    team_id: Mapped[int] = mapped_column(
        ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True
    )
    charter: Mapped[str] = mapped_column(Text, default="")
    webhook_urls: Mapped[list[str]] = mapped_column(default=list)
    escalation_emails: Mapped[list[str]] = mapped_column(default=list)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class LedgerRequest(Base):
    """A request in the ledger: who asks whom (a member, or a named owner outside the app) for
    what action, with what information, by when (`due_at`, from the charter; none for an
    emergency). Status is not stored: it follows from the times (:mod:`asyncmaturity.await_protocol.ledger`)."""

    __tablename__ = "ledger_requests"
    __table_args__ = (
        _one_of("urgency", URGENCIES, "urgency"),
        CheckConstraint("owner_id IS NOT NULL OR owner_text IS NOT NULL", name="owner"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    requester_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    owner_text: Mapped[str | None] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(Text)
    information: Mapped[str] = mapped_column(Text, default="")
    links: Mapped[list[str]] = mapped_column(default=list)
    urgency: Mapped[str] = mapped_column(String(16))
    thread_url: Mapped[str | None] = mapped_column(String(2000))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    due_at: Mapped[datetime | None] = mapped_column(index=True)
    answered_at: Mapped[datetime | None] = mapped_column(default=None)
    closed_at: Mapped[datetime | None] = mapped_column(default=None)
    escalated_at: Mapped[datetime | None] = mapped_column(default=None)


class LedgerReply(Base):
    """A reply in a request's thread; the first by someone other than the requester answers it."""

    __tablename__ = "ledger_replies"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("ledger_requests.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class LedgerEscalation(Base):
    """One delivery of an escalation: a webhook POST or an e-mail, whether it worked and why not."""

    __tablename__ = "ledger_escalations"
    __table_args__ = (_one_of("channel", ESCALATION_CHANNELS, "channel"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("ledger_requests.id", ondelete="CASCADE"), index=True
    )
    channel: Mapped[str] = mapped_column(String(16))
    target: Mapped[str] = mapped_column(String(2000))
    ok: Mapped[bool | None] = mapped_column(Boolean)  # None while being sent
    detail: Mapped[str] = mapped_column(Text, default="")
    attempted_at: Mapped[datetime] = mapped_column(default=utcnow)


class Decision(Base):
    """A record of the team's decision log, numbered per team (its URL is
    ``/teams/{team}/decisions/{number}``); the fields of a MADR record."""

    __tablename__ = "decisions"
    __table_args__ = (
        UniqueConstraint("team_id", "number"),
        _one_of("status", DECISION_STATUSES, "status"),
        CheckConstraint("number >= 0", name="number"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16), default="proposed")
    context: Mapped[str] = mapped_column(Text, default="")
    decision: Mapped[str] = mapped_column(Text, default="")
    consequences: Mapped[str] = mapped_column(Text, default="")
    deciders: Mapped[list[str]] = mapped_column(default=list)
    consulted: Mapped[list[str]] = mapped_column(default=list)
    informed: Mapped[list[str]] = mapped_column(default=list)
    tags: Mapped[list[str]] = mapped_column(default=list)
    supersedes_id: Mapped[int | None] = mapped_column(
        ForeignKey("decisions.id", ondelete="SET NULL")
    )
    superseded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("decisions.id", ondelete="SET NULL")
    )
    work_item_url: Mapped[str | None] = mapped_column(String(2000))
    thread_url: Mapped[str | None] = mapped_column(String(2000))
    proposer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(default=None)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


# -- evidence: the team's store, its ingest and assessment jobs, kept assessments -------------

JobKind = Literal["ingest", "assess"]
JOB_KINDS: tuple[JobKind, ...] = ("ingest", "assess")
JobStatus = Literal["queued", "running", "done", "failed"]
JOB_STATUSES: tuple[JobStatus, ...] = ("queued", "running", "done", "failed")


class TeamWorkspace(Base):
    """Where a team's files live on the server: the charter file the CLI also reads
    (`charter_path`) and the evidence store, either one a site admin points at (`store_path`) or
    the one the app keeps under its data folder (`owned_store`, relative to it)."""

    __tablename__ = "team_workspaces"
    team_id: Mapped[int] = mapped_column(
        ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True
    )
    charter_path: Mapped[str | None] = mapped_column(String(1000))
    store_path: Mapped[str | None] = mapped_column(String(1000))
    owned_store: Mapped[str | None] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class AppCreatedFile(Base):
    """A file on the server the app created for a team (its charter file): the only kind of file
    it ever overwrites or reads back, kept by its resolved path."""

    __tablename__ = "app_created_files"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    path: Mapped[str] = mapped_column(String(1000), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class EvidenceJob(Base):
    """A background job of a team: ingest an uploaded export into its store, or assess it.

    `stage`, `done` and `total` are the progress the worker last reported; `summary` what a
    finished job did, `error` the one line of a failed one; `campaign_id` the survey campaign an
    assessment joins to the store's evidence.
    """

    __tablename__ = "evidence_jobs"
    __table_args__ = (
        _one_of("kind", JOB_KINDS, "kind"),
        _one_of("status", JOB_STATUSES, "status"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default="queued")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    input_name: Mapped[str | None] = mapped_column(String(255))
    input_path: Mapped[str | None] = mapped_column(String(1000))
    source_format: Mapped[str | None] = mapped_column(String(32))
    # No foreign key: a campaign goes only with its team, whose jobs go with it.
    campaign_id: Mapped[int | None] = mapped_column(Integer)
    stage: Mapped[str] = mapped_column(String(100), default="")
    done: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(Integer, default=0)
    summary: Mapped[dict[str, Any]] = mapped_column(default=dict)
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(default=None)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(default=None)


class TeamAssessment(Base):
    """One assessment of a team's store: the assessment JSON (`asyncmaturity assess --json`) and
    its full HTML report, kept as history; the newest is the one the dashboard shows.
    `survey_campaign` names the campaign whose answers it used: id, title and responses."""

    __tablename__ = "team_assessments"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    job_id: Mapped[int | None] = mapped_column(ForeignKey("evidence_jobs.id", ondelete="SET NULL"))
    overall_level: Mapped[int | None] = mapped_column(Integer)
    stage_level: Mapped[int | None] = mapped_column(Integer)
    document: Mapped[dict[str, Any]] = mapped_column(default=dict)
    report_html: Mapped[str] = mapped_column(Text, default="")
    survey_campaign: Mapped[dict[str, Any] | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
