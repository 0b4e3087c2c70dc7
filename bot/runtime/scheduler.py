"""Periodic jobs on the bot's own event loop (APScheduler 3's AsyncIOScheduler).

Jobs have fixed ids with `replace_existing`, `max_instances=1` and `coalesce` so that a slow
run is never doubled and a restart re-declares rather than duplicates them. Each job body is a
plain coroutine function that tests await directly.
"""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import UTC, datetime
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.alerts.jobs import Monitor, Outbox
from bot.digest import DigestParams, queue_digests
from bot.errors import StoreError
from bot.runtime.deps import Deps

log = logging.getLogger(__name__)

# Slack stops redelivering an event after about 5 minutes (slack.md §2.2); keep keys for a day.
SEEN_EVENT_TTL_SECONDS = 24 * 3600
HOUSEKEEPING_INTERVAL_SECONDS = 3600
#: How often a due weekly digest is looked for (it is posted at most this late).
DIGEST_CHECK_SECONDS = 60


async def housekeeping(deps: Deps, *, now: float | None = None) -> int:
    """Forget event-dedup keys nobody will redeliver any more, and history older than HISTORY_RETENTION_DAYS
    (probe runs, balance samples, topic counts, incidents resolved before it); returns the count."""
    now = time.time() if now is None else now
    store = deps.store
    cutoff = now - deps.settings.history_retention_days * 86400
    try:
        removed = store.events.forget_before(now - SEEN_EVENT_TTL_SECONDS)
        removed += store.history.forget_runs_before(cutoff)
        removed += store.balances.forget_before(cutoff)
        removed += store.asks.forget_before(datetime.fromtimestamp(cutoff, UTC).date().isoformat())
        removed += store.stats.forget_incidents_resolved_before(cutoff)
    except StoreError:
        return 0  # the store has logged why; the next run tries again
    if removed:
        log.info("housekeeping", extra={"removed": removed})
    return removed


async def weekly_digest(deps: Deps, outbox: Outbox, *, now: float | None = None) -> int:
    """Queue the latest due weekly digest for every digest channel that lacks it, and wake the courier;
    returns how many outbox rows were queued."""
    now = time.time() if now is None else now
    params = DigestParams.from_settings(deps.settings, clip_seconds=deps.clip.seconds)
    try:
        queued = await queue_digests(deps.store, params, now=now)
    except StoreError:
        return 0  # the store has logged why; the next run tries again
    if queued:
        log.info("weekly digest queued", extra={"rows": queued})
        outbox.wake()
    return queued


class _QuietCancelledJobs(logging.Filter):
    """A job cancelled because the bot is stopping is no error, but APScheduler logs it with a traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.exc_info and isinstance(record.exc_info[1], asyncio.CancelledError))


_QUIET_CANCELLED_JOBS = _QuietCancelledJobs()


def build_scheduler(deps: Deps, monitor: Monitor) -> AsyncIOScheduler:
    """Create the scheduler; call `start()` from inside the running event loop."""
    logging.getLogger("apscheduler.executors.default").addFilter(_QUIET_CANCELLED_JOBS)
    scheduler = AsyncIOScheduler(timezone="UTC")
    now = datetime.now(UTC)
    common: dict[str, Any] = {"replace_existing": True, "max_instances": 1, "coalesce": True}
    scheduler.add_job(
        monitor.poll_status,
        "interval",
        seconds=deps.settings.status_poll_seconds,
        id="status_poll",
        next_run_time=now,
        misfire_grace_time=max(1, int(deps.settings.status_poll_seconds)),
        **common,
    )
    if deps.settings.probe_interval_seconds > 0:
        scheduler.add_job(
            monitor.run_probes,
            "interval",
            seconds=deps.settings.probe_interval_seconds,
            id="probes",
            next_run_time=now,
            misfire_grace_time=int(deps.settings.probe_interval_seconds),
            **common,
        )
    scheduler.add_job(
        weekly_digest,
        "interval",
        seconds=DIGEST_CHECK_SECONDS,
        args=[deps, monitor.courier],
        id="weekly_digest",
        next_run_time=now,
        **common,
    )
    scheduler.add_job(
        housekeeping,
        "interval",
        seconds=HOUSEKEEPING_INTERVAL_SECONDS,
        args=[deps],
        id="housekeeping",
        **common,
    )
    return scheduler
