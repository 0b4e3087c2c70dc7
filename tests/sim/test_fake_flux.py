"""The fake Flux STT socket `/v2/listen`, driven by the real `websockets` client.

Ground truth: `deepgram-realtime.md` §2 and the AsyncAPI channel `/v2/listen`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from bot.probes import Clip as ProbeClip
from simworld.deepgram import Clip, FakeDeepgram, Word
from simworld.world import PROBE_SENTENCE

from .realtime_support import FLUX_SCHEMAS, Frames, Specs, collect, refusal, refused

FLUX = "/v2/listen?model=flux-general-en"
SILENCE_1S = bytes(32000)  # one second of linear16 @ 16 kHz
V2_ON_V1 = (
    "Flux models are not supported on the /v1/listen endpoint. Please use the /v2/listen endpoint for "
    "conversational speech-to-text requests."
)


@pytest.fixture(scope="module")
def specs(reference_data: Path) -> Specs:
    """The official specs (copies in tests/data)."""
    return Specs(reference_data)


@pytest.fixture
async def dg() -> AsyncIterator[FakeDeepgram]:
    """A running fake that knows the bot's probe clip."""
    async with FakeDeepgram() as fake:
        fake.register_clip(Clip(audio=ProbeClip.load().wav, transcript=PROBE_SENTENCE))
        yield fake


def token(dg: FakeDeepgram) -> dict[str, str]:
    """The API-key header."""
    return {"Authorization": f"Token {dg.api_key}"}


async def stream(
    dg: FakeDeepgram, query: str, *chunks: bytes | dict[str, Any], quiet: float = 0.3, path: str = FLUX
) -> Frames:
    """Connect, read Connected, send `chunks` (bytes → audio, dict → JSON), collect until quiet or closed."""
    async with connect(dg.ws_url + path + query, additional_headers=token(dg)) as ws:
        frames = await collect(ws, Frames(), until="Connected")
        await send_all(ws, chunks)
        return await collect(ws, frames, quiet=quiet)


async def send_all(ws: ClientConnection, chunks: tuple[bytes | dict[str, Any], ...]) -> None:
    """Send audio in 80 ms chunks (2560 bytes at 16 kHz, §2.1) and JSON as text; stop if the server closed."""
    with contextlib.suppress(ConnectionClosed):
        for chunk in chunks:
            if isinstance(chunk, dict):
                await ws.send(json.dumps(chunk))
                continue
            for i in range(0, len(chunk), 2560):
                await ws.send(chunk[i : i + 2560])


def events(frames: Frames) -> list[str]:
    """TurnInfo events without the Updates."""
    return [m["event"] for m in frames.of("TurnInfo") if m["event"] != "Update"]


async def test_probe_clip_turn_validates_against_asyncapi(dg: FakeDeepgram, specs: Specs) -> None:
    """Connected, Updates, StartOfTurn … EndOfTurn with the clip's transcript; sequence_id counts every message."""
    wav = ProbeClip.load().wav
    frames = await stream(dg, "", wav, SILENCE_1S)
    specs.check_all(FLUX_SCHEMAS, frames.json)
    assert frames.json[0] == {"type": "Connected", "request_id": dg.requests[-1].request_id, "sequence_id": 0}
    assert [m["sequence_id"] for m in frames.json] == list(range(len(frames.json)))
    assert events(frames) == ["StartOfTurn", "EndOfTurn"]
    turns = frames.of("TurnInfo")
    end = next(m for m in turns if m["event"] == "EndOfTurn")
    assert end["transcript"] == PROBE_SENTENCE and [w["word"] for w in end["words"]] == PROBE_SENTENCE.split()
    assert end["turn_index"] == 0 and end["end_of_turn_confidence"] >= 0.7
    assert turns[0]["event"] == "Update" and turns[0]["transcript"] == "" and turns[0]["audio_window_end"] == 0.25
    after = turns[turns.index(end) + 1 :]
    assert after and all(m["turn_index"] == 1 and m["transcript"] == "" for m in after)
    # Update every 0.25 s of audio: (clip + 1 s) / 0.25 steps in all.
    duration = (len(wav) - 44) / 32000 + 1.0
    assert len(turns) == int(duration / 0.25)
    assert dg.requests[-1].route == "listen_v2" and dg.usage_seconds[dg.project_id] == pytest.approx(duration, 0.01)


