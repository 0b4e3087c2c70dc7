"""The Block Kit kit: `Block`, `Reply`, escaping, `Prose` as mrkdwn, date tokens, block builders.

Slack treats `&`, `<` and `>` as control characters; anything that came from a user or a
remote service goes through `escape()` before it is put in mrkdwn, so `<!channel>` typed by a
user can never become a live mention in our reply. `mrkdwn()` does that for every span of the
core's `Prose`, and `user_text()` for what a person typed: escaped, on one line, clipped, and with
anything shaped like a credential (`bot.credentials`) masked to its last 4 characters.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.credentials import mask_credentials
from bot.prose import Prose, Span, clip, drop_invisible

__all__ = [
    "MAX_BLOCKS",
    "MAX_ECHO_CHARS",
    "MAX_HEADER_TEXT",
    "MAX_SECTION_TEXT",
    "Block",
    "Reply",
    "clip",
    "context",
    "escape",
    "header",
    "mrkdwn",
    "section",
    "slack_date",
    "unescape",
    "user_text",
    "why_command",
]

Block = dict[str, Any]


@dataclass(frozen=True)
class Reply:
    """What a subcommand wants shown: fallback text, optional Block Kit, and who sees it."""

    text: str
    blocks: list[Block] | None = None
    in_channel: bool = False


# Block Kit limits (slack.md §7).
MAX_BLOCKS = 50
MAX_SECTION_TEXT = 3000
MAX_HEADER_TEXT = 150


def escape(text: str) -> str:
    """Escape Slack's three control characters (and nothing else)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


#: How much of a person's text a reply quotes back, unless the caller says otherwise.
MAX_ECHO_CHARS = 100


def _shown(text: str) -> str:
    """`text` with credentials masked (`…abcd`) and invisible characters dropped, not yet escaped."""
    return drop_invisible(mask_credentials(text))


def user_text(text: str, limit: int = MAX_ECHO_CHARS) -> str:
    """Text someone else wrote (a command's argument, a pasted error, a name from a remote service),
    safe to show back in mrkdwn: credentials masked to `…abcd`, control characters dropped, on one
    line, clipped to `limit`, backticks made `’` (so it cannot leave a code span) and `&`, `<`, `>`
    escaped, so `<!channel>`, `<@U…>` or `<https://…|label>` stay inert text."""
    one_line = " ".join(drop_invisible(mask_credentials(text), " ").split())
    return escape(clip(one_line, limit).replace("`", "\u2019"))


def unescape(text: str) -> str:
    """Undo Slack's escaping of incoming text (`&amp;` last, so `&amp;lt;` stays `&lt;`)."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def header(text: str) -> Block:
    return {
        "type": "header",
        "text": {"type": "plain_text", "text": clip(text, MAX_HEADER_TEXT), "emoji": True},
    }


def section(mrkdwn: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": clip(mrkdwn, MAX_SECTION_TEXT)}}


def context(*mrkdwn: str) -> Block:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": clip(t, 2000)} for t in mrkdwn[:10]]}


def slack_date(moment: datetime, fmt: str = "{date_short_pretty} {time}") -> str:
    """A `<!date^…>` token: each reader sees the time in their own time zone."""
    fallback = moment.strftime("%Y-%m-%d %H:%M UTC")
    return f"<!date^{int(moment.timestamp())}^{fmt}|{fallback}>"


def why_command(topic: str) -> str:
    """The command that opens a playbook: `/deepgram why <topic>`."""
    return f"/deepgram why {topic}"


def mrkdwn(prose: Prose | str) -> str:
    """The core's prose as escaped mrkdwn: code in backticks, names in bold, links, playbook commands."""
    if isinstance(prose, str):
        return escape(_shown(prose))
    return "".join(_span(s) for s in prose)


def _span(span: Span) -> str:
    # A value in the core's prose may be what a user typed (a voice name, a pasted error).
    text = escape(_shown(span.text))
    if span.style == "code":
        return f"`{text.replace('`', chr(0x2019))}`" if text else ""
    if span.style == "strong":
        return f"*{text}*" if text.strip() else text
    if span.style == "link":
        url = span.url or ""
        return f"<{escape(mask_credentials(url))}|{text}>" if url.startswith(("http://", "https://")) else text
    if span.style == "topic":
        return f"`{why_command(text)}`"
    return text
