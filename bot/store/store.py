"""The bot's state: one SQLite connection, and one repository per concern over it."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

from sqlite_utils import Database

from bot.errors import StoreError
from bot.store.asks import TopicAsks
from bot.store.balances import BalanceSamples
from bot.store.connection import STORE_UNAVAILABLE, Connection, sqlite_reason
from bot.store.events import SeenEvents
from bot.store.history import ProbeHistory
from bot.store.leases import Leases
from bot.store.monitor import MonitorMemory
from bot.store.outbox import Outbox
from bot.store.stats import PeriodStats
from bot.store.subscriptions import Subscriptions

T = TypeVar("T")


class Store(Connection):
    """The bot's state, one SQLite file (`Store.open(path)`).

    The file itself (health, writability, migrations) is the `Connection`; each concern is a repository
    sharing it: `events`, `history`, `subscriptions`, `outbox`, `monitor`, `asks`, `balances`, `stats`.
    """

    def __init__(self, db: Database, *, path: str | None = None, created: Sequence[Path] = ()) -> None:
        super().__init__(db, path=path, created=created)
        #: Slack event ids already handled.
        self.events = SeenEvents(self)
        #: Stored status checks and per-surface results; the incidents the monitor logged.
        self.history = ProbeHistory(self)
        #: Which channels get alerts.
        self.subscriptions = Subscriptions(self)
        #: Alert deliveries still to make, and the threads they post into.
        self.outbox = Outbox(self)
        #: The monitor's memory, committed with the deliveries it queues.
        self.monitor = MonitorMemory(self)
        #: Which process polls and delivers (one at a time).
        self.leases = Leases(self)
        #: Playbook topics asked about, per day (counts only: no user, no text).
        self.asks = TopicAsks(self)
        #: Projects' balances as the monitor sampled them.
        self.balances = BalanceSamples(self)
        #: Aggregates of the history over a period (the weekly digest), and the incident log's retention.
        self.stats = PeriodStats(self)

    @classmethod
    def open_reader(cls, path: str) -> Store:
        """A read-only connection to the file at `path`, which a running bot has opened and migrated
        (WAL lets it read while the bot writes). It never migrates and cannot write."""
        uri = Path(path).resolve().as_uri() + "?mode=ro"
        return cls(Database(sqlite3.connect(uri, uri=True)), path=path)

    async def read_aside(self, read: Callable[[Store], T]) -> T:
        """`read(store)` off the event loop, on a read-only connection of its own in a worker thread: a
        long read (a week of one-minute probes takes a few hundred milliseconds) then holds up no other
        command. An in-memory store (tests, the sandbox) has no file to open twice: it is read in place."""
        path = self.path
        if path is None:
            return read(self)

        def in_thread() -> T:
            try:
                reader = Store.open_reader(path)
            except sqlite3.Error as exc:
                raise StoreError(sqlite_reason(exc), STORE_UNAVAILABLE) from None
            try:
                return read(reader)
            finally:
                reader.close()

        return await asyncio.to_thread(in_thread)