async def test_eager_end_of_turn_and_turn_resumed(dg: FakeDeepgram, specs: Specs) -> None:
    """With eager_eot_threshold: EagerEndOfTurn, TurnResumed when speech goes on, EndOfTurn = the Eager transcript."""
    pcm = bytes(range(256)) * 250  # 4 s of linear16 @ 8 kHz
    words = [
        Word("hello", 0.2, 0.6, 0.99, "Hello,"),
        Word("there", 0.9, 1.3, 0.98, "there."),  # 0.3 s pause: eager, then resumed
        Word("bye", 1.4, 1.8, 0.97, "Bye."),
    ]
    clip = Clip(audio=pcm, transcript="Hello, there. Bye.", words=words, encoding="linear16", sample_rate=8000)
    dg.register_clip(clip)
    frames = await stream(dg, "&encoding=linear16&sample_rate=8000&eager_eot_threshold=0.4", pcm)
    specs.check_all(FLUX_SCHEMAS, frames.json)
    assert events(frames) == ["StartOfTurn", "EagerEndOfTurn", "TurnResumed", "EagerEndOfTurn", "EndOfTurn"]
    eager, end = [m for m in frames.of("TurnInfo") if m["event"] in ("EagerEndOfTurn", "EndOfTurn")][-2:]
    assert eager["transcript"] == end["transcript"] == "Hello, there. Bye."


async def test_mulaw_payload_with_recorded_words(dg: FakeDeepgram, reference_data: Path) -> None:
    """µ-law in WAV is not a Flux container: raw payload with encoding=mulaw works, the WAV itself does not."""
    wav = (reference_data / "deepgram/recorded/python-sdk-v4/audio/testing-websocket.wav").read_bytes()
    dg.register_clip(Clip(audio=wav, transcript="Testing. 123. Testing. 123."))
    pos = wav.index(b"data") + 8
    payload = wav[pos:]
    frames = await stream(dg, "&encoding=mulaw&sample_rate=8000", payload, bytes([0xFF]) * 8000)
    assert [m["transcript"] for m in frames.of("TurnInfo") if m["event"] == "EndOfTurn"] == [
        "Testing. 123. Testing. 123."
    ]
    frames = await stream(dg, "", wav, bytes([0xFF]) * 8000)
    assert events(frames) == [] and {m["transcript"] for m in frames.of("TurnInfo")} <= {""}


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("?encoding=linear16&sample_rate=16000", 400),  # no model
        ("?model=nova-3", 400),
        ("?model=flux", 400),
        (FLUX[len("/v2/listen") :] + "&language=en", 400),
        (FLUX[len("/v2/listen") :] + "&smart_format=true", 400),
        (FLUX[len("/v2/listen") :] + "&interim_results=true", 400),
        (FLUX[len("/v2/listen") :] + "&redact=pci", 400),
        (FLUX[len("/v2/listen") :] + "&language_hint=es", 400),
        (FLUX[len("/v2/listen") :] + "&eot_threshold=0.95", 400),
        (FLUX[len("/v2/listen") :] + "&eot_threshold=0.6&eager_eot_threshold=0.7", 400),
        (FLUX[len("/v2/listen") :] + "&eot_timeout_ms=100", 400),
        (FLUX[len("/v2/listen") :] + "&encoding=mp3&sample_rate=16000", 400),
        (FLUX[len("/v2/listen") :] + "&encoding=linear16", 400),
        (FLUX[len("/v2/listen") :] + "&keyterm=Deepgram:2", 400),
        (FLUX[len("/v2/listen") :] + "&numerals=yes", 400),
    ],
)
async def test_parameter_refusals(dg: FakeDeepgram, query: str, status: int) -> None:
    """Invalid or v1-only parameters and non-Flux models are refused at the handshake with dg-error."""
    assert refusal(await refused(dg.ws_url + "/v2/listen" + query, additional_headers=token(dg)), status)


async def test_parameter_variants_and_knobs(dg: FakeDeepgram) -> None:
    """eot_threshold 1.0 per the quickstart (knob); the wrong-model status knob; multi takes language hints."""
    ok = "&eot_threshold=1.0"
    assert refusal(await refused(dg.ws_url + FLUX + ok, additional_headers=token(dg)), 400)
    dg.flux.eot_threshold_max = 1.0
    dg.flux.wrong_model_status = 404
    async with connect(dg.ws_url + FLUX + ok, additional_headers=token(dg)) as ws:
        assert (await collect(ws, Frames(), until="Connected")).types == ["Connected"]
    assert refusal(await refused(dg.ws_url + "/v2/listen?model=nova-3", additional_headers=token(dg)), 404)
    multi = "/v2/listen?model=flux-general-multi&language_hint=en&language_hint=es&keyterm=Deepgram&tag=probe"
    async with connect(dg.ws_url + multi, additional_headers=token(dg)) as ws:
        assert (await collect(ws, Frames(), until="Connected")).types == ["Connected"]


