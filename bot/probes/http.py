"""The HTTP probes: the key (`GET /v1/projects`), pre-recorded (`POST /v1/listen`) and TTS (`POST /v1/speak`).

Phase timings come from httpcore's trace hooks (connect, TLS, time to first byte), so a slow network
and a slow Deepgram look different. Every call has its own timeout; none raises. Bodies are read
streamed and capped (`bot.limits`): JSON at `DEEPGRAM_JSON_MAX`, the TTS audio at what `TTS_TEXT` can
become; a larger answer is a failed probe, not read.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import httpx

from bot.deepgram import auth_header, parse_error, transport_failure
from bot.limits import DEEPGRAM_JSON_MAX, Answer, TooLarge, fetch, tts_audio_cap
from bot.probes.clip import Clip
from bot.probes.result import (
    ProbeConfig,
    ProbeResult,
    Surface,
    classify_status,
    judge_speed,
    skipped,
    transcript_verdict,
)
from bot.speak.mp3 import looks_like_mp3
from bot.topics import Topic

__all__ = ["LISTEN_MODEL", "TTS_MODEL", "TTS_TEXT", "probe_auth", "probe_rest", "probe_tts"]

LISTEN_MODEL = "nova-3"
TTS_MODEL = "aura-2-thalia-en"
TTS_TEXT = "Deepgram Doctor is checking text to speech."
#: The most the TTS probe reads: what `TTS_TEXT` can become as MP3 (`bot.limits.tts_audio_cap`).
TTS_AUDIO_LIMIT = tts_audio_cap(len(TTS_TEXT))


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
    http: httpx.AsyncClient,
    surface: Surface,
    cfg: ProbeConfig,
    method: str,
    path: str,
    *,
    limit: int = DEEPGRAM_JSON_MAX,
    **kwargs: Any,
) -> tuple[Answer | None, ProbeResult | None, _Trace]:
    """Send one request and read at most `limit` bytes (default `DEEPGRAM_JSON_MAX`) of the answer;
    on a transport failure or an oversized answer return the failed ProbeResult instead."""
    trace = _Trace()
    headers = {**auth_header(cfg.api_key or ""), **kwargs.pop("headers", {})}
    try:
        answer = await fetch(
            http,
            method,
            cfg.api_url + path,
            limit=limit,
            headers=headers,
            timeout=cfg.timeout,
            extensions={"trace": trace},
            **kwargs,
        )
    except httpx.HTTPError as exc:
        failure = transport_failure(exc, cfg.timeout)
        return None, _transport_failure(surface, trace, failure.summary, failure.topic), trace
    if isinstance(answer, TooLarge):
        return None, _too_large(surface, answer, trace), trace
    return answer, None, trace


def _too_large(surface: Surface, answer: TooLarge, trace: _Trace) -> ProbeResult:
    """An answer over the cap: Deepgram's side misbehaved (the 5xx playbook); the body was not read."""
    return ProbeResult(
        surface,
        "failed",
        f"Deepgram's answer was larger than {answer.size}; it was not read",
        Topic.SERVER_ERROR,
        _elapsed(trace),
        trace.timings(),
        answer.status_code,
        request_id=answer.request_id,
    )


def _transport_failure(surface: Surface, trace: _Trace, summary: str, topic: Topic) -> ProbeResult:
    elapsed = (time.perf_counter() - trace.start) * 1000
    return ProbeResult(surface, "failed", summary, topic, round(elapsed, 1), trace.timings())


def _elapsed(trace: _Trace) -> float:
    return round((time.perf_counter() - trace.start) * 1000, 1)


def _json(response: Answer) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def _error_result(surface: Surface, response: Answer, trace: _Trace) -> ProbeResult:
    error = parse_error(response.status_code, response.content, response.headers)
    result = classify_status(surface, response.status_code, error)
    return _with_time(result, trace)


def _with_time(result: ProbeResult, trace: _Trace) -> ProbeResult:
    return replace(result, elapsed_ms=_elapsed(trace), timings=trace.timings())


def _malformed(surface: Surface, response: Answer, trace: _Trace, what: str) -> ProbeResult:
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


async def probe_auth(http: httpx.AsyncClient, cfg: ProbeConfig, *, slow_ms: float = math.inf) -> ProbeResult:
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
    return judge_speed(result, result.elapsed_ms or 0, slow_ms)


async def probe_rest(
    http: httpx.AsyncClient, cfg: ProbeConfig, clip: Clip, *, slow_ms: float = math.inf
) -> ProbeResult:
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
    return judge_speed(result, result.elapsed_ms or 0, slow_ms)


def _rest_transcript(body: Any) -> str | None:
    try:
        transcript = body["results"]["channels"][0]["alternatives"][0]["transcript"]
    except (KeyError, IndexError, TypeError):
        return None
    return transcript if isinstance(transcript, str) else None


async def probe_tts(http: httpx.AsyncClient, cfg: ProbeConfig, *, slow_ms: float = math.inf) -> ProbeResult:
    """`POST /v1/speak`: audio with the expected content type, not empty, not a JSON error."""
    if not cfg.api_key:
        return skipped("tts")
    response, failure, trace = await _request(
        http,
        "tts",
        cfg,
        "POST",
        "/v1/speak",
        params={"model": TTS_MODEL},
        json={"text": TTS_TEXT},
        limit=TTS_AUDIO_LIMIT,
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
    if content_type.startswith("audio/mpeg") and not looks_like_mp3(audio):
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
    return judge_speed(result, result.elapsed_ms or 0, slow_ms)
