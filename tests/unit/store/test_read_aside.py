"""`Store.read_aside`: a long read on a read-only connection of its own, in a worker thread."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from bot.errors import StoreError
from bot.status.history import read_history
from bot.store import Store
from tests.history_fixture import NOW, record_history


async def test_a_file_store_is_read_aside_with_the_same_answers(store: Store) -> None:
    record_history(store, days=2)
    aside = await store.read_aside(lambda reader: (read_history(reader, NOW), threading.get_ident()))
    history, thread = aside
    assert history == read_history(store, NOW)
    assert thread != threading.get_ident()  # not the event loop's thread


async def test_the_reader_cannot_write_and_the_bot_stays_healthy(store: Store) -> None:
    def subscribe(reader: Store) -> None:
        reader.subscriptions.subscribe("C1", team_id="T1", filters=[], min_severity="minor", created_by="U1", now=1.0)

    with pytest.raises(StoreError):
        await store.read_aside(subscribe)
    assert store.problem() is None and store.subscriptions.get("C1") is None
    store.subscriptions.subscribe("C1", team_id="T1", filters=[], min_severity="minor", created_by="U1", now=1.0)
    assert await store.read_aside(lambda reader: reader.subscriptions.get("C1")) is not None  # sees the bot's writes


async def test_a_deleted_file_is_the_store_s_usual_error(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "gone.db")
    for path in tmp_path.iterdir():
        path.unlink()
    with pytest.raises(StoreError):
        await store.read_aside(lambda reader: reader.history.latest_run())
    store.close()


async def test_an_in_memory_store_is_read_in_place() -> None:
    store = Store.open(":memory:")
    record_history(store, days=1)
    assert await store.read_aside(lambda reader: reader is store)
