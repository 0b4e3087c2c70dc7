"""Slack event ids already handled: Slack redelivers events it thinks we missed."""

from __future__ import annotations

import time

from bot.store.connection import Repository, guarded


class SeenEvents(Repository):
    """`store.events`: deduplication of Slack's event deliveries."""

    @guarded(write=True)
    def first_sighting(self, event_key: str, *, now: float | None = None) -> bool:
        """Record `event_key`; True the first time it is seen, False for a redelivery."""
        now = time.time() if now is None else now
        cursor = self.db.execute(
            "INSERT OR IGNORE INTO seen_events (event_key, seen_at) VALUES (?, ?)", [event_key, now]
        )
        self.db.conn.commit()
        return cursor.rowcount == 1

    @guarded(write=True)
    def forget_before(self, cutoff: float) -> int:
        """Drop dedup keys older than `cutoff` (Slack stops retrying after a few minutes)."""
        cursor = self.db.execute("DELETE FROM seen_events WHERE seen_at < ?", [cutoff])
        self.db.conn.commit()
        return cursor.rowcount
