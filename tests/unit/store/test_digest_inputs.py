"""`store.asks`, `store.balances` and `store.stats`: what the weekly digest reads, and their retention."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime

from bot.store import BalanceSample, LoggedIncident, Outcome, ProbeRecord, Store
from bot.units import percentile
from tests.history_fixture import record_results


def test_the_schema_has_the_digest_columns(store: Store) -> None:
    assert "m0008_digest_details" in store.applied_migrations()
    assert "components" in store.db.table("incident_log").columns_dict
    assert "project_name" in store.db.table("balance_samples").columns_dict


def test_topic_asks_count_per_day_and_are_forgotten(store: Store) -> None:
    """One counter per topic per day; counts sum over [start, end); forgetting drops whole days."""
    for day, topic in [("2026-12-01", "401"), ("2026-12-01", "401"), ("2026-12-02", "401"), ("2026-12-02", "429")]:
        store.asks.record(topic, day=day)
    store.asks.record("websocket", day="2026-12-08")
    assert store.asks.counts("2026-12-01", "2026-12-08") == {"401": 3, "429": 1}
    assert list(store.asks.counts("2026-12-01", "2026-12-09")) == ["401", "429", "websocket"]  # most asked first
    assert store.asks.counts("2026-12-03", "2026-12-08") == {}
    assert store.db.execute("SELECT COUNT(*) FROM topic_asks").fetchone()[0] == 4
    assert store.asks.forget_before("2026-12-02") == 1
    assert store.asks.counts("2026-11-01", "2027-01-01") == {"401": 1, "429": 1, "websocket": 1}
    # Nothing about who asked, or what: the table has no place for it.
    assert set(store.db.table("topic_asks").columns_dict) == {"day", "topic", "count"}


def test_balance_samples(store: Store) -> None:
    assert store.balances.latest_at() is None and store.balances.between(0, 1e12) == []
    kept = store.balances.record(
        [
            BalanceSample(100.0, "p1", 50.0, "usd", "Prod"),
            BalanceSample(100.0, "p2", 7.5),
            BalanceSample(200.0, "p1", 49),
        ]
    )
    assert kept == 3 and store.balances.latest_at() == 200.0
    assert store.balances.between(100.0, 200.0) == [
        BalanceSample(100.0, "p1", 50.0, "usd", "Prod"),
        BalanceSample(100.0, "p2", 7.5, "usd", None),
    ]
    assert store.balances.forget_before(150.0) == 2
    assert store.balances.between(0, 1e12) == [BalanceSample(200.0, "p1", 49.0)]


def test_outcomes_count_per_surface_state_and_cause_in_the_period(store: Store) -> None:
    record_results(store, 99.0, ProbeRecord("rest", "failed", None, cause="theirs:server"))  # before the period
    record_results(store, 100.0, ProbeRecord("rest", "ok", 10.0), ProbeRecord("tts", "skipped", None))
    server_error = ProbeRecord("rest", "failed", None, cause="theirs:server")
    record_results(store, 150.0, server_error, ProbeRecord("tts", "ok", 5.0))
    record_results(store, 160.0, ProbeRecord("rest", "failed", None, cause="theirs:server"))
    record_results(store, 200.0, ProbeRecord("rest", "ok", 10.0))  # the end is excluded
    got = sorted(store.stats.outcomes(["rest", "tts", "agent"], 100.0, 200.0), key=lambda o: (o.surface, o.state))
    assert got == [
        Outcome("rest", "failed", "theirs:server", 2),
        Outcome("rest", "ok", None, 1),
        Outcome("tts", "ok", None, 1),
        Outcome("tts", "skipped", None, 1),
    ]
    assert store.stats.outcomes([], 0, 1e12) == []


def test_latency_percentiles_are_the_history_s_nearest_rank(store: Store) -> None:
    """The same nearest-rank percentiles as `/deepgram history`, over the runs that worked (slow included)."""
    rng = random.Random(4)
    latencies = [round(rng.uniform(50, 900), 1) for _ in range(101)]
    for i, ms in enumerate(latencies):
        state = "degraded" if i % 10 == 0 else "ok"
        record_results(store, 1000.0 + i, ProbeRecord("streaming", state, ms), ProbeRecord("rest", "failed", 9999.0))
    record_results(store, 1000.5, ProbeRecord("streaming", "ok", None))  # no latency: not counted
    got = store.stats.latency_percentiles(["streaming", "rest", "tts"], 1000.0, 2000.0)
    assert got == {"streaming": {50: percentile(latencies, 50), 95: percentile(latencies, 95)}}
    single = store.stats.latency_percentiles(["streaming"], 1000.0, 1001.0, quantiles=(50, 95, 99))
    assert single == {"streaming": {50: latencies[0], 95: latencies[0], 99: latencies[0]}}


def test_incidents_with_their_components_and_their_retention(store: Store) -> None:
    rows = [
        {
            "id": "a",
            "name": "Streaming errors",
            "impact": "major",
            "link": "https://stspg.io/a",
            "started_at": "2026-12-01T10:00:00Z",
            "resolved_at": "2026-12-01T11:00:00+00:00",
            "components": json.dumps(["Streaming API"]),
        },
        {
            "id": "b",
            "name": None,
            "impact": "minor",
            "link": None,
            "started_at": "2026-12-03T10:00:00Z",
            "resolved_at": None,
        },  # fmt: skip
        {
            "id": "c",
            "name": "Old",
            "impact": "none",
            "link": None,
            "started_at": "2026-10-01T10:00:00Z",
            "resolved_at": "2026-10-01T12:00:00Z",
            "components": "not json",
        },  # fmt: skip
    ]
    store.monitor.commit_events({}, [], now=0, incidents=rows)
    got = store.stats.incidents()
    assert [i.id for i in got] == ["c", "a", "b"]
    assert got[1] == LoggedIncident(
        id="a",
        name="Streaming errors",
        impact="major",
        link="https://stspg.io/a",
        started_at=datetime(2026, 12, 1, 10, tzinfo=UTC),
        resolved_at=datetime(2026, 12, 1, 11, tzinfo=UTC),
        components=("Streaming API",),
    )
    assert got[2].name == "Untitled" and got[2].components == () and got[2].resolved_at is None
    assert got[0].components == ()
    cutoff = datetime(2026, 12, 1, 10, 30, tzinfo=UTC).timestamp()
    assert store.stats.forget_incidents_resolved_before(cutoff) == 1  # "c"; "a" ended after, "b" is open
    assert [i.id for i in store.stats.incidents()] == ["a", "b"]
