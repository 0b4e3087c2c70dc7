"""The outbox of alert deliveries, and the Slack threads the alerts opened.

A row goes pending → inflight → sent | dropped | dead. Rows are queued by the monitor
(`store.monitor.commit_events`) and delivered by the courier, one channel's rows strictly in order.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.store.connection import Repository, guarded


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
    def queued_after(self, row_id: int, *, channel_id: str, thread: str) -> bool:
        """Is a later row of the same thread still to be delivered to this channel?"""
        row = self.db.execute(
            "SELECT 1 FROM outbox WHERE channel_id = ? AND thread = ? AND id > ? AND status IN ('pending', 'inflight') "
            "LIMIT 1",
            [channel_id, thread, row_id],
        ).fetchone()
        return row is not None

    @guarded(write=True)
    def mark_inflight(self, row_id: int) -> None:
        self.db.execute("UPDATE outbox SET status = 'inflight', attempts = attempts + 1 WHERE id = ?", [row_id])
        self.db.conn.commit()

    @guarded(write=True)
    def mark_sent(self, row_id: int, *, ts: str | None, now: float) -> None:
        self.db.execute("UPDATE outbox SET status = 'sent', slack_ts = ?, sent_at = ? WHERE id = ?", [ts, now, row_id])
        self.db.conn.commit()

    @guarded(write=True)
    def reschedule(self, row_id: int, *, at: float, error: str) -> None:
        self.db.execute(
            "UPDATE outbox SET status = 'pending', next_attempt_at = ?, error = ? WHERE id = ?", [at, error, row_id]
        )
        self.db.conn.commit()

    @guarded(write=True)
    def mark_dead(self, row_id: int, *, error: str) -> None:
        self.db.execute("UPDATE outbox SET status = 'dead', error = ? WHERE id = ?", [error, row_id])
        self.db.conn.commit()

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
    )
