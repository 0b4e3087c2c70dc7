"""The fake Deepgram's streaming WebSocket `/v1/listen`, driven by the real `websockets` client."""

from __future__ import annotations

import asyncio
import hashlib
import json
import struct
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidMessage, InvalidStatus
from websockets.typing import Subprotocol

from simworld.deepgram import Clip, FakeDeepgram

NET0001 = "Deepgram did not receive audio data or a text message within the timeout window. See https://dpgr.am/net0001"
AUDIO = "deepgram/recorded/python-sdk-v4/audio"
WS_REC = "deepgram/recorded/python-sdk-v4/response_data/listen/websocket"
TESTING_RESPONSE = (
    "a6d1b12d5ce73a51a7b69ab156f0c98c72cdc1cfcf4a25f7b634c328cce4d760-"
    "d7334c26cf6468c191e05ff5e8151da9b67985c66ab177e9446fd14bbafd70df-response.json"
)


def wav_payload(wav: bytes) -> bytes:
    """The bytes of the `data` chunk of a WAV file (parsed here independently of the fake)."""
    pos = 12
    while pos + 8 <= len(wav):
        cid = wav[pos : pos + 4]
        (size,) = struct.unpack("<I", wav[pos + 4 : pos + 8])
        if cid == b"data":
            return wav[pos + 8 : pos + 8 + size]
        pos += 8 + size + (size & 1)
    raise ValueError("no data chunk")


@pytest.fixture
async def dg() -> AsyncIterator[FakeDeepgram]:
    """A running fake with a short idle timeout."""
    async with FakeDeepgram(idle_timeout=0.3) as fake:
        yield fake


@pytest.fixture
def testing_wav(reference_data: Path) -> bytes:
    """`testing-websocket.wav`: G.711 µ-law, mono, 8000 Hz, "Testing. 123. Testing. 123."."""
    return (reference_data / AUDIO / "testing-websocket.wav").read_bytes()


@pytest.fixture
def testing_clip(dg: FakeDeepgram, testing_wav: bytes, reference_data: Path) -> Clip:
    """`testing-websocket.wav` registered with the transcript and words of its real recording."""
    rec = json.loads((reference_data / WS_REC / TESTING_RESPONSE).read_text())
    alt = rec["channel"]["alternatives"][0]
    clip = Clip(audio=testing_wav, transcript=alt["transcript"], words=alt["words"])
    dg.register_clip(clip)
    return clip


def auth(dg: FakeDeepgram) -> dict[str, str]:
    """The header the bot sends."""
    return {"Authorization": f"Token {dg.api_key}"}


async def drain(ws: ClientConnection) -> list[dict[str, Any]]:
    """Every message until the server closes the socket."""
    out: list[dict[str, Any]] = []
    try:
        async for raw in ws:
            out.append(json.loads(raw))
    except ConnectionClosed:
        pass
    return out


async def send_chunks(ws: ClientConnection, data: bytes, size: int = 1600) -> None:
    """Send `data` as binary frames of `size` bytes."""
    for i in range(0, len(data), size):
        await ws.send(data[i : i + size])


async def test_streaming_mulaw_payload_then_closestream(
    dg: FakeDeepgram, testing_wav: bytes, testing_clip: Clip
) -> None:
    """The µ-law payload with encoding=mulaw&sample_rate=8000, then CloseStream: Results, Metadata, close 1000."""
    payload = wav_payload(testing_wav)
    url = f"{dg.ws_url}/v1/listen?model=nova-3&encoding=mulaw&sample_rate=8000&smart_format=true"
    async with connect(url, additional_headers=auth(dg)) as ws:
        assert ws.response is not None and ws.response.headers["dg-request-id"]
        await send_chunks(ws, payload)
        await ws.send(json.dumps({"type": "CloseStream"}))
        messages = await drain(ws)
        assert ws.close_code == 1000
    results = [m for m in messages if m["type"] == "Results"]
    finals = [m for m in results if m["is_final"]]
    text = " ".join(m["channel"]["alternatives"][0]["transcript"] for m in finals).split()
    assert " ".join(text) == "Testing. 123. Testing. 123."
    assert all(not m["from_finalize"] for m in results)
    assert all(m["metadata"]["model_info"]["arch"] == "nova-3" for m in results)
    assert messages[-1]["type"] == "Metadata"
    meta = messages[-1]
    assert meta["duration"] == pytest.approx(len(payload) / 8000)
    assert meta["channels"] == 1
    assert meta["sha256"] == hashlib.sha256(payload).hexdigest()
    assert meta["request_id"] == ws.response.headers["dg-request-id"]
    # Windows tile the timeline: each final starts where the previous ended.
    for a, b in zip(finals, finals[1:], strict=False):
        assert b["start"] == pytest.approx(a["start"] + a["duration"], abs=1e-6)
    rec = dg.requests[-1]
    assert rec.kind == "ws" and rec.status == 101 and rec.close_code == 1000
    assert rec.body_length == len(payload) and rec.client_messages == ["CloseStream"]


