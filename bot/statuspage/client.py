"""The status page over HTTP. Never raises.

`fetch_summary()` sends conditional GETs (`If-None-Match` / `If-Modified-Since`); a 304 is "unchanged"
and returns the last summary parsed. Whenever the summary changed (and so at start-up) it also
re-reads `components.json`, the catalogue every component is keyed against by id. `fetch_records()`
reads the page's own records (`incidents.json`, `incidents/<id>.json`, `scheduled-maintenances.json`)
to confirm what left the summary before anyone calls it resolved or completed (quirk §3.7).

Every body is read streamed and capped at `bot.limits.STATUS_PAGE_JSON_MAX`: a larger summary is an
error ("answered with more than 4 MB"), a larger catalogue or record list is treated as unreadable.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

import httpx

from bot.limits import STATUS_PAGE_JSON_MAX, Answer, TooLarge, fetch
from bot.statuspage.model import Component, PageRecords, Summary, SummaryFormatError
from bot.statuspage.parse import parse_components, parse_incident, parse_incidents, parse_maintenances, parse_summary

__all__ = [
    "COMPONENTS_PATH",
    "INCIDENTS_PATH",
    "MAINTENANCES_PATH",
    "SUMMARY_PATH",
    "FetchState",
    "StatusPageClient",
    "SummaryFetch",
    "incident_path",
]

SUMMARY_PATH = "/api/v2/summary.json"
COMPONENTS_PATH = "/api/v2/components.json"
INCIDENTS_PATH = "/api/v2/incidents.json"
MAINTENANCES_PATH = "/api/v2/scheduled-maintenances.json"

FetchState = Literal["fresh", "unchanged", "error"]
T = TypeVar("T")


def incident_path(incident_id: str) -> str:
    """`/api/v2/incidents/<id>.json`: one incident, any status (not among §1's documented endpoints)."""
    return f"/api/v2/incidents/{incident_id}.json"


@dataclass(frozen=True)
class SummaryFetch:
    """One attempt to read the status page. `summary` is the last good one, even on error;
    `components` is the last good `components.json` (empty until one was read)."""

    state: FetchState
    summary: Summary | None
    elapsed_ms: float
    http_status: int | None = None
    problem: str | None = None
    components: tuple[Component, ...] = ()


@dataclass
class _Validators:
    etag: str | None = None
    last_modified: str | None = None

    def headers(self) -> dict[str, str]:
        headers = {"Accept": "application/json"}
        if self.etag:
            headers["If-None-Match"] = self.etag
        if self.last_modified:
            headers["If-Modified-Since"] = self.last_modified
        return headers

    def remember(self, response: Answer) -> None:
        self.etag = response.headers.get("ETag")
        self.last_modified = response.headers.get("Last-Modified")


@dataclass
class StatusPageClient:
    """Conditional GETs of `summary.json` (and `components.json`); remembers validators and the last good reads."""

    http: httpx.AsyncClient
    base_url: str
    timeout: float = 5.0
    _summary_validators: _Validators = field(default_factory=_Validators, init=False)
    _components_validators: _Validators = field(default_factory=_Validators, init=False)
    _last: Summary | None = field(default=None, init=False)
    _components: tuple[Component, ...] = field(default=(), init=False)

    @property
    def last(self) -> Summary | None:
        return self._last

    @property
    def components(self) -> tuple[Component, ...]:
        """The last good `components.json`: every component and group on the page."""
        return self._components

    async def fetch_summary(self) -> SummaryFetch:
        """Never raises: network and parse failures come back as `state="error"` with a reason."""
        started = time.perf_counter()

        def done(state: FetchState, status: int | None = None, problem: str | None = None) -> SummaryFetch:
            elapsed = (time.perf_counter() - started) * 1000
            return SummaryFetch(state, self._last, elapsed, status, problem, self._components)

        headers = self._summary_validators.headers()
        try:
            response = await self._get(SUMMARY_PATH, headers)
        except httpx.TimeoutException:
            return done("error", problem="timed out")
        except httpx.HTTPError as exc:
            return done("error", problem=f"unreachable ({type(exc).__name__})")
        if isinstance(response, TooLarge):
            return done("error", response.status_code, f"answered with more than {response.size}")
        if response.status_code == 304 and self._last is not None:
            return done("unchanged", 304)
        if response.status_code != 200:
            return done("error", response.status_code, f"answered HTTP {response.status_code}")
        try:
            summary = parse_summary(response.json())
        except (ValueError, RecursionError):  # not JSON (or absurdly nested), or not a summary
            return done("error", 200, "answered with something that is not a status summary")
        self._summary_validators.remember(response)
        self._last = summary
        await self._refresh_components()  # the page changed: its catalogue may have too
        return done("fresh", 200)

    async def _refresh_components(self) -> None:
        """Re-read `components.json` (conditionally); on any failure the last good catalogue stays."""
        headers = self._components_validators.headers()
        try:
            response = await self._get(COMPONENTS_PATH, headers)
            if isinstance(response, TooLarge) or response.status_code != 200:
                return  # 304: unchanged; anything else (too large included): keep what we had
            self._components = parse_components(response.json())
        except (httpx.HTTPError, ValueError, RecursionError):
            return
        self._components_validators.remember(response)

    async def fetch_records(self, incident_ids: Collection[str] = (), *, maintenances: bool = False) -> PageRecords:
        """What the page's own records say. Never raises.

        Always `incidents.json`; then, for each of `incident_ids` it does not list, that incident's own
        JSON (a 404 there marks it missing); `scheduled-maintenances.json` when `maintenances`. A list
        that cannot be read leaves its `*_read` flag False, so nothing is taken for deleted on a failure.
        """
        status, body = await self._get_json(INCIDENTS_PATH)
        incidents = _parsed(parse_incidents, body) if status == 200 else None
        found = {i.id: i for i in incidents or ()}
        missing: set[str] = set()
        for incident_id in incident_ids:
            if incident_id in found:
                continue
            status, body = await self._get_json(incident_path(incident_id))
            if status == 404:
                missing.add(incident_id)
            elif status == 200 and (single := _parsed(parse_incident, body)) is not None:
                found.setdefault(single.id, single)
        windows = None
        if maintenances:
            status, body = await self._get_json(MAINTENANCES_PATH)
            windows = _parsed(parse_maintenances, body) if status == 200 else None
        return PageRecords(
            incidents=tuple(found.values()),
            maintenances=tuple(windows or ()),
            incidents_read=incidents is not None,
            maintenances_read=windows is not None,
            missing=frozenset(missing),
        )

    async def _get(self, path: str, headers: dict[str, str]) -> Answer | TooLarge:
        """One GET, at most `STATUS_PAGE_JSON_MAX` bytes of it read; httpx's exceptions pass through."""
        url = self.base_url + path
        return await fetch(self.http, "GET", url, limit=STATUS_PAGE_JSON_MAX, headers=headers, timeout=self.timeout)

    async def _get_json(self, path: str) -> tuple[int | None, Any]:
        """(HTTP status, decoded body or None); (None, None) when the page could not be reached.
        A body over the cap is not read: (its status, None), like one that is not JSON."""
        try:
            response = await self._get(path, {"Accept": "application/json"})
        except httpx.HTTPError:
            return None, None
        if isinstance(response, TooLarge):
            return response.status_code, None
        if response.status_code != 200:
            return response.status_code, None
        try:
            return 200, response.json()
        except (ValueError, RecursionError):
            return 200, None


def _parsed(parse: Callable[[Any], T], body: Any) -> T | None:
    """`parse(body)`, or None when the body is not what `parse` reads."""
    if body is None:
        return None
    try:
        return parse(body)
    except SummaryFormatError:
        return None
