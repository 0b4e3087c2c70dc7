"""The status report: official status + probes + verdict, and the ways it is shown.

`build_report()` is pure. The report renders as Block Kit for Slack, as plain text for the
terminal and as JSON for scripts; all three come from the same data so they cannot disagree.
Anything that came from Deepgram or the status page is escaped before it goes into mrkdwn.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.blocks import MAX_BLOCKS, clip, context, escape, header, section, unescape
from bot.commands import Block
from bot.probes import SURFACES, ProbeResult, ProbeRun, Surface
from bot.statuspage import Component, Incident, Summary, SummaryFetch
from bot.verdict import SURFACE_LABELS, Verdict, decide, match_surfaces

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
_STATE_EMOJI = {
    "ok": ":large_green_circle:",
    "degraded": ":large_yellow_circle:",
    "failed": ":red_circle:",
    "skipped": ":white_circle:",
}
_COMPONENT_TEXT = {
    "operational": ":large_green_circle: Operational",
    "degraded_performance": ":large_yellow_circle: Degraded performance",
    "partial_outage": ":large_orange_circle: Partial outage",
    "major_outage": ":red_circle: Major outage",
    "under_maintenance": ":wrench: Under maintenance",
}


@dataclass(frozen=True)
class StatusReport:
    checked_at: datetime
    official: SummaryFetch
    probes: ProbeRun
    verdict: Verdict
    components: Mapping[Surface, Component | None]
    status_url: str

    @property
    def summary(self) -> Summary | None:
        return self.official.summary


def build_report(
    official: SummaryFetch, probes: ProbeRun, *, key_configured: bool, checked_at: datetime, status_url: str
) -> StatusReport:
    summary = official.summary
    verdict = decide(summary, probes.results, key_configured=key_configured)
    return StatusReport(checked_at, official, probes, verdict, match_surfaces(summary), status_url)


# -- Slack ---------------------------------------------------------------------------------------


def slack_date(moment: datetime, fmt: str = "{date_short_pretty} {time}") -> str:
    """A `<!date^…>` token: each reader sees the time in their own time zone."""
    fallback = moment.strftime("%Y-%m-%d %H:%M UTC")
    return f"<!date^{int(moment.timestamp())}^{fmt}|{fallback}>"


def _official_text(report: StatusReport, surface: Surface) -> str:
    component = report.components.get(surface)
    if component is None:
        if report.summary is None:
            return "Official: unavailable"
        return "Official: not listed"
    return "Official: " + _COMPONENT_TEXT.get(component.status, escape(component.status))


# Phase timings in the order they happen, with the words a reader knows them by.
_PHASES = (
    ("connect_ms", "connect"),
    ("tls_ms", "TLS"),
    ("ttfb_ms", "first byte"),
    ("handshake_ms", "handshake"),
    ("first_result_ms", "first result"),
    ("final_ms", "final"),
)


def phase_line(result: ProbeResult) -> str:
    """`connect 12 ms · TLS 40 ms · first byte 320 ms`: network time vs Deepgram's time."""
    return " · ".join(f"{label} {_duration(result.timings[key])}" for key, label in _PHASES if key in result.timings)


def _probe_text(result: ProbeResult) -> str:
    parts = [f"{_STATE_EMOJI[result.state]} {escape(result.summary)}"]
    if result.elapsed_ms is not None and result.state != "skipped":
        parts[0] += f" · {_duration(result.elapsed_ms)}"
        phases = phase_line(result)
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


def _duration(ms: float) -> str:
    return f"{ms:.0f} ms" if ms < 1000 else f"{ms / 1000:.1f} s"


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


