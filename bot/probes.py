"""Live probes of Deepgram from where the bot runs: auth, pre-recorded, streaming and TTS.

Each probe returns a `ProbeResult` and never raises: the library's exception trees (httpx's
`TimeoutException` / `TransportError`, websockets' `InvalidStatus` / `ConnectionClosed`) are
mapped to a state, a one-line summary and the `/deepgram why` topic that explains it. Every
call has its own timeout. Phase timings come from httpcore's trace hooks (connect, TLS, time
to first byte), so a slow network and a slow Deepgram look different.
"""

from __future__ import annotations

import asyncio
import io
import json
import logging
import time
import wave
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field, replace
from importlib import resources
from typing import Any, Literal

import httpx
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidStatus, InvalidURI

from bot.deepgram import DeepgramError, auth_header, close_reason_code, parse_error, transport_failure, ws_url
from bot.topics import Topic

log = logging.getLogger(__name__)

Surface = Literal["auth", "rest", "streaming", "tts"]
ProbeState = Literal["ok", "degraded", "failed", "skipped"]
SURFACES: tuple[Surface, ...] = ("auth", "rest", "streaming", "tts")

LISTEN_MODEL = "nova-3"
TTS_MODEL = "aura-2-thalia-en"
TTS_TEXT = "Deepgram Doctor is checking text to speech."
# Words a correct transcript of the probe clip contains. Numbers are left out on purpose:
# smart_format may write "one two three" as digits.
CLIP_EXPECTED_WORDS = ("testing", "speech", "recognition")
CHUNK_SECONDS = 0.1

# Above these a surface that works is still reported as slow (milliseconds).
SLOW_MS: Mapping[Surface, float] = {"auth": 2000, "rest": 5000, "streaming": 3000, "tts": 3000}

Connect = Callable[..., Any]


@dataclass(frozen=True)
class Clip:
    """The probe's speech: a WAV for the REST probe, its PCM payload for the streaming one."""

    wav: bytes
    pcm: bytes
    sample_rate: int
    expected_words: tuple[str, ...]

    @property
    def seconds(self) -> float:
        return len(self.pcm) / (2 * self.sample_rate)

    @classmethod
    def load(cls) -> Clip:
        data = resources.files("bot").joinpath("data/probe-clip.wav").read_bytes()
        with wave.open(io.BytesIO(data)) as w:
            if w.getsampwidth() != 2 or w.getnchannels() != 1:
                raise ValueError("probe clip must be PCM16 mono")
            pcm = w.readframes(w.getnframes())
            rate = w.getframerate()
        return cls(wav=data, pcm=pcm, sample_rate=rate, expected_words=CLIP_EXPECTED_WORDS)


@dataclass(frozen=True)
class ProbeConfig:
    """Where and how to probe. `stream_speed` > 1 streams faster than real time (tests only)."""

    api_url: str
    ws_url: str
    api_key: str | None = field(default=None, repr=False)
    timeout: float = 10.0
    stream_speed: float = 1.0


@dataclass(frozen=True)
class ProbeResult:
    surface: Surface
    state: ProbeState
    summary: str
    topic: Topic | None = None
    elapsed_ms: float | None = None
    timings: Mapping[str, float] = field(default_factory=dict)
    http_status: int | None = None
    close_code: int | None = None
    error: DeepgramError | None = None
    request_id: str | None = None
    detail: str | None = None

    @property
    def error_code(self) -> str | None:
        return self.error.code if self.error else None


def skipped(surface: Surface) -> ProbeResult:
    return ProbeResult(surface, "skipped", "No DEEPGRAM_API_KEY is configured, so this probe did not run.")


# -- pure mapping ----------------------------------------------------------------------------

_STATUS_TOPICS: Mapping[int, tuple[Topic, str]] = {
    400: (Topic.BAD_REQUEST, "Deepgram refused the request as malformed (400)"),
    401: (Topic.UNAUTHORIZED, "Deepgram rejected the key (401)"),
    402: (Topic.CREDITS, "The project is out of credits (402)"),
    403: (Topic.FORBIDDEN, "The key is not allowed to do this (403)"),
    404: (Topic.NOT_FOUND, "Deepgram did not find what was asked for (404)"),
    405: (Topic.METHOD_NOT_ALLOWED, "Deepgram does not allow this method or model here (405)"),
    408: (Topic.TIMEOUT, "Deepgram timed out waiting for the request (408)"),
    413: (Topic.PAYLOAD_TOO_LARGE, "The request was too large (413)"),
    415: (Topic.UNSUPPORTED_MEDIA_TYPE, "Deepgram did not accept the content type (415)"),
    422: (Topic.PAYLOAD_TOO_LARGE, "Deepgram could not process the input (422)"),
    429: (Topic.RATE_LIMITED, "Deepgram is rate limiting this project (429)"),
    504: (Topic.TIMEOUT, "A gateway timed out waiting for Deepgram (504)"),
}


