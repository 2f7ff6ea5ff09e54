"""The two ticket lock stores: rasa_addons/redis_lock_store.py against this machine's Redis
(several Rasa instances) and rasa_addons/sqlite_lock_store.py in a SQLite file
(several Rasa worker processes of `make run`). For both: tickets are unique
and served in order across store instances (as across Rasa processes),
expired tickets are dropped, a holder past its lifetime frees no one else,
and a store that cannot be reached gives Rasa's LockError. For Redis also:
Rasa's own RedisLockStore reads what ours writes and the other way round.
For SQLite also: real processes taking tickets at once."""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import sqlite3
import threading
import time
import uuid
from collections import deque
from typing import Callable, Iterator, List, Union

import pytest
import redis
from rasa.core.lock import Ticket, TicketLock
from rasa.core.lock_store import LockError, LockStore, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

from rasa_addons.redis_lock_store import AtomicRedisLockStore
from rasa_addons.sqlite_lock_store import SQLiteLockStore
from tests.ports import free_port

REDIS = {"host": "127.0.0.1", "port": 6379, "db": 3}
WAIT = 0.02  # seconds between two looks at a lock held by someone else


@pytest.fixture
def prefix() -> Iterator[str]:
    """A key prefix of letters and digits of its own; its keys are deleted afterwards."""
    name = "vvtest" + uuid.uuid4().hex[:10]
    yield name
    client = redis.Redis(**REDIS)
    for key in client.scan_iter(f"{name}:*"):
        client.delete(key)


def store(prefix: str) -> AtomicRedisLockStore:
    return AtomicRedisLockStore(key_prefix=prefix, **REDIS)


Store = Union[AtomicRedisLockStore, SQLiteLockStore]


@pytest.fixture(params=["redis", "sqlite"])
def new_store(request, tmp_path) -> Iterator[Callable[[], Store]]:
    """Makes store instances that share one backend, as the Rasa processes do."""
    if request.param == "redis":
        name = "vvtest" + uuid.uuid4().hex[:10]
        yield lambda: store(name)
        client = redis.Redis(**REDIS)
        for key in client.scan_iter(f"{name}:*"):
            client.delete(key)
    else:
        yield lambda: SQLiteLockStore(db=str(tmp_path / "rasa_shared.db"))


def test_rasa_builds_it_from_the_endpoint_config(prefix):
    config = EndpointConfig(url="127.0.0.1", type="rasa_addons.redis_lock_store.AtomicRedisLockStore", port=6379, db=3,
                            key_prefix=prefix)
    built = LockStore.create(config)
    assert isinstance(built, AtomicRedisLockStore)
    assert built.key_prefix == f"{prefix}:lock:"
    assert built.issue_ticket("made") == 0


