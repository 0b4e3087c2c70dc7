"""A `PlotSpec` as PNG bytes, with matplotlib's Agg backend.

matplotlib is imported inside `render_png` only: importing `bot.charts` (or starting the bot) does not
load it, and the first chart pays for the import (about half a second, and some 30 MB). The figure is a
`matplotlib.figure.Figure` on its own `FigureCanvasAgg`, never pyplot, so no global figure state is
touched and a worker thread (`asyncio.to_thread`) may draw; a lock keeps to one drawing at a time.
"""

from __future__ import annotations

import io
import math
import textwrap
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bot.charts.plan import FOOTER_PX, HEADER_PX, LegendEntry, Markers, Panel, PlotSpec

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["render_png"]

_LOCK = threading.Lock()
#: Text sizes in points (at 150 dpi a point is about 2 pixels).
TITLE_PT = 15.0
SUBTITLE_PT = 9.5
COLUMN_PT = 11.0
PANEL_PT = 8.5
NOTE_PT = 7.5
TICK_PT = 8.0
LEGEND_PT = 9.0
#: Horizontal margins of the panels, in pixels.
LEFT_PX = 90
RIGHT_PX = 30
#: zlib level of the PNG: fast, for a file of a few hundred kB.
PNG_COMPRESSION = 3
#: The gap between the columns, as matplotlib's `wspace` (a share of a column's width).
WSPACE = 0.12
#: The gap below each row, as a share of a row's height.
ROW_GAP = 0.45


def render_png(spec: PlotSpec) -> bytes:
    """Draw `spec`; the PNG is `spec.width_px` × `spec.height_px`."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    with _LOCK:
        fig = Figure(figsize=(spec.width_px / spec.dpi, spec.height_px / spec.dpi), dpi=spec.dpi)
        FigureCanvasAgg(fig)
        fig.set_facecolor(spec.background)
        _frame(fig, spec)
        grid = fig.add_gridspec(
            1,
            max(1, len(spec.columns)),
            left=LEFT_PX / spec.width_px,
            right=1 - RIGHT_PX / spec.width_px,
            top=1 - HEADER_PX / spec.height_px,
            bottom=FOOTER_PX / spec.height_px,
            wspace=WSPACE,
        )
        rows = max(1, len(spec.rows))
        for column in range(len(spec.columns)):
            panels = [p for p in spec.panels if p.column == column]
            _draw_column(fig, fig.add_subplot(grid[0, column]), panels, rows, spec)
        _legend(fig, spec)
        out = io.BytesIO()
        fig.savefig(
            out,
            format="png",
            dpi=spec.dpi,
            facecolor=spec.background,
            metadata={"Software": None},
            # zlib level 6 (the default) spends a fifth of the drawing time for a file a tenth smaller.
            pil_kwargs={"compress_level": PNG_COMPRESSION},
        )
        return out.getvalue()


def _frame(fig: Figure, spec: PlotSpec) -> None:
    """Title, subtitle and the column headings."""
    left = 24 / spec.width_px
    fig.text(
        left,
        1 - 22 / spec.height_px,
        spec.title,
        fontsize=TITLE_PT,
        fontweight="bold",
        color=spec.text_colour,
        va="top",
        parse_math=False,
    )
    fig.text(
        left,
        1 - 64 / spec.height_px,
        "\n".join(textwrap.wrap(spec.subtitle, 150)),
        fontsize=SUBTITLE_PT,
        color=spec.muted_colour,
        va="top",
        linespacing=1.4,
        parse_math=False,
    )
    usable = 1 - (LEFT_PX + RIGHT_PX) / spec.width_px
    width = usable / max(1, len(spec.columns))
    for i, heading in enumerate(spec.columns):
        fig.text(
            LEFT_PX / spec.width_px + width * (i + 0.5),
            1 - 132 / spec.height_px,
            heading,
            fontsize=COLUMN_PT,
            fontweight="bold",
            color=spec.text_colour,
            ha="center",
            va="top",
            parse_math=False,
        )


@dataclass(frozen=True)
class _Slot:
    """Where a panel sits in its column: rows are stacked in one axes, each one unit high with a gap
    of `ROW_GAP` below it, the first row on top; a panel's latencies are scaled to its unit."""

    base: float
    y_max: float

    @classmethod
    def of(cls, panel: Panel, rows: int) -> _Slot:
        return cls((rows - 1 - panel.row) * (1 + ROW_GAP), panel.y_max)

    def y(self, ms: float) -> float:
        return self.base + ms / self.y_max