def classify_status(surface: Surface, status: int, error: DeepgramError) -> ProbeResult:
    """Map an HTTP error status (REST or WebSocket handshake) to a failed probe result."""
    topic, summary = _STATUS_TOPICS.get(status, (Topic.SERVER_ERROR, f"Deepgram answered HTTP {status}"))
    if status >= 500 and status != 504:
        topic, summary = Topic.SERVER_ERROR, f"Deepgram had a server error ({status})"
    if status == 400 and error.message and "model" in error.message.lower():
        topic = Topic.MODELS
    return ProbeResult(surface, "failed", summary, topic, http_status=status, error=error, request_id=error.request_id)


def transcript_verdict(
    surface: Surface, transcript: str, expected: tuple[str, ...]
) -> tuple[ProbeState, str, Topic | None]:
    """Is this transcript of the probe clip right? Empty is a failure, wrong words a degradation."""
    words = {w.strip(".,!?;:'\"").lower() for w in transcript.split()}
    if not transcript.strip():
        return "failed", "The transcript of a known speech clip came back empty", Topic.EMPTY_TRANSCRIPT
    missing = [w for w in expected if w not in words]
    if missing:
        return "degraded", "The transcript of a known speech clip came back wrong", Topic.WRONG_TRANSCRIPT
    return "ok", "Transcribed the test clip correctly", None


def _slow(surface: Surface, result: ProbeResult, elapsed_ms: float) -> ProbeResult:
    if result.state == "ok" and elapsed_ms > SLOW_MS[surface]:
        return replace(
            result,
            state="degraded",
            summary=f"{result.summary}, but slowly ({elapsed_ms / 1000:.1f} s)",
            topic=Topic.LATENCY,
        )
    return result


# -- HTTP probes ---------------------------------------------------------------------------


class _Trace:
    """Collects httpcore trace events into phase timings."""

    def __init__(self) -> None:
        self.start = time.perf_counter()
        self.marks: dict[str, float] = {}

    async def __call__(self, name: str, info: Mapping[str, Any]) -> None:
        # httpcore awaits the hook on async clients.
        self.marks.setdefault(name, time.perf_counter())

    def _span(self, begin: str, end: str) -> float | None:
        if begin in self.marks and end in self.marks:
            return (self.marks[end] - self.marks[begin]) * 1000
        return None

    def timings(self) -> dict[str, float]:
        spans = {
            "connect_ms": self._span("connection.connect_tcp.started", "connection.connect_tcp.complete"),
            "tls_ms": self._span("connection.start_tls.started", "connection.start_tls.complete"),
            "upload_ms": self._span("http11.send_request_headers.started", "http11.send_request_body.complete"),
            "server_ms": self._span("http11.send_request_body.complete", "http11.receive_response_headers.complete"),
        }
        if "http11.receive_response_headers.complete" in self.marks:
            spans["ttfb_ms"] = (self.marks["http11.receive_response_headers.complete"] - self.start) * 1000
        return {k: round(v, 1) for k, v in spans.items() if v is not None}


async def _request(
    http: httpx.AsyncClient, surface: Surface, cfg: ProbeConfig, method: str, path: str, **kwargs: Any
) -> tuple[httpx.Response | None, ProbeResult | None, _Trace]:
    """Send one request; on a transport failure return the failed ProbeResult instead."""
    trace = _Trace()
    headers = {**auth_header(cfg.api_key or ""), **kwargs.pop("headers", {})}
    try:
        response = await http.request(
            method,
            cfg.api_url + path,
            headers=headers,
            timeout=cfg.timeout,
            extensions={"trace": trace},
            **kwargs,
        )
    except httpx.HTTPError as exc:
        failure = transport_failure(exc, cfg.timeout)
        return None, _transport_failure(surface, trace, failure.summary, failure.topic), trace
    return response, None, trace


