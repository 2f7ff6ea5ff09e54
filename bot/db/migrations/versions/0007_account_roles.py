"""Accounts that can be disabled; user names unique without regard to case.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06
"""
import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("disabled", sa.Boolean, nullable=False, server_default=sa.false()))
    # Names are compared in lower case from now on. Two names that differ only
    # in case stop the upgrade here, so an operator decides which one stays.
    op.execute("UPDATE users SET username = lower(username)")


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_column("disabled")
