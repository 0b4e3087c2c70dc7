"""From the official status and our own probes to one answer: is it Deepgram, or is it us?

Everything here is pure: `match_surfaces()` ties status-page components to the surfaces the bot
probes, and `decide()` turns a summary plus probe results into a `Verdict`. The order of the
rules matters and is the heart of the product:

1. a rejected key (401/403) or an empty account (402) is ours, whatever the status page says;
2. an incident, outage or degradation Deepgram reports is theirs;
3. a 429 is the project's concurrency limit;
4. probes failing while Deepgram says all is well: degraded from here (network, key, account);
5. maintenance in progress is worth saying even when everything works;
6. otherwise, all good.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from bot.probes import ProbeResult, Surface
from bot.prose import Prose, strong
from bot.statuspage.page import Component, Incident, Summary
from bot.surfaces import SURFACES, component_key, surface
from bot.topics import Topic

__all__ = ["Verdict", "VerdictKind", "decide", "match_surfaces"]

VerdictKind = Literal[
    "all_good",
    "maintenance",
    "deepgram_incident",
    "degraded_from_here",
    "key_rejected",
    "no_credits",
    "rate_limited",
    "no_key",
    "unknown",
]


def match_surfaces(summary: Summary | None) -> dict[Surface, Component | None]:
    """The status-page component of each surface in the table: by id, else by exact name; None when absent."""
    matches: dict[Surface, Component | None] = {spec.id: None for spec in SURFACES}
    if summary is None:
        return matches
    leaves = summary.leaf_components
    for spec in SURFACES:
        by_id = next((c for c in leaves if c.id in spec.component_ids), None)
        names = {component_key(n) for n in spec.component_names}
        matches[spec.id] = by_id or next((c for c in leaves if component_key(c.name) in names), None)
    return matches


@dataclass(frozen=True)
class Verdict:
    kind: VerdictKind
    headline: str
    explanation: Prose
    topic: Topic | None = None
    incidents: tuple[Incident, ...] = ()
    failing: tuple[Surface, ...] = field(default=())

    @property
    def healthy(self) -> bool:
        return self.kind in ("all_good", "maintenance")


def _names(surfaces: Sequence[Surface]) -> str:
    labels = [surface(s).label for s in surfaces]
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " and " + labels[-1]


def decide(summary: Summary | None, probes: Mapping[Surface, ProbeResult], *, key_configured: bool) -> Verdict:
    """Combine the official status and the probe results into one verdict."""
    failing = tuple(s for s, r in probes.items() if r.state in ("failed", "degraded"))
    statuses = {s: r.http_status for s, r in probes.items()}
    incidents = summary.incidents if summary else ()
    reported = _reported_problems(summary)

    rejected = [s for s, code in statuses.items() if code in (401, 403)]
    if rejected:
        code = 401 if 401 in statuses.values() else 403
        return Verdict(
            "key_rejected",
            f"Deepgram rejected our key ({code})",
            Prose.of(
                "The configured key was refused, so this is on our side, not a Deepgram outage. "
                "Check that it is sent as `Token <key>` (not `Bearer`), that it has not been deleted or "
                "expired, and that it belongs to the right project."
            ),
            Topic.UNAUTHORIZED if code == 401 else Topic.FORBIDDEN,
            incidents,
            failing,
        )
    if 402 in statuses.values():
        return Verdict(
            "no_credits",
            "Our Deepgram project is out of credits (402)",
            Prose.of(
                "Deepgram refuses requests from this project until credit is added or an overage "
                "agreement is in place. Add funds in the Deepgram console (Billing)."
            ),
            Topic.CREDITS,
            incidents,
            failing,
        )
    if reported:
        names = _incident_names(incidents) or Prose.plain("a degraded component")
        confirmed = [s for s in failing if _surface_affected(s, summary)]
        tail = Prose.of(" Our own probes confirm it on {names}.", names=_names(confirmed)) if confirmed else Prose()
        return Verdict(
            "deepgram_incident",
            "Deepgram reports a problem",
            Prose.of("Deepgram's status page shows {names}.", names=names)
            + tail
            + " Nothing to fix on our side; follow the incident.",
            Topic.OUTAGE,
            incidents,
            failing,
        )
    if 429 in statuses.values():
        return Verdict(
            "rate_limited",
            "Deepgram is rate limiting our project (429)",
            Prose.of(
                "Too many concurrent requests for this project. Queue or retry with backoff, or ask "
                "Deepgram about higher concurrency limits."
            ),
            Topic.RATE_LIMITED,
            incidents,
            failing,
        )
    if failing:
        first = probes[failing[0]]
        return Verdict(
            "degraded_from_here",
            "Degraded from here, while Deepgram reports all systems operational"
            if summary
            else "Degraded from here; Deepgram's status page could not be read",
            Prose.of(
                "The {names} probe{plural} failed from where the bot runs ({summary}). Likely our network, key or "
                "account, or a problem the status page does not show yet.",
                names=_names(failing),
                plural="s" if len(failing) > 1 else "",
                summary=first.summary[0].lower() + first.summary[1:],
            ),
            first.topic,
            incidents,
            failing,
        )
    if not key_configured:
        if summary is None:
            return Verdict(
                "unknown",
                "Status unknown",
                Prose.of("The status page could not be read and no `DEEPGRAM_API_KEY` is configured for probes."),
            )
        return Verdict(
            "no_key",
            "Deepgram reports no problem; our own probes did not run",
            Prose.of("Set `DEEPGRAM_API_KEY` so the bot can also test the APIs with your key."),
        )
    active_maintenance = [
        m for m in (summary.maintenances if summary else ()) if m.status in ("in_progress", "verifying")
    ]
    if active_maintenance:
        return Verdict(
            "maintenance",
            "All probes pass; Deepgram has maintenance in progress",
            Prose.of("Maintenance: {names}.", names=_incident_names(active_maintenance)),
            incidents=incidents,
        )
    if summary is None:
        return Verdict(
            "all_good",
            "All our probes pass",
            Prose.of("Deepgram's status page could not be read, but every probe with our key succeeded."),
        )
    return Verdict(
        "all_good", "All good", Prose.of("Deepgram reports no problem and every probe with our key succeeded.")
    )


def _incident_names(items: Sequence[Incident], limit: int = 3) -> Prose:
    """*A*, *B* and 2 more: names as they came from the status page, shown in bold."""
    names = [Prose((strong(i.name),)) for i in items[:limit]]
    if len(items) > limit:
        names.append(Prose.plain(f"{len(items) - limit} more"))
    return Prose.join(names, ", ")


def _reported_problems(summary: Summary | None) -> bool:
    if summary is None:
        return False
    if summary.incidents:
        return True
    return any(c.status not in ("operational", "under_maintenance") for c in summary.leaf_components)


def _surface_affected(surface: Surface, summary: Summary | None) -> bool:
    component = match_surfaces(summary).get(surface)
    if component is None or summary is None:
        return bool(summary and summary.incidents)
    if component.status != "operational":
        return True
    return any(component.id in i.component_ids for i in summary.incidents)
