"""`FakeDeepgram`: the aiohttp app (REST and WebSocket on one port), its knobs and its records."""

from __future__ import annotations

import asyncio
import contextlib
import json
import uuid
from collections.abc import Awaitable, Callable, Iterable
from datetime import datetime, timedelta
from typing import Any, Literal, Self

from aiohttp import web

from .. import _server
from .._server import padded_response
from . import errors as E
from .agent_host import AgentHost, add_agent_routes
from .auth import Presented, TokenIssuer, from_header, from_subprotocols
from .common import FAKE, MALFORMED, OVERSIZE, RECORD, REQUEST_ID, STALL, dumps
from .flux import handle_flux
from .knobs_realtime import AgentKnobs, FluxKnobs, SpeakWsKnobs
from .listen import handle_listen
from .manage import (
    TokenDetailsShape,
    get_balance,
    get_key,
    get_model,
    get_project,
    get_project_model,
    grant,
    list_balances,
    list_keys,
    list_models,
    list_project_models,
    list_projects,
    list_purchases,
    token_details,
)
from .routes import ROUTES as ROUTES
from .routes import route_of as route_of
from .speak import handle_speak
from .speak_ws import handle_speak_ws
from .state import (
    ApiKey,
    Balance,
    Clip,
    Effect,
    EffectKind,
    Oversize,
    Project,
    Purchase,
    RecordedRequest,
    new_member,
    new_secret,
    now_utc,
)
from .streaming import ListenStream, handle_listen_ws
from .synth import mp3
from .transcript import ClipEntry, analyse
from .wsbase import WS_ROUTES, WsSession

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class FakeDeepgram(_server.LoopbackServer):
    """A faithful stand-in for api.deepgram.com on 127.0.0.1 (REST + WebSocket on one port).

    Healthy by default: one project "Acme Voice" with $187.42 and a member key (`api_key`).
    Knobs (`fail`, `rate_limit`, `drop_connection`, `malformed_json`, `oversize`, `stall_ws`, `set_latency`,
    `exhaust_credits`) and the attributes below select documented-but-disputed variants.

    Realtime sockets: Flux `/v2/listen` and the TTS socket `/v1/speak` on this port; the Voice Agent on a
    second port (`agent_url`, `agent_base_url`) playing `agent.deepgram.com`. Their knobs are `agent`,
    `flux` and `speak_ws` (see `knobs_realtime`); handshake knobs use the routes "agent", "listen_v2",
    "speak_ws" and "agent_models".
    """

    def __init__(self, idle_timeout: float = 10.0) -> None:
        super().__init__()
        #: Voice Agent knobs (`knobs_realtime.AgentKnobs`), Flux knobs, TTS-socket knobs
        self.agent = AgentKnobs()
        self.flux = FluxKnobs()
        self.speak_ws = SpeakWsKnobs()
        #: open agent / Flux / TTS sockets
        self.realtime_sessions: set[WsSession] = set()
        #: the agent host (`agent.deepgram.com`): a second listener, see `agent_url`
        self.agent_host = AgentHost(self)
        self._default_idle_timeout = idle_timeout
        #: seconds without a frame before a stream is closed with 1011 NET-0001 (real: ~10 s, §4.5)
        self.idle_timeout = idle_timeout
        self.projects: dict[str, Project] = {}
        self.keys: dict[str, ApiKey] = {}  # by secret
        self.tokens = TokenIssuer()
        self.clip_entries: list[ClipEntry] = []
        self.clips_by_url: dict[str, ClipEntry] = {}
        self.remote_errors: dict[str, tuple[int, str]] = {}
        self.requests: list[RecordedRequest] = []
        self.speak_outputs: list[bytes] = []
        self.usage_seconds: dict[str, float] = {}
        self.active_streams: set[ListenStream] = set()
        self._effects: list[Effect] = []
        self._latency: dict[str, float] = {}
        self._set_default_knobs()
        default = self.add_project("Acme Voice", balance_usd=187.42)
        #: the default project's id
        self.project_id: str = default.project_id
        #: a valid member key of the default project (40 lowercase hex)
        self.api_key: str = self.add_key(default, scopes=("member",), comment="Deepgram Doctor bot")

    def _set_default_knobs(self) -> None:
        #: TTS over-limit status: 422 (TTS page) or 413 (errors page) — docs disagree (§3.4)
        self.tts_over_limit_status: int = 422
        #: character limits per TTS architecture (§3.4: Aura-2 1000, Aura-1 2000)
        self.tts_char_limits: dict[str, int] = {"aura": 2000, "aura-2": 1000}
        #: management auth failures: 401 (measured, w6w-apps) or 403 (OAS-2025) — docs disagree (§2)
        self.management_auth_status: int = 401
        #: unknown project: "modern" (OAS-2025 project_not_found) or "legacy" (errors page) form
        self.project_not_found_form: Literal["modern", "legacy"] = "modern"
        #: bad JSON on /v1/listen: "legacy" or "modern" (the errors page lists both, §2.1)
        self.invalid_json_form: Literal["legacy", "modern"] = "legacy"
        #: /v1/auth/grant with a key below Member: "forbidden" (403 FORBIDDEN) or "bad_request" (400) (§1.2)
        self.grant_denied_form: Literal["forbidden", "bad_request"] = "forbidden"
        #: send `Metadata` before the 1011 idle close (likely but unverified, §4.5)
        self.metadata_before_idle_close: bool = True
        #: accept `?token=<key>` (undocumented, unverified, §1.4): off by default
        self.accept_query_token: bool = False
        #: TTS WAV headers carry streaming placeholder sizes, as the recorded real ones do (§3.3 rec)
        self.wav_streaming_sizes: bool = True
        #: listing or reading a project's keys needs an admin/owner key; a Member key then gets the 401
        #: text `User does not have sufficient permissions.` (the real rule for Member keys is undocumented)
        self.keys_need_admin: bool = False
        #: answer `GET /v1/auth/token` (documented only as a key test and absent from the 2026 OAS, §1.3);
        #: False answers it like an unknown path (404)
        self.token_details_enabled: bool = True
        #: the body of a successful `GET /v1/auth/token`: undocumented (§1.3), so it varies among guesses
        #: ("wrapped", "flat", "minimal", "empty", "unknown", or a callable; see `manage.TokenDetailsShape`)
        self.token_details_shape: TokenDetailsShape = "wrapped"
        #: the API port also serves `/v1/agent/…`, as a regional host (`api.eu.deepgram.com`) does (realtime §4)
        self.agent_on_api_host: bool = False
        #: open sockets allowed per route ("agent", "listen_v2", "speak_ws") before 429 on the upgrade
        self.concurrency_limits: dict[str, int] = {}
        self.agent.reset()
        self.flux.reset()
        self.speak_ws.reset()

    # -- app -------------------------------------------------------------------------------------------

    def build_app(self) -> web.Application:
        """REST and the streaming WebSocket on the same port."""
        app = web.Application(middlewares=[self._middleware], client_max_size=256 * 1024 * 1024)
        app[FAKE] = self
        r = app.router
        r.add_post("/v1/listen", handle_listen)
        r.add_get("/v1/listen", handle_listen_ws)
        r.add_post("/v1/speak", handle_speak)
        r.add_get("/v1/projects", list_projects)
        r.add_get("/v1/projects/{project_id}", get_project)
        r.add_get("/v1/projects/{project_id}/keys", list_keys)
        r.add_get("/v1/projects/{project_id}/keys/{key_id}", get_key)
        r.add_get("/v1/projects/{project_id}/balances", list_balances)
        r.add_get("/v1/projects/{project_id}/balances/{balance_id}", get_balance)
        r.add_get("/v1/projects/{project_id}/purchases", list_purchases)
        r.add_get("/v1/projects/{project_id}/models", list_project_models)
        r.add_get("/v1/projects/{project_id}/models/{model_id}", get_project_model)
        r.add_get("/v1/models", list_models)
        r.add_get("/v1/models/{model_id}", get_model)
        r.add_post("/v1/auth/grant", grant)
        r.add_get("/v1/auth/token", token_details)
        r.add_get("/v2/listen", handle_flux)
        r.add_get("/v1/speak", handle_speak_ws)
        add_agent_routes(app, "api")
        return app

    @property
    def ws_url(self) -> str:
        """`ws://127.0.0.1:<port>` (the streaming base derived from `base_url`)."""
        return "ws" + self.base_url[len("http") :]

    @property
    def agent_base_url(self) -> str:
        """`http://127.0.0.1:<agent port>`: the agent host (`https://agent.deepgram.com`)."""
        return self.agent_host.base_url

    @property
    def agent_url(self) -> str:
        """`ws://127.0.0.1:<agent port>`: the agent socket base (`wss://agent.deepgram.com`)."""
        return "ws" + self.agent_base_url[len("http") :]

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> Self:
        """The API port, then the agent host's port."""
        await super().start(host, port)
        try:
            await self.agent_host.start(host)
        except BaseException:
            await super().stop()
            raise
        return self

    async def stop(self) -> None:
        """Close open streams (1001) before shutting both listeners down."""
        streams: list[ListenStream | WsSession] = [*self.active_streams, *self.realtime_sessions]
        if streams:
            await asyncio.gather(*(s.shutdown() for s in streams), return_exceptions=True)
        await self.agent_host.stop()
        await super().stop()

    @web.middleware
    async def _middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        route = route_of(request)
        rid = str(uuid.uuid4())
        is_ws = route in WS_ROUTES
        p = from_header(request.headers.get("Authorization"))
        if p.scheme is None and is_ws:
            p = from_subprotocols(request.headers.get("Sec-WebSocket-Protocol")) or p
        if p.scheme is None and self.accept_query_token and "token" in request.query:
            p = Presented("token", "query", None)
        rec = RecordedRequest(
            request_id=rid,
            route=route,
            kind="ws" if is_ws else "http",
            method=request.method,
            path=request.path,
            query={k: v for k, v in request.query.items() if k != "token"},
            query_items=[(k, v) for k, v in request.query.items() if k != "token"],
            auth_scheme=p.scheme,
            auth_source=p.source,
            content_type=request.headers.get("Content-Type"),
        )
        request[REQUEST_ID] = rid
        request[RECORD] = rec
        self.requests.append(rec)
        self.notify()
        delay = self._latency.get(route, self._latency.get("*", 0.0))
        if delay > 0:
            await asyncio.sleep(delay)
        effect = self._take_effect(route)
        try:
            if effect is None:
                resp = await handler(request)
            else:
                rec.knob = effect.kind
                resp = await self._apply(effect, request, handler, route)
        except web.HTTPException as exc:  # unknown path (404), wrong method (405, keeps `Allow`)
            kept = {k: v for k, v in exc.headers.items() if k.lower() != "content-type"}
            resp = web.Response(status=exc.status, text=exc.text, content_type="text/plain", headers=kept)
        if not resp.prepared and (route != "agent" or self.agent.handshake_dg_headers):
            resp.headers.setdefault("dg-request-id", rid)
        if rec.dropped:
            rec.done = True
            self.notify()
            return resp
        if not is_ws:
            with contextlib.suppress(Exception):  # the body may be unreadable after an abort
                rec.body_length = len(await request.read())
        if not isinstance(resp, web.WebSocketResponse):  # HTTP, or a refused upgrade
            rec.status = resp.status
            rec.done = True
        self.notify()
        return resp

    # -- knobs: queue ----------------------------------------------------------------------------------

    def _take_effect(self, route: str) -> Effect | None:
        for e in self._effects:
            if e.route not in (route, "*"):
                continue
            if e.kind == "stall" and route not in WS_ROUTES:
                continue
            if e.remaining is not None:
                e.remaining -= 1
                if e.remaining <= 0:
                    self._effects.remove(e)
            return e
        return None

    async def _apply(self, e: Effect, request: web.Request, handler: Handler, route: str) -> web.StreamResponse:
        rid = request[REQUEST_ID]
        if e.kind == "drop":
            # Close the TCP connection without any response.
            if request.transport is not None:
                request.transport.abort()
            record = request[RECORD]
            record.dropped = True
            return web.Response(status=599)
        if e.kind == "stall":
            request[STALL] = True
            return await handler(request)
        if e.kind == "oversize" and e.oversize is not None:
            if route in WS_ROUTES:
                request[OVERSIZE] = e.oversize
                return await handler(request)
            return await _oversized(request, handler, route, e.oversize)
        if e.kind == "malformed":
            if route in WS_ROUTES:
                request[MALFORMED] = True
                return await handler(request)
            if route != "speak":
                resp = await handler(request)
                if isinstance(resp, web.Response) and resp.status == 200 and resp.body is not None:
                    whole = bytes(resp.body)  # type: ignore[arg-type]
                    return web.Response(
                        status=200, body=whole[: max(1, len(whole) // 2)], content_type="application/json"
                    )
            partial = dumps({"metadata": {"transaction_key": "deprecated", "request_id": rid}})
            return web.Response(status=200, text=partial[: len(partial) // 2], content_type="application/json")
        status = e.status if e.kind == "fail" else 429
        body = e.body if e.kind == "fail" else None
        if body is None:
            body = _default_body(route, status, rid)
        headers = dict(e.headers or {})
        if route in WS_ROUTES:
            text = body if isinstance(body, str) else body.decode() if isinstance(body, bytes) else dumps(body)
            reason = text
            if isinstance(body, dict):
                msg = body.get("err_msg") or body.get("message")
                reason = msg if isinstance(msg, str) else text
                text = reason
            if route != "agent" or self.agent.handshake_dg_headers:  # unverified on the agent host
                headers.setdefault("dg-error", " ".join(reason.split()))
                headers.setdefault("dg-request-id", rid)
            return web.Response(status=status, text=text, content_type="text/plain", headers=headers)
        if isinstance(body, dict):
            raw = dumps(body).encode()
            ctype = "application/json"
        else:
            raw = body.encode() if isinstance(body, str) else body
            ctype = "application/json" if _is_json(raw) else "text/plain"
        resp = web.Response(status=status, body=raw, headers=headers)
        if "content-type" not in {k.lower() for k in headers}:
            resp.content_type = ctype
        return resp

    def _queue(self, route: str, kind: EffectKind, times: int | None, **kw: Any) -> None:
        if route not in ROUTES:
            raise ValueError(f"unknown route {route!r}; expected one of {ROUTES}")
        if times is not None and times < 1:
            raise ValueError("times must be >= 1 or None (forever)")
        self._effects.append(Effect(route=route, kind=kind, remaining=times, **kw))
        self.notify()

    # -- knobs: public ---------------------------------------------------------------------------------

    def set_latency(self, route: str, seconds: float) -> None:
        """Delay every request of `route` ("*" = all routes without their own value) by `seconds`."""
        if route not in ROUTES:
            raise ValueError(f"unknown route {route!r}; expected one of {ROUTES}")
        self._latency[route] = seconds
        self.notify()

    def fail(
        self,
        route: str,
        *,
        status: int,
        body: str | bytes | dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        times: int | None = 1,
    ) -> None:
        """The next `times` requests of `route` (None = all) get exactly this response.

        Without `body`, the documented body for that status and route is used (503 → the `error_code`
        body of §2.1, 429 → the STT/TTS body, 401/402 → INVALID_AUTH / ASR_PAYMENT_REQUIRED…). On
        "listen_ws" the answer is a refused upgrade: plain text with `dg-error` and `dg-request-id`.
        """
        self._queue(route, "fail", times, status=status, body=body, headers=headers)

    def rate_limit(self, route: str, times: int | None = 1) -> None:
        """429 with the real STT body (listen, listen_ws, management) or TTS body (speak) (§2.1)."""
        self._queue(route, "rate_limit", times, status=429)

    def drop_connection(self, route: str, times: int | None = 1) -> None:
        """Close the TCP connection without sending any response."""
        self._queue(route, "drop", times)

    def malformed_json(self, route: str, times: int | None = 1) -> None:
        """200 with a truncated JSON body (on listen_ws: the first text message is truncated)."""
        self._queue(route, "malformed", times)

    def oversize(
        self, route: str, size: int, *, declare_length: bool = True, binary: bool = False, times: int | None = 1
    ) -> None:
        """The next `times` answers of `route` are exactly `size` bytes, streamed (never held whole).

        HTTP: the route's own answer (status, headers, JSON) padded with spaces, still valid JSON; on
        "speak" an MP3 padded with zero bytes. `declare_length` sends `Content-Length`, else the answer
        is chunked. WebSocket routes: the first JSON message the socket sends is padded with spaces to
        `size` bytes (with `binary`, the first audio frame is padded with silence instead).
        """
        if size < 1:
            raise ValueError("size must be >= 1")
        self._queue(route, "oversize", times, oversize=Oversize(size, declare_length, binary))

    def stall_ws(self, times: int | None = 1, route: str = "listen_ws") -> None:
        """Accept the next upgrade(s) of `route` (a WebSocket route), then never send anything.

        On "agent" that means no `Welcome`, on "listen_v2" no `Connected`, on "speak_ws" no `Metadata`.
        """
        if route not in WS_ROUTES:
            raise ValueError(f"stall_ws needs a WebSocket route, one of {sorted(WS_ROUTES)}")
        self._queue(route, "stall", times)

    def exhaust_credits(self, project_id: str | None = None) -> None:
        """No credit left: 402 on REST listen, on the WS handshake and on speak; balances become 0."""
        project = self.projects[project_id or self.project_id]
        if project.saved_amounts is None:
            project.saved_amounts = [b.amount for b in project.balances]
        for b in project.balances:
            b.amount = 0.0
        project.out_of_credit = True
        self.notify()

    def deny_model(self, model: str, project_id: str | None = None) -> None:
        """The project may not use `model`: 403 INSUFFICIENT_PERMISSIONS (§2.1)."""
        self.projects[project_id or self.project_id].denied_models.add(model)
        self.notify()

    def expire_tokens(self) -> None:
        """Every JWT issued so far becomes expired (no need to wait out `ttl_seconds`)."""
        self.tokens.expire_all()
        self.notify()

    def reset(self) -> None:
        """Back to healthy defaults: knobs, latencies, disputed-variant attributes, credits restored.

        Projects, keys, clips and the records (`requests`, `speak_outputs`) are kept; see `clear_records`.
        """
        self._effects.clear()
        self._latency.clear()
        self._set_default_knobs()
        self.idle_timeout = self._default_idle_timeout
        for project in self.projects.values():
            if project.saved_amounts is not None:
                for b, amount in zip(project.balances, project.saved_amounts, strict=False):
                    b.amount = amount
                project.saved_amounts = None
            project.out_of_credit = False
            project.denied_models.clear()
        self.remote_errors.clear()
        self.notify()

    def clear_records(self) -> None:
        """Forget recorded requests and speak outputs."""
        self.requests.clear()
        self.speak_outputs.clear()
        self.speak_ws.outputs.clear()
        self.notify()

    # -- world -----------------------------------------------------------------------------------------

    def add_project(
        self,
        name: str,
        *,
        balance_usd: float | None = 200.0,
        balances: Iterable[float | Balance] | None = None,
        purchases: Iterable[float | Purchase] | None = None,
    ) -> Project:
        """A new project. `balance_usd=None` (and no `balances`) models an invoiced project: no balances."""
        pid = str(uuid.uuid4())
        slug = "".join(ch for ch in name.lower() if ch.isalnum()) or "project"
        project = Project(project_id=pid, name=name, members=[new_member(f"owner@{slug}.example")])
        if balances is not None:
            project.balances = [b if isinstance(b, Balance) else Balance(float(b)) for b in balances]
        elif balance_usd is not None:
            project.balances = [Balance(float(balance_usd))]
        if purchases is not None:
            project.purchases = [p if isinstance(p, Purchase) else Purchase(float(p)) for p in purchases]
        elif project.balances:
            # Signup comes with $200 of promotional credit (§8).
            project.purchases = [Purchase(200.0, order_type="promotional")]
        self.projects[pid] = project
        self.notify()
        return project

    def add_key(
        self,
        project: Project | str | None = None,
        *,
        scopes: Iterable[str] = ("member",),
        comment: str = "API key",
        expiration: datetime | None = None,
        expired: bool = False,
        tags: Iterable[str] = (),
        member_email: str | None = None,
    ) -> str:
        """A new key of `project` (default project when None); returns its secret."""
        pid = project.project_id if isinstance(project, Project) else (project or self.project_id)
        owner = self.projects[pid]
        member = owner.members[0]
        if member_email is not None:
            member = next((m for m in owner.members if m.email == member_email), None) or new_member(member_email)
            if member not in owner.members:
                owner.members.append(member)
        if expired and expiration is None:
            expiration = now_utc() - timedelta(days=1)
        secret = new_secret()
        self.keys[secret] = ApiKey(
            api_key_id=str(uuid.uuid4()),
            secret=secret,
            project_id=pid,
            member=member,
            scopes=tuple(scopes),
            comment=comment,
            tags=tuple(tags),
            expiration=expiration,
            expired=expired,
        )
        self.notify()
        return secret

    def share_key(self, secret: str, project: Project | str) -> None:
        """Let a key also reach `project`: `GET /v1/projects` lists it and its management routes accept the key."""
        pid = project.project_id if isinstance(project, Project) else project
        if pid not in self.projects:
            raise KeyError(f"unknown project {pid!r}")
        key = self.keys[secret]
        if pid != key.project_id and pid not in key.other_project_ids:
            key.other_project_ids.append(pid)
        self.notify()

    def key_info(self, secret: str) -> ApiKey:
        """The key record behind a secret."""
        return self.keys[secret]

    def register_clip(self, clip: Clip, *, url: str | None = None) -> ClipEntry:
        """Make the fake recognise `clip` (by its audio, and by `url`/`clip.url` for URL requests).

        Matching rule: see `simworld.deepgram.transcript` (whole-file or payload SHA-256 on REST; the
        first 4096 payload bytes on a stream).
        """
        entry = analyse(clip)
        self.clip_entries.append(entry)
        for u in {url, clip.url} - {None}:
            assert u is not None
            self.clips_by_url[u] = entry
        self.notify()
        return entry

    def register_remote_error(self, url: str, status: int = 401, reason: str = "Unauthorized") -> None:
        """A URL whose host refuses the fetch: 400 REMOTE_CONTENT_ERROR "… client error: 401 Unauthorized"."""
        self.remote_errors[url] = (status, reason)

    def charge(self, project: Project, seconds: float) -> None:
        """Record usage (balances are not decremented: tests stay deterministic)."""
        self.usage_seconds[project.project_id] = self.usage_seconds.get(project.project_id, 0.0) + seconds

    def record_speak(self, audio: bytes) -> None:
        """Keep a successful /v1/speak body."""
        self.speak_outputs.append(audio)
        self.notify()


async def _oversized(request: web.Request, handler: Handler, route: str, knob: Oversize) -> web.StreamResponse:
    """The `oversize` knob on an HTTP route: the usual answer, padded to `knob.size` bytes."""
    rid = request[REQUEST_ID]
    if route == "speak":
        head, filler, status = mp3("Deepgram Doctor", "aura-2-thalia-en"), b"\0", 200
        headers = {"Content-Type": "audio/mpeg", "dg-request-id": rid}
    else:
        resp = await handler(request)
        body = resp.body if isinstance(resp, web.Response) else None
        head = bytes(body) if isinstance(body, bytes | bytearray) else b"{}"
        filler, status = b" ", resp.status
        headers = {"Content-Type": "application/json", "dg-request-id": rid}
    return await padded_response(
        request,
        status=status,
        headers=headers,
        head=head,
        filler=filler,
        size=knob.size,
        declare_length=knob.declare_length,
    )


def _is_json(raw: bytes) -> bool:
    try:
        json.loads(raw)
    except ValueError:
        return False
    return True


def _default_body(route: str, status: int, rid: str) -> dict[str, Any] | str:
    """The documented body for `status` on `route` (§2)."""
    if route == "auth" and status in (401, 403):
        return E.INVALID_CREDENTIALS_TEXT
    if route in ("projects", "models"):
        if status in (401, 403):
            return E.modern(E.AUTHENTICATION_FAILED, rid)
        if status == 404:
            return E.modern(E.PROJECT_NOT_FOUND, rid)
    if status == 503:
        return E.service_unavailable(rid)
    if status == 429:
        return E.legacy(E.TTS_TOO_MANY_REQUESTS if route.startswith("speak") else E.STT_TOO_MANY_REQUESTS, rid)
    if status == 401:
        return E.legacy(E.INVALID_AUTH, rid)
    if status == 402:
        return E.legacy(E.ASR_PAYMENT_REQUIRED, rid)
    if status == 400:
        return E.legacy(E.BAD_AUDIO if route.startswith("listen") else E.NO_SUCH_MODEL, rid)
    phrase = {500: "Internal Server Error", 502: "Bad Gateway", 504: "Gateway Timeout", 408: "Request Timeout"}
    text = phrase.get(status, "Error")
    if route in ("projects", "models"):
        return {"category": text.upper().replace(" ", "_"), "message": text + ".", "details": "", "request_id": rid}
    return E.legacy((text, "Please try again later"), rid)
