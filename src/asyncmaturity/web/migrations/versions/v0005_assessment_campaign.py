"""The survey campaign an assessment joins to the store's evidence: chosen on the assessment job,
recorded (id, title, responses) on the kept assessment.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain id, no foreign key: a campaign goes only with its team, whose jobs go with it, and
    # SQLite could add the key only by copying the table (which drops its CHECK constraints).
    op.add_column("evidence_jobs", sa.Column("campaign_id", sa.Integer(), nullable=True))
    op.add_column("team_assessments", sa.Column("survey_campaign", sa.JSON(), nullable=True))


def downgrade() -> None:
    op.drop_column("team_assessments", "survey_campaign")
    op.drop_column("evidence_jobs", "campaign_id")
