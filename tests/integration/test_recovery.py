"""Recovering alerts whose send was interrupted: a grace period, bounded and paginated history, 429 = unknown."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.store import Store
from simworld.slack import FakeSlack
from simworld.statuspage import FakeStatusPage
from tests.integration.test_monitor import Rig, build


@pytest.fixture
async def rig(reference_data: Path, tmp_path: Path) -> AsyncIterator[Rig]:
    now = [datetime(2026, 11, 24, 10, 0, tzinfo=UTC)]
    async with (
        FakeSlack(api_ref_dir=reference_data / "slack" / "slack-api-ref", seed=7) as slack,
        FakeStatusPage(clock=lambda: now[0]) as page,
        httpx.AsyncClient() as http,
    ):
        slack.workspace.bot_scopes |= {"channels:history", "groups:history", "channels:read", "users:read"}
        channel = slack.workspace.add_channel("incidents").id
        rig = await build(slack, page, tmp_path / "doctor.db", http, now, [channel])
        rig.store.subscriptions.subscribe(
            channel, team_id=slack.team_id, filters=[], min_severity="minor", created_by="U1", now=0
        )
        await rig.poll()
        yield rig
        rig.store.close()
        assert slack.contract_violations == []


def history_calls(rig: Rig) -> list[Any]:
    return [c for c in rig.slack.calls if c.method in ("conversations.history", "conversations.replies")]


async def test_a_post_committed_after_the_hang_up_is_found_after_the_grace(rig: Rig) -> None:
    """The client gives up; Slack stores the message up to 0.5 s later. Looking before that would post twice."""
    (channel,) = rig.channels
    rig.courier.grace = 1.0
    rig.courier.client.timeout = 0.3
    rig.slack.fail_next("chat.postMessage", hold_answer=5.0, commit_late=0.5)
    rig.page.open_incident("API errors", impact="major", components=("Batch API",))
    await rig.poll()
    assert len(rig.alerts(channel)) == 1
    assert [c.method for c in rig.slack.calls].count("chat.postMessage") == 1
    (search,) = history_calls(rig)
    # Bounded around the send in doubt, one small page.
    assert search.args["limit"] in ("15", 15)
    assert float(search.args["oldest"]) < float(search.args["latest"])
    assert float(search.args["latest"]) - float(search.args["oldest"]) < 200


async def test_a_429_on_the_history_means_unknown_not_absent(rig: Rig) -> None:
    """While Slack will not say, nothing is posted; once it answers, the message is found, not doubled."""
    (channel,) = rig.channels
    rig.courier.grace = 0.1
    rig.courier.client.timeout = 0.3
    rig.slack.fail_next("chat.postMessage", hold_answer=2.0)
    rig.slack.fail_next("conversations.history", status=429, retry_after=1, count=2)
    rig.page.open_incident("API errors", impact="major", components=("Batch API",))
    await rig.poll()
    assert len(rig.alerts(channel)) == 1
    assert [c.status for c in history_calls(rig)] == [429, 429, 200]
    assert [c.method for c in rig.slack.calls].count("chat.postMessage") == 1


async def test_small_pages_are_followed_until_the_alert_is_found(rig: Rig) -> None:
    """Slack serves this app 15 messages per page: the search pages through a busy channel."""
    (channel,) = rig.channels
    rig.courier.grace = 0.1
    rig.courier.client.timeout = 0.3
    rig.slack.set_history_limits(per_minute=600, page_max=15)
    rig.courier.history.interval = 0.2  # paced within the limit: no 429
    rig.slack.fail_next("chat.postMessage", hold_answer=2.0)
    rig.page.open_incident("API errors", impact="major", components=("Batch API",))
    rig.now[0] += timedelta(minutes=1)
    await rig.monitor.poll_status()
    task = asyncio.create_task(rig.courier.drain())
    await rig.slack.wait_until(lambda: len(rig.alerts(channel)) == 1, timeout=5)
    chatter = rig.slack.workspace.channel(channel)
    assert chatter is not None
    for i in range(40):  # people talk in the channel while the answer is lost
        rig.slack.workspace.add_message(chatter, text=f"message {i}", user="U1")
    await task
    assert len(rig.alerts(channel)) == 1
    pages = history_calls(rig)
    assert len(pages) >= 3 and all(c.args.get("limit") in ("15", 15) for c in pages)
    assert all(c.status == 200 for c in pages)


async def test_a_thread_reply_in_doubt_is_looked_for_in_the_thread(rig: Rig) -> None:
    (channel,) = rig.channels
    rig.courier.grace = 0.1
    rig.courier.client.timeout = 0.3
    incident = rig.page.open_incident("API errors", impact="major", components=("Batch API",))
    await rig.poll()
    rig.slack.fail_next("chat.postMessage", hold_answer=2.0, commit_late=0.05)
    rig.page.update_incident(incident, status="identified", body="Found it.")
    await rig.poll()
    root, update = rig.alerts(channel)
    assert update.thread_ts == root.ts
    assert [c.method for c in history_calls(rig)] == ["conversations.replies"]


async def test_a_second_store_without_the_lease_delivers_nothing(rig: Rig, tmp_path: Path) -> None:
    """Rows claimed under a lease cannot be claimed by a process that does not hold it."""
    (channel,) = rig.channels
    assert rig.store.leases.acquire("other:1:x", host="other", pid=1, now=1e12, ttl=60.0)
    rig.courier.holder = "mine:2:y"
    rig.page.open_incident("API errors", impact="major", components=("Batch API",))
    rig.now[0] += timedelta(minutes=1)
    await rig.monitor.poll_status()
    with pytest.raises(TimeoutError):
        await rig.courier.drain(timeout=0.5)
    assert rig.alerts(channel) == []
    other = Store.open(tmp_path / "doctor.db")
    try:
        assert other.outbox.counts() == {"pending": 1}
    finally:
        other.close()


async def test_a_long_rate_limit_leaves_the_alert_queued_not_reposted(rig: Rig) -> None:
    (channel,) = rig.channels
    rig.courier.grace = 0.1
    rig.courier.client.timeout = 0.3
    rig.slack.fail_next("chat.postMessage", hold_answer=2.0)
    rig.slack.fail_next("conversations.history", status=429, retry_after=120)
    rig.page.open_incident("API errors", impact="major", components=("Batch API",))
    rig.now[0] += timedelta(minutes=1)
    await rig.monitor.poll_status()
    with pytest.raises(TimeoutError):
        await rig.courier.drain(timeout=1.0)
    assert len(rig.alerts(channel)) == 1 and [c.method for c in rig.slack.calls].count("chat.postMessage") == 1
    (row,) = rig.store.outbox.heads()
    assert row.status == "pending" and row.inflight_at is not None, "still in doubt, to be looked for again"
