"""A token bucket per key kept in a SQLite file (rasa_addons/shared_sqlite.py), so the
worker processes of `make run`'s Rasa count one sender's messages together:
a flood spread over two workers is limited as if one process got it all.

The same arithmetic as core/ratelimit.py's TokenBucket, with the wall clock,
which every process reads alike. A broken file must not stop the chat: an
error lets the message through and is logged.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import time

from core.ratelimit import Clock, TokenBucket
from rasa_addons.shared_sqlite import SharedSQLite

log = logging.getLogger(__name__)

SCHEMA = (
    "CREATE TABLE IF NOT EXISTS rate_buckets (key TEXT PRIMARY KEY, tokens REAL NOT NULL, updated REAL NOT NULL)"
    " WITHOUT ROWID",
)
# How often a process deletes the buckets that have filled up again (nothing to remember).
SWEEP_SECONDS = 60.0


class SharedTokenBucket(TokenBucket):
    def __init__(self, path: os.PathLike, capacity: int, per_seconds: float, clock: Clock = time.time) -> None:
        super().__init__(capacity, per_seconds, clock)
        self.db = SharedSQLite(path, SCHEMA)
        self._swept = 0.0

    def take(self, key: str) -> float:
        """Spend one token: 0 if allowed, else the seconds to wait (nothing spent)."""
        now = self._clock()
        try:
            with self.db.transaction() as db:
                stored = db.execute("SELECT tokens, updated FROM rate_buckets WHERE key = ?", (key,)).fetchone()
                tokens = self.refilled(stored, now)
                allowed = tokens >= 1
                db.execute("INSERT OR REPLACE INTO rate_buckets VALUES (?, ?, ?)",
                           (key, tokens - 1 if allowed else tokens, now))
                if now - self._swept > SWEEP_SECONDS:
                    db.execute("DELETE FROM rate_buckets WHERE updated < ?", (now - self.per_seconds,))
                    self._swept = now
        except sqlite3.Error as error:
            log.warning("The shared message limit could not be read (%s); the message is let through.", error)
            return 0.0
        return 0.0 if allowed else (1 - tokens) / self.rate

    def retry_after(self, key: str) -> float:
        with self.db.statement() as db:
            stored = db.execute("SELECT tokens, updated FROM rate_buckets WHERE key = ?", (key,)).fetchone()
        tokens = self.refilled(stored, self._clock())
        return 0.0 if tokens >= 1 else (1 - tokens) / self.rate

    def reset(self, key: str) -> None:
        with self.db.statement() as db:
            db.execute("DELETE FROM rate_buckets WHERE key = ?", (key,))