async def test_handshake_auth_rate_limit_and_concurrency(dg: FakeDeepgram) -> None:
    """401 with a bad key; 429 by knob and by the concurrency limit; POST /v2/listen is 405."""
    exc = await refused(dg.ws_url + FLUX, additional_headers={"Authorization": f"Bearer {dg.api_key}"})
    assert refusal(exc, 401) == "Invalid credentials."
    dg.rate_limit("listen_v2")
    assert refusal(await refused(dg.ws_url + FLUX, additional_headers=token(dg)), 429) == (
        "Too many requests. Please try again later"
    )
    dg.concurrency_limits["listen_v2"] = 1
    async with connect(dg.ws_url + FLUX, additional_headers=token(dg)) as ws:
        await collect(ws, Frames(), until="Connected")
        assert refusal(await refused(dg.ws_url + FLUX, additional_headers=token(dg)), 429)
    async with httpx.AsyncClient() as http:
        resp = await http.post(dg.base_url + "/v2/listen?model=flux-general-en", headers=token(dg), content=b"x")
    assert resp.status_code == 405


async def test_flux_model_on_v1_listen(dg: FakeDeepgram) -> None:
    """A Flux model on /v1/listen: REST 400 V2_MODEL_ON_V1_LISTEN_ENDPOINT; the v1 socket refuses the upgrade."""
    async with httpx.AsyncClient() as http:
        resp = await http.post(dg.base_url + "/v1/listen?model=flux-general-en", headers=token(dg), content=b"x")
    assert resp.status_code == 400
    body = resp.json()
    assert body["err_code"] == "V2_MODEL_ON_V1_LISTEN_ENDPOINT" and body["err_msg"] == V2_ON_V1
    dg.flux.v1_status = 404  # the status is unverified: a knob
    exc = await refused(dg.ws_url + "/v1/listen?model=flux-general-en", additional_headers=token(dg))
    assert refusal(exc, 404) == V2_ON_V1


async def test_configure(dg: FakeDeepgram, specs: Specs) -> None:
    """ConfigureSuccess echoes the thresholds; invalid thresholds → ConfigureFailure and the stream goes on."""
    frames = await stream(
        dg,
        "&eot_threshold=0.8&encoding=linear16&sample_rate=16000",
        {"type": "Configure", "thresholds": {"eager_eot_threshold": 0.5, "eot_timeout_ms": 3000}, "keyterms": ["DG"]},
        {"type": "Configure", "thresholds": {"eager_eot_threshold": 0.85}},
        SILENCE_1S,
    )
    specs.check_all(FLUX_SCHEMAS, frames.json)
    success, failure = frames.of("ConfigureSuccess")[0], frames.of("ConfigureFailure")[0]
    assert success["thresholds"] == {"eot_threshold": 0.8, "eager_eot_threshold": 0.5, "eot_timeout_ms": 3000}
    assert success["keyterms"] == ["DG"] and set(failure) == {"type", "request_id", "sequence_id"}
    assert frames.of("TurnInfo") and frames.close_code is None
    dg.flux.newer_fields = True
    bad = {"type": "Configure", "thresholds": {"eot_threshold": 0.5, "eager_eot_threshold": 0.6}}
    frames = await stream(dg, "", bad)
    assert frames.of("ConfigureFailure")[0]["code"] == "INVALID_THRESHOLD"
    assert frames.of("ConfigureFailure")[0]["description"] == (
        "eager_eot_threshold must be less than or equal to eot_threshold"
    )


@pytest.mark.parametrize(
    "message",
    [
        {"type": "Configure", "numerals": "true"},  # skills CL 1.7.0
        {"type": "Configure", "features": {"smart_format": True}},  # the v1 form
        {"type": "Finalize"},
        {"type": "Speak", "text": "hi"},
    ],
)
async def test_unparsable_messages_are_fatal(dg: FakeDeepgram, specs: Specs, message: dict[str, Any]) -> None:
    """Unknown or malformed control messages → Error UNPARSABLE_CLIENT_MESSAGE, then a close without status."""
    frames = await stream(dg, "", message)
    assert frames.types == ["Connected", "Error"] and frames.json[1]["code"] == "UNPARSABLE_CLIENT_MESSAGE"
    assert frames.close_code == 1005
    specs.check_all(FLUX_SCHEMAS, frames.json)