async def test_whole_wav_container_is_detected_without_encoding(
    dg: FakeDeepgram, testing_wav: bytes, testing_clip: Clip
) -> None:
    """A WAV file streamed with its header needs no encoding: the container is read from the header."""
    async with connect(f"{dg.ws_url}/v1/listen?model=nova-3&punctuate=true", additional_headers=auth(dg)) as ws:
        await send_chunks(ws, testing_wav, 999)
        await ws.send(json.dumps({"type": "CloseStream"}))
        messages = await drain(ws)
    finals = [m for m in messages if m["type"] == "Results" and m["is_final"]]
    assert any("Testing." in m["channel"]["alternatives"][0]["transcript"] for m in finals)
    assert messages[-1]["type"] == "Metadata" and messages[-1]["duration"] == pytest.approx(4.68)


async def test_raw_audio_without_encoding_gives_no_results(
    dg: FakeDeepgram, testing_wav: bytes, testing_clip: Clip
) -> None:
    """Headerless audio without encoding/sample_rate: no Results, only Metadata with duration 0 and channels 0."""
    async with connect(f"{dg.ws_url}/v1/listen?model=nova-3", additional_headers=auth(dg)) as ws:
        await send_chunks(ws, wav_payload(testing_wav))
        await ws.send(json.dumps({"type": "CloseStream"}))
        messages = await drain(ws)
        assert ws.close_code == 1000
    assert [m["type"] for m in messages] == ["Metadata"]
    assert messages[0]["duration"] == 0.0 and messages[0]["channels"] == 0


async def test_unknown_audio_gives_empty_transcripts(dg: FakeDeepgram) -> None:
    """Decodable audio that matches no clip is transcribed as silence: empty finals, never words."""
    silence = bytes(16000 * 2 * 3)  # 3 s of linear16 16 kHz
    url = f"{dg.ws_url}/v1/listen?encoding=linear16&sample_rate=16000"
    async with connect(url, additional_headers=auth(dg)) as ws:
        await send_chunks(ws, silence, 3200)
        await ws.send(json.dumps({"type": "CloseStream"}))
        messages = await drain(ws)
    results = [m for m in messages if m["type"] == "Results"]
    assert results and all(m["channel"]["alternatives"][0]["transcript"] == "" for m in results)
    assert results[0]["metadata"]["model_info"] == {"name": "general", "version": "2024-01-26.8851", "arch": "base"}
    assert messages[-1]["duration"] == pytest.approx(3.0)


async def test_idle_stream_closes_1011_with_net0001_reason(dg: FakeDeepgram) -> None:
    """No frame within idle_timeout → Metadata, then close 1011 with the exact NET-0001 reason."""
    async with connect(f"{dg.ws_url}/v1/listen", additional_headers=auth(dg)) as ws:
        messages = await drain(ws)
        assert ws.close_code == 1011
        assert ws.close_reason == NET0001
    assert [m["type"] for m in messages] == ["Metadata"]
    assert dg.requests[-1].close_code == 1011 and dg.requests[-1].close_reason == NET0001


async def test_idle_close_without_metadata_knob(dg: FakeDeepgram) -> None:
    """With metadata_before_idle_close off, the 1011 close comes with no message before it."""
    dg.metadata_before_idle_close = False
    dg.idle_timeout = 0.1
    async with connect(f"{dg.ws_url}/v1/listen", additional_headers=auth(dg)) as ws:
        assert await drain(ws) == []
        assert ws.close_code == 1011


