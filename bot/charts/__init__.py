"""The probes' latency chart: per surface, p50 and p95 over time, failures by side, Deepgram's incidents.

`chart_data` / `read_chart_data` gather the numbers (pure / from the store), `plan` turns them into a
`PlotSpec` (pure: what is drawn, in which colour), `render_png` draws it with matplotlib (imported
only then), `alt_text` says the key numbers in words; `latency_chart` and `draw_chart` do it all and
hand back a `Chart` (PNG, alt text, title, file name). Nothing here talks to Slack or writes terminal
text.
"""

from bot.charts.alt import IMAGE_ALT_MAX, UPLOAD_ALT_MAX, alt_text
from bot.charts.chart import CHART_DAYS, Chart, NothingToDraw, draw_chart, latency_chart
from bot.charts.data import (
    ChartData,
    FailureMark,
    IncidentSpan,
    SurfaceSeries,
    Window,
    WindowData,
    chart_data,
    read_chart_data,
)
from bot.charts.plan import SIDE_STYLE, PlotSpec, plan
from bot.charts.render import render_png

__all__ = [
    "CHART_DAYS",
    "IMAGE_ALT_MAX",
    "SIDE_STYLE",
    "UPLOAD_ALT_MAX",
    "Chart",
    "ChartData",
    "FailureMark",
    "IncidentSpan",
    "NothingToDraw",
    "PlotSpec",
    "SurfaceSeries",
    "Window",
    "WindowData",
    "alt_text",
    "chart_data",
    "draw_chart",
    "latency_chart",
    "plan",
    "read_chart_data",
    "render_png",
]
