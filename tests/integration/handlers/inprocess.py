"""The real Bolt app (`bot.runtime.app.create_app`: the router and every listener) in this process, served
over HTTP to the fake Slack's driver, against the simulated world's fakes. No scheduler, no courier."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from bot.config import Settings
from bot.runtime.app import create_app
from bot.runtime.deps import Deps
from bot.store import Store
from simworld.slack import SlackDriver
from simworld.slack.testing import serve_bolt_http
from simworld.world import World


@dataclass
class Bot:
    world: World
    driver: SlackDriver
    store: Store
    deps: Deps

    async def ask(self, text: str, *, escape: bool | None = None, n: int = 1, **kwargs: Any) -> dict[str, Any]:
        """Type `/deepgram text`; the private answer (its text and blocks), the `n`th when the first is an
        interim one (`status` shows "probing…" rows first)."""
        result = await self.driver.slash_command(text, escape=escape, **kwargs)
        assert result.status == 200, result
        replies = await self.driver.wait_responses(result.response_url, n=n, timeout=15)
        return replies[n - 1].body

    async def say(self, text: str, **kwargs: Any) -> str:
        """The private answer to `/deepgram text` as one string (text and blocks)."""
        return json.dumps(await self.ask(text, **kwargs), ensure_ascii=False)


@asynccontextmanager
async def running_bot(world: World, db: Path | str = ":memory:", **extra: str) -> AsyncIterator[Bot]:
    """The app for `world` (HTTP transport, signatures checked by Bolt), its database at `db`."""
    settings = Settings.from_env(world.bot_env(db, "http", **extra))
    store = Store.open(settings.db_path)
    try:
        async with httpx.AsyncClient() as http:
            deps = Deps.build(settings, store, http)
            app = create_app(settings, deps)
            async with serve_bolt_http(app) as url:
                yield Bot(world, SlackDriver(world.slack, app_url=url), store, deps)
    finally:
        store.close()
