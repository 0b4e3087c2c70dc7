"""The official status, read the way Atlassian Statuspage means it, per surface. Pure.

`official_status(summary, components)` keys the page by **id**: components (`components.json`, the
catalogue, merged with the summary's own list), groups and incidents' affected components. The table
of surfaces (`bot.surfaces`) says which components report on which surface: its ids first, its exact
names (any case, no group prefix) only when none of its ids is on the page. A component no surface
claims still shows, under `other`; an incident that names no known component is `general`.

The vocabularies mean what they mean (statuspage.md §2-3):

- component `degraded_performance` is slow (`degraded`), `partial_outage` / `major_outage` are down
  (`outage`), `under_maintenance` is `maintenance`: information, not an outage;
- an incident of impact `none`, or a window still to come, is `informational`; an incident of impact
  minor or worse counts as `degraded` only when none of its components shows a bad status (impact is
  derived from component statuses, quirk §3.3: when they are bad, they tell the story precisely);
- a component the table marks as a third party (`bot.surfaces.THIRD_PARTY`, e.g. "Voice Agent API:
  Downstream Providers") makes its surface `third_party`: a provider behind it, never a Deepgram
  problem, and never worse than that.

A surface's state is the worst of what applies, in `STATE_ORDER`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from bot.statuspage.model import ACTIVE_MAINTENANCE, UNRESOLVED_INCIDENT, Component, Incident, Summary
from bot.surfaces import SURFACES, SurfaceSpec, ThirdParty, component_key, third_party

__all__ = [
    "OTHER",
    "STATE_ORDER",
    "OfficialState",
    "OfficialStatus",
    "Provider",
    "SurfaceStatus",
    "component_state",
    "official_status",
]

OfficialState = Literal["operational", "informational", "maintenance", "third_party", "degraded", "outage"]
#: From best to worst.
STATE_ORDER: tuple[OfficialState, ...] = (
    "operational",
    "informational",
    "maintenance",
    "third_party",
    "degraded",
    "outage",
)
#: The pseudo-surface of components no surface claims.
OTHER = "other"

_COMPONENT_STATE: Mapping[str, OfficialState] = {
    "operational": "operational",
    "under_maintenance": "maintenance",
    "degraded_performance": "degraded",
    "partial_outage": "outage",
    "major_outage": "outage",
}
_PROBLEMS: frozenset[OfficialState] = frozenset({"degraded", "outage"})


def _worst(states: Iterable[OfficialState]) -> OfficialState:
    return max(states, key=STATE_ORDER.index, default="operational")


def component_state(component: Component) -> OfficialState:
    """What a component's status means; an unknown status counts as slow, not down."""
    return _COMPONENT_STATE.get(component.status, "degraded")


@dataclass(frozen=True)
class Provider:
    """A third party's component behind a surface, and who it is (`party.label` is how to name it)."""

    component: Component
    party: ThirdParty

    @property
    def state(self) -> OfficialState:
        """`third_party` when its component is slow or down; its maintenance is only information."""
        status = self.component.status
        return (
            "operational"
            if status == "operational"
            else "informational"
            if status == "under_maintenance"
            else "third_party"
        )

    @property
    def troubled(self) -> bool:
        return self.state == "third_party"


@dataclass(frozen=True)
class SurfaceStatus:
    """What the status page says about one surface (or `other`), and what it says it because of.

    `components` are Deepgram's own components reporting on it; `providers` the third parties behind it;
    `incidents` the open incidents naming any of them; `maintenances` the windows to come or under way
    on its own components. `matched` is False when the page lists none of its components: then the
    page-level indicator is all there is to go by.
    """

    surface: str
    state: OfficialState
    components: tuple[Component, ...] = ()
    providers: tuple[Provider, ...] = ()
    incidents: tuple[Incident, ...] = ()
    maintenances: tuple[Incident, ...] = ()

    @property
    def matched(self) -> bool:
        return bool(self.components or self.providers)

    @property
    def deepgram_problem(self) -> bool:
        """Slow or down on Deepgram's side (a third party's trouble is not)."""
        return self.state in _PROBLEMS

    @property
    def troubled_providers(self) -> tuple[Provider, ...]:
        return tuple(p for p in self.providers if p.troubled)


