"""Token buckets for Slack's per-channel posting limit, on an injectable clock."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class _Bucket:
    tokens: float
    updated: float


class RateLimiter:
    """One token bucket per key (a channel): `rate` tokens per second, up to `burst` stored.

    Slack: "chat.postMessage generally allows posting one message per second per channel" with
    short bursts tolerated (reference §6). The exact burst is undocumented; 3 is the default knob.
    """

    def __init__(self, clock: Callable[[], float], *, rate: float = 1.0, burst: int = 3) -> None:
        self._clock = clock
        self.rate = rate
        self.burst = burst
        self.enabled = True
        self._buckets: dict[str, _Bucket] = {}

    def configure(self, *, rate: float | None = None, burst: int | None = None) -> None:
        """Change the knobs and start every bucket full again."""
        if rate is not None:
            self.rate = rate
        if burst is not None:
            self.burst = burst
        self._buckets.clear()

    def take(self, key: str) -> int | None:
        """Spend one token for `key`. Returns None when allowed, else the Retry-After in seconds."""
        if not self.enabled or self.rate <= 0:
            return None
        now = self._clock()
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = _Bucket(tokens=float(self.burst), updated=now)
        elapsed = max(0.0, now - bucket.updated)
        bucket.tokens = min(float(self.burst), bucket.tokens + elapsed * self.rate)
        bucket.updated = now
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            return None
        # Whole seconds, at least 1: what Slack's Retry-After header carries.
        return max(1, math.ceil((1.0 - bucket.tokens) / self.rate))
