"""The core's `Prose` as terminal text: no Slack syntax, playbooks named by the CLI command that prints them."""

from __future__ import annotations

from bot.prose import Prose, Span

__all__ = ["plain", "why_command"]


def why_command(topic: str) -> str:
    """The terminal command that prints a playbook."""
    return f"deepgram-doctor why {topic}"


def plain(prose: Prose | str) -> str:
    if isinstance(prose, str):
        return prose
    return "".join(_span(s) for s in prose)


def _span(span: Span) -> str:
    if span.style == "link" and span.url and span.url.startswith(("http://", "https://")):
        return f"{span.text} ({span.url})"
    if span.style == "topic":
        return why_command(span.text)
    return span.text