def _transport_failure(surface: Surface, trace: _Trace, summary: str, topic: Topic) -> ProbeResult:
    elapsed = (time.perf_counter() - trace.start) * 1000
    return ProbeResult(surface, "failed", summary, topic, round(elapsed, 1), trace.timings())


def _elapsed(trace: _Trace) -> float:
    return round((time.perf_counter() - trace.start) * 1000, 1)


def _json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def _error_result(surface: Surface, response: httpx.Response, trace: _Trace) -> ProbeResult:
    error = parse_error(response.status_code, response.content, response.headers)
    result = classify_status(surface, response.status_code, error)
    return _with_time(result, trace)


def _with_time(result: ProbeResult, trace: _Trace) -> ProbeResult:
    return replace(result, elapsed_ms=_elapsed(trace), timings=trace.timings())


def _malformed(surface: Surface, response: httpx.Response, trace: _Trace, what: str) -> ProbeResult:
    return ProbeResult(
        surface,
        "failed",
        f"Deepgram answered 200 but the body was not {what}",
        Topic.SERVER_ERROR,
        _elapsed(trace),
        trace.timings(),
        response.status_code,
        request_id=response.headers.get("dg-request-id"),
    )


async def probe_auth(http: httpx.AsyncClient, cfg: ProbeConfig) -> ProbeResult:
    """`GET /v1/projects`: is the key accepted, and how many projects does it reach?"""
    if not cfg.api_key:
        return skipped("auth")
    response, failure, trace = await _request(http, "auth", cfg, "GET", "/v1/projects")
    if failure or response is None:
        return failure or _transport_failure("auth", trace, "No answer", Topic.NETWORK)
    if response.status_code != 200:
        return _error_result("auth", response, trace)
    body = _json(response)
    projects = body.get("projects") if isinstance(body, dict) else None
    if not isinstance(projects, list):
        return _malformed("auth", response, trace, "a project list")
    result = ProbeResult(
        "auth",
        "ok",
        f"Key accepted; it reaches {len(projects)} project{'s' if len(projects) != 1 else ''}",
        elapsed_ms=_elapsed(trace),
        timings=trace.timings(),
        http_status=200,
        request_id=response.headers.get("dg-request-id"),
    )
    return _slow("auth", result, result.elapsed_ms or 0)


async def probe_rest(http: httpx.AsyncClient, cfg: ProbeConfig, clip: Clip) -> ProbeResult:
    """`POST /v1/listen` with the speech clip: a non-empty transcript with the expected words."""
    if not cfg.api_key:
        return skipped("rest")
    response, failure, trace = await _request(
        http,
        "rest",
        cfg,
        "POST",
        "/v1/listen",
        params={"model": LISTEN_MODEL, "smart_format": "true"},
        content=clip.wav,
        headers={"Content-Type": "audio/wav"},
    )
    if failure or response is None:
        return failure or _transport_failure("rest", trace, "No answer", Topic.NETWORK)
    if response.status_code != 200:
        return _error_result("rest", response, trace)
    body = _json(response)
    transcript = _rest_transcript(body)
    if transcript is None:
        return _malformed("rest", response, trace, "a transcription result")
    request_id = (body.get("metadata") or {}).get("request_id") or response.headers.get("dg-request-id")
    state, summary, topic = transcript_verdict("rest", transcript, clip.expected_words)
    result = ProbeResult(
        "rest", state, summary, topic, _elapsed(trace), trace.timings(), 200, request_id=request_id, detail=transcript
    )
    return _slow("rest", result, result.elapsed_ms or 0)


def _rest_transcript(body: Any) -> str | None:
    try:
        transcript = body["results"]["channels"][0]["alternatives"][0]["transcript"]
    except (KeyError, IndexError, TypeError):
        return None
    return transcript if isinstance(transcript, str) else None


