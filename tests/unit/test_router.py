"""The /deepgram router's pure parts: parsing, lookup, suggestions and the error boundary."""

from __future__ import annotations

import logging

import pytest

from bot.errors import UpstreamError
from bot.runtime.deps import Deps
from bot.slack.commands import CommandTable, Invocation, Subcommand
from bot.slack.kit import Reply
from handlers import SUBCOMMANDS
from handlers.router import dispatch, parse, split


async def _ok(inv: Invocation, deps: Deps) -> Reply:
    return Reply(text=f"ok {inv.args}")


async def _refuses(inv: Invocation, deps: Deps) -> Reply:
    raise UpstreamError("Deepgram did not answer in time. Try again in a minute.")


async def _crashes(inv: Invocation, deps: Deps) -> Reply:
    raise KeyError("internal_table_name with xoxb-1234-5678-secret")


TABLE = CommandTable(
    [
        Subcommand("status", "status", "Is it Deepgram or us?", _ok),
        Subcommand("check-key", "check-key [key]", "Check a key.", _ok, aliases=("key",)),
        Subcommand("broken", "broken", "Fails.", _refuses),
        Subcommand("crash", "crash", "Crashes.", _crashes),
    ]
)


def invocation(text: str, table: CommandTable = TABLE) -> Invocation:
    name, args = parse(text)
    return Invocation(name=name, args=args, user_id="U1", channel_id="C1", team_id="T1", table=table)


def test_parse_unescapes_and_splits() -> None:
    """Slack's &amp;/&lt;/&gt; escaping is undone; the name is lower-cased, the rest kept whole."""
    assert parse("  WHY   401 &amp; 403 ") == ("why", "401 & 403")
    assert parse("speak &lt;b&gt;hi&lt;/b&gt;") == ("speak", "<b>hi</b>")
    assert parse("") == ("", "")
    assert parse("   ") == ("", "")


async def test_empty_command_shows_help() -> None:
    """`/deepgram` with no text lists the subcommands."""
    reply = await dispatch(invocation(""), deps=None)  # type: ignore[arg-type]
    assert "/deepgram status" in reply.text and "/deepgram check-key [key]" in reply.text


async def test_alias_and_args() -> None:
    """Aliases reach their subcommand with the arguments untouched."""
    reply = await dispatch(invocation("KEY abc def"), deps=None)  # type: ignore[arg-type]
    assert reply.text == "ok abc def"


async def test_unknown_subcommand_suggests_closest() -> None:
    """A typo gets a "did you mean" with the closest name, plus the list."""
    reply = await dispatch(invocation("stauts"), deps=None)  # type: ignore[arg-type]
    assert "Did you mean `/deepgram status`?" in reply.text
    assert "/deepgram check-key [key]" in reply.text


async def test_unknown_subcommand_is_escaped() -> None:
    """What the user typed is echoed as Slack showed it, escaped, so it can't ping anyone: a broadcast
    Slack sent as `<!channel>` reads `@channel`; `<!channel>` typed as text comes back as that text."""
    reply = await dispatch(invocation("<!channel>"), deps=None)  # type: ignore[arg-type]
    assert "<!channel>" not in reply.text and "`@channel`" in reply.text
    assert reply.blocks and "<!channel>" not in str(reply.blocks)
    reply = await dispatch(invocation("&lt;!channel&gt;"), deps=None)  # type: ignore[arg-type]
    assert "<!channel>" not in reply.text and "&lt;!channel&gt;" in reply.text


def test_split_keeps_slack_markup_for_the_options_that_need_ids() -> None:
    """`args` is what the user sees; `raw_args` is Slack's text after the subcommand, markup intact."""
    text = "subscribe rest --mention <!subteam^S0ONCALL1|@on call> &amp; <https://x.io/a?b=1&amp;c=2>"
    name, args, raw = split(text)
    assert name == "subscribe"
    assert args == "rest --mention @on call & https://x.io/a?b=1&c=2"
    assert raw == "rest --mention <!subteam^S0ONCALL1|@on call> &amp; <https://x.io/a?b=1&amp;c=2>"
    assert split("<@U0ALICE01|alice smith> hi") == ("@alice smith", "hi", "hi")
    assert split("why <http://dpgr.am/net0001|dpgr.am/net0001> &amp;quot;") == (
        "why",
        "dpgr.am/net0001 &quot;",
        "<http://dpgr.am/net0001|dpgr.am/net0001> &amp;quot;",
    )


async def test_bot_error_message_is_shown() -> None:
    """A BotError's own user message is the reply."""
    reply = await dispatch(invocation("broken"), deps=None)  # type: ignore[arg-type]
    assert "Deepgram did not answer in time" in reply.text


async def test_crash_shows_correlation_id_not_exception(caplog: pytest.LogCaptureFixture) -> None:
    """An unexpected exception becomes a generic message with an id; the details go to the log only."""
    with caplog.at_level(logging.ERROR, logger="handlers.router"):
        reply = await dispatch(invocation("crash"), deps=None)  # type: ignore[arg-type]
    assert "internal_table_name" not in reply.text and "KeyError" not in reply.text and "xoxb" not in reply.text
    (record,) = caplog.records
    correlation_id = record.correlation_id  # type: ignore[attr-defined]
    assert f"`{correlation_id}`" in reply.text
    assert record.exc_info is not None


def test_table_rejects_duplicate_names() -> None:
    """Two subcommands cannot claim the same name or alias."""
    with pytest.raises(ValueError):
        CommandTable([Subcommand("a", "a", "x", _ok), Subcommand("b", "b", "y", _ok, aliases=("a",))])


async def test_real_table_has_help() -> None:
    """The shipped table answers `help` and its aliases."""
    for text in ("help", "?", "--help", "HELP"):
        reply = await dispatch(invocation(text, SUBCOMMANDS), deps=None)  # type: ignore[arg-type]
        assert "/deepgram help" in reply.text
