"""What a person typed, shown back in Slack: escaped, masked, one line, clipped; the core's prose too."""

from __future__ import annotations

from bot.prose import Prose
from bot.slack.kit import mrkdwn, user_text
from bot.slack.views.help import error_reply

KEY = "3f8a1c9e2b7d4f6a8c0e1b3d5f7a9c2e4b6d8f1e"


def test_markup_is_escaped() -> None:
    assert user_text("<!channel> <@U1|boss> <https://evil|click> a & b") == (
        "&lt;!channel&gt; &lt;@U1|boss&gt; &lt;https://evil|click&gt; a &amp; b"
    )


def test_credentials_are_masked_before_clipping() -> None:
    assert user_text(f"Token {KEY} fails") == "Token …8f1e fails"
    assert user_text(KEY + " and more", 12) == "…8f1e and m…"
    assert KEY[:16] not in user_text(KEY, 30)


def test_control_characters_lines_and_backticks() -> None:
    text = "bell\x07 esc\x1b[0m rtl\u202eevil\u202c zero\u200bwidth\r\nnext `code`"
    assert user_text(text) == "bell esc [0m rtl evil zero width next \u2019code\u2019"


def test_long_text_is_clipped() -> None:
    shown = user_text("<!channel> " * 1000, 50)
    assert len(shown.replace("&lt;", "<").replace("&gt;", ">")) == 50 and shown.endswith("…")


def test_the_cores_prose_is_masked_and_cleaned_too() -> None:
    """A voice name or a pasted error in the core's `Prose` reaches Slack escaped, masked, visible."""
    prose = Prose.of("I don't know the voice `{voice}`.", voice=f"<!here>{KEY}\u202e\x07")
    assert mrkdwn(prose) == "I don't know the voice `&lt;!here&gt;…8f1e`."


def test_error_messages_never_show_a_credential() -> None:
    reply = error_reply(f"Slack said `{KEY}`")
    assert KEY not in str(reply) and "…8f1e" in reply.text
