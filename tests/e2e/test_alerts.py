"""Outage alerts through the real bot process: subscribe, the monitor, restarts and kill -9."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

from bot.store import Store
from tests.alerting import alerts, subscribe_directly
from tests.e2e.conftest import RunningBot, World, start_bot, stop_bot

FAST = {
    "STATUS_POLL_SECONDS": "0.2",
    "ALERT_HOLD_POLLS": "0",
    "ALERT_RECOVERY_GRACE_SECONDS": "0.5",
    "SLACK_HISTORY_INTERVAL_SECONDS": "0",
}


async def test_subscribe_list_unsubscribe_history(bot: RunningBot, world: World) -> None:
    """Subscribe confirms in the channel; subscriptions shows the filter and probe cost; unsubscribe stops it."""
    slack, channel = world.slack, world.slack.workspace.default_channel.id

    async def ask(text: str) -> dict[str, Any]:
        result = await bot.driver.slash_command(text, via=bot.transport)
        assert result.status == 200
        (reply,) = await bot.driver.wait_responses(result.response_url, n=1)
        return reply.body

    assert "Subscribed" in (await ask("subscribe streaming --min major"))["text"]
    assert any("subscribed this channel to Deepgram alerts" in m.text for m in slack.messages(channel))
    listing = json.dumps(await ask("subscriptions"))
    assert "`streaming`" in listing and "major and critical only" in listing and "Periodic probes are off" in listing
    bad = json.dumps(await ask("subscribe fluxx"))
    assert "I don't know the surface or component `fluxx`" in bad
    history = json.dumps(await ask("history"))
    assert "Pre-recorded (REST)" in history and "Recent Deepgram incidents" in history
    assert "Unsubscribed" in (await ask("unsubscribe"))["text"]
    assert "not subscribed" in json.dumps(await ask("subscriptions"))


async def test_monitor_alerts_and_survives_restart(world: World, tmp_path: Path) -> None:
    """A running bot alerts a subscribed channel; after a restart the update lands in the same thread, once."""
    slack, page = world.slack, world.statuspage
    channel = slack.workspace.add_channel("incidents").id
    subscribe_directly(tmp_path / "doctor.db", slack, [channel])
    bot = await start_bot(world, tmp_path, "http", **FAST)
    try:
        incident = page.open_incident("Elevated streaming errors", impact="major", components=("Streaming API",))
        await slack.wait_until(lambda: len(alerts(slack, channel)) == 1, timeout=10)
        await bot.process.stop()
        page.update_incident(incident, status="identified", body="Found the cause.")
        await bot.restart(world)
        await slack.wait_until(lambda: len(alerts(slack, channel)) == 2, timeout=10)
        page.resolve_incident(incident, body="Fixed.")
        await slack.wait_until(
            lambda: len(alerts(slack, channel)) == 3 and alerts(slack, channel)[0].text.startswith("Resolved:"),
            timeout=10,
        )
        root, update, resolution = alerts(slack, channel)
        assert root.thread_ts in (None, root.ts) and update.thread_ts == root.ts == resolution.thread_ts
        assert "Found the cause." in json.dumps(update.blocks) and root.text.startswith("Resolved:")
    finally:
        await stop_bot(bot, world)
    assert len(alerts(slack, channel)) == 3


async def test_kill_9_during_fan_out_delivers_exactly_once(world: World, tmp_path: Path) -> None:
    """SIGKILL while Slack holds the answers of accepted posts; after restart every channel has the alert once."""
    slack, page = world.slack, world.statuspage
    channels = [slack.workspace.add_channel(f"team-{i}").id for i in range(40)]
    subscribe_directly(tmp_path / "doctor.db", slack, channels)
    bot = await start_bot(world, tmp_path, "http", **FAST)
    # The first 20 posts are stored by Slack but their answers never reach the bot before it dies.
    slack.fail_next("chat.postMessage", hold_answer=30.0, count=20)
    page.open_incident("API errors", impact="major", components=("Batch API",))

    def accepted() -> int:
        return sum(len(alerts(slack, c)) for c in channels)

    await slack.wait_until(lambda: accepted() >= 20, timeout=10)
    assert await bot.process.kill() != 0
    await bot.restart(world)
    try:
        await slack.wait_until(lambda: all(len(alerts(slack, c)) >= 1 for c in channels), timeout=20)
        store = Store.open(tmp_path / "doctor.db")
        try:
            # The bot's database, read beside it (WAL): wait until its outbox has nothing left to do.
            for _ in range(200):
                counts = store.outbox.counts()
                if not counts.get("pending") and not counts.get("inflight"):
                    break
                await asyncio.sleep(0.05)
            assert counts == {"sent": len(channels)}, counts
        finally:
            store.close()
    finally:
        await stop_bot(bot, world)
    assert all(len(alerts(slack, c)) == 1 for c in channels), [len(alerts(slack, c)) for c in channels]
    # The 20 interrupted posts were found in the channels' history rather than posted again.
    assert sum(1 for call in slack.calls if call.method == "conversations.history") >= 20


async def test_subscribe_where_the_bot_is_not(bot: RunningBot, world: World) -> None:
    """A public channel is joined first; a private one the bot is not in gets invite instructions."""
    ws = world.slack.workspace
    public = ws.add_channel("outside", bot_member=False, members=[ws.default_user.id])
    private = ws.add_channel("secret", kind="private", bot_member=False, members=[ws.default_user.id])

    async def ask(channel: str) -> str:
        result = await bot.driver.slash_command("subscribe", channel=channel, via=bot.transport)
        (reply,) = await bot.driver.wait_responses(result.response_url, n=1)
        return json.dumps(reply.body)

    assert "Subscribed" in await ask(public.id)
    assert public.is_member(world.slack.bot_user_id)
    refused = await ask(private.id)
    assert "/invite @deepgram-doctor" in refused and "Subscribed" not in refused


async def test_admins_see_every_subscription(bot: RunningBot, world: World) -> None:
    """A workspace admin's `subscriptions` lists all channels; a member sees only this one."""
    ws = world.slack.workspace
    other = ws.add_channel("elsewhere", members=[ws.default_user.id])
    for channel in (ws.default_channel.id, other.id):
        result = await bot.driver.slash_command("subscribe", channel=channel, via=bot.transport)
        await bot.driver.wait_responses(result.response_url, n=1)

    async def listing() -> str:
        result = await bot.driver.slash_command("subscriptions", via=bot.transport)
        (reply,) = await bot.driver.wait_responses(result.response_url, n=1)
        return json.dumps(reply.body)

    assert "All subscriptions" not in await listing()
    ws.default_user.is_admin = True
    everything = await listing()
    assert "All subscriptions (2)" in everything and f"<#{other.id}>" in everything
    assert "this process polls, probes and delivers" in everything


