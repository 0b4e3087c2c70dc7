"""Starting the real console script: bad configuration is reported whole, with exit status 2."""

from __future__ import annotations

from simworld.botproc import run_to_exit


async def test_bad_configuration_exits_2_listing_every_problem() -> None:
    """Every invalid variable is named in one report, with no traceback and no secret echoed."""
    env = {
        "SLACK_BOT_TOKEN": "xoxp-a-user-token-not-a-bot-token",
        "SLACK_APP_TOKEN": "not-an-app-token",
        "DEEPGRAM_API_URL": "ftp://api.deepgram.com",
        "STATUS_POLL_SECONDS": "soon",
        "PORT": "70000",
    }
    status, output = await run_to_exit(env, "serve")
    assert status == 2
    for name in env:
        assert name in output
    assert "5 problem(s)" in output
    assert "Traceback" not in output
    assert "xoxp-a-user-token-not-a-bot-token" not in output


async def test_missing_everything_exits_2() -> None:
    """With no environment at all the bot says which variables it needs."""
    status, output = await run_to_exit({}, "serve")
    assert status == 2
    assert "SLACK_BOT_TOKEN is required" in output
    assert "SLACK_SIGNING_SECRET is required in HTTP mode" in output
    assert "Traceback" not in output


async def test_http_flag_requires_signing_secret_even_with_app_token() -> None:
    """`serve --http` forces HTTP mode, which cannot run without a signing secret."""
    env = {"SLACK_BOT_TOKEN": "xoxb-1-2-abc", "SLACK_APP_TOKEN": "xapp-1-A1-2-abc"}
    status, output = await run_to_exit(env, "serve", "--http")
    assert status == 2 and "SLACK_SIGNING_SECRET" in output
