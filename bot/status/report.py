"""The status report: official status + probes + verdict, as data.

`build_report()` is pure. The report is shown as Block Kit by `bot.slack.views.status` and as
terminal text or JSON by `bot.text.status`; all come from this one object so they cannot disagree.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from bot.probes import Surface
from bot.status.official import OfficialStatus, official_status
from bot.status.probing import ProbeRun
from bot.status.table import SurfaceVerdict
from bot.status.verdict import Verdict, decide, match_surfaces
from bot.statuspage.client import SummaryFetch
from bot.statuspage.model import Component, Summary
from bot.surfaces import surface

__all__ = ["StatusReport", "build_report"]


@dataclass(frozen=True)
class StatusReport:
    checked_at: datetime
    official: SummaryFetch
    probes: ProbeRun
    verdict: Verdict
    components: Mapping[Surface, Component | None]
    status_url: str
    #: The page read per surface (components keyed by id against components.json); None without a page.
    page: OfficialStatus | None = None

    @property
    def summary(self) -> Summary | None:
        return self.official.summary

    @property
    def surfaces(self) -> Mapping[Surface, SurfaceVerdict]:
        """Each probed surface's verdict: its official state, our probe's cause, and the table's answer."""
        return self.verdict.surfaces

    def one_line(self) -> str:
        """`All good. Key & management API: ok, …`: the verdict and each surface's state, in plain words."""
        states = ", ".join(f"{surface(s).label}: {r.state}" for s, r in self.probes.results.items())
        return f"{self.verdict.headline}. {states}."


def build_report(
    official: SummaryFetch, probes: ProbeRun, *, key_configured: bool, checked_at: datetime, status_url: str
) -> StatusReport:
    summary = official.summary
    verdict = decide(
        summary,
        probes.results,
        key_configured=key_configured,
        components=official.components,
        host=probes.host,
        regions=probes.regions,
    )
    page = official_status(summary, official.components) if summary is not None else None
    return StatusReport(checked_at, official, probes, verdict, match_surfaces(summary), status_url, page)
