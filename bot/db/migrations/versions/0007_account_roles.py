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
    # Names are compared in lower case from now on, as Python lowers them (SQL's
    # lower() leaves 'Å' alone on SQLite). Two names that differ only in case
    # stop the upgrade here, so an operator decides which one stays.
    conn = op.get_bind()
    users = sa.table("users", sa.column("id", sa.Integer), sa.column("username", sa.String))
    for user_id, username in conn.execute(sa.select(users.c.id, users.c.username)).all():
        if username != username.strip().lower():
            conn.execute(users.update().where(users.c.id == user_id).values(username=username.strip().lower()))


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_column("disabled")