async def test_keepalive_alone_does_not_hold_a_stream_without_audio(dg: FakeDeepgram) -> None:
    """KeepAlive never resets the idle window of a stream that has not received audio (§4.4 caveat)."""
    dg.idle_timeout = 0.25
    sent = 0
    async with connect(f"{dg.ws_url}/v1/listen", additional_headers=auth(dg)) as ws:
        try:
            for _ in range(40):  # 2 s of KeepAlives, eight idle windows
                await ws.send(json.dumps({"type": "KeepAlive"}))
                sent += 1
                await asyncio.sleep(0.05)
        except ConnectionClosed:
            pass
        await drain(ws)
        assert ws.close_code == 1011
    assert sent < 40  # closed while the KeepAlives were still coming


async def test_keepalive_holds_a_stream_after_audio(dg: FakeDeepgram) -> None:
    """Once audio has arrived, KeepAlive text frames keep the stream open past idle_timeout."""
    dg.idle_timeout = 0.2
    url = f"{dg.ws_url}/v1/listen?encoding=linear16&sample_rate=16000"
    async with connect(url, additional_headers=auth(dg)) as ws:
        await ws.send(bytes(3200))
        for _ in range(8):  # 0.4 s, twice the idle window
            await asyncio.sleep(0.05)
            await ws.send(json.dumps({"type": "KeepAlive"}))
        await ws.send(json.dumps({"type": "CloseStream"}))
        await drain(ws)
        assert ws.close_code == 1000
    assert dg.requests[-1].client_messages.count("KeepAlive") == 8


@pytest.mark.parametrize(
    "data",
    [
        b'{"url": "https://static.deepgram.com/examples/Bueller-Life-moves-pretty-fast.wav", "note": "oops"}',
        b"<!DOCTYPE html><html><head><title>404 Not Found</title></head><body>Not Found</body></html>",
        b"RIFF\x24\x00\x00\x00WAVEdata\x00\x00\x00\x00" + bytes(64),  # data chunk before fmt: corrupt
    ],
    ids=["json", "html", "corrupt-wav"],
)
async def test_not_audio_closes_1008_data0000(dg: FakeDeepgram, data: bytes) -> None:
    """Text, HTML or a broken container sent as audio → close 1008 with reason DATA-0000."""
    async with connect(f"{dg.ws_url}/v1/listen?model=nova-3", additional_headers=auth(dg)) as ws:
        await ws.send(data)
        await drain(ws)
        assert ws.close_code == 1008
        assert ws.close_reason == "DATA-0000"


async def test_text_as_audio_closes_1008_even_with_encoding(dg: FakeDeepgram) -> None:
    """Plain text sent as audio on a stream that declared encoding is still rejected with DATA-0000."""
    url = f"{dg.ws_url}/v1/listen?encoding=linear16&sample_rate=16000"
    async with connect(url, additional_headers=auth(dg)) as ws:
        await ws.send(b"Hello Deepgram, this is definitely not audio but a sentence of plain text.")
        await drain(ws)
        assert (ws.close_code, ws.close_reason) == (1008, "DATA-0000")


async def test_empty_binary_frame_is_the_legacy_close(dg: FakeDeepgram) -> None:
    """An empty binary frame ends the stream: Metadata then close 1000 (§4.4)."""
    url = f"{dg.ws_url}/v1/listen?encoding=linear16&sample_rate=16000"
    async with connect(url, additional_headers=auth(dg)) as ws:
        await ws.send(b"")
        messages = await drain(ws)
        assert ws.close_code == 1000
    assert [m["type"] for m in messages] == ["Metadata"]
    assert messages[0]["sha256"] == hashlib.sha256(b"").hexdigest()
    assert messages[0]["channels"] == 0


async def test_finalize_flushes_with_from_finalize(dg: FakeDeepgram, testing_wav: bytes, testing_clip: Clip) -> None:
    """Finalize flushes the audio received so far: a final Results with from_finalize true."""
    payload = wav_payload(testing_wav)
    url = f"{dg.ws_url}/v1/listen?model=nova-3&encoding=mulaw&sample_rate=8000&punctuate=true"
    async with connect(url, additional_headers=auth(dg)) as ws:
        await ws.send(payload[: 8000 * 2])  # 2.0 s: "Testing." has ended, the window has not
        await ws.send(json.dumps({"type": "Finalize"}))
        flushed = None
        while flushed is None:
            msg = json.loads(await ws.recv())
            if msg.get("from_finalize"):
                flushed = msg
        assert flushed["is_final"] is True
        assert flushed["channel"]["alternatives"][0]["transcript"] == "Testing."
        await ws.send(payload[8000 * 2 :])
        await ws.send(json.dumps({"type": "CloseStream"}))
        rest = await drain(ws)
    later = [m["channel"]["alternatives"][0]["transcript"] for m in rest if m["type"] == "Results"]
    assert " ".join(t for t in later if t) == "123. Testing. 123."


