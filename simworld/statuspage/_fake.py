"""`FakeStatusPage`: the page model served over real HTTP on 127.0.0.1, with the knobs tests need."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from typing import Any, TypeAlias

from aiohttp import web

from .._server import LoopbackServer, padded_response
from ._common import as_utc
from ._feeds import render_atom, render_rss
from ._model import StatusPageModel
from ._records import find_component
from ._views import Snapshot, encode, find_json, render_json

#: A script step: a function applied to the page, or a `summary.json` body for `load_summary`.
Step: TypeAlias = "Callable[[FakeStatusPage], object] | Mapping[str, Any] | bytes | str"

API_PREFIX = "/api/v2/"
_FEEDS: dict[str, tuple[Callable[[Snapshot], bytes], str]] = {
    "/history.rss": (render_rss, "application/rss+xml; charset=utf-8"),
    "/history.atom": (render_atom, "application/atom+xml; charset=utf-8"),
}
_JSON_TYPE = "application/json; charset=utf-8"
_NOT_FOUND = b"<!DOCTYPE html><html><head><title>404 Not Found</title></head><body>Not Found</body></html>"


@dataclass(frozen=True)
class RequestRecord:
    """One request the fake answered: the validators it received and the status it served."""

    method: str
    path: str
    query: str
    if_none_match: str | None
    if_modified_since: str | None
    status: int
    at: datetime


@dataclass
class Oversized:
    """An `oversize` reply: the page's own JSON padded with spaces to `size` bytes (still valid JSON)."""

    size: int
    declare_length: bool
    remaining: int | None


@dataclass
class CannedResponse:
    """A scripted reply (`set_response`); `remaining` None means until `clear_responses()`."""

    status: int
    body: bytes
    headers: dict[str, str]
    remaining: int | None
    delay: float = 0.0


def normalize_path(path: str) -> str:
    """`"summary.json"` -> `/api/v2/summary.json`, `"history.rss"` -> `/history.rss`; `*` stays."""
    if path == "*" or path.startswith("/"):
        return path
    if path.startswith("api/") or path.startswith("history."):
        return "/" + path
    return API_PREFIX + path


def _etag_matches(header: str, etag: str) -> bool:
    # If-None-Match uses the weak comparison (RFC 9110 §13.1.2): ignore a W/ prefix.
    for candidate in header.split(","):
        candidate = candidate.strip()
        if candidate == "*" or candidate.removeprefix("W/") == etag:
            return True
    return False


