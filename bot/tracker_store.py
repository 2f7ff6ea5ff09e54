"""Rasa's SQL tracker store with less work per message.

Rasa 3.6's SQLTrackerStore reads and writes a conversation through the
SQLAlchemy ORM: for each message it builds an ORM object per stored event,
counts the stored events through a wrapped ORM query and flushes one ORM
object per new event. py-spy put that at a third of Rasa's CPU per message.
This subclass does the same reads and writes with SQLAlchemy Core on the same
`events` table: the same rows, the same order, the same "latest session only"
rule, so Rasa's own store (and the bot service's erasure and retention, which
delete from that table) read what it writes and the other way round.

On SQLite (`make run`) the database file is put in WAL mode with
synchronous=NORMAL: a commit no longer waits for the disk to flush. A crash
of the process loses nothing that was committed; a power cut may lose the
last few commits. Connections are kept
in a pool instead of being opened for every read and write.

endpoints.yml: `tracker_store: {type: bot.tracker_store.LeanSQLTrackerStore,
dialect: ..., db: ...}` with the same keys as Rasa's `type: SQL`.
"""

from __future__ import annotations

import itertools
import json
from typing import Any, Dict, Optional, Text

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY

# Enough for one Rasa process: its database calls run one at a time on its event loop.
SQLITE_POOL_SIZE = 4


def _tune_sqlite(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


class LeanSQLTrackerStore(SQLTrackerStore):
    """SQLTrackerStore whose per-message reads and writes use SQLAlchemy Core."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.engine.dialect.name == "sqlite" and self.engine.url.database not in (None, "", ":memory:"):
            self.engine.dispose()
            self.engine = sa.create_engine(
                self.engine.url,
                poolclass=sa.pool.QueuePool,
                pool_size=SQLITE_POOL_SIZE,
                connect_args={"check_same_thread": False},
            )
            sa.event.listen(self.engine, "connect", _tune_sqlite)
            self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)
        self._table = self.SQLEvent.__table__

    def _conversation(self, sender_id: Text, all_sessions: bool) -> Any:
        """Rasa's rule (SQLTrackerStore._event_query): every event of the
        conversation, or those from its latest SessionStarted on."""
        events = self._table
        condition = events.c.sender_id == sender_id
        if all_sessions:
            return condition
        session_start = (
            sa.select(sa.func.max(events.c.timestamp))
            .where(events.c.sender_id == sender_id, events.c.type_name == SessionStarted.type_name)
            .scalar_subquery()
        )
        return sa.and_(condition, sa.or_(session_start.is_(None), events.c.timestamp >= session_start))

    async def _retrieve(self, sender_id: Text, fetch_events_from_all_sessions: bool) -> Optional[DialogueStateTracker]:
        query = (
            sa.select(self._table.c.data)
            .where(self._conversation(sender_id, fetch_events_from_all_sessions))
            .order_by(self._table.c.id)
        )
        with self.engine.connect() as connection:
            rows = connection.execute(query).scalars().all()
        if not (self.domain and rows):
            return None
        return DialogueStateTracker.from_dict(sender_id, [json.loads(row) for row in rows], self.domain.slots)

    async def save(self, tracker: DialogueStateTracker) -> None:
        await self.stream_events(tracker)
        count = sa.select(sa.func.count()).select_from(self._table).where(self._conversation(tracker.sender_id, False))
        with self.engine.begin() as connection:
            stored = connection.execute(count).scalar_one()
            rows = [self._row(tracker.sender_id, event.as_dict(), event.type_name)
                    for event in itertools.islice(tracker.events, stored, None)]
            if rows:
                connection.execute(self._table.insert(), rows)

    @staticmethod
    def _row(sender_id: Text, data: Dict[Text, Any], type_name: Text) -> Dict[Text, Any]:
        """One `events` row, with the columns Rasa's SQLTrackerStore.save fills."""
        return {
            "sender_id": sender_id,
            "type_name": type_name,
            "timestamp": data.get("timestamp"),
            "intent_name": ((data.get("parse_data") or {}).get("intent") or {}).get(INTENT_NAME_KEY),
            "action_name": data.get("name"),
            "data": json.dumps(data),
        }
