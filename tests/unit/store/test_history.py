"""`store.history`: status checks as shown, per-surface results, and their expiry."""

from __future__ import annotations

from bot.store import ProbeRecord, Store


def _record(store: Store, at: float, *results: ProbeRecord) -> int:
    return store.history.record_run(
        checked_at=at,
        verdict="ok",
        indicator="none",
        official_state="fresh",
        elapsed_ms=12.5,
        text=f"report at {at}",
        blocks=[{"type": "section", "text": {"type": "mrkdwn", "text": "hi"}}],
        results=results,
    )


def test_a_run_is_kept_as_shown() -> None:
    store = Store.open(":memory:")
    assert store.history.latest_run() is None
    first = _record(store, 100.0)
    second = _record(store, 200.0)
    assert store.history.run_message(first) == (
        "report at 100.0",
        [{"type": "section", "text": {"type": "mrkdwn", "text": "hi"}}],
    )
    assert store.history.run_message(999) is None
    latest = store.history.latest_run()
    assert latest is not None and latest["id"] == second and latest["verdict"] == "ok"


def test_results_since_and_forgetting() -> None:
    store = Store.open(":memory:")
    rest = ProbeRecord("rest", "ok", 80.0, http_status=200, timings={"ttfb_ms": 40.0})
    failed = ProbeRecord("rest", "failed", None, http_status=503, error_code="E", topic="outage")
    _record(store, 100.0, rest, ProbeRecord("tts", "ok", 30.0))
    _record(store, 200.0, failed)
    assert store.history.results_since("rest", 0.0) == [rest, ProbeRecord(**{**failed.__dict__, "timings": {}})]
    assert store.history.results_since("rest", 150.0) == [ProbeRecord(**{**failed.__dict__, "timings": {}})]
    assert store.history.forget_runs_before(150.0) == 1
    assert store.history.results_since("tts", 0.0) == []
    assert len(store.history.results_since("rest", 0.0)) == 1


def test_causes_are_stored_and_failures_counted_by_cause() -> None:
    store = Store.open(":memory:")
    key = ProbeRecord("auth", "failed", 30.0, http_status=401, cause="ours:key")
    server = ProbeRecord("rest", "failed", 50.0, http_status=503, cause="theirs:server")
    slow = ProbeRecord("tts", "degraded", 4000.0, cause="slow:slow")
    old = ProbeRecord("rest", "failed", None)  # stored before causes were recorded
    _record(store, 100.0, key, server, slow, old, ProbeRecord("streaming", "ok", 900.0))
    _record(store, 200.0, server)
    assert store.history.results_since("auth", 0.0)[0].cause == "ours:key"
    surfaces = ["auth", "rest", "tts", "streaming"]
    failed = [
        (o.surface, o.state, o.cause, o.count) for o in store.stats.outcomes(surfaces, 0.0, 300.0) if o.state != "ok"
    ]
    assert sorted(failed, key=str) == sorted(
        [
            ("auth", "failed", "ours:key", 1),
            ("rest", "failed", "theirs:server", 2),
            ("rest", "failed", None, 1),
            ("tts", "degraded", "slow:slow", 1),
        ],
        key=str,
    )
    assert [(o.surface, o.cause, o.count) for o in store.stats.outcomes(surfaces, 150.0, 300.0)] == [
        ("rest", "theirs:server", 1)
    ]


def test_the_message_shown_is_attached_to_a_stored_run() -> None:
    store = Store.open(":memory:")
    run_id = store.history.record_run(
        checked_at=1.0,
        verdict="all_good",
        indicator="none",
        official_state="fresh",
        elapsed_ms=1.0,
        text="one line",
        blocks=[],
        results=[],
    )
    store.history.attach_message(run_id, text="as shown", blocks=[{"type": "divider"}])
    assert store.history.run_message(run_id) == ("as shown", [{"type": "divider"}])
