"""The streaming probe: the clip over the `/v1/listen` WebSocket, paced like a live microphone."""

from __future__ import annotations

import asyncio
import json
import math
import time
from collections.abc import Mapping
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidStatus, InvalidURI

from bot.deepgram import auth_header, close_reason_code, ws_url
from bot.limits import WS_TEXT_MAX
from bot.probes.clip import Clip
from bot.probes.http import LISTEN_MODEL
from bot.probes.result import ProbeConfig, ProbeResult, judge_speed, skipped, transcript_verdict
from bot.probes.wsio import SocketSession, Stopwatch, close_info, json_frame, too_large, unreachable
from bot.topics import Topic

__all__ = ["CHUNK_SECONDS", "classify_close", "probe_streaming"]

SURFACE = "streaming"
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


class _Stream(SocketSession):
    """What came back on one listen stream."""

    def __init__(self) -> None:
        super().__init__(SURFACE, Stopwatch(), WS_TEXT_MAX)  # the listen socket sends JSON only
        self.finals: list[str] = []


async def probe_streaming(
    cfg: ProbeConfig, clip: Clip, *, slow_ms: float = math.inf, connect_fn: Connect = connect
) -> ProbeResult:
    """Stream the clip in real-time-sized chunks, then `CloseStream`; time each phase."""
    if not cfg.api_key:
        return skipped(SURFACE)
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
    stream = _Stream()
    try:
        async with asyncio.timeout(cfg.timeout + clip.seconds / cfg.stream_speed):
            async with connect_fn(
                url,
                additional_headers=auth_header(cfg.api_key),
                open_timeout=cfg.timeout,
                close_timeout=2,
                max_size=stream.max_size,
            ) as ws:
                stream.opened(ws)
                await _listen(ws, clip, cfg.stream_speed, stream)
    except InvalidStatus as exc:
        return stream.refused(exc)
    except ConnectionClosed as exc:
        if too_large(exc):
            return stream.oversized()
        close = close_info(exc)
        topic, summary = classify_close(close.code, close.reason)
        said = (close_reason_code(close.reason), close.reason)
        return stream.report("failed", summary, topic, close_code=close.code, said=said)
    except TimeoutError:
        if "handshake_ms" not in stream.timings:
            return stream.report("failed", "The handshake did not finish within the time limit", Topic.WEBSOCKET)
        return stream.report("failed", "The stream stalled: no transcript within the time limit", Topic.NET_0000)
    except (InvalidHandshake, InvalidURI, OSError):
        return unreachable(SURFACE, "streaming", Topic.WEBSOCKET, stream.watch.since())
    transcript = " ".join(t for t in stream.finals if t).strip()
    state, summary, verdict_topic = transcript_verdict(
        SURFACE, transcript, clip.expected_words, right="Streamed the test clip and got the right transcript"
    )
    result = stream.report(state, summary, verdict_topic, close_code=1000, detail=transcript)
    return judge_speed(result, stream.timings.get("final_ms", 0) + stream.timings.get("handshake_ms", 0), slow_ms)


async def _listen(ws: ClientConnection, clip: Clip, speed: float, stream: _Stream) -> None:
    """Send the clip while reading Results until Deepgram closes the stream after CloseStream."""
    audio_start = time.perf_counter()
    close_sent: list[float] = []
    sender = asyncio.create_task(_send_clip(ws, clip, speed, close_sent))
    try:
        async for message in ws:
            data = json_frame(message) or {}
            if data.get("type") == "Results":
                stream.timings.setdefault("first_result_ms", stream.watch.since(audio_start))
                stream.request_id = stream.request_id or (data.get("metadata") or {}).get("request_id")
                if data.get("is_final"):
                    stream.finals.append(_ws_transcript(data))
            elif data.get("type") == "Metadata" and close_sent:
                stream.timings["final_ms"] = stream.watch.since(close_sent[0])
    finally:
        sender.cancel()


async def _send_clip(ws: ClientConnection, clip: Clip, speed: float, close_sent: list[float]) -> None:
    """Send audio paced like a live microphone, then ask Deepgram to flush and close."""
    step = int(clip.sample_rate * 2 * CHUNK_SECONDS)
    for offset in range(0, len(clip.pcm), step):
        await ws.send(clip.pcm[offset : offset + step])
        await asyncio.sleep(CHUNK_SECONDS / speed)
    close_sent.append(time.perf_counter())
    await ws.send(json.dumps({"type": "CloseStream"}))


def _ws_transcript(data: Mapping[str, Any]) -> str:
    try:
        transcript = data["channel"]["alternatives"][0]["transcript"]
    except (KeyError, IndexError, TypeError):
        return ""
    return transcript if isinstance(transcript, str) else ""
