"""Whose side a probe's failure is on: each mapping of `bot.status.causes`, and the real probes' own words."""

from __future__ import annotations

from typing import Any, NoReturn

import httpx
import pytest

from bot.deepgram import DeepgramError
from bot.probes import (
    Clip,
    ProbeConfig,
    ProbeResult,
    probe_agent,
    probe_flux,
    probe_rest,
    probe_streaming,
    probe_tts_stream,
    skipped,
)
from bot.probes.wsio import unreachable
from bot.status.causes import CAUSE_KINDS, CODES, HTTP, Cause, classify
from bot.topics import Topic

CLIP = Clip.load()
CFG = ProbeConfig(
    api_url="https://api.example",
    ws_url="wss://api.example",
    api_key="k",
    timeout=0.5,
    stream_speed=50,
    agent_url="wss://agent.example",
)


def failed(
    topic: Topic | None = None,
    *,
    status: int | None = None,
    close: int | None = None,
    code: str | None = None,
    timings: dict[str, float] | None = None,
    summary: str = "It failed",
    surface: str = "streaming",
    **extra: Any,
) -> ProbeResult:
    error = DeepgramError(status, code, None, None) if code else None
    return ProbeResult(surface, "failed", summary, topic, 10.0, timings or {}, status, close, error=error, **extra)


def test_ok_skipped_slow_provider() -> None:
    assert classify(ProbeResult("rest", "ok", "Fine")) == Cause("ok", "ok")
    assert classify(skipped("rest")) == Cause("skipped", "skipped")
    slow = ProbeResult("rest", "degraded", "Fine, but slowly (6.1 s)", Topic.LATENCY)
    assert classify(slow) == Cause("slow", "slow")
    # A provider's failure is the provider's, whatever else the result says (the agent's LLM, its TTS).
    assert classify(failed(Topic.AGENT_THINK_PROVIDER, surface="agent", provider_failure=True)).kind == "provider"
    warned = ProbeResult("agent", "degraded", "Answered, but its LLM was slow", Topic.AGENT_THINK_PROVIDER)
    assert classify(warned).kind == "provider"  # unflagged, the topic still names the provider
    other = ProbeResult("agent", "degraded", "Answered, but oddly", Topic.AGENT_DOWNSTREAM)
    assert classify(other) == Cause("theirs", "server")  # it answered: never our network
    assert CAUSE_KINDS == ("ok", "ours", "theirs", "quality", "slow", "provider", "skipped")


@pytest.mark.parametrize(
    ("status", "kind", "reason"),
    [
        (400, "ours", "request"),
        (401, "ours", "key"),
        (402, "ours", "credits"),
        (403, "ours", "key"),
        (404, "ours", "request"),
        (408, "ours", "request"),  # Deepgram waited for our upload
        (413, "ours", "request"),
        (415, "ours", "request"),
        (422, "ours", "request"),
        (429, "ours", "concurrency"),  # with our key: our concurrency
        (409, "ours", "request"),  # any other 4xx: our request
        (302, "ours", "network"),  # a redirect: a proxy or a wrong URL
        (500, "theirs", "server"),
        (502, "theirs", "server"),
        (503, "theirs", "server"),
        (504, "theirs", "timeout"),
    ],
)
def test_http_statuses(status: int, kind: str, reason: str) -> None:
    assert classify(failed(Topic.SERVER_ERROR, status=status, surface="rest")) == Cause(kind, reason)  # type: ignore[arg-type]
    assert status not in HTTP or HTTP[status] == Cause(kind, reason)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("close", "code", "kind"),
    [
        (1011, "NET-0000", "theirs"),  # Deepgram's internal error
        (1011, "NET-0001", "ours"),  # it received no audio from us
        (1008, "DATA-0000", "ours"),  # audio it cannot decode
        (1008, "DATA-0001", "ours"),  # TTS socket: too much text
        (1009, "BIG-0001", "ours"),
        (1003, "MESSAGE-0000", "ours"),
        (1011, "NET-0002", "theirs"),
        (1011, "NET-0003", "ours"),  # the connection outlived its time limit
        (1011, None, "theirs"),  # 1011 without a code: internal
        (1008, None, "ours"),  # policy: what we sent
        (1006, None, "theirs"),  # dropped after it was open
        (1000, None, "theirs"),  # closed before the work was done
        (1005, "INACTIVE_CLIENT", "ours"),  # Flux: we went quiet
        (1005, "INTERNAL_SERVER_ERROR", "theirs"),
        (1005, "SOMETHING_NEW", "theirs"),  # an unknown code after a normal close: Deepgram ended it
    ],
)
def test_close_codes_and_error_codes(close: int, code: str | None, kind: str) -> None:
    assert classify(failed(Topic.WEBSOCKET, close=close, code=code)).kind == kind


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        ("CLIENT_MESSAGE_TIMEOUT", "ours"),
        ("INVALID_SETTINGS", "ours"),
        ("UNPARSABLE_CLIENT_MESSAGE", "ours"),
        ("USER_AUDIO_FORMAT", "ours"),
        ("FAILED_TO_START_LISTENING", "theirs"),
        ("ASR_DRIVER_TIMEOUT", "theirs"),
        ("INTERNAL_SERVER_ERROR", "theirs"),
        ("SERVER_GOING_AWAY", "theirs"),
        ("FAILED_TO_THINK", "provider"),
        ("FAILED_TO_SPEAK", "provider"),
        ("NON_EXISTENT_FUNCTION_CALLED", "provider"),
    ],
)
def test_voice_agent_error_codes(code: str, kind: str) -> None:
    result = failed(Topic.AGENT_DOWNSTREAM, code=code, surface="agent", timings={"handshake_ms": 5.0})
    assert classify(result).kind == kind == CODES[code].kind


