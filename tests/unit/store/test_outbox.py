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
    assert store.outbox.claim(first, now=10.5)
    claimed = store.outbox.heads()[0]
    assert (claimed.status, claimed.attempts, claimed.first_inflight_at, claimed.inflight_at) == (
        "inflight",
        1,
        10.5,
        10.5,
    )
    assert not store.outbox.claim(first, now=10.6), "a row changed since it was read is not claimed again"
    assert store.outbox.mark_sent(first.id, ts="111.1", now=11.0)
    assert not store.outbox.mark_sent(first.id, ts="111.1", now=11.0), "only an in-flight row is marked sent"
    assert [r.event_key for r in store.outbox.heads() if r.channel_id == "C1"] == ["b"]
    assert not store.outbox.queued_after(store.outbox.heads()[0].id, channel_id="C1", thread="incident:1")


def test_reschedule_and_dead() -> None:
    store = _store()
    row = store.outbox.heads()[0]
    assert store.outbox.claim(row, now=20.0)
    assert store.outbox.reschedule(row.id, at=99.0, error="ratelimited", now=20.5, in_doubt=False)
    again = store.outbox.heads()[0]
    assert (again.id, again.status, again.next_attempt_at) == (row.id, "pending", 99.0)
    assert again.inflight_at is None and again.first_inflight_at == 20.0, "Slack refused it: nothing in doubt"
    assert store.outbox.claim(again, now=99.0)
    assert store.outbox.reschedule(row.id, at=120.0, error="TimeoutError", now=100.0, in_doubt=True)
    doubtful = store.outbox.heads()[0]
    assert (doubtful.attempts, doubtful.first_inflight_at, doubtful.inflight_at) == (2, 20.0, 99.0)
    assert store.outbox.defer(row.id, at=130.0, now=100.0)
    assert store.outbox.heads()[0].next_attempt_at == 130.0
    assert not store.outbox.mark_dead(row.id, error="invalid_blocks", now=101.0), "only from in flight"
    assert store.outbox.claim(store.outbox.heads()[0], now=130.0)
    assert store.outbox.mark_dead(row.id, error="invalid_blocks", now=131.0)
    assert store.outbox.counts() == {"dead": 1, "pending": 2}


def test_updates_are_fenced_by_the_lease() -> None:
    store = _store()
    row = store.outbox.heads()[0]
    assert store.leases.acquire("a:1:x", host="a", pid=1, now=10.0, ttl=30.0)
    assert not store.outbox.claim(row, now=11.0, holder="b:2:y"), "not the lease holder"
    assert store.outbox.claim(row, now=11.0, holder="a:1:x")
    assert not store.outbox.mark_sent(row.id, ts="1.1", now=41.0, holder="a:1:x"), "the lease expired at 40"
    assert store.leases.acquire("b:2:y", host="b", pid=2, now=41.0, ttl=30.0), "an expired lease is taken over"
    assert store.outbox.mark_sent(row.id, ts="1.1", now=42.0, holder="b:2:y")


def test_thread_roots() -> None:
    store = Store.open(":memory:")
    assert store.outbox.thread_root("incident:1", "C1") is None
    store.outbox.set_thread_root("incident:1", "C1", "111.1", now=1.0)
    store.outbox.set_thread_root("incident:1", "C1", "222.2", now=2.0)
    assert store.outbox.thread_root("incident:1", "C1") == "222.2"
    assert store.outbox.thread_root("incident:1", "C2") is None