async def test_words_are_revealed_as_audio_time_accumulates(
    dg: FakeDeepgram, testing_wav: bytes, testing_clip: Clip
) -> None:
    """Interim results reveal words only once enough audio has been streamed (bytes ÷ byte rate)."""
    payload = wav_payload(testing_wav)
    url = f"{dg.ws_url}/v1/listen?model=nova-3&encoding=mulaw&sample_rate=8000&interim_results=true&punctuate=true"
    async with connect(url, additional_headers=auth(dg)) as ws:
        await ws.send(payload[:8000])  # 1.0 s: no word has ended yet
        await dg.wait_until(lambda: dg.requests[-1].body_length == 8000)
        assert "Results" in dg.requests[-1].messages_sent  # the empty leading window [0, 0.74]
        first = json.loads(await ws.recv())
        assert first["channel"]["alternatives"][0]["transcript"] == ""
        await ws.send(payload[8000:16000])  # 2.0 s: "Testing." (ends at 1.62) is heard
        interim = json.loads(await ws.recv())
        assert interim["is_final"] is False and interim["speech_final"] is False
        assert interim["channel"]["alternatives"][0]["transcript"] == "Testing."
        assert interim["start"] == pytest.approx(0.74) and interim["duration"] == pytest.approx(1.26)
        await ws.send(json.dumps({"type": "CloseStream"}))
        await drain(ws)


async def test_no_interim_results_unless_asked(dg: FakeDeepgram, testing_wav: bytes, testing_clip: Clip) -> None:
    """Without interim_results=true every Results message is final."""
    url = f"{dg.ws_url}/v1/listen?model=nova-3&encoding=mulaw&sample_rate=8000"
    async with connect(url, additional_headers=auth(dg)) as ws:
        await send_chunks(ws, wav_payload(testing_wav), 400)
        await ws.send(json.dumps({"type": "CloseStream"}))
        messages = await drain(ws)
    results = [m for m in messages if m["type"] == "Results"]
    assert results and all(m["is_final"] for m in results)
    # Without punctuate/smart_format the transcript is plain lowercase words, without punctuated_word.
    words = [w for m in results for w in m["channel"]["alternatives"][0]["words"]]
    assert [w["word"] for w in words] == ["testing", "123", "testing", "123"]
    assert all("punctuated_word" not in w for w in words)


async def test_vad_events_and_utterance_end(dg: FakeDeepgram, testing_wav: bytes, testing_clip: Clip) -> None:
    """vad_events=true gives SpeechStarted; utterance_end_ms with interim results gives UtteranceEnd."""
    params = "encoding=mulaw&sample_rate=8000&interim_results=true&vad_events=true&utterance_end_ms=1000"
    async with connect(f"{dg.ws_url}/v1/listen?{params}", additional_headers=auth(dg)) as ws:
        await send_chunks(ws, wav_payload(testing_wav) + bytes([0xFF]) * 8000)  # + 1 s of µ-law silence
        await ws.send(json.dumps({"type": "CloseStream"}))
        messages = await drain(ws)
    started = [m for m in messages if m["type"] == "SpeechStarted"]
    ends = [m for m in messages if m["type"] == "UtteranceEnd"]
    assert started == [{"type": "SpeechStarted", "channel": [0, 1], "timestamp": 1.22}]
    assert ends == [{"type": "UtteranceEnd", "channel": [0, 1], "last_word_end": 3.6399999}]


# -- handshake -------------------------------------------------------------------------------------------


async def refused(url: str, **kw: Any) -> InvalidStatus:
    """Connect and return the InvalidStatus the handshake raises."""
    with pytest.raises(InvalidStatus) as info:
        async with connect(url, **kw):
            pass
    return info.value


def assert_plain_refusal(exc: InvalidStatus, status: int) -> str:
    """A refused upgrade: plain HTTP `status`, `dg-request-id`, `dg-error` equal to the body."""
    resp = exc.response
    assert resp.status_code == status
    assert resp.headers["dg-request-id"]
    assert resp.headers["Content-Type"].startswith("text/plain")
    body = bytes(resp.body or b"").decode()
    assert resp.headers["dg-error"] == body
    return body


