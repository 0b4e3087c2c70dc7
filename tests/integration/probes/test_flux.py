"""The Flux probe against the fake `/v2/listen`: one turn of the probe clip, and every failure it maps."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.probes import Clip, ProbeConfig, probe_flux
from bot.topics import Topic
from simworld.botproc import free_port
from simworld.deepgram import Clip as FakeClip
from simworld.deepgram import FakeDeepgram, Word
from simworld.world import PROBE_SENTENCE

CLIP = Clip.load()
SHORT = 0.4


async def test_one_turn_with_the_recorded_transcript(dg: FakeDeepgram, cfg: ProbeConfig) -> None:
    """Connected, TurnInfo updates, an EndOfTurn whose transcript is the recorded one, then CloseStream."""
    result = await probe_flux(cfg, CLIP)
    assert (result.state, result.topic, result.detail) == ("ok", None, PROBE_SENTENCE)
    assert result.summary == "Streamed the test clip to Flux and got the right turn"
    assert {"handshake_ms", "connected_ms", "first_result_ms", "end_of_turn_ms"} <= set(result.timings)
    stream = next(r for r in dg.requests if r.path == "/v2/listen")
    assert stream.query == {"model": "flux-general-en", "encoding": "linear16", "sample_rate": "16000"}
    assert stream.auth_scheme == "token" and result.request_id == stream.request_id
    assert stream.client_messages == ["CloseStream"]  # no JSON KeepAlive, no ForceEndTurn needed
    assert stream.body_length % 2560 == 0  # 80 ms chunks of linear16 16 kHz


async def test_close_stream_that_finalizes(dg: FakeDeepgram, cfg: ProbeConfig) -> None:
    """The other documented CloseStream behaviour (final results, close 1000) is just as healthy."""
    dg.flux.close_stream_finalizes, dg.flux.newer_fields = True, True
    result = await probe_flux(cfg, CLIP)
    assert result.state == "ok"


async def test_force_end_turn_when_the_turn_does_not_end(dg: FakeDeepgram, cfg: ProbeConfig) -> None:
    """Speech that goes on into the trailing silence: the silence runs out and ForceEndTurn ends the turn."""
    words = [Word("hello", 0.1, 0.5, 0.99, "Hello"), Word("there", 0.6, 2.8, 0.98, "there.")]
    pcm = bytes(range(256)) * 125  # 1 s of linear16 16 kHz; "there" is only heard 1.8 s into the silence
    dg.register_clip(
        FakeClip(audio=pcm, transcript="Hello there.", words=words, encoding="linear16", sample_rate=16000)
    )
    clip = Clip(wav=b"", pcm=pcm, sample_rate=16000, expected_words=("Hello", "there"))
    result = await probe_flux(cfg, clip)
    assert (result.state, result.detail) == ("ok", "Hello there.")
    assert next(r for r in dg.requests if r.path == "/v2/listen").client_messages == ["ForceEndTurn", "CloseStream"]


async def test_silence_is_an_empty_transcript(dg: FakeDeepgram, cfg: ProbeConfig) -> None:
    """Audio Flux hears nothing in: no turn starts; the stream is closed and the transcript is empty."""
    silence = replace(CLIP, pcm=bytes(len(CLIP.pcm)))
    result = await probe_flux(cfg, silence)
    assert (result.state, result.topic) == ("failed", Topic.EMPTY_TRANSCRIPT)


async def test_wrong_transcript_is_degraded(cfg: ProbeConfig) -> None:
    async with FakeDeepgram() as other:
        other.register_clip(FakeClip(audio=CLIP.wav, transcript="Completely different words here."))
        result = await probe_flux(replace(cfg, ws_url=other.ws_url, api_key=other.api_key), CLIP)
    assert (result.state, result.topic) == ("degraded", Topic.WRONG_TRANSCRIPT)
    assert "7 of 7 words differ" in result.summary


@pytest.mark.parametrize(
    ("status", "topic"),
    [
        (400, Topic.FLUX),
        (401, Topic.UNAUTHORIZED),
        (402, Topic.CREDITS),
        (403, Topic.FORBIDDEN),
        (404, Topic.FLUX),
        (500, Topic.SERVER_ERROR),
        (503, Topic.SERVER_ERROR),
    ],
)
async def test_refused_handshake(dg: FakeDeepgram, cfg: ProbeConfig, status: int, topic: Topic) -> None:
    dg.fail("listen_v2", status=status)
    result = await probe_flux(cfg, CLIP)
    assert (result.state, result.http_status, result.topic) == ("failed", status, topic)
    assert result.error is not None and result.error.message and result.error.request_id


async def test_rate_limited(dg: FakeDeepgram, cfg: ProbeConfig) -> None:
    """429 on the upgrade: too many Flux streams for the project."""
    dg.rate_limit("listen_v2")
    result = await probe_flux(cfg, CLIP)
    assert (result.http_status, result.topic) == (429, Topic.FLUX) and "Too many Flux streams" in result.summary


async def test_fatal_error_mid_stream(dg: FakeDeepgram, cfg: ProbeConfig) -> None:
    """`{"type":"Error","code":…}` then a close without status."""
    dg.flux.fatal_after(1.0)
    result = await probe_flux(cfg, CLIP)
    assert (result.state, result.topic, result.error_code) == ("failed", Topic.FLUX_CLOSED, "INTERNAL_SERVER_ERROR")
    assert result.summary == "Flux ended the stream with a fatal error (INTERNAL_SERVER_ERROR)"


async def test_fatal_error_spelled_fatalerror(dg: FakeDeepgram, cfg: ProbeConfig) -> None:
    """The other spelling of the message type, closed with 1011: read the same way."""
    dg.flux.fatal_error_type, dg.flux.error_close_code = "FatalError", 1011
    dg.flux.fatal_after(0.0, "UNPARSABLE_CLIENT_MESSAGE", "Bad message.")
    result = await probe_flux(cfg, CLIP)
    assert (result.topic, result.error_code) == (Topic.FLUX_CLOSED, "UNPARSABLE_CLIENT_MESSAGE")
    assert result.error and result.error.message == "Bad message."


async def test_idle_timeout(dg: FakeDeepgram, cfg: ProbeConfig) -> None:
    """Audio slower than Flux's (shortened) idle window: INACTIVE_CLIENT."""
    dg.flux.idle_timeout = 0.03
    result = await probe_flux(replace(cfg, stream_speed=0.5), CLIP)
    assert (result.topic, result.error_code) == (Topic.FLUX_CLOSED, "INACTIVE_CLIENT")


