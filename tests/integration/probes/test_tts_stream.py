"""The TTS socket probe against the fake `/v1/speak` socket: Speak, Flush, audio, Flushed, Close; each close mapped."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.probes import TTS_TEXT, ProbeConfig, classify_tts_close, probe_tts_stream
from bot.topics import Topic
from simworld.botproc import free_port
from simworld.deepgram import FakeDeepgram

SHORT = 0.4


async def test_speak_flush_audio_flushed_close(dg: FakeDeepgram, cfg: ProbeConfig) -> None:
    """The whole exchange, with its phases timed and the connection closed normally by `Close`."""
    result = await probe_tts_stream(cfg)
    assert (result.state, result.topic, result.close_code) == ("ok", None, 1000)
    assert result.summary.startswith("Streamed ") and result.summary.endswith(" s of speech over the TTS socket")
    assert {"handshake_ms", "first_audio_ms", "flushed_ms"} <= set(result.timings)
    socket = next(r for r in dg.requests if r.path == "/v1/speak")
    assert socket.query == {"model": "aura-2-thalia-en", "encoding": "linear16", "sample_rate": "24000"}
    assert socket.client_messages == ["Speak", "Flush", "Close"] and socket.close_code == 1000
    assert socket.auth_scheme == "token" and result.request_id == socket.request_id
    assert len(dg.speak_ws.outputs) == 1 and dg.speak_ws.outputs[0]


@pytest.mark.parametrize("timing", ["first_flush", "never"])
async def test_metadata_timing_does_not_matter(dg: FakeDeepgram, cfg: ProbeConfig, timing: str) -> None:
    """The probe never waits for Metadata, whose timing is disputed."""
    dg.speak_ws.metadata_timing = timing  # type: ignore[assignment]
    assert (await probe_tts_stream(cfg)).state == "ok"


async def test_warnings_in_both_shapes_are_kept(dg: FakeDeepgram, cfg: ProbeConfig) -> None:
    dg.speak_ws.flushes_per_window = 0  # every Flush: Warning EXCESSIVE_FLUSH, and the Flush is ignored
    dg.speak_ws.warning_fields = "warn_code"
    result = await probe_tts_stream(replace(cfg, timeout=SHORT))
    assert result.warnings == ("EXCESSIVE_FLUSH",)
    assert (result.state, result.summary) == ("failed", "The TTS socket sent no audio within 0.4 s")


@pytest.mark.parametrize(
    ("knob", "value", "close", "topic", "words"),
    [
        ("chars_per_window", 10, "1008 DATA-0001", Topic.DATA_0001, "too many characters in the last minute"),
        ("max_chars_per_message", 10, "1009 BIG-0001", Topic.DATA_0001, "too many characters in one message"),
        ("max_message_bytes", 10, "1009 BIG-0000", Topic.DATA_0001, "the message was too large"),
    ],
)
async def test_limit_closes(
    dg: FakeDeepgram, cfg: ProbeConfig, knob: str, value: int, close: str, topic: Topic, words: str
) -> None:
    """The documented limits close the socket with a code and a payload code, each mapped to the TTS playbook."""
    setattr(dg.speak_ws, knob, value)
    result = await probe_tts_stream(cfg)
    assert (result.state, result.topic, result.error_code) == ("failed", topic, close.split()[1])
    assert result.summary == f"Deepgram closed the TTS socket: {words} ({close})"
    assert result.close_code == int(close.split()[0]) and len(TTS_TEXT) > value


@pytest.mark.parametrize(
    ("point", "code", "reason", "words"),
    [
        ("flush", 1011, "NET-0000", "with an internal error (1011 NET-0000)"),
        ("audio", 1011, "NET-0002", "it failed to send (1011 NET-0002)"),
        ("connect", 1011, "NET-0003", "at its time limit (1011 NET-0003)"),
    ],
)
async def test_scripted_closes(
    dg: FakeDeepgram, cfg: ProbeConfig, point: str, code: int, reason: str, words: str
) -> None:
    dg.speak_ws.close_at(point, code, reason)  # type: ignore[arg-type]
    result = await probe_tts_stream(cfg)
    assert (result.state, result.topic, result.close_code) == ("failed", Topic.TTS_WEBSOCKET, code)
    assert result.summary.endswith(words)


def test_close_mapping() -> None:
    """Codes only, or codes in a sentence; unknown payloads still say the code."""
    assert classify_tts_close(1008, "DATA-0001")[0] == Topic.DATA_0001
    assert classify_tts_close(1009, "Too big (BIG-0000).")[0] == Topic.DATA_0001
    assert classify_tts_close(1003, "MESSAGE-0000")[0] == Topic.TTS_WEBSOCKET
    assert classify_tts_close(1011, "") == (
        Topic.TTS_WEBSOCKET,
        "The TTS socket closed before the audio was complete (1011)",
    )


@pytest.mark.parametrize(
    ("status", "topic"),
    [(401, Topic.UNAUTHORIZED), (402, Topic.CREDITS), (403, Topic.FORBIDDEN), (429, Topic.RATE_LIMITED)]
    + [(500, Topic.SERVER_ERROR), (503, Topic.SERVER_ERROR)],
)
async def test_refused_handshake(dg: FakeDeepgram, cfg: ProbeConfig, status: int, topic: Topic) -> None:
    dg.fail("speak_ws", status=status)
    result = await probe_tts_stream(cfg)
    assert (result.state, result.http_status, result.topic) == ("failed", status, topic)
    assert result.error is not None and result.error.message and result.error.request_id


async def test_rate_limited(dg: FakeDeepgram, cfg: ProbeConfig) -> None:
    dg.rate_limit("speak_ws")
    result = await probe_tts_stream(cfg)
    assert (result.http_status, result.topic) == (429, Topic.RATE_LIMITED)


async def test_stalled_socket(dg: FakeDeepgram, cfg: ProbeConfig) -> None:
    """Accepted but silent: no audio within the time limit."""
    dg.stall_ws(route="speak_ws")
    result = await probe_tts_stream(replace(cfg, timeout=SHORT))
    assert (result.state, result.topic) == ("failed", Topic.TTS_WEBSOCKET)
    assert result.summary == "The TTS socket sent no audio within 0.4 s" and "handshake_ms" in result.timings


async def test_idle_close(dg: FakeDeepgram, cfg: ProbeConfig) -> None:
    """Nothing accepted in the (shortened) idle window: 1011 NET-0001 ends even a stalled exchange."""
    dg.speak_ws.flushes_per_window, dg.speak_ws.idle_timeout = 0, 0.05
    result = await probe_tts_stream(cfg)
    assert (result.close_code, result.error_code) == (1011, "NET-0001")


async def test_dropped_and_refused_connections(dg: FakeDeepgram, cfg: ProbeConfig) -> None:
    dg.drop_connection("speak_ws")
    dropped = await probe_tts_stream(cfg)
    refused = await probe_tts_stream(replace(cfg, ws_url=f"ws://127.0.0.1:{free_port()}"))
    assert (dropped.state, dropped.topic) == ("failed", Topic.TTS_WEBSOCKET)
    assert refused.summary == "Could not open the TTS WebSocket connection to Deepgram"


async def test_slow_is_degraded(dg: FakeDeepgram, cfg: ProbeConfig) -> None:
    result = await probe_tts_stream(cfg, slow_ms=0.001)
    assert (result.state, result.topic) == ("degraded", Topic.LATENCY)
