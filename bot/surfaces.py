"""The table of surfaces: the one place that lists what the bot probes.

A surface is one way a team uses Deepgram (the key and management API, pre-recorded transcription,
streaming transcription, text-to-speech, …). Each row says everything the rest of the bot needs to
know about it: how it is labelled, which probe tests it and when that probe counts as slow, which
components of Deepgram's status page report on it, which playbooks explain its failures, which words
pick it in `/deepgram subscribe`, and what one probe run costs. The status report, the verdict, the
history, the subscription filters, the own-probe alerts and the cost estimate all read this table;
adding a surface is adding a row.

Status-page components are matched by **id** first and by **exact name** (case-insensitive, with any
"Group - " prefix removed) as a fallback (statuspage.md §7). The names below are the ones third
parties observed on status.deepgram.com (unverified); ids are listed where they are known. No
component is known for Flux or the TTS socket: their rows name the component of the API they run on.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass

import httpx

from bot.probes.agent import probe_agent
from bot.probes.clip import Clip
from bot.probes.flux import probe_flux
from bot.probes.http import TTS_TEXT, probe_auth, probe_rest, probe_tts
from bot.probes.result import ProbeConfig, ProbeResult
from bot.probes.streaming import probe_streaming
from bot.probes.tts_stream import probe_tts_stream
from bot.topics import Topic

__all__ = [
    "SURFACES",
    "SURFACE_IDS",
    "THIRD_PARTY",
    "ProbeContext",
    "RunCost",
    "SurfaceSpec",
    "ThirdParty",
    "component_key",
    "enabled",
    "surface",
    "surface_for_word",
    "third_party",
]


@dataclass(frozen=True)
class ProbeContext:
    """What every probe is given: a client without pooled connections, where to probe, the clip."""

    http: httpx.AsyncClient
    config: ProbeConfig
    clip: Clip


@dataclass(frozen=True)
class RunCost:
    """What one run of a surface's probe spends, in Deepgram's billing units."""

    prerecorded_audio: bool = False  # the clip, sent once to `/v1/listen`
    streaming_audio: bool = False  # the clip, streamed once
    #: the clip streamed once to Flux `/v2/listen`, plus up to `bot.probes.flux.SILENCE_SECONDS` of
    #: trailing silence (billed as audio like the rest)
    flux_audio: bool = False
    tts_characters: int = 0  # REST and socket TTS alike are billed per character
    #: Voice Agent connection time (billed per minute of connection, deepgram-realtime.md §1.10; whether
    #: a few seconds are rounded up to a minute is unverified): the session alone, and what the optional
    #: turn (`ProbeConfig.agent_turn`) adds, which also spends managed-LLM tokens and a word of TTS
    agent_seconds: float = 0.0
    agent_turn_seconds: float = 0.0


Probe = Callable[[ProbeContext, float], Awaitable[ProbeResult]]


@dataclass(frozen=True)
class SurfaceSpec:
    id: str
    label: str
    probe: Probe = None  # type: ignore[assignment]  # always given; a default would hide a missing probe
    #: Above this a probe that works is reported as slow (milliseconds).
    slow_ms: float = 3000
    #: Statuspage component ids that report on this surface, when known.
    component_ids: tuple[str, ...] = ()
    #: Exact component names (case-insensitive, group prefix removed): the fallback when ids are unknown.
    component_names: tuple[str, ...] = ()
    #: Playbooks about this surface, most general first.
    topics: tuple[Topic, ...] = ()
    #: Words that choose this surface in `/deepgram subscribe`; the id itself always does.
    filter_words: tuple[str, ...] = ()
    cost: RunCost = RunCost()

    def words(self) -> tuple[str, ...]:
        return (self.id, *self.filter_words)


async def _auth(ctx: ProbeContext, slow_ms: float) -> ProbeResult:
    return await probe_auth(ctx.http, ctx.config, slow_ms=slow_ms)


async def _rest(ctx: ProbeContext, slow_ms: float) -> ProbeResult:
    return await probe_rest(ctx.http, ctx.config, ctx.clip, slow_ms=slow_ms)


async def _streaming(ctx: ProbeContext, slow_ms: float) -> ProbeResult:
    return await probe_streaming(ctx.config, ctx.clip, slow_ms=slow_ms)


async def _tts(ctx: ProbeContext, slow_ms: float) -> ProbeResult:
    return await probe_tts(ctx.http, ctx.config, slow_ms=slow_ms)


async def _agent(ctx: ProbeContext, slow_ms: float) -> ProbeResult:
    return await probe_agent(ctx.http, ctx.config, slow_ms=slow_ms)


async def _flux(ctx: ProbeContext, slow_ms: float) -> ProbeResult:
    return await probe_flux(ctx.config, ctx.clip, slow_ms=slow_ms)


async def _tts_stream(ctx: ProbeContext, slow_ms: float) -> ProbeResult:
    return await probe_tts_stream(ctx.config, slow_ms=slow_ms)


SURFACES: tuple[SurfaceSpec, ...] = (
    SurfaceSpec(
        id="auth",
        label="Key & management API",
        probe=_auth,
        slow_ms=2000,
        component_names=("Management APIs", "Management API"),
        topics=(Topic.UNAUTHORIZED, Topic.FORBIDDEN, Topic.CREDITS),
        filter_words=("key", "management"),
    ),
    SurfaceSpec(
        id="rest",
        label="Pre-recorded (REST)",
        probe=_rest,
        slow_ms=5000,
        component_names=("Batch API", "Pre-recorded API"),
        topics=(Topic.BAD_REQUEST, Topic.TIMEOUT, Topic.EMPTY_TRANSCRIPT, Topic.WRONG_TRANSCRIPT),
        filter_words=("batch", "prerecorded", "pre-recorded", "listen"),
        cost=RunCost(prerecorded_audio=True),
    ),
    SurfaceSpec(
        id="streaming",
        label="Streaming (WebSocket)",
        probe=_streaming,
        slow_ms=3000,
        component_names=("Streaming API", "Real-time API", "Live API"),
        topics=(Topic.WEBSOCKET, Topic.NET_0000, Topic.NET_0001, Topic.DATA_0000),
        filter_words=("stream", "live", "ws", "websocket"),
        cost=RunCost(streaming_audio=True),
    ),
    SurfaceSpec(
        id="tts",
        label="Text-to-speech",
        probe=_tts,
        slow_ms=3000,
        component_names=("TTS API", "Text-to-Speech API"),
        topics=(Topic.TTS_AUDIO,),
        filter_words=("speak", "aura", "text-to-speech"),
        cost=RunCost(tts_characters=len(TTS_TEXT)),
    ),
    SurfaceSpec(
        id="agent",
        label="Voice Agent",
        probe=_agent,
        # handshake + Welcome + SettingsApplied (+ first agent audio when the turn runs)
        slow_ms=5000,
        # "Voice Agent API" (statuspage.md §7). Its sibling "Voice Agent API: Downstream Providers"
        # (`7n3stjcbj4bx`) reports on the managed LLM/TTS providers: a result with `provider_failure`.
        component_ids=("r2z04fcdhhzb",),
        component_names=("Voice Agent API",),
        topics=(
            Topic.AGENT_CONNECT,
            Topic.AGENT_SETTINGS,
            Topic.AGENT_CLIENT_TIMEOUT,
            Topic.AGENT_LISTEN,
            Topic.AGENT_THINK_PROVIDER,
            Topic.AGENT_SPEAK_PROVIDER,
            Topic.AGENT_FUNCTIONS,
            Topic.AGENT_DOWNSTREAM,
        ),
        filter_words=("voice-agent", "voiceagent", "converse"),
        # estimates: up to 2 s of connection for the session, about 5 s more for the turn
        cost=RunCost(agent_seconds=2.0, agent_turn_seconds=5.0),
    ),
    SurfaceSpec(
        id="flux",
        label="Flux (v2 streaming)",
        probe=_flux,
        # handshake + end of turn after the clip, which includes Flux's own end-of-turn wait
        slow_ms=3000,
        # No Flux component is known (statuspage.md §7): Flux runs on the streaming API.
        component_names=("Streaming API", "Real-time API", "Live API"),
        topics=(Topic.FLUX, Topic.FLUX_CLOSED, Topic.EMPTY_TRANSCRIPT, Topic.WRONG_TRANSCRIPT),
        filter_words=("v2", "listen-v2"),
        cost=RunCost(flux_audio=True),
    ),
    SurfaceSpec(
        id="tts_stream",
        label="TTS streaming (WebSocket)",
        probe=_tts_stream,
        slow_ms=3000,
        # No component is known for the TTS socket (statuspage.md §7): it is part of the TTS API.
        component_names=("TTS API", "Text-to-Speech API"),
        topics=(Topic.TTS_WEBSOCKET, Topic.DATA_0001, Topic.TTS_AUDIO),
        filter_words=("tts-ws", "speak-ws", "tts-stream", "tts-websocket"),
        cost=RunCost(tts_characters=len(TTS_TEXT)),
    ),
)

SURFACE_IDS: tuple[str, ...] = tuple(s.id for s in SURFACES)
_BY_ID: Mapping[str, SurfaceSpec] = {s.id: s for s in SURFACES}
_BY_WORD: Mapping[str, SurfaceSpec] = {w: s for s in SURFACES for w in s.words()}


def surface(surface_id: str) -> SurfaceSpec:
    return _BY_ID[surface_id]


def enabled(ids: Sequence[str] = ()) -> tuple[SurfaceSpec, ...]:
    """The rows `PROBE_SURFACES` chose, in table order; no choice means every surface."""
    wanted = set(ids)
    return tuple(s for s in SURFACES if not wanted or s.id in wanted)


def surface_for_word(word: str) -> SurfaceSpec | None:
    """The surface a user means by `word` in `/deepgram subscribe` (`batch`, `ws`, `aura`…), if any."""
    return _BY_WORD.get(word.lower())


def component_key(name: str) -> str:
    """A component name as the table compares it: lower case, no `Group - ` prefix, spaces folded."""
    name = name.lower().rsplit(" - ", 1)[-1]
    return re.sub(r"\s+", " ", name).strip()


# -- third parties behind a surface ------------------------------------------------------------------


@dataclass(frozen=True)
class ThirdParty:
    """A status-page component that reports on someone else's service behind a surface, not on Deepgram's
    own API: its trouble is told as `label`, never as a Deepgram outage (statuspage.md §7)."""

    component_id: str
    #: Exact name (compared like the table's names: any case, no group prefix): the fallback to the id.
    name: str
    #: The surface it sits behind.
    behind: str
    label: str


THIRD_PARTY: tuple[ThirdParty, ...] = (
    # The managed LLM/TTS providers of the Voice Agent (e.g. Gemini); Deepgram degrades only this
    # component during a provider outage. 65.81 % available in June 2026 (AIWatch, statuspage.md §7).
    ThirdParty("7n3stjcbj4bx", "Voice Agent API: Downstream Providers", "agent", "a provider behind the Voice Agent"),
)


def third_party(component_id: str, name: str = "") -> ThirdParty | None:
    """The third party a status-page component reports on: by id, else by exact name; None for Deepgram's own."""
    by_id = next((t for t in THIRD_PARTY if t.component_id == component_id), None)
    key = component_key(name) if name else None
    return by_id or next((t for t in THIRD_PARTY if key and component_key(t.name) == key), None)
