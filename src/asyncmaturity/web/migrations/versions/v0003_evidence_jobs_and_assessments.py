"""The evidence side of a team: where its charter file and store live, background ingest and
assessment jobs, and kept assessments with their HTML reports.

Revision ID: 0003
Revises: 0002
Create Date: 2026-03-24
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from alembic import op

from asyncmaturity.web.models import UTCDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def _instant(name: str, *, nullable: bool = False) -> sa.Column[datetime]:
    return sa.Column(name, UTCDateTime(), nullable=nullable)


def _key(table: str, column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"), ondelete=ondelete
    )


def upgrade() -> None:
    op.create_table(
        "team_workspaces",
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("charter_path", sa.String(1000), nullable=True),
        sa.Column("store_path", sa.String(1000), nullable=True),
        sa.Column("owned_store", sa.String(200), nullable=True),
        _instant("updated_at"),
        _key("team_workspaces", "team_id", "teams", "CASCADE"),
        sa.PrimaryKeyConstraint("team_id", name=op.f("pk_team_workspaces")),
    )
    op.create_table(
        "evidence_jobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("input_name", sa.String(255), nullable=True),
        sa.Column("input_path", sa.String(1000), nullable=True),
        sa.Column("source_format", sa.String(32), nullable=True),
        sa.Column("stage", sa.String(100), nullable=False),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("summary", sa.JSON(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        _instant("created_at"),
        _instant("started_at", nullable=True),
        _instant("updated_at"),
        _instant("finished_at", nullable=True),
        sa.CheckConstraint("kind IN ('ingest', 'assess')", name=op.f("ck_evidence_jobs_kind")),
        sa.CheckConstraint(
            "status IN ('queued', 'running', 'done', 'failed')",
            name=op.f("ck_evidence_jobs_status"),
        ),
        _key("evidence_jobs", "team_id", "teams", "CASCADE"),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["users.id"],
            name=op.f("fk_evidence_jobs_created_by_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evidence_jobs")),
    )
    op.create_index(op.f("ix_evidence_jobs_team_id"), "evidence_jobs", ["team_id"])
    op.create_table(
        "team_assessments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("job_id", sa.Integer(), nullable=True),
        sa.Column("overall_level", sa.Integer(), nullable=True),
        sa.Column("stage_level", sa.Integer(), nullable=True),
        sa.Column("document", sa.JSON(), nullable=False),
        sa.Column("report_html", sa.Text(), nullable=False),
        _instant("created_at"),
        _key("team_assessments", "team_id", "teams", "CASCADE"),
        _key("team_assessments", "job_id", "evidence_jobs", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_team_assessments")),
    )
    op.create_index(op.f("ix_team_assessments_team_id"), "team_assessments", ["team_id"])


def downgrade() -> None:
    for table in ("team_assessments", "evidence_jobs", "team_workspaces"):
        op.drop_table(table)
