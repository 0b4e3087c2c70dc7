"""The tolerant parser: `summary.json`, `components.json`, `incidents.json`, `incidents/<id>.json` and
`scheduled-maintenances.json` into `bot.statuspage.model` data. Pure.

It survives every quirk in statuspage.md §3: missing fields, `affected_components` null or unchanged,
grouped names ("GROUP - Child"), local time offsets, unknown enum values. Fields of the wrong type
(`"components": 5`, a number where an id belongs, nulls, dates out of range) are ignored like missing
ones, and whatever JSON arrives the parser raises nothing but `SummaryFormatError`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.statuspage.model import Component, Incident, IncidentUpdate, Summary, SummaryFormatError
from bot.units import parse_time

__all__ = ["parse_components", "parse_incident", "parse_incidents", "parse_maintenances", "parse_summary"]

#: Ids are strings on Statuspage; a number is accepted as text, an absurd one is not an id.
_MAX_NUMERIC_ID = 10**30


def _text(value: Any, default: str = "") -> str:
    return value if isinstance(value, str) else default


def _list(value: Any) -> list[Any]:
    """A JSON array, or nothing (null, a number, a string, an object where an array belongs)."""
    return value if isinstance(value, list) else []


def _mappings(value: Any) -> list[Mapping[str, Any]]:
    return [item for item in _list(value) if isinstance(item, Mapping)]


def _id(value: Any) -> str | None:
    """An id as text: a non-empty string, or a sane integer; anything else is no id."""
    if isinstance(value, str):
        return value or None
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) < _MAX_NUMERIC_ID:
        return str(value)
    return None


def parse_summary(data: Any) -> Summary:
    """Parse a `summary.json` body; raises `SummaryFormatError` (a `ValueError`) only when it is not a
    Statuspage summary, and never anything else, whatever JSON arrives."""
    try:
        return _summary(data)
    except SummaryFormatError:
        raise
    except Exception as exc:  # a quirk nobody has seen yet: still "not a summary", not a crash
        raise SummaryFormatError(f"unreadable summary ({type(exc).__name__})") from None


def parse_incidents(data: Any) -> list[Incident]:
    """Parse an `incidents.json` body; raises `SummaryFormatError` only."""
    return _listing(data, "incidents", "incident list")


def parse_maintenances(data: Any) -> list[Incident]:
    """Parse a `scheduled-maintenances.json` body; raises `SummaryFormatError` only."""
    return _listing(data, "scheduled_maintenances", "maintenance list")


def parse_incident(data: Any) -> Incident:
    """Parse one incident's own JSON (`incidents/<id>.json`): `{"incident": {…}}`, or the bare incident
    object (its exact shape is not documented, statuspage.md §1). Raises `SummaryFormatError` only."""
    raw = data.get("incident") if isinstance(data, Mapping) and "incident" in data else data
    if not isinstance(raw, Mapping) or not _id(raw.get("id")):
        raise SummaryFormatError("not a Statuspage incident")
    try:
        return _incident(raw)
    except Exception as exc:
        raise SummaryFormatError(f"unreadable incident ({type(exc).__name__})") from None


def parse_components(data: Any) -> tuple[Component, ...]:
    """Parse a `components.json` body (every component, groups included); raises `SummaryFormatError` only."""
    if not isinstance(data, Mapping) or not isinstance(data.get("components"), list):
        raise SummaryFormatError("not a Statuspage component list")
    try:
        return _components(data["components"])
    except Exception as exc:
        raise SummaryFormatError(f"unreadable component list ({type(exc).__name__})") from None


def _listing(data: Any, key: str, what: str) -> list[Incident]:
    """The list under `key`. A body without that list is not the list: read as empty, it would make
    every incident look deleted."""
    if not isinstance(data, Mapping) or not isinstance(data.get(key), list):
        raise SummaryFormatError(f"not a Statuspage {what}")
    try:
        return [_incident(i) for i in _mappings(data[key])]
    except Exception as exc:
        raise SummaryFormatError(f"unreadable {what} ({type(exc).__name__})") from None


def _summary(data: Any) -> Summary:
    if not isinstance(data, Mapping) or not isinstance(data.get("status"), Mapping):
        raise SummaryFormatError("not a Statuspage summary")
    page: Mapping[str, Any] = data["page"] if isinstance(data.get("page"), Mapping) else {}
    status: Mapping[str, Any] = data["status"]
    return Summary(
        page_name=_text(page.get("name"), "Status page"),
        page_url=_text(page.get("url")),
        updated_at=parse_time(page.get("updated_at")),
        indicator=_text(status.get("indicator"), "none"),
        description=_text(status.get("description")),
        components=_components(data.get("components")),
        incidents=tuple(_incident(i) for i in _mappings(data.get("incidents"))),
        maintenances=tuple(_incident(m) for m in _mappings(data.get("scheduled_maintenances"))),
    )


def _components(value: Any) -> tuple[Component, ...]:
    raw_components = [(cid, c) for c in _mappings(value) if (cid := _id(c.get("id")))]
    names = {cid: _text(c.get("name")) for cid, c in raw_components}
    components = []
    for cid, c in raw_components:
        group_id = _id(c.get("group_id"))
        position = c.get("position")
        components.append(
            Component(
                id=cid,
                name=_text(c.get("name"), cid),
                status=_text(c.get("status"), "operational"),
                group_id=group_id,
                group_name=names.get(group_id or "") or None,
                is_group=bool(c.get("group")) or bool(_list(c.get("components"))),
                description=_text(c.get("description")),
                position=position if isinstance(position, int) and abs(position) < _MAX_NUMERIC_ID else 0,
            )
        )
    return tuple(components)


def _incident(raw: Mapping[str, Any]) -> Incident:
    raw_updates = _mappings(raw.get("incident_updates"))
    updates = tuple(
        IncidentUpdate(
            id=_id(u.get("id")) or "",
            status=_text(u.get("status")),
            body=_text(u.get("body")),
            created_at=parse_time(u.get("created_at")),
            display_at=parse_time(u.get("display_at")) or parse_time(u.get("created_at")),
        )
        for u in raw_updates
    )
    # The incident's own `components` list is authoritative; `affected_components` is often
    # null or unchanged (quirk §3.1), so it is only a fallback.
    component_ids = [_id(c.get("id")) for c in _mappings(raw.get("components"))]
    if not any(component_ids):
        component_ids = [_id(a.get("code")) for u in raw_updates for a in _mappings(u.get("affected_components"))]
    return Incident(
        id=_id(raw.get("id")) or "",
        name=_text(raw.get("name"), "Untitled incident"),
        status=_text(raw.get("status")),
        impact=_text(raw.get("impact"), "none"),
        shortlink=_text(raw.get("shortlink")),
        created_at=parse_time(raw.get("created_at")),
        updated_at=parse_time(raw.get("updated_at")),
        started_at=parse_time(raw.get("started_at")),
        resolved_at=parse_time(raw.get("resolved_at")),
        scheduled_for=parse_time(raw.get("scheduled_for")),
        scheduled_until=parse_time(raw.get("scheduled_until")),
        updates=updates,
        component_ids=tuple(dict.fromkeys(c for c in component_ids if c)),
    )
