"""Balance samples for the digest's balance trend, taken by the monitor's probe job about once an hour.

The monitor already reads the balances on every probe run when balance alerts are on; when they are off
it reads them only when a sample is due. Either way at most one sample per project is kept per hour
(a balance moves slowly; 24 rows a day per project is plenty for a weekly trend).
"""

from __future__ import annotations

from collections.abc import Mapping

from bot.alerts.own import Balance
from bot.errors import StoreError
from bot.store import BalanceSample, Store

__all__ = ["BALANCE_SAMPLE_SECONDS", "BalanceSampler"]

#: About hourly: a little under an hour, so that probes every 5, 10 or 60 minutes are not pushed to the
#: next run by a few seconds of jitter.
BALANCE_SAMPLE_SECONDS = 55 * 60


class BalanceSampler:
    """Decides when a balance sample is due, and keeps it. Never raises (the store logs its failures)."""

    def __init__(self, store: Store, *, every: float = BALANCE_SAMPLE_SECONDS) -> None:
        self.store = store
        self.every = every
        #: When balances were last read for a sample (from the store after a restart), epoch seconds.
        self._last: float | None = None

    def due(self, now: float) -> bool:
        if self._last is None:
            try:
                self._last = self.store.balances.latest_at() or float("-inf")
            except StoreError:
                return False
        return now - self._last >= self.every

    def keep(self, balances: Mapping[str, Balance] | None, *, now: float) -> int:
        """Store one sample per project read at `now`; returns how many were kept. A failed read (None) or
        an account without a prepaid balance waits for the next due time all the same."""
        self._last = now
        samples = [
            BalanceSample(now, b.project_id, b.amount, b.units, b.project_name) for b in (balances or {}).values()
        ]
        try:
            return self.store.balances.record(samples) if samples else 0
        except StoreError:
            return 0
