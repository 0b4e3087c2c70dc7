"""Slack's request signatures, checked on the raw bytes before anything parses them, and replays refused.

Slack signs every HTTP request (slack.md §2.1): `X-Slack-Signature: v0=<hex HMAC-SHA256>` of
`v0:{X-Slack-Request-Timestamp}:{raw body}` keyed with the signing secret, and a request more than
5 minutes from our clock is stale. This is `slack_sdk.signature.SignatureVerifier`'s algorithm, computed
over the bytes as received (the SDK's would decode them first, and raise on a body that is not UTF-8).

A signature is only good once: `ReplayMemory` remembers every accepted signature for as long as its
timestamp could still pass the 5-minute check, so the same signed request sent again is refused.
The memory is bounded (`capacity`): when it is full, the entry with the oldest timestamp is forgotten
and from then on anything signed at or before that timestamp is refused as stale (`floor`), so a
forgotten signature can never be replayed. Only correctly signed requests are remembered, so a
forger cannot fill it. Slack's own traffic fills it only above `capacity` requests in 5 minutes (33
a second), and even then only the oldest timestamps are refused: Slack's requests arrive signed
seconds ago, so they pass unless `capacity` of them arrive within the same second or two.
"""

from __future__ import annotations

import hashlib
import heapq
import hmac
import time
from collections.abc import Callable
from typing import Literal

__all__ = ["MAX_SKEW_SECONDS", "REPLAY_CAPACITY", "ReplayMemory", "SignatureCheck", "Verdict", "signature_of"]

#: Slack's window: a request whose timestamp is further than this from our clock is stale.
MAX_SKEW_SECONDS = 300
#: How many signatures the replay memory holds at most (about 270 bytes each: 2.7 MB when full).
REPLAY_CAPACITY = 10_000

#: `ok`; `unsigned` (a header missing or malformed); `stale` (outside the window, or below the
#: memory's floor); `forged` (the signature does not match); `replayed` (already accepted once).
Verdict = Literal["ok", "unsigned", "stale", "forged", "replayed"]


def signature_of(secret: str, timestamp: str, body: bytes) -> str:
    """`v0=` + hex HMAC-SHA256 of `v0:{timestamp}:{body}`, keyed with `secret`."""
    base = b"v0:" + timestamp.encode("ascii") + b":" + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


class ReplayMemory:
    """The signatures accepted within Slack's window: at most `capacity`, pruned by timestamp."""

    def __init__(self, capacity: int = REPLAY_CAPACITY, window: int = MAX_SKEW_SECONDS) -> None:
        self.capacity = capacity
        self.window = window
        self._seen: set[str] = set()
        self._by_time: list[tuple[int, str]] = []  # a heap: the oldest timestamp first
        #: Requests signed at or before this timestamp are refused: their signatures may have been forgotten.
        self.floor = -1

    def __len__(self) -> int:
        return len(self._seen)

    def first_time(self, signature: str, timestamp: int, now: float) -> bool:
        """Remember `signature` (of a request signed at `timestamp`); False when it was seen before."""
        self._forget_expired(now)
        if signature in self._seen:
            return False
        while len(self._seen) >= self.capacity:
            oldest, forgotten = heapq.heappop(self._by_time)
            self._seen.discard(forgotten)
            self.floor = max(self.floor, oldest)
        self._seen.add(signature)
        heapq.heappush(self._by_time, (timestamp, signature))
        return True

    def _forget_expired(self, now: float) -> None:
        # A timestamp older than the window can never pass the check again (a minute's margin for clock steps).
        horizon = now - self.window - 60
        while self._by_time and self._by_time[0][0] < horizon:
            _, signature = heapq.heappop(self._by_time)
            self._seen.discard(signature)


class SignatureCheck:
    """Verifies Slack's signature over the raw body and refuses replays. Fails closed without a secret."""

    def __init__(
        self, signing_secret: str, *, clock: Callable[[], float] = time.time, memory: ReplayMemory | None = None
    ) -> None:
        self._secret = signing_secret
        self._clock = clock
        self.memory = memory if memory is not None else ReplayMemory()

    def headers(self, timestamp: str | None, signature: str | None) -> Verdict:
        """What the headers alone say (checked before the body is read): `ok`, `unsigned` or `stale`."""
        if not self._secret or not timestamp or not signature:
            return "unsigned"
        if not (timestamp.isascii() and timestamp.isdigit() and len(timestamp) <= 12):
            return "unsigned"
        if not (signature.startswith("v0=") and len(signature) <= 100):
            return "unsigned"
        stamp = int(timestamp)
        if abs(self._clock() - stamp) > MAX_SKEW_SECONDS or stamp <= self.memory.floor:
            return "stale"
        return "ok"

    def verify(self, timestamp: str | None, signature: str | None, body: bytes) -> Verdict:
        """The whole check: headers, then the HMAC over `body`, then the replay memory (which it updates)."""
        verdict = self.headers(timestamp, signature)
        if verdict != "ok" or timestamp is None or signature is None:
            return verdict
        expected = signature_of(self._secret, timestamp, body)
        if not hmac.compare_digest(expected.encode(), signature.encode("utf-8", "replace")):
            return "forged"
        if not self.memory.first_time(expected, int(timestamp), self._clock()):
            return "replayed"
        return "ok"
