"""The alert monitor's memory, saved together with what it decided to deliver."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from bot.store.connection import Repository, guarded


class MonitorMemory(Repository):
    """`store.monitor`: named JSON values (what the monitor saw last), committed with the outbox rows they caused."""

    @guarded(write=False)
    def load_state(self, name: str) -> Any:
        row = next(self.db.table("monitor_state").rows_where("name = ?", [name], limit=1), None)
        return json.loads(row["value"]) if row else None

    @guarded(write=True)
    def commit_events(
        self,
        state: Mapping[str, Any],
        deliveries: Sequence[tuple[Mapping[str, Any], str]],
        *,
        now: float,
        incidents: Sequence[Mapping[str, Any]] = (),
    ) -> int:
        """Atomically save the monitor's new memory, queue each (event, channel) delivery, log the incidents.

        Persisting all of it in one transaction is what makes a restart neither repeat nor lose an
        event: either the change was seen and queued, or it will be seen again next poll.
        Returns how many deliveries were queued (a delivery queued before is not queued again).
        """
        queued = 0
        with self.db.atomic():
            for name, value in state.items():
                self.db.table("monitor_state").upsert(
                    {"name": name, "value": json.dumps(value), "updated_at": now}, pk="name"
                )
            for event, channel_id in deliveries:
                cursor = self.db.execute(
                    "INSERT OR IGNORE INTO outbox (event_key, thread, channel_id, event, status, attempts, "
                    "next_attempt_at, created_at) VALUES (?, ?, ?, ?, 'pending', 0, ?, ?)",
                    [event["key"], event["thread"], channel_id, json.dumps(event), now, now],
                )
                queued += cursor.rowcount
            for incident in incidents:
                self.db.table("incident_log").upsert(dict(incident), pk="id")
        return queued
