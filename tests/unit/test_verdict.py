"""The verdict table: official status × probe results → one answer."""

from __future__ import annotations

from typing import Any

import pytest

from bot.probes import ProbeResult, ProbeState, Surface, classify_close, transcript_verdict
from bot.status.verdict import decide, match_surfaces
from bot.statuspage.page import Summary, parse_summary
from bot.topics import Topic

GROUP = "Deepgram Public API (api.deepgram.com)"


def summary(
    statuses: dict[str, str] | None = None,
    incidents: list[dict[str, Any]] | None = None,
    maintenances: list[dict[str, Any]] | None = None,
) -> Summary:
    names = ["Batch API", "Streaming API", "TTS API", "Voice Agent API", "Management APIs"]
    statuses = statuses or {}
    components: list[dict[str, Any]] = [
        {
            "id": "grp",
            "name": GROUP,
            "status": "operational",
            "group": True,
            "components": [f"c{i}" for i in range(len(names))],
        }
    ]
    components += [
        {"id": f"c{i}", "name": n, "status": statuses.get(n, "operational"), "group_id": "grp"}
        for i, n in enumerate(names)
    ]
    return parse_summary(
        {
            "page": {"name": "Deepgram"},
            "status": {"indicator": "none", "description": "All Systems Operational"},
            "components": components,
            "incidents": incidents or [],
            "scheduled_maintenances": maintenances or [],
        }
    )


def probe(
    surface: Surface, state: ProbeState = "ok", status: int | None = 200, topic: Topic | None = None
) -> ProbeResult:
    return ProbeResult(surface, state, "Deepgram answered something", topic, http_status=status)


def all_ok() -> dict[Surface, ProbeResult]:
    return {s: probe(s) for s in ("auth", "rest", "streaming", "tts")}


def test_matching_is_loose_and_by_surface() -> None:
    """Components match the probed surfaces by name, ignoring case and group prefixes."""
    matched = match_surfaces(summary())
    assert matched["rest"] and matched["rest"].name == "Batch API"
    assert matched["streaming"] and matched["streaming"].name == "Streaming API"
    assert matched["tts"] and matched["tts"].name == "TTS API"
    assert matched["auth"] and matched["auth"].name == "Management APIs"
    # Whole names only (case and a group prefix aside): "live" must not match "Delivery".
    odd = parse_summary(
        {
            "status": {"indicator": "none"},
            "components": [
                {"id": "a", "name": "Deepgram Public API - batch api", "status": "operational"},
                {"id": "b", "name": "Live  Streaming", "status": "operational"},
                {"id": "c", "name": "Webhook Delivery", "status": "operational"},
                {"id": "d", "name": "Aura Text-to-Speech", "status": "operational"},
            ],
        }
    )
    names = {s: c.name if c else None for s, c in match_surfaces(odd).items()}
    assert names == {"rest": "Deepgram Public API - batch api", "streaming": None, "tts": None, "auth": None}


def test_matching_prefers_component_ids(monkeypatch: pytest.MonkeyPatch) -> None:
    """A component id the table knows wins over a name, whatever the component is called now."""
    from dataclasses import replace

    from bot import surfaces
    from bot.status import verdict

    table = tuple(replace(s, component_ids=("zz9",)) if s.id == "tts" else s for s in surfaces.SURFACES)
    monkeypatch.setattr(verdict, "SURFACES", table)
    page = parse_summary(
        {
            "status": {"indicator": "none"},
            "components": [
                {"id": "x1", "name": "TTS API", "status": "operational"},
                {"id": "zz9", "name": "Speech Synthesis (renamed)", "status": "operational"},
            ],
        }
    )
    matched = match_surfaces(page)["tts"]
    assert matched is not None and matched.id == "zz9"


def test_all_good() -> None:
    """Everything operational and every probe ok."""
    v = decide(summary(), all_ok(), key_configured=True)
    assert v.kind == "all_good" and v.healthy


