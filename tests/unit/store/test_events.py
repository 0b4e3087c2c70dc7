"""`store.events`: Slack's redeliveries are recognised, and old event ids forgotten."""

from __future__ import annotations

from bot.store import Store


def test_event_dedup_and_expiry() -> None:
    """An event key is new once; forgetting old keys frees them again."""
    store = Store.open(":memory:")
    assert store.events.first_sighting("T1:Ev1", now=10.0)
    assert not store.events.first_sighting("T1:Ev1", now=11.0)
    assert store.events.first_sighting("T1:Ev2", now=50.0)
    assert store.events.forget_before(20.0) == 1
    assert store.events.first_sighting("T1:Ev1", now=60.0)
