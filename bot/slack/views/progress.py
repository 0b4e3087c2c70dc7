"""A status check under way, as Block Kit: the official status as last read, a row per surface.

The first reply to `/deepgram status` (and the next one, when some probes have finished): each
surface shows its result once its probe is done and ":hourglass_flowing_sand: probing…" until then.
The finished report (`bot.slack.views.status`) replaces it.
"""

from __future__ import annotations

from bot.slack.kit import MAX_BLOCKS, Block, Reply, clip, context, escape, header, mrkdwn, section
from bot.slack.views.status import probe_lines
from bot.status.progress import PartialReport
from bot.statuspage.model import Incident
from bot.surfaces import SURFACES
from bot.units import format_duration

__all__ = ["PROBING", "PROGRESS_BLOCK_ID", "progress_blocks", "progress_reply", "reused_note"]

PROBING = ":hourglass_flowing_sand: probing…"
#: The header of a partial report carries this block id: whoever reads the response_url's posts (the
#: sandbox, tests) can tell a partial report, which another post will replace, from the last answer.
PROGRESS_BLOCK_ID = "status_progress"
MAX_INCIDENTS = 3
_INDICATOR_EMOJI = {
    "none": ":large_green_circle:",
    "minor": ":large_yellow_circle:",
    "major": ":large_orange_circle:",
    "critical": ":red_circle:",
    "maintenance": ":wrench:",
}


def _official_line(partial: PartialReport) -> str:
    source = f"<{partial.status_url}|Deepgram status page>"
    summary = partial.summary
    if summary is None:
        return f"{source}: not read yet, reading it now"
    emoji = _INDICATOR_EMOJI.get(summary.indicator, ":grey_question:")
    description = escape(summary.description or summary.indicator)
    age = partial.official_age_s
    when = f" (read {format_duration(age)} ago)" if age is not None else ""
    return f"{source}{when}: {emoji} {description}"


def _incident_line(incident: Incident) -> str:
    name = escape(incident.name)
    title = f"<{incident.shortlink}|{name}>" if incident.shortlink.startswith("http") else f"*{name}*"
    return f"{title} · {escape(incident.impact)} impact · {escape(incident.status)}"


def _headline(partial: PartialReport) -> tuple[str, str]:
    total = len(partial.done) + len(partial.pending)
    count = f"{len(partial.done)} of {total} probes done"
    verdict = partial.verdict
    if verdict is None:
        return "Checking Deepgram…", f"No problem so far: {count}, the rest still probing."
    more = f"\nMore: `/deepgram why {verdict.topic.value}`" if verdict.topic else ""
    return f"{verdict.headline} (so far)", f"{mrkdwn(verdict.explanation)}{more}\n_{count}, the rest still probing._"


def progress_blocks(partial: PartialReport) -> list[Block]:
    title, explanation = _headline(partial)
    blocks: list[Block] = [
        {**header(f":hourglass_flowing_sand: {title}"), "block_id": PROGRESS_BLOCK_ID},
        section(explanation),
    ]
    lines = [_official_line(partial)]
    summary = partial.summary
    if summary and summary.incidents:
        lines += [_incident_line(i) for i in summary.incidents[:MAX_INCIDENTS]]
    blocks += [context(clip("\n".join(lines), 2000)), {"type": "divider"}]
    for spec in SURFACES:
        result = partial.done.get(spec.id)
        row = probe_lines(result) if result is not None else PROBING
        blocks.append(section(f"*{escape(spec.label)}*\n{row}"))
    blocks.append(context("Updating as the probes finish; the full report replaces this message."))
    return blocks[:MAX_BLOCKS]


def progress_reply(partial: PartialReport) -> Reply:
    """The partial report, ephemeral: only the asker sees it, and only until the report replaces it."""
    return Reply(text=escape(partial.one_line()), blocks=progress_blocks(partial))


def reused_note(age_s: float) -> str:
    """Said above a report handed out again because it had just been made (STATUS_FRESH_SECONDS)."""
    return (
        f":recycle: From a check that finished {format_duration(age_s)} ago (shared, to spare Deepgram requests). "
        "*Run again* for a fresh one."
    )
