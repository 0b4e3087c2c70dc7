"""Endpoint bodies derived from one snapshot of the page (reference/statuspage.md §1)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final

from ._common import (
    ACTIVE_MAINTENANCE_STATUSES,
    JSON,
    OPEN_MAINTENANCE_STATUSES,
    UNRESOLVED_STATUSES,
)

#: `incidents.json` and `scheduled-maintenances.json` list at most this many (§1).
RECENT_LIMIT: Final = 50


@dataclass(frozen=True)
class Snapshot:
    """Everything the endpoints are derived from, already rendered as JSON objects.

    `incidents` and `maintenances` hold every item (any status), newest first. `summary_body`, when set,
    is served byte for byte as `summary.json` (see `FakeStatusPage.load_summary`).
    """

    page: JSON
    status: JSON
    components: list[JSON]
    incidents: list[JSON]
    maintenances: list[JSON]
    summary_body: bytes | None = None

    @classmethod
    def from_summary(cls, summary: Mapping[str, Any], body: bytes) -> Snapshot:
        """Derive a snapshot from a `summary.json` body: it only knows unresolved incidents (§1)."""
        return cls(
            page=dict(summary.get("page") or {}),
            status=dict(summary.get("status") or {}),
            components=list(summary.get("components") or []),
            incidents=list(summary.get("incidents") or []),
            maintenances=list(summary.get("scheduled_maintenances") or []),
            summary_body=body,
        )


def encode(payload: JSON) -> bytes:
    """Compact UTF-8 JSON, as the real API sends it."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


def _with_status(items: list[JSON], statuses: tuple[str, ...]) -> list[JSON]:
    return [item for item in items if item.get("status") in statuses]


def summary(snap: Snapshot) -> JSON:
    """`summary.json`: unresolved incidents only, maintenances upcoming or in progress (§1, §3.7)."""
    return {
        "page": snap.page,
        "components": snap.components,
        "incidents": _with_status(snap.incidents, UNRESOLVED_STATUSES),
        "scheduled_maintenances": _with_status(snap.maintenances, OPEN_MAINTENANCE_STATUSES),
        "status": snap.status,
    }


def status(snap: Snapshot) -> JSON:
    """`status.json`."""
    return {"page": snap.page, "status": snap.status}


def components(snap: Snapshot) -> JSON:
    """`components.json`: every component, groups included."""
    return {"page": snap.page, "components": snap.components}


def incidents(snap: Snapshot) -> JSON:
    """`incidents.json`: the 50 most recent incidents, any status."""
    return {"page": snap.page, "incidents": snap.incidents[:RECENT_LIMIT]}


def unresolved(snap: Snapshot) -> JSON:
    """`incidents/unresolved.json`."""
    return {"page": snap.page, "incidents": _with_status(snap.incidents, UNRESOLVED_STATUSES)}


def maintenances(snap: Snapshot) -> JSON:
    """`scheduled-maintenances.json`: the 50 most recent, any status."""
    return {"page": snap.page, "scheduled_maintenances": snap.maintenances[:RECENT_LIMIT]}


def upcoming(snap: Snapshot) -> JSON:
    """`scheduled-maintenances/upcoming.json`: still `scheduled`."""
    return {"page": snap.page, "scheduled_maintenances": _with_status(snap.maintenances, ("scheduled",))}


def active(snap: Snapshot) -> JSON:
    """`scheduled-maintenances/active.json`: `in_progress` (and `verifying`, see `_common`)."""
    return {
        "page": snap.page,
        "scheduled_maintenances": _with_status(snap.maintenances, ACTIVE_MAINTENANCE_STATUSES),
    }


#: Path under `/api/v2/` -> body builder.
JSON_ENDPOINTS: Final[dict[str, Callable[[Snapshot], JSON]]] = {
    "summary.json": summary,
    "status.json": status,
    "components.json": components,
    "incidents.json": incidents,
    "incidents/unresolved.json": unresolved,
    "scheduled-maintenances.json": maintenances,
    "scheduled-maintenances/upcoming.json": upcoming,
    "scheduled-maintenances/active.json": active,
}


#: `incidents/<id>.json`: one incident (or maintenance, which Statuspage files under the same
#: `/incidents/<id>` address, §4) of any status. Not among §1's endpoints: its existence and its
#: `{page, incident}` shape are the fake's assumption; the bot also accepts a bare incident object.
_ONE_INCIDENT = re.compile(r"^incidents/([0-9a-z]+)\.json$")


def one_incident(incident_id: str, snap: Snapshot) -> JSON | None:
    """`incidents/<id>.json`, or None when the page has no such incident (a 404: deleted, or never was)."""
    found = next((i for i in snap.incidents + snap.maintenances if i.get("id") == incident_id), None)
    return None if found is None else {"page": snap.page, "incident": found}


def find_json(name: str, snap: Snapshot) -> bytes | None:
    """The body of `/api/v2/<name>`, or None when there is none (an unknown path, a deleted incident)."""
    if name in JSON_ENDPOINTS:
        return render_json(name, snap)
    match = _ONE_INCIDENT.match(name)
    payload = one_incident(match.group(1), snap) if match else None
    return None if payload is None else encode(payload)


def render_json(name: str, snap: Snapshot) -> bytes:
    """The body of `/api/v2/<name>` (KeyError for an unknown name or an incident the page does not have)."""
    if name not in JSON_ENDPOINTS:
        body = find_json(name, snap)
        if body is None:
            raise KeyError(name)
        return body
    builder = JSON_ENDPOINTS[name]
    if name == "summary.json" and snap.summary_body is not None:
        return snap.summary_body
    return encode(builder(snap))
