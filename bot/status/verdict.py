"""From the official status and our own probes to one answer: is it Deepgram, or is it us? Pure.

Each surface first gets its own verdict from the decision table (`bot.status.table`: the official
state × the cause of our probe's outcome, `bot.status.causes`). The headline is then the first of
these that applies (`PRECEDENCE`, worded by `bot.status.headline`), and the explanation adds the
other surfaces' own lines:

1. a failure on our side: `key_rejected` (401/403), `no_credits` (402), `rate_limited` (429), then
   `network_problem` (DNS, TCP, TLS, a proxy) and `request_problem` (a request we built wrong), even
   while Deepgram reports an incident: the user is told what to fix. While any probe failed for a
   reason on our side, nothing here says there is nothing to fix on our side;
2. `deepgram_confirmed`: Deepgram reports a problem (or maintenance) and our probes see it;
3. `early_warning`: failing from here on Deepgram's side, not yet on Deepgram's page;
4. `slow_from_here`: slow from here, nothing reported;
5. `deepgram_incident`: Deepgram reports a problem our probes did not check;
6. `reported_still_works`: Deepgram reports a problem; from here it still works;
7. `provider_problem`: a provider behind the Voice Agent, reported or seen failing; never "Deepgram
   is down";
8. `no_key` / `unknown` when no probe ran; then `maintenance`, `informational`, `all_good`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from bot.probes import ProbeResult, Surface
from bot.prose import Prose
from bot.status.headline import HEALTHY, NOTED, PRECEDENCE, Seen, VerdictKind, covered, lead
from bot.status.official import official_status
from bot.status.regions import Regions, region_notes
from bot.status.table import TABLE, SurfaceVerdict, surface_verdict
from bot.statuspage.model import Component, Incident, Summary
from bot.surfaces import SURFACES, component_key
from bot.topics import Topic

__all__ = [
    "HEALTHY",
    "PRECEDENCE",
    "TABLE",
    "SurfaceVerdict",
    "Verdict",
    "VerdictKind",
    "decide",
    "match_surfaces",
    "surface_verdict",
]


def match_surfaces(summary: Summary | None) -> dict[Surface, Component | None]:
    """The status-page component of each surface in the table: by id, else by exact name; None when absent."""
    matches: dict[Surface, Component | None] = {spec.id: None for spec in SURFACES}
    if summary is None:
        return matches
    leaves = summary.leaf_components
    for spec in SURFACES:
        by_id = next((c for c in leaves if c.id in spec.component_ids), None)
        keys = {component_key(n) for n in spec.component_names}
        matches[spec.id] = by_id or next((c for c in leaves if component_key(c.name) in keys), None)
    return matches


@dataclass(frozen=True)
class Verdict:
    kind: VerdictKind
    headline: str
    explanation: Prose
    topic: Topic | None = None
    incidents: tuple[Incident, ...] = ()
    failing: tuple[Surface, ...] = field(default=())
    #: Each probed surface's own verdict from the table, in the table's order.
    surfaces: Mapping[Surface, SurfaceVerdict] = field(default_factory=dict)

    @property
    def healthy(self) -> bool:
        return self.kind in HEALTHY


# Complexity: comprehensions and optional arguments only; the rules themselves are in `table.py`/`headline.py`.
def decide(
    summary: Summary | None,
    probes: Mapping[Surface, ProbeResult],
    *,
    key_configured: bool,
    components: Sequence[Component] = (),
    host: str = "",
    regions: Regions | None = None,
) -> Verdict:
    """Each surface's verdict from the table, then the headline by precedence.

    `components` is the page's `components.json` (`SummaryFetch.components`), against which the summary's
    components are keyed by id; `probes` may hold only some surfaces (a report still coming in).
    `regions` are the extra regions' results (by host; `host` is the main base's): they never change the
    headline, the explanation adds where a surface fails and where it works (`bot.status.regions`).
    """
    official = official_status(summary, components) if summary is not None else None
    known = {spec.id for spec in SURFACES}
    order = [spec.id for spec in SURFACES if spec.id in probes] + [s for s in probes if s not in known]
    verdicts = {s: surface_verdict(probes[s], official) for s in order}
    groups = {kind: [v for v in verdicts.values() if v.kind == kind] for kind in PRECEDENCE}
    seen = Seen(groups, official, summary, key_configured)
    head = lead(seen)
    told = covered(head, seen)
    notes = _notes([v for kind in NOTED for v in groups[kind] if v.surface not in told])
    return Verdict(
        head.kind,
        head.headline,
        Prose.join([head.explanation, notes, region_notes(host, probes, regions or {})]),
        head.topic,
        incidents=summary.incidents if summary else (),
        failing=tuple(s for s in order if probes[s].failing),
        surfaces=verdicts,
    )


def _notes(verdicts: Sequence[SurfaceVerdict]) -> Prose:
    """`A and B: <their line>.` for each distinct line, in the order given."""
    same: dict[str, tuple[list[str], Prose]] = {}
    for v in verdicts:
        same.setdefault(str(v.line), ([], v.line))[0].append(v.label)
    return Prose.join(Prose.of("{labels}: ", labels=_and(labels)) + line for labels, line in same.values())


def _and(words: Sequence[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]