async def test_api_key_as_bearer_refused_401(dg: FakeDeepgram) -> None:
    """An API key sent as Bearer on the upgrade → HTTP 401 with dg-error and dg-request-id."""
    exc = await refused(f"{dg.ws_url}/v1/listen", additional_headers={"Authorization": f"Bearer {dg.api_key}"})
    assert assert_plain_refusal(exc, 401) == "Invalid credentials."
    assert "HTTP 401" in str(exc)


async def test_raw_key_without_scheme_refused_401(dg: FakeDeepgram) -> None:
    """A raw key in Authorization without `Token ` → 401 (notAnUpgrade(401), §10)."""
    exc = await refused(f"{dg.ws_url}/v1/listen", additional_headers={"Authorization": dg.api_key})
    assert_plain_refusal(exc, 401)


async def test_no_credit_refused_402(dg: FakeDeepgram) -> None:
    """A project without credit is refused at the handshake with HTTP 402."""
    dg.exhaust_credits()
    exc = await refused(f"{dg.ws_url}/v1/listen", additional_headers=auth(dg))
    assert "credits" in assert_plain_refusal(exc, 402)


async def test_whisper_on_streaming_refused_405(dg: FakeDeepgram) -> None:
    """model=whisper-large is pre-recorded only: HTTP 405 on the upgrade."""
    exc = await refused(f"{dg.ws_url}/v1/listen?model=whisper-large", additional_headers=auth(dg))
    assert_plain_refusal(exc, 405)


@pytest.mark.parametrize(
    "query",
    [
        "language=english",
        "model=nova-3&keywords=deepgram:2",
        "encoding=mp3",
        "model=nova-3-meeting",
        "interim_results=yes",
    ],
)
async def test_bad_parameters_refused_400(dg: FakeDeepgram, query: str) -> None:
    """Bad parameters (non-BCP-47 language, keywords on Nova-3, unknown encoding or model) → HTTP 400."""
    exc = await refused(f"{dg.ws_url}/v1/listen?{query}", additional_headers=auth(dg))
    assert_plain_refusal(exc, 400)


async def test_browser_subprotocol_token_auth(dg: FakeDeepgram) -> None:
    """`Sec-WebSocket-Protocol: token, <key>` authenticates and is answered with `token`; extras are ignored."""
    protocols = [Subprotocol("token"), Subprotocol(dg.api_key), Subprotocol("conn-42")]
    async with connect(f"{dg.ws_url}/v1/listen", subprotocols=protocols) as ws:
        assert ws.subprotocol == "token"
        assert ws.response is not None
        assert ws.response.headers["sec-websocket-protocol"] == "token"
        assert "dg-request-id" in ws.response.headers["access-control-expose-headers"]
        await ws.send(json.dumps({"type": "CloseStream"}))
        await drain(ws)
    assert dg.requests[-1].auth_source == "subprotocol" and dg.requests[-1].auth_scheme == "token"


async def test_browser_subprotocol_bearer_jwt(dg: FakeDeepgram) -> None:
    """`bearer, <jwt>` works with a granted JWT and is answered `bearer`; a JWT under `token` is refused."""
    async with httpx.AsyncClient(base_url=dg.base_url) as client:
        resp = await client.post("/v1/auth/grant", headers=auth(dg))
    jwt = resp.json()["access_token"]
    async with connect(f"{dg.ws_url}/v1/listen", subprotocols=[Subprotocol("bearer"), Subprotocol(jwt)]) as ws:
        assert ws.subprotocol == "bearer"
        await ws.send(json.dumps({"type": "CloseStream"}))
        await drain(ws)
    exc = await refused(f"{dg.ws_url}/v1/listen", subprotocols=[Subprotocol("token"), Subprotocol(jwt)])
    assert_plain_refusal(exc, 401)


async def test_bearer_jwt_header_accepted_and_expired_refused(dg: FakeDeepgram) -> None:
    """`Authorization: Bearer <granted JWT>` opens a stream; once the JWT expired the upgrade gets 401."""
    async with httpx.AsyncClient(base_url=dg.base_url) as client:
        jwt = (await client.post("/v1/auth/grant", headers=auth(dg))).json()["access_token"]
    async with connect(f"{dg.ws_url}/v1/listen", additional_headers={"Authorization": f"Bearer {jwt}"}) as ws:
        await ws.send(json.dumps({"type": "CloseStream"}))
        await drain(ws)
        assert ws.close_code == 1000
    dg.expire_tokens()
    exc = await refused(f"{dg.ws_url}/v1/listen", additional_headers={"Authorization": f"Bearer {jwt}"})
    assert_plain_refusal(exc, 401)


