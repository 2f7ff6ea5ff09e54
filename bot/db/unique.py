"""Insert a row under a new unique code, once per idempotency key.

Bookings, interests, tickets and follow-up links each get a random code a
person reads out or follows. The database's unique constraints decide: a code
that collides is drawn again, and a request retried with the same idempotency
key gets the row the first one made, also when the two race (the loser's
insert fails on the key's unique constraint and then finds the winner's row).
Works the same on SQLite and PostgreSQL: every attempt is its own transaction.
"""

from __future__ import annotations

from typing import Any, Awaitable, Callable, Mapping, Optional, Tuple

from sqlalchemy import Table, insert, select
from sqlalchemy.engine import Row
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from core.codes import new_code as new_reference_code

ATTEMPTS = 5
IDEMPOTENCY_COLUMN = "idempotency_key"


async def first(engine: AsyncEngine, table: Table, *conditions) -> Optional[Row]:
    """The first row of `table` that meets the conditions, or None."""
    async with engine.connect() as conn:
        return (await conn.execute(select(table).where(*conditions))).first()


async def insert_unique(
    engine: AsyncEngine,
    table: Table,
    values: Mapping[str, Any],
    *,
    code_column: str = "reference",
    new_code: Callable[[], str] = new_reference_code,
    idempotency_key: Optional[str] = None,
    also: Optional[Callable[[AsyncConnection], Awaitable[None]]] = None,
    on_conflict: Optional[Callable[[], Awaitable[None]]] = None,
    attempts: int = ATTEMPTS,
    what: str = "reference code",
) -> Tuple[Row, bool]:
    """Insert `values` with a fresh `new_code()` in `code_column`: (the stored row, True).

    With an `idempotency_key` (stored in the table's idempotency_key column)
    a row already made under that key is returned instead, as (row, False).
    `also(conn)` runs in the insert's transaction; whatever it raises rolls the
    insert back and reaches the caller. A unique violation that is not the key
    first calls `on_conflict()`, which may raise (a booking's SlotTaken), and
    then tries another code; after `attempts` tries RuntimeError.
    """
    key_column = table.c[IDEMPOTENCY_COLUMN] if idempotency_key else None
    if key_column is not None:
        earlier = await first(engine, table, key_column == idempotency_key)
        if earlier is not None:
            return earlier, False
        values = {**values, IDEMPOTENCY_COLUMN: idempotency_key}
    for _ in range(attempts):
        code = new_code()
        try:
            async with engine.begin() as conn:
                await conn.execute(insert(table).values(**values, **{code_column: code}))
                if also is not None:
                    await also(conn)
        except IntegrityError:
            pass
        else:
            row = await first(engine, table, table.c[code_column] == code)
            assert row is not None
            return row, True
        if key_column is not None:
            earlier = await first(engine, table, key_column == idempotency_key)
            if earlier is not None:
                return earlier, False  # the same request, made at the same moment
        if on_conflict is not None:
            await on_conflict()
        # Otherwise the code collided: draw another one.
    raise RuntimeError(f"could not create a unique {what}")
