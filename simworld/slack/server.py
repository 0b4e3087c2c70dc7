"""`FakeSlack`: one aiohttp server on 127.0.0.1 playing Slack for the real slack_sdk/slack_bolt.

Routes (HTTP and WebSocket share the port):
- `/api/<method>`                          Web API (webapi.py)
- `/upload/v1/<ticket>`                    file upload v2 byte sink (files.py)
- `/commands/<team>/<id>/<secret>`, `/actions/…`   response_url endpoints (response_urls.py)
- `/link/`                                 Socket Mode WebSocket (socket_mode.py)

Nothing here reads `/work/shared`: contract checking is enabled only when `api_ref_dir` is given.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import hmac
import json
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

from simworld._server import LoopbackServer
from simworld.slack import blocks as bk
from simworld.slack.api_common import ApiError
from simworld.slack.contract import ApiRef
from simworld.slack.files import UploadTicket, handle_upload
from simworld.slack.ids import IdFactory
from simworld.slack.ratelimit import RateLimiter
from simworld.slack.records import ApiCall, Delivery, Ephemeral, ResponseUrlPost, UploadPost
from simworld.slack.response_urls import ResponseUrlState, handle_response_url, new_response_url
from simworld.slack.socket_mode import SocketModeServer
from simworld.slack.webapi import WebApi
from simworld.slack.workspace import Channel, File, Message, Workspace


@dataclass
class Fault:
    """An injected failure for the next `remaining` calls of `method` ("*" = any method)."""

    method: str
    error: str | None
    status: int
    retry_after: int | None
    remaining: int
    delay: float = 0.0
    hold_answer: float = 0.0
    #: Up to this many seconds after the client hangs up, the call takes effect (0: no late commit).
    commit_late: float = 0.0
    #: Up to this many seconds more hold, at random per call (the calls then land spread out).
    hold_jitter: float = 0.0

    @property
    def fails(self) -> bool:
        slow = self.delay or self.hold_answer or self.commit_late
        return self.error is not None or self.status != 200 or not slow

    def as_error(self) -> ApiError:
        if self.status == 429:
            return ApiError(
                self.error or "ratelimited",
                status=429,
                headers={"Retry-After": str(self.retry_after if self.retry_after is not None else 1)},
            )
        headers = {"Retry-After": str(self.retry_after)} if self.retry_after is not None else {}
        return ApiError(self.error or "internal_error", status=self.status, headers=headers)


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """Slack's request signature: `v0=` + hex HMAC-SHA256 of `v0:{timestamp}:{body}`."""
    base = b"v0:" + timestamp.encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


