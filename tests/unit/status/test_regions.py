"""Extra regions (DEEPGRAM_REGION_URLS): where a surface fails and where it works, and the rows shown. Pure."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.probes import ProbeConfig, ProbeResult, ProbeState, Surface
from bot.slack.views.status import report_blocks
from bot.status.probing import ProbeRun, region_config
from bot.status.regions import region_notes
from bot.status.report import build_report
from bot.status.verdict import decide
from bot.statuspage.client import SummaryFetch
from bot.statuspage.parse import parse_summary
from bot.text.status import report_json, report_text

MAIN = "api.deepgram.com"
EU = "api.eu.deepgram.com"


def result(surface: Surface, state: ProbeState = "ok", status: int | None = 200) -> ProbeResult:
    return ProbeResult(surface, state, "Deepgram answered", http_status=status, elapsed_ms=100.0)


def main_results(**states: ProbeState) -> dict[Surface, ProbeResult]:
    surfaces: tuple[Surface, ...] = ("auth", "rest", "streaming")
    return {s: result(s, states.get(s, "ok"), 503 if states.get(s) == "failed" else 200) for s in surfaces}


def test_disagreement_is_told_and_failover_advised() -> None:
    """Failing on the main host on Deepgram's side while EU works: said, and regions never fail over."""
    probes = main_results(streaming="failed")
    eu = {s: result(s) for s in ("rest", "streaming")}
    notes = str(region_notes(MAIN, probes, {EU: eu}))
    assert f"Streaming (WebSocket) fails on {MAIN}, works on {EU}." in notes
    assert "Regions never fail over" in notes
    assert "Pre-recorded" not in notes
    # The headline is the decision table's own; the comparison only joins the explanation.
    alone = decide(None, probes, key_configured=True)
    both = decide(None, probes, key_configured=True, host=MAIN, regions={EU: eu})
    assert (both.kind, both.headline) == (alone.kind, alone.headline)
    assert str(both.explanation).startswith(str(alone.explanation))
    assert f"fails on {MAIN}, works on {EU}" in str(both.explanation)


def test_the_reverse_and_agreement() -> None:
    """A region failing where the main host works is said the other way round, without the advice;
    hosts that agree (or a skipped probe) add nothing."""
    notes = str(region_notes(MAIN, main_results(), {EU: {"rest": result("rest", "failed", 503)}}))
    assert notes == f"Pre-recorded (REST) fails on {EU}, works on {MAIN}."
    assert not region_notes(MAIN, main_results(), {EU: {"rest": result("rest")}})
    assert not region_notes(MAIN, main_results(), {EU: {"rest": result("rest", "skipped", None)}})
    assert not region_notes(MAIN, main_results(), {})


def test_region_config_puts_everything_on_the_regional_host() -> None:
    main = ProbeConfig("https://api.deepgram.com", "wss://api.deepgram.com", "k" * 40, agent_url="wss://agent.x")
    eu = region_config(main, "https://api.eu.deepgram.com/")
    assert (eu.api_url, eu.ws_url, eu.agent_url, eu.api_key) == (
        "https://api.eu.deepgram.com",
        "wss://api.eu.deepgram.com",
        "wss://api.eu.deepgram.com",
        "k" * 40,
    )


def test_region_rows_in_every_view() -> None:
    """One row per region per surface, labelled `<surface> · <host>`; JSON keys them by host."""
    run = ProbeRun(
        main_results(streaming="failed"), 120.0, MAIN, {EU: {"rest": result("rest"), "streaming": result("streaming")}}
    )
    fetch = SummaryFetch("fresh", parse_summary({"status": {"indicator": "none"}}), 1.0)
    report = build_report(
        fetch, run, key_configured=True, checked_at=datetime(2026, 1, 1, tzinfo=UTC), status_url="https://s"
    )
    text = report_text(report)
    assert f"Streaming (WebSocket) · {EU}" in text and f"fails on {MAIN}, works on {EU}" in text
    data = report_json(report)
    assert data["host"] == MAIN and set(data["regions"][EU]) == {"rest", "streaming"}
    assert data["regions"][EU]["streaming"]["state"] == "ok" and "auth" not in data["regions"][EU]
    blocks = str(report_blocks(report))
    assert f"*Pre-recorded (REST) · {EU}*" in blocks
