"""The latency chart as a file to share: PNG bytes, alt text, title and file name.

`latency_chart(store, now=…)` reads and draws in one call (for a caller on the store's thread that may
block, like the CLI or a digest job). The bot splits it: `read_chart_data` on the event loop (the
store belongs to it), then `draw_chart` in a worker thread (`asyncio.to_thread`), since drawing takes
about half a second of CPU (a 24 h + 7 days chart, once matplotlib is loaded).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from bot.charts.alt import UPLOAD_ALT_MAX, alt_text
from bot.charts.data import ChartData, read_chart_data
from bot.charts.plan import plan
from bot.charts.render import render_png
from bot.store import Store

__all__ = ["CHART_DAYS", "Chart", "NothingToDraw", "draw_chart", "latency_chart"]

#: The chart's long window, in days (`/deepgram history` draws the last 24 h beside it).
CHART_DAYS = 7


class NothingToDraw(ValueError):
    """No probe run in the chart's windows: there is no chart to make."""


@dataclass(frozen=True)
class Chart:
    png: bytes
    #: Plain text with the key numbers, at most 2,000 characters (an image block's `alt_text`).
    alt_text: str
    title: str
    filename: str
    #: The same in at most 1,000 characters (a file's `alt_txt`): the shorter window's details left out.
    file_alt_text: str = ""


def draw_chart(data: ChartData) -> Chart:
    """Plan, draw and describe `data` (CPU-bound; matplotlib is imported on the first call).

    Raises `NothingToDraw` when `data` holds no probe run."""
    if data.empty:
        raise NothingToDraw("no probe runs in the chart's windows")
    moment = datetime.fromtimestamp(data.now, UTC)
    labels = " and ".join(w.window.label for w in data.windows)
    return Chart(
        png=render_png(plan(data)),
        alt_text=alt_text(data),
        title=f"Deepgram latency from our probes, last {labels} (to {moment:%Y-%m-%d %H:%M} UTC)",
        filename=f"deepgram-latency-{moment:%Y%m%d-%H%M}.png",
        file_alt_text=alt_text(data, limit=UPLOAD_ALT_MAX),
    )


def latency_chart(store: Store, *, now: float, days: int = CHART_DAYS, with_day: bool = False) -> Chart:
    """The probes' latency over the last `days` (and, `with_day`, the last 24 h beside it), ending at
    `now` (epoch seconds). Raises `NothingToDraw` when no probe ran in that time."""
    return draw_chart(read_chart_data(store, now=now, days=days, with_day=with_day))
