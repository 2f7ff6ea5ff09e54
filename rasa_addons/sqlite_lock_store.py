"""Rasa's ticket lock in a SQLite file: one conversation is handled by one
Rasa process at a time, across the processes of one machine.

`make run` starts Rasa with several Sanic worker processes. Rasa refuses that
with its in-memory lock store, whose tickets one process cannot see in
another. Here no Redis is needed: the tickets are rows in a SQLite file in
`var/` (rasa_addons/shared_sqlite.py), and each step (take a ticket, see who is
served, give it back) is one SQLite statement or transaction, so two
processes never get the same ticket. The waiting loop is the one of
rasa_addons/redis_lock_store.py, and so is the numbering: ticket numbers are not used twice
within twice the lock's lifetime, so a holder that ran past its lifetime
cannot give back the next holder's ticket. After a crash, a ticket left
behind expires after its lifetime, as in Redis.

endpoints.yml: `lock_store: {type: rasa_addons.sqlite_lock_store.SQLiteLockStore, db: PATH}`
(optional `busy_timeout_ms`).
"""

from __future__ import annotations

import sqlite3
import time
from collections import deque
from typing import Any, Optional, Text

from rasa.core.lock import Ticket, TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, LockStore
from rasa.utils.endpoints import EndpointConfig

from rasa_addons.redis_lock_store import TicketSteps
from rasa_addons.shared_sqlite import BUSY_TIMEOUT_MS, SharedSQLite

# How often a process deletes every expired ticket and counter, not only its conversation's.
SWEEP_SECONDS = 60.0

SCHEMA = (
    "CREATE TABLE IF NOT EXISTS lock_tickets (conversation_id TEXT NOT NULL, number INTEGER NOT NULL,"
    " expires REAL NOT NULL, PRIMARY KEY (conversation_id, number)) WITHOUT ROWID",
    # The next ticket number of a conversation, kept twice the lifetime after its last ticket.
    "CREATE TABLE IF NOT EXISTS lock_counters (conversation_id TEXT PRIMARY KEY, next INTEGER NOT NULL,"
    " expires REAL NOT NULL) WITHOUT ROWID",
)


class SQLiteLockStore(TicketSteps, LockStore):
    """Ticket locks in a SQLite file shared by the Rasa processes of one machine."""

    def __init__(self, endpoint_config: Optional[EndpointConfig] = None, **kwargs: Any) -> None:
        options = {**(endpoint_config.kwargs if endpoint_config else {}), **kwargs}
        if not options.get("db"):
            raise ValueError("SQLiteLockStore needs `db`, the path of its SQLite file")
        self.db = SharedSQLite(options["db"], SCHEMA, int(options.get("busy_timeout_ms", BUSY_TIMEOUT_MS)))
        self._swept = 0.0
        with self.db.transaction():  # a file that cannot be made fails at start-up, not at the first message
            pass

    def issue_ticket(self, conversation_id: Text, lock_lifetime: float = LOCK_LIFETIME) -> int:
        try:
            with self.db.transaction() as db:
                return self._issue(db, conversation_id, float(lock_lifetime), time.time())
        except sqlite3.Error as error:  # as Rasa's LockStore.issue_ticket
            raise LockError(f"Error while acquiring lock. Error:\n{error}") from error

    def _issue(self, db: sqlite3.Connection, conversation_id: Text, lifetime: float, now: float) -> int:
        db.execute("DELETE FROM lock_tickets WHERE conversation_id = ? AND expires < ?", (conversation_id, now))
        counter = db.execute("SELECT next FROM lock_counters WHERE conversation_id = ? AND expires >= ?",
                             (conversation_id, now)).fetchone()
        (highest,) = db.execute("SELECT max(number) FROM lock_tickets WHERE conversation_id = ?",
                                (conversation_id,)).fetchone()
        number = max(counter[0] if counter else 0, -1 if highest is None else highest + 1)
        db.execute("INSERT INTO lock_tickets VALUES (?, ?, ?)", (conversation_id, number, now + lifetime))
        db.execute("INSERT OR REPLACE INTO lock_counters VALUES (?, ?, ?)",
                   (conversation_id, number + 1, now + 2 * lifetime))
        if now - self._swept > SWEEP_SECONDS:
            db.execute("DELETE FROM lock_tickets WHERE expires < ?", (now,))
            db.execute("DELETE FROM lock_counters WHERE expires < ?", (now,))
            self._swept = now
        return number

    def now_serving(self, conversation_id: Text) -> int:
        """The ticket served now, or -1 when the conversation has no ticket."""
        try:
            with self.db.statement() as db:
                (number,) = db.execute(
                    "SELECT min(number) FROM lock_tickets WHERE conversation_id = ? AND expires >= ?",
                    (conversation_id, time.time())).fetchone()
        except sqlite3.Error as error:
            raise LockError(f"Error while reading lock. Error:\n{error}") from error
        return -1 if number is None else int(number)

    def finish(self, conversation_id: Text, ticket: int) -> None:
        """Give the ticket back, and drop the conversation's expired ones."""
        with self.db.statement() as db:
            db.execute("DELETE FROM lock_tickets WHERE conversation_id = ? AND (number = ? OR expires < ?)",
                       (conversation_id, ticket, time.time()))

    # Rasa's LockStore interface, for callers that read or write a whole lock.

    def get_lock(self, conversation_id: Text) -> Optional[TicketLock]:
        with self.db.statement() as db:
            rows = db.execute("SELECT number, expires FROM lock_tickets WHERE conversation_id = ? ORDER BY number",
                              (conversation_id,)).fetchall()
        return TicketLock(conversation_id, deque(Ticket(n, e) for n, e in rows)) if rows else None

    def delete_lock(self, conversation_id: Text) -> None:
        with self.db.statement() as db:
            db.execute("DELETE FROM lock_tickets WHERE conversation_id = ?", (conversation_id,))

    def save_lock(self, lock: TicketLock) -> None:
        with self.db.transaction() as db:
            db.execute("DELETE FROM lock_tickets WHERE conversation_id = ?", (lock.conversation_id,))
            db.executemany("INSERT INTO lock_tickets VALUES (?, ?, ?)",
                           [(lock.conversation_id, t.number, t.expires) for t in lock.tickets])
