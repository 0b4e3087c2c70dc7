"""`/deepgram speak` in Slack: the voice list and the comment on the shared MP3."""

from __future__ import annotations

from bot.slack.kit import escape
from bot.slack.views.speak import share_comment, voices_blocks
from bot.speak.service import Speech
from bot.speak.text import prepare_text
from bot.speak.voices import BUILTIN_VOICES, VoiceCatalog


def test_voice_list_blocks_group_by_family_and_language() -> None:
    """The list has one section per family and language, Aura-2 English first with the default leading."""
    blocks = voices_blocks(VoiceCatalog(BUILTIN_VOICES, live=False, note="this key cannot read it (HTTP 403)"))
    sections = [b["text"]["text"] for b in blocks if b["type"] == "section"]
    assert sections[0].startswith("*Aura-2 · English* (") and "`aura-2-thalia-en`" in sections[0].split(":", 1)[1][:25]
    assert any(s.startswith("*Aura-1 · English* (12)") for s in sections)
    footer = blocks[-1]["elements"][0]["text"]
    assert "Built-in list" in footer and "HTTP 403" in footer
    assert len(blocks) <= 50 and all(len(s) <= 3000 for s in sections)


def test_share_comment_escapes_markup_in_the_excerpt() -> None:
    """Who asked is a real mention; anything from the text is escaped, so no mention or link goes live."""
    speak = prepare_text("Deploy <b>now</b> & tell <https://evil.example|everyone>", "aura-2-thalia-en")
    comment = share_comment("U123", Speech(speak, b""))
    assert comment.startswith(":speaking_head_in_silhouette: <@U123> asked")
    assert "&lt;b&gt;now&lt;/b&gt; &amp; tell" in comment
    assert "<b>" not in comment and "<https://evil" not in comment
    assert "`aura-2-thalia-en`" in comment and "deepgram.com/pricing" in comment
    assert escape("<!channel>") == "&lt;!channel&gt;"
