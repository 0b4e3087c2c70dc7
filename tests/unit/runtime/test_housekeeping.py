"""Housekeeping keeps HISTORY_RETENTION_DAYS of history: probe runs, balance samples, topic counts and
resolved incidents older than that go; open incidents and anything newer stay."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from bot.config import Settings
from bot.runtime.deps import Deps
from bot.runtime.scheduler import housekeeping
from bot.store import BalanceSample, ProbeRecord, Store
from tests.history_fixture import record_results

NOW = datetime(2026, 12, 7, 9, tzinfo=UTC)
DAY = 86400.0


@pytest.fixture
async def deps(tmp_path: Path) -> AsyncIterator[Deps]:
    env = {"DEEPGRAM_DOCTOR_DB": str(tmp_path / "dd.db"), "HISTORY_RETENTION_DAYS": "35"}
    settings = Settings.from_env(env, slack=False)
    store = Store.open(settings.db_path)
    async with httpx.AsyncClient() as http:
        yield Deps.build(settings, store, http)
    store.close()


def _iso(days_ago: float) -> str:
    return (NOW - timedelta(days=days_ago)).isoformat()


async def test_history_beyond_retention_is_pruned(deps: Deps) -> None:
    store, now = deps.store, NOW.timestamp()
    for days_ago in (36, 34):
        record_results(store, now - days_ago * DAY, ProbeRecord("rest", "ok", 1.0), ProbeRecord("tts", "ok", 1.0))
        store.balances.record([BalanceSample(now - days_ago * DAY, "p1", 10.0)])
        store.asks.record("401", day=(NOW - timedelta(days=days_ago)).date().isoformat())
    incidents = [
        {"id": "old", "name": "Old", "started_at": _iso(40), "resolved_at": _iso(36), "components": json.dumps([])},
        {"id": "recent", "name": "Recent", "started_at": _iso(40), "resolved_at": _iso(34)},
        {"id": "open", "name": "Still open", "started_at": _iso(60), "resolved_at": None},
    ]
    store.monitor.commit_events({}, [], now=now, incidents=incidents)
    store.events.first_sighting("T:old", now=now - 2 * DAY)

    removed = await housekeeping(deps, now=now)

    assert removed == 1 + 1 + 1 + 1 + 1  # a run (with its results), a sample, a day's count, an incident, an event
    assert [r[0] for r in store.db.execute("SELECT checked_at FROM probe_runs")] == [now - 34 * DAY]
    assert store.db.execute("SELECT COUNT(*) FROM probe_results").fetchone()[0] == 2
    assert [s.checked_at for s in store.balances.between(0, now)] == [now - 34 * DAY]
    assert store.asks.counts("2000-01-01", "2100-01-01") == {"401": 1}
    assert sorted(i.id for i in store.stats.incidents()) == ["open", "recent"]
    assert await housekeeping(deps, now=now) == 0


async def test_a_failing_database_is_left_for_the_next_run(deps: Deps) -> None:
    Path(deps.settings.db_path).unlink()
    assert await housekeeping(deps, now=NOW.timestamp()) == 0
