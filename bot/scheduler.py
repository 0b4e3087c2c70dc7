"""Periodic jobs on the bot's own event loop (APScheduler 3's AsyncIOScheduler).

Jobs have fixed ids with `replace_existing`, `max_instances=1` and `coalesce` so that a slow
run is never doubled and a restart re-declares rather than duplicates them. Each job body is a
plain coroutine function that tests await directly.
"""

from __future__ import annotations

import logging
import time

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.deps import Deps

log = logging.getLogger(__name__)

# Slack stops redelivering an event after about 5 minutes (slack.md §2.2); keep keys for a day.
SEEN_EVENT_TTL_SECONDS = 24 * 3600
HOUSEKEEPING_INTERVAL_SECONDS = 3600


async def housekeeping(deps: Deps, *, now: float | None = None) -> int:
    """Forget event-dedup keys nobody will redeliver any more; returns how many went."""
    now = time.time() if now is None else now
    removed = deps.store.forget_events_before(now - SEEN_EVENT_TTL_SECONDS)
    if removed:
        log.info("forgot old event keys", extra={"count": removed})
    return removed


def build_scheduler(deps: Deps) -> AsyncIOScheduler:
    """Create the scheduler; call `start()` from inside the running event loop."""
    scheduler = AsyncIOScheduler(timezone="UTC")
    scheduler.add_job(
        housekeeping,
        "interval",
        seconds=HOUSEKEEPING_INTERVAL_SECONDS,
        args=[deps],
        id="housekeeping",
        replace_existing=True,
        max_instances=1,
        coalesce=True,
    )
    return scheduler
