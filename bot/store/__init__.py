"""SQLite storage: the connection and its migrations, and what each feature keeps.

`Store.open(path)` gives the connection (`connection`: health, writability, `StoreError` on failure;
schema in `migrations`) with one repository per concern: `store.events` (seen Slack events),
`store.history` (status checks, incidents), `store.subscriptions`, `store.outbox` (alert deliveries,
threads), `store.monitor` (the monitor's memory, committed with the deliveries it queues), and for the
weekly digest `store.asks` (topics asked about, per day), `store.balances` (balance samples) and
`store.stats` (aggregates over a period).
"""

from bot.store.balances import BalanceSample
from bot.store.connection import STORE_UNAVAILABLE, StoreOpenError
from bot.store.history import ProbeRecord
from bot.store.outbox import OutboxRow
from bot.store.stats import LoggedIncident, Outcome
from bot.store.store import Store
from bot.store.subscriptions import Subscription

__all__ = [
    "STORE_UNAVAILABLE",
    "BalanceSample",
    "LoggedIncident",
    "Outcome",
    "OutboxRow",
    "ProbeRecord",
    "Store",
    "StoreOpenError",
    "Subscription",
]
