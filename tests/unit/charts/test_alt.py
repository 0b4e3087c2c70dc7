"""The alt text: plain words carrying the key numbers, within Slack's limits."""

from __future__ import annotations

from bot.charts import IMAGE_ALT_MAX, UPLOAD_ALT_MAX, IncidentSpan, alt_text, chart_data, read_chart_data
from bot.store import Store
from tests.history_fixture import DAY, NOW, record_history

T = NOW.timestamp()


def test_alt_text_carries_the_numbers() -> None:
    store = Store.open(":memory:")
    record_history(store)
    text = alt_text(read_chart_data(store, now=T, days=7, with_day=True))
    assert text.startswith(
        "Line chart of Deepgram latency (p50 and p95) from the bot's own probes, last 24 h and 7 days to "
        "2026-12-07 12:00 UTC. Last 7 days: Key & management API 99.7% up, p50 80 ms, p95 100 ms; "
        "Pre-recorded (REST) 99.7% up, p50 820 ms, p95 840 ms;"
    )
    assert "Last 24 h: Key & management API 100.0% up" in text
    assert (
        "Failed or degraded runs: last 7 days 3 (our side 1, Deepgram's side 1, slow, wrong output or a provider 1); "
        "last 24 h 2 (Deepgram's side 1, slow, wrong output or a provider 1)."
    ) in text
    assert text.endswith(
        "Deepgram incidents on the status page (shaded): 2 in the last 7 days; 1 in the last 24 h: "
        "Degraded Voice Agent performance (ongoing), Elevated errors on the Streaming API."
    )
    assert len(text) <= IMAGE_ALT_MAX and "*" not in text and "<" not in text


def test_shorter_limits_drop_the_short_windows_details_first() -> None:
    store = Store.open(":memory:")
    record_history(store)
    data = read_chart_data(store, now=T, days=7, with_day=True)
    short = alt_text(data, limit=UPLOAD_ALT_MAX)
    assert len(short) <= UPLOAD_ALT_MAX
    assert "Last 7 days: Key & management API" in short and "Last 24 h:" not in short
    assert "last 24 h 2 (" in short  # the failures of both windows stay
    tiny = alt_text(data, limit=120)
    assert len(tiny) == 120 and tiny.endswith("…")


def test_many_long_incident_names_are_named_three_at_most() -> None:
    spans = [IncidentSpan("x" * 300, "minor", T - i * DAY / 10, None) for i in range(1, 9)]
    text = alt_text(chart_data([("rest", T - 60, "ok", 10.0, None)], spans, now=T, windows=[("24 h", DAY)]))
    assert "8 in the last 24 h: " in text and text.endswith(" and 5 more.")
    assert text.count("x" * 59 + "…") == 3


def test_a_short_window_with_the_same_runs_is_not_repeated() -> None:
    points = [("rest", T - 600, "ok", 10.0, None), ("rest", T - 300, "ok", 30.0, None)]
    text = alt_text(chart_data(points, [], now=T, windows=[("24 h", DAY), ("7 days", 7 * DAY)]))
    assert "Last 7 days: Pre-recorded (REST) 100.0% up, p50 10 ms, p95 30 ms." in text
    assert "Last 24 h: the same runs as the last 7 days." in text
