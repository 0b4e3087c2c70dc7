"""The realtime rows of the table of surfaces: the Voice Agent, Flux and the TTS socket."""

from __future__ import annotations

from bot import surfaces
from bot.status import verdict
from bot.statuspage.parse import parse_summary
from bot.surfaces import surface_for_word
from bot.topics import Topic


def test_realtime_rows() -> None:
    """The Voice Agent, Flux and the TTS socket: their status-page components, words and playbooks."""
    agent, flux, tts_stream = surfaces.surface("agent"), surfaces.surface("flux"), surfaces.surface("tts_stream")
    assert agent.component_ids == ("r2z04fcdhhzb",) and agent.component_names == ("Voice Agent API",)
    assert "Streaming API" in flux.component_names and "TTS API" in tts_stream.component_names
    assert [surface_for_word(w).id for w in ("agent", "voice-agent", "flux", "v2", "tts-ws", "speak-ws")] == [  # type: ignore[union-attr]
        "agent",
        "agent",
        "flux",
        "flux",
        "tts_stream",
        "tts_stream",
    ]
    assert Topic.AGENT_THINK_PROVIDER in agent.topics and Topic.FLUX_CLOSED in flux.topics
    assert Topic.DATA_0001 in tts_stream.topics
    assert agent.cost.agent_seconds > 0 and flux.cost.flux_audio and tts_stream.cost.tts_characters > 0
    page = parse_summary(
        {
            "status": {"indicator": "minor"},
            "components": [
                {
                    "id": "r2z04fcdhhzb",
                    "name": "Deepgram Public API - Voice Agent API",
                    "status": "degraded_performance",
                },
                {"id": "7n3stjcbj4bx", "name": "Voice Agent API: Downstream Providers", "status": "operational"},
            ],
        }
    )
    matched = verdict.match_surfaces(page)["agent"]
    assert matched is not None and matched.id == "r2z04fcdhhzb"
