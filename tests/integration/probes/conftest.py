"""A fake Deepgram that knows the probe clip (with its recorded real transcript), and a probe config for it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from bot.probes import ProbeConfig
from simworld.deepgram import FakeDeepgram
from simworld.world import probe_clip


@pytest.fixture
async def dg() -> AsyncIterator[FakeDeepgram]:
    async with FakeDeepgram() as fake:
        fake.register_clip(probe_clip())
        yield fake


@pytest.fixture
def cfg(dg: FakeDeepgram) -> ProbeConfig:
    # 50x real time: the clip streams in ~50 ms instead of 2.6 s. The agent probe holds its short turn.
    return ProbeConfig(
        api_url=dg.base_url,
        ws_url=dg.ws_url,
        api_key=dg.api_key,
        timeout=2.0,
        stream_speed=50,
        agent_url=dg.agent_url,
        agent_turn=True,
    )


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient() as client:
        yield client
