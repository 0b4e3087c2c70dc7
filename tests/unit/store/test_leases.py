"""`store.leases`: one holder at a time, renewed by it, taken over only once expired, across connections."""

from __future__ import annotations

from pathlib import Path

from bot.store import Store


def test_one_holder_until_it_expires(tmp_path: Path) -> None:
    first, second = Store.open(tmp_path / "d.db"), Store.open(tmp_path / "d.db")
    try:
        assert first.leases.current() is None
        assert first.leases.acquire("a:1:x", host="a", pid=1, now=100.0, ttl=30.0)
        assert not second.leases.acquire("b:2:y", host="b", pid=2, now=110.0, ttl=30.0), "held by a"
        assert first.leases.acquire("a:1:x", host="a", pid=1, now=120.0, ttl=30.0), "the holder renews"
        assert not second.leases.acquire("b:2:y", host="b", pid=2, now=140.0, ttl=30.0), "renewed until 150"
        lease = second.leases.current()
        assert lease is not None and (lease.holder, lease.acquired_at, lease.renewed_at, lease.expires_at) == (
            "a:1:x",
            100.0,
            120.0,
            150.0,
        )
        assert second.leases.acquire("b:2:y", host="b", pid=2, now=150.0, ttl=30.0), "expired: taken over"
        assert not first.leases.acquire("a:1:x", host="a", pid=1, now=151.0, ttl=30.0), "the old holder lost it"
        taken = first.leases.current()
        assert taken is not None and (taken.holder, taken.host, taken.pid, taken.acquired_at) == (
            "b:2:y",
            "b",
            2,
            150.0,
        )
    finally:
        first.close()
        second.close()


def test_release_lets_another_take_it_at_once() -> None:
    store = Store.open(":memory:")
    assert store.leases.acquire("a:1:x", host="a", pid=1, now=100.0, ttl=30.0)
    assert not store.leases.release("b:2:y"), "only the holder releases"
    assert store.leases.release("a:1:x")
    assert store.leases.acquire("b:2:y", host="b", pid=2, now=101.0, ttl=30.0)


def test_a_dead_holder_is_replaced_before_its_lease_runs_out() -> None:
    store = Store.open(":memory:")
    assert store.leases.acquire("h:1:old", host="h", pid=1, now=100.0, ttl=30.0)
    assert not store.leases.acquire("h:2:new", host="h", pid=2, now=101.0, ttl=30.0, dead="h:9:other")
    assert store.leases.acquire("h:2:new", host="h", pid=2, now=101.0, ttl=30.0, dead="h:1:old")
