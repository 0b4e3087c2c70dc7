"""Running the probes of every surface in the table at once; none may sink the others."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from urllib.parse import urlsplit

import httpx

from bot.probes import Clip, ProbeConfig, ProbeResult, Surface
from bot.status.regions import REGIONLESS, Regions
from bot.surfaces import SURFACES, ProbeContext, SurfaceSpec

__all__ = ["OnResult", "ProbeRun", "host_of", "region_config", "run_probes", "run_regions"]

log = logging.getLogger(__name__)

#: Told each surface's result as soon as its probe finishes (the progressive report follows along).
OnResult = Callable[[Surface, ProbeResult], None]


@dataclass(frozen=True)
class ProbeRun:
    results: Mapping[Surface, ProbeResult]
    elapsed_ms: float
    #: The main base's host (`api.deepgram.com`); empty when unknown.
    host: str = ""
    #: The extra regions' results (`DEEPGRAM_REGION_URLS`), by host; empty: one base only.
    regions: Regions = field(default_factory=dict)

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
        {spec.id: r for spec, r in zip(surfaces, results, strict=True)},
        round((time.perf_counter() - start) * 1000, 1),
        host_of(config.api_url),
    )


def host_of(url: str) -> str:
    """`https://api.eu.deepgram.com/` → `api.eu.deepgram.com` (with its port when it has one)."""
    return urlsplit(url).netloc or url


def region_config(config: ProbeConfig, base: str) -> ProbeConfig:
    """How to probe the regional base `base`: same key and pace; REST, sockets and the agent all on its host."""
    parts = urlsplit(base)
    ws = parts._replace(scheme={"https": "wss", "http": "ws"}.get(parts.scheme, parts.scheme)).geturl().rstrip("/")
    return replace(config, api_url=base.rstrip("/"), ws_url=ws, agent_url=ws)


async def run_regions(
    http: httpx.AsyncClient,
    config: ProbeConfig,
    bases: Sequence[str],
    clip: Clip | None = None,
    surfaces: Sequence[SurfaceSpec] = SURFACES,
) -> dict[str, Mapping[Surface, ProbeResult]]:
    """Each regional base probed concurrently like the main one, minus the surfaces regions do not serve."""
    main = host_of(config.api_url)
    hosts = {host_of(b): b for b in bases if host_of(b) != main}
    served = [spec for spec in surfaces if spec.id not in REGIONLESS]
    if not hosts or not served:
        return {}
    runs = await asyncio.gather(*(run_probes(http, region_config(config, b), clip, served) for b in hosts.values()))
    return {host: run.results for host, run in zip(hosts, runs, strict=True)}
