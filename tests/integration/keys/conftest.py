"""Fixtures for the check-key integration tests: the fake Deepgram and the bot's dependencies pointed at it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from bot.config import Settings
from bot.runtime.deps import Deps
from bot.store import Store
from simworld.deepgram import FakeDeepgram


@pytest.fixture
async def dg() -> AsyncIterator[FakeDeepgram]:
    async with FakeDeepgram() as fake:
        yield fake


@pytest.fixture
async def deps(dg: FakeDeepgram, tmp_path: Path) -> AsyncIterator[Deps]:
    settings = Settings(
        slack_bot_token="xoxb-test",
        deepgram_api_key=dg.api_key,
        deepgram_api_url=dg.base_url,
        probe_timeout_seconds=2.0,
    )
    async with httpx.AsyncClient() as http:
        yield Deps.build(settings, Store.open(tmp_path / "doctor.db"), http)