async def test_subscribe_agent_gets_only_voice_agent_alerts(world: World, tmp_path: Path) -> None:
    """`/deepgram subscribe agent` in one channel, everything in another: a Voice Agent incident reaches
    both, a Batch API incident only the second."""
    slack, page = world.slack, world.statuspage
    agent_channel = slack.workspace.add_channel("voice-bots").id
    everything = slack.workspace.add_channel("all-alerts").id
    subscribe_directly(tmp_path / "doctor.db", slack, [everything])
    bot = await start_bot(world, tmp_path, "socket", **FAST)
    try:
        result = await bot.driver.slash_command("subscribe agent", channel=agent_channel, via=bot.transport)
        (reply,) = await bot.driver.wait_responses(result.response_url, n=1)
        assert "Subscribed" in reply.body["text"]
        page.open_incident("Voice Agent errors", impact="major", components=("Voice Agent API",))
        await slack.wait_until(
            lambda: len(alerts(slack, agent_channel)) == 1 and len(alerts(slack, everything)) == 1, timeout=10
        )
        page.open_incident("Batch API errors", impact="major", components=("Batch API",))
        await slack.wait_until(lambda: len(alerts(slack, everything)) == 2, timeout=10)
        # Routing is decided when the alert is queued: the outbox holds nothing else for the agent channel.
        store = Store.open(tmp_path / "doctor.db")
        try:
            queued = store.db.execute("SELECT COUNT(*) FROM outbox WHERE channel_id = ?", [agent_channel]).fetchone()
        finally:
            store.close()
        assert queued == (1,)
        (only,) = alerts(slack, agent_channel)
        assert "Voice Agent errors" in only.text
    finally:
        await stop_bot(bot, world)
