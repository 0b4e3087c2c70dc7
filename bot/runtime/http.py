"""HTTP mode: one aiohttp application serving Slack's requests and a health check.

`POST /slack/events` takes slash commands, Events API callbacks and interactivity alike. Nothing
runs, and nothing is parsed, before the request is known to come from Slack:

1. the signature headers are checked first: missing, malformed or stale (more than 5 minutes off)
   → 401, without reading the body;
2. the body is read, at most `MAX_BODY_BYTES` (more → 413);
3. `X-Slack-Signature` is verified over the raw bytes (`bot.runtime.signatures`): forged → 401; a
   signature already accepted once → 401, unless it is Slack retrying that very delivery
   (`X-Slack-Retry-Num`), which gets 200 and is not handled again;
4. only then is the body parsed, and its shape checked (`bot.runtime.payloads`): malformed → 400;
5. Bolt dispatches it (its own signature check stays on, as a second line).

A refusal is one short warning line, at most one a minute per kind, counting the ones in between:
no traceback, no body. `GET /healthz` answers the bot's health report (`bot.health`) as JSON: 200
when every part is healthy, 503 otherwise.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.async_app import AsyncApp

from bot.health import HealthReport
from bot.runtime.payloads import MalformedRequest, parse_request
from bot.runtime.signatures import SignatureCheck, Verdict

__all__ = ["EVENTS_PATH", "HEALTH_PATH", "MAX_BODY_BYTES", "ThrottledLog", "build_web_app"]

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
# Slack's payloads are small; refuse anything absurd before reading it into memory.
MAX_BODY_BYTES = 1024 * 1024
#: A refusal is logged at most this often (per kind); the line counts the ones left out.
LOG_INTERVAL_SECONDS = 60.0


class ThrottledLog:
    """One log line per `interval` at most; each line says how many times it happened since the last one."""

    def __init__(
        self,
        message: str,
        *,
        level: int = logging.WARNING,
        interval: float = LOG_INTERVAL_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.message = message
        self.level = level
        self.interval = interval
        self._clock = clock
        self._last: float | None = None
        self._count = 0

    def __call__(self, **fields: Any) -> None:
        self._count += 1
        now = self._clock()
        if self._last is not None and now - self._last < self.interval:
            return
        log.log(self.level, self.message, extra={**fields, "times": self._count})
        self._last, self._count = now, 0


def build_web_app(app: AsyncApp, health: Callable[[], HealthReport], *, signing_secret: str | None) -> web.Application:
    """The aiohttp application. Without a signing secret every request is refused (401)."""
    check = SignatureCheck(signing_secret or "")
    refused = ThrottledLog("request refused: not signed by Slack")
    malformed = ThrottledLog("request refused: malformed body")
    retried = ThrottledLog("Slack retried a request already received; not handled again", level=logging.INFO)

    def refuse(request: web.Request, verdict: Verdict) -> web.Response:
        refused(reason=verdict, remote=request.remote or "")
        return web.json_response({"error": "invalid request"}, status=401)

    async def events(request: web.Request) -> web.Response:
        timestamp = request.headers.get("X-Slack-Request-Timestamp")
        signature = request.headers.get("X-Slack-Signature")
        verdict = check.headers(timestamp, signature)
        if verdict != "ok":
            return refuse(request, verdict)
        if (request.content_length or 0) > MAX_BODY_BYTES:
            return web.json_response({"error": "request too large"}, status=413)
        try:
            body = await request.read()  # aiohttp answers 413 itself past `client_max_size` (a chunked body)
        except ConnectionResetError:  # the client went away halfway through its body: nobody to answer
            return web.Response(status=400)
        verdict = check.verify(timestamp, signature, body)
        if verdict == "replayed" and request.headers.get("X-Slack-Retry-Num"):
            retried(retry_num=request.headers.get("X-Slack-Retry-Num", "")[:8])
            return web.Response(status=200)
        if verdict != "ok":
            return refuse(request, verdict)
        try:
            bolt_request = parse_request(body, request.query_string, dict(request.headers))
        except MalformedRequest as exc:
            malformed(reason=str(exc), content_type=request.content_type)
            return web.json_response({"error": "malformed request"}, status=400)
        return await to_aiohttp_response(await app.async_dispatch(bolt_request))

    async def healthz(request: web.Request) -> web.Response:
        report = health()
        return web.json_response(report.to_json(), status=200 if report.ok else 503)

    web_app = web.Application(client_max_size=MAX_BODY_BYTES)
    web_app.router.add_post(EVENTS_PATH, events)
    web_app.router.add_get(HEALTH_PATH, healthz)
    return web_app