def report_blocks(report: StatusReport, *, run_id: int | None = None, interactive: bool = True) -> list[Block]:
    verdict = report.verdict
    blocks: list[Block] = [
        header(f"{_VERDICT_EMOJI.get(verdict.kind, '')} {verdict.headline}".strip()),
        section(verdict.explanation + (f"\nMore: `/deepgram why {verdict.topic.value}`" if verdict.topic else "")),
        {"type": "divider"},
    ]
    for surface in SURFACES:
        result = report.probes.results[surface]
        blocks.append(section(f"*{SURFACE_LABELS[surface]}*\n{_official_text(report, surface)}\n{_probe_text(result)}"))
    summary = report.summary
    if summary:
        matched = {c.id for c in report.components.values() if c}
        others = [c for c in summary.leaf_components if c.id not in matched]
        if others:
            lines = [f"{escape(c.name)}: {_COMPONENT_TEXT.get(c.status, escape(c.status))}" for c in others]
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
            f"{source} · checked {slack_date(report.checked_at)} · probes took {_duration(report.probes.elapsed_ms)}"
        )
    )
    if interactive:
        value = str(run_id) if run_id is not None else ""
        blocks.append(
            {
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
        )
    return blocks[:MAX_BLOCKS]


def report_fallback(report: StatusReport) -> str:
    states = ", ".join(f"{SURFACE_LABELS[s]}: {report.probes.results[s].state}" for s in SURFACES)
    return f"{report.verdict.headline}. {states}."


# -- terminal and JSON ---------------------------------------------------------------------------


def report_text(report: StatusReport) -> str:
    lines = [report.verdict.headline, unescape(report.verdict.explanation.replace("`", "").replace("*", "")), ""]
    for surface in SURFACES:
        result = report.probes.results[surface]
        component = report.components.get(surface)
        official = (
            component.status.replace("_", " ")
            if component
            else ("unavailable" if report.summary is None else "not listed")
        )
        took = (
            f" ({_duration(result.elapsed_ms)})" if result.elapsed_ms is not None and result.state != "skipped" else ""
        )
        lines.append(f"{SURFACE_LABELS[surface]:<24} official: {official:<22} probe: {result.state}{took}")
        lines.append(f"{'':<24} {result.summary}")
        if phase_line(result):
            lines.append(f"{'':<24} {phase_line(result)}")
        if result.error and (result.error.code or result.error.message):
            said = " ".join(x for x in (result.error.code, result.error.message) if x)
            lines.append(f"{'':<24} Deepgram said: {said}")
        if result.topic and result.state in ("failed", "degraded"):
            lines.append(f"{'':<24} see: /deepgram why {result.topic.value}")
    if report.summary:
        for incident in report.summary.incidents:
            lines.append(f"Incident: {incident.name} ({incident.impact}, {incident.status}) {incident.shortlink}")
        for window in report.summary.maintenances:
            when = window.scheduled_for.isoformat() if window.scheduled_for else ""
            lines.append(f"Maintenance: {window.name} ({window.status}) {when}")
    if report.official.state == "error":
        lines.append(f"Status page: {report.official.problem}")
    return "\n".join(lines)


def report_json(report: StatusReport) -> dict[str, Any]:
    summary = report.summary
    return {
        "checked_at": report.checked_at.isoformat(),
        "verdict": {
            "kind": report.verdict.kind,
            "healthy": report.verdict.healthy,
            "headline": report.verdict.headline,
            "explanation": report.verdict.explanation,
            "topic": report.verdict.topic.value if report.verdict.topic else None,
        },
        "official": {
            "state": report.official.state,
            "problem": report.official.problem,
            "indicator": summary.indicator if summary else None,
            "description": summary.description if summary else None,
            "components": {s: (c.status if c else None) for s, c in report.components.items()},
            "incidents": [
                {"id": i.id, "name": i.name, "status": i.status, "impact": i.impact, "shortlink": i.shortlink}
                for i in (summary.incidents if summary else ())
            ],
        },
        "probes": {
            surface: {
                "state": r.state,
                "summary": r.summary,
                "topic": r.topic.value if r.topic else None,
                "elapsed_ms": r.elapsed_ms,
                "timings": dict(r.timings),
                "http_status": r.http_status,
                "close_code": r.close_code,
                "error_code": r.error.code if r.error else None,
                "error_message": r.error.message if r.error else None,
                "request_id": r.request_id,
            }
            for surface, r in report.probes.results.items()
        },
        "probes_elapsed_ms": report.probes.elapsed_ms,
    }
