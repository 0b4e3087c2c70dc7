"""A `PlotSpec` as PNG bytes, with matplotlib's Agg backend.

matplotlib is imported inside `render_png` only: importing `bot.charts` (or starting the bot) does not
load it, and the first chart pays for the import (about a second, and some 30 MB). The figure is a
`matplotlib.figure.Figure` on its own `FigureCanvasAgg`, never pyplot, so no global figure state is
touched and a worker thread (`asyncio.to_thread`) may draw; a lock keeps to one drawing at a time.
"""

from __future__ import annotations

import io
import math
import textwrap
import threading
from typing import TYPE_CHECKING, Any

from bot.charts.plan import FOOTER_PX, HEADER_PX, LegendEntry, Panel, PlotSpec
from bot.units import format_ms

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
#: Gaps between panels, as matplotlib's `wspace`/`hspace` (shares of a panel's size).
WSPACE = 0.12
HSPACE = 0.45


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
            max(1, len(spec.rows)),
            max(1, len(spec.columns)),
            left=LEFT_PX / spec.width_px,
            right=1 - RIGHT_PX / spec.width_px,
            top=1 - HEADER_PX / spec.height_px,
            bottom=FOOTER_PX / spec.height_px,
            wspace=WSPACE,
            hspace=HSPACE,
        )
        for panel in spec.panels:
            _draw_panel(fig.add_subplot(grid[panel.row, panel.column]), panel, spec)
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


def _draw_panel(ax: Axes, panel: Panel, spec: PlotSpec) -> None:
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    ax.set_facecolor(spec.background)
    ax.set_xlim(panel.x_min, panel.x_max)
    ax.set_ylim(0, panel.y_max)
    if panel.time_labels:
        ax.set_xticks([t.at for t in panel.ticks], [t.label for t in panel.ticks])
    else:
        # Rows above the bottom one: guide lines where the ticks would be, without tick objects (each
        # costs matplotlib a few milliseconds to build and draw).
        ax.set_xticks([])
        ax.vlines([t.at for t in panel.ticks], 0, panel.y_max, colors=spec.grid_colour, linewidth=0.5, zorder=0)
    ax.yaxis.set_major_locator(MaxNLocator(nbins=3, min_n_ticks=2))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda value, _: format_ms(value) if value > 0 else "0"))
    ax.tick_params(labelsize=TICK_PT, colors=spec.muted_colour, length=3)
    ax.grid(axis="y", color=spec.grid_colour, linewidth=0.6)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        ax.spines[side].set_color(spec.grid_colour)
    # A fixed `y` spares matplotlib from placing the titles clear of the ticks (a third of the drawing time).
    ax.set_title(panel.title, loc="left", fontsize=PANEL_PT, fontweight="bold", color=spec.text_colour, y=1.0, pad=4)
    ax.set_title(panel.note, loc="right", fontsize=NOTE_PT, color=spec.muted_colour, y=1.0, pad=4)
    for span in panel.spans:
        ax.axvspan(span.start, span.end, color=span.colour, alpha=span.alpha, linewidth=0, zorder=0)
    if panel.empty:
        ax.text(0.5, 0.5, panel.empty, transform=ax.transAxes, ha="center", va="center", color=spec.muted_colour)
        ax.set_yticks([])
        return
    for line in panel.lines:
        ax.plot(
            line.xs,
            [math.nan if y is None else y for y in line.ys],
            color=line.colour,
            linewidth=line.width,
            linestyle=(0, (4, 2)) if line.dashed else "-",
            # A point without a neighbour draws no segment: it gets a dot.
            marker="o",
            markevery=_isolated(line.ys),
            markersize=2.6,
            zorder=3,
        )
    for marks in panel.markers:
        ax.scatter(
            marks.xs,
            [marks.y] * len(marks.xs),
            s=marks.sizes,
            c=marks.colour,
            marker=marks.shape,
            edgecolors=spec.text_colour,
            linewidths=0.4,
            zorder=5,
            clip_on=False,
        )


def _isolated(ys: tuple[float | None, ...]) -> list[int]:
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
