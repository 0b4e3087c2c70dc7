"""The agent host: `agent.deepgram.com` is a separate address from `api.deepgram.com` (`deepgram-realtime.md` §1.1).

`FakeDeepgram` serves it on a second loopback port (`agent_url` / `agent_base_url`) with:

* `GET /v1/agent/converse` — the Voice Agent socket (`agent.py`);
* `GET /v1/agent/settings/think/models` — public list of managed LLMs, auth optional (§1.1), shape
  `{"models":[{"id","name","provider"}]}` (OAS `AgentThinkModelsV1Response`);
* `GET /agent` — the removed early-access path (knob `agent.early_access_path`).

On the API port both `/v1/agent/…` routes answer 404 as `api.deepgram.com` does, unless
`FakeDeepgram.agent_on_api_host` is set: outside the global region the agent lives on the regional
API host (`api.eu.deepgram.com/v1/agent/converse`, §4), which that knob models.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from aiohttp import web

from .. import _server
from .agent import AgentSession
from .agent_codes import describe
from .common import FAKE, HOST, fake_of, json_response
from .wsbase import WsSession, accept, preflight, serve

if TYPE_CHECKING:
    from .server import FakeDeepgram


def serves_agent(request: web.Request) -> bool:
    """Whether this host answers the agent routes (the agent host, or a regional API host)."""
    return request.app[HOST] == "agent" or fake_of(request).agent_on_api_host


async def handle_agent(request: web.Request) -> web.StreamResponse:
    """Upgrade checks (same credentials as the other sockets, §1.2), then the session."""
    if not serves_agent(request):
        raise web.HTTPNotFound()
    dg = fake_of(request)
    pre = preflight(request, "agent", dg_headers=dg.agent.handshake_dg_headers)
    if isinstance(pre, web.Response):
        return pre
    ws = await accept(request, pre.presented)
    await serve(AgentSession(request, ws, pre.auth))
    return ws


async def handle_think_models(request: web.Request) -> web.StreamResponse:
    """`GET /v1/agent/settings/think/models`: 200 on the agent host (no auth needed), 404 on api.deepgram.com."""
    if not serves_agent(request):
        raise web.HTTPNotFound()
    return json_response(request, {"models": [dict(m) for m in fake_of(request).agent.think_models]})


class EarlyAccessSession(WsSession):
    """`wss://agent.deepgram.com/agent` before its shutdown: Welcome with `session_id`, then the cutover
    Warning recorded in jambonz/jambonz-feature-server#1178; nothing else is answered."""

    route = "agent"

    async def run(self) -> None:
        """Announce the cutover and wait for the client to leave."""
        await self.send_json({"type": "Welcome", "session_id": self.request_id})
        code = "API_CUTOVER_SOON"
        await self.send_json({"type": "Warning", "description": describe(code, warning=True), "code": code})
        await self.wait_closed()


async def handle_early_access(request: web.Request) -> web.StreamResponse:
    """The removed `/agent` path: 404 by default (post-shutdown behaviour unverified)."""
    dg = fake_of(request)
    if request.app[HOST] != "agent" or dg.agent.early_access_path == "gone":
        raise web.HTTPNotFound()
    pre = preflight(request, "agent", dg_headers=dg.agent.handshake_dg_headers)
    if isinstance(pre, web.Response):
        return pre
    ws = await accept(request, pre.presented)
    await serve(EarlyAccessSession(request, ws, pre.auth))
    return ws


def add_agent_routes(app: web.Application, host: Literal["api", "agent"]) -> None:
    """Register the agent routes on an app of either host."""
    app[HOST] = host
    app.router.add_get("/v1/agent/converse", handle_agent)
    app.router.add_get("/v1/agent/settings/think/models", handle_think_models)
    if host == "agent":
        app.router.add_get("/agent", handle_early_access)


class AgentHost(_server.LoopbackServer):
    """The second listener of a `FakeDeepgram`: same world, same middleware, only the agent routes."""

    def __init__(self, dg: FakeDeepgram) -> None:
        super().__init__()
        self.dg = dg

    def build_app(self) -> web.Application:
        """The agent host's routes behind the fake's request-recording middleware."""
        app = web.Application(middlewares=[self.dg._middleware])
        app[FAKE] = self.dg
        add_agent_routes(app, "agent")
        return app
