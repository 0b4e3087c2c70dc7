"""Deepgram's official status: an Atlassian Statuspage client and a tolerant parser.

The parser turns `summary.json` into typed, UTC-normalised data and survives every quirk in
statuspage.md §3: missing fields, `affected_components` null or unchanged, grouped names
("GROUP - Child"), local time offsets, unknown enum values. Fields of the wrong type (`"components": 5`,
a number where an id belongs, nulls, dates out of range) are ignored like missing ones, and whatever
JSON arrives the parser raises nothing but `SummaryFormatError`. The client makes conditional GETs
(`If-None-Match` / `If-Modified-Since`) and treats 304 as "unchanged", returning the last
summary it parsed.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

import httpx

log = logging.getLogger(__name__)

SUMMARY_PATH = "/api/v2/summary.json"
INCIDENTS_PATH = "/api/v2/incidents.json"

# Component statuses from best to worst (statuspage.md §2); unknown values rank as degraded.
COMPONENT_SEVERITY = {
    "operational": 0,
    "under_maintenance": 1,
    "degraded_performance": 2,
    "partial_outage": 3,
    "major_outage": 4,
}
UNRESOLVED_INCIDENT = frozenset({"investigating", "identified", "monitoring"})
#: Ids are strings on Statuspage; a number is accepted as text, an absurd one is not an id.
_MAX_NUMERIC_ID = 10**30


class SummaryFormatError(ValueError):
    """The body is not a Statuspage summary (or incident list): the parsers' only error."""


def parse_time(value: Any) -> datetime | None:
    """ISO-8601 with any offset (or `Z`) → aware UTC datetime; anything else → None."""
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=UTC)
        return parsed.astimezone(UTC)
    except (ValueError, OverflowError):  # junk, or a date that leaves the calendar once made UTC
        return None


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


@dataclass(frozen=True)
class Component:
    id: str
    name: str
    status: str
    group_id: str | None = None
    group_name: str | None = None
    is_group: bool = False
    description: str = ""
    position: int = 0

    @property
    def full_name(self) -> str:
        """`Group - Child` as Statuspage writes it in incident updates (quirk §3.2)."""
        return f"{self.group_name} - {self.name}" if self.group_name else self.name

    @property
    def severity(self) -> int:
        return COMPONENT_SEVERITY.get(self.status, 2)


@dataclass(frozen=True)
class IncidentUpdate:
    id: str
    status: str
    body: str
    created_at: datetime | None
    display_at: datetime | None


@dataclass(frozen=True)
class Incident:
    """An incident or a scheduled maintenance (which adds `scheduled_for` / `scheduled_until`)."""

    id: str
    name: str
    status: str
    impact: str
    shortlink: str
    created_at: datetime | None
    updated_at: datetime | None
    started_at: datetime | None = None
    resolved_at: datetime | None = None
    scheduled_for: datetime | None = None
    scheduled_until: datetime | None = None
    updates: tuple[IncidentUpdate, ...] = ()
    component_ids: tuple[str, ...] = ()

    @property
    def latest_update(self) -> IncidentUpdate | None:
        """The newest update by display time (updates can be backdated, quirk §3.5)."""
        if not self.updates:
            return None
        epoch = datetime.min.replace(tzinfo=UTC)
        return max(self.updates, key=lambda u: u.display_at or u.created_at or epoch)

    @property
    def began_at(self) -> datetime | None:
        return self.started_at or self.created_at


@dataclass(frozen=True)
class Summary:
    page_name: str
    page_url: str
    updated_at: datetime | None
    indicator: str
    description: str
    components: tuple[Component, ...] = ()
    incidents: tuple[Incident, ...] = ()
    maintenances: tuple[Incident, ...] = ()

    def component(self, component_id: str) -> Component | None:
        return next((c for c in self.components if c.id == component_id), None)

    @property
    def leaf_components(self) -> tuple[Component, ...]:
        """Components that carry a status of their own (groups only aggregate their children)."""
        return tuple(c for c in self.components if not c.is_group)


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
    if not isinstance(data, Mapping):
        raise SummaryFormatError("not a Statuspage incident list")
    try:
        return [_incident(i) for i in _mappings(data.get("incidents"))]
    except Exception as exc:
        raise SummaryFormatError(f"unreadable incident list ({type(exc).__name__})") from None


