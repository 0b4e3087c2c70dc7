"""`Store`: the connection and its repositories. Every repository method runs under the connection's guard.

Writes are refused while the file is not the one opened (or not writable); reads go on. SQLite's own
failures become `StoreError` on reads and writes alike.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bot.errors import StoreError
from bot.store import BalanceSample, OutboxRow, Store
from bot.store.connection import Repository

_RUN = {
    "checked_at": 1.0,
    "verdict": "ok",
    "indicator": None,
    "official_state": "fresh",
    "elapsed_ms": 1.0,
    "text": "t",
    "blocks": [],
    "results": [],
}
_SUBSCRIPTION = {"team_id": "T1", "filters": [], "min_severity": "minor", "created_by": "U1", "now": 1.0}

#: Every repository method, called with arguments it accepts: the writes, then the reads.
_ROW = OutboxRow(1, "k", "incident:x", "C1", {}, "pending", 0, 0.0, 0.0)
WRITES: dict[str, tuple[tuple[Any, ...], dict[str, Any]]] = {
    "events.first_sighting": (("T1:Ev1",), {}),
    "events.forget_before": ((0.0,), {}),
    "history.record_run": ((), _RUN),
    "history.forget_runs_before": ((0.0,), {}),
    "history.attach_message": ((1,), {"text": "t", "blocks": []}),
    "subscriptions.subscribe": (("C1",), _SUBSCRIPTION),
    "subscriptions.unsubscribe": (("C1",), {}),
    "subscriptions.deactivate": (("C1", "channel_not_found"), {"now": 1.0}),
    "outbox.claim": ((_ROW,), {"now": 1.0}),
    "outbox.mark_sent": ((1,), {"ts": "1.0", "now": 1.0}),
    "outbox.reschedule": ((1,), {"at": 1.0, "error": "ratelimited", "now": 1.0, "in_doubt": False}),
    "outbox.mark_dead": ((1,), {"error": "channel_not_found", "now": 1.0}),
    "outbox.defer": ((1,), {"at": 1.0, "now": 1.0}),
    "leases.acquire": (("host:1:ab",), {"host": "host", "pid": 1, "now": 1.0, "ttl": 30.0}),
    "leases.release": (("host:1:ab",), {}),
    "outbox.set_thread_root": (("incident:x", "C1", "1.0"), {"now": 1.0}),
    "monitor.commit_events": (({"page": {}}, []), {"now": 1.0}),
    "asks.record": (("401",), {"day": "2026-12-07"}),
    "asks.forget_before": (("2026-12-07",), {}),
    "balances.record": (([BalanceSample(1.0, "p1", 2.0)],), {}),
    "balances.forget_before": ((1.0,), {}),
    "stats.forget_incidents_resolved_before": ((1.0,), {}),
}
READS: dict[str, tuple[tuple[Any, ...], dict[str, Any]]] = {
    "history.run_message": ((1,), {}),
    "history.latest_run": ((), {}),
    "history.results_since": (("rest", 0.0), {}),
    "history.recent_incidents": ((), {}),
    "history.scan_probe_points": ((["rest"], 0.0, 1.0, list), {}),
    "history.run_times": ((0.0, 1.0), {}),
    "subscriptions.get": (("C1",), {}),
    "subscriptions.active": ((), {}),
    "subscriptions.all": ((), {}),
    "subscriptions.digest_channels": ((), {}),
    "outbox.heads": ((), {}),
    "outbox.counts": ((), {}),
    "outbox.channels_with": (("digest:2026-12-07",), {}),
    "outbox.queued_after": ((1,), {"channel_id": "C1", "thread": "incident:x"}),
    "outbox.thread_root": (("incident:x", "C1"), {}),
    "monitor.load_state": (("page",), {}),
    "monitor.told": ((["incident:x"],), {}),
    "leases.current": ((), {}),
    "asks.counts": (("2026-11-30", "2026-12-07"), {}),
    "balances.latest_at": ((), {}),
    "balances.between": ((0.0, 1.0), {}),
    "stats.outcomes": ((["rest"], 0.0, 1.0), {}),
    "stats.latency_percentiles": ((["rest"], 0.0, 1.0), {}),
    "stats.incidents": ((), {}),
}


def _method(store: Store, name: str) -> Callable[..., Any]:
    repository, method = name.split(".")
    return getattr(getattr(store, repository), method)  # type: ignore[no-any-return]


def test_the_tables_name_every_repository_method() -> None:
    """A new repository method must be added here, as a write or a read, and is guarded."""
    store = Store.open(":memory:")
    found = {
        f"{attribute}.{name}"
        for attribute, repository in vars(store).items()
        if isinstance(repository, Repository)
        for name, member in inspect.getmembers(type(repository), inspect.isfunction)
        if not name.startswith("_")
    }
    assert found == set(WRITES) | set(READS)
    assert all(hasattr(_method(store, name), "__wrapped__") for name in found)


@pytest.mark.parametrize("name", sorted(WRITES))
def test_writes_are_refused_on_a_deleted_file(store: Store, name: str) -> None:
    assert store.path
    Path(store.path).unlink()
    args, kwargs = WRITES[name]
    with pytest.raises(StoreError) as err:
        _method(store, name)(*args, **kwargs)
    assert err.value.reason.startswith("the file was deleted")


@pytest.mark.parametrize("name", sorted(READS))
def test_reads_go_on_from_a_deleted_file(store: Store, name: str) -> None:
    assert store.path
    Path(store.path).unlink()
    args, kwargs = READS[name]
    _method(store, name)(*args, **kwargs)
    assert store.problem() is not None


@pytest.mark.parametrize("name", sorted(WRITES | READS))
def test_sqlite_failures_become_store_errors(name: str) -> None:
    """Whatever SQLite raises (here: its connection is gone) is a `StoreError`, and the health check knows."""
    store = Store.open(":memory:")
    store.db.conn.close()
    args, kwargs = (WRITES | READS)[name]
    with pytest.raises(StoreError) as err:
        _method(store, name)(*args, **kwargs)
    assert err.value.reason == "SQLite error: Cannot operate on a closed database."
    assert store.problem() == err.value.reason
