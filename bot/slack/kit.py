"""The Block Kit kit: `Block`, `Reply`, escaping, `Prose` as mrkdwn, date tokens, block builders.

Slack treats `&`, `<` and `>` as control characters; anything that came from a user or a
remote service goes through `escape()` before it is put in mrkdwn, so `<!channel>` typed by a
user can never become a live mention in our reply. `mrkdwn()` does that for every span of the
core's `Prose`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.prose import Prose, Span, clip

__all__ = [
    "MAX_BLOCKS",
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
        return escape(prose)
    return "".join(_span(s) for s in prose)


def _span(span: Span) -> str:
    text = escape(span.text)
    if span.style == "code":
        return f"`{text.replace('`', chr(0x2019))}`" if text else ""
    if span.style == "strong":
        return f"*{text}*" if text.strip() else text
    if span.style == "link":
        url = span.url or ""
        return f"<{escape(url)}|{text}>" if url.startswith(("http://", "https://")) else text
    if span.style == "topic":
        return f"`{why_command(text)}`"
    return text
