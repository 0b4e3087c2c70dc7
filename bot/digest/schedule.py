"""Queueing the weekly digest: once per period per channel, through the alerts' outbox.

When a digest is due (the scheduler asks every minute, and once at start-up, so a bot that was down at
the due time catches up within the week), each channel subscribed with `--digest weekly` gets two
outbox rows: the digest message (`digest:<period>`) and, in its thread, the week's latency chart
(`digest:<period>:chart`). The outbox's unique key (event key, channel) makes queueing idempotent and
the courier's recovery makes posting exactly once, as for alerts. A channel that subscribed after the
period ended waits for the next one.
"""

from __future__ import annotations

import functools
from datetime import UTC, datetime
from typing import Any

from bot.digest.build import DigestParams, read_digest
from bot.digest.period import Period
from bot.store import Store

__all__ = ["CHART", "DIGEST", "digest_rows", "queue_digests"]

#: The `kind` of the outbox rows this module queues (alert rows carry none).
DIGEST = "digest"
CHART = "digest_chart"


def digest_rows(period: Period, digest_json: dict[str, Any]) -> list[dict[str, Any]]:
    """The two outbox events of one period's digest: the message, then its chart in the message's thread."""
    key = f"digest:{period.key}"
    return [
        {"kind": DIGEST, "key": key, "thread": key, "digest": digest_json},
        {
            "kind": CHART,
            "key": f"{key}:chart",
            "thread": key,
            "period": period.key,
            "end": period.end.timestamp(),
        },
    ]


async def queue_digests(store: Store, params: DigestParams, *, now: float) -> int:
    """Queue the latest due digest for every digest channel that lacks it; returns how many rows were queued.

    The digest is read from the store only when some channel still needs it, off the event loop
    (`Store.read_aside`: a week of one-minute probes takes a few hundred milliseconds).
    """
    period = params.last_due(datetime.fromtimestamp(now, UTC))
    key = f"digest:{period.key}"
    due_by = period.end.timestamp()
    queued = store.outbox.channels_with(key)
    channels = [
        sub.channel_id
        for sub in store.subscriptions.digest_channels()
        if sub.created_at <= due_by and sub.channel_id not in queued
    ]
    if not channels:
        return 0
    digest = await store.read_aside(functools.partial(read_digest, period=period, params=params))
    rows = digest_rows(period, digest.to_json())
    deliveries = [(row, channel) for channel in channels for row in rows]
    return store.monitor.commit_events({}, deliveries, now=now)
