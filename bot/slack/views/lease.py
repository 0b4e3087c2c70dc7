"""Who polls, probes and delivers alerts: the delivery lease, for the admin view of `/deepgram subscriptions`."""

from __future__ import annotations

import os
import socket
from datetime import UTC, datetime

from bot.health import ago
from bot.slack.kit import escape, slack_date
from bot.store.leases import Lease


def lease_line(lease: Lease | None, *, now: float) -> str:
    """One mrkdwn line: the holder (this process or which one), since when, and whether it is still renewed."""
    if lease is None:
        return "*Alert delivery:* no process has polled or delivered yet."
    this = lease.host == socket.gethostname() and lease.pid == os.getpid()
    who = "this process" if this else f"`{escape(lease.holder)}` (host `{escape(lease.host)}`, pid {lease.pid})"
    since = slack_date(datetime.fromtimestamp(lease.acquired_at, UTC))
    if lease.expires_at <= now:
        return (
            f"*Alert delivery:* nobody right now: the lease of {who} ran out {ago(now - lease.expires_at)} ago; "
            "a running process takes it over within a few seconds."
        )
    renewed = ago(now - lease.renewed_at)
    return f"*Alert delivery:* {who} polls, probes and delivers, since {since} (renewed {renewed} ago)."
