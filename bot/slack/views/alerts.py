"""Alert messages: the thread's root (posted once, then edited to show the current state) and the
replies that carry each update. Pure; times are `<!date^…>` tokens so each reader sees local time.
"""

from __future__ import annotations

from datetime import datetime

from bot.alerts import CLOSING, Event
from bot.prose import Prose, Span
from bot.slack.kit import Block, clip, context, escape, mrkdwn, section, slack_date
from bot.units import format_duration, parse_time

__all__ = ["reply_message", "root_message"]

_OPEN_EMOJI = {
    "incident": ":rotating_light:",
    "component": ":large_orange_circle:",
    "maintenance": ":wrench:",
    "probe": ":warning:",
    "balance": ":money_with_wings:",
}
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
    """The event's words, escaped, then a pointer to the playbook of its topic (`/deepgram why …`)."""
    pointer = mrkdwn(Prose.of("See {topic}.", topic=Span(event.topic, "topic"))) if event.topic else ""
    return " ".join(part for part in (escape(event.body or ""), pointer) if part)


def _state_line(event: Event) -> str:
    if event.kind in CLOSING:
        lasted = _lasted(event)
        verb = "Completed" if event.family == "maintenance" else "Resolved"
        return f":white_check_mark: *{verb}*" + (f", lasted {lasted}" if lasted else "")
    status = escape(event.status.replace("_", " "))
    return f"{_OPEN_EMOJI[event.family]} *{status.capitalize()}*"


def _details(event: Event) -> list[str]:
    """Impact, components and times: a maintenance shows its window, anything else since / ended."""
    window = event.family == "maintenance"
    details = []
    if event.impact and event.impact != "none":
        details.append(f"Impact: {escape(event.impact)}")
    if event.component_names:
        details.append("Affects: " + escape(", ".join(event.component_names)))
    if started := _when(event.started_at):
        details.append(f"{'Window' if window else 'Since'}: {started}")
    if ended := _when(event.ended_at):
        details.append(f"{'Until' if window else 'Ended'}: {ended}")
    return details


def root_message(event: Event) -> tuple[str, list[Block]]:
    """The thread's first message, or its edited form showing the state after `event`."""
    lines = [f"{_state_line(event)} · *{_title(event)}*"]
    if details := _details(event):
        lines.append(" · ".join(details))
    if body := _body(event):
        lines.append(">" + clip(body, 1500).replace("\n", "\n>"))
    blocks = [section("\n".join(lines)), context(_SOURCE[event.source] + " Updates follow in this thread.")]
    text = f"{event.title}: {event.status.replace('_', ' ')}"
    if event.kind in CLOSING:
        lasted = _lasted(event)
        text = f"Resolved: {event.title}" + (f" (lasted {lasted})" if lasted else "")
    return text, blocks


def reply_message(event: Event, *, at: datetime) -> tuple[str, list[Block]]:
    """One update in the thread."""
    head = _state_line(event)
    body = _body(event)
    blocks = [section(f"{head} · {slack_date(at)}" + (f"\n{clip(body, 2500)}" if body else ""))]
    return f"{event.title}: {event.status.replace('_', ' ')}", blocks
