"""Running the probes of every surface in the table at once; none may sink the others."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import httpx

from bot.probes import Clip, ProbeConfig, ProbeResult, Surface
from bot.surfaces import SURFACES, ProbeContext, SurfaceSpec

__all__ = ["ProbeRun", "run_probes"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ProbeRun:
    results: Mapping[Surface, ProbeResult]
    elapsed_ms: float

    def __getitem__(self, surface: Surface) -> ProbeResult:
        return self.results[surface]


async def _contained(spec: SurfaceSpec, ctx: ProbeContext) -> ProbeResult:
    """Last line of the never-raise promise: a bug in one probe must not sink the others."""
    try:
        return await spec.probe(ctx, spec.slow_ms)
    except Exception:
        log.exception("probe crashed", extra={"surface": spec.id})
        return ProbeResult(spec.id, "failed", "The probe itself failed; see the bot's log")


async def run_probes(
    http: httpx.AsyncClient,
    config: ProbeConfig,
    clip: Clip | None = None,
    surfaces: Sequence[SurfaceSpec] = SURFACES,
) -> ProbeRun:
    """Run each surface's probe concurrently; each has its own timeout, none raises."""
    ctx = ProbeContext(http, config, clip or Clip.load())
    start = time.perf_counter()
    results = await asyncio.gather(*(_contained(spec, ctx) for spec in surfaces))
    return ProbeRun(
        {spec.id: r for spec, r in zip(surfaces, results, strict=True)}, round((time.perf_counter() - start) * 1000, 1)
    )
