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


async def test_app_home_is_published(bot: RunningBot, slack: FakeSlack) -> None:
    """Opening the Home tab publishes a view listing the commands."""
    user = slack.workspace.default_user
    result = await bot.driver.app_home_opened(user.id, via=bot.transport)
    assert result.status == 200
    await slack.wait_until(lambda: user.id in slack.workspace.home_views)
    view = slack.workspace.home_views[user.id]
    assert "/deepgram help" in str(view)
