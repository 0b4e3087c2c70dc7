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

    @property
    def command(self) -> str:
        return f"/deepgram why {self.value}"
