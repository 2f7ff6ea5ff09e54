"""Bookings and blocked times.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""
import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "bookings",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("reference", sa.String(16), nullable=False, unique=True),
        sa.Column("counsellor_id", sa.String(64), nullable=False),
        sa.Column("starts_at", sa.DateTime, nullable=False),
        sa.Column("minutes", sa.Integer, nullable=False),
        sa.Column("meeting_type", sa.String(32), nullable=False),
        sa.Column("interpreter", sa.String(64)),
        sa.Column("first_name", sa.String(100), nullable=False),
        sa.Column("contact", sa.String(254), nullable=False),
        sa.Column("calendar_token", sa.String(64), nullable=False),
        sa.Column("idempotency_key", sa.String(100), unique=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.UniqueConstraint("counsellor_id", "starts_at", name="uq_bookings_counsellor_time"),
    )
    op.create_table(
        "blocks",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("counsellor_id", sa.String(64), nullable=False, index=True),
        sa.Column("starts_at", sa.DateTime, nullable=False),
        sa.Column("ends_at", sa.DateTime, nullable=False),
        sa.Column("note", sa.Text),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("blocks")
    op.drop_table("bookings")
