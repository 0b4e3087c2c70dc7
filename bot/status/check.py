"""The status check: official status and live probes, concurrently, into a stored report."""

from __future__ import annotations

import asyncio

import httpx

from bot.runtime.deps import Deps
from bot.slack.views.status import report_blocks, report_fallback
from bot.status.probing import run_probes
from bot.status.report import StatusReport, build_report
from bot.store.db import ProbeRecord


async def check_status(deps: Deps) -> StatusReport:
    """Read the status page and run every probe at the same time; never raises for remote failures."""
    # A fresh client per check: pooled connections would hide connect and TLS time.
    async with httpx.AsyncClient() as probe_http:
        official, probes = await asyncio.gather(
            deps.statuspage.fetch_summary(), run_probes(probe_http, deps.probe_config, deps.clip)
        )
    return build_report(
        official,
        probes,
        key_configured=bool(deps.settings.deepgram_api_key),
        checked_at=deps.clock(),
        status_url=deps.settings.deepgram_status_url,
    )


def record_report(deps: Deps, report: StatusReport) -> int:
    """Store the run (for history, and so "Post to channel" re-posts exactly what was seen)."""
    summary = report.summary
    return deps.store.record_probe_run(
        checked_at=report.checked_at.timestamp(),
        verdict=report.verdict.kind,
        indicator=summary.indicator if summary else None,
        official_state=report.official.state,
        elapsed_ms=report.probes.elapsed_ms,
        text=report_fallback(report),
        blocks=report_blocks(report, interactive=False),
        results=[
            ProbeRecord(
                surface=s,
                state=r.state,
                elapsed_ms=r.elapsed_ms,
                http_status=r.http_status,
                close_code=r.close_code,
                error_code=r.error.code if r.error else None,
                topic=r.topic.value if r.topic else None,
                timings=r.timings,
            )
            for s in SURFACES
            for r in (report.probes.results[s],)
        ],
    )
