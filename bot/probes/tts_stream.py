"""The TTS socket probe: `Speak` + `Flush` on `/v1/speak`, audio back, `Flushed`, `Close`.

Reference: deepgram-realtime.md §3.1–3.5. Binary frames are raw linear16 samples (no header). The
`Metadata` message's timing is disputed, so the probe never waits for it: it times the first audio
frame and the `Flushed` acknowledgement from the moment `Flush` is sent. The limits close the socket
with a code and a payload code only (`1008 DATA-0001`, `1009 BIG-0000`/`BIG-0001`, `1011 NET-000x`).
"""

from __future__ import annotations

import asyncio
import json
import math
from collections.abc import Mapping
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidStatus, InvalidURI

from bot.deepgram import auth_header, ws_url
from bot.limits import WS_AUDIO_MAX
from bot.probes.http import TTS_MODEL, TTS_TEXT
from bot.probes.result import ProbeConfig, ProbeResult, ProbeState, judge_speed, skipped
from bot.probes.wsio import (
    CloseInfo,
    SocketSession,
    Stopwatch,
    close_info,
    domain_code,
    json_frame,
    too_large,
    unreachable,
)
from bot.topics import Topic

__all__ = ["TTS_STREAM_RATE", "classify_tts_close", "probe_tts_stream"]

SURFACE = "tts_stream"
TTS_STREAM_RATE = 24000  # linear16 at 24 kHz: 48,000 bytes per second of speech
Connect = Any

# Close payload codes (deepgram-realtime.md §3.5, §3.4).
_CLOSES: Mapping[str, tuple[Topic, str]] = {
    "DATA-0001": (Topic.DATA_0001, "Deepgram closed the TTS socket: too many characters in the last minute"),
    "BIG-0001": (Topic.DATA_0001, "Deepgram closed the TTS socket: too many characters in one message"),
    "BIG-0000": (Topic.DATA_0001, "Deepgram closed the TTS socket: the message was too large"),
    "DATA-0000": (Topic.TTS_WEBSOCKET, "Deepgram closed the TTS socket: it did not accept a command"),
    "MESSAGE-0000": (Topic.TTS_WEBSOCKET, "Deepgram closed the TTS socket: unsupported message type"),
    "NET-0000": (Topic.TTS_WEBSOCKET, "Deepgram closed the TTS socket with an internal error"),
    "NET-0001": (Topic.TTS_WEBSOCKET, "Deepgram closed the TTS socket: it received nothing in time"),
    "NET-0002": (Topic.TTS_WEBSOCKET, "Deepgram closed the TTS socket: it failed to send"),
    "NET-0003": (Topic.TTS_WEBSOCKET, "Deepgram closed the TTS socket at its time limit"),
}


def classify_tts_close(code: int, reason: str) -> tuple[Topic, str]:
    """Map an early close of the TTS socket to its topic and a summary (with the code, as Deepgram sent it)."""
    payload = domain_code(reason)
    label = f"{code} {payload}" if payload else str(code)
    if payload is not None and payload in _CLOSES:
        topic, summary = _CLOSES[payload]
        return topic, f"{summary} ({label})"
    return Topic.TTS_WEBSOCKET, f"The TTS socket closed before the audio was complete ({label})"


