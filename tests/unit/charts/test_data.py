"""The chart's data: buckets, percentiles, failures by side and incidents, the same numbers as the text."""

from __future__ import annotations

import pytest

from bot.charts import IncidentSpan, chart_data, read_chart_data
from bot.charts.data import bucket_seconds, usual_spacing, window_label
from bot.status.history import FailureCauses, read_history, side_of
from bot.store import Store
from tests.history_fixture import DAY, HOUR, NOW, record_history

T = NOW.timestamp()


def test_bucket_sizes_keep_a_week_of_minutes_small() -> None:
    assert (bucket_seconds(DAY), bucket_seconds(7 * DAY), bucket_seconds(35 * DAY)) == (900, 7200, 43200)
    assert (window_label(1), window_label(7)) == ("24 h", "7 days")


def test_buckets_hold_a_run_at_the_probes_pace() -> None:
    """Slower probes get larger buckets: every bucket of a steady history holds a run."""
    assert [bucket_seconds(DAY, spacing) for spacing in (60, 300, 900, 1800, 3600)] == [900, 900, 1800, 3600, 7200]
    assert bucket_seconds(7 * DAY, 1800) == 7200 and bucket_seconds(DAY, 10 * DAY) == 86400
    # The median gap: a burst of on-demand runs and a restart's hole do not change the pace.
    times = [0.0, 1800, 3600, 3610, 3620, 3630, 5400, 7200, 9000, 30_000, 31_800, 33_600, 35_400]
    assert usual_spacing(times) == 1800
    assert usual_spacing([]) == usual_spacing([5.0]) == 0.0


def test_a_half_hourly_history_draws_a_line_of_hourly_points() -> None:
    """Runs every 30 min over 24 h: hourly buckets, each with a run, so the line has no holes."""
    store = Store.open(":memory:")
    record_history(store, days=2)
    data = read_chart_data(store, now=T, days=1)
    [window] = data.windows
    assert window.window.bucket_seconds == 3600
    rest = window.series("rest")
    assert rest is not None and len(rest.buckets) == 24 and all(b.runs == 2 for b in rest.buckets)


@pytest.mark.parametrize(
    ("cause", "side"),
    [
        ("ours:key", "ours"),
        ("theirs:server", "theirs"),
        ("slow:slow", "other"),
        ("provider:provider", "other"),
        ("quality:transcript", "other"),
        (None, "unclassified"),
    ],
)
def test_sides(cause: str | None, side: str) -> None:
    assert side_of(cause) == side


def test_buckets_percentiles_and_failures() -> None:
    """Nearest-rank p50/p95 per bucket from working runs; skipped runs count nowhere; failed and degraded
    runs are marked on their side, degraded ones also count as working."""
    points = [
        ("rest", T - 1700, "ok", 100.0, None),
        ("rest", T - 1600, "ok", 300.0, None),
        ("rest", T - 1500, "degraded", 900.0, "slow:slow"),
        ("rest", T - 1400, "failed", 50.0, "theirs:server"),
        ("rest", T - 1300, "failed", None, "theirs:stall"),
        ("rest", T - 1200, "skipped", None, None),
        ("rest", T - 100, "failed", 20.0, "ours:network"),
        ("auth", T - 10 * DAY, "ok", 10.0, None),  # outside the window
        ("nope", T - 100, "ok", 10.0, None),  # not a surface
    ]
    data = chart_data(points, [], now=T, windows=[("24 h", DAY)])
    [window] = data.windows
    assert window.window.bucket_seconds == 900
    rest = window.series("rest")
    assert rest is not None
    assert (rest.stats.runs, rest.stats.working, rest.stats.p50_ms, rest.stats.p95_ms) == (6, 3, 300.0, 900.0)
    first, last = rest.buckets
    assert (first.runs, first.p50_ms, first.p95_ms) == (5, 300.0, 900.0)
    assert (last.runs, last.p50_ms, last.p95_ms) == (1, None, None)
    assert [(m.side, m.count, m.at) for m in rest.failures] == [
        ("other", 1, T - 1500),
        ("theirs", 2, T - 1400),
        ("ours", 1, T - 100),
    ]
    assert window.failures == FailureCauses(ours=1, theirs=2, other=1)
    auth = window.series("auth")
    assert auth is not None and auth.stats.runs == 0
    assert data.surfaces() == (("rest", "Pre-recorded (REST)"),)
    assert not data.empty


def test_incidents_are_kept_where_they_overlap_a_window() -> None:
    spans = [
        IncidentSpan("old", "minor", T - 10 * DAY, T - 10 * DAY + HOUR),
        IncidentSpan("week", "major", T - 3 * DAY, T - 3 * DAY + HOUR),
        IncidentSpan("open", "minor", T - HOUR, None),
        IncidentSpan("straddles", "minor", T - 8 * DAY, T - 6.5 * DAY),
    ]
    data = chart_data([], spans, now=T, windows=[("24 h", DAY), ("7 days", 7 * DAY)])
    day, week = data.windows
    assert [i.name for i in day.incidents] == ["open"]
    assert [i.name for i in week.incidents] == ["week", "open", "straddles"]
    assert data.empty


def test_the_store_gives_the_numbers_the_text_shows() -> None:
    """Uptime, p50, p95 and failures by side over 24 h and 7 days equal `/deepgram history`'s."""
    store = Store.open(":memory:")
    record_history(store)
    data = read_chart_data(store, now=T, days=7, with_day=True)
    history = read_history(store, NOW)
    assert [w.window.label for w in data.windows] == ["24 h", "7 days"]
    for window in data.windows:
        for series in window.surfaces:
            assert series.stats == history.surfaces[series.surface][window.window.label]
        assert window.failures == history.failures[window.window.label]
    day, week = data.windows
    assert day.failures == FailureCauses(theirs=1, other=1)
    assert week.failures == FailureCauses(ours=1, theirs=1, other=1)
    assert [i.name for i in week.incidents] == [
        "Degraded Voice Agent performance",
        "Elevated errors on the Streaming API",
    ]
    assert [i.end for i in day.incidents] == [None]


def test_a_week_alone_and_an_empty_store() -> None:
    store = Store.open(":memory:")
    assert read_chart_data(store, now=T).empty
    record_history(store, days=2)
    data = read_chart_data(store, now=T, days=7)
    assert [w.window.label for w in data.windows] == ["7 days"]
    assert data.windows[0].window.bucket_seconds == 7200
