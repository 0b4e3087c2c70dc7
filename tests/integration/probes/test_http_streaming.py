"""The key, pre-recorded, streaming and TTS probes against the fake Deepgram; and all probes at once."""

from __future__ import annotations

from dataclasses import replace

import httpx
import pytest

from bot.probes import Clip, ProbeConfig, probe_auth, probe_rest, probe_streaming, probe_tts
from bot.status.probing import run_probes
from bot.surfaces import SURFACE_IDS
from bot.topics import Topic
from simworld.botproc import free_port
from simworld.deepgram import Clip as FakeClip
from simworld.deepgram import FakeDeepgram
from simworld.world import PROBE_SENTENCE

CLIP = Clip.load()


async def test_all_probes_pass(dg: FakeDeepgram, cfg: ProbeConfig, http: httpx.AsyncClient) -> None:
    """A healthy Deepgram: every probe in the table ok, with transcripts, request ids and phase timings."""
    run = await run_probes(http, cfg, CLIP)
    assert {s: r.state for s, r in run.results.items()} == {s: "ok" for s in SURFACE_IDS}
    assert set(SURFACE_IDS) >= {"auth", "rest", "streaming", "tts", "agent", "flux", "tts_stream"}
    assert "1 project" in run["auth"].summary
    for surface in ("rest", "streaming", "flux"):
        assert run[surface].detail == PROBE_SENTENCE, surface  # the recorded real transcript
        assert run[surface].summary.endswith(("correctly", "right transcript", "right turn")), surface
    assert run["rest"].request_id and run["streaming"].request_id and run["tts"].request_id
    assert {"connect_ms", "ttfb_ms"} <= set(run["rest"].timings)
    assert {"handshake_ms", "first_result_ms", "final_ms"} <= set(run["streaming"].timings)
    assert run["streaming"].close_code == 1000


async def test_probes_on_the_wire(dg: FakeDeepgram, cfg: ProbeConfig, http: httpx.AsyncClient) -> None:
    """The probes use the right schemes and parameters on the wire."""
    await run_probes(http, cfg, CLIP)
    listen = [r for r in dg.requests if r.path == "/v1/listen"]
    assert {r.kind for r in listen} == {"http", "ws"}
    public = "/v1/agent/settings/think/models"  # the agent host's free reachability check needs no key
    assert all(r.auth_scheme == "token" for r in dg.requests if r.path != public)
    assert [r.auth_scheme for r in dg.requests if r.path == public] == [None]
    ws = next(r for r in listen if r.kind == "ws")
    assert ws.query["encoding"] == "linear16" and ws.query["sample_rate"] == "16000"


async def test_no_key_skips_probes(cfg: ProbeConfig, http: httpx.AsyncClient) -> None:
    """Without a key every probe is skipped and says how to fix that."""
    run = await run_probes(http, replace(cfg, api_key=None), CLIP)
    assert all(r.state == "skipped" and "DEEPGRAM_API_KEY" in r.summary for r in run.results.values())


async def test_wrong_key_is_401_everywhere(dg: FakeDeepgram, cfg: ProbeConfig, http: httpx.AsyncClient) -> None:
    """An unknown key: 401 on every surface, streaming as a handshake failure with dg-error."""
    bad = replace(cfg, api_key="0" * 40)
    run = await run_probes(http, bad, CLIP)
    for surface, result in run.results.items():
        assert (result.state, result.http_status, result.topic) == ("failed", 401, Topic.UNAUTHORIZED), surface
    assert run["rest"].error_code == "INVALID_AUTH"
    assert run["streaming"].error and run["streaming"].error.request_id
    assert "0" * 40 not in repr(run)


async def test_out_of_credits(dg: FakeDeepgram, cfg: ProbeConfig, http: httpx.AsyncClient) -> None:
    """402 on REST, TTS and the streaming handshake points at the credits playbook."""
    dg.exhaust_credits()
    run = await run_probes(http, cfg, CLIP)
    for surface in ("rest", "streaming", "tts"):
        assert (run[surface].http_status, run[surface].topic) == (402, Topic.CREDITS), surface
    assert run["rest"].error_code == "ASR_PAYMENT_REQUIRED"


@pytest.mark.parametrize(
    ("status", "topic"),
    [
        (400, Topic.BAD_REQUEST),
        (403, Topic.FORBIDDEN),
        (404, Topic.NOT_FOUND),
        (429, Topic.RATE_LIMITED),
        (500, Topic.SERVER_ERROR),
        (503, Topic.SERVER_ERROR),
        (504, Topic.TIMEOUT),
    ],
)
async def test_rest_error_statuses(
    dg: FakeDeepgram, cfg: ProbeConfig, http: httpx.AsyncClient, status: int, topic: Topic
) -> None:
    """Each error status of /v1/listen maps to its playbook, with Deepgram's own code kept."""
    dg.fail("listen", status=status)
    result = await probe_rest(http, cfg, CLIP)
    assert (result.state, result.http_status, result.topic) == ("failed", status, topic)
    assert result.error is not None


async def test_503_body_with_error_code_typo(dg: FakeDeepgram, cfg: ProbeConfig, http: httpx.AsyncClient) -> None:
    """The documented 503 body says `error_code`; it is still read."""
    dg.fail("speak", status=503)
    result = await probe_tts(http, cfg)
    assert result.topic == Topic.SERVER_ERROR and result.error_code == "Service Unavailable"


