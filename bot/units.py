"""Times and durations as people read them: one parser of ISO-8601 times, one duration formatter.

Plain words with no markup, so that the Slack views, the terminal and the core all say "3 h 05 min"
the same way.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

__all__ = ["format_duration", "format_ms", "parse_time", "percentile"]


def percentile(values: Sequence[float], q: float) -> float | None:
    """Nearest-rank percentile (q in 0..100) of `values`, sorted or not; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


def parse_time(value: Any) -> datetime | None:
    """ISO-8601 with any offset (or `Z`) → aware UTC; a time without offset is taken as UTC; else None."""
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=UTC)
        return parsed.astimezone(UTC)
    except (ValueError, OverflowError):  # junk, or a date that leaves the calendar once made UTC
        return None


def format_duration(seconds: float) -> str:
    """`320 ms`, `1.5 s`, `42 s`, `12 min`, `3 h 05 min`, `9 days` (the sign is ignored)."""
    seconds = abs(seconds)
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms"
    if seconds < 10:
        return f"{seconds:.1f} s"
    if seconds < 90:
        return f"{seconds:.0f} s"
    minutes = round(seconds / 60)
    if minutes < 60:
        return f"{minutes} min"
    if seconds < 48 * 3600:
        hours, rest = divmod(minutes, 60)
        return f"{hours} h {rest:02d} min"
    return f"{seconds / 86400:.0f} days"


def format_ms(ms: float) -> str:
    """A latency in milliseconds: `320 ms`, `1.5 s`."""
    return format_duration(ms / 1000)
