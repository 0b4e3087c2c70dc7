"""The alert monitor's memory, saved together with what it decided to deliver."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
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

    @guarded(write=False)
    def told(self, threads: Iterable[str]) -> list[tuple[str, str, str, bool]]:
        """What the outbox holds of these stories, oldest first: `(thread, channel, kind, mentioned)` for each
        row delivered or still to be (not dropped or dead), `mentioned` when its event carries a `mention`.

        The monitor reads it to decide which new delivery mentions someone (`bot.alerts.routing.deliveries`).
        """
        wanted = sorted(set(threads))
        found: list[tuple[int, str, str, str, bool]] = []
        for start in range(0, len(wanted), _IN_BATCH):
            batch = wanted[start : start + _IN_BATCH]
            rows = self.db.execute(
                f"SELECT id, thread, channel_id, event FROM outbox WHERE thread IN ({', '.join('?' * len(batch))}) "
                "AND status NOT IN ('dropped', 'dead')",
                batch,
            ).fetchall()
            for row_id, thread, channel_id, raw in rows:
                event = json.loads(raw)
                found.append((row_id, thread, channel_id, str(event.get("kind", "")), bool(event.get("mention"))))
        return [(thread, channel, kind, mentioned) for _, thread, channel, kind, mentioned in sorted(found)]


#: SQLite's default limit on host parameters is 999 (older builds); stay well under it.
_IN_BATCH = 500
