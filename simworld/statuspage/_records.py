"""Records of a Statuspage (components, incidents, updates) and what status.deepgram.com has (§7)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Final

# -- status.deepgram.com (reference/statuspage.md §7) ----------------------------------------------

GROUP_NAME: Final = "Deepgram Public API (api.deepgram.com)"
#: The umbrella id AIWatch tracks (§7); the fake gives it to the group.
GROUP_ID: Final = "cv8l6gg3cb9d"
#: "Voice Agent API: Downstream Providers", the third-party dependency component (§7).
DOWNSTREAM_ID: Final = "7n3stjcbj4bx"
#: Children, in display order, with the ids §7 attributes to them (None: generated from the name).
DEEPGRAM_COMPONENTS: Final[tuple[tuple[str, str | None], ...]] = (
    ("Batch API", None),
    ("Streaming API", None),
    ("TTS API", None),
    ("Voice Agent API", "r2z04fcdhhzb"),  # AIWatch lists r2z04fcdhhzb as "…Voice Agent API" (§7)
    ("Usage API", None),
    ("Management APIs", None),
    ("Voice Agent API: Downstream Providers", DOWNSTREAM_ID),
)

# Default update bodies: the wording Statuspage pre-fills (the last two are seen verbatim in
# data/statuspage/moonpay_history_2025-11.rss).
DEFAULT_BODIES: Final = {
    "investigating": "We are currently investigating this issue.",
    "identified": "The issue has been identified and a fix is being implemented.",
    "monitoring": "A fix has been implemented and we are monitoring the results.",
    "resolved": "This incident has been resolved.",
    "postmortem": "A postmortem has been published.",
    "scheduled": "Deepgram will be performing scheduled maintenance during this window.",
    "in_progress": "Scheduled maintenance is currently in progress. We will provide updates as necessary.",
    "verifying": "Verification is currently underway for the maintenance items.",
    "completed": "The scheduled maintenance has been completed.",
}
#: What the fake posts when a window still to come is called off (`cancel_maintenance`).
CANCELLED_BODY: Final = "This scheduled maintenance has been cancelled."


@dataclass
class Component:
    """One component or component group (§2)."""

    id: str
    name: str
    position: int
    created_at: datetime
    updated_at: datetime
    status: str = "operational"
    group_id: str | None = None
    children: list[str] = field(default_factory=list)
    is_group: bool = False
    description: str | None = None
    showcase: bool = False
    only_show_if_degraded: bool = False


@dataclass(frozen=True)
class AffectedComponent:
    """An `affected_components` entry of an incident update (§2, quirks §3.1-3.2)."""

    code: str
    name: str
    old_status: str
    new_status: str


@dataclass
class IncidentUpdate:
    """One `incident_update` (§2)."""

    id: str
    status: str
    body: str
    incident_id: str
    created_at: datetime
    display_at: datetime
    affected: list[AffectedComponent] | None
    deliver_notifications: bool = True


@dataclass
class Incident:
    """An incident, or a scheduled maintenance when `scheduled_for` is set (§2)."""

    id: str
    name: str
    status: str
    impact: str
    created_at: datetime
    updated_at: datetime
    started_at: datetime
    seq: int
    component_ids: list[str] = field(default_factory=list)
    updates: list[IncidentUpdate] = field(default_factory=list)  # oldest first; served newest first
    monitoring_at: datetime | None = None
    resolved_at: datetime | None = None
    scheduled_for: datetime | None = None
    scheduled_until: datetime | None = None
    auto_impact: bool = False

    @property
    def is_maintenance(self) -> bool:
        """True for scheduled maintenances."""
        return self.scheduled_for is not None


def find_component(query: str, candidates: Iterable[tuple[str, str]]) -> str:
    """Loose lookup of `query` among `(id, name)` pairs: id, exact name, name without a trailing
    "API"/"APIs", unique prefix, unique substring (all case-insensitive). KeyError if none or ambiguous.
    """
    pairs = list(candidates)
    q = query.strip().lower()

    def short(name: str) -> str:
        name = name.lower()
        for suffix in (" apis", " api"):
            if name.endswith(suffix):
                return name[: -len(suffix)]
        return name

    stages: list[Callable[[str, str], bool]] = [
        lambda cid, name: cid == q,
        lambda cid, name: name.lower() == q,
        lambda cid, name: short(name) == q,
        lambda cid, name: name.lower().startswith(q),
        lambda cid, name: q in name.lower(),
    ]
    for matches in stages:
        found = [(cid, name) for cid, name in pairs if matches(cid, name)]
        if len(found) == 1:
            return found[0][0]
        if found:
            names = ", ".join(repr(name) for _, name in found)
            raise KeyError(f"component {query!r} is ambiguous: {names}")
    known = ", ".join(repr(name) for _, name in pairs)
    raise KeyError(f"no component matches {query!r}; known: {known}")
