"""The weekly digest as a Slack message: a header, one section per part, a context line.

Every value that came from elsewhere (incident names and links from the status page, project names from
Deepgram) is escaped; the topic list carries counts and playbook titles only, never a person or a
question. Each section stays within Slack's 3,000 characters by listing whole lines and saying how many
were left out, rather than cutting a line (and its markup) in half. The chart is not part of this
message: it is posted into the digest's thread.
"""

from __future__ import annotations

from collections.abc import Sequence

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
from bot.slack.kit import MAX_SECTION_TEXT, Block, context, escape, header, section, slack_date, user_text, why_command

__all__ = ["digest_message"]

#: Room kept in a section for the "… and N more" line.
_MORE_ROOM = 60


def digest_message(digest: Digest) -> tuple[str, list[Block]]:
    """The fallback text (notifications, screen readers) and the blocks of one digest."""
    title = f"Deepgram weekly digest · {period_title(digest.period)}"
    blocks = [
        header(title),
        section(_lines("*Deepgram incidents*", _incident_lines(digest))),
        section(_lines("*Uptime: our probes, and what Deepgram's status page reported*", _uptime_lines(digest))),
        section(_lines("*Latency of the runs that worked, this week and last*", _latency_lines(digest))),
        section(_lines(_failures_head(digest), failure_lines(digest.failures))),
        section(_lines("*What the probes cost*", [cost_words(digest.cost)])),
        section(_lines("*Balance*", _balance_lines(digest))),
        section(_lines("*Most asked troubleshooting topics*", _topic_lines(digest))),
        context(
            f"Covers {escape(period_words(digest.period))}. Uptime and latency come from the bot's own probes "
            "with your key; incidents from Deepgram's status page as the monitor saw it. Topics are counted "
            "per playbook only: no names, no questions."
        ),
    ]
    return _fallback(digest, title), blocks


def _fallback(digest: Digest, title: str) -> str:
    incidents = len(digest.incidents)
    failed = digest.failures.total
    return (
        f"{title}: {incidents} Deepgram incident{'s' if incidents != 1 else ''}, "
        f"{failed:,} failed probe run{'s' if failed != 1 else ''} of {digest.runs:,}."
    )


def _lines(head: str, lines: Sequence[str]) -> str:
    """`head` and as many whole `lines` as fit in a section, then how many did not."""
    text = head
    for shown, line in enumerate(lines):
        if len(text) + 1 + len(line) > MAX_SECTION_TEXT - _MORE_ROOM:
            return f"{text}\n… and {len(lines) - shown} more"
        text += "\n" + line
    return text


def _incident_line(incident: IncidentSummary) -> str:
    name = user_text(incident.name, 150)
    link = incident.link or ""
    title = f"<{escape(link)}|{name}>" if link.startswith(("https://", "http://")) and "|" not in link else f"*{name}*"
    when = slack_date(incident.started_at) if incident.started_at else "start unknown"
    impact = user_text(incident.impact or "unknown impact", 30)
    components = f" · {user_text(', '.join(incident.components), 200)}" if incident.components else ""
    return f"• {title} · {impact} · {when} · {incident_state(incident)}{components}"


def _incident_lines(digest: Digest) -> list[str]:
    if not digest.incidents:
        return ["None on Deepgram's status page this week."]
    lines = [_incident_line(i) for i in digest.incidents]
    if digest.unattributed_incidents:
        n = digest.unattributed_incidents
        lines.append(f"_{n} of them named no component, so no surface below counts {'them' if n != 1 else 'it'}._")
    return lines


def _uptime_lines(digest: Digest) -> list[str]:
    if not digest.surfaces:
        return ["No probe ran this week."]
    return [f"*{escape(s.label)}*: {uptime_words(s)} · status page: {page_words(s)}" for s in digest.surfaces]


def _latency_lines(digest: Digest) -> list[str]:
    return [f"*{escape(s.label)}*: {escape(latency_words(s))}" for s in digest.surfaces] or ["No probe ran this week."]


def _failures_head(digest: Digest) -> str:
    return f"*Failed probe runs: {digest.failures.total:,} of {digest.runs:,}, by cause*"


def _balance_lines(digest: Digest) -> list[str]:
    if not digest.balances:
        return [
            "Unknown: no balance was read this week (the monitor reads it with `DEEPGRAM_API_KEY`, "
            "which needs a role that can see billing; invoiced projects have no prepaid balance)."
        ]
    return [f"• *{user_text(b.project_name or b.project_id, 80)}*: {escape(balance_words(b))}" for b in digest.balances]


def _topic_lines(digest: Digest) -> list[str]:
    if not digest.topics:
        return ["No playbook was asked for this week."]
    lines = [f"• {escape(t.title)} (`{why_command(t.topic)}`): {t.count:,}" for t in digest.topics]
    lines.append(f"{digest.asks:,} playbook answer{'s' if digest.asks != 1 else ''} in all.")
    return lines