async def probe_tts(http: httpx.AsyncClient, cfg: ProbeConfig) -> ProbeResult:
    """`POST /v1/speak`: audio with the expected content type, not empty, not a JSON error."""
    if not cfg.api_key:
        return skipped("tts")
    response, failure, trace = await _request(
        http, "tts", cfg, "POST", "/v1/speak", params={"model": TTS_MODEL}, json={"text": TTS_TEXT}
    )
    if failure or response is None:
        return failure or _transport_failure("tts", trace, "No answer", Topic.NETWORK)
    if response.status_code != 200:
        return _error_result("tts", response, trace)
    content_type = response.headers.get("content-type", "")
    request_id = response.headers.get("dg-request-id")
    audio = response.content
    if not content_type.startswith("audio/") or not audio:
        what = "empty" if not audio else f"{content_type or 'untyped'} instead of audio"
        return ProbeResult(
            "tts",
            "failed",
            f"Deepgram answered 200 but the body was {what}",
            Topic.TTS_AUDIO,
            _elapsed(trace),
            trace.timings(),
            200,
            request_id=request_id,
        )
    if content_type.startswith("audio/mpeg") and not (
        audio.startswith(b"ID3") or audio[:2] in (b"\xff\xfb", b"\xff\xf3", b"\xff\xf2", b"\xff\xe3")
    ):
        return ProbeResult(
            "tts",
            "failed",
            "The MP3 from Deepgram does not start like an MP3 file",
            Topic.TTS_AUDIO,
            _elapsed(trace),
            trace.timings(),
            200,
            request_id=request_id,
        )
    result = ProbeResult(
        "tts",
        "ok",
        f"Synthesised {len(audio) / 1024:.0f} KB of audio",
        elapsed_ms=_elapsed(trace),
        timings=trace.timings(),
        http_status=200,
        request_id=request_id,
    )
    return _slow("tts", result, result.elapsed_ms or 0)


# -- streaming probe -----------------------------------------------------------------------

# Close codes on the listen socket (deepgram.md §4.5).
_CLOSE_TOPICS: Mapping[str, tuple[Topic, str]] = {
    "NET-0001": (Topic.NET_0001, "Deepgram closed the stream: it received no audio in time (1011 NET-0001)"),
    "NET-0000": (Topic.NET_0000, "Deepgram closed the stream with an internal timeout (1011 NET-0000)"),
    "DATA-0000": (Topic.DATA_0000, "Deepgram could not decode the audio (1008 DATA-0000)"),
}


def classify_close(code: int, reason: str) -> tuple[Topic, str]:
    """Map an abnormal close of the listen socket to its topic and a summary."""
    known = close_reason_code(reason)
    if known is not None and known in _CLOSE_TOPICS:
        return _CLOSE_TOPICS[known]
    if code == 1008:
        return Topic.DATA_0000, "Deepgram closed the stream: the data was not valid audio (1008)"
    if code == 1011:
        return Topic.NET_0000, "Deepgram closed the stream with an internal error (1011)"
    return Topic.WEBSOCKET, f"The stream closed unexpectedly (code {code})"


