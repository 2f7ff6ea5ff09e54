"""A SQLite file that several processes of one machine change together: the
Sanic worker processes of `make run`'s Rasa share their conversation locks
(rasa_addons/sqlite_lock_store.py) and their per-sender message limit
(rasa_addons/shared_ratelimit.py) through one.

Each process opens its own connection on first use: Sanic forks its workers,
and a SQLite connection must not cross a fork. A transaction takes the file's
write lock first (BEGIN IMMEDIATE), so a read and the write that depends on
it see no other process's change in between. WAL with synchronous=NORMAL: a
commit does not wait for the disk, which is enough for state that lives
seconds.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Optional, Sequence

# Another process may hold the write lock for a moment; wait at most this long.
BUSY_TIMEOUT_MS = 5000


class SharedSQLite:
    def __init__(self, path: os.PathLike, schema: Sequence[str], busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> None:
        self.path = Path(path)
        self.schema = tuple(schema)
        self.busy_timeout_ms = busy_timeout_ms
        self._connection: Optional[sqlite3.Connection] = None
        self._pid = 0
        self._guard = threading.Lock()

    def _connect(self) -> sqlite3.Connection:
        if self._connection is None or self._pid != os.getpid():
            connection = sqlite3.connect(str(self.path), timeout=self.busy_timeout_ms / 1000,
                                         isolation_level=None, check_same_thread=False)
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=NORMAL")
            for statement in self.schema:
                connection.execute(statement)
            self._connection, self._pid = connection, os.getpid()
        return self._connection

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE ... COMMIT (ROLLBACK on an error)."""
        with self._guard:
            db = self._connect()
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
                db.execute("COMMIT")
            except BaseException:
                if db.in_transaction:  # a failed COMMIT leaves it open, and the next BEGIN would fail
                    db.execute("ROLLBACK")
                raise

    @contextmanager
    def statement(self) -> Iterator[sqlite3.Connection]:
        """The connection for one statement that commits by itself."""
        with self._guard:
            yield self._connect()