class FakeStatusPage(StatusPageModel, LoopbackServer):
    """A fake status.deepgram.com (Atlassian Statuspage public API, reference/statuspage.md).

    Serves `/api/v2/{summary,status,components,incidents}.json`, `incidents/unresolved.json`,
    `incidents/<id>.json`, `scheduled-maintenances{,/upcoming,/active}.json`, `/history.rss` and
    `/history.atom`, with `ETag`, `Last-Modified`, `Cache-Control` and 304s (§6). State methods
    (`set_component`, `open_incident`, `delete_incident`, `cancel_maintenance`, ...) come from
    `StatusPageModel`; each one changes the validators and wakes `wait_until` callers.
    """

    def __init__(
        self,
        clock: Callable[[], datetime] | None = None,
        time_zone: str = "Etc/UTC",
        *,
        page_name: str = "Deepgram",
        page_url: str = "https://status.deepgram.com",
        page_id: str | None = None,
        cache_max_age: int = 0,
    ) -> None:
        LoopbackServer.__init__(self)
        #: Seconds to hold every response (a timeout-like delay when larger than the client's timeout).
        self.latency: float = 0.0
        #: `Cache-Control: max-age=<n>`; §6 found no source for the real value, 0 keeps polls honest.
        self.cache_max_age = cache_max_age
        #: Every request answered, oldest first.
        self.requests: list[RequestRecord] = []
        self._raw: Snapshot | None = None
        self._canned: dict[str, list[CannedResponse]] = {}
        self._oversized: dict[str, Oversized] = {}
        self._script: list[Step] = []
        self._script_pos = -1
        self._advance_after: str | None = None
        self._last_modified: datetime | None = None
        self._wake: asyncio.Event | None = None
        StatusPageModel.__init__(self, clock, time_zone, page_name=page_name, page_url=page_url, page_id=page_id)
        self._bump_last_modified(self.updated_at)

    # -- state -------------------------------------------------------------------------------------

    def _bump_last_modified(self, at: datetime) -> None:
        # HTTP dates have 1 s resolution: two changes within one second would share a Last-Modified
        # and If-Modified-Since would hide the second. So it advances by at least 1 s per change.
        stamp = as_utc(at).replace(microsecond=0)
        if self._last_modified is not None and stamp <= self._last_modified:
            stamp = self._last_modified + timedelta(seconds=1)
        self._last_modified = stamp

    def _changed(self, at: datetime | None = None) -> None:
        super()._changed(at)
        self._raw = None  # a model change ends `load_summary` mode
        self._bump_last_modified(self.updated_at)
        self.notify()

    @property
    def last_modified(self) -> datetime:
        """The instant `Last-Modified` currently reports (UTC, whole seconds)."""
        assert self._last_modified is not None
        return self._last_modified

    def current(self) -> Snapshot:
        """What the endpoints serve right now (the loaded summary, or the model)."""
        return self._raw if self._raw is not None else self.snapshot()

    def payload(self, endpoint: str) -> Any:
        """The decoded JSON body `/api/v2/<endpoint>` would serve now (e.g. `"summary.json"`)."""
        name = normalize_path(endpoint).removeprefix(API_PREFIX)
        return json.loads(render_json(name, self.current()))

    @property
    def indicator(self) -> str:
        """The `status.indicator` served now."""
        return str(self.current().status.get("indicator"))

    def component_id(self, name_or_prefix: str) -> str:
        """Id of the component matching `name_or_prefix` loosely (id, name, "streaming" -> "Streaming
        API"); after `load_summary`, among that summary's components. KeyError if none or ambiguous."""
        if self._raw is None:
            return super().component_id(name_or_prefix)
        pairs = ((str(c.get("id")), str(c.get("name"))) for c in self._raw.components)
        return find_component(name_or_prefix, pairs)

    def load_summary(self, summary: Mapping[str, Any] | bytes | str) -> None:
        """Serve `summary` as `summary.json` (bytes/str byte for byte, a mapping as compact JSON) and
        derive the other endpoints and feeds from it (only its unresolved incidents are known).

        The next model change (`set_component`, `open_incident`, ...) returns to the model's state.
        """
        if isinstance(summary, bytes | str):
            body = summary.encode() if isinstance(summary, str) else summary
            data = json.loads(body)
            if not isinstance(data, dict):
                raise TypeError("a summary.json body must be a JSON object")
        else:
            data, body = dict(summary), encode(dict(summary))
        if self._raw is not None and self._raw.summary_body == body:
            return  # identical state: validators stay
        self._raw = Snapshot.from_summary(data, body)
        self._bump_last_modified(self.now())
        self.notify()

    def script(self, steps: Sequence[Step], *, advance_after: str | None = None) -> None:
        """Load a sequence of states and apply the first; `advance()` applies the next.

        A step is a callable taking this page (e.g. `lambda sp: sp.set_component("tts", ...)`) or a
        summary body for `load_summary`. With `advance_after="summary.json"`, every 200/304 served on
        that path advances the script after the response is built (one poll, one state).
        """
        self._script = list(steps)
        self._script_pos = -1
        self._advance_after = None if advance_after is None else normalize_path(advance_after)
        self.advance()

    def advance(self) -> bool:
        """Apply the next script step; False (state unchanged) when the script is exhausted."""
        if self._script_pos + 1 >= len(self._script):
            return False
        self._script_pos += 1
        step = self._script[self._script_pos]
        if isinstance(step, Mapping | bytes | str):
            self.load_summary(step)
        else:
            step(self)
        self.notify()
        return True

    @property
    def script_position(self) -> int:
        """Index of the script step in force (-1 before any)."""
        return self._script_pos

    # -- fault injection ---------------------------------------------------------------------------

    def set_response(
        self,
        path: str,
        *,
        status: int,
        body: str | bytes = b"",
        headers: Mapping[str, str] | None = None,
        times: int | None = 1,
        delay: float = 0.0,
    ) -> None:
        """Answer the next `times` requests to `path` (`"*"`: any path; None: until
        `clear_responses`) with this instead of the page, e.g. a 503 HTML error page. Queued replies
        are used in order. `delay` adds to `latency` for these replies."""
        if times is not None and times < 1:
            raise ValueError("times must be >= 1 (or None for 'until cleared')")
        raw = body.encode() if isinstance(body, str) else body
        merged = dict(headers or {})
        if not any(name.lower() == "content-type" for name in merged):
            html = raw.lstrip()[:1] == b"<"
            merged["Content-Type"] = "text/html; charset=utf-8" if html else "text/plain; charset=utf-8"
        canned = CannedResponse(status, raw, merged, times, delay)
        self._canned.setdefault(normalize_path(path), []).append(canned)

    def oversize(self, path: str, size: int, *, declare_length: bool = True, times: int | None = 1) -> None:
        """Answer the next `times` requests to `path` (`"*"`: any path; None: until `reset`) with the page's JSON
        for it padded with spaces to exactly `size` bytes: 200, valid JSON, validators ignored. It is
        streamed, never held whole; `declare_length` sends `Content-Length`, else it is chunked."""
        if size < 1 or (times is not None and times < 1):
            raise ValueError("size and times must be >= 1 (times may be None for 'until reset')")
        self._oversized[normalize_path(path)] = Oversized(size, declare_length, times)

    def _take_oversized(self, path: str) -> Oversized | None:
        for key in (path, "*"):
            knob = self._oversized.get(key)
            if knob is None:
                continue
            if knob.remaining is not None:
                knob.remaining -= 1
                if knob.remaining <= 0:
                    del self._oversized[key]
            return knob
        return None

    async def _serve_oversized(self, request: web.Request, knob: Oversized) -> web.StreamResponse:
        found = find_json(request.path.removeprefix(API_PREFIX), self.current())
        head = found if found is not None and request.path.startswith(API_PREFIX) else b"{}"
        return await padded_response(
            request,
            status=200,
            headers={"Content-Type": _JSON_TYPE},
            head=head,
            filler=b" ",
            size=knob.size,
            declare_length=knob.declare_length,
        )

    def clear_responses(self, path: str | None = None) -> None:
        """Drop scripted replies (for one path, or all)."""
        if path is None:
            self._canned.clear()
        else:
            self._canned.pop(normalize_path(path), None)

    def _take_canned(self, path: str) -> CannedResponse | None:
        for key in (path, "*"):
            queue = self._canned.get(key)
            if queue:
                canned = queue[0]
                if canned.remaining is not None:
                    canned.remaining -= 1
                    if canned.remaining <= 0:
                        queue.pop(0)
                return canned
        return None

    def reset(self) -> None:
        """Initial page again; no script, scripted replies, latency or request log."""
        self._release_sleepers()
        self.latency = 0.0
        self._canned.clear()
        self._oversized.clear()
        self.requests.clear()
        self._script, self._script_pos, self._advance_after = [], -1, None
        self.reset_state()

    # -- HTTP --------------------------------------------------------------------------------------

    def build_app(self) -> web.Application:
        """One catch-all GET route: every path, known or not, is logged."""
        app = web.Application()
        app.router.add_get("/{tail:.*}", self._handle)
        return app

    async def stop(self) -> None:
        """Release responses held by `latency`, then stop serving."""
        self._release_sleepers()
        await super().stop()

    def _release_sleepers(self) -> None:
        if self._wake is not None:
            self._wake.set()
            self._wake = None

    async def _hold(self, seconds: float) -> None:
        if self._wake is None:
            self._wake = asyncio.Event()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), seconds)

    def _validators(self, body: bytes) -> dict[str, str]:
        return {
            "ETag": f'"{hashlib.sha256(body).hexdigest()[:32]}"',  # strong: a hash of the exact bytes
            "Last-Modified": format_datetime(self.last_modified, usegmt=True),
            "Cache-Control": f"max-age={self.cache_max_age}",
        }

    def _not_modified(self, request: web.Request, etag: str) -> bool:
        inm = request.headers.get("If-None-Match")
        if inm is not None:  # If-None-Match wins over If-Modified-Since (RFC 9110 §13.1.3)
            return _etag_matches(inm, etag)
        ims = request.headers.get("If-Modified-Since")
        if ims is None:
            return False
        try:
            since = as_utc(parsedate_to_datetime(ims))
        except (TypeError, ValueError, IndexError):
            return False
        return self.last_modified <= since

    def _serve(self, request: web.Request) -> web.Response:
        path = request.path
        name = path.removeprefix(API_PREFIX)
        found = find_json(name, self.current()) if path.startswith(API_PREFIX) else None
        if found is not None:
            body, content_type = found, _JSON_TYPE
        elif path in _FEEDS:
            render, content_type = _FEEDS[path]
            body = render(self.current())
        else:
            return web.Response(status=404, body=_NOT_FOUND, content_type="text/html")
        headers = self._validators(body)
        if self._not_modified(request, headers["ETag"]):
            return web.Response(status=304, headers=headers)
        headers["Content-Type"] = content_type
        return web.Response(status=200, body=body, headers=headers)

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        oversized = self._take_oversized(normalize_path(request.path))
        if oversized is not None:
            self.requests.append(self._record(request, 200))
            self.notify()
            return await self._serve_oversized(request, oversized)
        # The reply is decided on arrival (a slow response carries the state of when it was asked).
        canned = self._take_canned(request.path)
        if canned is not None:
            response = web.Response(status=canned.status, body=canned.body, headers=canned.headers)
            delay = self.latency + canned.delay
        else:
            response = self._serve(request)
            delay = self.latency
        if delay > 0:
            await self._hold(delay)
        self.requests.append(self._record(request, response.status))
        if canned is None and request.path == self._advance_after and response.status in (200, 304):
            self.advance()
        self.notify()
        return response

    def _record(self, request: web.Request, status: int) -> RequestRecord:
        return RequestRecord(
            method=request.method,
            path=request.path,
            query=request.query_string,
            if_none_match=request.headers.get("If-None-Match"),
            if_modified_since=request.headers.get("If-Modified-Since"),
            status=status,
            at=self.now(),
        )


__all__ = ["CannedResponse", "FakeStatusPage", "RequestRecord", "Step", "normalize_path"]
