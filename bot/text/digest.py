"""The weekly digest for the terminal (`deepgram-doctor digest`): the same parts as the Slack message."""

from __future__ import annotations

from bot.digest import Digest, IncidentSummary
from bot.digest.words import (
    balance_words,
    cost_words,
    failure_lines,
    incident_state,
    latency_words,
    page_words,
    period_title,
    period_words,
    uptime_words,
)
from bot.prose import drop_invisible
from bot.text.prose import why_command

__all__ = ["digest_text"]


def digest_text(digest: Digest) -> str:
    """The digest as plain text, one part per paragraph."""
    title = f"Deepgram weekly digest · {period_title(digest.period)}"
    parts = [
        [title, "=" * len(title), f"Covers {period_words(digest.period)}."],
        ["Deepgram incidents", *_incidents(digest)],
        ["Uptime: our probes, and what Deepgram's status page reported", *_uptime(digest)],
        ["Latency of the runs that worked, this week and last", *_latency(digest)],
        [
            f"Failed probe runs: {digest.failures.total:,} of {digest.runs:,}, by cause",
            *_indent(failure_lines(digest.failures)),
        ],
        ["What the probes cost", f"  {cost_words(digest.cost)}"],
        ["Balance", *_balances(digest)],
        ["Most asked troubleshooting topics (counts only)", *_topics(digest)],
    ]
    return "\n\n".join("\n".join(lines) for lines in parts) + "\n"


def _indent(lines: list[str]) -> list[str]:
    return [f"  {line}" for line in lines]


def _clean(text: str) -> str:
    """Text from a remote service, safe for a terminal: control characters (escape sequences) dropped."""
    return " ".join(drop_invisible(text).split())


def _incident(incident: IncidentSummary) -> str:
    when = incident.started_at.strftime("%Y-%m-%d %H:%M UTC") if incident.started_at else "start unknown"
    components = f" · {', '.join(incident.components)}" if incident.components else ""
    line = f"{incident.name} · {incident.impact or 'unknown impact'} · {when} · {incident_state(incident)}{components}"
    link = f"\n    {_clean(incident.link)}" if incident.link else ""
    return f"  - {_clean(line)}{link}"


def _incidents(digest: Digest) -> list[str]:
    if not digest.incidents:
        return ["  None on Deepgram's status page this week."]
    lines = [_incident(i) for i in digest.incidents]
    if digest.unattributed_incidents:
        lines.append(f"  ({digest.unattributed_incidents} named no component, so no surface below counts them.)")
    return lines


def _width(digest: Digest) -> int:
    return max((len(s.label) for s in digest.surfaces), default=0)


def _uptime(digest: Digest) -> list[str]:
    width = _width(digest)
    lines = [f"  {s.label:<{width}}  {uptime_words(s)} · status page: {page_words(s)}" for s in digest.surfaces]
    return lines or ["  No probe ran this week."]


def _latency(digest: Digest) -> list[str]:
    width = _width(digest)
    return [f"  {s.label:<{width}}  {latency_words(s)}" for s in digest.surfaces] or ["  No probe ran this week."]


def _balances(digest: Digest) -> list[str]:
    if not digest.balances:
        return ["  Unknown: no balance was read this week (DEEPGRAM_API_KEY needs a role that can see billing)."]
    return [f"  {_clean(b.project_name or b.project_id)}: {balance_words(b)}" for b in digest.balances]


def _topics(digest: Digest) -> list[str]:
    if not digest.topics:
        return ["  No playbook was asked for this week."]
    lines = [f"  {t.count:>5,}  {t.title} ({why_command(t.topic)})" for t in digest.topics]
    return [*lines, f"  {digest.asks:>5,}  in all"]
