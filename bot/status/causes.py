"""Why a probe failed, by whose side it is on: ours, theirs, the output's quality, slowness, a provider. Pure.

`classify(result)` reads only what a `ProbeResult` carries (state, topic, HTTP status, close code,
the error code Deepgram sent, the provider flag, the phase timings) and answers with a `Cause`:

- `ok` / `skipped`: the probe worked, or did not run;
- `ours`: something on the bot's side of the wire. The user is told what to fix: the key, the
  account's credits or concurrency, the network path (DNS, TCP, TLS, a proxy), or a request we built
  wrong (parameters, audio, too much text, too slow an upload);
- `theirs`: Deepgram answered with an error of its own (5xx, 1011 NET-0000, an internal `Error`), or
  went quiet after we reached it (a stall after connecting, a handshake that never finished);
- `quality`: Deepgram answered, but the transcript or the audio was wrong;
- `slow`: it worked, but above the surface's `slow_ms`;
- `provider`: a think (LLM) or speak (TTS) provider behind the Voice Agent failed, not Deepgram.

Where the line runs between ours and theirs, each table below says why. The one judgement call is the
connection: a connection that could not be opened at all (refused, reset before any answer, a name
that does not resolve, a TLS or proxy failure) is ours; once Deepgram accepted it, silence is theirs.
A WebSocket handshake that times out is theirs (the issue's rule; a firewall that silently drops
packets looks the same, which is why "failing from here" never claims more than that).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from bot.probes import ProbeResult
from bot.topics import Topic

__all__ = ["CAUSE_KINDS", "Cause", "CauseKind", "Reason", "classify"]

CauseKind = Literal["ok", "ours", "theirs", "quality", "slow", "provider", "skipped"]
CAUSE_KINDS: tuple[CauseKind, ...] = ("ok", "ours", "theirs", "quality", "slow", "provider", "skipped")

#: The finer reason. Ours: key, credits, concurrency, network, request, probe; theirs: server, timeout,
#: stall, closed; and transcript / audio (quality), slow, provider, ok, skipped.
Reason = Literal[
    "ok",
    "skipped",
    "key",
    "credits",
    "concurrency",
    "network",
    "request",
    "probe",
    "server",
    "timeout",
    "stall",
    "closed",
    "transcript",
    "audio",
    "slow",
    "provider",
]


@dataclass(frozen=True)
class Cause:
    kind: CauseKind
    reason: Reason

    @property
    def ours(self) -> bool:
        return self.kind == "ours"

    @property
    def failed(self) -> bool:
        """Not working from here, whoever's fault (slow counts: it is reported, it is not fine)."""
        return self.kind not in ("ok", "skipped")


OK = Cause("ok", "ok")
SKIPPED = Cause("skipped", "skipped")
SLOW = Cause("slow", "slow")
PROVIDER = Cause("provider", "provider")
NETWORK = Cause("ours", "network")
REQUEST = Cause("ours", "request")
SERVER = Cause("theirs", "server")
STALL = Cause("theirs", "stall")
CLOSED = Cause("theirs", "closed")

#: HTTP statuses (a REST answer or a refused WebSocket upgrade). Any other 4xx is a request we built
#: wrong (`REQUEST`), any other 5xx is Deepgram's (`SERVER`).
HTTP: Mapping[int, Cause] = {
    400: REQUEST,  # malformed request, unknown model or parameter: we built it
    401: Cause("ours", "key"),  # the key is wrong, deleted or expired
    402: Cause("ours", "credits"),  # the project is out of credits
    403: Cause("ours", "key"),  # the key lacks the scope or the project
    404: REQUEST,  # a wrong URL, model or region host (the Voice Agent's 404 is a wrong host)
    405: REQUEST,
    # Deepgram waited for our request and it did not arrive in time: our upload was too slow (the
    # probe sends the audio itself, no remote URL for Deepgram to fetch), so the fix is on our side.
    408: REQUEST,
    413: REQUEST,  # too large
    415: REQUEST,  # wrong content type
    422: REQUEST,  # input Deepgram cannot process (e.g. too much text for TTS)
    429: Cause("ours", "concurrency"),  # with our key: our project's concurrency or rate limit
    504: Cause("theirs", "timeout"),  # a gateway timed out waiting for Deepgram
}

#: Error codes Deepgram sends in a close frame's reason or an `Error` message (listen and TTS sockets,
#: Flux, the Voice Agent; deepgram-realtime.md §1.7, §2.3, §3.5; deepgram.md §4.5).
CODES: Mapping[str, Cause] = {
    # listen / TTS sockets
    "NET-0000": SERVER,  # Deepgram's internal error or timeout
    "NET-0001": REQUEST,  # Deepgram received no audio (or nothing) from us in time
    "NET-0002": SERVER,  # Deepgram failed to send
    "NET-0003": REQUEST,  # our connection outlived its time limit
    "DATA-0000": REQUEST,  # audio it cannot decode, or a command it does not accept: what we sent
    "DATA-0001": REQUEST,  # too many characters in the last minute: what we sent
    "BIG-0000": REQUEST,  # a message too large
    "BIG-0001": REQUEST,  # too many characters in one message
    "MESSAGE-0000": REQUEST,  # a message type the socket does not take
    # Flux
    "INACTIVE_CLIENT": REQUEST,  # we went quiet (no audio, no ping)
    "INVALID_CONFIGURE": REQUEST,
    "INVALID_THRESHOLD": REQUEST,
    # the Voice Agent (and Flux for the shared codes)
    "CLIENT_MESSAGE_TIMEOUT": REQUEST,  # the agent waited for us: like NET-0001
    "MAXIMUM_SESSION_LENGTH_REACHED": REQUEST,
    "UNPARSABLE_CLIENT_MESSAGE": REQUEST,
    "NON_SETTINGS_MESSAGE_BEFORE_SETTINGS": REQUEST,
    "SETTINGS_ALREADY_APPLIED": REQUEST,
    "INVALID_SETTINGS": REQUEST,
    "INVALID_AGENT_ID": REQUEST,
    "AGENT_ID_NOT_SUPPORTED": REQUEST,
    "USER_AUDIO_FORMAT": REQUEST,
    "FAILED_TO_START_LISTENING": SERVER,  # Deepgram's own speech recognition inside the agent
    "ASR_CONNECTION_CLOSED": SERVER,
    "ASR_DRIVER_TIMEOUT": SERVER,
    "INTERNAL_SERVER_ERROR": SERVER,
    "SERVER_GOING_AWAY": SERVER,  # a server shutting down for maintenance
    "FAILED_TO_THINK": PROVIDER,  # the LLM provider
    "FAILED_TO_SPEAK": PROVIDER,  # the TTS provider
    "NON_EXISTENT_FUNCTION_CALLED": PROVIDER,  # the probe declares no function: the LLM made one up
}

