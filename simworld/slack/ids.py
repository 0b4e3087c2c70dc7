"""Realistic-looking Slack identifiers, tokens and message timestamps.

Slack ids are an uppercase letter that names the kind (T team, U user, B bot, A app, C channel,
G legacy private channel, D direct message, F file, V view, E enterprise) followed by uppercase
letters and digits. `files.completeUploadExternal` checks `^[CGDZ][A-Z0-9]{8,}$`, so channel ids
here are always 11 characters long.
"""

from __future__ import annotations

import random
import string
from collections.abc import Callable

_ID_ALPHABET = string.ascii_uppercase + string.digits
_TOKEN_ALPHABET = string.ascii_letters + string.digits


class IdFactory:
    """Generates unique ids and secrets from one seeded random source (reproducible runs)."""

    def __init__(self, seed: int | None = None) -> None:
        self._rng = random.Random(seed)
        self._seen: set[str] = set()

    def slack_id(self, prefix: str, length: int = 10) -> str:
        """`prefix` + `length` uppercase alphanumerics, never repeated within this factory."""
        while True:
            # Real ids usually start with a digit after the kind letter (e.g. C0123ABCD).
            candidate = prefix + "0" + "".join(self._rng.choices(_ID_ALPHABET, k=length - 1))
            if candidate not in self._seen:
                self._seen.add(candidate)
                return candidate

    def digits(self, n: int) -> str:
        return "".join(self._rng.choices(string.digits, k=n))

    def hex(self, n: int) -> str:
        return "".join(self._rng.choices("0123456789abcdef", k=n))

    def alnum(self, n: int) -> str:
        return "".join(self._rng.choices(_TOKEN_ALPHABET, k=n))

    def bot_token(self) -> str:
        """`xoxb-<team number>-<bot user number>-<24 chars>`, the shape of a granular bot token."""
        return f"xoxb-{self.digits(13)}-{self.digits(13)}-{self.alnum(24)}"

    def app_token(self, app_id: str) -> str:
        """`xapp-1-<app id>-<number>-<64 hex>`, the shape of an app-level token."""
        return f"xapp-1-{app_id}-{self.digits(13)}-{self.hex(64)}"

    def uuid(self) -> str:
        h = self.hex(32)
        return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:]}"

    def trigger_id(self, now: float) -> str:
        return f"{int(now)}{self.digits(3)}.{self.digits(13)}.{self.hex(32)}"


class TsClock:
    """Message timestamps (`"1732400000.000100"`) that strictly increase.

    Slack's `ts` is seconds and microseconds of the posting time and is unique per channel; it is
    also the message id. The wall clock is injectable, so with a frozen test clock consecutive
    messages differ by one microsecond instead of colliding.
    """

    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock
        self._last = (0, 0)

    def next(self) -> str:
        now = self._clock()
        sec = int(now)
        micro = int(round((now - sec) * 1_000_000)) % 1_000_000
        if (sec, micro) <= self._last:
            sec, micro = self._last
            micro += 1
            if micro >= 1_000_000:
                sec, micro = sec + 1, 0
        self._last = (sec, micro)
        return f"{sec}.{micro:06d}"