async def test_rate_limited_streaming_handshake(dg: FakeDeepgram, cfg: ProbeConfig) -> None:
    """A 429 on the WebSocket upgrade is the concurrency limit."""
    dg.rate_limit("listen_ws")
    result = await probe_streaming(cfg, CLIP)
    assert (result.http_status, result.topic) == (429, Topic.RATE_LIMITED)


async def test_timeout(dg: FakeDeepgram, cfg: ProbeConfig, http: httpx.AsyncClient) -> None:
    """A Deepgram slower than the probe timeout is a timeout, reported as such."""
    dg.set_latency("listen", 1.0)
    result = await probe_rest(http, replace(cfg, timeout=0.2), CLIP)
    assert (result.state, result.topic) == ("failed", Topic.TIMEOUT)


async def test_refused_connections(cfg: ProbeConfig, http: httpx.AsyncClient) -> None:
    """Nothing listening: REST is a network failure, streaming cannot open."""
    port = free_port()
    dead = replace(cfg, api_url=f"http://127.0.0.1:{port}", ws_url=f"ws://127.0.0.1:{port}")
    rest = await probe_rest(http, dead, CLIP)
    assert (rest.state, rest.topic) == ("failed", Topic.NETWORK)
    streaming = await probe_streaming(dead, CLIP)
    assert (streaming.state, streaming.topic) == ("failed", Topic.WEBSOCKET)


async def test_reset_connection(dg: FakeDeepgram, cfg: ProbeConfig, http: httpx.AsyncClient) -> None:
    """A connection dropped without an answer is reported as dropped."""
    dg.drop_connection("speak")
    result = await probe_tts(http, cfg)
    assert (result.state, result.topic) == ("failed", Topic.NETWORK) and "dropped" in result.summary


async def test_malformed_json(dg: FakeDeepgram, cfg: ProbeConfig, http: httpx.AsyncClient) -> None:
    """A 200 with broken JSON is not mistaken for a transcript."""
    dg.malformed_json("listen")
    dg.malformed_json("projects")
    rest = await probe_rest(http, cfg, CLIP)
    auth = await probe_auth(http, cfg)
    assert rest.state == auth.state == "failed"
    assert "not a transcription result" in rest.summary and "not a project list" in auth.summary


async def test_stalled_websocket(dg: FakeDeepgram, cfg: ProbeConfig) -> None:
    """A stream that accepts audio but never sends Results fails within the time limit."""
    dg.stall_ws()
    result = await probe_streaming(replace(cfg, timeout=0.3), CLIP)
    assert (result.state, result.topic) == ("failed", Topic.NET_0000)
    assert "handshake_ms" in result.timings


async def test_idle_close_is_net_0001(dg: FakeDeepgram, cfg: ProbeConfig) -> None:
    """Audio arriving slower than Deepgram's idle window gets the real 1011 NET-0001 close."""
    dg.idle_timeout = 0.05
    result = await probe_streaming(replace(cfg, stream_speed=0.5, timeout=2.0), CLIP)
    assert (result.close_code, result.topic) == (1011, Topic.NET_0001)
    assert result.error and result.error.code == "NET-0001" and "dpgr.am/net0001" in (result.error.message or "")


async def test_undecodable_audio_is_data_0000(cfg: ProbeConfig) -> None:
    """Bytes that are not audio get 1008 DATA-0000."""
    text = Clip(wav=b"", pcm=b'{"this": "is not audio"}' * 200, sample_rate=16000, expected_words=("x",))
    result = await probe_streaming(cfg, text)
    assert (result.close_code, result.topic) == (1008, Topic.DATA_0000)


async def test_empty_and_wrong_transcripts(dg: FakeDeepgram, cfg: ProbeConfig, http: httpx.AsyncClient) -> None:
    """Unknown audio transcribes as silence (empty); a wrong transcript is a degradation."""
    silence = Clip.load()
    silence = replace(silence, wav=silence.wav[:44] + bytes(len(silence.wav) - 44), pcm=bytes(len(silence.pcm)))
    rest = await probe_rest(http, cfg, silence)
    streaming = await probe_streaming(cfg, silence)
    assert (rest.state, rest.topic) == ("failed", Topic.EMPTY_TRANSCRIPT)
    assert (streaming.state, streaming.topic) == ("failed", Topic.EMPTY_TRANSCRIPT)
    async with FakeDeepgram() as other:
        other.register_clip(FakeClip(audio=CLIP.wav, transcript="Completely different words here."))
        wrong = replace(cfg, api_url=other.base_url, ws_url=other.ws_url, api_key=other.api_key)
        result = await probe_rest(http, wrong, CLIP)
        assert (result.state, result.topic) == ("degraded", Topic.WRONG_TRANSCRIPT)


async def test_tts_json_instead_of_audio(dg: FakeDeepgram, cfg: ProbeConfig, http: httpx.AsyncClient) -> None:
    """A JSON body where audio was expected is the classic "silent MP3"."""
    dg.fail(
        "speak",
        status=200,
        body={"err_code": "Bad Request", "err_msg": "oops"},
        headers={"Content-Type": "application/json"},
    )
    result = await probe_tts(http, cfg)
    assert (result.state, result.topic) == ("failed", Topic.TTS_AUDIO) and "application/json" in result.summary


async def test_slow_but_working_is_degraded(dg: FakeDeepgram, cfg: ProbeConfig, http: httpx.AsyncClient) -> None:
    """A working surface beyond its latency budget is degraded and points at the latency playbook."""
    dg.set_latency("speak", 0.15)
    result = await probe_tts(http, cfg, slow_ms=100)
    assert (result.state, result.topic) == ("degraded", Topic.LATENCY) and "slowly" in result.summary
