"""What the realtime sockets share: the upgrade checks, sending with records, closing, timed receives.

Refused upgrades are plain HTTP with `dg-request-id` and `dg-error` (`deepgram.md` §4.6); the agent
host's use of those headers is unverified (`deepgram-realtime.md` §1.6), hence `dg_headers`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from aiohttp import WSMessage, WSMsgType, web

from . import errors as E
from .auth import Presented
from .common import (
    EXPOSE_HEADERS,
    MALFORMED,
    OVERSIZE,
    STALL,
    Authed,
    authenticate,
    fake_of,
    handshake_error,
    pad_text,
    presented_credentials,
    record_of,
    request_id,
)
from .errors import ErrorReply

if TYPE_CHECKING:
    from .server import FakeDeepgram

#: Knob routes answered by a WebSocket upgrade.
WS_ROUTES = frozenset({"listen_ws", "listen_v2", "speak_ws", "agent"})
#: The client's close code recorded when the server closed with an empty close frame.
NO_STATUS = 1005


@dataclass
class Accepted:
    """An upgrade request that passed the checks."""

    auth: Authed
    presented: Presented


def refuse(request: web.Request, status: int, message: str, *, dg_headers: bool = True) -> web.Response:
    """A refused upgrade (plain text body; `dg-error` and `dg-request-id` unless `dg_headers` is off)."""
    if dg_headers:
        return handshake_error(request, status, message)
    return web.Response(status=status, text=message, content_type="text/plain")


def preflight(request: web.Request, route: str, *, dg_headers: bool = True) -> Accepted | web.Response:
    """Upgrade header, credentials (Token / Bearer JWT / subprotocol), credit and concurrency."""
    dg = fake_of(request)
    if request.headers.get("Upgrade", "").lower() != "websocket":
        return refuse(request, 405, "Expected a WebSocket upgrade request.", dg_headers=dg_headers)
    presented = presented_credentials(request, websocket=True)
    auth = authenticate(request, "api", presented)
    if isinstance(auth, ErrorReply):
        return refuse(request, auth.status, auth.short_reason(), dg_headers=dg_headers)
    if auth.project.out_of_credit:
        # A project without credit is refused at the handshake (deepgram.md §2.3).
        return refuse(request, 402, E.ASR_PAYMENT_REQUIRED[1], dg_headers=dg_headers)
    limit = dg.concurrency_limits.get(route)
    if limit is not None and sum(1 for s in dg.realtime_sessions if s.route == route) >= limit:
        # Concurrency per project → 429 on the upgrade (deepgram.md §7; realtime §2.6).
        text = E.TTS_TOO_MANY_REQUESTS[1] if route == "speak_ws" else E.STT_TOO_MANY_REQUESTS[1]
        return refuse(request, 429, text, dg_headers=dg_headers)
    return Accepted(auth, presented)


async def accept(request: web.Request, presented: Presented, *, autoping: bool = True) -> web.WebSocketResponse:
    """Complete the upgrade (echoing the subprotocol scheme word, `deepgram.md` §1.4)."""
    protocols = (presented.subprotocol,) if presented.source == "subprotocol" and presented.subprotocol else ()
    ws = web.WebSocketResponse(protocols=protocols, autoping=autoping, timeout=2.0, max_msg_size=16 * 1024 * 1024)
    ws.headers["dg-request-id"] = request_id(request)
    ws.headers["access-control-expose-headers"] = EXPOSE_HEADERS
    await ws.prepare(request)
    record_of(request).status = 101
    fake_of(request).notify()
    return ws


class WsSession(ABC):
    """One accepted realtime socket: records what is sent and received, knows how it ended."""

    route = ""
    sequenced = False  # add a running `sequence_id` to every JSON message (Flux)

    def __init__(self, request: web.Request, ws: web.WebSocketResponse, auth: Authed) -> None:
        self.dg: FakeDeepgram = fake_of(request)
        self.rec = record_of(request)
        self.request_id = request_id(request)
        self.ws = ws
        self.auth = auth
        self.loop = asyncio.get_running_loop()
        self.started = self.loop.time()
        self.stall = bool(request.get(STALL, False))
        self.malformed_pending = bool(request.get(MALFORMED, False))
        self.oversize = request.get(OVERSIZE)  # the oversize knob: one message padded to its size
        self.closed = False
        self.close_code: int | None = None
        self.close_reason: str | None = None
        self.sequence = 0
        self.audio_bytes_in = 0

    async def send_json(self, obj: dict[str, Any]) -> bool:
        """Send one text message; False once the socket is gone."""
        if self.closed:
            return False
        if self.sequenced:
            obj = {**obj, "sequence_id": self.sequence}
        text = json.dumps(obj, separators=(",", ":"))
        if self.malformed_pending:  # the malformed_json knob: the first message is cut in half
            self.malformed_pending = False
            text = text[: max(1, len(text) // 2)]
        if self.oversize is not None and not self.oversize.binary:
            text, self.oversize = pad_text(text, self.oversize), None
        try:
            await self.ws.send_str(text)
        except (ConnectionError, RuntimeError):
            self.closed = True
            return False
        self.sequence += 1
        self.rec.messages_sent.append(str(obj.get("type")))
        self.dg.notify()
        return True

    async def send_audio(self, data: bytes) -> bool:
        """Send one binary frame."""
        if self.closed:
            return False
        if self.oversize is not None and self.oversize.binary:  # the oversize knob: padded with silence
            data, self.oversize = data + bytes(max(0, self.oversize.size - len(data))), None
        try:
            await self.ws.send_bytes(data)
        except (ConnectionError, RuntimeError):
            self.closed = True
            return False
        return True

    async def close(self, code: int | None, reason: str = "") -> None:
        """Close with `code` and `reason`; `code=None` sends a close frame without a status (1005)."""
        if self.closed:
            return
        self.closed = True
        self.close_code = NO_STATUS if code is None else code
        self.close_reason = reason
        with contextlib.suppress(TimeoutError, ConnectionError, RuntimeError):
            if code is None:
                await self.ws.send_frame(b"", WSMsgType.CLOSE)
                await asyncio.wait_for(self.ws.close(code=1000, message=b""), 3.0)
            else:
                await asyncio.wait_for(self.ws.close(code=code, message=reason.encode()), 3.0)
        self.dg.notify()

    async def shutdown(self) -> None:
        """Server stopping: close 1001 (going away)."""
        await self.close(1001, "")

    async def receive(self, deadline: float | None) -> WSMessage | None:
        """The next frame, or None when `deadline` (loop time) passes first."""
        timeout = None if deadline is None else deadline - self.loop.time()
        if timeout is not None and timeout <= 0:
            return None
        try:
            return await self.ws.receive(timeout=timeout)
        except TimeoutError:
            return None

    def client_gone(self, msg: WSMessage) -> bool:
        """True (and recorded) when `msg` means the client closed or the connection broke."""
        if msg.type in (WSMsgType.CLOSE, WSMsgType.CLOSING, WSMsgType.CLOSED, WSMsgType.ERROR):
            if not self.closed:
                self.closed = True
                code = msg.data if msg.type == WSMsgType.CLOSE and isinstance(msg.data, int) else None
                self.close_code = code or self.ws.close_code
            return True
        return False

    def note_client_message(self, kind: str) -> None:
        """Record the `type` of a client text message."""
        self.rec.client_messages.append(kind)
        self.dg.notify()

    def note_audio(self, n: int) -> None:
        """Record `n` binary bytes received."""
        self.audio_bytes_in += n
        self.rec.body_length = self.audio_bytes_in
        self.dg.notify()

    async def wait_closed(self) -> None:
        """Stalled: answer nothing until the client leaves."""
        while not self.closed:
            msg = await self.ws.receive()
            self.client_gone(msg)

    @abstractmethod
    async def run(self) -> None:
        """The session's main loop (each surface's session defines it)."""


async def serve(session: WsSession) -> None:
    """Run `session`, keep it in `realtime_sessions` meanwhile, and record how it ended."""
    dg = session.dg
    dg.realtime_sessions.add(session)
    try:
        await session.run()
    finally:
        dg.realtime_sessions.discard(session)
        rec = session.rec
        rec.close_code = session.close_code if session.close_code is not None else session.ws.close_code
        rec.close_reason = session.close_reason
        rec.done = True
        dg.notify()


def parse_text(data: str) -> tuple[dict[str, Any] | None, str]:
    """A client text frame as (JSON object or None, `type` for the record)."""
    try:
        doc = json.loads(data)
    except ValueError:
        return None, "<not JSON>"
    if not isinstance(doc, dict):
        return None, "<not an object>"
    kind = doc.get("type")
    return doc, str(kind) if isinstance(kind, str) else "<no type>"
