"""The files on the server the app created (a team's charter file), the only ones it overwrites;
an escalation delivery recorded while it is being sent (its outcome still unknown).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from asyncmaturity.web.models import UTCDateTime

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "app_created_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("path", sa.String(1000), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["teams.id"],
            name=op.f("fk_app_created_files_team_id_teams"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_app_created_files")),
        sa.UniqueConstraint("path", name=op.f("uq_app_created_files_path")),
    )
    op.create_index(op.f("ix_app_created_files_team_id"), "app_created_files", ["team_id"])
    with op.batch_alter_table("ledger_escalations") as batch:
        batch.alter_column("ok", existing_type=sa.Boolean(), nullable=True)


def downgrade() -> None:
    op.execute("UPDATE ledger_escalations SET ok = false WHERE ok IS NULL")
    with op.batch_alter_table("ledger_escalations") as batch:
        batch.alter_column("ok", existing_type=sa.Boolean(), nullable=False)
    op.drop_index(op.f("ix_app_created_files_team_id"), table_name="app_created_files")
    op.drop_table("app_created_files")