async def test_no_connected(dg: FakeDeepgram, cfg: ProbeConfig) -> None:
    dg.stall_ws(route="listen_v2")
    result = await probe_flux(replace(cfg, timeout=SHORT), CLIP)
    assert (result.state, result.topic) == ("failed", Topic.FLUX_CLOSED)
    assert result.summary == "Flux accepted the stream but never sent Connected"


async def test_stall_after_start_of_turn(dg: FakeDeepgram, cfg: ProbeConfig) -> None:
    """The stream stays open but TurnInfo stops after StartOfTurn (pipecat#5735)."""
    dg.flux.stall_after_start_of_turn = True
    result = await probe_flux(replace(cfg, timeout=SHORT), CLIP)
    assert (result.state, result.topic) == ("failed", Topic.FLUX_CLOSED)
    assert result.summary == "The Flux stream stalled: no end of turn within the time limit"


async def test_dropped_and_refused_connections(dg: FakeDeepgram, cfg: ProbeConfig) -> None:
    dg.drop_connection("listen_v2")
    dropped = await probe_flux(cfg, CLIP)
    refused = await probe_flux(replace(cfg, ws_url=f"ws://127.0.0.1:{free_port()}"), CLIP)
    assert (dropped.state, dropped.topic) == ("failed", Topic.FLUX)
    assert (refused.state, refused.topic) == ("failed", Topic.FLUX)
    assert refused.summary == "Could not open the Flux streaming connection to Deepgram"


async def test_slow_end_of_turn_is_degraded(dg: FakeDeepgram, cfg: ProbeConfig) -> None:
    result = await probe_flux(cfg, CLIP, slow_ms=0.001)
    assert (result.state, result.topic) == ("degraded", Topic.LATENCY)
