"""Rasa's Redis ticket lock, with each step done atomically inside Redis.

Rasa 3.6's RedisLockStore reads a conversation's lock, changes it in Python
and writes it back: seven Redis calls a message (GET and SET for a ticket, GET
to wait, GET, SET, GET and DEL to finish). Between a GET and its SET, another
Rasa instance can do the same. Two messages of one conversation sent to two
instances at the same moment can then both get ticket 0 and both change the
tracker, and a finished ticket can be written back by a late SET.

This store keeps Rasa's keys and Rasa's JSON (a lock is
`{"conversation_id": ..., "tickets": ["{\"number\": 0, \"expires\": ...}", ...]}`),
so Rasa's own RedisLockStore reads what it writes. Each step (take a ticket,
see who is served, give the ticket back) is one Lua script, which Redis runs
without anything in between: three calls a message, and no lost updates.
Expired tickets are dropped as Rasa drops them, by the expiry time the Rasa
instance wrote. Ticket numbers are not used twice (see _ISSUE).

A rolling upgrade from Rasa's `type: redis` still has the old race while old
and new instances run side by side.

endpoints.yml: `lock_store: {type: rasa_addons.redis_lock_store.AtomicRedisLockStore, url:
..., port: ..., db: ..., key_prefix: ...}` with the same keys as `type: redis`.

`TicketSteps` is the waiting loop shared with rasa_addons/sqlite_lock_store.py, which
keeps the same tickets in a SQLite file for several Rasa processes on one
machine.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from contextlib import asynccontextmanager
from typing import Any, AsyncGenerator, Optional, Text

from rasa.core.lock import Ticket, TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

# Tickets that have not expired at ARGV[1] (seconds since 1970), as decoded tables
# next to their JSON strings. Shared by the three scripts.
_UNEXPIRED = """
local function unexpired(raw, now)
  local kept, decoded = {}, {}
  if raw then
    local lock = cjson.decode(raw)
    if type(lock.tickets) == 'table' then
      for _, text in ipairs(lock.tickets) do
        local ticket = cjson.decode(text)
        if not (now > tonumber(ticket.expires)) then
          table.insert(kept, text)
          table.insert(decoded, ticket)
        end
      end
    end
  end
  return kept, decoded
end
local function store(key, conversation_id, kept)
  if #kept == 0 then
    redis.call('DEL', key)
  else
    redis.call('SET', key, cjson.encode({conversation_id = conversation_id, tickets = kept}))
  end