def _draw_column(fig: Figure, ax: Axes, panels: list[Panel], rows: int, spec: PlotSpec) -> None:
    """A column's panels, stacked in one axes: an axes per panel, with matplotlib's tick machinery,
    costs more than all the rest of the drawing. Each kind of line is one artist for the whole column;
    the guide lines, frames and labels the plan gives are plain lines and texts."""
    if not panels:
        return
    placed = [(p, _Slot.of(p, rows)) for p in panels]
    ax.set_axis_off()
    ax.set_xlim(panels[0].x_min, panels[0].x_max)  # a column is one window
    ax.set_ylim(0, rows + (rows - 1) * ROW_GAP)
    _guides(ax, placed, spec)
    _texts(fig, ax, placed, spec)
    _spans(ax, placed)
    _lines(ax, placed)
    _markers(ax, placed, spec)


def _guides(ax: Axes, placed: list[tuple[Panel, _Slot]], spec: PlotSpec) -> None:
    """Guide lines at the latency and time ticks, and each panel's frame (its two axes, one line)."""
    x_min, x_max = ax.get_xlim()
    grid: dict[str, Any] = {"colors": spec.grid_colour, "linewidth": 0.6, "zorder": 0}
    ax.hlines([slot.y(t.at) for p, slot in placed for t in p.latency_ticks[1:]], x_min, x_max, **grid)
    times = [(t.at, slot.base) for p, slot in placed for t in p.ticks]
    ax.vlines([x for x, _ in times], [b for _, b in times], [b + 1 for _, b in times], **grid)
    corners = [(x_min, 1.0), (x_min, 0.0), (x_max, 0.0), (math.nan, math.nan)]
    frames = [(x, slot.base + y) for _, slot in placed for x, y in corners]
    ax.plot([x for x, _ in frames], [y for _, y in frames], color=spec.grid_colour, linewidth=0.9)


def _texts(fig: Figure, ax: Axes, placed: list[tuple[Panel, _Slot]], spec: PlotSpec) -> None:
    """Each panel's title and numbers above it, its latency labels (first column) and time labels
    (bottom row), or what it says when it has no runs."""
    from matplotlib.transforms import offset_copy

    # x in the axes' share, y in data: 4 points left of, or above, the panel.
    beside = offset_copy(ax.get_yaxis_transform(), fig=fig, x=-4, units="points")
    above = offset_copy(ax.get_yaxis_transform(), fig=fig, y=4, units="points")
    below = offset_copy(ax.transData, fig=fig, y=-4, units="points")
    plain: dict[str, Any] = {"parse_math": False}
    tick: dict[str, Any] = {"fontsize": TICK_PT, "color": spec.muted_colour, **plain}
    for panel, slot in placed:
        top = slot.base + 1
        title: dict[str, Any] = {"fontsize": PANEL_PT, "fontweight": "bold", "color": spec.text_colour}
        ax.text(0, top, panel.title, transform=above, va="bottom", **title, **plain)
        ax.text(
            1,
            top,
            panel.note,
            transform=above,
            ha="right",
            va="bottom",
            fontsize=NOTE_PT,
            color=spec.muted_colour,
            **plain,
        )
        if panel.latency_labels:
            for t in panel.latency_ticks:
                ax.text(0, slot.y(t.at), t.label, transform=beside, ha="right", va="center", **tick)
        if panel.time_labels:
            for t in panel.ticks:
                ax.text(t.at, slot.base, t.label, transform=below, ha="center", va="top", **tick)
        if panel.empty:
            middle = (panel.x_min + panel.x_max) / 2
            ax.text(middle, slot.base + 0.5, panel.empty, ha="center", va="center", color=spec.muted_colour, **plain)


