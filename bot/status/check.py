"""The status check, in one place: official status and live probes at once, then the stored record.

`check_status()` is the one place a check runs. `/deepgram status`, its "Run again" button and the
monitor's periodic probes do not call it directly: they `ask_status()`, which hands them the run in
flight, a run that just finished, or a new one (`bot.status.runs.StatusRuns`, one per process), so
N askers at once cost one run's requests. Each run is stored once, when it finishes; a Slack view
then attaches the message it showed (`attach_message()`), so "Post to channel" shares exactly what
was seen. `deepgram-doctor status` runs one check and stores it with `record_report()`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

import httpx

from bot.errors import StoreError
from bot.probes import ProbeConfig, ProbeResult
from bot.runtime.deps import Deps
from bot.status.causes import classify
from bot.status.probing import OnResult, run_probes, run_regions
from bot.status.progress import PartialReport, build_partial
from bot.status.report import StatusReport, build_report
from bot.status.runs import Ask, CheckedRun
from bot.store import ProbeRecord
from bot.surfaces import enabled

__all__ = ["ask_status", "attach_message", "check_status", "partial_report", "probe_cause", "record_report"]

log = logging.getLogger(__name__)


async def check_status(
    deps: Deps, *, config: ProbeConfig | None = None, on_result: OnResult | None = None
) -> StatusReport:
    """Read the status page and run every probe at the same time; never raises for remote failures.

    `config` is how to probe (on demand by default: `deps.probe_config`); `on_result` hears each
    probe's result as it finishes (the main base's; the extra regions of `DEEPGRAM_REGION_URLS` are probed
    alongside and reported at the end). The page's reading is also kept as the last known official status
    (`deps.status_runs.official`)."""
    # A fresh client per check: pooled connections would hide connect and TLS time.
    probing = config or deps.probe_config
    surfaces = enabled(deps.settings.probe_surfaces)
    async with httpx.AsyncClient() as probe_http:
        official, probes, regions = await asyncio.gather(
            deps.statuspage.fetch_summary(),
            run_probes(probe_http, probing, deps.clip, surfaces, on_result=on_result),
            run_regions(probe_http, probing, deps.settings.region_urls, deps.clip, surfaces),
        )
    if regions:
        probes = replace(probes, regions=regions)
    deps.status_runs.note_official(official)
    return build_report(
        official,
        probes,
        key_configured=bool(deps.settings.deepgram_api_key),
        checked_at=deps.clock(),
        status_url=deps.settings.deepgram_status_url,
    )


def ask_status(deps: Deps, *, force: bool = False, config: ProbeConfig | None = None) -> Ask[CheckedRun]:
    """The check for one asker: a run that finished within STATUS_FRESH_SECONDS, the one in flight, or
    a new one (stored once when it finishes). `force` ("Run again", the monitor) wants a run that starts
    now: it joins only one that has not started yet. `config` is how to probe (on demand by default);
    a run that probed less (no Voice Agent turn) does not answer an asker who wants more. Does not
    wait; `ask.flight.result()` does."""
    probing = config or deps.probe_config
    return deps.status_runs.ask(
        lambda on_result: _check_and_record(deps, probing, on_result), force=force, depth=_depth(probing)
    )


def _depth(config: ProbeConfig) -> int:
    """How much a run with `config` probes: a Voice Agent turn is more than a session alone."""
    return 1 if config.agent_turn else 0


async def _check_and_record(deps: Deps, config: ProbeConfig, on_result: OnResult) -> CheckedRun:
    report = await check_status(deps, config=config, on_result=on_result)
    try:
        run_id = record_report(deps, report)
    except StoreError as exc:
        log.info("status checked, not saved", extra={"verdict": report.verdict.kind, "problem": exc.reason})
        return CheckedRun(report, None, exc.reason)
    log.info(
        "status checked",
        extra={"verdict": report.verdict.kind, "run_id": run_id, "elapsed_ms": report.probes.elapsed_ms},
    )
    return CheckedRun(report, run_id)


def partial_report(deps: Deps, ask: Ask[CheckedRun]) -> PartialReport:
    """How far the asked-for run has got, with the status page as last read (and how long ago)."""
    runs = deps.status_runs
    reading = runs.official
    return build_partial(
        reading.fetch if reading else None,
        runs.clock() - reading.read_at if reading else None,
        dict(ask.flight.done),
        enabled(deps.settings.probe_surfaces),
        key_configured=bool(deps.settings.deepgram_api_key),
        status_url=deps.settings.deepgram_status_url,
    )


def attach_message(deps: Deps, checked: CheckedRun, *, text: str, blocks: Sequence[Mapping[str, Any]]) -> bool:
    """Store the message a view showed with the stored run, once per run; False when it could not be."""
    if checked.run_id is None:
        return False
    if checked.message_saved:
        return True
    try:
        deps.store.history.attach_message(checked.run_id, text=text, blocks=blocks)
    except StoreError as exc:
        log.info("status message not saved", extra={"run_id": checked.run_id, "problem": exc.reason})
        return False
    checked.message_saved = True
    return True


def probe_cause(result: ProbeResult) -> str | None:
    """Why a probe failed, as the history stores it: `kind:reason` (`ours:key`, `theirs:server`, `slow:slow`,
    see `bot.status.causes`); None for a probe that worked or did not run."""
    cause = classify(result)
    return f"{cause.kind}:{cause.reason}" if cause.failed else None


def record_report(
    deps: Deps, report: StatusReport, *, text: str | None = None, blocks: Sequence[Mapping[str, Any]] = ()
) -> int:
    """Store the run for history; `text`/`blocks` are what was shown, kept for "Post to channel"."""
    summary = report.summary
    return deps.store.history.record_run(
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
                cause=probe_cause(result),
            )
            for surface, result in report.probes.results.items()
        ],
    )
