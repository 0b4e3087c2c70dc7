"""Oversized answers from the fake Deepgram: every probe fails clearly (5xx playbook) and reads no more than its cap.

HTTP answers are refused from `Content-Length` when there is one, else while streaming; a WebSocket
message over `max_size` is refused by `websockets` with close 1009, which the probes name.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace

import httpx
import pytest

from bot.limits import DEEPGRAM_JSON_MAX, WS_AUDIO_MAX, WS_TEXT_MAX, format_size
from bot.probes import (
    Clip,
    ProbeConfig,
    ProbeResult,
    probe_agent,
    probe_auth,
    probe_flux,
    probe_rest,
    probe_streaming,
    probe_tts,
    probe_tts_stream,
)
from bot.probes.http import TTS_AUDIO_LIMIT
from bot.topics import Topic
from simworld.deepgram import FakeDeepgram

TEN_MB = 10 * 1024 * 1024

Probe = Callable[[httpx.AsyncClient, ProbeConfig], Awaitable[ProbeResult]]

HTTP_PROBES: dict[str, tuple[str, Probe]] = {
    "auth": ("projects", lambda http, cfg: probe_auth(http, cfg)),
    "rest": ("listen", lambda http, cfg: probe_rest(http, cfg, Clip.load())),
    "tts": ("speak", lambda http, cfg: probe_tts(http, cfg)),
}


@pytest.mark.parametrize("declare_length", [True, False], ids=["content-length", "chunked"])
@pytest.mark.parametrize("surface", sorted(HTTP_PROBES))
async def test_http_probe_refuses_a_10_mb_answer(
    dg: FakeDeepgram, cfg: ProbeConfig, http: httpx.AsyncClient, surface: str, declare_length: bool
) -> None:
    """10 MB where a few KB belong: a failed probe that says the answer was too large, not a crash or a parse error."""
    route, probe = HTTP_PROBES[surface]
    dg.oversize(route, TEN_MB, declare_length=declare_length)
    result = await probe(http, cfg)
    limit = TTS_AUDIO_LIMIT if surface == "tts" else DEEPGRAM_JSON_MAX
    assert (result.state, result.topic, result.http_status) == ("failed", Topic.SERVER_ERROR, 200)
    assert result.summary == f"Deepgram's answer was larger than {format_size(limit)}; it was not read"
    sent = next(r for r in dg.requests if r.route == route)
    assert result.request_id == sent.request_id


def test_the_caps_read_as_the_user_sees_them() -> None:
    assert format_size(DEEPGRAM_JSON_MAX) == "4 MB"
    assert format_size(TTS_AUDIO_LIMIT) == "316 KB"  # 43 characters: 64 KB + 43 × 6,000 bytes
    assert (format_size(WS_TEXT_MAX), format_size(WS_AUDIO_MAX)) == ("1 MB", "4 MB")


async def test_an_answer_of_exactly_the_cap_is_read(
    dg: FakeDeepgram, cfg: ProbeConfig, http: httpx.AsyncClient
) -> None:
    """The cap is inclusive: a padded (still valid) project list of exactly 4 MB is accepted; one byte more is not."""
    dg.oversize("projects", DEEPGRAM_JSON_MAX, declare_length=False)
    assert (await probe_auth(http, cfg)).summary == "Key accepted; it reaches 1 project"
    dg.oversize("projects", DEEPGRAM_JSON_MAX + 1, declare_length=False)
    assert (await probe_auth(http, cfg)).summary == "Deepgram's answer was larger than 4 MB; it was not read"


async def test_tts_audio_within_what_the_text_can_make_is_fine(
    dg: FakeDeepgram, cfg: ProbeConfig, http: httpx.AsyncClient
) -> None:
    dg.oversize("speak", TTS_AUDIO_LIMIT)
    result = await probe_tts(http, cfg)
    assert (result.state, result.summary) == ("ok", "Synthesised 316 KB of audio")


async def test_an_oversized_error_body_is_not_read_either(
    dg: FakeDeepgram, cfg: ProbeConfig, http: httpx.AsyncClient
) -> None:
    """A refusal (401) with a 10 MB body: the size is what the probe reports, with the status kept."""
    dg.oversize("projects", TEN_MB)
    result = await probe_auth(http, replace(cfg, api_key="f" * 40))  # an unknown key: the padded body is the 401
    assert (result.state, result.http_status, result.topic) == ("failed", 401, Topic.SERVER_ERROR)
    assert result.summary == "Deepgram's answer was larger than 4 MB; it was not read"


WsProbe = Callable[[httpx.AsyncClient, ProbeConfig], Awaitable[ProbeResult]]

WS_PROBES: dict[str, tuple[str, int, WsProbe]] = {
    "streaming": ("listen_ws", WS_TEXT_MAX, lambda http, cfg: probe_streaming(cfg, Clip.load())),
    "flux": ("listen_v2", WS_TEXT_MAX, lambda http, cfg: probe_flux(cfg, Clip.load())),
    "tts_stream": ("speak_ws", WS_AUDIO_MAX, lambda http, cfg: probe_tts_stream(cfg)),
    "agent": ("agent", WS_AUDIO_MAX, lambda http, cfg: probe_agent(http, cfg)),
}


@pytest.mark.parametrize("surface", sorted(WS_PROBES))
async def test_socket_probe_closes_on_a_10_mb_message(
    dg: FakeDeepgram, cfg: ProbeConfig, http: httpx.AsyncClient, surface: str
) -> None:
    """A 10 MB JSON message: `websockets` refuses it with 1009; the probe says so instead of "closed unexpectedly"."""
    route, limit, probe = WS_PROBES[surface]
    dg.oversize(route, TEN_MB)
    result = await probe(http, cfg)
    assert (result.state, result.topic, result.close_code) == ("failed", Topic.SERVER_ERROR, 1009)
    assert result.summary == (
        f"Deepgram sent a message larger than {format_size(limit)}; it was not read (the socket was closed, 1009)"
    )
    assert result.request_id == next(r for r in dg.requests if r.route == route).request_id


@pytest.mark.parametrize("surface", ["tts_stream", "agent"])
async def test_audio_socket_closes_on_a_10_mb_audio_frame(
    dg: FakeDeepgram, cfg: ProbeConfig, http: httpx.AsyncClient, surface: str
) -> None:
    route, limit, probe = WS_PROBES[surface]
    dg.oversize(route, TEN_MB, binary=True)
    result = await probe(http, cfg)
    assert (result.state, result.close_code) == ("failed", 1009)
    assert result.summary.startswith(f"Deepgram sent a message larger than {format_size(limit)}")


async def test_audio_frames_under_the_bound_still_pass(
    dg: FakeDeepgram, cfg: ProbeConfig, http: httpx.AsyncClient
) -> None:
    """A 2 MB audio frame (about 44 s of linear16 at 24 kHz) is within the audio sockets' bound."""
    dg.oversize("speak_ws", 2 * 1024 * 1024, binary=True)
    result = await probe_tts_stream(cfg)
    assert result.state == "ok" and result.summary.startswith("Streamed ")


async def test_deepgram_closing_with_1009_is_still_its_own_close(dg: FakeDeepgram, cfg: ProbeConfig) -> None:
    """The TTS socket's own `1009 BIG-0000` (Deepgram refusing *our* message) keeps its meaning."""
    dg.speak_ws.max_message_bytes = 10
    result = await probe_tts_stream(cfg)
    assert result.summary == "Deepgram closed the TTS socket: the message was too large (1009 BIG-0000)"
    assert result.topic == Topic.DATA_0001
