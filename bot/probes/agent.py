"""The Voice Agent probe: `/v1/agent/converse` on the agent host, optionally one short conversational turn.

Reference: deepgram-realtime.md §1. First a free reachability check of the agent host (its public
`GET /v1/agent/settings/think/models`), then the socket: `Welcome` → the minimal `Settings` of §1.5
(every provider Deepgram-managed) → `SettingsApplied`. With `ProbeConfig.agent_turn` the probe then
injects one user message (`InjectUserMessage`) and waits for the reply: `ConversationText` from the
assistant, agent audio, `AgentAudioDone`; that exercises the think (LLM) and speak (TTS) providers.
Without it, it listens a moment for an `Error` that follows `SettingsApplied`, then closes.

The session is billed per minute of connection time (§1.10): the probe stays a few seconds, sends
`KeepAlive` while waiting for the reply, and closes as soon as it is done. `Error` codes and
`Warning`s are classified by their documented meaning (§1.7); a think or speak provider's failure is
marked `provider_failure` (it is the provider's, §1.9, not Deepgram's speech API's).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
from collections.abc import Mapping
from dataclasses import replace
from typing import Any
from urllib.parse import urlsplit

import httpx
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidStatus, InvalidURI

from bot.deepgram import auth_header, transport_failure
from bot.probes.agent_session import AgentSession
from bot.probes.result import ProbeConfig, ProbeResult, skipped
from bot.probes.wsio import Stopwatch, close_info, too_large, unreachable
from bot.topics import Topic

__all__ = ["AGENT_HOST", "SETTINGS", "TURN_MESSAGE", "agent_base", "probe_agent"]

SURFACE = "agent"
AGENT_HOST = "agent.deepgram.com"
MODELS_PATH = "/v1/agent/settings/think/models"
Connect = Any

#: The minimal health-probe Settings of deepgram-realtime.md §1.5: every provider Deepgram-managed (no
#: user secrets), linear16 both ways with explicit rates (the default input rate is disputed).
SETTINGS: Mapping[str, Any] = {
    "type": "Settings",
    "audio": {
        "input": {"encoding": "linear16", "sample_rate": 16000},
        "output": {"encoding": "linear16", "sample_rate": 16000, "container": "none"},
    },
    "agent": {
        "listen": {"provider": {"type": "deepgram", "version": "v1", "model": "nova-3"}},
        "think": {"provider": {"type": "open_ai", "model": "gpt-4o-mini"}, "prompt": "Answer with one short word."},
        "speak": {"provider": {"type": "deepgram", "version": "v1", "model": "aura-2-thalia-en"}},
    },
}
#: The injected user turn: short, so the reply (and its speech) is short.
TURN_MESSAGE = "Say the word ready."
#: KeepAlive cadence while waiting for the reply: the idle limit is disputed (8 s to 60 s, §1.8), so well
#: under the shortest.
KEEPALIVE_SECONDS = 4.0


def agent_base(cfg: ProbeConfig) -> str | None:
    """The agent's WebSocket base: `cfg.agent_url`, else derived from `cfg.ws_url`.

    The global API (`api.deepgram.com`) has its agent on `agent.deepgram.com`; a regional or Dedicated
    host (`api.eu.deepgram.com`, `….api.deepgram.com`) serves the agent itself (§1.1, §4). Any other
    host (self-hosted, a proxy) gives None: there is no telling where its agent is.
    """
    if cfg.agent_url:
        return cfg.agent_url.rstrip("/")
    parts = urlsplit(cfg.ws_url)
    host = parts.hostname or ""
    if host == "api.deepgram.com":
        return f"{parts.scheme}://{AGENT_HOST}"
    if host.endswith(".deepgram.com"):
        return cfg.ws_url.rstrip("/")
    return None


async def probe_agent(
    http: httpx.AsyncClient, cfg: ProbeConfig, *, slow_ms: float = math.inf, connect_fn: Connect = connect
) -> ProbeResult:
    """Open an agent session (and, with `cfg.agent_turn`, hold one short turn); never raises."""
    if not cfg.api_key:
        return skipped(SURFACE)
    base = agent_base(cfg)
    if base is None:
        return ProbeResult(
            SURFACE,
            "skipped",
            "No Voice Agent host is known for this Deepgram URL; set DEEPGRAM_AGENT_URL to probe it.",
        )
    watch = Stopwatch()
    failure, note = await _check_host(http, base, cfg.timeout, watch)
    if failure is not None:
        return failure
    session = AgentSession(watch, turn=cfg.agent_turn, settings=json.dumps(SETTINGS), message=TURN_MESSAGE)
    try:
        async with asyncio.timeout(cfg.timeout) as deadline:
            async with connect_fn(
                base + "/v1/agent/converse",
                additional_headers=auth_header(cfg.api_key),
                open_timeout=cfg.timeout,
                close_timeout=2,
                max_size=session.max_size,
            ) as ws:
                session.opened(ws)
                await _converse(ws, session, deadline, cfg.timeout)
    except InvalidStatus as exc:
        return _refused(exc, session)
    except ConnectionClosed as exc:
        if too_large(exc):
            return session.oversized()
        session.close = close_info(exc)
    except TimeoutError:
        session.timed_out = True
    except (InvalidHandshake, InvalidURI, OSError):
        return unreachable(SURFACE, "Voice Agent", Topic.AGENT_CONNECT, watch.since())
    result = session.outcome(slow_ms, cfg.timeout)
    return replace(result, detail=" · ".join(x for x in (result.detail, note) if x) or None)


async def _check_host(
    http: httpx.AsyncClient, base: str, timeout: float, watch: Stopwatch
) -> tuple[ProbeResult | None, str | None]:
    """The free reachability check: the agent host's public list of managed LLMs (§1.1, §1.6)."""
    url = "http" + base[len("ws") :] + MODELS_PATH  # ws → http, wss → https
    try:
        # Only the status matters: the body is never read (closing the stream drops it unread).
        async with http.stream("GET", url, timeout=timeout) as response:
            status = response.status_code
    except httpx.HTTPError as exc:
        failure = transport_failure(exc, timeout)
        summary = f"Could not reach the Voice Agent host: {failure.clause}"
        return ProbeResult(SURFACE, "failed", summary, Topic.AGENT_CONNECT, watch.since()), None
    if status == 404:
        # api.deepgram.com answers 404 here; agent.deepgram.com and the regional api hosts answer 200.
        summary = "This host does not serve the Voice Agent (404 on its list of LLMs)"
        return ProbeResult(SURFACE, "failed", summary, Topic.REGIONS, watch.since(), http_status=404), None
    if status != 200:
        return None, f"The agent host's list of LLMs answered {status}"
    return None, None


