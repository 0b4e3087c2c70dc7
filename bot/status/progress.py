"""A status check under way, as data: what the status page said when last read, the probes done so far.

The first reply to `/deepgram status` is built from this before any probe has finished: the official
status comes from the last reading (the monitor's poll or an earlier check), with its age, and each
surface still probing is listed as such. `build_partial()` is pure; `bot.slack.views.progress` shows it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bot.probes import ProbeResult, Surface
from bot.status.verdict import Verdict, decide, match_surfaces
from bot.statuspage.client import SummaryFetch
from bot.statuspage.model import Component, Summary
from bot.surfaces import SURFACES, SurfaceSpec, surface

__all__ = ["PartialReport", "build_partial"]


@dataclass(frozen=True)
class PartialReport:
    """A check under way: the official status as last read, each surface's result so far.

    `official` is None when the status page was never read yet; `official_age_s` is how old that
    reading is. `verdict` is the verdict so far, only once what is known already shows a problem
    (a probe failing, or Deepgram reporting one); None means "no problem so far".
    """

    official: SummaryFetch | None
    official_age_s: float | None
    done: Mapping[Surface, ProbeResult]
    pending: tuple[Surface, ...]
    verdict: Verdict | None
    components: Mapping[Surface, Component | None]
    status_url: str

    @property
    def summary(self) -> Summary | None:
        return self.official.summary if self.official else None

    def one_line(self) -> str:
        """`Checking Deepgram: 3 of 7 probes done (Streaming (WebSocket) still probing).`, in plain words."""
        total = len(self.done) + len(self.pending)
        head = f"{self.verdict.headline} (so far)" if self.verdict else "Checking Deepgram"
        waiting = ", ".join(surface(s).label for s in self.pending)
        tail = f" ({waiting} still probing)" if waiting else ""
        return f"{head}: {len(self.done)} of {total} probes done{tail}."


def build_partial(
    official: SummaryFetch | None,
    official_age_s: float | None,
    done: Mapping[Surface, ProbeResult],
    surfaces: Sequence[SurfaceSpec] = SURFACES,
    *,
    key_configured: bool,
    status_url: str,
) -> PartialReport:
    """The partial report: the probed surfaces in table order, the verdict so far only when it names a problem."""
    summary = official.summary if official else None
    finished = {spec.id: done[spec.id] for spec in surfaces if spec.id in done}
    pending = tuple(spec.id for spec in surfaces if spec.id not in done)
    components = official.components if official else ()
    so_far = decide(summary, finished, key_configured=key_configured, components=components)
    # "No probe ran" is not true of probes still running.
    premature = bool(pending) and so_far.kind in ("no_key", "unknown")
    verdict = None if so_far.healthy or premature else so_far
    return PartialReport(
        official=official,
        official_age_s=official_age_s,
        done=finished,
        pending=pending,
        verdict=verdict,
        components=match_surfaces(summary),
        status_url=status_url,
    )
