"""The chart as a specification: panels, lines, markers and spans with their colours. Pure.

`plan(data)` decides everything that is drawn (what the tests inspect); `bot.charts.render` only
turns it into pixels. One row per surface with runs, one column per window (24 h, 7 days); a row
shares its latency scale across windows.

- p50 is a solid line, p95 a dashed one (told apart without colour), one point per bucket; a
  bucket without a working run leaves a gap.
- Failed (or degraded) runs are markers in lanes along the top of the panel, one lane per side,
  each side with its own colour *and* shape: ours ▼ orange, Deepgram's ✖ vermillion, other (slow,
  wrong output, a provider) ◆ reddish purple, not classified ● grey. One marker per bucket and side,
  larger for more runs.
- Deepgram's incidents (as the monitor logged them from the status page) are shaded yellow spans.

Colours are the Okabe–Ito palette (distinguishable with the common colour-vision deficiencies), on
an opaque white card, so the image reads the same on Slack's light and dark themes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Literal

from bot.charts.data import ChartData, SurfaceSeries, WindowData
from bot.status.history import SIDES, Side
from bot.units import format_ms

__all__ = [
    "FOOTER_PX",
    "HEADER_PX",
    "INCIDENT_COLOUR",
    "P50_COLOUR",
    "P95_COLOUR",
    "SIDE_STYLE",
    "LegendEntry",
    "Line",
    "Markers",
    "Panel",
    "PlotSpec",
    "Span",
    "Tick",
    "latency_ticks",
    "plan",
    "time_ticks",
]

# Okabe & Ito, "Color Universal Design" (2008): the eight colours, of which these are used.
BLUE = "#0072B2"
SKY_BLUE = "#56B4E9"
ORANGE = "#E69F00"
VERMILLION = "#D55E00"
REDDISH_PURPLE = "#CC79A7"
YELLOW = "#F0E442"
GREY = "#808080"

P50_COLOUR = BLUE
P95_COLOUR = SKY_BLUE
INCIDENT_COLOUR = YELLOW
#: Each side's colour, marker shape (matplotlib's codes), lane (height as a share of the panel) and words.
SIDE_STYLE: dict[Side, tuple[str, str, float, str]] = {
    "ours": (ORANGE, "v", 0.93, "failed, our side"),
    "theirs": (VERMILLION, "X", 0.85, "failed, Deepgram's side"),
    "other": (REDDISH_PURPLE, "D", 0.77, "slow, wrong output or a provider"),
    "unclassified": (GREY, "o", 0.69, "failed, not classified"),
}

WIDTH_PX = 1600
DPI = 150
HEADER_PX = 190
FOOTER_PX = 130
ROW_PX = 190
#: Room above the highest p95: a little, or enough for the failure lanes.
HEADROOM = 1.15
HEADROOM_WITH_FAILURES = 1.6
#: The y scale when a row has no latency at all.
DEFAULT_Y_MS = 1000.0
#: Tick steps (seconds): the first that puts at most `MAX_TICKS` ticks in a window.
TICK_STEPS = (3600, 2 * 3600, 3 * 3600, 4 * 3600, 6 * 3600, 12 * 3600, 86400, 2 * 86400, 7 * 86400)
MAX_TICKS = 8
#: Latency guide lines: steps of 1, 2, 2.5 or 5 times a power of ten, at most `MAX_LATENCY_TICKS` above 0.
LATENCY_STEPS = (1.0, 2.0, 2.5, 5.0, 10.0)
MAX_LATENCY_TICKS = 3


@dataclass(frozen=True)
class Line:
    key: Literal["p50", "p95"]
    xs: tuple[float, ...]
    #: Milliseconds; None is a gap.
    ys: tuple[float | None, ...]
    colour: str
    dashed: bool
    width: float


@dataclass(frozen=True)
class Markers:
    """One side's failure markers in one panel, on the side's lane."""

    side: Side
    xs: tuple[float, ...]
    counts: tuple[int, ...]
    #: Marker areas (points²), growing with the count.
    sizes: tuple[float, ...]
    y: float
    colour: str
    shape: str


@dataclass(frozen=True)
class Span:
    start: float
    end: float
    name: str
    colour: str
    alpha: float


@dataclass(frozen=True)
class Tick:
    at: float
    label: str


@dataclass(frozen=True)
class Panel:
    row: int
    column: int
    title: str
    #: The surface's numbers over the window (uptime, p50, p95, failures).
    note: str
    x_min: float
    x_max: float
    y_max: float
    ticks: tuple[Tick, ...]
    #: Latency guide lines (milliseconds), from 0 up; the row shares them.
    latency_ticks: tuple[Tick, ...]
    lines: tuple[Line, ...]
    markers: tuple[Markers, ...]
    spans: tuple[Span, ...]
    #: Shown instead of lines when the surface had no run in the window.
    empty: str | None = None
    #: Time labels under the ticks: on the bottom row only (a column shares its time axis).
    time_labels: bool = True
    #: Latency labels beside the guide lines: in the first column only (a row shares its scale).
    latency_labels: bool = True


@dataclass(frozen=True)
class LegendEntry:
    label: str
    colour: str
    kind: Literal["line", "dashed", "marker", "span"]
    shape: str | None = None


@dataclass(frozen=True)
class PlotSpec:
    title: str
    subtitle: str
    columns: tuple[str, ...]
    rows: tuple[str, ...]
    panels: tuple[Panel, ...]
    legend: tuple[LegendEntry, ...]
    width_px: int = WIDTH_PX
    height_px: int = HEADER_PX + FOOTER_PX + ROW_PX
    dpi: int = DPI
    background: str = "#FFFFFF"
    text_colour: str = "#1A1A1A"
    muted_colour: str = "#555555"
    grid_colour: str = "#DDDDDD"

    def panel(self, row: int, column: int) -> Panel:
        return next(p for p in self.panels if p.row == row and p.column == column)


def time_ticks(start: float, end: float) -> tuple[Tick, ...]:
    """Ticks at round UTC times: every 3 h over a day (`15:00`), every midnight over a week (`Mon 07`)."""
    step = next((s for s in TICK_STEPS if (end - start) / s <= MAX_TICKS), TICK_STEPS[-1])
    fmt = "%H:%M" if step < 86400 else "%a %d"
    first = math.ceil(start / step) * step
    return tuple(
        Tick(float(at), datetime.fromtimestamp(at, UTC).strftime(fmt)) for at in range(int(first), int(end) + 1, step)
    )


def latency_ticks(top: float) -> tuple[Tick, ...]:
    """Guide lines at round latencies from 0 to `top` ms: `0`, `500 ms`, `1 s`, `1.5 s`."""
    raw = top / MAX_LATENCY_TICKS
    power = 10.0 ** math.floor(math.log10(raw)) if raw > 0 else 1.0
    step = next(m * power for m in LATENCY_STEPS if m * power >= raw)
    return tuple(Tick(i * step, format_ms(i * step) if i else "0") for i in range(int(top // step) + 1))


def plan(data: ChartData) -> PlotSpec:
    """Everything to draw for `data` (which must not be empty: there is no chart of nothing)."""
    surfaces = data.surfaces()
    labels = tuple(w.window.label for w in data.windows)
    panels = []
    for row, (surface, label) in enumerate(surfaces):
        row_series = [(column, w, w.series(surface)) for column, w in enumerate(data.windows)]
        y_max = _row_scale([s for _, _, s in row_series if s is not None])
        for column, window, series in row_series:
            panel = _panel(row, column, label, window, series, y_max)
            panels.append(replace(panel, time_labels=row == len(surfaces) - 1, latency_labels=column == 0))
    when = datetime.fromtimestamp(data.now, UTC).strftime("%Y-%m-%d %H:%M UTC")
    return PlotSpec(
        title="Deepgram latency from our probes, per surface",
        subtitle=(
            f"p50 and p95 of the bot's own probe runs, to {when} · markers: failed runs, by whose side · "
            "shaded: Deepgram's incidents"
        ),
        columns=tuple(f"Last {label}" for label in labels),
        rows=tuple(label for _, label in surfaces),
        panels=tuple(panels),
        legend=_legend(data),
        height_px=HEADER_PX + FOOTER_PX + ROW_PX * max(1, len(surfaces)),
    )


def _row_scale(series: list[SurfaceSeries]) -> float:
    """One latency scale for a surface across windows: its highest p95 (or p50), plus headroom."""
    tops = [b.p95_ms if b.p95_ms is not None else b.p50_ms for s in series for b in s.buckets]
    top = max((t for t in tops if t is not None), default=DEFAULT_Y_MS)
    headroom = HEADROOM_WITH_FAILURES if any(s.failures for s in series) else HEADROOM
    return max(top, 1.0) * headroom


def _panel(row: int, column: int, title: str, window: WindowData, series: SurfaceSeries | None, y_max: float) -> Panel:
    w = window.window
    spans = tuple(
        Span(max(i.start, w.start), min(i.end if i.end is not None else w.end, w.end), i.name, INCIDENT_COLOUR, 0.45)
        for i in window.incidents
    )
    ticks, guides = time_ticks(w.start, w.end), latency_ticks(y_max)
    base = Panel(row, column, title, "", w.start, w.end, y_max, ticks, guides, (), (), spans)
    if series is None or not series.stats.runs:
        return replace(base, note="no runs", empty=f"No runs in the last {w.label}")
    slots = w.bucket_starts()
    half = w.bucket_seconds / 2
    by_start = {b.start: b for b in series.buckets}
    xs = tuple(start + half for start in slots)
    p50 = tuple(b.p50_ms if (b := by_start.get(s)) else None for s in slots)
    p95 = tuple(b.p95_ms if (b := by_start.get(s)) else None for s in slots)
    lines = (
        Line("p50", xs, p50, P50_COLOUR, dashed=False, width=1.6),
        Line("p95", xs, p95, P95_COLOUR, dashed=True, width=1.4),
    )
    return replace(base, note=_note(series), lines=lines, markers=_markers(series, y_max))


def _markers(series: SurfaceSeries, y_max: float) -> tuple[Markers, ...]:
    found = []
    for side in SIDES:
        marks = [m for m in series.failures if m.side == side]
        if not marks:
            continue
        colour, shape, lane, _ = SIDE_STYLE[side]
        counts = tuple(m.count for m in marks)
        found.append(
            Markers(
                side=side,
                xs=tuple(m.at for m in marks),
                counts=counts,
                sizes=tuple(min(28.0 + 14.0 * math.log2(n), 90.0) for n in counts),
                y=lane * y_max,
                colour=colour,
                shape=shape,
            )
        )
    return tuple(found)


def _note(series: SurfaceSeries) -> str:
    stats = series.stats
    parts = [f"{stats.uptime * 100:.1f}% up" if stats.uptime is not None else "no runs"]
    if stats.p50_ms is not None and stats.p95_ms is not None:
        parts.append(f"p50 {format_ms(stats.p50_ms)} · p95 {format_ms(stats.p95_ms)}")
    if series.failed:
        parts.append(f"{series.failed} failed")
    return " · ".join(parts)


def _legend(data: ChartData) -> tuple[LegendEntry, ...]:
    entries = [
        LegendEntry("p50 latency", P50_COLOUR, "line"),
        LegendEntry("p95 latency", P95_COLOUR, "dashed"),
    ]
    present = {m.side for w in data.windows for s in w.surfaces for m in s.failures}
    for side in SIDES:
        if side in present:
            colour, shape, _, words = SIDE_STYLE[side]
            entries.append(LegendEntry(words, colour, "marker", shape))
    if any(w.incidents for w in data.windows):
        entries.append(LegendEntry("Deepgram incident (status page)", INCIDENT_COLOUR, "span"))
    return tuple(entries)
