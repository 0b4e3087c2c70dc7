"""`deepgram-doctor history` in a terminal: the probes' uptime and latency, failures by side, incidents.

The same `bot.status.history.History` the Slack view shows, as plain text; times in UTC.
"""

from __future__ import annotations

from bot.status.history import History, PastIncident
from bot.surfaces import SURFACES
from bot.units import format_duration

__all__ = ["chart_written_text", "history_text", "no_chart_text"]


def history_text(history: History) -> str:
    lines = ["Own probes (from the bot's network, with its key)"]
    for spec in SURFACES:
        lines.append(f"  {spec.label}")
        lines += [f"    {label}: {stats.words()}" for label, stats in history.surfaces[spec.id].items()]
    lines += ["", "Failed probes, by whose side the cause was on"]
    failures = [f"  {label}: {counts.words()}" for label, counts in history.failures.items()]
    lines += failures or ["  No probe runs stored yet."]
    lines += ["", "Recent Deepgram incidents"]
    lines += [f"  - {_incident(i)}" for i in history.incidents] or ["  None seen by the monitor yet."]
    return "\n".join(lines)


def _incident(incident: PastIncident) -> str:
    when = incident.started_at.strftime("%Y-%m-%d %H:%M UTC") if incident.started_at else "start unknown"
    if incident.started_at and incident.resolved_at:
        state = f"lasted {format_duration((incident.resolved_at - incident.started_at).total_seconds())}"
    else:
        state = "resolved" if incident.resolved_at else "ongoing"
    parts = [incident.name, incident.impact or "unknown impact", when, state]
    if incident.link:
        parts.append(incident.link)
    return " · ".join(parts)


def chart_written_text(path: str, title: str, size: int) -> str:
    return f"Wrote {path}: {title} ({size / 1000:,.0f} kB PNG)."


def no_chart_text(days: int) -> str:
    return f"no chart written: no probe ran in the last {days} days (run `deepgram-doctor status` or start the bot)."