async def probe_streaming(cfg: ProbeConfig, clip: Clip, *, connect_fn: Connect = connect) -> ProbeResult:
    """Stream the clip in real-time-sized chunks, then `CloseStream`; time each phase."""
    if not cfg.api_key:
        return skipped("streaming")
    url = ws_url(
        cfg.ws_url,
        "/v1/listen",
        {
            "model": LISTEN_MODEL,
            "encoding": "linear16",
            "sample_rate": clip.sample_rate,
            "channels": 1,
            "smart_format": True,
            "interim_results": True,
        },
    )
    start = time.perf_counter()
    timings: dict[str, float] = {}

    def ms_since(t0: float) -> float:
        return round((time.perf_counter() - t0) * 1000, 1)

    request_id: str | None = None
    finals: list[str] = []
    try:
        async with asyncio.timeout(cfg.timeout + clip.seconds / cfg.stream_speed):
            async with connect_fn(
                url, additional_headers=auth_header(cfg.api_key), open_timeout=cfg.timeout, close_timeout=2
            ) as ws:
                timings["handshake_ms"] = ms_since(start)
                request_id = ws.response.headers.get("dg-request-id") if ws.response else None
                audio_start = time.perf_counter()
                close_sent: list[float] = []
                sender = asyncio.create_task(_send_clip(ws, clip, cfg.stream_speed, close_sent))
                try:
                    async for message in ws:
                        data = _message(message)
                        if data.get("type") == "Results":
                            timings.setdefault("first_result_ms", ms_since(audio_start))
                            request_id = request_id or (data.get("metadata") or {}).get("request_id")
                            if data.get("is_final"):
                                finals.append(_ws_transcript(data))
                        elif data.get("type") == "Metadata" and close_sent:
                            timings["final_ms"] = ms_since(close_sent[0])
                finally:
                    sender.cancel()
    except InvalidStatus as exc:
        status = exc.response.status_code
        error = parse_error(status, bytes(exc.response.body or b""), dict(exc.response.headers))
        result = classify_status("streaming", status, error)
        return replace(result, elapsed_ms=ms_since(start), timings=timings)
    except ConnectionClosed as exc:
        code = exc.rcvd.code if exc.rcvd else 1006
        reason = exc.rcvd.reason if exc.rcvd else ""
        topic, summary = classify_close(code, reason)
        error = DeepgramError(
            status=None, code=close_reason_code(reason), message=reason or None, request_id=request_id
        )
        return ProbeResult(
            "streaming",
            "failed",
            summary,
            topic,
            ms_since(start),
            timings,
            close_code=code,
            error=error,
            request_id=request_id,
        )
    except TimeoutError:
        phase = "the handshake" if "handshake_ms" not in timings else "a transcript"
        topic = Topic.WEBSOCKET if phase == "the handshake" else Topic.NET_0000
        return ProbeResult(
            "streaming",
            "failed",
            f"The stream stalled: no {phase} within the time limit",
            topic,
            ms_since(start),
            timings,
            request_id=request_id,
        )
    except (InvalidHandshake, InvalidURI, OSError):
        return ProbeResult(
            "streaming",
            "failed",
            "Could not open the streaming connection to Deepgram",
            Topic.WEBSOCKET,
            ms_since(start),
            timings,
        )
    transcript = " ".join(t for t in finals if t).strip()
    state, summary, verdict_topic = transcript_verdict("streaming", transcript, clip.expected_words)
    if state == "ok":
        summary = "Streamed the test clip and got the right transcript"
    result = ProbeResult(
        "streaming",
        state,
        summary,
        verdict_topic,
        ms_since(start),
        timings,
        close_code=1000,
        request_id=request_id,
        detail=transcript,
    )
    return _slow("streaming", result, timings.get("final_ms", 0) + timings.get("handshake_ms", 0))


async def _send_clip(ws: ClientConnection, clip: Clip, speed: float, close_sent: list[float]) -> None:
    """Send audio paced like a live microphone, then ask Deepgram to flush and close."""
    step = int(clip.sample_rate * 2 * CHUNK_SECONDS)
    for offset in range(0, len(clip.pcm), step):
        await ws.send(clip.pcm[offset : offset + step])
        await asyncio.sleep(CHUNK_SECONDS / speed)
    close_sent.append(time.perf_counter())
    await ws.send(json.dumps({"type": "CloseStream"}))


def _message(message: str | bytes) -> dict[str, Any]:
    try:
        data = json.loads(message)
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _ws_transcript(data: Mapping[str, Any]) -> str:
    try:
        transcript = data["channel"]["alternatives"][0]["transcript"]
    except (KeyError, IndexError, TypeError):
        return ""
    return transcript if isinstance(transcript, str) else ""


# -- all together ------------------------------------------------------------------------------


async def _contained(surface: Surface, probe: Awaitable[ProbeResult]) -> ProbeResult:
    """Last line of the never-raise promise: a bug in one probe must not sink the others."""
    try:
        return await probe
    except Exception:
        log.exception("probe crashed", extra={"surface": surface})
        return ProbeResult(surface, "failed", "The probe itself failed; see the bot's log")


@dataclass(frozen=True)
class ProbeRun:
    results: Mapping[Surface, ProbeResult]
    elapsed_ms: float

    def __getitem__(self, surface: Surface) -> ProbeResult:
        return self.results[surface]


async def run_probes(http: httpx.AsyncClient, cfg: ProbeConfig, clip: Clip | None = None) -> ProbeRun:
    """Run the four probes concurrently; each has its own timeout, none raises."""
    clip = clip or Clip.load()
    start = time.perf_counter()
    auth, rest, streaming, tts = await asyncio.gather(
        _contained("auth", probe_auth(http, cfg)),
        _contained("rest", probe_rest(http, cfg, clip)),
        _contained("streaming", probe_streaming(cfg, clip)),
        _contained("tts", probe_tts(http, cfg)),
    )
    results: dict[Surface, ProbeResult] = {"auth": auth, "rest": rest, "streaming": streaming, "tts": tts}
    return ProbeRun(results, round((time.perf_counter() - start) * 1000, 1))
