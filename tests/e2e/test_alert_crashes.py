"""Alerts exactly once when the bot is killed mid fan-out, and when two processes share one database.

Slack commits the posts the bot was waiting on a random 0–2 s *after* the bot died (the fake's
`commit_late`), so a restarted bot that looked in the channel at once would not see them yet and post
them again: the grace period and the bounded history search are what keep every channel at exactly one
root and one reply per update.
"""

from __future__ import annotations

import asyncio
import json
import random
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bot.health import HealthReport
from bot.store import Store
from simworld.slack import FakeSlack
from tests.alerting import alerts, subscribe_directly
from tests.e2e.conftest import RunningBot, World, start_bot, stop_bot

CHANNELS = 50
ENV = {
    "STATUS_POLL_SECONDS": "0.2",
    "ALERT_HOLD_POLLS": "0",
    "ALERT_PACE_SECONDS": "0.1",
    "ALERT_RECOVERY_GRACE_SECONDS": "3",  # Slack commits up to 2 s after the hang-up
    "SLACK_HISTORY_INTERVAL_SECONDS": "0",
    "LEASE_SECONDS": "2",
    "HEALTH_INTERVAL_SECONDS": "0.2",
}


def keys(slack: FakeSlack, channel: str) -> Counter[str]:
    return Counter(m.metadata["event_payload"]["key"] for m in alerts(slack, channel))


def posted(slack: FakeSlack, channels: list[str]) -> int:
    return sum(len(alerts(slack, c)) for c in channels)


def assert_exactly_once(slack: FakeSlack, channels: list[str], expected_per_channel: int) -> None:
    doubled = {c: [k for k, n in keys(slack, c).items() if n > 1] for c in channels}
    assert not any(doubled.values()), {c: d for c, d in doubled.items() if d}
    counts = [len(alerts(slack, c)) for c in channels]
    assert counts == [expected_per_channel] * len(channels), counts
    for channel in channels:
        root, *replies = alerts(slack, channel)
        assert root.thread_ts in (None, root.ts) and all(r.thread_ts == root.ts for r in replies)


async def kill_during_fan_out(bot: RunningBot, world: World, channels: list[str], *, before: int, at: int) -> None:
    """Kill -9 once `at` of this phase's posts have landed (posts still in flight land late), then restart."""
    await world.slack.wait_until(lambda: posted(world.slack, channels) >= before + at, timeout=20)
    assert await bot.process.kill() != 0
    await bot.restart(world)


async def test_kill_9_at_random_moments_during_fan_outs(world: World, tmp_path: Path) -> None:
    slack, page = world.slack, world.statuspage
    rng = random.Random(11)
    channels = [slack.workspace.add_channel(f"oncall-{i}").id for i in range(CHANNELS)]
    subscribe_directly(tmp_path / "doctor.db", slack, channels)
    # Every post is held 0.1–2.1 s; one whose poster dies meanwhile lands 0–2 s after the hang-up.
    slack.fail_next("chat.postMessage", hold_answer=0.1, hold_jitter=2.0, commit_late=2.0, count=10_000)
    bot = await start_bot(world, tmp_path, "http", **ENV)
    try:
        incident = page.open_incident("Elevated errors", impact="major", components=("Batch API",))
        await kill_during_fan_out(bot, world, channels, before=0, at=rng.randint(1, CHANNELS - 1))
        await slack.wait_until(lambda: posted(slack, channels) >= CHANNELS, timeout=30)
        page.update_incident(incident, status="identified", body="Found the cause.")
        await kill_during_fan_out(bot, world, channels, before=CHANNELS, at=rng.randint(1, CHANNELS - 1))
        await slack.wait_until(lambda: posted(slack, channels) >= 2 * CHANNELS, timeout=30)
        page.resolve_incident(incident, body="Fixed.")
        await kill_during_fan_out(bot, world, channels, before=2 * CHANNELS, at=rng.randint(1, CHANNELS - 1))
        await slack.wait_until(lambda: posted(slack, channels) >= 3 * CHANNELS, timeout=30)
        await wait_idle(world, tmp_path / "doctor.db")
    finally:
        await stop_bot(bot, world)
    assert_exactly_once(slack, channels, 3)
    # The in-flight posts were looked for, in small bounded pages, rather than sent again.
    searches = [c for c in slack.calls if c.method in ("conversations.history", "conversations.replies")]
    assert searches and all(str(c.args.get("limit")) == "15" and c.args.get("oldest") for c in searches)


async def wait_idle(world: World, db: Path) -> None:
    """Until the bot's outbox has nothing pending or in flight (read beside it, WAL)."""
    store = Store.open(db)
    try:
        await eventually(lambda: not {"pending", "inflight"} & set(store.outbox.counts()), timeout=30)
    finally:
        store.close()


async def test_two_processes_on_one_database_deliver_once(world: World, tmp_path: Path) -> None:
    """A second replica serves commands but neither polls nor delivers; it takes over when the first dies."""
    slack, page = world.slack, world.statuspage
    channels = [slack.workspace.add_channel(f"oncall-{i}").id for i in range(CHANNELS)]
    subscribe_directly(tmp_path / "doctor.db", slack, channels)
    first = await start_bot(world, tmp_path, "http", **ENV)
    second = await start_bot(world, tmp_path, "http", **ENV, HEALTH_FILE=str(tmp_path / "second-health.json"))
    try:
        standby = await health_of(tmp_path / "second-health.json")
        assert standby.ok and standby.parts["lease"].detail.startswith("standby: ")
        # An admin asking the standby process is told which process delivers.
        slack.workspace.default_user.is_admin = True
        result = await second.driver.slash_command("subscriptions", via="http")
        (reply,) = await second.driver.wait_responses(result.response_url, n=1)
        assert first.process.proc is not None
        assert f"pid {first.process.proc.pid}) polls, probes and delivers" in json.dumps(reply.body)
        incident = page.open_incident("Elevated errors", impact="major", components=("Batch API",))
        await slack.wait_until(lambda: posted(slack, channels) >= CHANNELS, timeout=30)
        page.update_incident(incident, status="identified", body="Found the cause.")
        await slack.wait_until(lambda: posted(slack, channels) >= 2 * CHANNELS, timeout=30)
        # The holder dies without a word; the standby takes over once the lease has expired.
        assert await first.process.kill() != 0
        page.resolve_incident(incident, body="Fixed.")
        await slack.wait_until(lambda: posted(slack, channels) >= 3 * CHANNELS, timeout=30)
        await wait_idle(world, tmp_path / "doctor.db")
        took_over = "this process polls, probes and delivers alerts"
        await eventually(lambda: read_health(tmp_path / "second-health.json").parts["lease"].detail == took_over)
    finally:
        if first.process.proc is not None and first.process.proc.returncode is None:
            await first.process.kill()
        await stop_bot(second, world)
    assert_exactly_once(slack, channels, 3)
    standing_by = "standing by: another process polls, probes and delivers alerts"
    assert any(line.get("event") == standing_by for line in second.process.logs)


async def health_of(path: Path) -> HealthReport:
    """The bot's heartbeat file, once it has one."""
    await eventually(path.exists)
    return read_health(path)


async def eventually(condition: Callable[[], bool], *, timeout: float = 10.0) -> None:
    """Until `condition()` holds (files and the database have no notifications to wait on)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        assert loop.time() < deadline, "condition not reached in time"
        await asyncio.sleep(0.05)


def read_health(path: Path) -> HealthReport:
    data: Any = json.loads(path.read_text())
    return HealthReport.from_json(data)
