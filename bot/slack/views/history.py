"""`/deepgram history` as Block Kit: the probes' uptime and latency per surface, their failures by
side (ours or Deepgram's), recent incidents."""

from __future__ import annotations

from bot.slack.kit import Reply, context, escape, section, slack_date
from bot.status.history import FailureCauses, History, PastIncident, SurfaceStats
from bot.surfaces import SURFACES
from bot.units import format_duration

__all__ = ["history_reply"]


def _stats_text(stats: SurfaceStats) -> str:
    if not stats.runs:
        return "no runs"
    uptime = f"{stats.uptime * 100:.1f}%" if stats.uptime is not None else "n/a"
    p50 = f"{stats.p50_ms:.0f}" if stats.p50_ms is not None else "–"
    p95 = f"{stats.p95_ms:.0f}" if stats.p95_ms is not None else "–"
    runs = f"{stats.runs} run{'s' if stats.runs != 1 else ''}"
    return f"{uptime} up over {runs} · p50 {p50} ms · p95 {p95} ms"


def _failures_text(failures: FailureCauses) -> str:
    if not failures.total:
        return "no failures"
    parts = [f"our side {failures.ours}", f"Deepgram's side {failures.theirs}"]
    if failures.other:
        parts.append(f"slow, wrong output or a provider {failures.other}")
    if failures.unclassified:
        parts.append(f"not classified {failures.unclassified}")
    return " · ".join(parts)


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


def history_reply(history: History) -> Reply:
    rows = [
        f"*{escape(spec.label)}*\n"
        + "\n".join(f"{label}: {_stats_text(stats)}" for label, stats in history.surfaces[spec.id].items())
        for spec in SURFACES
    ]
    lines = [_incident_line(i) for i in history.incidents]
    failures = [f"{label}: {_failures_text(counts)}" for label, counts in history.failures.items()]
    blocks = [
        section("*Own probes* (from the bot's network, with your key)\n\n" + "\n\n".join(rows)),
        section(
            "*Failed probes, by whose side the cause was on*\n"
            + ("\n".join(failures) if failures else "No probe runs stored yet.")
        ),
        section("*Recent Deepgram incidents*\n" + ("\n".join(lines) if lines else "None seen by the monitor yet.")),
        context(
            "Probe runs come from `/deepgram status` and the monitor's periodic probes; incidents from the "
            "status page as the monitor saw them."
        ),
    ]
    return Reply(text="Deepgram history: probe uptime and recent incidents", blocks=blocks)
