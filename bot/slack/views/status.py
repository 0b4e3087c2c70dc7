"""The status report as Block Kit: a header verdict, a row per surface (official state, its verdict, the
probe), other components, incidents, buttons."""

from __future__ import annotations

from bot.probes import ProbeResult, Surface
from bot.slack.kit import MAX_BLOCKS, Block, clip, context, escape, header, mrkdwn, section, slack_date
from bot.status.official import SurfaceStatus
from bot.status.report import StatusReport
from bot.status.table import SurfaceVerdict
from bot.statuspage.model import Component, Incident
from bot.surfaces import SURFACES
from bot.units import format_ms

__all__ = [
    "COMPONENT_TEXT",
    "RERUN_ACTION",
    "SHARE_ACTION",
    "STATE_EMOJI",
    "SURFACE_EMOJI",
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
    "informational": ":information_source:",
    "deepgram_confirmed": ":rotating_light:",
    "early_warning": ":warning:",
    "slow_from_here": ":hourglass_flowing_sand:",
    "deepgram_incident": ":rotating_light:",
    "reported_still_works": ":mag:",
    "provider_problem": ":large_blue_circle:",
    "key_rejected": ":closed_lock_with_key:",
    "no_credits": ":money_with_wings:",
    "rate_limited": ":hourglass_flowing_sand:",
    "network_problem": ":no_entry:",
    "request_problem": ":x:",
    "no_key": ":grey_question:",
    "unknown": ":grey_question:",
}
#: A surface's own verdict (`bot.status.table.SurfaceKind`).
SURFACE_EMOJI = {
    "ours": ":x:",
    "confirmed": ":rotating_light:",
    "early_warning": ":warning:",
    "slow": ":hourglass_flowing_sand:",
    "reported": ":rotating_light:",
    "reported_still_works": ":mag:",
    "provider": ":large_blue_circle:",
    "maintenance": ":wrench:",
    "informational": ":information_source:",
    "works": ":white_check_mark:",
    "not_probed": ":white_circle:",
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


def _component_text(component: Component) -> str:
    return COMPONENT_TEXT.get(component.status, escape(component.status))


def _official_text(report: StatusReport, surface: Surface) -> str:
    """`Official: <worst own component> · <a provider behind it: status> · <incidents, windows>`, by id."""
    page = report.page
    status: SurfaceStatus | None = page.surfaces.get(surface) if page else None
    if page is None or status is None:
        return "Official: unavailable" if report.summary is None else "Official: not listed"
    parts = [_component_text(max(status.components, key=lambda c: c.severity))] if status.components else []
    parts += [f"{escape(p.party.label)}: {_component_text(p.component)}" for p in status.providers]
    parts += [f"*{escape(i.name)}*" for i in (*status.incidents, *page.general)][:MAX_INCIDENTS]
    parts += [f"_{escape(m.name)}_" for m in status.maintenances][:MAX_MAINTENANCES]
    if not status.matched:
        parts.insert(0, "not listed")
    return "Official: " + " · ".join(parts)


def _verdict_line(verdict: SurfaceVerdict | None) -> str:
    if verdict is None:
        return ""
    return f"{SURFACE_EMOJI.get(verdict.kind, '')} {mrkdwn(verdict.line)}\n"


# Complexity: a list of optional lines (timings, Deepgram's words, the playbook, the request id).
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
        result = report.probes.results.get(spec.id)
        if result is None:
            continue
        said = _official_text(report, spec.id)
        line = _verdict_line(report.verdict.surfaces.get(spec.id))
        blocks.append(section(f"*{escape(spec.label)}*\n{said}\n{line}{probe_lines(result)}"))
    blocks += _region_blocks(report)
    blocks += _page_blocks(report)
    blocks.append(_source_block(report))
    return blocks[: MAX_BLOCKS - 1]


def _region_blocks(report: StatusReport) -> list[Block]:
    """A row per surface probed on each extra region (`DEEPGRAM_REGION_URLS`)."""
    return [
        section(f"*{escape(spec.label)} · {escape(host)}*\n{probe_lines(regional)}")
        for host, results in report.probes.regions.items()
        for spec in SURFACES
        if (regional := results.get(spec.id)) is not None
    ]


def _page_blocks(report: StatusReport) -> list[Block]:
    """Components no surface claims, active incidents and maintenance, from the status page."""
    summary = report.summary
    if not summary:
        return []
    blocks: list[Block] = []
    others = report.page.other.components if report.page else ()
    if others:
        lines = [f"{escape(c.name)}: {_component_text(c)}" for c in others]
        blocks.append(context(clip("Other components · " + " · ".join(lines), 2000)))
    incidents = summary.incidents[:MAX_INCIDENTS]
    if incidents:
        blocks.append(section("*Active incidents*\n" + "\n".join(_incident_text(i) for i in incidents)))
    windows = [m for m in summary.maintenances if m.status != "completed"][:MAX_MAINTENANCES]
    if windows:
        blocks.append(section("*Maintenance*\n" + "\n".join(_maintenance_text(m) for m in windows)))
    return blocks


def _source_block(report: StatusReport) -> Block:
    """Where the official status came from, whether it could be read, and when the check ran."""
    official = report.official
    source = f"<{report.status_url}|Deepgram status page>"
    if official.state == "error":
        source += f" could not be read ({escape(official.problem or 'error')})"
        if report.summary:
            source += "; showing the last good copy"
    took = format_ms(report.probes.elapsed_ms)
    return context(f"{source} · checked {slack_date(report.checked_at)} · probes took {took}")


def status_actions(run_id: int | None, *, share: bool = True) -> Block:
    """ "Post to channel" (only for a stored run) and "Run again", carrying the stored run's id."""
    value = str(run_id) if run_id is not None else ""
    share_button = {
        "type": "button",
        "action_id": SHARE_ACTION,
        "text": {"type": "plain_text", "text": "Post to channel"},
        "value": value,
    }
    again = {
        "type": "button",
        "action_id": RERUN_ACTION,
        "text": {"type": "plain_text", "text": "Run again"},
        "value": value,
    }
    return {"type": "actions", "block_id": "status_actions", "elements": [share_button, again] if share else [again]}


def report_fallback(report: StatusReport) -> str:
    return escape(report.one_line())