class _Session(SocketSession):
    """What came back on one TTS socket."""

    def __init__(self, watch: Stopwatch) -> None:
        super().__init__(SURFACE, watch, WS_AUDIO_MAX)  # binary audio frames as well as JSON
        self.flush_sent: float | None = None
        self.audio_bytes = 0
        self.flushed = False

    def on_frame(self, message: str | bytes) -> None:
        if isinstance(message, bytes):
            if message and self.flush_sent is not None:
                self.timings.setdefault("first_audio_ms", self.watch.since(self.flush_sent))
            self.audio_bytes += len(message)
            return
        data = json_frame(message) or {}
        kind = data.get("type")
        if kind == "Flushed" and self.flush_sent is not None:
            self.timings["flushed_ms"] = self.watch.since(self.flush_sent)
            self.flushed = True
        elif kind == "Metadata":
            self.request_id = self.request_id or _str(data.get("request_id"))
        elif kind == "Warning":
            # Both shapes: AAS `code`/`description`, the recorded live `warn_code`/`warn_msg` (§3.3).
            code = _str(data.get("code")) or _str(data.get("warn_code")) or "WARNING"
            self.warnings.append(code)

    def result(self, slow_ms: float) -> ProbeResult:
        seconds = self.audio_bytes / (2 * TTS_STREAM_RATE)
        state: ProbeState = "ok" if self.audio_bytes else "failed"
        topic = None if self.audio_bytes else Topic.TTS_AUDIO
        summary = (
            f"Streamed {seconds:.1f} s of speech over the TTS socket"
            if self.audio_bytes
            else "The TTS socket acknowledged the text but sent no audio"
        )
        result = self.report(state, summary, topic, close_code=1000)
        ours = self.timings.get("handshake_ms", 0) + self.timings.get("flushed_ms", 0)
        return judge_speed(result, ours, slow_ms)

    def closed(self, close: CloseInfo) -> ProbeResult:
        topic, summary = classify_tts_close(close.code, close.reason)
        code = domain_code(close.reason)
        # The reason is often the payload code alone: then it says nothing more than the code.
        said = (code, close.reason if close.reason.strip() != code else None)
        return self.report("failed", summary, topic, close_code=close.code, said=said)

    def stalled(self, timeout: float) -> ProbeResult:
        if "handshake_ms" not in self.timings:
            summary, topic = "The TTS socket's handshake did not finish within the time limit", Topic.TTS_WEBSOCKET
        elif self.audio_bytes:
            summary, topic = f"The TTS socket sent audio but no Flushed within {timeout:g} s", Topic.TTS_WEBSOCKET
        else:
            summary, topic = f"The TTS socket sent no audio within {timeout:g} s", Topic.TTS_WEBSOCKET
        return self.report("failed", summary, topic)


async def probe_tts_stream(
    cfg: ProbeConfig, *, slow_ms: float = math.inf, connect_fn: Connect = connect
) -> ProbeResult:
    """`Speak` + `Flush` → binary audio + `Flushed` → `Close`, each phase timed; never raises."""
    if not cfg.api_key:
        return skipped(SURFACE)
    url = ws_url(cfg.ws_url, "/v1/speak", {"model": TTS_MODEL, "encoding": "linear16", "sample_rate": TTS_STREAM_RATE})
    watch = Stopwatch()
    session = _Session(watch)
    try:
        async with asyncio.timeout(cfg.timeout):
            async with connect_fn(
                url,
                additional_headers=auth_header(cfg.api_key),
                open_timeout=cfg.timeout,
                close_timeout=2,
                max_size=session.max_size,
            ) as ws:
                session.opened(ws)
                await _converse(ws, session)
    except InvalidStatus as exc:
        return session.refused(exc)
    except ConnectionClosed as exc:
        if too_large(exc):
            return session.oversized()
        return session.closed(close_info(exc))
    except TimeoutError:
        return session.stalled(cfg.timeout)
    except (InvalidHandshake, InvalidURI, OSError):
        return unreachable(SURFACE, "TTS WebSocket", Topic.TTS_WEBSOCKET, watch.since())
    return session.result(slow_ms)


async def _converse(ws: ClientConnection, session: _Session) -> None:
    """Send the text and a Flush, read until `Flushed`, then `Close` and let the server close (1000)."""
    await ws.send(json.dumps({"type": "Speak", "text": TTS_TEXT}))
    session.flush_sent = Stopwatch.now()
    await ws.send(json.dumps({"type": "Flush"}))
    while not session.flushed:
        session.on_frame(await ws.recv())
    await ws.send(json.dumps({"type": "Close"}))
    async for message in ws:  # what is left before the server's 1000
        session.on_frame(message)


def _str(value: object) -> str | None:
    return value if isinstance(value, str) and value else None
