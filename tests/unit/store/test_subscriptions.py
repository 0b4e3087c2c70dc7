"""`store.subscriptions`: one per channel; ending one drops what was still queued for the channel."""

from __future__ import annotations

from bot.store import Store, Subscription


def _subscribe(store: Store, channel: str, *, now: float, filters: tuple[str, ...] = ()) -> Subscription:
    return store.subscriptions.subscribe(
        channel, team_id="T1", filters=filters, min_severity="minor", created_by="U1", now=now
    )


def _queue(store: Store, channel: str, key: str) -> None:
    store.monitor.commit_events({}, [({"key": key, "thread": f"incident:{key}"}, channel)], now=1.0)


def test_subscribe_get_and_list() -> None:
    store = Store.open(":memory:")
    sub = _subscribe(store, "C2", now=2.0, filters=("tts",))
    _subscribe(store, "C1", now=1.0)
    assert sub == Subscription("C2", "T1", ("tts",), "minor", "U1", 2.0)
    assert store.subscriptions.get("C2") == sub
    assert store.subscriptions.get("C9") is None
    assert [s.channel_id for s in store.subscriptions.active()] == ["C1", "C2"]  # oldest first


def test_deactivate_keeps_the_row_and_drops_the_queue() -> None:
    """A channel the bot can no longer post to stops getting alerts, and is listed by `all` only."""
    store = Store.open(":memory:")
    _subscribe(store, "C1", now=1.0)
    _queue(store, "C1", "a")
    store.subscriptions.deactivate("C1", "channel_not_found", now=5.0)
    gone = store.subscriptions.get("C1")
    assert gone is not None and not gone.active and gone.deactivated_reason == "channel_not_found"
    assert store.subscriptions.active() == []
    assert store.subscriptions.all() == [gone]
    assert store.outbox.counts() == {"dropped": 1}
    assert _subscribe(store, "C1", now=6.0).active  # subscribing again reactivates


def test_unsubscribe_deletes_and_drops_the_queue() -> None:
    store = Store.open(":memory:")
    _subscribe(store, "C1", now=1.0)
    _queue(store, "C1", "a")
    _queue(store, "C2", "a")
    assert store.subscriptions.unsubscribe("C1")
    assert not store.subscriptions.unsubscribe("C1")
    assert store.subscriptions.all() == []
    assert store.outbox.counts() == {"dropped": 1, "pending": 1}
    assert store.db.execute("SELECT error FROM outbox WHERE channel_id = 'C1'").fetchone() == ("unsubscribed",)
