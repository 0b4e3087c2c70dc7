"""The digest of a fixture week (`tests/unit/digest/week.py`), every part checked by hand."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from bot.alerts.subscribing import AGENT_USD_PER_MIN, PRERECORDED_USD_PER_MIN, STREAMING_USD_PER_MIN
from bot.digest import BalanceTrend, CauseCount, Digest, DigestInputs, Failures, TopicCount, compose
from bot.store import Outcome
from tests.unit.digest.week import INPUTS, PERIOD, at, fixture_digest


def test_the_week_s_incidents_with_durations_and_impact() -> None:
    """Open at some moment of the week (one that began before it included), in the order they started."""
    digest = fixture_digest()
    assert [i.name for i in digest.incidents] == [
        "Elevated batch latency",
        "Streaming API outage",
        "Streaming degraded",
        "Website issue",
        "Provider outage",
    ]
    batch, outage, _, website, provider = digest.incidents
    assert outage.impact == "major" and outage.duration_seconds == 2.5 * 3600 and not outage.ongoing
    assert outage.link == "https://stspg.io/a" and outage.components == ("Streaming API",)
    assert batch.duration_seconds == 3 * 3600  # its whole length, though it began before the week
    assert website.duration_seconds == 20 * 60 and website.components == ()
    assert provider.ongoing and provider.duration_seconds is None
    assert digest.unattributed_incidents == 1


def test_uptime_per_surface_beside_the_status_page() -> None:
    """Runs that ran (skipped ones aside) and worked (slow counts); the page's incidents on the surface's
    components, overlaps counted once and clipped to the week; a third party's component is not the surface's."""
    digest = fixture_digest()
    weeks = {s.surface: s for s in digest.surfaces}
    assert list(weeks) == ["rest", "streaming", "tts", "agent", "flux"]  # table order; flux ran though not enabled
    rest, streaming, tts, agent, flux = weeks.values()
    assert (rest.runs, rest.working, rest.uptime) == (1000, 995, 0.995)
    assert (streaming.runs, streaming.working, streaming.uptime) == (1000, 900, 0.9)
    assert (tts.runs, tts.uptime) == (0, None)  # only skipped runs
    assert (agent.runs, agent.uptime) == (0, None)
    assert (flux.runs, flux.working) == (12, 10)
    assert (rest.page_incidents, rest.page_seconds) == (1, 3600.0)  # 09:00-10:00 of the batch incident
    assert (streaming.page_incidents, streaming.page_seconds) == (2, 3 * 3600.0)  # 10:00-13:00, overlap once
    assert (flux.page_incidents, flux.page_seconds) == (2, 3 * 3600.0)  # Flux reports on the streaming components
    assert (agent.page_incidents, tts.page_incidents) == (0, 0)  # the provider component is a third party
    assert rest.label == "Pre-recorded (REST)"


def test_latency_this_week_against_the_week_before() -> None:
    weeks = {s.surface: s for s in fixture_digest().surfaces}
    rest, streaming, agent = weeks["rest"], weeks["streaming"], weeks["agent"]
    assert (rest.p50_ms, rest.previous_p50_ms, rest.p50_change) == (800.0, 1000.0, -0.2)
    assert (rest.p95_ms, rest.previous_p95_ms, rest.p95_change) == (1500.0, 1500.0, 0.0)
    assert (streaming.p50_ms, streaming.previous_p50_ms, streaming.p50_change) == (3000.0, None, None)
    assert (agent.p50_ms, agent.previous_p50_ms, agent.p95_change) == (None, 2000.0, None)


def test_failed_runs_by_cause() -> None:
    failures = fixture_digest().failures
    assert failures.causes == (
        CauseCount("theirs", "closed", 100),
        CauseCount("theirs", "server", 3),
        CauseCount("ours", "network", 2),
        CauseCount("unclassified", "unclassified", 2),
    )
    assert (failures.total, failures.degraded) == (107, 5)
    assert [failures.side_total(s) for s in ("theirs", "ours", "other")] == [103, 2, 2]
    assert failures.causes[0].words == "Deepgram closed the connection"


def test_the_probes_cost_runs_times_what_one_run_costs() -> None:
    """3-second clip: 1,000 REST runs are 50 min of pre-recorded audio, 1,000 streaming runs 50 min, 12 Flux
    runs 0.6 min; TTS only skipped (nothing), the Voice Agent never ran."""
    cost = fixture_digest().cost
    assert cost.runs == 2012
    assert (cost.prerecorded_minutes, cost.streaming_minutes) == pytest.approx((50.0, 50.0))
    assert cost.flux_minutes == pytest.approx(0.6) and cost.agent_minutes == 0 and cost.tts_characters == 0
    assert cost.usd == pytest.approx(50 * PRERECORDED_USD_PER_MIN + 50 * STREAMING_USD_PER_MIN)


def test_the_cost_of_voice_agent_turns_and_tts_characters() -> None:
    outcomes = (Outcome("agent", "ok", None, 60), Outcome("tts", "ok", None, 10), Outcome("tts_stream", "ok", None, 1))
    session = compose(DigestInputs(PERIOD, outcomes=outcomes, clip_seconds=3.0)).cost
    turns = compose(DigestInputs(PERIOD, outcomes=outcomes, clip_seconds=3.0, agent_turn=True)).cost
    assert session.agent_minutes == pytest.approx(60 * 2 / 60)  # 2 s of session per run
    assert turns.agent_minutes == pytest.approx(60 * 7 / 60)  # plus about 5 s for the turn
    assert turns.usd == pytest.approx(7 * AGENT_USD_PER_MIN)
    from bot.probes import TTS_TEXT

    assert session.tts_characters == 11 * len(TTS_TEXT)


def test_the_balance_trend_per_project() -> None:
    p1, p2 = fixture_digest().balances
    assert p1 == BalanceTrend("p1", "Prod", "usd", 100.0, 60.5, at(1, 9), at(6, 9), 3)
    assert p1.change == -39.5
    assert (p2.project_name, p2.first, p2.last, p2.samples, p2.change) == (None, 5.0, 5.0, 1, 0.0)
    assert compose(replace(INPUTS, balances=())).balances == ()  # unknown: the renderers say so


def test_the_most_asked_topics_counts_only() -> None:
    digest = fixture_digest()
    assert digest.topics == (
        TopicCount("401", "401 Unauthorized", 5),
        TopicCount("429", "429 Too Many Requests", 3),
        TopicCount("websocket", "The streaming WebSocket will not open", 3),
        TopicCount("retired-topic", "retired-topic", 2),  # a topic no playbook has any more: its id
        TopicCount("5xx", "5xx: Deepgram had a server error", 1),
    )
    assert digest.asks == 15


def test_an_empty_week() -> None:
    digest = compose(DigestInputs(PERIOD, surfaces=()))
    assert digest == Digest(PERIOD)
    assert (digest.runs, digest.failures, digest.cost.usd, digest.unattributed_incidents) == (0, Failures(), 0, 0)


def test_json_round_trip() -> None:
    """What the outbox stores and the courier rebuilds: equal, through real JSON text."""
    digest = fixture_digest()
    text = json.dumps(digest.to_json())
    assert Digest.from_json(json.loads(text)) == digest
    assert json.loads(text)["version"] == Digest.VERSION and json.loads(text)["period"]["end_day"] == "2026-12-07"


def test_from_json_reads_what_an_older_version_wrote() -> None:
    """Missing parts and fields take their defaults; unknown fields are ignored."""
    old = {
        "period": {"end_day": "2026-12-07"},
        "surfaces": [{"surface": "rest", "label": "Pre-recorded (REST)", "runs": 3, "working": 2, "later": 1}],
        "incidents": [{"name": "X", "started_at": "2026-12-01T10:00:00Z"}],
    }
    digest = Digest.from_json(old)
    assert digest.period == PERIOD and digest.surfaces[0].uptime == pytest.approx(2 / 3)
    assert digest.incidents[0].started_at == datetime(2026, 12, 1, 10, tzinfo=UTC) and digest.incidents[0].ongoing
    assert (digest.balances, digest.topics, digest.cost.runs) == ((), (), 0)
