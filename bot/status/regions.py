"""Comparing the main API base with the extra regions of `DEEPGRAM_REGION_URLS`. Pure.

The same key works on every regional host (`api.eu.deepgram.com`, …), with the same paths; only the
management API (`/v1/projects`) is global, so the `auth` surface is never probed regionally. Regions
never fail over: a client pointed at a failing host keeps failing while another region works, so when
they disagree the verdict says where a surface fails and where it works (realtime reference §4).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from bot.probes import ProbeResult, Surface
from bot.prose import Prose
from bot.status.causes import classify
from bot.surfaces import SURFACES

__all__ = ["REGIONLESS", "Regions", "region_notes"]

#: Each extra region's results, by its host (`api.eu.deepgram.com`), then by surface.
Regions = Mapping[str, Mapping[Surface, ProbeResult]]
#: Surfaces not served on regional hosts: the management API (`/v1/projects`) is global only.
REGIONLESS: frozenset[Surface] = frozenset({"auth"})


# Complexity: one loop over the table with its skips; splitting it would scatter one sentence's logic.
def region_notes(host: str, probes: Mapping[Surface, ProbeResult], regions: Regions) -> Prose:
    """`Streaming (WebSocket) fails on api.deepgram.com, works on api.eu.deepgram.com.` for each surface the
    hosts disagree on (a skipped probe counts for neither), then the no-failover advice when the main host
    fails for a reason not on our side while a region works. Empty when they all agree."""
    if not regions:
        return Prose(())
    lines: list[Prose] = []
    failover = False
    for spec in SURFACES:
        if spec.id in REGIONLESS:
            continue
        seen = [(host, probes.get(spec.id)), *((h, r.get(spec.id)) for h, r in regions.items())]
        failing = [h for h, r in seen if r is not None and r.failing]
        working = [h for h, r in seen if r is not None and r.state == "ok"]
        if not (failing and working):
            continue
        lines.append(
            Prose.of(
                "{label} fails on {failing}, works on {working}.",
                label=spec.label,
                failing=_and(failing),
                working=_and(working),
            )
        )
        main = probes.get(spec.id)
        failover = failover or (main is not None and main.failing and not classify(main).ours)
    if failover:
        lines.append(
            Prose.of("Regions never fail over: point your clients at the working host if your data residency allows.")
        )
    return Prose.join(lines)


def _and(words: Sequence[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]
