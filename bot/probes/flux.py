"""The Flux probe: the clip over `/v2/listen` (flux-general-en), one turn, its end-of-turn transcript judged.

Reference: deepgram-realtime.md §2. After the upgrade Flux sends `Connected`, then `TurnInfo` events
(`Update` about every 0.25 s of audio, `StartOfTurn`, `EndOfTurn`). A turn only ends after some
silence, so the probe sends the clip in 80 ms chunks (the recommended size), then silence until the
`EndOfTurn` comes; if none has come after `SILENCE_SECONDS` it asks for one with `ForceEndTurn`.
Then `CloseStream`. Fatal errors are an `Error` message (`"FatalError"` in one SDK guide: both are
accepted) followed by a close without status (1005).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidStatus, InvalidURI

from bot.deepgram import auth_header, ws_url
from bot.limits import WS_TEXT_MAX
from bot.probes.clip import Clip
from bot.probes.result import ProbeConfig, ProbeResult, judge_speed, skipped, transcript_verdict
from bot.probes.wsio import CloseInfo, SocketSession, Stopwatch, close_info, json_frame, too_large, unreachable
from bot.topics import Topic

__all__ = ["FLUX_MODEL", "SILENCE_SECONDS", "probe_flux"]

SURFACE = "flux"
FLUX_MODEL = "flux-general-en"
CHUNK_SECONDS = 0.08  # 80 ms chunks, "strongly recommended" (§2.1): 2560 bytes at linear16 16 kHz
SILENCE_SECONDS = 2.0  # trailing silence before asking for the end of the turn with ForceEndTurn
Connect = Any

# Handshake refusals that are about Flux itself: its endpoint, model or parameters, its concurrency.
_FLUX_STATUSES: Mapping[int, str] = {
    400: "Flux refused the stream's parameters (400)",
    404: "Deepgram has no Flux endpoint here (404)",
    405: "Deepgram does not allow Flux here (405)",
    429: "Too many Flux streams at once for this project (429)",
}


class _Session(SocketSession):
    """What one Flux stream said, as it arrives."""

    def __init__(self, watch: Stopwatch, clip: Clip) -> None:
        super().__init__(SURFACE, watch, WS_TEXT_MAX)  # Flux sends JSON only
        self.clip = clip
        self.opened_at: float | None = None
        self.audio_start: float | None = None
        self.speech_end: float | None = None  # when the clip's last chunk was sent
        self.turns: list[str] = []
        self.started = False  # a turn started: Flux heard speech
        self.heard_nothing = False  # the clip and the silence went by without a turn starting
        self.ended = asyncio.Event()  # an EndOfTurn after the whole clip was sent
        self.fatal: tuple[str, str] | None = None

    def on_frame(self, message: str | bytes) -> None:
        data = json_frame(message)
        if data is None:
            return
        kind = data.get("type")
        if kind == "Connected":
            self.timings.setdefault("connected_ms", self.watch.since(self.opened_at))
            self.request_id = self.request_id or _str(data.get("request_id"))
        elif kind == "TurnInfo":
            self._turn_info(data)
        elif kind in ("Error", "FatalError"):  # AAS says "Error", one SDK guide "FatalError" (§2.3)
            self.fatal = (_str(data.get("code")) or "UNKNOWN", _str(data.get("description")) or "")
        elif kind == "Warning":
            self.warnings.append(_str(data.get("code")) or "WARNING")

    def _turn_info(self, data: Mapping[str, Any]) -> None:
        transcript = _str(data.get("transcript")) or ""
        if transcript and self.audio_start is not None:
            self.timings.setdefault("first_result_ms", self.watch.since(self.audio_start))
        self.started = self.started or bool(transcript) or data.get("event") == "StartOfTurn"
        if data.get("event") != "EndOfTurn":
            return
        self.turns.append(transcript)
        if self.speech_end is not None:
            self.timings["end_of_turn_ms"] = self.watch.since(self.speech_end)
            self.ended.set()

    def result(self, slow_ms: float) -> ProbeResult:
        transcript = " ".join(t for t in self.turns if t).strip()
        state, summary, topic = transcript_verdict(
            SURFACE, transcript, self.clip.expected_words, right="Streamed the test clip to Flux and got the right turn"
        )
        result = self.report(state, summary, topic, close_code=1000, detail=transcript)
        ours = self.timings.get("handshake_ms", 0) + self.timings.get("end_of_turn_ms", 0)
        return judge_speed(result, ours, slow_ms)

    def failed(self, summary: str, topic: Topic, close: CloseInfo | None = None) -> ProbeResult:
        code, description = self.fatal or (None, None)
        text = close.reason if close and not description else description
        return self.report(
            "failed",
            summary,
            topic,
            close_code=close.code if close else None,
            said=(code, text) if (code or text) else None,
        )

    def ended_early(self, close: CloseInfo | None) -> ProbeResult:
        """The stream ended (a FatalError, or a close) before the turn was complete."""
        if self.fatal:
            return self.failed(f"Flux ended the stream with a fatal error ({self.fatal[0]})", Topic.FLUX_CLOSED, close)
        if close is None or close.normal:
            return self.failed("Flux closed the stream before the end of the turn", Topic.FLUX_CLOSED, close)
        return self.failed(f"The Flux stream closed unexpectedly (code {close.code})", Topic.FLUX_CLOSED, close)

    def stalled(self) -> ProbeResult:
        if "handshake_ms" not in self.timings:
            return self.failed("The Flux handshake did not finish within the time limit", Topic.FLUX)
        if "connected_ms" not in self.timings:
            return self.failed("Flux accepted the stream but never sent Connected", Topic.FLUX_CLOSED)
        return self.failed("The Flux stream stalled: no end of turn within the time limit", Topic.FLUX_CLOSED)


async def probe_flux(
    cfg: ProbeConfig, clip: Clip, *, slow_ms: float = math.inf, connect_fn: Connect = connect
) -> ProbeResult:
    """Stream the clip to Flux like a live microphone and judge the turn's transcript; never raises."""
    if not cfg.api_key:
        return skipped(SURFACE)
    url = ws_url(
        cfg.ws_url, "/v2/listen", {"model": FLUX_MODEL, "encoding": "linear16", "sample_rate": clip.sample_rate}
    )
    watch = Stopwatch()
    session = _Session(watch, clip)
    budget = cfg.timeout + (clip.seconds + SILENCE_SECONDS) / cfg.stream_speed
    try:
        async with asyncio.timeout(budget):
            async with connect_fn(
                url,
                additional_headers=auth_header(cfg.api_key),
                open_timeout=cfg.timeout,
                close_timeout=2,
                max_size=session.max_size,
            ) as ws:
                session.opened(ws)
                session.opened_at = Stopwatch.now()
                sender = asyncio.create_task(_send(ws, session, cfg.stream_speed))
                try:
                    finished = await _read(ws, session)
                finally:
                    sender.cancel()
                if not finished and not session.heard_nothing:
                    return session.ended_early(_close_of(ws) if not session.fatal else None)
                if finished:
                    await ws.send(json.dumps({"type": "CloseStream"}))
    except InvalidStatus as exc:
        return _refused(exc, session)
    except ConnectionClosed as exc:
        if too_large(exc):
            return session.oversized()
        return session.ended_early(close_info(exc))
    except TimeoutError:
        return session.stalled()
    except (InvalidHandshake, InvalidURI, OSError):
        return unreachable(SURFACE, "Flux streaming", Topic.FLUX, watch.since())
    return session.result(slow_ms)


