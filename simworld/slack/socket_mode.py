"""The Socket Mode side of the fake (reference §4, §12): WebSocket at `/link/`, envelopes, acks.

Protocol, as Slack speaks it:
- `apps.connections.open` (xapp- token) returns `ws://…/link/?ticket=…&app_id=…`; each ticket
  opens one connection, once.
- On connect Slack sends `hello` first. Then envelopes
  `{"envelope_id", "payload", "type", "accepts_response_payload"}` (`events_api` envelopes also
  carry `retry_attempt` / `retry_reason`, 0 and "" on a first delivery); the app acks with
  `{"envelope_id"[, "payload"]}` within 3 s.
- An unacked `events_api` envelope is delivered again (new envelope id, `retry_attempt` 1..3,
  `retry_reason` "timeout"). Slash commands and interactivity are not retried: the user just sees
  a timeout.
- `disconnect` frames (`warning`, `refresh_requested`, `link_disabled`) make the client call
  apps.connections.open again and open a new connection; the fake stops routing envelopes to a
  connection it told to go away.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiohttp import WSMsgType, web

if TYPE_CHECKING:
    from simworld.slack.server import FakeSlack

RETRIED_TYPES = frozenset({"events_api"})


@dataclass
class SocketConnection:
    """One WebSocket connection from the app."""

    id: int
    ticket: str
    opened_at: float
    ws: web.WebSocketResponse = field(repr=False)
    closed_at: float | None = None
    #: Set once a `disconnect` frame was sent: no new envelopes go there.
    disconnect_reason: str | None = None
    sent: list[dict[str, Any]] = field(default_factory=list, repr=False)
    received: list[dict[str, Any]] = field(default_factory=list, repr=False)

    @property
    def open(self) -> bool:
        return self.closed_at is None and not self.ws.closed

    @property
    def live(self) -> bool:
        """Open and not asked to go away: eligible for new envelopes."""
        return self.open and self.disconnect_reason is None


@dataclass
class DeliveryAttempt:
    envelope_id: str
    retry_attempt: int
    retry_reason: str
    sent_at: float
    connection_id: int | None


@dataclass
class Ack:
    """An ack frame received from the app; `latency` is measured from that attempt's send."""

    envelope_id: str
    frame: dict[str, Any]
    received_at: float
    latency: float | None
    connection_id: int
    retry_attempt: int | None = None

    @property
    def payload(self) -> dict[str, Any] | None:
        p = self.frame.get("payload")
        return p if isinstance(p, dict) else None


