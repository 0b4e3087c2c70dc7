"""`deepgram-doctor serve`: open the store, build the app, start the scheduler and a transport.

Everything runs on one asyncio event loop. SIGTERM and SIGINT stop the bot cleanly: the
transport closes first (no new requests), then the scheduler, then the database.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal

import aiohttp
import httpx
from aiohttp import web
from slack_bolt.adapter.socket_mode.websockets import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.socket_mode.async_client import AsyncBaseSocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.web.async_client import AsyncWebClient

from bot.alerts.courier import Courier
from bot.alerts.jobs import Monitor
from bot.config import Settings
from bot.errors import ConfigError
from bot.runtime.app import create_app, create_web_client
from bot.runtime.deps import Deps
from bot.runtime.http import EVENTS_PATH, build_web_app
from bot.runtime.scheduler import build_scheduler
from bot.store.db import Store

log = logging.getLogger(__name__)

DRAIN_SECONDS = 3.0
USER_AGENT = "deepgram-doctor (+https://github.com/deepgram-doctor)"


class StartupError(Exception):
    """The bot cannot start; the message says why and is safe to print."""


async def serve(settings: Settings, *, stop: asyncio.Event | None = None) -> None:
    """Run the bot until `stop` is set (or SIGTERM/SIGINT arrives)."""
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)

    store = Store.open(settings.db_path)
    http = httpx.AsyncClient(headers={"User-Agent": USER_AGENT})
    deps = Deps.build(settings, store, http)
    app = create_app(settings, deps)
    try:
        await _check_bot_token(app.client)
        slack_session = aiohttp.ClientSession()
        courier = Courier(
            create_web_client(settings, wait_on_rate_limit=False, session=slack_session),
            store,
            pace=settings.alert_pace_seconds,
        )
        delivering = asyncio.create_task(courier.run(), name="courier")
        scheduler = build_scheduler(deps, Monitor(deps, courier))
        scheduler.start()
        try:
            if settings.transport == "socket":
                await _run_socket_mode(app, settings, stop)
            else:
                await _run_http(app, deps, settings, stop)
        finally:
            scheduler.shutdown(wait=False)
            courier.stop()
            await delivering
            await slack_session.close()
    finally:
        await http.aclose()
        store.close()
        log.info("stopped")


async def _check_bot_token(client: AsyncWebClient) -> None:
    """Fail fast with a clear message when Slack rejects the bot token."""
    try:
        identity = await client.auth_test()
    except SlackApiError as exc:
        error = exc.response.get("error", "unknown_error")
        if error in {"invalid_auth", "not_authed", "account_inactive", "token_revoked", "token_expired"}:
            raise ConfigError(
                [f"Slack rejected SLACK_BOT_TOKEN ({error}); reinstall the app and copy its bot token."]
            ) from None
        raise StartupError(f"Slack's auth.test failed ({error}).") from None
    except Exception as exc:
        raise StartupError(f"Could not reach Slack's Web API ({type(exc).__name__}).") from None
    log.info("authenticated", extra={"team": identity.get("team_id"), "bot_user": identity.get("user_id")})


class DrainingSocketModeHandler(AsyncSocketModeHandler):
    """Bolt's Socket Mode handler, counting envelopes between receipt and ack.

    slack_sdk dispatches each envelope in a task of its own; closing the connection while one is
    between dispatch and ack makes that ack fail with a logged traceback (and Slack redelivers).
    `drain()` waits for them first.
    """

    def __init__(self, app: AsyncApp, app_token: str) -> None:
        super().__init__(app, app_token)
        self._in_flight = 0
        self._idle = asyncio.Event()
        self._idle.set()

    async def handle(self, client: AsyncBaseSocketModeClient, req: SocketModeRequest) -> None:
        self._in_flight += 1
        self._idle.clear()
        try:
            await super().handle(client, req)  # type: ignore[arg-type]  # Bolt 1.30 narrows it the same way
        finally:
            self._in_flight -= 1
            if not self._in_flight:
                self._idle.set()

    async def drain(self, *, timeout: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._idle.wait(), timeout)


async def _run_socket_mode(app: AsyncApp, settings: Settings, stop: asyncio.Event) -> None:
    assert settings.slack_app_token, "socket transport implies an app token"
    handler = DrainingSocketModeHandler(app, settings.slack_app_token)
    try:
        await handler.connect_async()  # type: ignore[no-untyped-call]  # untyped in Bolt 1.30
    except SlackApiError as exc:
        error = exc.response.get("error", "unknown_error")
        raise ConfigError(
            [f"Slack refused the Socket Mode connection ({error}); check SLACK_APP_TOKEN (xapp-, connections:write)."]
        ) from None
    log.info("ready", extra={"transport": "socket"})
    try:
        await stop.wait()
    finally:
        # Let envelopes already being handled send their acks before the socket goes away.
        await handler.drain(timeout=DRAIN_SECONDS)
        await handler.close_async()  # type: ignore[no-untyped-call]


async def _run_http(app: AsyncApp, deps: Deps, settings: Settings, stop: asyncio.Event) -> None:
    runner = web.AppRunner(build_web_app(app, deps), access_log=None, shutdown_timeout=2.0)
    await runner.setup()
    try:
        site = web.TCPSite(runner, "0.0.0.0", settings.port)
        try:
            await site.start()
        except OSError as exc:
            raise StartupError(f"Cannot listen on port {settings.port} ({exc.strerror}).") from None
        log.info("ready", extra={"transport": "http", "port": settings.port, "path": EVENTS_PATH})
        await stop.wait()
    finally:
        await runner.cleanup()
