"""`/deepgram history` as Block Kit: the probes' uptime and latency per surface, their failures by
side (ours or Deepgram's), recent incidents, and the latency chart as an `image` block.

The chart is a file shared into the asker's DM with the bot (`bot.slack.images`); the block names it
by id (`slack_file`), which Slack shows only to people who can access the file: the asker. A note
under it says where the chart went, or why there is none.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.slack.kit import Block, Reply, clip, context, escape, section, slack_date
from bot.slack.views.progress import PROGRESS_BLOCK_ID
from bot.status.history import History, PastIncident
from bot.surfaces import SURFACES
from bot.units import format_duration

__all__ = [
    "CHART_COMING",
    "CHART_NOT_DRAWN",
    "CHART_SENT",
    "NO_CHART",
    "ChartImage",
    "chart_block",
    "chart_comment",
    "chart_not_sent",
    "history_reply",
]

#: An image block's `alt_text` and `title` take at most 2,000 characters.
MAX_ALT_TEXT = 2000

CHART_COMING = (
    ":hourglass_flowing_sand: Drawing the latency chart (24 h and 7 days): it will appear here, "
    "and in your direct messages with me."
)
CHART_SENT = (
    "Only you can see this chart: it is in your direct messages with me (Apps → Deepgram Doctor → Messages), "
    "to keep or to share from there."
)
NO_CHART = (
    "No latency chart yet: no probe ran in the last 7 days. `/deepgram status` runs the probes now; "
    "the monitor runs them every `PROBE_INTERVAL_SECONDS` when that is set."
)
CHART_NOT_DRAWN = (
    ":warning: I could not draw the latency chart this time; the numbers above are complete. "
    "Try `/deepgram history` again in a minute; if it keeps failing, tell the admin who runs me."
)


def chart_not_sent(reason: str) -> str:
    """The chart was drawn but could not be shared; `reason` is mrkdwn safe to show (an `UpstreamError`'s)."""
    return (
        f":warning: I drew the latency chart but could not send it to you: {reason} "
        "The numbers above are complete; try `/deepgram history` again in a minute."
    )


def chart_comment(user_id: str) -> str:
    """The comment on the chart in the asker's DM."""
    return f"<@{user_id}>, here is the latency chart you asked for with `/deepgram history`."


@dataclass(frozen=True)
class ChartImage:
    """An uploaded chart the asker can see: its file id, alt text (plain) and title."""

    file_id: str
    alt_text: str
    title: str


def chart_block(chart: ChartImage) -> Block:
    """An `image` block naming the uploaded file by id (exactly one of `id` or `url`, never both)."""
    return {
        "type": "image",
        "slack_file": {"id": chart.file_id},
        "alt_text": clip(chart.alt_text, MAX_ALT_TEXT),
        "title": {"type": "plain_text", "text": clip(chart.title, MAX_ALT_TEXT), "emoji": False},
    }


def _incident_line(incident: PastIncident) -> str:
    name = escape(incident.name)
    link = incident.link or ""
    title = f"<{link}|{name}>" if link.startswith("http") else f"*{name}*"
    when = slack_date(incident.started_at) if incident.started_at else "start unknown"
    if incident.started_at and incident.resolved_at:
        state = f"lasted {format_duration((incident.resolved_at - incident.started_at).total_seconds())}"
    else:
        state = "resolved" if incident.resolved_at else "ongoing"
    return f"• {title} · {escape(incident.impact or 'unknown')} · {when} · {state}"


def history_reply(
    history: History, *, chart: ChartImage | None = None, note: str | None = None, interim: bool = False
) -> Reply:
    """The history as text, then the chart when there is one, and `note` (mrkdwn): where it went, or why not.

    `interim`: a reply the next one replaces (the chart is being drawn); its note carries
    `PROGRESS_BLOCK_ID`, as a partial status report does, so a client can tell it from the answer."""
    rows = [
        f"*{escape(spec.label)}*\n"
        + "\n".join(f"{label}: {stats.words()}" for label, stats in history.surfaces[spec.id].items())
        for spec in SURFACES
    ]
    lines = [_incident_line(i) for i in history.incidents]
    failures = [f"{label}: {counts.words()}" for label, counts in history.failures.items()]
    blocks = [
        section("*Own probes* (from the bot's network, with your key)\n\n" + "\n\n".join(rows)),
        section(
            "*Failed probes, by whose side the cause was on*\n"
            + ("\n".join(failures) if failures else "No probe runs stored yet.")
        ),
        section("*Recent Deepgram incidents*\n" + ("\n".join(lines) if lines else "None seen by the monitor yet.")),
    ]
    if chart is not None:
        blocks.append(chart_block(chart))
    if note:
        blocks.append({**context(note), "block_id": PROGRESS_BLOCK_ID} if interim else context(note))
    blocks.append(
        context(
            "Probe runs come from `/deepgram status` and the monitor's periodic probes; incidents from the "
            "status page as the monitor saw them."
        )
    )
    return Reply(text="Deepgram history: probe uptime and recent incidents", blocks=blocks)
