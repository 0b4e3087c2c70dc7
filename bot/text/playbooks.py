"""Playbooks for the terminal (`deepgram-doctor why`): the Markdown as written, with a title line."""

from __future__ import annotations

import re

from bot.playbooks import Library, Match, Playbook
from bot.text.prose import why_command

__all__ = ["no_match_text", "playbook_text", "topic_list_text"]


_SLACK_WHY = re.compile(r"/deepgram why ([\w.-]+)")


def playbook_text(playbook: Playbook) -> str:
    """The playbook's Markdown; pointers to other playbooks name the terminal command."""
    lines = [playbook.title, "=" * min(len(playbook.title), 80), playbook.summary, ""]
    for section in playbook.sections:
        lines += [section.title, "-" * len(section.title), section.body.strip(), ""]
    text = "\n".join(lines).rstrip() + "\n"
    return _SLACK_WHY.sub(lambda m: why_command(m.group(1)), text)


def topic_list_text(library: Library) -> str:
    lines = ["Troubleshooting topics:"]
    lines += [f"  {p.topic.value:<18} {p.title}" for p in library]
    lines.append(f"\nShow one with: {why_command('<topic>')}")
    return "\n".join(lines) + "\n"


def no_match_text(found: Match, library: Library) -> str:
    lines = [f"No playbook matches {found.query!r} with confidence."]
    if found.runner_ups:
        lines.append("Closest: " + ", ".join(f"{c.topic.value} ({library[c.topic].title})" for c in found.runner_ups))
    return "\n".join(lines) + "\n\n" + topic_list_text(library)
