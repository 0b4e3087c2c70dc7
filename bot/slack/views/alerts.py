"""Alert messages: the thread's root (posted once, then edited to show the current state) and the
replies that carry each update. Pure; times are `<!date^…>` tokens so each reader sees local time.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime

from bot.alerts import CLOSING, Event, EventKind
from bot.prose import Prose, Span
from bot.slack.kit import Block, clip, context, escape, mrkdwn, section, slack_date
from bot.surfaces import third_party
from bot.units import format_duration, parse_time

__all__ = ["mention_markup", "reply_message", "root_message"]

#: Slack IDs a subscription may mention: a user (`U…`, or `W…` on Enterprise Grid) or a user group (`S…`).
_USER_ID = re.compile(r"[UW][A-Z0-9]{2,20}")
_GROUP_ID = re.compile(r"S[A-Z0-9]{2,20}")

_OPEN_EMOJI = {
    "incident": ":rotating_light:",
    "component": ":large_orange_circle:",
    "maintenance": ":wrench:",
    "probe": ":warning:",
    "balance": ":money_with_wings:",
}
#: How each closing kind closes its thread: emoji, verb, and whether "lasted N" means anything.
_CLOSED: Mapping[EventKind, tuple[str, str, bool]] = {
    "incident_removed": (":wastebasket:", "Removed from the status page", False),
    "maintenance_completed": (":white_check_mark:", "Completed", True),
    "maintenance_cancelled": (":no_entry_sign:", "Cancelled or removed", False),
    "maintenance_removed": (":wastebasket:", "Removed from the status page", False),
}
_RESOLVED = (":white_check_mark:", "Resolved", True)
#: What the page did not say, told where it matters: a disappearance is not a resolution.
_NOTES: Mapping[EventKind, str] = {
    "incident_removed": (
        "Deepgram took this incident off its status page without marking it resolved, so whether the "
        "problem is over is not known. Check the status page, and your own traffic, if you were affected."
    ),
    "maintenance_cancelled": "This maintenance left Deepgram's status page before it started: most likely cancelled.",
    "maintenance_removed": (
        "This maintenance left Deepgram's status page while under way, without being marked completed."
    ),
}
#: Statuspage's statuses in plain words: degraded performance is slow, not down.
_STATUS_WORDS = {"degraded_performance": "Slow (degraded performance)"}
_SOURCE = {
    "statuspage": "From Deepgram's status page.",
    "probes": "From Deepgram Doctor's own probes with your key, not from Deepgram's status page.",
    "balance": "From your Deepgram project's balance, checked with the configured key.",
}


def _lasted(event: Event) -> str | None:
    """How long the story lasted (`42 min`, `3 h 05 min`), or None when either end is unknown."""
    start, end = parse_time(event.started_at), parse_time(event.ended_at)
    if start is None or end is None:
        return None
    return format_duration(max(0.0, (end - start).total_seconds()))


def _when(moment: str | None) -> str | None:
    parsed = parse_time(moment)
    return slack_date(parsed) if parsed else None


def _title(event: Event) -> str:
    name = escape(event.title)
    return f"<{event.link}|{name}>" if event.link and event.link.startswith("http") else name


def _body(event: Event) -> str:
    """The kind's own note, the event's words, escaped, then a pointer to the playbook of its topic."""
    pointer = mrkdwn(Prose.of("See {topic}.", topic=Span(event.topic, "topic"))) if event.topic else ""
    parts = (_NOTES.get(event.kind, ""), escape(event.body or ""), pointer)
    return " ".join(part for part in parts if part)


def _closed(event: Event) -> tuple[str, str, bool]:
    return _CLOSED.get(event.kind, _RESOLVED)


def _state_line(event: Event) -> str:
    if event.kind in CLOSING:
        emoji, verb, timed = _closed(event)
        lasted = _lasted(event) if timed else None
        return f"{emoji} *{verb}*" + (f", lasted {lasted}" if lasted else "")
    status = _STATUS_WORDS.get(event.status) or escape(event.status.replace("_", " ")).capitalize()
    return f"{_OPEN_EMOJI[event.family]} *{status}*"


def _component(name: str) -> str:
    """A component's name; a third party's says whose it is ("… (a provider behind the Voice Agent)")."""
    party = third_party("", name)
    return f"{name} ({party.label})" if party else name


def _details(event: Event) -> list[str]:
    """Impact, components and times: a maintenance shows its window, anything else since / ended."""
    window = event.family == "maintenance"
    details = []
    if event.impact == "none" and event.family == "incident":
        details.append("Impact: none (information, not an outage)")
    elif event.impact:
        details.append(f"Impact: {escape(event.impact)}")
    if event.component_names:
        details.append("Affects: " + escape(", ".join(_component(n) for n in event.component_names)))
    if started := _when(event.started_at):
        details.append(f"{'Window' if window else 'Since'}: {started}")
    if ended := _when(event.ended_at):
        details.append(f"{'Until' if window else 'Ended'}: {ended}")
    return details


def mention_markup(mention: str | None) -> str:
    """Slack's mention syntax for a subscription's stored ID: `<@U123>` for a person, `<!subteam^S123>` for
    a user group; "" for None or anything that is not such an ID (never markup built from other text)."""
    if mention and _USER_ID.fullmatch(mention):
        return f"<@{mention}>"
    if mention and _GROUP_ID.fullmatch(mention):
        return f"<!subteam^{mention}>"
    return ""


def _mentioning(mention: str | None, text: str) -> str:
    """`text` led by the mention, when there is one: it notifies only at the start of a root or a reply."""
    markup = mention_markup(mention)
    return f"{markup} {text}" if markup else text


def root_message(event: Event, *, mention: str | None = None) -> tuple[str, list[Block]]:
    """The thread's first message, or its edited form showing the state after `event`.

    `mention` (a subscription's `U…`/`W…`/`S…` ID, decided when the alert was queued: the row's
    `event["mention"]`) leads the text and the first block. Edits of the root (`chat.update`) pass none:
    the post notified once; an edit must not risk pinging again for a later state."""
    lines = [_mentioning(mention, f"{_state_line(event)} · *{_title(event)}*")]
    if details := _details(event):
        lines.append(" · ".join(details))
    if body := _body(event):
        lines.append(">" + clip(body, 1500).replace("\n", "\n>"))
    blocks = [section("\n".join(lines)), context(_SOURCE[event.source] + " Updates follow in this thread.")]
    text = f"{event.title}: {event.status.replace('_', ' ')}"
    if event.kind in CLOSING:
        _, verb, timed = _closed(event)
        lasted = _lasted(event) if timed else None
        text = f"{verb}: {event.title}" + (f" (lasted {lasted})" if lasted else "")
    return _mentioning(mention, text), blocks


def reply_message(event: Event, *, at: datetime, mention: str | None = None) -> tuple[str, list[Block]]:
    """One update in the thread; `mention` on the resolution of a story that mentioned, or on the update
    that took a story past the channel's `--mention-min` (`bot.alerts.routing.deliveries` decides)."""
    head = _mentioning(mention, _state_line(event))
    body = _body(event)
    blocks = [section(f"{head} · {slack_date(at)}" + (f"\n{clip(body, 2500)}" if body else ""))]
    return _mentioning(mention, f"{event.title}: {event.status.replace('_', ' ')}"), blocks
