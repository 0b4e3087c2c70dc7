"""HTTP mode: one aiohttp application serving Slack's requests and a health check.

`POST /slack/events` takes slash commands, Events API callbacks and interactivity alike;
Bolt's request-verification middleware checks every signature (401 for forged, unsigned or
stale requests) before any listener runs. `GET /healthz` is for the container's HEALTHCHECK.
"""

from __future__ import annotations

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp

from bot.deps import Deps

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
# Slack's payloads are small; refuse anything absurd before reading it into memory.
MAX_BODY_BYTES = 1024 * 1024


def build_web_app(app: AsyncApp, deps: Deps) -> web.Application:
    async def events(request: web.Request) -> web.Response:
        bolt_response = await app.async_dispatch(await to_bolt_request(request))
        return await to_aiohttp_response(bolt_response)

    async def healthz(request: web.Request) -> web.Response:
        try:
            deps.store.db.execute("SELECT 1").fetchone()
        except Exception:
            return web.json_response({"ok": False, "database": "unavailable"}, status=503)
        return web.json_response({"ok": True})

    web_app = web.Application(client_max_size=MAX_BODY_BYTES)
    web_app.router.add_post(EVENTS_PATH, events)
    web_app.router.add_get(HEALTH_PATH, healthz)
    return web_app
