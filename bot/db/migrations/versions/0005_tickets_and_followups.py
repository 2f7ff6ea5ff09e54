"""Questions handed to a counsellor (tickets) and follow-up links from a counsellor.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23
"""
import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "tickets",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("reference", sa.String(16), nullable=False, unique=True),
        sa.Column("question", sa.Text, nullable=False),
        sa.Column("contact", sa.String(254)),
        sa.Column("summary", sa.Text, nullable=False),
        sa.Column("transcript", sa.Text, nullable=False),
        sa.Column("conversation_id", sa.String(64), index=True),
        sa.Column("status", sa.String(16), nullable=False, index=True),
        sa.Column("taken_by", sa.String(64)),
        sa.Column("answer", sa.Text),
        sa.Column("answered_at", sa.DateTime),
        sa.Column("emailed_at", sa.DateTime),
        sa.Column("idempotency_key", sa.String(100), unique=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "followups",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("code", sa.String(32), nullable=False, unique=True),
        sa.Column("track_id", sa.String(64)),
        sa.Column("topic", sa.String(32)),
        sa.Column("label", sa.String(80)),
        sa.Column("created_by", sa.String(64), nullable=False, index=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("expires_at", sa.DateTime, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("followups")
    op.drop_table("tickets")
