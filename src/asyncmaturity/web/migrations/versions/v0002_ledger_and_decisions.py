"""The AWAIT ledger (requests, replies, escalations), the decision log and per-team ledger settings.

Revision ID: 0002
Revises: 0001
Create Date: 2026-03-20
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from alembic import op

from asyncmaturity.web.models import UTCDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def _instant(name: str, *, nullable: bool = False) -> sa.Column[datetime]:
    return sa.Column(name, UTCDateTime(), nullable=nullable)


def _id(name: str = "id") -> sa.Column[int]:
    return sa.Column(name, sa.Integer(), nullable=False)


def _key(table: str, column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column],
        [f"{target}.id"],
        name=op.f(f"fk_{table}_{column}_{target}"),
        ondelete=ondelete,
    )


def _index(table: str, *columns: str) -> None:
    for column in columns:
        op.create_index(op.f(f"ix_{table}_{column}"), table, [column])


def upgrade() -> None:
    op.create_table(
        "team_ledger_settings",
        _id("team_id"),
        sa.Column("charter", sa.Text(), nullable=False),
        sa.Column("webhook_urls", sa.JSON(), nullable=False),
        sa.Column("escalation_emails", sa.JSON(), nullable=False),
        _instant("updated_at"),
        _key("team_ledger_settings", "team_id", "teams", "CASCADE"),
        sa.PrimaryKeyConstraint("team_id", name=op.f("pk_team_ledger_settings")),
    )
    op.create_table(
        "ledger_requests",
        _id(),
        _id("team_id"),
        sa.Column("requester_id", sa.Integer(), nullable=True),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("owner_text", sa.String(200), nullable=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("action", sa.Text(), nullable=False),
        sa.Column("information", sa.Text(), nullable=False),
        sa.Column("links", sa.JSON(), nullable=False),
        sa.Column("urgency", sa.String(16), nullable=False),
        sa.Column("thread_url", sa.String(2000), nullable=True),
        _instant("created_at"),
        _instant("due_at", nullable=True),
        _instant("answered_at", nullable=True),
        _instant("closed_at", nullable=True),
        _instant("escalated_at", nullable=True),
        sa.CheckConstraint(
            "urgency IN ('normal', 'urgent', 'emergency')", name=op.f("ck_ledger_requests_urgency")
        ),
        sa.CheckConstraint(
            "owner_id IS NOT NULL OR owner_text IS NOT NULL", name=op.f("ck_ledger_requests_owner")
        ),
        _key("ledger_requests", "team_id", "teams", "CASCADE"),
        _key("ledger_requests", "requester_id", "users", "SET NULL"),
        _key("ledger_requests", "owner_id", "users", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_requests")),
    )
    _index("ledger_requests", "team_id", "requester_id", "owner_id", "due_at")
    op.create_table(
        "ledger_replies",
        _id(),
        _id("request_id"),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        _instant("created_at"),
        _key("ledger_replies", "request_id", "ledger_requests", "CASCADE"),
        _key("ledger_replies", "author_id", "users", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_replies")),
    )
    _index("ledger_replies", "request_id")
    op.create_table(
        "ledger_escalations",
        _id(),
        _id("request_id"),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("target", sa.String(2000), nullable=False),
        sa.Column("ok", sa.Boolean(), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        _instant("attempted_at"),
        sa.CheckConstraint(
            "channel IN ('webhook', 'email')", name=op.f("ck_ledger_escalations_channel")
        ),
        _key("ledger_escalations", "request_id", "ledger_requests", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_escalations")),
    )
    _index("ledger_escalations", "request_id")
    op.create_table(
        "decisions",
        _id(),
        _id("team_id"),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("context", sa.Text(), nullable=False),
        sa.Column("decision", sa.Text(), nullable=False),
        sa.Column("consequences", sa.Text(), nullable=False),
        sa.Column("deciders", sa.JSON(), nullable=False),
        sa.Column("consulted", sa.JSON(), nullable=False),
        sa.Column("informed", sa.JSON(), nullable=False),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column("supersedes_id", sa.Integer(), nullable=True),
        sa.Column("superseded_by_id", sa.Integer(), nullable=True),
        sa.Column("work_item_url", sa.String(2000), nullable=True),
        sa.Column("thread_url", sa.String(2000), nullable=True),
        sa.Column("proposer_id", sa.Integer(), nullable=True),
        _instant("created_at"),
        _instant("decided_at", nullable=True),
        _instant("updated_at"),
        sa.CheckConstraint(
            "status IN ('proposed', 'accepted', 'rejected', 'deprecated', 'superseded')",
            name=op.f("ck_decisions_status"),
        ),
        sa.CheckConstraint("number >= 0", name=op.f("ck_decisions_number")),
        _key("decisions", "team_id", "teams", "CASCADE"),
        _key("decisions", "supersedes_id", "decisions", "SET NULL"),
        _key("decisions", "superseded_by_id", "decisions", "SET NULL"),
        _key("decisions", "proposer_id", "users", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decisions")),
        sa.UniqueConstraint("team_id", "number", name=op.f("uq_decisions_team_id")),
    )
    _index("decisions", "team_id")


def downgrade() -> None:
    for table in (
        "decisions",
        "ledger_escalations",
        "ledger_replies",
        "ledger_requests",
        "team_ledger_settings",
    ):
        op.drop_table(table)
