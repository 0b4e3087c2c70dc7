"""Keeping the delivery lease: this process polls, probes and delivers alerts, or stands by.

Every process serves commands; only the holder of the `delivery` lease (`bot.store.leases`) runs the
scheduler's jobs and the courier. The keeper renews the lease every third of its length; when
another process holds it, the keeper tries again at the same pace and takes over once it expired,
or at once when the holder was a process of this host that no longer runs (a crash, then a restart:
same host name, its pid gone or reused by this very process).
Each change is logged once and reported to `on_change(leading)` and to the health model.

A renewal that fails (the database is failing) keeps the lease until it expires by its own clock:
the outbox's updates are fenced by the lease in the database anyway.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
import socket
import time
from collections.abc import Callable

from bot.errors import StoreError
from bot.health import Health
from bot.store import Store
from bot.store.leases import Lease

log = logging.getLogger(__name__)


def new_holder_id() -> str:
    """`<host>:<pid>:<random>`: unique to this process start, readable in logs and the health output."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"


class LeaseKeeper:
    def __init__(
        self,
        store: Store,
        *,
        ttl: float,
        on_change: Callable[[bool], None],
        health: Health | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.store = store
        self.ttl = ttl
        self.on_change = on_change
        self.health = health
        self.clock = clock
        self.holder = new_holder_id()
        self.host = socket.gethostname()
        self.leading = False
        self._told: bool | None = None  # what was last logged and reported (None: nothing yet)
        self._held_until = 0.0

    def tick(self) -> bool:
        """Take or renew the lease now; report a change. Returns whether this process leads."""
        now = self.clock()
        try:
            held = self.store.leases.acquire(
                self.holder, host=self.host, pid=os.getpid(), now=now, ttl=self.ttl, dead=self._dead_holder()
            )
        except StoreError:
            held = self.leading and now < self._held_until  # logged by the store
        if held:
            self._held_until = now + self.ttl
        self.leading = held
        if held != self._told:
            self._told = held
            self._log_change()
            self.on_change(held)
        self._report()
        return held

    def _dead_holder(self) -> str | None:
        """The holder, if it is an earlier process of this host that is gone (a crash, then a restart):
        its lease need not run out first. Another host's process is never judged from here."""
        lease = self.current()
        if lease is None or lease.holder == self.holder or lease.host != self.host:
            return None
        if lease.pid == os.getpid():
            return lease.holder  # our own pid, another start: the process that held it is gone
        try:
            os.kill(lease.pid, 0)
        except ProcessLookupError:
            return lease.holder
        except OSError:
            return None  # it exists (e.g. another user's process)
        return None

    async def run(self, stop: asyncio.Event) -> None:
        """Renew (or try to take) the lease every third of its length until `stop`."""
        while not stop.is_set():
            self.tick()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), self.ttl / 3)

    def release(self) -> None:
        """On a clean stop: give the lease up so a standby process takes over at once."""
        if not self.leading:
            return
        with contextlib.suppress(StoreError):
            self.store.leases.release(self.holder)
        self.leading = False

    def current(self) -> Lease | None:
        try:
            return self.store.leases.current()
        except StoreError:
            return None

    def _log_change(self) -> None:
        if self.leading:
            log.info("this process now polls, probes and delivers alerts", extra={"lease": self.holder})
            return
        lease = self.current()
        log.warning(
            "standing by: another process polls, probes and delivers alerts",
            extra={"lease": self.holder, "holder": lease.holder if lease else None},
        )

    def _report(self) -> None:
        if self.health is None:
            return
        if self.leading:
            self.health.lease(None)
            return
        lease = self.current()
        self.health.lease(lease.holder if lease is not None else "another process")
