"""`deepgram-doctor serve`: open the store, build the app, start the scheduler and a transport.

Everything runs on one asyncio event loop. SIGTERM and SIGINT stop the bot cleanly: the
transport closes first (no new requests), then the scheduler, then the database.

A database that cannot be used is a configuration problem (`ConfigError`, exit status 2). A start
that fails before the bot is ready removes the database file it created. Once ready, the bot keeps
its health (`bot.health`) up to date and refreshes the heartbeat file (`bot.runtime.heartbeat`) that
`deepgram-doctor healthcheck` reads; HTTP mode also answers `GET /healthz` with the same report.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Awaitable, Callable

import aiohttp
import httpx
from aiohttp import web
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from slack_bolt.adapter.socket_mode.websockets import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.socket_mode.async_client import AsyncBaseSocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.web.async_client import AsyncWebClient

from bot.alerts.jobs import Monitor
from bot.config import Settings, database_problem_text
from bot.errors import ConfigError
from bot.health import Health, HealthReport
from bot.runtime.app import create_app, create_web_client
from bot.runtime.deps import Deps
from bot.runtime.heartbeat import HeartbeatFile
from bot.runtime.http import EVENTS_PATH, build_web_app
from bot.runtime.lease import LeaseKeeper
from bot.runtime.scheduler import build_scheduler
from bot.slack.courier import Courier
from bot.slack.membership import TOKEN_REFUSED
from bot.store import Store, StoreOpenError

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

    store = open_store(settings.db_path)
    health = Health(
        transport=settings.transport,
        poll_every=settings.status_poll_seconds,
        poll_stale_after=settings.health_poll_stale_seconds,
        reconnect_grace=settings.health_reconnect_seconds,
        database_path=store.path,
    )
    beat = Beat(health, store, settings)
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
            health=health,
            grace=settings.alert_recovery_grace_seconds,
            history_interval=settings.slack_history_interval_seconds,
            leading=False,
        )
        scheduler = build_scheduler(deps, Monitor(deps, courier, health=health))
        keeper = LeaseKeeper(
            store,
            ttl=settings.lease_seconds,
            on_change=lambda leading: _lead(leading, scheduler, courier),
            health=health,
        )
        courier.holder = keeper.holder
        keeper.tick()
        delivering = asyncio.create_task(courier.run(), name="courier")
        delivering.add_done_callback(lambda task: _courier_ended(task, health))
        scheduler.start(paused=not keeper.leading)
        leasing = asyncio.create_task(keeper.run(stop), name="lease")
        try:
            if settings.transport == "socket":
                await _run_socket_mode(app, settings, stop, beat)
            else:
                await _run_http(app, settings, stop, beat)
        finally:
            scheduler.shutdown(wait=False)
            courier.stop()
            await delivering
            leasing.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await leasing
            keeper.release()
            await slack_session.close()
    finally:
        beat.file.remove()
        await http.aclose()
        if beat.started:
            store.close()
            log.info("stopped")
        else:
            # A failed start leaves no database file behind (unless it was there before).
            store.discard()


def open_store(path: str) -> Store:
    """The configured database, or `ConfigError` saying why DEEPGRAM_DOCTOR_DB cannot be used."""
    try:
        return Store.open(path)
    except StoreOpenError as exc:
        raise ConfigError([database_problem_text(path, exc.reason)]) from None


class Beat:
    """While the bot runs: feeds the health model what must be sampled, and refreshes the heartbeat file."""

    def __init__(self, health: Health, store: Store, settings: Settings) -> None:
        self.health = health
        self.store = store
        self.interval = settings.health_interval_seconds
        port = settings.port if settings.transport == "http" else None
        self.file = HeartbeatFile(settings.health_file, interval=self.interval, port=port)
        #: The transport is up ("ready" was logged): from here on a failure is no failed start.
        self.started = False
        self._unhealthy: list[str] = []

    def report(self) -> HealthReport:
        self.health.database(self.store.problem())
        report = self.health.report()
        self._log_change(report)
        return report

    def _log_change(self, report: HealthReport) -> None:
        """One log line whenever the set of unhealthy parts changes (not one per heartbeat)."""
        if report.unhealthy == self._unhealthy:
            return
        if report.unhealthy:
            why = {name: report.parts[name].detail for name in report.unhealthy}
            log.error("unhealthy", extra={"parts": ", ".join(report.unhealthy), "why": why})
        else:
            log.info("healthy again", extra={"was": ", ".join(self._unhealthy)})
        self._unhealthy = report.unhealthy

    async def run(self, stop: asyncio.Event, *, slack_connected: Callable[[], Awaitable[bool]] | None = None) -> None:
        """Until `stop`: every interval, sample the Slack connection (Socket Mode) and write the heartbeat."""
        self.started = True
        while not stop.is_set():
            if slack_connected is not None:
                self.health.slack(await slack_connected(), "Socket Mode connected")
            self.file.write(self.report())
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), self.interval)


def _lead(leading: bool, scheduler: AsyncIOScheduler, courier: Courier) -> None:
    """The delivery lease was taken (run the jobs, deliver) or lost (pause them, stand by)."""
    courier.set_leading(leading)
    if not scheduler.running:
        return  # started paused or not, by `serve`, from the lease's first answer
    if leading:
        scheduler.resume()
    else:
        scheduler.pause()


def _courier_ended(task: asyncio.Task[None], health: Health) -> None:
    if task.cancelled():
        health.courier_stopped("cancelled")
        return
    error = task.exception()
    if error is not None:
        health.courier_stopped(f"crashed ({type(error).__name__})")
        log.error("alert courier crashed", exc_info=error)
    else:
        health.courier_stopped("stopped")


async def _check_bot_token(client: AsyncWebClient) -> None:
    """Fail fast with a clear message when Slack rejects the bot token."""
    try:
        identity = await client.auth_test()
    except SlackApiError as exc:
        error = exc.response.get("error", "unknown_error")
        if error in TOKEN_REFUSED:
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


async def _run_socket_mode(app: AsyncApp, settings: Settings, stop: asyncio.Event, beat: Beat) -> None:
    assert settings.slack_app_token, "socket transport implies an app token"
    handler = DrainingSocketModeHandler(app, settings.slack_app_token)
    try:
        await handler.connect_async()  # type: ignore[no-untyped-call]  # untyped in Bolt 1.30
    except SlackApiError as exc:
        error = exc.response.get("error", "unknown_error")
        raise ConfigError(
            [f"Slack refused the Socket Mode connection ({error}); check SLACK_APP_TOKEN (xapp-, connections:write)."]
        ) from None
    except Exception as exc:
        await handler.close_async()  # type: ignore[no-untyped-call]
        raise StartupError(f"Could not open the Socket Mode connection ({type(exc).__name__}).") from None
    log.info("ready", extra={"transport": "socket"})
    try:
        await beat.run(stop, slack_connected=handler.client.is_connected)
    finally:
        # Let envelopes already being handled send their acks before the socket goes away.
        await handler.drain(timeout=DRAIN_SECONDS)
        # Stop reading first: otherwise the reader logs our own clean close as an error.
        receiver = handler.client.message_receiver
        if receiver is not None:
            receiver.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await receiver
        await handler.close_async()  # type: ignore[no-untyped-call]


async def _run_http(app: AsyncApp, settings: Settings, stop: asyncio.Event, beat: Beat) -> None:
    web_app = build_web_app(app, beat.report, signing_secret=settings.slack_signing_secret)
    runner = web.AppRunner(web_app, access_log=None, shutdown_timeout=2.0)
    await runner.setup()
    try:
        site = web.TCPSite(runner, "0.0.0.0", settings.port)
        try:
            await site.start()
        except OSError as exc:
            raise StartupError(f"Cannot listen on port {settings.port} ({exc.strerror}).") from None
        beat.health.slack(True, f"listening for Slack's requests on port {settings.port} ({EVENTS_PATH})")
        log.info("ready", extra={"transport": "http", "port": settings.port, "path": EVENTS_PATH})
        await beat.run(stop)
    finally:
        await runner.cleanup()
