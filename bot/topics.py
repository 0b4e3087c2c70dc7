"""Troubleshooting topic ids: the one list shared by probes, verdicts and `/deepgram why`.

A failing probe names the topic whose playbook explains it; `/deepgram why <id>` opens that
playbook. Ids are what a user types, so they are short and stable: never rename one, add an
alias in the playbook instead.
"""

from __future__ import annotations

from enum import StrEnum


class Topic(StrEnum):
    BAD_REQUEST = "400"
    UNAUTHORIZED = "401"
    PAYMENT_REQUIRED = "402"
    FORBIDDEN = "403"
    NOT_FOUND = "404"
    METHOD_NOT_ALLOWED = "405"
    TIMEOUT = "408"  # also 504: the request took longer than Deepgram (or a proxy) would wait
    PAYLOAD_TOO_LARGE = "413"
    UNSUPPORTED_MEDIA_TYPE = "415"
    RATE_LIMITED = "429"
    SERVER_ERROR = "5xx"
    WEBSOCKET = "websocket"  # the streaming connection cannot be opened
    NET_0000 = "net-0000"
    NET_0001 = "net-0001"
    DATA_0000 = "data-0000"
    EMPTY_TRANSCRIPT = "empty-transcript"
    WRONG_TRANSCRIPT = "wrong-transcript"
    TTS_AUDIO = "tts-audio"  # silent, tiny or unplayable TTS output
    CALLBACK = "callback"
    LATENCY = "latency"
    NETWORK = "network"  # DNS, TCP, TLS, proxies: Deepgram never answered
    BROWSER_AUTH = "browser-auth"
    TEMPORARY_TOKENS = "temporary-tokens"
    MODELS = "models"  # model and language errors
    CREDITS = "credits"
    OUTAGE = "outage"  # Deepgram itself reports a problem
    # Voice Agent (`/v1/agent/converse`): one playbook per group of its Error and Warning codes.
    AGENT_CONNECT = "agent-connect"
    AGENT_SETTINGS = "agent-settings"
    AGENT_CLIENT_TIMEOUT = "agent-client-timeout"
    AGENT_LISTEN = "agent-listen"
    AGENT_AUDIO_STATIC = "agent-audio-static"
    AGENT_THINK_PROVIDER = "agent-think-provider"
    AGENT_SPEAK_PROVIDER = "agent-speak-provider"
    AGENT_FUNCTIONS = "agent-functions"
    AGENT_DOWNSTREAM = "agent-downstream"  # Deepgram vs its managed providers vs the user's own
    FLUX = "flux"  # `/v2/listen`: endpoint, models, parameters, end of turn, 429
    FLUX_CLOSED = "flux-closed"  # a Flux stream that closes or stalls
    TTS_WEBSOCKET = "tts-websocket"  # `/v1/speak` and `/v2/speak` sockets
    DATA_0001 = "data-0001"  # TTS socket: too many characters (also BIG-0000/BIG-0001)
    REGIONS = "regions"  # regional, Dedicated and self-hosted hosts
    SDK_UPGRADE = "sdk-upgrade"  # code broken by a new SDK major version

    @property
    def command(self) -> str:
        return f"/deepgram why {self.value}"