def test_tickets_from_many_instances_at_once_are_unique(new_store):
    stores = [new_store() for _ in range(4)]
    tickets: List[int] = []
    start = threading.Barrier(len(stores) * 5)

    def take(lock_store: Store) -> None:
        start.wait()
        tickets.append(lock_store.issue_ticket("busy", 30))

    threads = [threading.Thread(target=take, args=(s,)) for s in stores for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(tickets) == list(range(20))
    assert [t.number for t in new_store().get_lock("busy").tickets] == list(range(20))


async def test_two_instances_serve_one_conversation_in_order(new_store):
    first, second = new_store(), new_store()
    log: List[str] = []

    async def message(lock_store: Store, name: str, delay: float) -> None:
        await asyncio.sleep(delay)
        async with lock_store.lock("conversation", 30, WAIT):
            log.append(f"{name} in")
            await asyncio.sleep(0.1)
            log.append(f"{name} out")

    await asyncio.gather(message(first, "a", 0), message(second, "b", 0.01), message(first, "c", 0.02))
    assert log == ["a in", "a out", "b in", "b out", "c in", "c out"]
    assert first.get_lock("conversation") is None, "the lock is deleted when nobody waits"


async def test_the_lock_stays_while_someone_waits(new_store):
    holder, waiter = new_store(), new_store()
    async with holder.lock("queue", 30, WAIT):
        waiting = waiter.issue_ticket("queue", 30)
    assert waiter.now_serving("queue") == waiting
    lock = new_store().get_lock("queue")
    assert [t.number for t in lock.tickets] == [waiting]
    waiter.finish("queue", waiting)
    assert holder.get_lock("queue") is None


async def test_rasas_store_and_ours_share_one_lock(prefix):
    rasa = RedisLockStore(key_prefix=prefix, **REDIS)
    ours = store(prefix)
    assert rasa.issue_ticket("shared", 30) == 0  # written by Rasa's code
    assert ours.issue_ticket("shared", 30) == 1  # read by ours
    lock = rasa.get_lock("shared")  # and ours written back in Rasa's format
    assert [t.number for t in lock.tickets] == [0, 1]
    assert lock.now_serving == 0 and lock.is_locked(1)
    assert ours.now_serving("shared") == 0
    rasa.cleanup("shared", 0)
    assert ours.now_serving("shared") == 1
    ours.finish("shared", 1)
    assert rasa.get_lock("shared") is None


async def test_a_ticket_of_an_instance_that_died_expires(new_store):
    dead, alive = new_store(), new_store()
    started = time.monotonic()
    dead.issue_ticket("orphan", 0.3)  # taken and never given back
    async with alive.lock("orphan", 30, WAIT):
        waited = time.monotonic() - started
        assert alive.now_serving("orphan") == 1
    assert waited >= 0.3
    assert alive.get_lock("orphan") is None


async def test_a_holder_whose_ticket_expired_does_not_free_the_next_holder(new_store):
    """A holds the lock past its lifetime; B gets in; A's late finish must not let C in beside B."""
    a, b, c = new_store(), new_store(), new_store()
    inside: List[str] = []
    overlaps: List[List[str]] = []

    async def message(lock_store: Store, name: str, delay: float, lifetime: float,
                      work: float) -> None:
        await asyncio.sleep(delay)
        async with lock_store.lock("slow", lifetime, WAIT):
            inside.append(name)
            await asyncio.sleep(work)
            if len(inside) > 1 and name != "a":
                overlaps.append(list(inside))
            inside.remove(name)

    await asyncio.gather(message(a, "a", 0, 0.3, 0.6), message(b, "b", 0.4, 30, 0.6),
                         message(c, "c", 0.45, 30, 0.1))
    assert overlaps == [], "c was let in while b held the lock"
    assert a.get_lock("slow") is None


async def test_the_given_ticket_is_returned_even_from_the_middle(prefix):
    lock_store = store(prefix)
    tickets = [lock_store.issue_ticket("middle", 30) for _ in range(3)]
    lock_store.finish("middle", tickets[1])
    stored = json.loads(redis.Redis(**REDIS).get(f"{prefix}:lock:middle"))
    assert stored["conversation_id"] == "middle"
    assert [json.loads(t)["number"] for t in stored["tickets"]] == [tickets[0], tickets[2]]


async def test_an_error_inside_gives_the_ticket_back(new_store):
    lock_store = new_store()
    with pytest.raises(RuntimeError):
        async with lock_store.lock("crash", 30, WAIT):
            raise RuntimeError("the message failed")
    assert lock_store.get_lock("crash") is None
    async with lock_store.lock("crash", 30, WAIT):
        pass


async def test_a_message_whose_own_ticket_expired_gets_rasas_lock_error(new_store):
    slow, other = new_store(), new_store()
    held = slow.issue_ticket("late", 30)
    with pytest.raises(LockError):
        async with other.lock("late", 0.1, WAIT):  # waits behind `held`, its own ticket runs out
            pass
    slow.finish("late", held)
    assert slow.get_lock("late") is None


async def test_redis_down_gives_rasas_lock_error():
    down = AtomicRedisLockStore(host="127.0.0.1", port=free_port(), socket_timeout=1)
    with pytest.raises(LockError):
        async with down.lock("any", 30, WAIT):
            pass


async def test_the_given_ticket_is_returned_even_from_the_middle_of_any_store(new_store):
    lock_store = new_store()
    tickets = [lock_store.issue_ticket("middle", 30) for _ in range(3)]
    lock_store.finish("middle", tickets[1])
    assert [t.number for t in new_store().get_lock("middle").tickets] == [tickets[0], tickets[2]]
    assert lock_store.now_serving("middle") == tickets[0]


# ---- SQLite: the worker processes of `make run`'s Rasa ----------------------------


def test_rasa_builds_the_sqlite_store_from_the_endpoint_config(tmp_path):
    config = EndpointConfig(type="rasa_addons.sqlite_lock_store.SQLiteLockStore", db=str(tmp_path / "shared.db"))
    built = LockStore.create(config)
    assert isinstance(built, SQLiteLockStore)
    assert built.issue_ticket("made") == 0
    assert (tmp_path / "shared.db").exists()


def _take_tickets(path: str, start, out, count: int) -> None:
    """In a child process: a store of its own, then `count` tickets as soon as all are ready."""
    lock_store = SQLiteLockStore(db=path)
    start.wait()
    out.put([lock_store.issue_ticket("busy", 30) for _ in range(count)])


def test_tickets_from_many_processes_at_once_are_unique(tmp_path):
    path = str(tmp_path / "shared.db")
    SQLiteLockStore(db=path)  # made before the fork, as Rasa's main process may have
    context = multiprocessing.get_context("fork")  # as Sanic starts its workers
    start, out = context.Barrier(4), context.Queue()
    processes = [context.Process(target=_take_tickets, args=(path, start, out, 25)) for _ in range(4)]
    for process in processes:
        process.start()
    tickets = [number for _ in processes for number in out.get(timeout=60)]
    for process in processes:
        process.join(timeout=30)
        assert process.exitcode == 0
    assert sorted(tickets) == list(range(100))


def test_a_store_made_before_a_fork_opens_its_own_connection_after_it(tmp_path):
    lock_store = SQLiteLockStore(db=str(tmp_path / "shared.db"))
    parent = lock_store.db._connect()
    context = multiprocessing.get_context("fork")
    out = context.Queue()
    child = context.Process(target=lambda: out.put(lock_store.db._connect() is parent))
    child.start()
    assert out.get(timeout=30) is False
    child.join(timeout=30)


async def test_numbers_are_not_used_again_when_the_lock_empties(tmp_path):
    lock_store = SQLiteLockStore(db=str(tmp_path / "shared.db"))
    async with lock_store.lock("again", 30, WAIT):
        pass
    assert lock_store.get_lock("again") is None
    assert lock_store.issue_ticket("again", 30) == 1


async def test_a_sqlite_file_held_by_another_writer_gives_rasas_lock_error(tmp_path):
    path = tmp_path / "shared.db"
    lock_store = SQLiteLockStore(db=str(path), busy_timeout_ms=100)
    other = sqlite3.connect(str(path), isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")  # another process holding the file's write lock for too long
    try:
        with pytest.raises(LockError):
            async with lock_store.lock("blocked", 30, WAIT):
                pass
    finally:
        other.execute("ROLLBACK")
        other.close()
    async with lock_store.lock("blocked", 30, WAIT):  # and it works again when the file is free
        pass


def test_a_sqlite_file_that_cannot_be_made_fails_at_start_up(tmp_path):
    (tmp_path / "a-file").write_text("not a folder")
    with pytest.raises(sqlite3.Error):
        SQLiteLockStore(db=str(tmp_path / "a-file" / "shared.db"))
    with pytest.raises(ValueError):
        SQLiteLockStore(endpoint_config=EndpointConfig(type="rasa_addons.sqlite_lock_store.SQLiteLockStore"))


def test_a_failed_sqlite_transaction_changes_nothing_and_the_next_one_works(tmp_path):
    lock_store = SQLiteLockStore(db=str(tmp_path / "shared.db"))
    kept = lock_store.issue_ticket("kept", 30)
    broken = TicketLock("kept", deque([Ticket(None, time.time() + 30)]))  # NOT NULL fails after the DELETE
    with pytest.raises(sqlite3.IntegrityError):
        lock_store.save_lock(broken)
    assert [t.number for t in lock_store.get_lock("kept").tickets] == [kept], "rolled back"
    assert lock_store.issue_ticket("kept", 30) == kept + 1


async def test_a_waiting_message_gets_in_soon_after_the_one_before_is_done(new_store):
    """Rasa calls lock() without a wait time; with Rasa's 1 s the second message waited up to a second."""
    holder, waiter = new_store(), new_store()
    released: List[float] = []
    entered: List[float] = []

    async def first() -> None:
        async with holder.lock("quick"):
            await asyncio.sleep(0.2)
        released.append(time.monotonic())

    async def second() -> None:
        await asyncio.sleep(0.05)
        async with waiter.lock("quick"):
            entered.append(time.monotonic())

    await asyncio.gather(first(), second())
    assert entered[0] - released[0] < 0.3
