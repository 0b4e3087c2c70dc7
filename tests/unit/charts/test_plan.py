"""What the chart draws, tested on the plot's data rather than its pixels."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.charts import SIDE_STYLE, ChartData, chart_data, plan, read_chart_data
from bot.charts.plan import (
    INCIDENT_COLOUR,
    P50_COLOUR,
    P95_COLOUR,
    Markers,
    Panel,
    PlotSpec,
    latency_ticks,
    time_ticks,
)
from bot.store import ProbeRecord, Store
from tests.history_fixture import DAY, HOUR, NOW, record_history

T = NOW.timestamp()
#: Okabe & Ito's palette, and the neutral grey of unclassified failures.
OKABE_ITO = {"#000000", "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7"}


def history() -> ChartData:
    store = Store.open(":memory:")
    record_history(store)
    return read_chart_data(store, now=T, days=7, with_day=True)


def markers(panel: Panel, side: str) -> Markers:
    return next(m for m in panel.markers if m.side == side)


def row_of(spec: PlotSpec, label: str) -> int:
    return spec.rows.index(label)


def test_layout_one_row_per_surface_one_column_per_window() -> None:
    spec = plan(history())
    assert spec.columns == ("Last 24 h", "Last 7 days")
    assert spec.rows[:2] == ("Key & management API", "Pre-recorded (REST)") and len(spec.rows) == 7
    assert len(spec.panels) == 14
    assert spec.width_px == 1600 and spec.height_px == 190 + 130 + 7 * 190
    assert spec.background == "#FFFFFF"  # an opaque card: the same on Slack's light and dark themes
    assert [p.time_labels for p in spec.panels if p.column == 0] == [False] * 6 + [True]
    # A row shares its latency scale: the guide lines are the same in both columns, labelled in the first.
    for row in range(7):
        day, week = spec.panel(row, 0), spec.panel(row, 1)
        assert day.latency_ticks == week.latency_ticks and (day.latency_labels, week.latency_labels) == (True, False)
        assert day.latency_ticks[-1].at <= day.y_max


def test_a_failing_run_is_drawn_in_its_causes_colour() -> None:
    """REST's 503 two hours ago is a Deepgram's-side marker (vermillion ✖) at that time, in both windows;
    the 401 three days ago is an our-side marker (orange ▼), in the week only."""
    spec = plan(history())
    rest, auth = row_of(spec, "Pre-recorded (REST)"), row_of(spec, "Key & management API")
    for column in (0, 1):
        theirs = markers(spec.panel(rest, column), "theirs")
        assert (theirs.colour, theirs.shape) == ("#D55E00", "X") == SIDE_STYLE["theirs"][:2]
        assert theirs.xs == (T - 2 * HOUR,) and theirs.counts == (1,)
        assert [m.side for m in spec.panel(rest, column).markers] == ["theirs"]
    ours = markers(spec.panel(auth, 1), "ours")
    assert (ours.colour, ours.shape, ours.xs) == ("#E69F00", "v", (T - 3 * DAY,))
    assert spec.panel(auth, 0).markers == ()
    slow = markers(spec.panel(row_of(spec, "Voice Agent"), 0), "other")
    assert (slow.colour, slow.xs) == ("#CC79A7", (T - HOUR / 2,))
    # Lanes sit above the latency lines, one per side.
    panel = spec.panel(rest, 1)
    top = max(y for line in panel.lines for y in line.ys if y is not None)
    assert top < markers(panel, "theirs").y < panel.y_max


def test_lines_p50_solid_p95_dashed_gaps_where_nothing_worked() -> None:
    spec = plan(history())
    panel = spec.panel(row_of(spec, "Pre-recorded (REST)"), 0)
    p50, p95 = panel.lines
    assert (p50.key, p50.colour, p50.dashed) == ("p50", P50_COLOUR, False)
    assert (p95.key, p95.colour, p95.dashed) == ("p95", P95_COLOUR, True)
    # Runs every 30 min: hourly buckets over 24 h, the first one partial; each holds a working run.
    assert len(p50.xs) == len(p50.ys) == 25
    assert p50.xs[0] == T - DAY + 1800 and p50.xs[-1] == T + 1800
    assert all(800 <= y <= 840 for y in p50.ys[:-1] if y is not None) and None not in p50.ys[:-1]
    assert panel.note == "97.9% up · p50 820 ms · p95 840 ms · 1 failed"
    # A bucket whose runs all failed has no latency: a gap in both lines, never a zero.
    points = [
        ("rest", T - 3 * 900 + 10, "ok", 500.0, None),
        ("rest", T - 2 * 900 + 10, "failed", 30.0, "theirs:server"),
    ]
    points.append(("rest", T - 900 + 10, "ok", 520.0, None))
    gap = plan(chart_data(points, [], now=T, windows=[("24 h", DAY)])).panel(0, 0)
    assert [y for y in gap.lines[0].ys if y is not None] == [500.0, 520.0]
    assert gap.lines[0].ys[-4:] == (500.0, None, 520.0, None) and gap.lines[1].ys[-4:] == (500.0, None, 520.0, None)


def test_incidents_are_shaded_spans_clipped_to_the_window() -> None:
    spec = plan(history())
    day, week = spec.panel(0, 0), spec.panel(0, 1)
    assert [(s.start, s.end, s.colour) for s in day.spans] == [(T - HOUR, T, INCIDENT_COLOUR)]
    assert [(s.name, s.start, s.end) for s in week.spans] == [
        ("Degraded Voice Agent performance", T - HOUR, T),
        ("Elevated errors on the Streaming API", T - 2 * DAY - 3 * HOUR, T - 2 * DAY),
    ]


def test_colours_are_colour_blind_safe_and_the_legend_lists_what_is_drawn() -> None:
    spec = plan(history())
    used = {e.colour for e in spec.legend} | {m.colour for p in spec.panels for m in p.markers}
    used |= {line.colour for p in spec.panels for line in p.lines}
    assert used <= OKABE_ITO
    assert [e.label for e in spec.legend] == [
        "p50 latency",
        "p95 latency",
        "failed, our side",
        "failed, Deepgram's side",
        "slow, wrong output or a provider",
        "Deepgram incident (status page)",
    ]
    assert len({(style[0], style[1]) for style in SIDE_STYLE.values()}) == 4  # colour and shape both differ


def test_a_surface_without_runs_in_a_window_says_so() -> None:
    """A surface that ran three days ago but not since: its week has a line, its last 24 h say so."""
    store = Store.open(":memory:")
    store.history.record_run(
        checked_at=T - 3 * DAY,
        verdict="all_good",
        indicator="none",
        official_state="fresh",
        elapsed_ms=1.0,
        text="",
        blocks=[],
        results=[ProbeRecord("tts_stream", "ok", 480.0)],
    )
    spec = plan(read_chart_data(store, now=T, days=7, with_day=True))
    assert spec.rows == ("TTS streaming (WebSocket)",)
    day, week = spec.panel(0, 0), spec.panel(0, 1)
    assert (day.empty, day.note, day.lines) == ("No runs in the last 24 h", "no runs", ())
    assert week.empty is None and week.note == "100.0% up · p50 480 ms · p95 480 ms"
    assert [y for y in week.lines[0].ys if y is not None] == [480.0]


def test_time_ticks() -> None:
    day = time_ticks(T - DAY, T)
    assert [t.label for t in day] == ["12:00", "15:00", "18:00", "21:00", "00:00", "03:00", "06:00", "09:00", "12:00"]
    week = time_ticks(T - 7 * DAY, T)
    assert week[0].at == datetime(2026, 12, 1, tzinfo=UTC).timestamp()
    assert [t.label for t in week] == ["Tue 01", "Wed 02", "Thu 03", "Fri 04", "Sat 05", "Sun 06", "Mon 07"]


def test_latency_ticks() -> None:
    """Guide lines at round latencies, at most three above 0, none above the top of the panel."""
    assert [t.label for t in latency_ticks(1035.0)] == ["0", "500 ms", "1.0 s"]
    assert [t.label for t in latency_ticks(4600.0)] == ["0", "2.0 s", "4.0 s"]
    assert [t.at for t in latency_ticks(92.0)] == [0.0, 50.0]
    assert [t.at for t in latency_ticks(1.15)] == [0.0, 0.5, 1.0]
    for top in (1.15, 7.0, 92.0, 1035.0, 4600.0, 12_345.0, 61_000.0):
        ticks = latency_ticks(top)
        assert 2 <= len(ticks) <= 4 and ticks[0].at == 0.0 and ticks[-1].at <= top