async def _read(ws: ClientConnection, session: _Session) -> bool:
    """Read until the clip's turn ended (True) or a fatal error / a normal close ended the stream (False)."""
    async for message in ws:
        session.on_frame(message)
        if session.fatal:
            return False
        if session.ended.is_set():
            return True
    return False


async def _send(ws: ClientConnection, session: _Session, speed: float) -> None:
    """The clip in 80 ms chunks at the pace of a microphone, then silence until the turn ends."""
    with contextlib.suppress(ConnectionClosed):  # the reader sees the close and reports it
        await _send_audio(ws, session, speed)


async def _send_audio(ws: ClientConnection, session: _Session, speed: float) -> None:
    clip = session.clip
    step = int(clip.sample_rate * 2 * CHUNK_SECONDS)
    session.audio_start = Stopwatch.now()
    for offset in range(0, len(clip.pcm), step):
        await ws.send(clip.pcm[offset : offset + step])
        if offset + step >= len(clip.pcm):
            session.speech_end = Stopwatch.now()  # an EndOfTurn from now on ends the clip's turn
        await asyncio.sleep(CHUNK_SECONDS / speed)
    silence = bytes(step)
    for _ in range(round(SILENCE_SECONDS / CHUNK_SECONDS)):
        if session.ended.is_set():
            return
        await ws.send(silence)
        await asyncio.sleep(CHUNK_SECONDS / speed)
    if session.ended.is_set():
        return
    if not session.started:
        # No turn began: Flux heard no speech. Close the stream; the empty transcript is the finding.
        session.heard_nothing = True
        await ws.send(json.dumps({"type": "CloseStream"}))
        return
    await ws.send(json.dumps({"type": "ForceEndTurn"}))


def _close_of(ws: ClientConnection) -> CloseInfo:
    """How the server closed the socket that `async for` left quietly (1000/1001/1005)."""
    return CloseInfo(ws.close_code or 1005, ws.close_reason or "")


def _refused(exc: InvalidStatus, session: _Session) -> ProbeResult:
    result = session.refused(exc)
    status = exc.response.status_code
    if status in _FLUX_STATUSES:
        return replace(result, summary=_FLUX_STATUSES[status], topic=Topic.FLUX)
    return result


def _str(value: object) -> str | None:
    return value if isinstance(value, str) and value else None
