"""Running the probes of every surface in the table at once; none may sink the others."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import httpx

from bot.probes import Clip, ProbeConfig, ProbeResult, Surface
from bot.surfaces import SURFACES, ProbeContext, SurfaceSpec

__all__ = ["OnResult", "ProbeRun", "run_probes"]

log = logging.getLogger(__name__)

#: Told each surface's result as soon as its probe finishes (the progressive report follows along).
OnResult = Callable[[Surface, ProbeResult], None]


@dataclass(frozen=True)
class ProbeRun:
    results: Mapping[Surface, ProbeResult]
    elapsed_ms: float

    def __getitem__(self, surface: Surface) -> ProbeResult:
        return self.results[surface]


async def _contained(spec: SurfaceSpec, ctx: ProbeContext, on_result: OnResult | None) -> ProbeResult:
    """Last line of the never-raise promise: a bug in one probe must not sink the others."""
    try:
        result = await spec.probe(ctx, spec.slow_ms)
    except Exception:
        log.exception("probe crashed", extra={"surface": spec.id})
        result = ProbeResult(spec.id, "failed", "The probe itself failed; see the bot's log")
    if on_result is not None:
        try:
            on_result(spec.id, result)
        except Exception:
            log.exception("probe progress listener failed", extra={"surface": spec.id})
    return result


async def run_probes(
    http: httpx.AsyncClient,
    config: ProbeConfig,
    clip: Clip | None = None,
    surfaces: Sequence[SurfaceSpec] = SURFACES,
    *,
    on_result: OnResult | None = None,
) -> ProbeRun:
    """Run each surface's probe concurrently; each has its own timeout, none raises.

    `on_result` hears each result the moment its probe finishes, in the order they finish."""
    ctx = ProbeContext(http, config, clip or Clip.load())
    start = time.perf_counter()
    results = await asyncio.gather(*(_contained(spec, ctx, on_result) for spec in surfaces))
    return ProbeRun(
        {spec.id: r for spec, r in zip(surfaces, results, strict=True)}, round((time.perf_counter() - start) * 1000, 1)
    )
