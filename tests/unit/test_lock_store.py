"""bot/lock_store.py against this machine's Redis: tickets are unique and
served in order across store instances (as across Rasa instances), Rasa's
own RedisLockStore reads what it writes and the other way round, expired
tickets are dropped, and a Redis that is down gives Rasa's LockError."""

from __future__ import annotations

import asyncio
import json
import threading
import time
import uuid
from typing import Iterator, List

import pytest
import redis
from rasa.core.lock_store import LockError, LockStore, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

from bot.lock_store import AtomicRedisLockStore
from tests.unit.ticket_helpers import free_port

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


def test_rasa_builds_it_from_the_endpoint_config(prefix):
    config = EndpointConfig(url="127.0.0.1", type="bot.lock_store.AtomicRedisLockStore", port=6379, db=3,
                            key_prefix=prefix)
    built = LockStore.create(config)
    assert isinstance(built, AtomicRedisLockStore)
    assert built.key_prefix == f"{prefix}:lock:"
    assert built.issue_ticket("made") == 0


def test_tickets_from_many_instances_at_once_are_unique(prefix):
    stores = [store(prefix) for _ in range(4)]
    tickets: List[int] = []
    start = threading.Barrier(len(stores) * 5)

    def take(lock_store: AtomicRedisLockStore) -> None:
        start.wait()
        tickets.append(lock_store.issue_ticket("busy", 30))

    threads = [threading.Thread(target=take, args=(s,)) for s in stores for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(tickets) == list(range(20))
    assert [t.number for t in RedisLockStore(key_prefix=prefix, **REDIS).get_lock("busy").tickets] == list(range(20))


async def test_two_instances_serve_one_conversation_in_order(prefix):
    first, second = store(prefix), store(prefix)
    log: List[str] = []

    async def message(lock_store: AtomicRedisLockStore, name: str, delay: float) -> None:
        await asyncio.sleep(delay)
        async with lock_store.lock("conversation", 30, WAIT):
            log.append(f"{name} in")
            await asyncio.sleep(0.1)
            log.append(f"{name} out")

    await asyncio.gather(message(first, "a", 0), message(second, "b", 0.01), message(first, "c", 0.02))
    assert log == ["a in", "a out", "b in", "b out", "c in", "c out"]
    assert first.get_lock("conversation") is None, "the lock is deleted when nobody waits"


async def test_the_lock_stays_while_someone_waits(prefix):
    holder, waiter = store(prefix), store(prefix)
    async with holder.lock("queue", 30, WAIT):
        waiting = waiter.issue_ticket("queue", 30)
    assert waiter.now_serving("queue") == waiting
    lock = RedisLockStore(key_prefix=prefix, **REDIS).get_lock("queue")
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


async def test_a_ticket_of_an_instance_that_died_expires(prefix):
    dead, alive = store(prefix), store(prefix)
    started = time.monotonic()
    dead.issue_ticket("orphan", 0.3)  # taken and never given back
    async with alive.lock("orphan", 30, WAIT):
        waited = time.monotonic() - started
        assert alive.now_serving("orphan") == 1
    assert waited >= 0.3
    assert alive.get_lock("orphan") is None


async def test_a_holder_whose_ticket_expired_does_not_free_the_next_holder(prefix):
    """A holds the lock past its lifetime; B gets in; A's late finish must not let C in beside B."""
    a, b, c = store(prefix), store(prefix), store(prefix)
    inside: List[str] = []
    overlaps: List[List[str]] = []

    async def message(lock_store: AtomicRedisLockStore, name: str, delay: float, lifetime: float,
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


async def test_an_error_inside_gives_the_ticket_back(prefix):
    lock_store = store(prefix)
    with pytest.raises(RuntimeError):
        async with lock_store.lock("crash", 30, WAIT):
            raise RuntimeError("the message failed")
    assert lock_store.get_lock("crash") is None
    async with lock_store.lock("crash", 30, WAIT):
        pass


async def test_a_message_whose_own_ticket_expired_gets_rasas_lock_error(prefix):
    slow, other = store(prefix), store(prefix)
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
