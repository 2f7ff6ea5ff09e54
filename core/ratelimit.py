"""In-process rate limits: a token bucket per key (a client address, a
sender id, a user name).

Each key may spend `capacity` tokens at once; tokens come back at
`capacity / per_seconds` a second. The limits live in one process: with
several instances behind a proxy each instance counts for itself, and the
proxy's own limit (nginx limit_req) is the shared one. The worker processes
of one Rasa on one machine share theirs through rasa_addons/shared_ratelimit.py.

Pure Python with an injectable clock, so the Rasa process can use it too
and tests need not sleep.
"""

from __future__ import annotations

import math
import time
from typing import Callable, Dict, Optional, Tuple

Clock = Callable[[], float]


class TokenBucket:
    """Token buckets for many keys with the same capacity and refill rate."""

    # Past this many keys, full buckets (nothing to remember) are dropped.
    MAX_KEYS = 10_000

    def __init__(self, capacity: int, per_seconds: float, clock: Clock = time.monotonic) -> None:
        if capacity < 1 or per_seconds <= 0:
            raise ValueError("capacity must be at least 1 and per_seconds above 0")
        self.capacity = capacity
        self.per_seconds = per_seconds
        self.rate = capacity / per_seconds  # tokens a second
        self._clock = clock
        self._buckets: Dict[str, Tuple[float, float]] = {}  # key -> (tokens, when)

    def _tokens(self, key: str, now: float) -> float:
        return self.refilled(self._buckets.get(key), now)

    def refilled(self, stored: Optional[Tuple[float, float]], now: float) -> float:
        """Tokens at `now` of a bucket stored as (tokens, when); a bucket never stored is full."""
        if stored is None:
            return float(self.capacity)
        tokens, when = stored
        return min(float(self.capacity), tokens + (now - when) * self.rate)

    def retry_after(self, key: str) -> float:
        """Seconds until `key` may spend a token; 0 if it may now. Spends nothing."""
        tokens = self._tokens(key, self._clock())
        return 0.0 if tokens >= 1 else (1 - tokens) / self.rate

    def take(self, key: str) -> float:
        """Spend one token: 0 if allowed, else the seconds to wait (nothing spent)."""
        now = self._clock()
        tokens = self._tokens(key, now)
        if tokens < 1:
            self._buckets[key] = (tokens, now)
            return (1 - tokens) / self.rate
        self._buckets[key] = (tokens - 1, now)
        if len(self._buckets) > self.MAX_KEYS:
            self._forget_full(now)
        return 0.0

    def reset(self, key: str) -> None:
        self._buckets.pop(key, None)

    def _forget_full(self, now: float) -> None:
        full = [key for key in self._buckets if self._tokens(key, now) >= self.capacity]
        for key in full:
            del self._buckets[key]


def retry_after_header(seconds: float) -> str:
    """Whole seconds for a Retry-After header, at least 1."""
    return str(max(1, math.ceil(seconds)))
