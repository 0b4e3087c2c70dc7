"""Text that comes from Slack, read as the plain words its reader sees."""

from __future__ import annotations

from bot.slack.incoming import plain_text


def test_slack_markup_becomes_readable_text() -> None:
    """Mentions, broadcasts, channels and links are read as what Slack shows, not as markup."""
    assert plain_text("hi <@U123|ana> and <@U456>") == "hi @ana and @U456"
    assert plain_text("<!channel> <!here> <!subteam^S1|@oncall>") == "@channel @here @oncall"
    assert plain_text("see <#C1|general> and <https://x.io|the docs> or <https://y.io>") == (
        "see #general and the docs or https://y.io"
    )


def test_escaping_is_undone_after_the_markup_is_read() -> None:
    """Entities become characters last, so text the user typed with `<` is never taken for markup."""
    assert plain_text("a &lt;b&gt; &amp; <@U1|ana>") == "a <b> & @ana"
    assert plain_text("&lt;!channel&gt;") == "<!channel>"
