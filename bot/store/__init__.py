"""SQLite storage: the connection and its migrations, and what each feature keeps.

`Store.open(path)` gives the connection (`connection`: health, writability, `StoreError` on failure;
schema in `migrations`) with one repository per concern: `store.events` (seen Slack events),
`store.history` (status checks, incidents), `store.subscriptions`, `store.outbox` (alert deliveries,
threads) and `store.monitor` (the monitor's memory, committed with the deliveries it queues).
"""

from bot.store.connection import STORE_UNAVAILABLE, StoreOpenError
from bot.store.history import ProbeRecord
from bot.store.outbox import OutboxRow
from bot.store.store import Store
from bot.store.subscriptions import Subscription

__all__ = ["STORE_UNAVAILABLE", "OutboxRow", "ProbeRecord", "Store", "StoreOpenError", "Subscription"]
