"""What the WebSocket probes (listen, Flux, TTS socket, Voice Agent) share: timing, frames, results.

Each probe keeps its own message rules; this module only reads frames, times phases, builds results
from what every session keeps (`SocketSession`) and maps the errors every socket has in common (a
refused upgrade, a connection that never opens, a message over the size limit the probe opened the
socket with).
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import replace
from typing import Any

from websockets.asyncio.client import ClientConnection
from websockets.exceptions import ConnectionClosed, InvalidStatus, PayloadTooBig

from bot.deepgram import DeepgramError, parse_error
from bot.limits import format_size
from bot.probes.result import ProbeResult, ProbeState, Surface, classify_status
from bot.topics import Topic

__all__ = [
    "CloseInfo",
    "SocketSession",
    "Stopwatch",
    "close_info",
    "domain_code",
    "error_of",
    "json_frame",
    "too_large",
    "unreachable",
]

#: The close code `websockets` sends when a message is over `max_size` (RFC 6455 "message too big").
MESSAGE_TOO_BIG = 1009

# Close-frame payload codes of the TTS socket (`DATA-0001`, `BIG-0000`, `NET-0003`, …): only the code is
# documented, not the full reason text (deepgram-realtime.md §3.5), so it is matched anywhere in the reason.
_DOMAIN_CODE = re.compile(r"\b((?:NET|DATA|BIG|MESSAGE)-\d{4})\b")


class Stopwatch:
    """Milliseconds since the probe started, or since any earlier mark."""

    def __init__(self) -> None:
        self.start = time.perf_counter()

    @staticmethod
    def now() -> float:
        return time.perf_counter()

    def since(self, mark: float | None = None) -> float:
        return round((time.perf_counter() - (self.start if mark is None else mark)) * 1000, 1)


def json_frame(message: str | bytes) -> dict[str, Any] | None:
    """A text frame as a JSON object; None when it is not one (binary frames are audio, not JSON)."""
    if isinstance(message, bytes):
        return None
    try:
        data = json.loads(message)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def domain_code(reason: str) -> str | None:
    """`DATA-0001` from a close reason such as `DATA-0001` or `… (DATA-0001) …`."""
    match = _DOMAIN_CODE.search(reason or "")
    return match.group(1) if match else None


class CloseInfo:
    """How the server closed the socket: the code (1005 for a close frame without one) and reason."""

    def __init__(self, code: int, reason: str) -> None:
        self.code = code
        self.reason = reason

    @property
    def normal(self) -> bool:
        """1000 / 1001, or 1005 (no status): what the agent and Flux send after `Error` or `CloseStream`."""
        return self.code in (1000, 1001, 1005)


def close_info(exc: ConnectionClosed) -> CloseInfo:
    """The server's close frame (1006 when the connection just dropped)."""
    if exc.rcvd is None:
        return CloseInfo(1006, "")
    return CloseInfo(exc.rcvd.code, exc.rcvd.reason)


def unreachable(surface: Surface, what: str, topic: Topic, elapsed_ms: float) -> ProbeResult:
    """No connection at all (DNS, refused, TLS, a bad URL)."""
    return ProbeResult(surface, "failed", f"Could not open the {what} connection to Deepgram", topic, elapsed_ms)


def error_of(code: str | None, message: str | None, request_id: str | None) -> DeepgramError:
    """What the service said in an `Error` message or a close frame, kept for the report."""
    return DeepgramError(status=None, code=code or None, message=(message or None), request_id=request_id)


def too_large(exc: ConnectionClosed) -> bool:
    """Did the probe's own side close the socket because a message from Deepgram was over `max_size`?

    `websockets` (17.x, `protocol.py`) reads a frame's length before its payload; over the limit its
    parser raises `PayloadTooBig`, sends close 1009 ("frame exceeds limit of 1048576 bytes"), then
    discards the rest, the server's close frame included. `recv()` and `async for` raise a
    `ConnectionClosedError` with `sent.code == 1009`, no `rcvd`, and the `PayloadTooBig` as its cause.
    A 1009 from Deepgram (the TTS socket's `BIG-0000`) is in `rcvd` instead, and only echoed in `sent`.
    """
    if isinstance(exc.__cause__, PayloadTooBig):
        return True
    sent = exc.sent
    return sent is not None and sent.code == MESSAGE_TOO_BIG and (exc.rcvd is None or not exc.rcvd_then_sent)


class SocketSession:
    """What every probe socket keeps while it runs, so that each of its results carries all of it.

    A session records the phase timings, Deepgram's request id and the `Warning` codes as they arrive;
    `report` puts them, with the time since `watch` started, into every `ProbeResult` it builds.
    `max_size` is the message limit the socket is opened with, named again when a message exceeds it.
    """

    def __init__(self, surface: Surface, watch: Stopwatch, max_size: int) -> None:
        self.surface = surface
        self.watch = watch
        self.max_size = max_size
        self.timings: dict[str, float] = {}
        self.request_id: str | None = None
        self.warnings: list[str] = []

    def opened(self, ws: ClientConnection) -> None:
        """The handshake is done: time it, and keep the request id Deepgram gave the connection."""
        self.timings["handshake_ms"] = self.watch.since()
        self.request_id = ws.response.headers.get("dg-request-id") if ws.response else None

    def report(
        self,
        state: ProbeState,
        summary: str,
        topic: Topic | None,
        *,
        close_code: int | None = None,
        said: tuple[str | None, str | None] | None = None,
        detail: str | None = None,
        provider_failure: bool = False,
    ) -> ProbeResult:
        """The session as it stands; `said` is the code and text of an `Error` message or a close frame."""
        return ProbeResult(
            self.surface,
            state,
            summary,
            topic,
            self.watch.since(),
            self.timings,
            close_code=close_code,
            error=error_of(*said, self.request_id) if said is not None else None,
            request_id=self.request_id,
            detail=detail,
            provider_failure=provider_failure,
            warnings=tuple(self.warnings),
        )

    def refused(self, exc: InvalidStatus) -> ProbeResult:
        """A refused upgrade (HTTP status with `dg-error`), mapped like an HTTP answer of that status."""
        status = exc.response.status_code
        error = parse_error(status, bytes(exc.response.body or b""), dict(exc.response.headers))
        result = classify_status(self.surface, status, error)
        return replace(result, elapsed_ms=self.watch.since(), timings=self.timings)

    def oversized(self) -> ProbeResult:
        """A message over `max_size`: Deepgram's side misbehaved (the 5xx playbook); it was not read."""
        return self.report(
            "failed",
            f"Deepgram sent a message larger than {format_size(self.max_size)}; it was not read"
            " (the socket was closed, 1009)",
            Topic.SERVER_ERROR,
            close_code=MESSAGE_TOO_BIG,
        )
