"""Statistics: daily counts, counted days, failed questions, chat feedback.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06
"""
import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "stat_counts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("day", sa.Date, nullable=False, index=True),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("metric", sa.String(32), nullable=False),
        sa.Column("key", sa.String(100), nullable=False),
        sa.Column("value", sa.Integer, nullable=False),
        sa.UniqueConstraint("day", "channel", "metric", "key", name="uq_stat_counts"),
    )
    op.create_table(
        "stat_days",
        sa.Column("day", sa.Date, primary_key=True),
        sa.Column("done_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "failed_messages",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("day", sa.Date, nullable=False, index=True),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("group_key", sa.String(200), nullable=False, index=True),
        sa.Column("intent", sa.String(100)),
        sa.Column("confidence", sa.Float),
        sa.Column("reason", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("assigned_intent", sa.String(100)),
    )
    op.create_table(
        "feedback",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("day", sa.Date, nullable=False, index=True),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("intent", sa.String(100), nullable=False),
        sa.Column("helpful", sa.Boolean, nullable=False),
    )


def downgrade() -> None:
    for table in ("feedback", "failed_messages", "stat_days", "stat_counts"):
        op.drop_table(table)