async def test_query_token_only_with_knob(dg: FakeDeepgram) -> None:
    """`?token=` is undocumented: refused by default, accepted only with accept_query_token."""
    exc = await refused(f"{dg.ws_url}/v1/listen?token={dg.api_key}")
    assert_plain_refusal(exc, 401)
    dg.accept_query_token = True
    async with connect(f"{dg.ws_url}/v1/listen?token={dg.api_key}") as ws:
        await ws.send(json.dumps({"type": "CloseStream"}))
        await drain(ws)
    assert "token" not in dg.requests[-1].query


# -- knobs on the stream -------------------------------------------------------------------------------


async def test_fail_and_rate_limit_knobs_on_handshake(dg: FakeDeepgram) -> None:
    """fail(listen_ws, 503) and rate_limit(listen_ws) refuse the next upgrades as plain HTTP."""
    dg.fail("listen_ws", status=503)
    dg.rate_limit("listen_ws")
    exc = await refused(f"{dg.ws_url}/v1/listen", additional_headers=auth(dg))
    assert assert_plain_refusal(exc, 503) == "Please try again later"
    exc = await refused(f"{dg.ws_url}/v1/listen", additional_headers=auth(dg))
    assert assert_plain_refusal(exc, 429) == "Too many requests. Please try again later"
    async with connect(f"{dg.ws_url}/v1/listen", additional_headers=auth(dg)) as ws:  # healthy again
        await ws.send(json.dumps({"type": "CloseStream"}))
        await drain(ws)


async def test_drop_connection_on_handshake(dg: FakeDeepgram) -> None:
    """drop_connection(listen_ws) closes the TCP connection before any HTTP response."""
    dg.drop_connection("listen_ws")
    with pytest.raises((InvalidMessage, EOFError, OSError)):
        async with connect(f"{dg.ws_url}/v1/listen", additional_headers=auth(dg), open_timeout=2):
            pass
    assert dg.requests[-1].dropped


async def test_stall_ws_accepts_then_sends_nothing(dg: FakeDeepgram) -> None:
    """stall_ws accepts the upgrade and then never answers: no Results, no Metadata, no idle close."""
    dg.idle_timeout = 0.05
    dg.stall_ws()
    async with connect(f"{dg.ws_url}/v1/listen?encoding=linear16&sample_rate=16000", additional_headers=auth(dg)) as ws:
        await ws.send(bytes(32000))
        await ws.send(json.dumps({"type": "CloseStream"}))
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(ws.recv(), 0.3)
    assert dg.requests[-1].messages_sent == []


async def test_malformed_json_on_stream(dg: FakeDeepgram) -> None:
    """malformed_json(listen_ws) truncates the first server message."""
    dg.malformed_json("listen_ws")
    async with connect(f"{dg.ws_url}/v1/listen?encoding=linear16&sample_rate=16000", additional_headers=auth(dg)) as ws:
        await ws.send(json.dumps({"type": "CloseStream"}))
        raw = await ws.recv()
        with pytest.raises(json.JSONDecodeError):
            json.loads(raw)


async def test_latency_on_handshake(dg: FakeDeepgram) -> None:
    """set_latency(listen_ws) delays the upgrade answer."""
    dg.set_latency("listen_ws", 0.2)
    loop = asyncio.get_running_loop()
    start = loop.time()
    async with connect(f"{dg.ws_url}/v1/listen", additional_headers=auth(dg)) as ws:
        assert loop.time() - start >= 0.2
        await ws.send(json.dumps({"type": "CloseStream"}))
        await drain(ws)


async def test_stop_closes_open_streams(testing_wav: bytes) -> None:
    """Stopping the fake closes open streams with 1001 instead of hanging."""
    fake = await FakeDeepgram().start()
    ws = await connect(f"{fake.ws_url}/v1/listen", additional_headers={"Authorization": f"Token {fake.api_key}"})
    await fake.wait_until(lambda: fake.requests[-1].status == 101)
    await fake.stop()
    await drain(ws)
    assert ws.close_code == 1001