async def test_keepalive_json_closes(dg: FakeDeepgram) -> None:
    """A JSON KeepAlive kills the stream with 1005 (python-sdk#649); the "ignore" knob keeps it open."""
    frames = await stream(dg, "", {"type": "KeepAlive"})
    assert frames.types == ["Connected"] and frames.close_code == 1005
    dg.flux.keepalive_json = "ignore"
    frames = await stream(dg, "", {"type": "KeepAlive"})
    assert frames.close_code is None


async def test_idle_timeout_and_pings(dg: FakeDeepgram, specs: Specs) -> None:
    """No audio and no ping for idle_timeout → Error INACTIVE_CLIENT, close; WebSocket pings keep it open."""
    dg.flux.idle_timeout = 0.4
    async with connect(dg.ws_url + FLUX, additional_headers=token(dg), ping_interval=None) as ws:
        frames = await collect(ws, Frames(), until="Connected")
        for _ in range(6):
            await (await ws.ping())
            await asyncio.sleep(0.1)
        assert frames.types == ["Connected"]
        await collect(ws, frames, quiet=1.0)
    assert frames.types == ["Connected", "Error"] and frames.json[1]["code"] == "INACTIVE_CLIENT"
    assert frames.close_code == 1005
    specs.check_all(FLUX_SCHEMAS, frames.json)
    dg.flux.fatal_error_type, dg.flux.error_close_code = "FatalError", 1011
    frames = await stream(dg, "", quiet=1.0)
    assert frames.types == ["Connected", "FatalError"] and frames.close_code == 1011


async def test_close_stream_variants(dg: FakeDeepgram) -> None:
    """CloseStream mid-turn: no EndOfTurn and 1005 (skills CL); with the docs variant EndOfTurn then 1000."""
    wav = ProbeClip.load().wav
    frames = await stream(dg, "", wav, {"type": "CloseStream"})
    assert events(frames) == ["StartOfTurn"] and frames.close_code == 1005
    dg.flux.close_stream_finalizes = True
    frames = await stream(dg, "", wav, {"type": "CloseStream"})
    assert events(frames) == ["StartOfTurn", "EndOfTurn"] and frames.close_code == 1000
    assert frames.of("TurnInfo")[-1]["transcript"] == PROBE_SENTENCE


async def test_force_end_turn(dg: FakeDeepgram) -> None:
    """ForceEndTurn ends the active turn; `trigger` and the no-turn Warning only with the newer fields."""
    wav = ProbeClip.load().wav
    frames = await stream(dg, "", wav, {"type": "ForceEndTurn"})
    end = [m for m in frames.of("TurnInfo") if m["event"] == "EndOfTurn"]
    assert len(end) == 1 and "trigger" not in end[0] and end[0]["transcript"] == PROBE_SENTENCE
    dg.flux.newer_fields = True
    frames = await stream(dg, "", wav, {"type": "ForceEndTurn"}, {"type": "ForceEndTurn"})
    assert [m["trigger"] for m in frames.of("TurnInfo") if m["event"] == "EndOfTurn"] == ["manual"]
    assert frames.of("Warning")[0]["code"] == "FORCE_END_TURN_NO_ACTIVE_TURN"


async def test_scripted_failures(dg: FakeDeepgram) -> None:
    """fatal_after (FatalError mid-stream), a stall after StartOfTurn (pipecat#5735), stall_ws (no Connected)."""
    wav = ProbeClip.load().wav
    dg.flux.fatal_after(1.0)
    frames = await stream(dg, "", wav)
    assert frames.types[-1] == "Error" and frames.json[-1]["code"] == "INTERNAL_SERVER_ERROR"
    assert frames.of("TurnInfo")[-1]["audio_window_end"] == 0.75
    dg.flux.stall_after_start_of_turn = True
    frames = await stream(dg, "", wav, SILENCE_1S)
    assert events(frames) == ["StartOfTurn"] and frames.of("TurnInfo")[-1]["event"] == "StartOfTurn"
    dg.stall_ws(route="listen_v2")
    async with connect(dg.ws_url + FLUX, additional_headers=token(dg)) as ws:
        assert (await collect(ws, Frames(), quiet=0.2)).types == []


async def test_word_timings_knob(dg: FakeDeepgram, specs: Specs) -> None:
    """Words carry only word/confidence by default; start/end with the knob (both valid per the AAS)."""
    wav = ProbeClip.load().wav
    dg.flux.word_timings = True
    frames = await stream(dg, "", wav, SILENCE_1S)
    specs.check_all(FLUX_SCHEMAS, frames.json)
    words = next(m for m in frames.of("TurnInfo") if m["event"] == "EndOfTurn")["words"]
    assert set(words[0]) == {"word", "confidence", "start", "end"}
