"""A booking carries what the dashboard needs to prepare and follow up a
meeting: the walk-through's answers, which conversation it came from (a hash),
whether the person came, and the counsellor's note. Questions handed over get
the same conversation hash, so a booking finds the questions of its chat.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06
"""
import hashlib

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def _conversation_key(sender_id: str) -> str:
    # The same as core/conversation.py conversation_key (a migration stays as written).
    return hashlib.sha256(sender_id.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def upgrade() -> None:
    with op.batch_alter_table("bookings") as batch:
        batch.add_column(sa.Column("answers", sa.Text))
        batch.add_column(sa.Column("conversation_key", sa.String(32)))
        batch.add_column(sa.Column("attendance", sa.String(16)))
        batch.add_column(sa.Column("note", sa.Text))
        batch.add_column(sa.Column("note_by", sa.String(64)))
        batch.add_column(sa.Column("note_at", sa.DateTime))
    op.create_index("ix_bookings_conversation_key", "bookings", ["conversation_key"])
    with op.batch_alter_table("tickets") as batch:
        batch.add_column(sa.Column("conversation_key", sa.String(32)))
    op.create_index("ix_tickets_conversation_key", "tickets", ["conversation_key"])
    conn = op.get_bind()
    tickets = sa.table("tickets", sa.column("id", sa.Integer), sa.column("conversation_id", sa.String),
                       sa.column("conversation_key", sa.String))
    rows = conn.execute(sa.select(tickets.c.id, tickets.c.conversation_id).where(tickets.c.conversation_id.isnot(None)))
    for ticket_id, conversation_id in rows.all():
        conn.execute(tickets.update().where(tickets.c.id == ticket_id)
                     .values(conversation_key=_conversation_key(conversation_id)))


def downgrade() -> None:
    op.drop_index("ix_tickets_conversation_key", "tickets")
    with op.batch_alter_table("tickets") as batch:
        batch.drop_column("conversation_key")
    op.drop_index("ix_bookings_conversation_key", "bookings")
    with op.batch_alter_table("bookings") as batch:
        for column in ("note_at", "note_by", "note", "attendance", "conversation_key", "answers"):
            batch.drop_column(column)
