"""Small helpers for tests that run a real Bolt app against the fake Slack."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from aiohttp import web


class ManualClock:
    """A clock for `FakeSlack(clock=…)` that only moves when told to."""

    def __init__(self, start: float = 1_732_400_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@asynccontextmanager
async def serve_bolt_http(app: Any, path: str = "/slack/events") -> AsyncIterator[str]:
    """Serve a Bolt `AsyncApp` over real HTTP on 127.0.0.1 (random port); yields its Request URL.

    Uses `app.web_app(path=…)` (an aiohttp application) with an `AppRunner`, so it shares the
    running event loop instead of owning it like `app.start()` would.
    """
    web_app: web.Application = app.web_app(path=path)
    runner = web.AppRunner(web_app, handle_signals=False, access_log=None, shutdown_timeout=0.5)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    server = site._server
    assert server is not None
    port = getattr(server, "sockets", [])[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}{path}"
    finally:
        await runner.cleanup()
