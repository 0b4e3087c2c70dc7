"""The bot's state: one SQLite connection, and one repository per concern over it."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from sqlite_utils import Database

from bot.store.asks import TopicAsks
from bot.store.balances import BalanceSamples
from bot.store.connection import Connection
from bot.store.events import SeenEvents
from bot.store.history import ProbeHistory
from bot.store.leases import Leases
from bot.store.monitor import MonitorMemory
from bot.store.outbox import Outbox
from bot.store.stats import PeriodStats
from bot.store.subscriptions import Subscriptions


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