#: WebSocket close codes without a known error code. 1000/1001/1005 before the work was done, 1006 (the
#: connection dropped after it was open) and anything else are Deepgram ending the session: theirs.
CLOSES: Mapping[int, Cause] = {
    1003: REQUEST,  # a message type the socket does not take
    1008: REQUEST,  # policy: data that is not valid audio or not a valid command
    1009: REQUEST,  # a message too big
    1011: SERVER,  # an internal error
}

#: Topics that say what went wrong by themselves (for results that carry no status, code or close).
TOPICS: Mapping[Topic, Cause] = {
    Topic.EMPTY_TRANSCRIPT: Cause("quality", "transcript"),
    Topic.WRONG_TRANSCRIPT: Cause("quality", "transcript"),
    Topic.TTS_AUDIO: Cause("quality", "audio"),  # silent, tiny or unplayable audio after a 200
    Topic.NETWORK: NETWORK,  # DNS, TCP, TLS, a proxy; refused, or reset before any answer
    Topic.NET_0000: SERVER,  # an internal timeout, or a stream that stalled after connecting
    Topic.NET_0001: REQUEST,
    Topic.DATA_0000: REQUEST,
    Topic.DATA_0001: REQUEST,
    Topic.SERVER_ERROR: SERVER,  # a 5xx, or a 200 whose body was not what the API returns
    Topic.BAD_REQUEST: REQUEST,
    Topic.MODELS: REQUEST,
    Topic.REGIONS: REQUEST,  # a host that does not serve this API: our configuration
    Topic.AGENT_THINK_PROVIDER: PROVIDER,  # the Voice Agent's LLM provider, even unflagged
    Topic.AGENT_SPEAK_PROVIDER: PROVIDER,  # its TTS provider
}

#: Topics of a connection that may not have opened: which side depends on how far it got.
_CONNECTING = frozenset({Topic.WEBSOCKET, Topic.FLUX, Topic.TTS_WEBSOCKET, Topic.AGENT_CONNECT, Topic.TIMEOUT})
#: How the WebSocket probes word a handshake that did not finish in time (`bot.probes.streaming`, `flux`,
#: `tts_stream`; the Voice Agent's says no Welcome came, without a handshake timing):
#: `tests/unit/status/test_causes.py` runs those probes to keep this in step with their wording.
_HANDSHAKE_TIMEOUT = re.compile(r"\bhandshake did not finish\b|\bsent no Welcome within\b", re.IGNORECASE)
#: Timings that prove Deepgram accepted the connection (WebSocket) or has our whole request (HTTP).
_REACHED = ("handshake_ms", "upload_ms", "ttfb_ms")


def classify(result: ProbeResult) -> Cause:
    """The side a probe result's failure is on (see the module's tables for each mapping's reason)."""
    if result.state in ("ok", "skipped"):
        return OK if result.state == "ok" else SKIPPED
    if result.provider_failure:
        return PROVIDER  # the probe saw the LLM or TTS provider fail: never Deepgram's speech API
    if result.topic == Topic.LATENCY:
        return SLOW
    status = result.http_status
    if status is not None and not 200 <= status < 300:
        return _http(status)
    code = result.error.code if result.error else None
    if code and code in CODES:
        return CODES[code]
    if result.topic in TOPICS and result.topic is not None:
        return TOPICS[result.topic]
    if result.close_code is not None:
        return CLOSES.get(result.close_code, CLOSED)
    return _connection(result)


def _http(status: int) -> Cause:
    if status in HTTP:
        return HTTP[status]
    if status >= 500:
        return SERVER
    # Any other 4xx is about our request; a 3xx comes from a proxy or a wrong URL (the API does not
    # redirect); a 1xx is not an answer the API gives: the path to it is ours.
    return REQUEST if 400 <= status < 500 else NETWORK


def _connection(result: ProbeResult) -> Cause:
    """A failure with nothing but its topic and timings: how far did the connection get?"""
    if result.state == "degraded":
        return SERVER  # it answered, but not well: Deepgram's
    if any(key in result.timings for key in _REACHED):
        return STALL  # Deepgram accepted the connection (or has our request) and went quiet
    if result.topic is None:
        return Cause("ours", "probe")  # the probe itself failed (a bug, in the bot's log): our side
    if result.topic in _CONNECTING and _HANDSHAKE_TIMEOUT.search(result.summary):
        return Cause("theirs", "timeout")
    # Refused, reset, unresolvable, TLS or a proxy; or an HTTP timeout before the request was sent.
    return NETWORK
