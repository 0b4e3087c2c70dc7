"""The status report as Block Kit: a header verdict, a row per surface, incidents, buttons."""

from __future__ import annotations

from bot.probes import ProbeResult, Surface
from bot.slack.kit import MAX_BLOCKS, Block, clip, context, escape, header, mrkdwn, section, slack_date
from bot.status.report import StatusReport
from bot.statuspage.page import Incident
from bot.surfaces import SURFACES
from bot.units import format_ms

__all__ = [
    "COMPONENT_TEXT",
    "RERUN_ACTION",
    "SHARE_ACTION",
    "STATE_EMOJI",
    "probe_lines",
    "report_blocks",
    "report_fallback",
    "status_actions",
]

SHARE_ACTION = "status_share"
RERUN_ACTION = "status_rerun"
MAX_INCIDENTS = 5
MAX_MAINTENANCES = 3

_VERDICT_EMOJI = {
    "all_good": ":white_check_mark:",
    "maintenance": ":wrench:",
    "deepgram_incident": ":rotating_light:",
    "degraded_from_here": ":warning:",
    "key_rejected": ":closed_lock_with_key:",
    "no_credits": ":money_with_wings:",
    "rate_limited": ":hourglass_flowing_sand:",
    "no_key": ":grey_question:",
    "unknown": ":grey_question:",
}
STATE_EMOJI = {
    "ok": ":large_green_circle:",
    "degraded": ":large_yellow_circle:",
    "failed": ":red_circle:",
    "skipped": ":white_circle:",
}
COMPONENT_TEXT = {
    "operational": ":large_green_circle: Operational",
    "degraded_performance": ":large_yellow_circle: Degraded performance",
    "partial_outage": ":large_orange_circle: Partial outage",
    "major_outage": ":red_circle: Major outage",
    "under_maintenance": ":wrench: Under maintenance",
}


def _official_text(report: StatusReport, surface: Surface) -> str:
    component = report.components.get(surface)
    if component is None:
        if report.summary is None:
            return "Official: unavailable"
        return "Official: not listed"
    return "Official: " + COMPONENT_TEXT.get(component.status, escape(component.status))


def probe_lines(result: ProbeResult, *, title: str | None = None) -> str:
    """A probe's outcome in mrkdwn: state, summary, timings, what Deepgram said, the playbook, the request id."""
    named = f"*{escape(title)}*: " if title else ""
    parts = [f"{STATE_EMOJI[result.state]} {named}{escape(result.summary)}"]
    if result.elapsed_ms is not None and result.state != "skipped":
        parts[0] += f" · {format_ms(result.elapsed_ms)}"
        phases = result.phase_line()
        if phases:
            parts.append(f"_{phases}_")
    error = result.error
    if error and (error.code or error.message):
        said = " ".join(
            x for x in (error.code and f"`{escape(error.code)}`", error.message and escape(error.message)) if x
        )
        parts.append(f"Deepgram said: {clip(said, 400)}")
    if result.topic and result.state in ("failed", "degraded"):
        parts.append(f"Why: `/deepgram why {result.topic.value}`")
    if result.request_id and result.state != "ok":
        parts.append(f"Request id: `{escape(result.request_id)}`")
    return "\n".join(parts)


def _incident_text(incident: Incident) -> str:
    name = escape(incident.name)
    title = f"<{incident.shortlink}|{name}>" if incident.shortlink.startswith("http") else f"*{name}*"
    line = f"{title} · {escape(incident.impact)} impact · {escape(incident.status)}"
    if incident.began_at:
        line += f" · since {slack_date(incident.began_at)}"
    update = incident.latest_update
    if update and update.body:
        when = f" ({slack_date(update.display_at)})" if update.display_at else ""
        line += f"\n>{clip(escape(update.body), 600)}{when}"
    return line


def _maintenance_text(window: Incident) -> str:
    text = f"*{escape(window.name)}* · {escape(window.status.replace('_', ' '))}"
    if window.scheduled_for:
        text += f" · {slack_date(window.scheduled_for)}"
        if window.scheduled_until:
            text += f" – {slack_date(window.scheduled_until, '{time}')}"
    return text


def report_blocks(report: StatusReport) -> list[Block]:
    """The report as shown and as stored; the buttons are added by `status_actions()`."""
    verdict = report.verdict
    blocks: list[Block] = [
        header(f"{_VERDICT_EMOJI.get(verdict.kind, '')} {verdict.headline}".strip()),
        section(
            mrkdwn(verdict.explanation) + (f"\nMore: `/deepgram why {verdict.topic.value}`" if verdict.topic else "")
        ),
        {"type": "divider"},
    ]
    for spec in SURFACES:
        result = report.probes.results[spec.id]
        blocks.append(section(f"*{escape(spec.label)}*\n{_official_text(report, spec.id)}\n{probe_lines(result)}"))
    summary = report.summary
    if summary:
        matched = {c.id for c in report.components.values() if c}
        others = [c for c in summary.leaf_components if c.id not in matched]
        if others:
            lines = [f"{escape(c.name)}: {COMPONENT_TEXT.get(c.status, escape(c.status))}" for c in others]
            blocks.append(context(clip("Other components · " + " · ".join(lines), 2000)))
        incidents = summary.incidents[:MAX_INCIDENTS]
        if incidents:
            blocks.append(section("*Active incidents*\n" + "\n".join(_incident_text(i) for i in incidents)))
        windows = [m for m in summary.maintenances if m.status != "completed"][:MAX_MAINTENANCES]
        if windows:
            blocks.append(section("*Maintenance*\n" + "\n".join(_maintenance_text(m) for m in windows)))
    official = report.official
    source = f"<{report.status_url}|Deepgram status page>"
    if official.state == "error":
        source += f" could not be read ({escape(official.problem or 'error')})"
        if summary:
            source += "; showing the last good copy"
    blocks.append(
        context(
            f"{source} · checked {slack_date(report.checked_at)} · probes took {format_ms(report.probes.elapsed_ms)}"
        )
    )
    return blocks[: MAX_BLOCKS - 1]


def status_actions(run_id: int | None) -> Block:
    """ "Post to channel" and "Run again", carrying the stored run's id."""
    value = str(run_id) if run_id is not None else ""
    return {
        "type": "actions",
        "block_id": "status_actions",
        "elements": [
            {
                "type": "button",
                "action_id": SHARE_ACTION,
                "text": {"type": "plain_text", "text": "Post to channel"},
                "value": value,
            },
            {
                "type": "button",
                "action_id": RERUN_ACTION,
                "text": {"type": "plain_text", "text": "Run again"},
                "value": value,
            },
        ],
    }


def report_fallback(report: StatusReport) -> str:
    return escape(report.one_line())
