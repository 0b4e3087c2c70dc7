"""The lease keeper: leads or stands by, reports changes once, takes over from a dead process of its host."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

from bot.health import Health
from bot.runtime.lease import LeaseKeeper
from bot.store import Store


def keeper(store: Store, changes: list[bool], now: list[float], health: Health | None = None) -> LeaseKeeper:
    return LeaseKeeper(store, ttl=30.0, on_change=changes.append, health=health, clock=lambda: now[0])


def test_leads_then_stands_by_then_takes_over(tmp_path: Path) -> None:
    first_store, second_store = Store.open(tmp_path / "d.db"), Store.open(tmp_path / "d.db")
    now = [1000.0]
    first_changes: list[bool] = []
    second_changes: list[bool] = []
    health = Health(transport="http", poll_every=60, poll_stale_after=180, reconnect_grace=60, now=0.0)
    first = keeper(first_store, first_changes, now)
    second = keeper(second_store, second_changes, now, health)
    second.host = "another-host"  # not judged by pid: only its lease's expiry counts
    assert first.tick() and not second.tick()
    assert first_changes == [True] and second_changes == [False], "the first answer is reported, standby included"
    assert health.report(now=1.0).parts["lease"].detail.startswith(f"standby: {first.holder} holds the lease")
    now[0] += 20
    assert first.tick() and not second.tick()
    assert first_changes == [True] and second_changes == [False], "no change, nothing reported"
    now[0] += 31  # the first stopped renewing
    assert second.tick() and second_changes == [False, True]
    assert not first.tick() and first_changes == [True, False]
    assert health.report(now=2.0).parts["lease"].detail == "this process polls, probes and delivers alerts"
    first_store.close()
    second_store.close()


def test_a_crashed_process_of_this_host_is_replaced_at_once() -> None:
    store = Store.open(":memory:")
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, check=True)
    dead_pid = int(gone.stdout)
    host = socket.gethostname()
    assert store.leases.acquire(f"{host}:{dead_pid}:abc", host=host, pid=dead_pid, now=1000.0, ttl=30.0)
    changes: list[bool] = []
    assert keeper(store, changes, [1001.0]).tick(), "its pid no longer runs: no need to wait for the expiry"
    alive = os.getppid()
    assert store.leases.acquire(f"{host}:{alive}:def", host=host, pid=alive, now=2000.0, ttl=30.0)
    assert not keeper(store, [], [2001.0]).tick(), "a live process keeps its lease"


def test_a_clean_stop_releases_the_lease() -> None:
    store = Store.open(":memory:")
    now = [1000.0]
    first = keeper(store, [], now)
    assert first.tick()
    first.release()
    second = keeper(store, [], now)
    second.host = "another-host"
    assert second.tick()
