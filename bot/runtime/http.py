"""HTTP mode: one aiohttp application serving Slack's requests and a health check.

`POST /slack/events` takes slash commands, Events API callbacks and interactivity alike;
Bolt's request-verification middleware checks every signature (401 for forged, unsigned or
stale requests) before any listener runs. `GET /healthz` answers the bot's health report
(`bot.health`) as JSON: 200 when every part is healthy, 503 otherwise.
"""

from __future__ import annotations

from collections.abc import Callable

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp

from bot.health import HealthReport

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
# Slack's payloads are small; refuse anything absurd before reading it into memory.
MAX_BODY_BYTES = 1024 * 1024


def _plausibly_signed(request: web.Request) -> bool:
    """Both signature headers present and the timestamp an integer.

    Bolt verifies the signature itself, but an empty or non-numeric timestamp makes slack_sdk's
    verifier raise instead of returning False, which would surface as a 500. Such a request is
    simply unsigned: refuse it here with the same 401 Bolt gives a bad signature.
    """
    timestamp = request.headers.get("X-Slack-Request-Timestamp", "")
    signature = request.headers.get("X-Slack-Signature", "")
    return timestamp.isascii() and timestamp.isdigit() and signature.startswith("v0=")


def build_web_app(app: AsyncApp, health: Callable[[], HealthReport]) -> web.Application:
    async def events(request: web.Request) -> web.Response:
        if not _plausibly_signed(request):
            return web.json_response({"error": "invalid request"}, status=401)
        bolt_response = await app.async_dispatch(await to_bolt_request(request))
        return await to_aiohttp_response(bolt_response)

    async def healthz(request: web.Request) -> web.Response:
        report = health()
        return web.json_response(report.to_json(), status=200 if report.ok else 503)

    web_app = web.Application(client_max_size=MAX_BODY_BYTES)
    web_app.router.add_post(EVENTS_PATH, events)
    web_app.router.add_get(HEALTH_PATH, healthz)
    return web_app