end
"""

# KEYS[1] lock key, KEYS[2] the conversation's ticket counter; ARGV: now, lifetime,
# conversation id. Returns the new ticket's number. Unlike Rasa, numbers do not start
# again at 0 when the lock empties: a holder whose ticket expired must not give back
# (finish) a newer ticket with its number. The counter lives twice the lifetime.
_ISSUE = _UNEXPIRED + """
local now, lifetime = tonumber(ARGV[1]), tonumber(ARGV[2])
local kept, decoded = unexpired(redis.call('GET', KEYS[1]), now)
local number = redis.call('INCR', KEYS[2]) - 1
if #decoded > 0 and tonumber(decoded[#decoded].number) >= number then
  number = tonumber(decoded[#decoded].number) + 1
  redis.call('SET', KEYS[2], number + 1)
end
redis.call('PEXPIRE', KEYS[2], math.ceil(2000 * lifetime))
table.insert(kept, cjson.encode({number = number, expires = now + lifetime}))
store(KEYS[1], ARGV[3], kept)
return number
"""

# KEYS[1] lock key; ARGV: now, conversation id. Returns the number served now, or -1 if no ticket is left.
_SERVING = _UNEXPIRED + """
local raw = redis.call('GET', KEYS[1])
local kept, decoded = unexpired(raw, tonumber(ARGV[1]))
if raw and #kept == 0 then redis.call('DEL', KEYS[1]) end
if #decoded == 0 then return -1 end
return tonumber(decoded[1].number)
"""

# KEYS[1] lock key; ARGV: now, conversation id, ticket number. Gives the ticket back;
# deletes the lock when nobody waits.
_FINISH = _UNEXPIRED + """
local raw = redis.call('GET', KEYS[1])
if not raw then return 0 end
local kept, decoded = unexpired(raw, tonumber(ARGV[1]))
local left = {}
for i, ticket in ipairs(decoded) do
  if tonumber(ticket.number) ~= tonumber(ARGV[3]) then table.insert(left, kept[i]) end
end
store(KEYS[1], ARGV[2], left)
return #left
"""


# Time between two looks at a conversation held by another message. Rasa's callers
# pass none, and Rasa's default of 1 s made a person's second message wait up to a
# second after the first was answered. A look is one Redis call or SQLite read.
WAIT_SECONDS = 0.05


class TicketSteps:
    """Rasa's LockStore.lock from three atomic steps a store provides:
    `issue_ticket`, `now_serving` (-1 when the conversation has no ticket) and
    `finish`."""

    def issue_ticket(self, conversation_id: Text, lock_lifetime: float = LOCK_LIFETIME) -> int:
        raise NotImplementedError

    def now_serving(self, conversation_id: Text) -> int:
        raise NotImplementedError

    def finish(self, conversation_id: Text, ticket: int) -> None:
        raise NotImplementedError

    @asynccontextmanager
    async def lock(self, conversation_id: Text, lock_lifetime: float = LOCK_LIFETIME,
                   wait_time_in_seconds: float = WAIT_SECONDS) -> AsyncGenerator[TicketLock, None]:
        """As Rasa's LockStore.lock: wait for this message's ticket, then hold it.

        Yields a TicketLock with this message's ticket (Rasa's callers do not
        use it)."""
        expires = time.time() + lock_lifetime
        ticket = self.issue_ticket(conversation_id, lock_lifetime)
        try:
            while True:
                serving = self.now_serving(conversation_id)
                if serving == ticket:
                    break
                # Tickets are served in order: a higher number, or none, means this one expired.
                if serving < 0 or serving > ticket or time.time() > expires:
                    raise LockError(f"Could not acquire lock for conversation_id '{conversation_id}'.")
                await asyncio.sleep(wait_time_in_seconds)
            yield TicketLock(conversation_id, deque([Ticket(ticket, expires)]))
        finally:
            self.finish(conversation_id, ticket)


class AtomicRedisLockStore(TicketSteps, RedisLockStore):
    """RedisLockStore whose ticket steps are each one Lua script."""

    def __init__(self, endpoint_config: Optional[EndpointConfig] = None, **kwargs: Any) -> None:
        if endpoint_config is not None:
            kwargs = {"host": endpoint_config.url or "localhost", **endpoint_config.kwargs, **kwargs}
        super().__init__(**kwargs)
        self._issue = self.red.register_script(_ISSUE)
        self._serving = self.red.register_script(_SERVING)
        self._finish = self.red.register_script(_FINISH)

    def _counter_key(self, conversation_id: Text) -> Text:
        # "<prefix>lock-seq:<id>": no lock key ("<prefix>lock:<id>") can be equal to it.
        return self.key_prefix[: -len("lock:")] + "lock-seq:" + conversation_id

    def issue_ticket(self, conversation_id: Text, lock_lifetime: float = LOCK_LIFETIME) -> int:
        try:
            return int(self._issue(keys=[self.key_prefix + conversation_id, self._counter_key(conversation_id)],
                                   args=[repr(time.time()), repr(float(lock_lifetime)), conversation_id]))
        except Exception as error:  # as Rasa's LockStore.issue_ticket
            raise LockError(f"Error while acquiring lock. Error:\n{error}") from error

    def now_serving(self, conversation_id: Text) -> int:
        """The ticket served now, or -1 when the conversation has no ticket."""
        return int(self._serving(keys=[self.key_prefix + conversation_id], args=[repr(time.time()), conversation_id]))

    def finish(self, conversation_id: Text, ticket: int) -> None:
        """Give the ticket back; the lock is deleted when nobody else waits."""
        self._finish(keys=[self.key_prefix + conversation_id], args=[repr(time.time()), conversation_id, ticket])
