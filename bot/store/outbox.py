"""The outbox of alert deliveries, and the Slack threads the alerts opened.

A row goes pending → inflight → sent | dropped | dead. Rows are queued by the monitor
(`store.monitor.commit_events`) and delivered by the courier, one channel's rows strictly in order.

Every change of a row's state is conditional: `claim` succeeds only from the state the courier read
(status and attempt count), the others only from `inflight`, and all of them only while the
courier's process holds the delivery lease (`bot.store.leases.fence`; `holder=None` fences nothing).
Each returns whether it changed the row, so two processes can never both deliver one row.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.store.connection import Repository, guarded
from bot.store.leases import fence


@dataclass(frozen=True)
class OutboxRow:
    id: int
    event_key: str
    thread: str
    channel_id: str
    event: dict[str, Any]
    status: str
    attempts: int
    next_attempt_at: float
    created_at: float
    #: When a send (or a look for an earlier one) first began, and when the last one that may have
    #: reached Slack began (None: no send is in doubt).
    first_inflight_at: float | None = None
    inflight_at: float | None = None


class Outbox(Repository):
    """`store.outbox`: what is still to be delivered, each delivery's progress, each thread's root message."""

    @guarded(write=False)
    def heads(self) -> list[OutboxRow]:
        """The oldest undelivered row of each channel: a channel's alerts go out strictly in order."""
        rows = self.db.execute(
            "SELECT * FROM outbox WHERE id IN (SELECT MIN(id) FROM outbox WHERE status IN ('pending', 'inflight') "
            "GROUP BY channel_id) ORDER BY id"
        ).fetchall()
        columns = [d[0] for d in self.db.execute("SELECT * FROM outbox LIMIT 0").description]
        return [_outbox_row(dict(zip(columns, row, strict=True))) for row in rows]

    @guarded(write=False)
    def counts(self) -> dict[str, int]:
        """How many rows are in each status."""
        return {
            str(status): int(count)
            for status, count in self.db.execute("SELECT status, COUNT(*) FROM outbox GROUP BY status").fetchall()
        }

    @guarded(write=False)
    def channels_with(self, event_key: str) -> set[str]:
        """The channels that have a row for this event, whatever its state."""
        rows = self.db.execute("SELECT channel_id FROM outbox WHERE event_key = ?", [event_key]).fetchall()
        return {str(row[0]) for row in rows}

    @guarded(write=False)
    def queued_after(self, row_id: int, *, channel_id: str, thread: str) -> bool:
        """Is a later row of the same thread still to be delivered to this channel?"""
        row = self.db.execute(
            "SELECT 1 FROM outbox WHERE channel_id = ? AND thread = ? AND id > ? AND status IN ('pending', 'inflight') "
            "LIMIT 1",
            [channel_id, thread, row_id],
        ).fetchone()
        return row is not None

    @guarded(write=True)
    def claim(self, row: OutboxRow, *, now: float, holder: str | None = None) -> bool:
        """Mark the row in flight (one more attempt), if it is still as `row` read it; False otherwise."""
        where, args = fence(holder, now)
        cursor = self.db.execute(
            "UPDATE outbox SET status = 'inflight', attempts = attempts + 1, "
            "first_inflight_at = COALESCE(first_inflight_at, ?), inflight_at = ? "
            f"WHERE id = ? AND status = ? AND attempts = ? AND {where}",
            [now, now, row.id, row.status, row.attempts, *args],
        )
        self.db.conn.commit()
        return cursor.rowcount == 1

    @guarded(write=True)
    def mark_sent(self, row_id: int, *, ts: str | None, now: float, holder: str | None = None) -> bool:
        return self._finish(row_id, "status = 'sent', slack_ts = ?, sent_at = ?", [ts, now], now=now, holder=holder)

    @guarded(write=True)
    def reschedule(
        self, row_id: int, *, at: float, error: str, now: float, in_doubt: bool, holder: str | None = None
    ) -> bool:
        """Back to pending, to be tried again at `at`.

        `in_doubt`: the attempt may have reached Slack (a timeout, a dropped connection, a 5xx), so the
        next attempt looks before posting; otherwise Slack refused it and the next attempt just posts.
        """
        doubt = "inflight_at" if in_doubt else "NULL"
        return self._finish(
            row_id,
            f"status = 'pending', next_attempt_at = ?, error = ?, inflight_at = {doubt}",
            [at, error],
            now=now,
            holder=holder,
        )

    @guarded(write=True)
    def mark_dead(self, row_id: int, *, error: str, now: float, holder: str | None = None) -> bool:
        return self._finish(row_id, "status = 'dead', error = ?", [error], now=now, holder=holder)

    @guarded(write=True)
    def defer(self, row_id: int, *, at: float, now: float, holder: str | None = None) -> bool:
        """Not before `at` (e.g. a grace period before looking for an interrupted send), state unchanged."""
        where, args = fence(holder, now)
        cursor = self.db.execute(
            f"UPDATE outbox SET next_attempt_at = ? WHERE id = ? AND status IN ('pending', 'inflight') AND {where}",
            [at, row_id, *args],
        )
        self.db.conn.commit()
        return cursor.rowcount == 1

    def _finish(self, row_id: int, assignments: str, values: list[Any], *, now: float, holder: str | None) -> bool:
        where, args = fence(holder, now)
        cursor = self.db.execute(
            f"UPDATE outbox SET {assignments} WHERE id = ? AND status = 'inflight' AND {where}",
            [*values, row_id, *args],
        )
        self.db.conn.commit()
        return cursor.rowcount == 1

    @guarded(write=False)
    def thread_root(self, thread: str, channel_id: str) -> str | None:
        row = next(
            self.db.table("threads").rows_where("thread = ? AND channel_id = ?", [thread, channel_id], limit=1), None
        )
        return str(row["root_ts"]) if row else None

    @guarded(write=True)
    def set_thread_root(self, thread: str, channel_id: str, root_ts: str, *, now: float) -> None:
        self.db.table("threads").upsert(
            {"thread": thread, "channel_id": channel_id, "root_ts": root_ts, "created_at": now},
            pk=("thread", "channel_id"),
        )


def _outbox_row(row: Mapping[str, Any]) -> OutboxRow:
    return OutboxRow(
        id=row["id"],
        event_key=row["event_key"],
        thread=row["thread"],
        channel_id=row["channel_id"],
        event=json.loads(row["event"]),
        status=row["status"],
        attempts=row["attempts"],
        next_attempt_at=row["next_attempt_at"],
        created_at=row["created_at"],
        first_inflight_at=row.get("first_inflight_at"),
        inflight_at=row.get("inflight_at"),
    )