class FakeSlack(LoopbackServer):
    """A faithful local Slack: Web API, file uploads, response_urls and Socket Mode.

    `clock` drives message timestamps, rate-limit buckets and response_url expiry, so tests can
    move time without sleeping. Ack windows use the event loop's real time (`ack_timeout`).
    """

    def __init__(
        self,
        api_ref_dir: Path | None = None,
        clock: Callable[[], float] = time.time,
        *,
        seed: int | None = None,
    ) -> None:
        super().__init__()
        self.clock = clock
        self.ids = IdFactory(seed)
        self.workspace = Workspace(self.ids, clock)
        self.bot_token = self.ids.bot_token()
        self.app_token = self.ids.app_token(self.workspace.app_id)
        self.signing_secret = self.ids.hex(32)
        #: The deprecated verification token Slack still puts in payloads.
        self.verification_token = self.ids.alnum(24)
        #: Valid tokens and their kind ("bot" / "app"); revoke with `revoke_token`.
        self.tokens: dict[str, str] = {self.bot_token: "bot", self.app_token: "app"}
        self.revoked_tokens: set[str] = set()
        self.api_ref: ApiRef | None = ApiRef(api_ref_dir) if api_ref_dir is not None else None

        self.calls: list[ApiCall] = []
        self.contract_violations: list[str] = []
        self.ephemerals: list[Ephemeral] = []
        self.responses: list[ResponseUrlPost] = []
        self.uploads: list[UploadPost] = []
        #: Events the fake sent to the app by itself (echoes of the bot's own IM messages).
        self.deliveries: list[Delivery] = []
        self.upload_tickets: dict[str, UploadTicket] = {}
        self.response_url_states: dict[str, ResponseUrlState] = {}

        self.rate_limiter = RateLimiter(clock)
        #: conversations.history / conversations.replies, per method (off by default: Tier 3 is generous).
        self.history_limiter = RateLimiter(clock, rate=0.0, burst=1)
        #: The most messages one history page may hold (None: Slack's usual 999).
        self.history_page_max: int | None = None
        self.random = random.Random(seed)
        #: Cap on serialized blocks before `msg_blocks_too_long` (UNVERIFIED value, see blocks.py).
        self.max_blocks_chars = bk.MAX_BLOCKS_CHARS
        #: files.completeUploadExternal: report shares in its answer? Real Slack shares
        #: asynchronously and often answers with empty `shares` / `channels` (reference §5.1).
        self.upload_shares_in_response = False
        #: The app's HTTP endpoint (Request URL) for fake-originated events in HTTP mode.
        self.app_url: str | None = None

        self.socket = SocketModeServer(self)
        self._faults: list[Fault] = []
        self._tasks: set[asyncio.Task[None]] = set()
        self._api = WebApi(self)

    # -- identity shortcuts --------------------------------------------------------------------------

    @property
    def api_url(self) -> str:
        """Base URL for `AsyncWebClient(base_url=…)`."""
        return f"{self.base_url}/api/"

    @property
    def team_id(self) -> str:
        return self.workspace.team_id

    @property
    def bot_user_id(self) -> str:
        return self.workspace.bot_user_id

    @property
    def bot_id(self) -> str:
        return self.workspace.bot_id

    @property
    def app_id(self) -> str:
        return self.workspace.app_id

    @property
    def files(self) -> dict[str, File]:
        return self.workspace.files

    @property
    def ack_timeout(self) -> float:
        """Seconds the app has to acknowledge (Slack: 3); shared by HTTP and Socket Mode."""
        return self.socket.ack_timeout

    @ack_timeout.setter
    def ack_timeout(self, value: float) -> None:
        self.socket.ack_timeout = value

    @property
    def rate_limited(self) -> list[ApiCall]:
        """Calls answered with HTTP 429 (rate limit or injected)."""
        return [c for c in self.calls if c.status == 429]

    def messages(self, channel_id: str) -> list[Message]:
        """Messages of a conversation, oldest first (thread replies and join notices included)."""
        channel = self.workspace.channel(channel_id)
        return channel.visible() if channel is not None else []

    # -- knobs ---------------------------------------------------------------------------------------

    def set_rate_limit(self, *, per_second: float | None = None, burst: int | None = None) -> None:
        """chat.postMessage per-channel limit (default 1/s, burst 3); resets all buckets."""
        self.rate_limiter.configure(rate=per_second, burst=burst)

    def set_history_limits(self, *, per_minute: float, page_max: int) -> None:
        """Slack's limits since 2025 for non-Marketplace distributed apps: `conversations.history` and
        `conversations.replies` as low as 1 request per minute each, 15 messages per page (slack.md §6)."""
        self.history_limiter.configure(rate=per_minute / 60.0, burst=1)
        self.history_page_max = page_max

    def fail_next(
        self,
        method: str,
        *,
        error: str | None = None,
        status: int = 200,
        retry_after: int | None = None,
        count: int = 1,
        delay: float = 0.0,
        hold_answer: float = 0.0,
        commit_late: float = 0.0,
        hold_jitter: float = 0.0,
    ) -> None:
        """Make the next `count` calls of `method` ("*" for any Web API method) fail.

        `method` may also be "upload" (the next POSTs to upload URLs) or "response_url".

        `status=429` answers `ratelimited` with `Retry-After` (default 1); `status=5xx` answers
        that status with `internal_error` unless `error` is given; `error=` alone answers HTTP 200
        `{"ok": false, "error": error}`. `delay` holds the answer that many seconds; with only a
        delay the call then succeeds (a slow Slack). `hold_answer` instead lets the call succeed
        (the message is stored) and only then holds the answer that many seconds: the window in
        which a client may die or time out after Slack accepted its message. `commit_late` (with
        `hold_answer`): the call takes effect only when the client hangs up, a random 0–`commit_late`
        seconds later, or when `hold_answer` (plus a random 0–`hold_jitter` s) runs out (then it is
        answered): a message that appears in the channel only after the poster is gone.
        """
        fault = Fault(method, error, status, retry_after, count, delay, hold_answer, commit_late, hold_jitter)
        self._faults.append(fault)

    def _take_fault(self, method: str, *, wildcard: bool = True) -> Fault | None:
        """The injected fault for this request, if any ("*" faults only match Web API calls)."""
        for fault in self._faults:
            if fault.remaining > 0 and (fault.method == method or (wildcard and fault.method == "*")):
                fault.remaining -= 1
                if fault.remaining == 0:
                    self._faults.remove(fault)
                if not fault.fails:
                    return Fault(
                        method, None, 200, None, 0, fault.delay, fault.hold_answer, fault.commit_late, fault.hold_jitter
                    )
                return fault
        return None

    def revoke_token(self, token: str) -> None:
        """Later calls with this token answer `token_revoked`."""
        self.revoked_tokens.add(token)

    def restore_token(self, token: str) -> None:
        """Undo `revoke_token`: later calls with this token work again (an admin reinstalled the app)."""
        self.revoked_tokens.discard(token)

    def new_response_url(
        self,
        team_id: str | None = None,
        *,
        kind: str = "commands",
        channel_id: str | None = None,
        user_id: str | None = None,
        message_ts: str | None = None,
    ) -> str:
        """A fresh response_url on this fake (`/commands/<team>/<id>/<secret>` or `/actions/…`)."""
        return new_response_url(
            self,
            team_id=team_id,
            kind=kind,
            channel_id=channel_id,
            user_id=user_id,
            message_ts=message_ts,
        )

    # -- server ----------------------------------------------------------------------------------------

    def build_app(self) -> web.Application:
        app = web.Application(client_max_size=1024**3)
        app.router.add_route("GET", "/api/{method}", self._api.handle)
        app.router.add_route("POST", "/api/{method}", self._api.handle)
        app.router.add_post("/upload/v1/{ticket}", self._upload)
        app.router.add_post("/commands/{team}/{id}/{secret}", self._response_url)
        app.router.add_post("/actions/{team}/{id}/{secret}", self._response_url)
        app.router.add_get("/link/", self.socket.handle)
        app.router.add_get("/link", self.socket.handle)
        app.on_shutdown.append(self._on_shutdown)
        return app

    async def _upload(self, request: web.Request) -> web.Response:
        return await handle_upload(self, request)

    async def _response_url(self, request: web.Request) -> web.Response:
        return await handle_response_url(self, request)

    async def _on_shutdown(self, app: web.Application) -> None:
        await self._cancel_tasks()
        await self.socket.close_all()

    async def _cancel_tasks(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        for task in list(self._tasks):
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task

    async def stop(self) -> None:
        await self._cancel_tasks()
        await self.socket.close_all()
        await super().stop()

    def _spawn(self, coro: Any) -> None:
        task: asyncio.Task[None] = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # -- events the fake originates --------------------------------------------------------------------

    def event_callback(self, event: dict[str, Any], *, event_id: str | None = None) -> dict[str, Any]:
        """Wrap an event in the `event_callback` envelope of the Events API (reference §3.1)."""
        ws = self.workspace
        now = self.clock()
        event_id = event_id or self.ids.slack_id("Ev")
        channel = event.get("channel", "")
        context = {"et": event.get("type"), "tid": ws.team_id, "aid": ws.app_id, "cid": channel}
        encoded = _b64url(json.dumps(context, separators=(",", ":")))
        return {
            "token": self.verification_token,
            "team_id": ws.team_id,
            "context_team_id": ws.team_id,
            "context_enterprise_id": ws.enterprise_id,
            "api_app_id": ws.app_id,
            "event": event,
            "type": "event_callback",
            "event_id": event_id,
            "event_time": int(now),
            "authorizations": [
                {
                    "enterprise_id": ws.enterprise_id,
                    "team_id": ws.team_id,
                    "user_id": ws.bot_user_id,
                    "is_bot": True,
                    "is_enterprise_install": False,
                }
            ],
            "is_ext_shared_channel": False,
            "event_context": f"4-{encoded}",
        }

    def _echo_bot_message(self, channel: Channel, message: Message) -> None:
        """Real Slack sends the bot's own IM messages back as `message` events with `bot_id`."""
        ws = self.workspace
        if not ws.is_app_dm(channel) or "message.im" not in ws.bot_events:
            return
        if not self.socket.live_connections and not self.app_url:
            return
        event = ws.message_to_api(message)
        event["channel"] = channel.id
        event["event_ts"] = message.ts
        event["channel_type"] = "im"
        self._spawn(self._deliver_event(self.event_callback(event)))

    async def _deliver_event(self, body: dict[str, Any]) -> None:
        if self.socket.live_connections:
            delivery = Delivery(via="socket", body=body)
            self.deliveries.append(delivery)
            envelope = self.socket.deliver("events_api", body)
            if await envelope.wait():
                delivery.status = 200
                delivery.ack = envelope.ack.frame if envelope.ack else None
        elif self.app_url:
            delivery = Delivery(via="http", body=body)
            self.deliveries.append(delivery)
            raw = json.dumps(body).encode()
            ts = str(int(time.time()))
            headers = {
                "Content-Type": "application/json",
                "X-Slack-Request-Timestamp": ts,
                "X-Slack-Signature": sign(self.signing_secret, ts, raw),
                "User-Agent": "Slackbot 1.0 (+https://api.slack.com/robots)",
            }
            timeout = aiohttp.ClientTimeout(total=self.ack_timeout)
            with contextlib.suppress(aiohttp.ClientError, TimeoutError):
                async with (
                    aiohttp.ClientSession(timeout=timeout) as session,
                    session.post(self.app_url, data=raw, headers=headers) as resp,
                ):
                    await resp.read()
                    delivery.status = resp.status
        self.notify()


def _b64url(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")