async def _converse(ws: ClientConnection, session: AgentSession, deadline: asyncio.Timeout, timeout: float) -> None:
    """Answer the session's frames until it is finished; the turn gets a fresh `timeout` of its own."""
    keepalive: asyncio.Task[None] | None = None
    try:
        while not session.finished:
            wait = session.settle_left()
            try:
                message = await (ws.recv() if wait is None else asyncio.wait_for(ws.recv(), wait))
            except TimeoutError:  # the pause after SettingsApplied passed without an Error
                session.settled()
                break
            for frame in session.on_frame(message):
                # If the agent has closed, what it said before closing (an Error) is still to be read.
                with contextlib.suppress(ConnectionClosed):
                    await ws.send(frame)
            if session.in_turn and keepalive is None:
                deadline.reschedule(asyncio.get_running_loop().time() + timeout)
                keepalive = asyncio.create_task(_keep_alive(ws))
    finally:
        if keepalive is not None:
            keepalive.cancel()


async def _keep_alive(ws: ClientConnection) -> None:
    with contextlib.suppress(ConnectionClosed):
        while True:
            await asyncio.sleep(KEEPALIVE_SECONDS)
            await ws.send(json.dumps({"type": "KeepAlive"}))


def _refused(exc: InvalidStatus, session: AgentSession) -> ProbeResult:
    result = session.refused(exc)
    if exc.response.status_code == 404:
        return replace(result, summary="The agent host answered 404: no Voice Agent at this URL", topic=Topic.REGIONS)
    return result
