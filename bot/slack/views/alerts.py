"""Alert messages: the thread's root (posted once, then edited to show the current state) and the
replies that carry each update. Pure; times are `<!date^…>` tokens so each reader sees local time.
"""

from __future__ import annotations

from datetime import datetime

from bot.alerts.changes import CLOSING, Event
from bot.slack.kit import Block, clip, context, escape, section, slack_date
from bot.statuspage.page import parse_time

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


def duration(started: str | None, ended: str | None) -> str | None:
    """`42 min`, `3 h 05 min`, or None when either end is unknown."""
    start, end = parse_time(started), parse_time(ended)
    if start is None or end is None:
        return None
    minutes = max(0, round((end - start).total_seconds() / 60))
    if minutes < 60:
        return f"{minutes} min"
    return f"{minutes // 60} h {minutes % 60:02d} min"


def _when(moment: str | None) -> str | None:
    parsed = parse_time(moment)
    return slack_date(parsed) if parsed else None


def _title(event: Event) -> str:
    name = escape(event.title)
    return f"<{event.link}|{name}>" if event.link and event.link.startswith("http") else name


def _state_line(event: Event) -> str:
    family = event.thread.split(":", 1)[0]
    if event.kind in CLOSING:
        lasted = duration(event.started_at, event.ended_at)
        verb = "Completed" if family == "maintenance" else "Resolved"
        return f":white_check_mark: *{verb}*" + (f", lasted {lasted}" if lasted else "")
    status = escape(event.status.replace("_", " "))
    return f"{_OPEN_EMOJI.get(family, ':warning:')} *{status.capitalize()}*"


def root_message(event: Event) -> tuple[str, list[Block]]:
    """The thread's first message, or its edited form showing the state after `event`."""
    lines = [f"{_state_line(event)} · *{_title(event)}*"]
    details = []
    if event.impact and event.impact != "none":
        details.append(f"Impact: {escape(event.impact)}")
    if event.component_names:
        details.append("Affects: " + escape(", ".join(event.component_names)))
    started = _when(event.started_at)
    if started:
        label = "Window" if event.thread.startswith("maintenance:") else "Since"
        details.append(f"{label}: {started}")
    ended = _when(event.ended_at)
    if ended:
        details.append(f"{'Until' if event.thread.startswith('maintenance:') else 'Ended'}: {ended}")
    if details:
        lines.append(" · ".join(details))
    if event.body:
        lines.append(">" + clip(escape(event.body), 1500).replace("\n", "\n>"))
    blocks = [section("\n".join(lines)), context(_SOURCE[event.source] + " Updates follow in this thread.")]
    text = f"{event.title}: {event.status.replace('_', ' ')}"
    if event.kind in CLOSING:
        lasted = duration(event.started_at, event.ended_at)
        text = f"Resolved: {event.title}" + (f" (lasted {lasted})" if lasted else "")
    return text, blocks


def reply_message(event: Event, *, at: datetime) -> tuple[str, list[Block]]:
    """One update in the thread."""
    head = _state_line(event)
    body = f"\n{clip(escape(event.body), 2500)}" if event.body else ""
    blocks = [section(f"{head} · {slack_date(at)}{body}")]
    return f"{event.title}: {event.status.replace('_', ' ')}", blocks
