"""Events through the real bot: DMs answered in thread once, App Home published, self-echo ignored."""

from __future__ import annotations

from simworld.slack import FakeSlack
from tests.e2e.conftest import RunningBot


async def test_dm_is_answered_in_thread_once_despite_retries(bot: RunningBot, slack: FakeSlack) -> None:
    """A DM gets one threaded reply even when Slack redelivers the same event."""
    user = slack.workspace.default_user
    first = await bot.driver.message_im("my websocket closes after ten seconds", via=bot.transport)
    assert first.status == 200
    dm = slack.workspace.app_dm(user.id)
    assert dm is not None

    def bot_replies() -> list[object]:
        return [m for m in slack.messages(dm.id) if m.bot_id and m.thread_ts]

    await slack.wait_until(lambda: len(bot_replies()) == 1)
    retry = await bot.driver.redeliver(first)
    assert retry.status == 200
    # A later, different DM is answered too: so by the time it is, the retry was handled (and dropped).
    second = await bot.driver.message_im("hello again", via=bot.transport)
    assert second.status == 200
    await slack.wait_until(lambda: len(bot_replies()) == 2)
    replies = bot_replies()
    assert {m.thread_ts for m in replies} == {first.payload["event"]["ts"], second.payload["event"]["ts"]}
    # The question gets its playbook (NET-0001, the idle timeout); small talk gets a greeting.
    answers = {m.thread_ts: m.text for m in replies}
    assert answers[first.payload["event"]["ts"]].startswith("NET-0001")
    assert answers[second.payload["event"]["ts"]].startswith("Hi!")
    # Stop the bot only once Slack's echoes of those replies were acknowledged (no ack in flight).
    await slack.wait_until(lambda: len(slack.deliveries) >= 2 and all(d.status for d in slack.deliveries))


async def test_app_home_is_published(bot: RunningBot, slack: FakeSlack) -> None:
    """Opening the Home tab publishes a view listing the commands."""
    user = slack.workspace.default_user
    result = await bot.driver.app_home_opened(user.id, via=bot.transport)
    assert result.status == 200
    await slack.wait_until(lambda: user.id in slack.workspace.home_views)
    view = slack.workspace.home_views[user.id]
    assert "/deepgram help" in str(view)
    assert "none yet" in str(view)  # no subscription yet


async def test_app_home_shows_latest_verdict_and_subscriptions(bot: RunningBot, slack: FakeSlack) -> None:
    """After a status check and a subscription, the Home tab shows the verdict and the channel."""
    status = await bot.driver.slash_command("status", via=bot.transport)
    # The partial report comes first; the run is stored once the finished report (with buttons) is out.
    await slack.wait_until(
        lambda: any(
            any(b.get("type") == "actions" for b in r.blocks or [])
            for r in slack.responses
            if r.url == status.response_url
        ),
        15,
    )
    subscribe = await bot.driver.slash_command("subscribe", via=bot.transport)
    await bot.driver.wait_responses(subscribe.response_url, n=1)
    user = slack.workspace.default_user
    await bot.driver.app_home_opened(user.id, via=bot.transport)
    await slack.wait_until(lambda: user.id in slack.workspace.home_views)
    view = str(slack.workspace.home_views[user.id])
    assert "All good" in view and "<!date^" in view
    assert f"<#{slack.workspace.default_channel.id}>" in view
