"""`store.outbox`: each channel's deliveries strictly in order, their progress, and the threads they open."""

from __future__ import annotations

from typing import Any

from bot.store import Store


def _event(key: str, thread: str = "incident:1") -> dict[str, Any]:
    return {"key": key, "thread": thread, "title": key}


def _store() -> Store:
    store = Store.open(":memory:")
    deliveries = [(_event("a"), "C1"), (_event("b"), "C1"), (_event("a"), "C2")]
    assert store.monitor.commit_events({}, deliveries, now=10.0) == 3
    return store


def test_heads_are_each_channels_oldest_undelivered_row() -> None:
    store = _store()
    heads = store.outbox.heads()
    assert [(r.channel_id, r.event_key, r.status, r.attempts) for r in heads] == [
        ("C1", "a", "pending", 0),
        ("C2", "a", "pending", 0),
    ]
    assert heads[0].event == _event("a") and heads[0].next_attempt_at == 10.0 == heads[0].created_at
    first = heads[0]
    assert store.outbox.queued_after(first.id, channel_id="C1", thread="incident:1")
    store.outbox.mark_inflight(first.id)
    assert store.outbox.heads()[0].status == "inflight" and store.outbox.heads()[0].attempts == 1
    store.outbox.mark_sent(first.id, ts="111.1", now=11.0)
    assert [r.event_key for r in store.outbox.heads() if r.channel_id == "C1"] == ["b"]
    assert not store.outbox.queued_after(store.outbox.heads()[0].id, channel_id="C1", thread="incident:1")


def test_reschedule_and_dead() -> None:
    store = _store()
    row = store.outbox.heads()[0]
    store.outbox.mark_inflight(row.id)
    store.outbox.reschedule(row.id, at=99.0, error="ratelimited")
    again = store.outbox.heads()[0]
    assert (again.id, again.status, again.next_attempt_at) == (row.id, "pending", 99.0)
    store.outbox.mark_dead(row.id, error="invalid_blocks")
    assert store.outbox.counts() == {"dead": 1, "pending": 2}


def test_thread_roots() -> None:
    store = Store.open(":memory:")
    assert store.outbox.thread_root("incident:1", "C1") is None
    store.outbox.set_thread_root("incident:1", "C1", "111.1", now=1.0)
    store.outbox.set_thread_root("incident:1", "C1", "222.2", now=2.0)
    assert store.outbox.thread_root("incident:1", "C1") == "222.2"
    assert store.outbox.thread_root("incident:1", "C2") is None
