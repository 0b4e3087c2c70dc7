"""Samples of each Deepgram project's prepaid balance, for the weekly digest's balance trend."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from bot.store.connection import Repository, guarded


@dataclass(frozen=True)
class BalanceSample:
    """One project's balance at one moment (epoch seconds), in Deepgram's units (`usd`)."""

    checked_at: float
    project_id: str
    amount: float
    units: str = "usd"
    project_name: str | None = None


class BalanceSamples(Repository):
    """`store.balances`: the balances the monitor read, at most one sample per project an hour (its choice)."""

    @guarded(write=True)
    def record(self, samples: Iterable[BalanceSample]) -> int:
        """Keep these samples; returns how many."""
        rows = [(s.checked_at, s.project_id, s.amount, s.units, s.project_name) for s in samples]
        with self.db.atomic():
            self.db.conn.executemany(
                "INSERT INTO balance_samples (checked_at, project_id, amount, units, project_name) "
                "VALUES (?, ?, ?, ?, ?)",
                rows,
            )
        return len(rows)

    @guarded(write=False)
    def latest_at(self) -> float | None:
        """When the newest sample was taken (epoch seconds); None when there is none."""
        row = self.db.execute("SELECT MAX(checked_at) FROM balance_samples").fetchone()
        return float(row[0]) if row and row[0] is not None else None

    @guarded(write=False)
    def between(self, start: float, end: float) -> list[BalanceSample]:
        """The samples taken from `start` (included) to `end` (excluded), oldest first."""
        rows = self.db.execute(
            "SELECT checked_at, project_id, amount, units, project_name FROM balance_samples "
            "WHERE checked_at >= ? AND checked_at < ? ORDER BY checked_at, rowid",
            [start, end],
        ).fetchall()
        return [
            BalanceSample(float(at), str(pid), float(amount), str(units or "usd"), name)
            for at, pid, amount, units, name in rows
        ]

    @guarded(write=True)
    def forget_before(self, cutoff: float) -> int:
        """Drop samples taken before `cutoff`; returns how many went."""
        cursor = self.db.execute("DELETE FROM balance_samples WHERE checked_at < ?", [cutoff])
        self.db.conn.commit()
        return cursor.rowcount