@dataclass
class Envelope:
    """One payload Slack wants delivered, with every attempt and ack."""

    type: str
    payload: dict[str, Any]
    accepts_response_payload: bool
    retry: bool
    attempts: list[DeliveryAttempt] = field(default_factory=list)
    acks: list[Ack] = field(default_factory=list)
    timed_out: bool = False
    first_attempt: int = 0
    first_reason: str = ""
    _done: asyncio.Event = field(default_factory=asyncio.Event, repr=False)

    @property
    def envelope_id(self) -> str | None:
        return self.attempts[0].envelope_id if self.attempts else None

    @property
    def acked(self) -> bool:
        return bool(self.acks)

    @property
    def ack(self) -> Ack | None:
        return self.acks[0] if self.acks else None

    @property
    def ack_seconds(self) -> float | None:
        """From the first send to the first ack, whichever attempt it answered."""
        if not self.acks or not self.attempts:
            return None
        return self.acks[0].received_at - self.attempts[0].sent_at

    async def wait(self, timeout: float | None = None) -> bool:
        """Wait until acked or given up; True if acked."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._done.wait(), timeout)
        return self.acked


class SocketModeServer:
    """Socket Mode endpoint and delivery bookkeeping (`FakeSlack.socket`)."""

    def __init__(self, slack: FakeSlack) -> None:
        self._slack = slack
        #: Seconds the app has to ack an envelope (Slack: 3).
        self.ack_timeout = 3.0
        #: Redeliveries of an unacked events_api envelope (Slack: 3).
        self.max_retries = 3
        #: Concurrent connections allowed per app (Slack: 10).
        self.max_connections = 10
        self.connections: list[SocketConnection] = []
        self.envelopes: list[Envelope] = []
        self.acks: list[Ack] = []
        #: Ack frames whose envelope_id the fake never sent (or sent to nobody).
        self.unmatched_acks: list[dict[str, Any]] = []
        self._tickets: dict[str, bool] = {}
        self._by_id: dict[str, tuple[Envelope, DeliveryAttempt]] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    # -- connection setup -------------------------------------------------------------------------------

    def issue_url(self) -> str:
        """A fresh one-time `ws://…/link/?ticket=…&app_id=…` URL (apps.connections.open)."""
        slack = self._slack
        ticket = slack.ids.uuid()
        self._tickets[ticket] = False
        host = slack.base_url.removeprefix("http://")
        return f"ws://{host}/link/?ticket={ticket}&app_id={slack.workspace.app_id}"

    @property
    def live_connections(self) -> list[SocketConnection]:
        return [c for c in self.connections if c.live]

    async def handle(self, request: web.Request) -> web.StreamResponse:
        ticket = request.query.get("ticket", "")
        if ticket not in self._tickets or self._tickets[ticket]:
            # UNVERIFIED: how Slack refuses a bad or reused ticket; any refused upgrade will do.
            return web.Response(status=401, text="invalid or used ticket")
        if request.query.get("app_id") not in (None, self._slack.workspace.app_id):
            return web.Response(status=401, text="wrong app_id")
        if len([c for c in self.connections if c.open]) >= self.max_connections:
            return web.Response(status=429, text="too many connections")
        self._tickets[ticket] = True
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        conn = SocketConnection(id=len(self.connections) + 1, ticket=ticket, opened_at=time.monotonic(), ws=ws)
        self.connections.append(conn)
        await self._send(
            conn,
            {
                "type": "hello",
                "num_connections": len(self.live_connections),
                "debug_info": {
                    "host": f"applink-sim-{conn.id}",
                    "build_number": 105,
                    "approximate_connection_time": 18060,
                },
                "connection_info": {"app_id": self._slack.workspace.app_id},
            },
        )
        self._slack.notify()
        try:
            async for msg in ws:
                if msg.type == WSMsgType.TEXT:
                    self._on_text(conn, msg.data)
        finally:
            conn.closed_at = time.monotonic()
            self._slack.notify()
        return ws

    def _on_text(self, conn: SocketConnection, data: str) -> None:
        try:
            frame = json.loads(data)
        except ValueError:
            frame = {"unparsable": data}
        if not isinstance(frame, dict):
            frame = {"unparsable": data}
        conn.received.append(frame)
        envelope_id = frame.get("envelope_id")
        if isinstance(envelope_id, str):
            self._on_ack(conn, envelope_id, frame)
        self._slack.notify()

    def _on_ack(self, conn: SocketConnection, envelope_id: str, frame: dict[str, Any]) -> None:
        now = time.monotonic()
        found = self._by_id.get(envelope_id)
        if found is None:
            self.unmatched_acks.append(frame)
            return
        envelope, attempt = found
        ack = Ack(
            envelope_id=envelope_id,
            frame=frame,
            received_at=now,
            latency=now - attempt.sent_at,
            connection_id=conn.id,
            retry_attempt=attempt.retry_attempt,
        )
        envelope.acks.append(ack)
        self.acks.append(ack)
        envelope._done.set()

    async def _send(self, conn: SocketConnection, frame: dict[str, Any]) -> bool:
        try:
            await conn.ws.send_str(json.dumps(frame))
        except (ConnectionError, RuntimeError):
            return False
        conn.sent.append(frame)
        return True

    async def wait_connected(self, timeout: float = 5.0, *, count: int = 1) -> SocketConnection:
        """Wait until `count` live connections exist (each has been sent its `hello`)."""
        await self._slack.wait_until(lambda: len(self.live_connections) >= count, timeout)
        return self.live_connections[-1]

    async def wait_connections_opened(self, n: int, timeout: float = 5.0) -> None:
        """Wait until `n` connections have ever been opened (e.g. a reconnect happened)."""
        await self._slack.wait_until(lambda: len(self.connections) >= n and bool(self.live_connections), timeout)

    # -- delivering envelopes -------------------------------------------------------------------------

    def deliver(
        self,
        type: str,
        payload: dict[str, Any],
        *,
        accepts_response_payload: bool | None = None,
        retry: bool | None = None,
        retry_attempt: int = 0,
        retry_reason: str = "",
    ) -> Envelope:
        """Start delivering an envelope in the background; returns its record at once.

        `retry_attempt` / `retry_reason` make the first delivery claim to be a retry already.
        """
        envelope = Envelope(
            type=type,
            payload=payload,
            accepts_response_payload=(
                accepts_response_payload if accepts_response_payload is not None else type == "slash_commands"
            ),
            retry=retry if retry is not None else type in RETRIED_TYPES,
            first_attempt=retry_attempt,
            first_reason=retry_reason,
        )
        self.envelopes.append(envelope)
        task = asyncio.get_running_loop().create_task(self._run(envelope))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return envelope

    async def send_envelope(
        self,
        type: str,
        payload: dict[str, Any],
        *,
        accepts_response_payload: bool | None = None,
        retry: bool | None = None,
        timeout: float | None = None,
    ) -> dict[str, Any]:
        """Deliver an envelope and return the app's ack frame; TimeoutError if never acked."""
        envelope = self.deliver(type, payload, accepts_response_payload=accepts_response_payload, retry=retry)
        if not await envelope.wait(timeout) or envelope.ack is None:
            raise TimeoutError(f"{type} envelope {envelope.envelope_id} was not acked")
        return envelope.ack.frame

    async def _pick_connection(self, wait: float) -> SocketConnection | None:
        """The newest live connection, waiting up to `wait` seconds for one to appear."""
        if not self.live_connections:
            with contextlib.suppress(TimeoutError):
                await self._slack.wait_until(lambda: bool(self.live_connections), wait)
        live = self.live_connections
        return live[-1] if live else None

    async def _run(self, envelope: Envelope) -> None:
        last = max(self.max_retries, envelope.first_attempt) if envelope.retry else envelope.first_attempt
        for n in range(envelope.first_attempt, last + 1):
            conn = await self._pick_connection(self.ack_timeout)
            attempt = DeliveryAttempt(
                envelope_id=self._slack.ids.uuid(),
                retry_attempt=n,
                retry_reason=envelope.first_reason if n == envelope.first_attempt else "timeout",
                sent_at=time.monotonic(),
                connection_id=conn.id if conn else None,
            )
            envelope.attempts.append(attempt)
            self._by_id[attempt.envelope_id] = (envelope, attempt)
            frame: dict[str, Any] = {
                "envelope_id": attempt.envelope_id,
                "payload": envelope.payload,
                "type": envelope.type,
                "accepts_response_payload": envelope.accepts_response_payload,
            }
            if envelope.type in RETRIED_TYPES:
                frame["retry_attempt"] = attempt.retry_attempt
                frame["retry_reason"] = attempt.retry_reason
            if conn is not None:
                await self._send(conn, frame)
            self._slack.notify()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(envelope._done.wait(), self.ack_timeout)
            if envelope.acked:
                return
        envelope.timed_out = True
        envelope._done.set()
        self._slack.notify()

    # -- disconnects ---------------------------------------------------------------------------------

    async def disconnect(
        self,
        reason: str = "refresh_requested",
        *,
        connection: SocketConnection | None = None,
        close_after: float | None = None,
    ) -> None:
        """Send a `disconnect` frame (to one connection, or every live one).

        The client must reconnect through apps.connections.open. With `close_after`, the fake also
        closes the old socket after that many seconds, as Slack eventually does.
        """
        targets = [connection] if connection is not None else self.live_connections
        for conn in targets:
            conn.disconnect_reason = reason
            await self._send(
                conn,
                {"type": "disconnect", "reason": reason, "debug_info": {"host": f"applink-sim-{conn.id}"}},
            )
            if close_after is not None:
                task = asyncio.get_running_loop().create_task(self._close_later(conn, close_after))
                self._tasks.add(task)
                task.add_done_callback(self._tasks.discard)
        self._slack.notify()

    async def _close_later(self, conn: SocketConnection, delay: float) -> None:
        await asyncio.sleep(delay)
        await conn.ws.close()

    async def close_all(self) -> None:
        """Stop deliveries and close every socket (server shutdown)."""
        for task in list(self._tasks):
            task.cancel()
        for task in list(self._tasks):
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        for conn in self.connections:
            if not conn.ws.closed:
                with contextlib.suppress(Exception):
                    await conn.ws.close()
