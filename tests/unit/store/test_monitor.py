"""`store.monitor`: the monitor's memory, its deliveries and the incidents it saw, in one transaction."""

from __future__ import annotations

import pytest

from bot.errors import StoreError
from bot.store import Store

INCIDENT = {
    "id": "i1",
    "name": "Latency",
    "impact": "minor",
    "link": "https://x",
    "started_at": "2024",
    "resolved_at": None,
    "components": '["Streaming API"]',
}


def test_memory_deliveries_and_incidents_are_committed_together() -> None:
    store = Store.open(":memory:")
    assert store.monitor.load_state("page") is None
    event = {"key": "incident:i1:opened", "thread": "incident:i1"}
    queued = store.monitor.commit_events({"page": {"seen": [1]}}, [(event, "C1")], now=5.0, incidents=[INCIDENT])
    assert queued == 1
    assert store.monitor.load_state("page") == {"seen": [1]}
    assert [r.event for r in store.outbox.heads()] == [event]
    assert store.history.recent_incidents() == [INCIDENT]
    # The same delivery again (a restart that polls the same change) is not queued twice.
    assert store.monitor.commit_events({"page": {"seen": [2]}}, [(event, "C1")], now=6.0) == 0
    assert store.monitor.load_state("page") == {"seen": [2]}


def test_a_failed_commit_leaves_nothing(store: Store) -> None:
    """If queueing fails, the new memory is not saved either: the change will be seen again next poll."""
    store.monitor.commit_events({"page": {"seen": [1]}}, [], now=1.0)
    store.db.execute("CREATE TRIGGER refuse BEFORE INSERT ON outbox BEGIN SELECT RAISE(ABORT, 'no'); END")
    with pytest.raises(StoreError):
        store.monitor.commit_events(
            {"page": {"seen": [2]}}, [({"key": "k", "thread": "t"}, "C1")], now=2.0, incidents=[INCIDENT]
        )
    assert store.monitor.load_state("page") == {"seen": [1]}
    assert store.outbox.counts() == {}
    assert store.history.recent_incidents() == []
    assert store.problem() == "SQLite error: no"