def _spans(ax: Axes, placed: list[tuple[Panel, _Slot]]) -> None:
    """Deepgram's incidents, shaded across each panel's height."""
    from matplotlib.colors import to_rgba

    for panel, slot in placed:
        if panel.spans:
            ax.broken_barh(
                [(s.start, s.end - s.start) for s in panel.spans],
                (slot.base, 1),
                facecolors=[to_rgba(s.colour, s.alpha) for s in panel.spans],
                linewidth=0,
                zorder=0,
            )


def _lines(ax: Axes, placed: list[tuple[Panel, _Slot]]) -> None:
    """p50 and p95: each one line down the whole column, broken between panels."""
    for key in ("p50", "p95"):
        found = [(line, slot) for p, slot in placed for line in p.lines if line.key == key]
        if not found:
            continue
        xs: list[float] = []
        ys: list[float | None] = []
        for line, slot in found:
            xs += [*line.xs, math.nan]
            ys += [*(None if y is None else slot.y(y) for y in line.ys), None]
        style = found[0][0]
        ax.plot(
            xs,
            [math.nan if y is None else y for y in ys],
            color=style.colour,
            linewidth=style.width,
            linestyle=(0, (4, 2)) if style.dashed else "-",
            # A point without a neighbour draws no segment: it gets a dot.
            marker="o",
            markevery=_isolated(ys),
            markersize=2.6,
            zorder=3,
        )


def _markers(ax: Axes, placed: list[tuple[Panel, _Slot]], spec: PlotSpec) -> None:
    """Each side's failure markers: one set for the whole column."""
    sides: dict[str, list[tuple[Markers, _Slot]]] = {}
    for panel, slot in placed:
        for marks in panel.markers:
            sides.setdefault(marks.side, []).append((marks, slot))
    for found in sides.values():
        style = found[0][0]
        ax.scatter(
            [x for marks, _ in found for x in marks.xs],
            [slot.y(marks.y) for marks, slot in found for _ in marks.xs],
            s=[size for marks, _ in found for size in marks.sizes],
            c=style.colour,
            marker=style.shape,
            edgecolors=spec.text_colour,
            linewidths=0.4,
            zorder=5,
            clip_on=False,
        )


def _isolated(ys: Sequence[float | None]) -> list[int]:
    """Indexes of values whose neighbours are both gaps."""
    return [
        i
        for i, y in enumerate(ys)
        if y is not None and (i == 0 or ys[i - 1] is None) and (i == len(ys) - 1 or ys[i + 1] is None)
    ]


def _legend(fig: Figure, spec: PlotSpec) -> None:
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    handles: list[Any] = [_handle(entry, Line2D, Patch) for entry in spec.legend]
    fig.legend(
        handles,
        [e.label for e in spec.legend],
        loc="lower center",
        bbox_to_anchor=(0.5, 18 / spec.height_px),
        ncol=min(len(handles), 4),
        frameon=False,
        fontsize=LEGEND_PT,
        labelcolor=spec.text_colour,
        handlelength=2.4,
        columnspacing=2.0,
    )


def _handle(entry: LegendEntry, line2d: Any, patch: Any) -> Any:
    if entry.kind == "span":
        return patch(facecolor=entry.colour, alpha=0.45, edgecolor="none")
    if entry.kind == "marker":
        return line2d(
            [],
            [],
            linestyle="none",
            marker=entry.shape,
            markersize=8,
            markerfacecolor=entry.colour,
            markeredgecolor="#1A1A1A",
            markeredgewidth=0.4,
        )
    style = (0, (4, 2)) if entry.kind == "dashed" else "-"
    return line2d([], [], color=entry.colour, linewidth=1.8, linestyle=style)
