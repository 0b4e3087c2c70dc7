"""The status check, in one place: official status and live probes at once, then the stored record.

The `/deepgram status` handler, the monitor's periodic probes and `deepgram-doctor status` all run
`check_status()` and `record_report()`; only the Slack handler passes the Block Kit it showed, so that
"Post to channel" can share exactly what was seen.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from typing import Any

import httpx

from bot.runtime.deps import Deps
from bot.status.probing import run_probes
from bot.status.report import StatusReport, build_report
from bot.store.db import ProbeRecord

__all__ = ["check_status", "record_report"]


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


def record_report(
    deps: Deps, report: StatusReport, *, text: str | None = None, blocks: Sequence[Mapping[str, Any]] = ()
) -> int:
    """Store the run for history; `text`/`blocks` are what was shown, kept for "Post to channel"."""
    summary = report.summary
    return deps.store.record_probe_run(
        checked_at=report.checked_at.timestamp(),
        verdict=report.verdict.kind,
        indicator=summary.indicator if summary else None,
        official_state=report.official.state,
        elapsed_ms=report.probes.elapsed_ms,
        text=text if text is not None else report.one_line(),
        blocks=blocks,
        results=[
            ProbeRecord(
                surface=surface,
                state=result.state,
                elapsed_ms=result.elapsed_ms,
                http_status=result.http_status,
                close_code=result.close_code,
                error_code=result.error_code,
                topic=result.topic.value if result.topic else None,
                timings=result.timings,
            )
            for surface, result in report.probes.results.items()
        ],
    )
