"""The fake TTS WebSocket `/v1/speak`, driven by the real `websockets` client.

Ground truth: `deepgram-realtime.md` §3.1–3.5, `deepgram.md` §5, and the AsyncAPI channel `/v1/speak`
(close codes: the 2025 AsyncAPI `closeFrame` enum and the TTS troubleshooting page).
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from simworld.deepgram import FakeDeepgram
from simworld.deepgram.models import TTS_MODELS
from simworld.deepgram.synth import speech_seconds

from .realtime_support import SPEAK_SCHEMAS, Frames, Specs, collect, refusal, refused

SPEAK = "/v1/speak?model=aura-2-thalia-en&encoding=linear16&sample_rate=24000"
EXCESSIVE = "Rate limit exceeded for flushes. Please try again later."


@pytest.fixture(scope="module")
def specs(reference_data: Path) -> Specs:
    """The official specs (copies in tests/data)."""
    return Specs(reference_data)


@pytest.fixture
async def dg() -> AsyncIterator[FakeDeepgram]:
    """A running fake."""
    async with FakeDeepgram() as fake:
        yield fake


def token(dg: FakeDeepgram) -> dict[str, str]:
    """The API-key header."""
    return {"Authorization": f"Token {dg.api_key}"}


async def session(
    dg: FakeDeepgram, *messages: dict[str, Any] | bytes | str, path: str = SPEAK, quiet: float = 0.3
) -> Frames:
    """Connect, send `messages` (dict → JSON text), collect until quiet or closed."""
    async with connect(dg.ws_url + path, additional_headers=token(dg)) as ws:
        frames = Frames()
        with contextlib.suppress(ConnectionClosed):
            for m in messages:
                await ws.send(json.dumps(m) if isinstance(m, dict) else m)
        return await collect(ws, frames, quiet=quiet)


def speak(text: str) -> dict[str, Any]:
    """A Speak message."""
    return {"type": "Speak", "text": text}


FLUSH = {"type": "Flush"}


async def test_speak_flush_clear_close(dg: FakeDeepgram, specs: Specs) -> None:
    """Metadata first; audio only after Flush, then Flushed; Cleared; Close → 1000. Everything per the AAS."""
    text = "Hello from the fake Aura socket."
    frames = await session(dg, speak(text), FLUSH, speak("dropped"), {"type": "Clear"}, FLUSH, {"type": "Close"})
    specs.check_all(SPEAK_SCHEMAS, frames.json)
    for client in (speak(text), FLUSH, {"type": "Clear"}, {"type": "Close"}):
        specs.check("SpeakV1_SpeakV1" + {"Speak": "Text"}.get(client["type"], client["type"]), client)
    meta = frames.json[0]
    model = TTS_MODELS["aura-2-thalia-en"]
    assert meta == {
        "type": "Metadata",
        "request_id": dg.requests[-1].request_id,
        "model_name": "aura-2-thalia-en",
        "model_version": model.version,
        "model_uuid": model.uuid,
    }
    kinds = [t for i, t in enumerate(frames.types) if t != "<audio>" or frames.types[i - 1] != "<audio>"]
    assert kinds == ["Metadata", "<audio>", "Flushed", "Cleared", "Flushed"]
    assert [m["sequence_id"] for m in frames.json[1:]] == [0, 1, 2]
    assert len(frames.audio) == int(speech_seconds(text) * 24000) * 2  # raw linear16, no WAV header
    assert not frames.audio.startswith(b"RIFF")
    assert frames.close_code == 1000 and dg.speak_ws.outputs == [frames.audio]
    rec = dg.requests[-1]
    assert rec.route == "speak_ws" and rec.client_messages == ["Speak", "Flush", "Speak", "Clear", "Flush", "Close"]


async def test_mulaw_and_defaults(dg: FakeDeepgram) -> None:
    """µ-law at 8 kHz is one byte per sample; without parameters: aura-asteria-en, linear16 @ 24000."""
    frames = await session(dg, speak("Hi there."), FLUSH, path="/v1/speak?model=aura-asteria-en&encoding=mulaw")
    assert len(frames.audio) == int(speech_seconds("Hi there.") * 8000)
    frames = await session(dg, speak("Hi there."), FLUSH, path="/v1/speak")
    assert frames.json[0]["model_name"] == "aura-asteria-en"
    assert len(frames.audio) == int(speech_seconds("Hi there.") * 24000) * 2


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("?encoding=mp3", 400),  # REST-only encoding
        ("?encoding=linear16&sample_rate=44100", 400),
        ("?encoding=mulaw&sample_rate=24000", 400),
        ("?model=flux-alexis-en", 400),  # Flux voices are /v2/speak only
        ("?model=aura-2-nobody-en", 400),
        ("?speed=2.0", 400),
    ],
)
async def test_parameter_refusals(dg: FakeDeepgram, query: str, status: int) -> None:
    """Bad model/encoding/sample_rate/speed → plain-HTTP refusal with dg-error."""
    assert refusal(await refused(dg.ws_url + "/v1/speak" + query, additional_headers=token(dg)), status)


async def test_handshake_auth_and_knobs(dg: FakeDeepgram) -> None:
    """401 (wrong scheme), 429 with the TTS wording, 403 denied model; REST speak is untouched by GET."""
    exc = await refused(dg.ws_url + SPEAK, additional_headers={"Authorization": f"Bearer {dg.api_key}"})
    assert refusal(exc, 401) == "Invalid credentials."
    dg.rate_limit("speak_ws")
    assert refusal(await refused(dg.ws_url + SPEAK, additional_headers=token(dg)), 429) == "Please try again later."
    dg.deny_model("aura-2-thalia-en")
    assert refusal(await refused(dg.ws_url + SPEAK, additional_headers=token(dg)), 403)
    async with httpx.AsyncClient(base_url=dg.base_url, headers=token(dg)) as http:
        plain_get = await http.get("/v1/speak")
        rest = await http.post("/v1/speak?model=aura-asteria-en", json={"text": "hi"})
    assert plain_get.status_code == 405 and plain_get.headers["Allow"] == "POST"
    assert rest.status_code == 200 and rest.headers["content-type"] == "audio/mpeg"


@pytest.mark.parametrize(
    ("messages", "code", "reason"),
    [
        ([speak("x" * 2001)], 1009, "BIG-0001"),  # 2000 characters per Speak
        ([speak("x" * 1300), speak("y" * 1200)], 1008, "DATA-0001"),  # 2400 characters per minute
        ([b"\x00\x01"], 1003, "MESSAGE-0000"),  # binary from the client
        ([{"type": "Speak"}], 1008, "DATA-0000"),
        ([speak("")], 1008, "DATA-0000"),
        ([{"type": "Synthesize", "text": "x"}], 1008, "DATA-0000"),
        (["not json"], 1008, "DATA-0000"),
    ],
)
async def test_limits_close_with_documented_codes(
    dg: FakeDeepgram, messages: list[dict[str, Any] | bytes | str], code: int, reason: str
) -> None:
    """Each limit or invalid message closes with its documented code and code-only payload."""
    frames = await session(dg, *messages)
    assert frames.types == ["Metadata"]
    assert (frames.close_code, frames.close_reason) == (code, reason)
    assert dg.requests[-1].close_code == code


async def test_limit_knobs(dg: FakeDeepgram) -> None:
    """Message size (BIG-0000), the character window, idle (NET-0001) and the session cap (NET-0003)."""
    dg.speak_ws.max_message_bytes = 100
    frames = await session(dg, speak("x" * 200))
    assert (frames.close_code, frames.close_reason) == (1009, "BIG-0000")
    dg.speak_ws.reset()
    dg.speak_ws.char_window_seconds = 0.0  # every Speak starts a new window
    frames = await session(dg, speak("x" * 1300), speak("y" * 1200), FLUSH)
    assert frames.types[-1] == "Flushed"
    dg.speak_ws.idle_timeout = 0.2
    frames = await session(dg, quiet=1.0)
    assert (frames.close_code, frames.close_reason) == (1011, "NET-0001")
    dg.speak_ws.idle_timeout, dg.speak_ws.max_session_seconds = None, 0.2
    frames = await session(dg, quiet=1.0)
    assert (frames.close_code, frames.close_reason) == (1011, "NET-0003")


async def test_excessive_flush_warning_both_field_styles(dg: FakeDeepgram, specs: Specs) -> None:
    """Past 20 Flush per 60 s: a Warning (AAS fields by default, the recorded warn_code form by knob), Flush ignored."""
    flushes = [FLUSH] * 21
    frames = await session(dg, speak("a"), *flushes)
    specs.check_all(SPEAK_SCHEMAS, frames.json)
    assert frames.json[-1] == {"type": "Warning", "description": EXCESSIVE, "code": "EXCESSIVE_FLUSH"}
    assert len(frames.of("Flushed")) == 20 and frames.close_code is None
    dg.speak_ws.warning_fields = "warn_code"
    frames = await session(dg, *flushes)
    assert frames.json[-1] == {"type": "Warning", "warn_code": "EXCESSIVE_FLUSH", "warn_msg": EXCESSIVE}


async def test_scripted_closes_metadata_timing_and_stall(dg: FakeDeepgram) -> None:
    """close_at (NET-0000 on Flush, NET-0002 mid-audio), Metadata timing variants, auto-flush, stall_ws."""
    dg.speak_ws.close_at("flush", 1011, "NET-0000")
    frames = await session(dg, speak("Hello."), FLUSH)
    assert frames.types == ["Metadata"] and (frames.close_code, frames.close_reason) == (1011, "NET-0000")
    dg.speak_ws.close_at("audio", 1011, "NET-0002")
    frames = await session(dg, speak("Hello there, this is long enough for two frames."), FLUSH)
    assert frames.types == ["Metadata", "<audio>"] and frames.close_reason == "NET-0002"
    dg.speak_ws.metadata_timing = "first_flush"
    frames = await session(dg, speak("Hi."), FLUSH)
    assert frames.types[0] == "Metadata" and frames.types[1] == "<audio>"
    dg.speak_ws.metadata_timing = "never"
    frames = await session(dg, speak("Hi."), FLUSH)
    assert "Metadata" not in frames.types and frames.types[-1] == "Flushed"
    dg.speak_ws.reset()
    dg.speak_ws.auto_flush_chars = 10
    frames = await session(dg, speak("Enough text to speak."))
    assert frames.audio and not frames.of("Flushed")
    dg.stall_ws(route="speak_ws")
    frames = await session(dg, speak("Hi."), FLUSH)
    assert frames.types == [] and frames.close_code is None