def _summary(data: Any) -> Summary:
    if not isinstance(data, Mapping) or not isinstance(data.get("status"), Mapping):
        raise SummaryFormatError("not a Statuspage summary")
    page: Mapping[str, Any] = data["page"] if isinstance(data.get("page"), Mapping) else {}
    status: Mapping[str, Any] = data["status"]
    raw_components = [(cid, c) for c in _mappings(data.get("components")) if (cid := _id(c.get("id")))]
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
    return Summary(
        page_name=_text(page.get("name"), "Status page"),
        page_url=_text(page.get("url")),
        updated_at=parse_time(page.get("updated_at")),
        indicator=_text(status.get("indicator"), "none"),
        description=_text(status.get("description")),
        components=tuple(components),
        incidents=tuple(_incident(i) for i in _mappings(data.get("incidents"))),
        maintenances=tuple(_incident(m) for m in _mappings(data.get("scheduled_maintenances"))),
    )


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


FetchState = Literal["fresh", "unchanged", "error"]


@dataclass(frozen=True)
class SummaryFetch:
    """One attempt to read the status page. `summary` is the last good one, even on error."""

    state: FetchState
    summary: Summary | None
    elapsed_ms: float
    http_status: int | None = None
    problem: str | None = None


@dataclass
class StatusPageClient:
    """Conditional GETs of `summary.json`; remembers validators and the last good summary."""

    http: httpx.AsyncClient
    base_url: str
    timeout: float = 5.0
    _etag: str | None = field(default=None, init=False)
    _last_modified: str | None = field(default=None, init=False)
    _last: Summary | None = field(default=None, init=False)

    @property
    def last(self) -> Summary | None:
        return self._last

    async def fetch_summary(self) -> SummaryFetch:
        """Never raises: network and parse failures come back as `state="error"` with a reason."""
        headers = {"Accept": "application/json"}
        if self._etag:
            headers["If-None-Match"] = self._etag
        if self._last_modified:
            headers["If-Modified-Since"] = self._last_modified
        started = time.perf_counter()

        def done(state: FetchState, status: int | None = None, problem: str | None = None) -> SummaryFetch:
            return SummaryFetch(state, self._last, (time.perf_counter() - started) * 1000, status, problem)

        try:
            response = await self.http.get(self.base_url + SUMMARY_PATH, headers=headers, timeout=self.timeout)
        except httpx.TimeoutException:
            return done("error", problem="timed out")
        except httpx.HTTPError as exc:
            return done("error", problem=f"unreachable ({type(exc).__name__})")
        if response.status_code == 304 and self._last is not None:
            return done("unchanged", 304)
        if response.status_code != 200:
            return done("error", response.status_code, f"answered HTTP {response.status_code}")
        try:
            summary = parse_summary(response.json())
        except (ValueError, RecursionError):  # not JSON (or absurdly nested), or not a summary
            return done("error", 200, "answered with something that is not a status summary")
        self._etag = response.headers.get("ETag")
        self._last_modified = response.headers.get("Last-Modified")
        self._last = summary
        return done("fresh", 200)

    async def fetch_recent_incidents(self) -> list[Incident]:
        """The page's 50 most recent incidents, any status (to confirm resolutions, quirk §3.7).

        Never raises: on any failure the answer is an empty list and the caller falls back to
        "resolved when we noticed".
        """
        try:
            response = await self.http.get(self.base_url + INCIDENTS_PATH, timeout=self.timeout)
            if response.status_code != 200:
                return []
            return parse_incidents(response.json())
        except (httpx.HTTPError, ValueError, RecursionError):
            return []
