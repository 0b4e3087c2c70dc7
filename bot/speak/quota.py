"""What protects the team's credits and Deepgram's limits: the per-user quota and the concurrency bound."""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from bot.errors import UsageError
from bot.prose import Prose

__all__ = ["MAX_CONCURRENT_REQUESTS", "QuotaExceeded", "QuotaPolicy", "SpeakQuota", "SpeakState"]

# Deepgram's TTS REST concurrency limit is per project: 5 in the 2025-07 rate-limit docs, 15 on the
# newer page (deepgram.md §7). The bot shares one key across all its users, so it never runs more
# than the lower figure at once, whoever asks; a 5000-character Aura-2 text (5-6 pieces) still
# synthesises in about one round.
MAX_CONCURRENT_REQUESTS = 5


@dataclass(frozen=True)
class QuotaPolicy:
    """How much one user may ask for in a sliding window."""

    requests: int
    chars: int
    window_seconds: float

    @classmethod
    def for_max_chars(cls, max_chars: int) -> QuotaPolicy:
        """6 requests and three maximum-length texts per user per 10 minutes."""
        return cls(requests=6, chars=3 * max_chars, window_seconds=600.0)


class QuotaExceeded(UsageError):
    """The user has used their allowance; `retry_after` seconds until this request would fit."""

    def __init__(self, policy: QuotaPolicy, retry_after: float) -> None:
        minutes = round(policy.window_seconds / 60)
        wait = f"{max(1, round(retry_after / 60))} min" if retry_after >= 60 else f"{max(1, round(retry_after))} s"
        super().__init__(
            Prose.plain(
                f"You have used your text-to-speech allowance: at most {policy.requests} requests and "
                f"{policy.chars:,} characters per person every {minutes} minutes, to protect the team's "
                f"Deepgram credits. Try again in about {wait}."
            )
        )
        self.policy = policy
        self.retry_after = retry_after


class SpeakQuota:
    """Sliding-window request and character counts per user, in memory.

    Kept in the process on purpose: a restart forgets the counts, which at worst lets one user
    spend one more window's allowance; the ceiling per request (`SPEAK_MAX_CHARS`) still holds.
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._used: dict[str, deque[tuple[float, int]]] = {}

    def _recent(self, key: str, window: float) -> deque[tuple[float, int]]:
        used = self._used.setdefault(key, deque())
        horizon = self._clock() - window
        while used and used[0][0] <= horizon:
            used.popleft()
        return used

    def take(self, key: str, chars: int, policy: QuotaPolicy) -> float | None:
        """Record a request of `chars` for `key`; None if allowed, else seconds until it would be."""
        used = self._recent(key, policy.window_seconds)
        now = self._clock()
        if len(used) + 1 > policy.requests or sum(c for _, c in used) + chars > policy.chars:
            # The earliest time enough old entries leave the window for this request to fit.
            total = sum(c for _, c in used) + chars
            count = len(used) + 1
            wait_until = now
            for at, spent in used:
                if count <= policy.requests and total <= policy.chars:
                    break
                wait_until = at + policy.window_seconds
                count -= 1
                total -= spent
            return max(1.0, wait_until - now) if chars <= policy.chars else policy.window_seconds
        used.append((now, chars))
        return None

    def refund(self, key: str, chars: int) -> None:
        """Give back the latest request of `chars` (it never reached Deepgram)."""
        used = self._used.get(key)
        if not used:
            return
        for i in range(len(used) - 1, -1, -1):
            if used[i][1] == chars:
                del used[i]
                return


@dataclass
class SpeakState:
    """Process-wide TTS state: the concurrency bound and the per-user quota."""

    gate: asyncio.Semaphore = field(default_factory=lambda: asyncio.Semaphore(MAX_CONCURRENT_REQUESTS))
    quota: SpeakQuota = field(default_factory=SpeakQuota)