def test_incident_named_and_confirmed() -> None:
    """A reported incident is Deepgram's; failing probes on that surface confirm it."""
    incident = {
        "id": "i1",
        "name": "Elevated streaming latency",
        "status": "investigating",
        "impact": "minor",
        "shortlink": "https://stspg.io/i1",
        "components": [{"id": "c1"}],
    }
    probes = all_ok() | {"streaming": probe("streaming", "failed", None, Topic.NET_0000)}
    v = decide(summary({"Streaming API": "degraded_performance"}, [incident]), probes, key_configured=True)
    assert v.kind == "deepgram_incident" and v.topic == Topic.OUTAGE
    assert "Elevated streaming latency" in str(v.explanation)
    assert "confirm it on Streaming (WebSocket)" in str(v.explanation)
    assert v.incidents[0].shortlink == "https://stspg.io/i1"


def test_degraded_from_here() -> None:
    """Probes fail while the page is green: say which probe, point at its topic."""
    probes = all_ok() | {"rest": ProbeResult("rest", "failed", "Could not connect to Deepgram", Topic.NETWORK)}
    v = decide(summary(), probes, key_configured=True)
    assert v.kind == "degraded_from_here" and v.topic == Topic.NETWORK
    assert "Pre-recorded (REST) probe failed" in str(v.explanation) and "could not connect" in str(v.explanation)


@pytest.mark.parametrize(
    ("status", "kind", "topic"),
    [
        (401, "key_rejected", Topic.UNAUTHORIZED),
        (403, "key_rejected", Topic.FORBIDDEN),
        (402, "no_credits", Topic.CREDITS),
        (429, "rate_limited", Topic.RATE_LIMITED),
    ],
)
def test_account_problems(status: int, kind: str, topic: Topic) -> None:
    """401/403, 402 and 429 from any probe decide the verdict."""
    probes = all_ok() | {"rest": probe("rest", "failed", status)}
    v = decide(summary(), probes, key_configured=True)
    assert v.kind == kind and v.topic == topic and not v.healthy


def test_key_problem_beats_incident() -> None:
    """A 401 is ours even while Deepgram has an incident."""
    incident = {"id": "i1", "name": "TTS errors", "status": "identified"}
    probes = {s: probe(s, "failed", 401) for s in ("auth", "rest", "streaming", "tts")}
    assert decide(summary({}, [incident]), probes, key_configured=True).kind == "key_rejected"


def test_no_key_and_unreachable_page() -> None:
    """Without a key only the official status counts; with neither the status is unknown."""
    skipped = {s: ProbeResult(s, "skipped", "no key") for s in ("auth", "rest", "streaming", "tts")}
    assert decide(summary(), skipped, key_configured=False).kind == "no_key"
    assert decide(None, skipped, key_configured=False).kind == "unknown"
    assert decide(None, all_ok(), key_configured=True).kind == "all_good"
    failing = all_ok() | {"tts": probe("tts", "failed", 503, Topic.SERVER_ERROR)}
    v = decide(None, failing, key_configured=True)
    assert v.kind == "degraded_from_here" and "could not be read" in v.headline


def test_maintenance_in_progress() -> None:
    """Maintenance is mentioned even when everything works."""
    m = {"id": "m1", "name": "Database upgrade", "status": "in_progress", "impact": "maintenance"}
    v = decide(summary({"Batch API": "under_maintenance"}, maintenances=[m]), all_ok(), key_configured=True)
    assert v.kind == "maintenance" and "Database upgrade" in str(v.explanation) and v.healthy


def test_transcript_verdicts() -> None:
    """Empty fails, wrong words degrade, the expected words pass whatever the punctuation."""
    words = ("testing", "speech", "recognition")
    assert transcript_verdict("rest", "", words)[0] == "failed"
    assert transcript_verdict("rest", "hello there", words)[2] == Topic.WRONG_TRANSCRIPT
    assert transcript_verdict("rest", "Testing Deepgram speech recognition, 1 2 3.", words)[0] == "ok"


def test_close_codes() -> None:
    """1011 NET-0001, 1011 NET-0000 and 1008 DATA-0000 map to their own topics."""
    assert (
        classify_close(1011, "Deepgram did not receive audio data … See https://dpgr.am/net0001")[0] == Topic.NET_0001
    )
    assert classify_close(1011, "NET-0000")[0] == Topic.NET_0000
    assert classify_close(1008, "DATA-0000")[0] == Topic.DATA_0000
    assert classify_close(1011, "")[0] == Topic.NET_0000
    assert classify_close(4000, "custom")[0] == Topic.WEBSOCKET
