"""Interest registrations for job tracks.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "interests",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("reference", sa.String(16), nullable=False, unique=True),
        sa.Column("track_id", sa.String(64), nullable=False, index=True),
        sa.Column("first_name", sa.String(100), nullable=False),
        sa.Column("contact", sa.String(254), nullable=False),
        sa.Column("answers", sa.Text, nullable=False),
        sa.Column("idempotency_key", sa.String(100), unique=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("interests")