@dataclass(frozen=True)
class OfficialStatus:
    """The page read per surface: every surface of the table in order, then `other`."""

    indicator: str
    surfaces: Mapping[str, SurfaceStatus]
    other: SurfaceStatus
    #: Open incidents that name no component the page lists: about Deepgram as a whole.
    general: tuple[Incident, ...] = ()
    #: Windows that name no component the page lists.
    general_maintenances: tuple[Incident, ...] = field(default=())

    def surface(self, surface_id: str) -> SurfaceStatus:
        return self.other if surface_id == OTHER else self.surfaces[surface_id]

    @property
    def all(self) -> tuple[SurfaceStatus, ...]:
        return (*self.surfaces.values(), self.other)

    @property
    def general_state(self) -> OfficialState:
        incidents = _worst("informational" if i.impact == "none" else "degraded" for i in self.general)
        return _worst((incidents, *(_window_state(m) for m in self.general_maintenances)))

    @property
    def state(self) -> OfficialState:
        """The worst state anywhere on the page."""
        return _worst((*(s.state for s in self.all), self.general_state))

    @property
    def deepgram_problem(self) -> bool:
        """Deepgram reports something slow or down: on a surface, on another component, or page-wide."""
        return any(s.deepgram_problem for s in self.all) or self.general_state in _PROBLEMS

    def in_state(self, *states: OfficialState) -> tuple[SurfaceStatus, ...]:
        """The surfaces (and `other`) in any of these states, in table order."""
        return tuple(s for s in self.all if s.state in states)


# Complexity: radon counts each comprehension's `for`/`if`; the function is one straight pass of filters.
def official_status(summary: Summary, components: Sequence[Component] = ()) -> OfficialStatus:
    """The summary (keyed against `components.json`, `components`) read per surface."""
    summary = summary.with_components(components)
    leaves = summary.leaf_components
    providers = {c.id: Provider(c, party) for c in leaves if (party := third_party(c.id, c.name))}
    own = [c for c in leaves if c.id not in providers]
    claimed = {spec.id: _claimed(spec, own) for spec in SURFACES}
    taken = {c.id for comps in claimed.values() for c in comps}
    incidents = [i for i in summary.incidents if i.status in UNRESOLVED_INCIDENT or not i.status]
    windows = [m for m in summary.maintenances if m.status == "scheduled" or m.status in ACTIVE_MAINTENANCE]
    by_id = {c.id: c for c in leaves}
    surfaces = {
        spec.id: _surface(
            spec.id,
            claimed[spec.id],
            [p for p in providers.values() if p.party.behind == spec.id],
            incidents,
            windows,
            by_id,
        )
        for spec in SURFACES
    }
    other = _surface(OTHER, [c for c in own if c.id not in taken], [], incidents, windows, by_id)
    return OfficialStatus(
        indicator=summary.indicator,
        surfaces=surfaces,
        other=other,
        general=tuple(i for i in incidents if not any(c in by_id for c in i.component_ids)),
        general_maintenances=tuple(m for m in windows if not any(c in by_id for c in m.component_ids)),
    )


def _claimed(spec: SurfaceSpec, own: Sequence[Component]) -> tuple[Component, ...]:
    """The surface's components: by id (a group's id claims its children), else by exact name."""
    ids = set(spec.component_ids)
    by_id = tuple(c for c in own if c.id in ids or (c.group_id is not None and c.group_id in ids))
    if by_id:
        return by_id
    names = {component_key(n) for n in spec.component_names}
    return tuple(c for c in own if component_key(c.name) in names)


# Complexity: the comprehensions that pick a surface's incidents and windows; no branching in between.
def _surface(
    surface_id: str,
    components: Sequence[Component],
    providers: Sequence[Provider],
    incidents: Sequence[Incident],
    windows: Sequence[Incident],
    by_id: Mapping[str, Component],
) -> SurfaceStatus:
    own_ids = {c.id for c in components}
    provider_ids = {p.component.id for p in providers}
    on_own = [i for i in incidents if own_ids & set(i.component_ids)]
    on_providers_only = [i for i in incidents if i not in on_own and provider_ids & set(i.component_ids)]
    mine = [m for m in windows if own_ids & set(m.component_ids)]
    provider_incidents: list[OfficialState] = [
        "informational" if i.impact == "none" else "third_party" for i in on_providers_only
    ]
    states: list[OfficialState] = [
        *(component_state(c) for c in components),
        *(_incident_state(i, by_id) for i in on_own),
        *(_window_state(m) for m in mine),
        *(p.state for p in providers),
        *provider_incidents,
    ]
    return SurfaceStatus(
        surface=surface_id,
        state=_worst(states),
        components=tuple(components),
        providers=tuple(providers),
        incidents=tuple(i for i in incidents if i in on_own or i in on_providers_only),
        maintenances=tuple(mine),
    )


def _incident_state(incident: Incident, by_id: Mapping[str, Component]) -> OfficialState:
    """Impact `none` is information. Otherwise the components tell the story when any of them shows a
    bad status (that includes a third party's: then it is theirs, and here it is only information); an
    incident over components all operational says Deepgram sees a problem they do not show: degraded."""
    if incident.impact == "none":
        return "informational"
    statuses = [by_id[c].status for c in incident.component_ids if c in by_id]
    return "informational" if any(s != "operational" for s in statuses) else "degraded"


def _window_state(window: Incident) -> OfficialState:
    return "maintenance" if window.status in ACTIVE_MAINTENANCE else "informational"
