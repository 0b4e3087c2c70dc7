"""SQLite storage: the connection and its migrations, and what each feature keeps."""

from bot.store.db import OutboxRow, ProbeRecord, Store, Subscription

__all__ = ["OutboxRow", "ProbeRecord", "Store", "Subscription"]