def test_quality_is_its_own_cause() -> None:
    """Deepgram answered, but wrongly: neither our side nor an outage."""
    wrong = ProbeResult("rest", "degraded", "The transcript came back wrong", Topic.WRONG_TRANSCRIPT, http_status=200)
    empty = failed(Topic.EMPTY_TRANSCRIPT, close=1000)
    silent = failed(Topic.TTS_AUDIO, status=200, surface="tts")
    assert [classify(r) for r in (wrong, empty, silent)] == [
        Cause("quality", "transcript"),
        Cause("quality", "transcript"),
        Cause("quality", "audio"),
    ]
    # A 200 whose body is not what the API returns is Deepgram's.
    assert classify(failed(Topic.SERVER_ERROR, status=200, surface="auth")) == Cause("theirs", "server")


def test_how_far_the_connection_got_decides() -> None:
    """Refused, reset, unresolvable: ours. Accepted, then silence: theirs."""
    assert classify(failed(Topic.NETWORK, surface="rest")) == Cause("ours", "network")
    # HTTP: no answer in time, before the request was sent (no connection) vs after (a stall).
    no_answer = "No answer from Deepgram within 10 s"
    assert classify(failed(Topic.TIMEOUT, summary=no_answer, surface="rest")) == Cause("ours", "network")
    connected = {"connect_ms": 3.0, "upload_ms": 40.0}
    assert classify(failed(Topic.TIMEOUT, summary=no_answer, timings=connected)) == Cause("theirs", "stall")
    # WebSocket: the stream stalled after the handshake.
    stalled = failed(Topic.NET_0000, timings={"handshake_ms": 30.0})
    assert classify(stalled) == Cause("theirs", "server")
    agent = failed(Topic.AGENT_SETTINGS, surface="agent", timings={"handshake_ms": 30.0, "welcome_ms": 2.0})
    assert classify(agent) == Cause("theirs", "stall")
    # The probe itself crashed (no topic, nothing known): the bot's side.
    assert classify(ProbeResult("rest", "failed", "The probe itself failed; see the bot's log")) == Cause(
        "ours", "probe"
    )
    assert classify(failed(Topic.REGIONS, status=404, surface="agent")) == Cause("ours", "request")


def test_wsio_unreachable_is_ours() -> None:
    for topic in (Topic.WEBSOCKET, Topic.FLUX, Topic.TTS_WEBSOCKET, Topic.AGENT_CONNECT):
        assert classify(unreachable("streaming", "streaming", topic, 3.0)) == Cause("ours", "network")


# -- the real probes' words, with the connection replaced ---------------------------------------------


def refusing(*_: Any, **__: Any) -> NoReturn:
    raise ConnectionRefusedError(111, "Connection refused")


def timing_out(*_: Any, **__: Any) -> NoReturn:
    raise TimeoutError


async def test_websocket_probes_refused_are_ours_and_handshake_timeouts_theirs() -> None:
    """Each socket probe, its connection refused (ours) or its handshake timed out (theirs)."""
    probes = {
        "streaming": lambda connect: probe_streaming(CFG, CLIP, connect_fn=connect),
        "flux": lambda connect: probe_flux(CFG, CLIP, connect_fn=connect),
        "tts_stream": lambda connect: probe_tts_stream(CFG, connect_fn=connect),
    }
    for name, run in probes.items():
        refused, slow = await run(refusing), await run(timing_out)
        assert classify(refused) == Cause("ours", "network"), (name, refused.summary)
        assert classify(slow) == Cause("theirs", "timeout"), (name, slow.summary)


async def test_voice_agent_probe_refused_and_timed_out() -> None:
    """The agent's host answers its free check; then the socket is refused (ours) or never opens (theirs)."""

    def models(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"models": []})

    async with httpx.AsyncClient(transport=httpx.MockTransport(models)) as http:
        refused = await probe_agent(http, CFG, connect_fn=refusing)
        slow = await probe_agent(http, CFG, connect_fn=timing_out)
    assert classify(refused) == Cause("ours", "network"), refused.summary
    assert classify(slow) == Cause("theirs", "timeout"), slow.summary

    def down(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("Name or service not known", request=request)

    async with httpx.AsyncClient(transport=httpx.MockTransport(down)) as http:
        unresolved = await probe_agent(http, CFG, connect_fn=refusing)
    assert classify(unresolved) == Cause("ours", "network"), unresolved.summary


async def test_http_probe_connect_errors_are_ours() -> None:
    """DNS, refused, TLS and proxy failures never reach Deepgram: ours."""
    for exc in (httpx.ConnectError("refused"), httpx.ProxyError("407 from the proxy")):

        def fail(request: httpx.Request, exc: httpx.HTTPError = exc) -> httpx.Response:
            raise exc

        async with httpx.AsyncClient(transport=httpx.MockTransport(fail)) as http:
            result = await probe_rest(http, CFG, CLIP)
        assert classify(result) == Cause("ours", "network"), result.summary
