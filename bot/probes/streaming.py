"""The streaming probe: the clip over the `/v1/listen` WebSocket, paced like a live microphone."""

from __future__ import annotations

import asyncio
import json
import math
import time
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidStatus, InvalidURI

from bot.deepgram import DeepgramError, auth_header, close_reason_code, parse_error, ws_url
from bot.probes.clip import Clip
from bot.probes.http import LISTEN_MODEL
from bot.probes.result import ProbeConfig, ProbeResult, classify_status, judge_speed, skipped, transcript_verdict
from bot.topics import Topic

__all__ = ["CHUNK_SECONDS", "classify_close", "probe_streaming"]

CHUNK_SECONDS = 0.1

Connect = Any


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


async def probe_streaming(
    cfg: ProbeConfig, clip: Clip, *, slow_ms: float = math.inf, connect_fn: Connect = connect
) -> ProbeResult:
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
        handshake = "handshake_ms" not in timings
        topic = Topic.WEBSOCKET if handshake else Topic.NET_0000
        return ProbeResult(
            "streaming",
            "failed",
            "The handshake did not finish within the time limit"
            if handshake
            else "The stream stalled: no transcript within the time limit",
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
    return judge_speed(result, timings.get("final_ms", 0) + timings.get("handshake_ms", 0), slow_ms)


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
