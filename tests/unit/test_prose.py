"""Prose: markup read from templates only, values never parsed, rendered per target."""

from __future__ import annotations

from bot.prose import Prose, code, link, see
from bot.slack.kit import mrkdwn
from bot.text.prose import plain
from bot.topics import Topic


def test_values_are_never_markup() -> None:
    """A value holding backticks, stars or Slack control characters stays text, in its span's style."""
    prose = Prose.of("Send `Authorization: {scheme} <key>` to *{name}*.", scheme="Token", name="<!channel> *x* `y`")
    assert mrkdwn(prose) == "Send `Authorization: Token &lt;key&gt;` to *&lt;!channel&gt; *x* `y`*."
    assert plain(prose) == "Send Authorization: Token <key> to <!channel> *x* `y`."
    assert str(prose) == plain(prose)


def test_topics_and_links_per_target() -> None:
    prose = Prose.of("See {topic} or {page}.", topic=see(Topic.CREDITS), page=link("the docs", "https://x.test/a"))
    assert mrkdwn(prose) == "See `/deepgram why credits` or <https://x.test/a|the docs>."
    assert plain(prose) == "See deepgram-doctor why credits or the docs (https://x.test/a)."
    assert prose.topics == (Topic.CREDITS,)


def test_joining_keeps_one_span_per_style() -> None:
    joined = Prose.join([Prose((code("a"),)), Prose((code("b"),))], "")
    assert joined.spans == (code("ab"),)
    assert mrkdwn(Prose.plain("x") + " & y") == "x &amp; y"
    assert not Prose() and Prose.plain("z")
