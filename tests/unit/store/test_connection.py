"""The SQLite file: created on first start, migrated, WAL; refused when unusable; failures as messages."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest

from bot.errors import StoreError
from bot.store import STORE_UNAVAILABLE, Store, StoreOpenError
from bot.store.migrations import migrations
from tests.readonly import read_only


def test_creates_file_with_wal_and_migrations(tmp_path: Path) -> None:
    """Opening a path that does not exist creates it (and its folder), in WAL mode, fully migrated."""
    path = tmp_path / "sub" / "dd.db"
    store = Store.open(path)
    try:
        assert path.exists()
        assert store.journal_mode() == "wal"
        assert store.applied_migrations() == [
            "m0001_seen_events",
            "m0002_probe_runs",
            "m0003_monitor",
            "m0004_probe_result_causes",
            "m0005_leases",
            "m0006_subscription_options",
            "m0007_digest_inputs",
            "m0008_digest_details",
        ]
        assert migrations.pending(store.db) == []
    finally:
        store.close()


def test_reopen_is_idempotent(tmp_path: Path) -> None:
    """A restart applies nothing twice and keeps the data."""
    path = tmp_path / "dd.db"
    store = Store.open(path)
    assert store.events.first_sighting("T1:Ev1", now=100.0)
    applied = store.applied_migrations()
    store.close()
    store = Store.open(path)
    try:
        assert store.applied_migrations() == applied
        assert not store.events.first_sighting("T1:Ev1", now=200.0)
    finally:
        store.close()


def test_repositories_share_the_connection() -> None:
    """One connection, one transaction scope: every repository works on the store's own database."""
    store = Store.open(":memory:")
    repositories = [store.events, store.history, store.subscriptions, store.outbox, store.monitor]
    assert all(r.connection is store and r.db is store.db for r in repositories)


# -- a database that cannot be used ------------------------------------------------------------------


def _made(tmp_path: Path) -> set[str]:
    return {str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*")}


@pytest.mark.parametrize(
    ("where", "reason"),
    [
        ("directory", "it is a directory"),
        ("/proc/deepgram-doctor.db", "SQLite cannot open or create a file there"),
        ("afile/sub/dd.db", "its folder cannot be created: {tmp}/afile is not a folder"),
        ("garbage.db", "it is not a SQLite database"),
    ],
)
def test_open_refuses_an_unusable_path_and_leaves_nothing(tmp_path: Path, where: str, reason: str) -> None:
    """A directory, a path SQLite cannot create, a folder that cannot be made, a file that is not SQLite."""
    (tmp_path / "directory").mkdir()
    (tmp_path / "afile").write_text("not a folder")
    (tmp_path / "garbage.db").write_text("hello " * 200)
    before = _made(tmp_path)
    with pytest.raises(StoreOpenError) as err:
        Store.open(tmp_path / where if not where.startswith("/") else where)
    assert err.value.reason == reason.format(tmp=tmp_path)
    assert _made(tmp_path) == before
    assert (tmp_path / "garbage.db").read_text() == "hello " * 200


def test_open_refuses_a_read_only_file(tmp_path: Path) -> None:
    """An existing, migrated database that cannot be written is refused at start-up, not at the first write."""
    path = tmp_path / "dd.db"
    Store.open(path).close()
    with read_only(path), pytest.raises(StoreOpenError) as err:
        Store.open(path)
    assert err.value.reason == "it is read-only"


def test_discard_removes_what_open_created(tmp_path: Path) -> None:
    """A failed start removes the file and the folders it created, and nothing that was there before."""
    store = Store.open(tmp_path / "new" / "deeper" / "dd.db")
    store.discard()
    assert _made(tmp_path) == set()
    kept = tmp_path / "kept.db"
    Store.open(kept).close()
    Store.open(kept).discard()
    assert kept.exists()


def test_deleted_under_the_bot(store: Store, caplog: pytest.LogCaptureFixture) -> None:
    """Writes are refused (not written into the orphaned file) and the reason is logged once, at error level."""
    assert store.path and store.problem() is None
    Path(store.path).unlink()
    for _ in range(3):
        with pytest.raises(StoreError) as err:
            store.events.first_sighting("T1:Ev1")
    assert err.value.reason == "the file was deleted while the bot was running (restart the bot to start a new one)"
    assert err.value.user_message == STORE_UNAVAILABLE
    assert store.problem() == err.value.reason
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert [(r.getMessage(), r.__dict__["operation"], r.__dict__["problem"]) for r in errors] == [
        ("database unavailable", "first_sighting", err.value.reason)
    ]
    assert store.subscriptions.active() == []  # reading what was there still works


def test_replaced_under_the_bot(store: Store, tmp_path: Path) -> None:
    """Another file moved into place is not the bot's database."""
    other = Store.open(tmp_path / "other.db")
    other.close()
    assert store.path
    os.replace(tmp_path / "other.db", store.path)
    with pytest.raises(StoreError) as err:
        store.subscriptions.subscribe("C1", team_id="T1", filters=[], min_severity="minor", created_by="U1", now=1.0)
    assert err.value.reason.startswith("the file was replaced by another file while the bot was running")


def test_read_only_under_the_bot(store: Store) -> None:
    """A file made read-only is reported, and writing works again once it is writable."""
    assert store.path
    with read_only(Path(store.path)):
        assert store.problem() == "the file is no longer writable (read-only)"
        with pytest.raises(StoreError):
            store.events.first_sighting("T1:Ev1")
        with pytest.raises(StoreError):
            store.check_writable()
    assert store.events.first_sighting("T1:Ev1")
    assert store.problem() is None


def test_disk_full(store: Store) -> None:
    """SQLite's own failure (here: no page left) is reported until a later write succeeds."""
    pages = store.db.execute("PRAGMA page_count").fetchone()[0]
    store.db.execute(f"PRAGMA max_page_count = {pages}")
    with pytest.raises(StoreError) as err:
        store.history.record_run(
            checked_at=1.0,
            verdict="ok",
            indicator="none",
            official_state="fresh",
            elapsed_ms=1.0,
            text="x" * 100_000,
            blocks=[],
            results=[],
        )
    assert err.value.reason == "the disk is full"
    assert store.problem() == "the disk is full"
    assert store.history.latest_run() is None  # the failed transaction left nothing behind
    store.db.execute("PRAGMA max_page_count = 1073741823")
    assert store.events.first_sighting("T1:Ev1")
    assert store.problem() is None
