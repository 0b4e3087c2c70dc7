"""The /deepgram command through the real bot process, over HTTP mode and Socket Mode."""

from __future__ import annotations

from tests.e2e.conftest import RunningBot


async def test_help_is_acked_fast_and_answered_via_response_url(bot: RunningBot) -> None:
    """`/deepgram help` is acknowledged inside Slack's 3 s window and the list arrives through response_url."""
    result = await bot.driver.slash_command("help", via=bot.transport)
    assert result.status == 200 and not result.timed_out
    (reply,) = await bot.driver.wait_responses(result.response_url, n=1)
    assert reply.body.get("response_type", "ephemeral") == "ephemeral"
    assert "/deepgram help" in reply.body["text"]
    assert any(block["type"] == "header" for block in reply.body["blocks"])


async def test_empty_command_shows_help(bot: RunningBot) -> None:
    """`/deepgram` alone answers with the command list."""
    result = await bot.driver.slash_command("", via=bot.transport)
    (reply,) = await bot.driver.wait_responses(result.response_url, n=1)
    assert "/deepgram help" in reply.body["text"]


async def test_unknown_subcommand_gets_a_suggestion(bot: RunningBot) -> None:
    """A typo is answered with the closest subcommand and the list."""
    result = await bot.driver.slash_command("hepl", via=bot.transport)
    (reply,) = await bot.driver.wait_responses(result.response_url, n=1)
    assert "Did you mean `/deepgram help`?" in reply.body["text"]


async def test_mentions_in_input_are_not_reposted_live(bot: RunningBot) -> None:
    """What the user typed is escaped, so `<!channel>` cannot ping anyone in the reply."""
    result = await bot.driver.slash_command("<!channel>", via=bot.transport)
    (reply,) = await bot.driver.wait_responses(result.response_url, n=1)
    assert "<!channel>" not in str(reply.body)
