"""bot/db/unique.py on SQLite and PostgreSQL: a colliding code is drawn again,
an idempotency key gives back the row made first (also when the twin request
wins the race), and a store's own conflicts and extra statements behave."""

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, create_engine, func, insert, select

from bot.db.engine import create_engine as create_async_engine, sync_url
from bot.db.unique import first, insert_unique

metadata = MetaData()
things = Table(
    "things",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("reference", String(16), nullable=False, unique=True),
    Column("name", String(32), nullable=False, unique=True),  # stands for a booking's (counsellor, time)
    Column("idempotency_key", String(100), unique=True),
)


class Taken(Exception):
    pass


@pytest.fixture
def sync_engine(database_url):
    engine = create_engine(sync_url(database_url))
    metadata.create_all(engine)
    yield engine
    engine.dispose()


@pytest.fixture
async def engine(database_url, sync_engine):
    engine = create_async_engine(database_url)
    yield engine
    await engine.dispose()


def codes(*drawn):
    """A code generator that hands out `drawn` in order and records each call."""
    queue = list(drawn)
    calls = []

    def new_code():
        calls.append(queue[0])
        return queue.pop(0)

    new_code.calls = calls
    return new_code


def count(sync_engine):
    with sync_engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(things)).scalar_one()


async def test_a_new_row_gets_the_drawn_code(engine, sync_engine):
    row, made = await insert_unique(engine, things, {"name": "a"}, new_code=codes("AAAA"))
    assert made and row.reference == "AAAA" and row.name == "a" and row.idempotency_key is None
    assert (await first(engine, things, things.c.reference == "AAAA")).id == row.id
    assert await first(engine, things, things.c.reference == "nope") is None


async def test_a_code_that_is_taken_is_drawn_again(engine, sync_engine):
    await insert_unique(engine, things, {"name": "a"}, new_code=codes("AAAA"))
    new_code = codes("AAAA", "AAAA", "BBBB")
    row, made = await insert_unique(engine, things, {"name": "b"}, new_code=new_code)
    assert made and row.reference == "BBBB" and row.name == "b"
    assert new_code.calls == ["AAAA", "AAAA", "BBBB"] and count(sync_engine) == 2


async def test_only_taken_codes_give_up_after_the_attempts(engine, sync_engine):
    await insert_unique(engine, things, {"name": "a"}, new_code=codes("AAAA"))
    new_code = codes(*["AAAA"] * 5)
    with pytest.raises(RuntimeError, match="could not create a unique reference code"):
        await insert_unique(engine, things, {"name": "b"}, new_code=new_code)
    assert len(new_code.calls) == 5 and count(sync_engine) == 1
    with pytest.raises(RuntimeError, match="could not create a unique follow-up code"):
        await insert_unique(engine, things, {"name": "b"}, new_code=codes("AAAA", "AAAA"), attempts=2,
                            what="follow-up code")


async def test_the_same_idempotency_key_gives_the_first_row_back(engine, sync_engine):
    row, made = await insert_unique(engine, things, {"name": "a"}, new_code=codes("AAAA"), idempotency_key="k1")
    assert made and row.idempotency_key == "k1"
    new_code = codes("BBBB")
    again, made = await insert_unique(engine, things, {"name": "other"}, new_code=new_code, idempotency_key="k1")
    assert not made and again == row and new_code.calls == [], "found before anything is inserted"
    other, made = await insert_unique(engine, things, {"name": "b"}, new_code=codes("CCCC"), idempotency_key="k2")
    assert made and other.reference == "CCCC" and count(sync_engine) == 2


async def test_a_twin_request_that_wins_the_race_is_returned(engine, sync_engine):
    """The twin stores its row after this request looked for the key, before it inserts."""

    def twin_first():
        with sync_engine.begin() as conn:
            conn.execute(insert(things).values(reference="TWIN", name="a", idempotency_key="k1"))
        return "MINE"

    row, made = await insert_unique(engine, things, {"name": "a"}, new_code=twin_first, idempotency_key="k1")
    assert not made and row.reference == "TWIN" and count(sync_engine) == 1


async def test_another_conflict_asks_the_store_which_may_refuse(engine, sync_engine):
    await insert_unique(engine, things, {"name": "a"}, new_code=codes("AAAA"))
    asked = []

    def taken(name):
        async def name_taken():
            asked.append(name)
            if await first(engine, things, things.c.name == name):
                raise Taken(name)

        return name_taken

    with pytest.raises(Taken) as caught:
        await insert_unique(engine, things, {"name": "a"}, new_code=codes("BBBB"), idempotency_key="k",
                            on_conflict=taken("a"))
    assert asked == ["a"] and caught.value.__context__ is None, "raised outside the IntegrityError"
    row, made = await insert_unique(engine, things, {"name": "b"}, new_code=codes("AAAA", "CCCC"),
                                    on_conflict=taken("b"))
    assert made and row.reference == "CCCC" and asked == ["a", "b"], "a code collision: drawn again"


async def test_also_runs_in_the_same_transaction(engine, sync_engine):
    await insert_unique(engine, things, {"name": "old"}, new_code=codes("OLD1"))

    async def delete_old(conn):
        deleted = await conn.execute(things.delete().where(things.c.reference == "OLD1"))
        if deleted.rowcount != 1:
            raise LookupError("OLD1")

    row, made = await insert_unique(engine, things, {"name": "new"}, new_code=codes("NEW1"), also=delete_old)
    assert made and row.reference == "NEW1" and await first(engine, things, things.c.reference == "OLD1") is None
    with pytest.raises(LookupError):
        await insert_unique(engine, things, {"name": "newer"}, new_code=codes("NEW2"), also=delete_old)
    assert await first(engine, things, things.c.reference == "NEW2") is None, "rolled back"
    assert count(sync_engine) == 1


async def test_another_code_column(engine, sync_engine):
    row, made = await insert_unique(engine, things, {"reference": "R1"}, code_column="name", new_code=codes("n1"))
    assert made and (row.reference, row.name) == ("R1", "n1")
