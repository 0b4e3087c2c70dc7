"""`/deepgram history`: recent Deepgram incidents and the own probes' uptime and latency."""

from __future__ import annotations

from datetime import timedelta

from bot.probes import SURFACES
from bot.runtime.deps import Deps
from bot.slack.commands import Invocation, Subcommand
from bot.slack.kit import Reply, context, escape, section, slack_date
from bot.slack.views.alerts import duration
from bot.status.history import SurfaceStats, surface_stats
from bot.status.verdict import SURFACE_LABELS
from bot.statuspage.page import parse_time

WINDOWS = (("24 h", timedelta(hours=24)), ("7 days", timedelta(days=7)))


def _stats_text(stats: SurfaceStats) -> str:
    if not stats.runs:
        return "no runs"
    uptime = f"{stats.uptime * 100:.1f}%" if stats.uptime is not None else "n/a"
    p50 = f"{stats.p50_ms:.0f}" if stats.p50_ms is not None else "–"
    p95 = f"{stats.p95_ms:.0f}" if stats.p95_ms is not None else "–"
    return f"{uptime} up of {stats.runs} runs · p50 {p50} ms · p95 {p95} ms"


async def run(invocation: Invocation, deps: Deps) -> Reply:
    now = deps.clock()
    rows = []
    for surface in SURFACES:
        parts = [
            f"{label}: {_stats_text(surface_stats(deps.store.probe_results_since(surface, (now - span).timestamp())))}"
            for label, span in WINDOWS
        ]
        rows.append(f"*{SURFACE_LABELS[surface]}*\n" + "\n".join(parts))
    incidents = deps.store.recent_incidents(limit=10)
    lines = []
    for incident in incidents:
        name = escape(incident["name"] or "Untitled")
        title = f"<{incident['link']}|{name}>" if (incident["link"] or "").startswith("http") else f"*{name}*"
        started = parse_time(incident["started_at"])
        when = slack_date(started) if started else "start unknown"
        lasted = duration(incident["started_at"], incident["resolved_at"])
        state = f"lasted {lasted}" if lasted else ("ongoing" if not incident["resolved_at"] else "resolved")
        lines.append(f"• {title} · {escape(incident['impact'] or 'unknown')} · {when} · {state}")
    blocks = [
        section("*Own probes* (from the bot's network, with your key)\n\n" + "\n\n".join(rows)),
        section("*Recent Deepgram incidents*\n" + ("\n".join(lines) if lines else "None seen by the monitor yet.")),
        context(
            "Probe runs come from `/deepgram status` and the monitor's periodic probes; incidents from the "
            "status page as the monitor saw them."
        ),
    ]
    return Reply(text="Deepgram history: probe uptime and recent incidents", blocks=blocks)


SUBCOMMAND = Subcommand(
    name="history",
    usage="history",
    summary="Recent Deepgram incidents with durations, and the probes' uptime and latency (24 h, 7 days).",
    run=run,
)
