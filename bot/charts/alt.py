"""The chart's alt text: plain words with the numbers a reader would look for. Pure.

Slack shows an image block's `alt_text` (at most 2,000 characters) to screen readers and when the
image cannot be seen; a file's `alt_txt` takes at most 1,000. The text leads with the longest window,
then per surface uptime, p50 and p95, the failed runs by side, Deepgram's incidents; when it would be
too long, the shorter windows' per-surface numbers go first, then it is clipped.
"""

from __future__ import annotations

from datetime import UTC, datetime

from bot.charts.data import ChartData, SurfaceSeries, WindowData
from bot.prose import clip
from bot.units import format_ms

__all__ = ["IMAGE_ALT_MAX", "UPLOAD_ALT_MAX", "alt_text"]

#: Block Kit image block `alt_text`.
IMAGE_ALT_MAX = 2000
#: `files.getUploadURLExternal` `alt_txt` (slack.md §5.1).
UPLOAD_ALT_MAX = 1000
#: Incident names quoted, at most, and each name's length.
NAMED_INCIDENTS = 3
NAME_CHARS = 60


def alt_text(data: ChartData, limit: int = IMAGE_ALT_MAX) -> str:
    """What the chart shows, in at most `limit` characters."""
    windows = sorted(data.windows, key=lambda w: w.window.end - w.window.start, reverse=True)
    when = datetime.fromtimestamp(data.now, UTC).strftime("%Y-%m-%d %H:%M UTC")
    labels = " and ".join(w.window.label for w in sorted(windows, key=lambda w: w.window.end - w.window.start))
    head = f"Line chart of Deepgram latency (p50 and p95) from the bot's own probes, last {labels} to {when}."
    tail = [_failures(windows), _incidents(windows)]
    described = [_surfaces(w, windows[0]) for w in windows]
    for detailed in range(len(windows), 0, -1):
        text = " ".join([head, *described[:detailed], *tail])
        if len(text) <= limit:
            return text
    return clip(text, limit)


def _surfaces(window: WindowData, longest: WindowData) -> str:
    if window is not longest and [s.stats for s in window.surfaces] == [s.stats for s in longest.surfaces]:
        return f"Last {window.window.label}: the same runs as the last {longest.window.label}."
    items = [_surface(s) for s in window.surfaces if s.stats.runs]
    if not items:
        return f"Last {window.window.label}: no probe runs."
    return f"Last {window.window.label}: " + "; ".join(items) + "."


def _surface(series: SurfaceSeries) -> str:
    stats = series.stats
    uptime = f"{stats.uptime * 100:.1f}% up" if stats.uptime is not None else "no runs"
    latency = (
        f", p50 {format_ms(stats.p50_ms)}, p95 {format_ms(stats.p95_ms)}"
        if stats.p50_ms is not None and stats.p95_ms is not None
        else ", no working run"
    )
    return f"{series.label} {uptime}{latency}"


def _failures(windows: list[WindowData]) -> str:
    parts = []
    for w in windows:
        causes = w.failures
        if not causes.total:
            parts.append(f"last {w.window.label} none")
            continue
        sides = [
            (causes.ours, "our side"),
            (causes.theirs, "Deepgram's side"),
            (causes.other, "slow, wrong output or a provider"),
            (causes.unclassified, "not classified"),
        ]
        detail = ", ".join(f"{words} {n}" for n, words in sides if n)
        parts.append(f"last {w.window.label} {causes.total} ({detail})")
    return "Failed or degraded runs: " + "; ".join(parts) + "."


def _incidents(windows: list[WindowData]) -> str:
    counts = "; ".join(f"{len(w.incidents)} in the last {w.window.label}" for w in windows)
    longest = windows[0].incidents if windows else ()
    names = [clip(i.name, NAME_CHARS) + (" (ongoing)" if i.end is None else "") for i in longest[:NAMED_INCIDENTS]]
    more = f" and {len(longest) - NAMED_INCIDENTS} more" if len(longest) > NAMED_INCIDENTS else ""
    named = f": {', '.join(names)}{more}" if names else ""
    return f"Deepgram incidents on the status page (shaded): {counts}{named}."
