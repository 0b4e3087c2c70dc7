"""Rendering the status report: Slack limits, escaping, local-time tokens, text and JSON forms."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from bot.deepgram import DeepgramError
from bot.probes import ProbeResult
from bot.slack.views.status import report_blocks, status_actions
from bot.status.probing import ProbeRun
from bot.status.report import build_report
from bot.statuspage.client import SummaryFetch
from bot.statuspage.parse import parse_summary
from bot.surfaces import SURFACE_IDS
from bot.text.status import report_json, report_text
from bot.topics import Topic

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


def probes(**overrides: ProbeResult) -> ProbeRun:
    results = {s: ProbeResult(s, "ok", "Fine", elapsed_ms=120.0) for s in SURFACE_IDS}
    results.update(overrides)  # type: ignore[arg-type]
    return ProbeRun(results, 130.0)  # type: ignore[arg-type]


def noisy_summary() -> dict[str, Any]:
    incidents = [
        {
            "id": f"inc{i:09d}",
            "name": f"<!channel> outage {i} & more",
            "status": "investigating",
            "impact": "major",
            "shortlink": f"https://stspg.io/inc{i}",
            "created_at": "2026-11-24T11:00:00Z",
            "incident_updates": [
                {"id": "u", "status": "investigating", "body": "x" * 5000, "display_at": "2026-11-24T11:05:00Z"}
            ],
        }
        for i in range(20)
    ]
    components = [{"id": f"c{i}", "name": f"Component {i}", "status": "operational"} for i in range(200)]
    return {
        "status": {"indicator": "major"},
        "components": components,
        "incidents": incidents,
        "scheduled_maintenances": [],
    }


def test_limits_and_escaping_with_a_noisy_page() -> None:
    """20 incidents with huge bodies and 200 components stay within Block Kit limits, escaped."""
    summary = parse_summary(noisy_summary())
    report = build_report(
        SummaryFetch("fresh", summary, 10.0),
        probes(),
        key_configured=True,
        checked_at=NOW,
        status_url="https://status.deepgram.com",
    )
    blocks = [*report_blocks(report), status_actions(7)]
    assert len(blocks) <= 50
    for block in blocks:
        if block["type"] == "section":
            assert len(block["text"]["text"]) <= 3000
        if block["type"] == "header":
            assert len(block["text"]["text"]) <= 150
        for element in block.get("elements", []):
            if element.get("type") == "mrkdwn":
                assert len(element["text"]) <= 2000
    dumped = json.dumps(blocks)
    assert "<!channel>" not in dumped and "&lt;!channel&gt; outage 0 &amp; more" in dumped
    assert "<!date^1795518000^" in dumped  # the incident start, shown in each reader's zone


def test_failure_row_carries_deepgram_words_topic_and_request_id() -> None:
    """A failed probe shows Deepgram's code and message (escaped), the playbook and the request id."""
    failed = ProbeResult(
        "rest",
        "failed",
        "Deepgram rejected the key (401)",
        Topic.UNAUTHORIZED,
        80.0,
        {"connect_ms": 12.0, "ttfb_ms": 70.0},
        401,
        error=DeepgramError(401, "INVALID_AUTH", "Invalid <credentials>.", "req-1"),
        request_id="req-1",
    )
    report = build_report(
        SummaryFetch("error", None, 5.0, None, "timed out"),
        probes(rest=failed),
        key_configured=True,
        checked_at=NOW,
        status_url="https://status.deepgram.com",
    )
    text = json.dumps(report_blocks(report))
    assert "`INVALID_AUTH` Invalid &lt;credentials&gt;." in text
    assert "`/deepgram why 401`" in text and "Request id: `req-1`" in text
    assert "could not be read (timed out)" in text
    assert failed.phase_line() == "connect 12 ms · first byte 70 ms"
    assert "Deepgram said: INVALID_AUTH Invalid <credentials>." in report_text(report)
    as_json = report_json(report)
    assert as_json["verdict"]["kind"] == "key_rejected" and as_json["probes"]["rest"]["error_code"] == "INVALID_AUTH"
    assert as_json["official"]["state"] == "error"


def test_shared_copy_has_no_buttons() -> None:
    """The stored copy for "Post to channel" has no actions block; the interactive one has both buttons."""
    report = build_report(
        SummaryFetch("fresh", parse_summary({"status": {"indicator": "none"}}), 1.0),
        probes(),
        key_configured=True,
        checked_at=NOW,
        status_url="https://status.deepgram.com",
    )
    assert not [b for b in report_blocks(report) if b["type"] == "actions"]
    actions = status_actions(3)
    assert [e["value"] for e in actions["elements"]] == ["3", "3"]


def test_each_surface_shows_its_official_state_and_verdict() -> None:
    """By id against components.json: a row per surface with its official state and its verdict line; the
    Downstream Providers component as a provider behind the Voice Agent; Usage API under other components;
    JSON `surfaces` with official, cause and verdict for scripts."""
    components = [
        {"id": "grp", "name": "Deepgram Public API (api.deepgram.com)", "status": "operational", "group": True},
        {"id": "str000000001", "name": "Streaming API", "status": "partial_outage", "group_id": "grp"},
        {"id": "r2z04fcdhhzb", "name": "Voice Agent API", "status": "operational", "group_id": "grp"},
        {"id": "7n3stjcbj4bx", "name": "Voice Agent API: Downstream Providers", "status": "major_outage"},
        {"id": "usg000000001", "name": "Usage API", "status": "operational", "group_id": "grp"},
    ]
    summary = parse_summary(
        {
            "status": {"indicator": "major"},
            "components": components,
            "incidents": [
                {
                    "id": "i1",
                    "name": "Streaming <errors>",
                    "status": "investigating",
                    "impact": "major",
                    "components": [{"id": "str000000001"}],
                }
            ],
        }
    )
    refused = ProbeResult("streaming", "failed", "Could not open the streaming connection to Deepgram", Topic.WEBSOCKET)
    report = build_report(
        SummaryFetch("fresh", summary, 3.0),
        probes(streaming=refused),
        key_configured=True,
        checked_at=NOW,
        status_url="https://status.deepgram.com",
    )
    assert report.verdict.kind == "network_problem" and report.verdict.headline.startswith("Fix on our side")
    text = json.dumps(report_blocks(report), ensure_ascii=False)
    assert "Official: :large_orange_circle: Partial outage · *Streaming &lt;errors&gt;*" in text
    assert ":x: Fix on our side: the bot cannot reach Deepgram" in text
    assert "a provider behind the Voice Agent: :red_circle: Major outage" in text
    assert "Other components · Usage API: :large_green_circle: Operational" in text
    assert "Nothing to fix" not in text
    terminal = report_text(report)
    assert "verdict: Fix on our side" in terminal and "a provider behind the Voice Agent: major outage" in terminal
    as_json = report_json(report)
    assert {k: as_json["verdict"][k] for k in ("kind", "healthy")} == {"kind": "network_problem", "healthy": False}
    assert set(as_json["verdict"]) >= {"kind", "healthy", "headline", "explanation", "topic"}
    streaming = as_json["surfaces"]["streaming"]
    assert (streaming["official"], streaming["cause"], streaming["reason"], streaming["verdict"]) == (
        "outage",
        "ours",
        "network",
        "ours",
    )
    agent = as_json["surfaces"]["agent"]
    assert (agent["official"], agent["cause"], agent["verdict"]) == ("third_party", "ok", "provider")
    assert "a provider behind the Voice Agent" in agent["line"] and "Deepgram is down" not in json.dumps(as_json)
    assert set(as_json["surfaces"]) == set(SURFACE_IDS)
