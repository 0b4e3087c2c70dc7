"""The SQLite store: created on first start, migrated, WAL, and event dedup."""

from __future__ import annotations

from pathlib import Path

from bot.store.db import Store, migrations


def test_creates_file_with_wal_and_migrations(tmp_path: Path) -> None:
    """Opening a path that does not exist creates it (and its folder), in WAL mode, fully migrated."""
    path = tmp_path / "sub" / "dd.db"
    store = Store.open(path)
    try:
        assert path.exists()
        assert store.journal_mode() == "wal"
        assert store.applied_migrations() == ["m0001_seen_events", "m0002_probe_runs", "m0003_monitor"]
        assert migrations.pending(store.db) == []
    finally:
        store.close()


def test_reopen_is_idempotent(tmp_path: Path) -> None:
    """A restart applies nothing twice and keeps the data."""
    path = tmp_path / "dd.db"
    store = Store.open(path)
    assert store.first_sighting("T1:Ev1", now=100.0)
    applied = store.applied_migrations()
    store.close()
    store = Store.open(path)
    try:
        assert store.applied_migrations() == applied
        assert not store.first_sighting("T1:Ev1", now=200.0)
    finally:
        store.close()


def test_event_dedup_and_expiry() -> None:
    """An event key is new once; forgetting old keys frees them again."""
    store = Store.open(":memory:")
    assert store.first_sighting("T1:Ev1", now=10.0)
    assert not store.first_sighting("T1:Ev1", now=11.0)
    assert store.first_sighting("T1:Ev2", now=50.0)
    assert store.forget_events_before(20.0) == 1
    assert store.first_sighting("T1:Ev1", now=60.0)
