"""What the monitor keeps for the weekly digest: hourly balance samples (read even with balance alerts
off, at most once an hour then) and the components each logged incident named."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from bot.alerts.jobs import Monitor
from bot.config import Settings
from bot.digest.sampling import BalanceSampler
from bot.runtime.deps import Deps
from bot.store import Store
from simworld.deepgram import FakeDeepgram
from simworld.statuspage import FakeStatusPage
from simworld.world import probe_clip


class Courier:
    """The outbox's side of the monitor, with nothing to deliver to."""

    def clock(self) -> float:
        return 0.0

    def wake(self) -> None:
        return None


@dataclass
class Rig:
    dg: FakeDeepgram
    page: FakeStatusPage
    http: httpx.AsyncClient
    now: list[datetime]
    tmp: Path

    def monitor(self, name: str, **env: str) -> Monitor:
        settings = Settings.from_env(
            {
                "DEEPGRAM_STATUS_URL": self.page.base_url,
                "DEEPGRAM_API_URL": self.dg.base_url,
                "DEEPGRAM_API_KEY": self.dg.api_key,
                "DEEPGRAM_AGENT_URL": self.dg.agent_url,
                "PROBE_SURFACES": "auth,tts",
                "PROBE_TIMEOUT_SECONDS": "2",
                **env,
            },
            slack=False,
        )
        deps = Deps.build(settings, Store.open(self.tmp / f"{name}.db"), self.http)
        deps.clock = lambda: self.now[0]
        return Monitor(deps, Courier())

    def balance_reads(self) -> int:
        return sum(1 for r in self.dg.requests if r.path.endswith("/balances"))


@pytest.fixture
async def rig(tmp_path: Path) -> AsyncIterator[Rig]:
    now = [datetime(2026, 12, 1, 10, 0, tzinfo=UTC)]
    async with FakeDeepgram() as dg, FakeStatusPage(clock=lambda: now[0]) as page, httpx.AsyncClient() as http:
        dg.register_clip(probe_clip())
        yield Rig(dg, page, http, now, tmp_path)


async def test_with_balance_alerts_off_the_balance_is_read_once_an_hour(rig: Rig) -> None:
    monitor = rig.monitor("off", BALANCE_ALERT_USD="")
    await monitor.run_probes()
    first = monitor.deps.store.balances.between(0, 1e12)
    assert len(first) >= 1 and first[0].checked_at == rig.now[0].timestamp() and first[0].project_name
    reads = rig.balance_reads()
    rig.now[0] += timedelta(minutes=30)
    await monitor.run_probes()
    assert rig.balance_reads() == reads  # not due: not even read
    assert len(monitor.deps.store.balances.between(0, 1e12)) == len(first)
    rig.now[0] += timedelta(minutes=30)
    await monitor.run_probes()
    assert rig.balance_reads() > reads
    assert len(monitor.deps.store.balances.between(0, 1e12)) == 2 * len(first)
    monitor.deps.store.close()


async def test_with_balance_alerts_on_every_run_reads_it_and_an_hourly_sample_is_kept(rig: Rig) -> None:
    monitor = rig.monitor("on", BALANCE_ALERT_USD="1")
    for _ in range(3):
        await monitor.run_probes()
        rig.now[0] += timedelta(minutes=5)
    assert rig.balance_reads() >= 3
    samples = monitor.deps.store.balances.between(0, 1e12)
    assert {s.checked_at for s in samples} == {datetime(2026, 12, 1, 10, tzinfo=UTC).timestamp()}
    # After a restart the sampler picks up from the store: still not due within the hour.
    again = rig.monitor("on", BALANCE_ALERT_USD="")
    assert not again.balance_samples.due(rig.now[0].timestamp())
    again.deps.store.close()
    monitor.deps.store.close()


async def test_logged_incidents_keep_the_components_they_named(rig: Rig) -> None:
    monitor = rig.monitor("page", PROBE_INTERVAL_SECONDS="0")
    await monitor.poll_status()
    rig.page.open_incident("Streaming errors", impact="major", components=("Streaming API",))
    rig.now[0] += timedelta(minutes=1)
    await monitor.poll_status()
    (logged,) = monitor.deps.store.stats.incidents()
    assert logged.name == "Streaming errors" and logged.components == ("Streaming API",)
    monitor.deps.store.close()


def test_the_sampler_survives_a_failing_database(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "dd.db")
    sampler = BalanceSampler(store, every=3600)
    (tmp_path / "dd.db").unlink()
    assert sampler.keep({}, now=100.0) == 0  # nothing read: nothing kept, next due in an hour
    assert not sampler.due(3000.0) and sampler.due(3700.0)
    fresh = BalanceSampler(store)
    store.db.execute("DROP TABLE balance_samples")
    assert not fresh.due(0.0)  # the store cannot say when it last sampled: wait
    store.close()
