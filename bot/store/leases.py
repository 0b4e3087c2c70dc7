"""Leases: which process may poll, probe and deliver alerts, so that two never do it at once.

Two processes on one database (a second replica, an old container still running) would each see
every status change and each deliver it: every channel would get doubles. Instead one process
holds the `delivery` lease: a row naming it (`holder`) with an expiry it keeps pushing forward.
The others serve commands and wait; a lease that is not renewed expires and is taken over.

Every change is one conditional `UPDATE` (SQLite serialises writers, so two processes cannot both
win), and the outbox's own updates are fenced with `fence()`: a process that lost the lease (it
was paused longer than the lease lasts) cannot record or claim a delivery any more.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.store.connection import Repository, guarded

#: The lease the monitor, the probes' schedule and the courier run under.
DELIVERY = "delivery"


@dataclass(frozen=True)
class Lease:
    """Who holds a lease, since when, and until when (epoch seconds)."""

    name: str
    holder: str
    host: str
    pid: int
    acquired_at: float
    renewed_at: float
    expires_at: float


def fence(holder: str | None, now: float) -> tuple[str, list[Any]]:
    """An SQL condition (and its parameters) true only while `holder` holds the delivery lease at `now`.

    None (a single-process store, e.g. tests and the CLI) fences nothing.
    """
    if holder is None:
        return "1", []
    return "EXISTS (SELECT 1 FROM leases WHERE name = ? AND holder = ? AND expires_at > ?)", [DELIVERY, holder, now]


class Leases(Repository):
    """`store.leases`: take, keep and give up a named lease."""

    @guarded(write=True)
    def acquire(
        self,
        holder: str,
        *,
        host: str,
        pid: int,
        now: float,
        ttl: float,
        name: str = DELIVERY,
        dead: str | None = None,
    ) -> bool:
        """Take the lease when it is free or expired, or renew it when `holder` already has it.

        `dead`: a holder known to be gone (a process of this host that no longer runs), whose lease is
        taken over without waiting for it to expire. Returns whether `holder` holds it now.
        """
        with self.db.atomic():
            self.db.execute(
                "INSERT OR IGNORE INTO leases (name, holder, host, pid, acquired_at, renewed_at, expires_at) "
                "VALUES (?, '', '', 0, 0, 0, 0)",
                [name],
            )
            cursor = self.db.execute(
                "UPDATE leases SET "
                "acquired_at = CASE WHEN holder = ? THEN acquired_at ELSE ? END, "
                "holder = ?, host = ?, pid = ?, renewed_at = ?, expires_at = ? "
                "WHERE name = ? AND (holder = ? OR expires_at <= ? OR holder = ?)",
                [holder, now, holder, host, pid, now, now + ttl, name, holder, now, dead or holder],
            )
        return cursor.rowcount == 1

    @guarded(write=True)
    def release(self, holder: str, *, name: str = DELIVERY) -> bool:
        """Give the lease up (a clean stop), so another process need not wait for it to expire."""
        cursor = self.db.execute("UPDATE leases SET expires_at = 0 WHERE name = ? AND holder = ?", [name, holder])
        self.db.conn.commit()
        return cursor.rowcount == 1

    @guarded(write=False)
    def current(self, name: str = DELIVERY) -> Lease | None:
        """The lease's row as stored (it may have expired); None when nobody ever held it."""
        row = next(self.db.table("leases").rows_where("name = ? AND holder != ''", [name], limit=1), None)
        return _lease(row) if row else None


def _lease(row: Mapping[str, Any]) -> Lease:
    return Lease(
        name=row["name"],
        holder=row["holder"],
        host=row["host"],
        pid=int(row["pid"]),
        acquired_at=float(row["acquired_at"]),
        renewed_at=float(row["renewed_at"]),
        expires_at=float(row["expires_at"]),
    )
