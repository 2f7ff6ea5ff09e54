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

Saving needs to know how many of the tracker's events are already stored.
Rasa counts them with a query on every save; py-spy put that count at half of
the store's time. A tracker read from this store carries the number of events
it was read with, and `save` starts from there. For a message, Rasa's lock
store holds the conversation from the read to the last save, so no other
writer adds events in between. (Rasa's `/predict` endpoint and a lock that
outlives its lifetime are not covered by the lock. There the count was not
right either: the writer that saved second lost some of its events. Now both
writers' events are kept.) A tracker that did not come from `retrieve` (a new
conversation, a tracker built from events, a copy) has no such number, and is
counted. Unlike the count, the number stays right when one tracker starts a
new session and is saved twice, and when erasure deletes the conversation
between a read and a save (the deleted events are not written back).

endpoints.yml: `tracker_store: {type: rasa_addons.tracker_store.LeanSQLTrackerStore,
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
# Set on a tracker: how many of its events (the first ones) are stored.
STORED_EVENTS = "_lean_stored_events"


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
        tracker = DialogueStateTracker.from_dict(sender_id, [json.loads(row) for row in rows], self.domain.slots)
        setattr(tracker, STORED_EVENTS, len(rows))
        return tracker

    async def save(self, tracker: DialogueStateTracker) -> None:
        await self.stream_events(tracker)
        stored = getattr(tracker, STORED_EVENTS, None)
        with self.engine.begin() as connection:
            if stored is None:
                stored = connection.execute(self._count(tracker.sender_id)).scalar_one()
            rows = [self._row(tracker.sender_id, event.as_dict(), event.type_name)
                    for event in itertools.islice(tracker.events, stored, None)]
            if rows:
                connection.execute(self._table.insert(), rows)
        setattr(tracker, STORED_EVENTS, stored + len(rows))

    def _count(self, sender_id: Text) -> Any:
        """How many events of the conversation's latest session are stored."""
        return sa.select(sa.func.count()).select_from(self._table).where(self._conversation(sender_id, False))

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
