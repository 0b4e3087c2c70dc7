"""Recognise pasted error material: which topic a Deepgram error body, close reason or status names.

People paste what their program printed: a JSON error body (`{"err_code":"INVALID_AUTH",…}`,
`{"category":…}`), a close reason (`… See https://dpgr.am/net0001`, `DATA-0000`), a `dg-error`
header line, `server rejected WebSocket connection: HTTP 401`, a stack trace naming an httpx or
OpenSSL error. Each recognised piece becomes a `Clue` for a topic, with a weight saying how sure
the recognition is: a documented error code is near certain, a bare number that may be a status
much less so. The newer surfaces (Voice Agent `Error`/`Warning` messages, Flux fatal errors, TTS
socket close codes, regional hosts, SDK upgrade tracebacks) are read by `errortext_realtime`, whose
surface-aware readings replace the generic ones here. Pure: text in, clues out.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping

import bot.playbooks.errortext_realtime as errortext_realtime
from bot.deepgram import close_reason_code
from bot.playbooks.clue import BARE_STATUS, CLOSE_CODE, CODE, LIBRARY, MESSAGE, STATUS, Clue
from bot.topics import Topic

__all__ = [
    "BARE_STATUS",
    "CLOSE_CODE",
    "CODE",
    "LIBRARY",
    "MESSAGE",
    "STATUS",
    "Clue",
    "recognise",
    "status_topic",
]

MAX_INPUT = 8000


# err_code / error_code / category values (deepgram.md §2), upper-cased with spaces as underscores.
ERROR_CODES: Mapping[str, Topic] = {
    "INVALID_AUTH": Topic.UNAUTHORIZED,
    "UNAUTHORIZED": Topic.UNAUTHORIZED,
    "INSUFFICIENT_PERMISSIONS": Topic.FORBIDDEN,
    "FORBIDDEN": Topic.FORBIDDEN,
    "ASR_PAYMENT_REQUIRED": Topic.PAYMENT_REQUIRED,
    "PAYMENT_REQUIRED": Topic.PAYMENT_REQUIRED,
    "PROJECT_NOT_FOUND": Topic.NOT_FOUND,
    "NOT_FOUND": Topic.NOT_FOUND,
    "TOO_MANY_REQUESTS": Topic.RATE_LIMITED,
    "PAYLOAD_TOO_LARGE": Topic.PAYLOAD_TOO_LARGE,
    "UNSUPPORTED_MEDIA_TYPE": Topic.UNSUPPORTED_MEDIA_TYPE,
    "SERVICE_UNAVAILABLE": Topic.SERVER_ERROR,
    "INTERNAL_SERVER_ERROR": Topic.SERVER_ERROR,
    "BAD_REQUEST": Topic.BAD_REQUEST,
    "INVALID_JSON": Topic.BAD_REQUEST,
    "INVALID_QUERY_PARAMETER": Topic.BAD_REQUEST,
    "PAYLOAD_ERROR": Topic.BAD_REQUEST,
    "REMOTE_CONTENT_ERROR": Topic.BAD_REQUEST,
}

# Documented error messages (deepgram.md §2, §4.5) and what they mean; matched case-insensitively
# anywhere in the text. A message is more specific than its code, so it wins over it: "Invalid
# credentials." under BAD_REQUEST comes from /v1/auth/grant.
MESSAGES: tuple[tuple[str, Topic], ...] = (
    ("did not receive audio data or a text message within the timeout window", Topic.NET_0001),
    ("project does not have access to the requested model", Topic.FORBIDDEN),
    ("no such model/version combination found", Topic.MODELS),
    ("does not have enough credits", Topic.PAYMENT_REQUIRED),
    ("failed to process audio: corrupt or unsupported data", Topic.BAD_REQUEST),
    ("could not process the json payload", Topic.BAD_REQUEST),
    ("failed to deserialize query parameters", Topic.BAD_REQUEST),
    ("please specify exactly one of `text` or `url`", Topic.BAD_REQUEST),
    ("input text contains no characters", Topic.BAD_REQUEST),
    ("the remote server hosting the media returned", Topic.BAD_REQUEST),
    ("invalid callback url", Topic.CALLBACK),
    ("unsupported audio format", Topic.TTS_AUDIO),
    ("payload size exceeds limit", Topic.PAYLOAD_TOO_LARGE),
    ("input text exceeds maximum character limit", Topic.PAYLOAD_TOO_LARGE),
    ("header is not supported. `content-type` must be", Topic.UNSUPPORTED_MEDIA_TYPE),
    ("content-type` header is not supported", Topic.UNSUPPORTED_MEDIA_TYPE),
    ("too many requests. please try again later", Topic.RATE_LIMITED),
    ("uuid parsing failed", Topic.NOT_FOUND),
    ("project not found", Topic.NOT_FOUND),
    ("a project with the submitted id cannot be found", Topic.NOT_FOUND),
    ("user does not have sufficient permissions", Topic.FORBIDDEN),
    ("insufficient permissions", Topic.FORBIDDEN),
    ("authentication failed", Topic.UNAUTHORIZED),
    ("invalid credentials", Topic.UNAUTHORIZED),
)

# Exception names and errno strings from client libraries (httpx, aiohttp, Node, OpenSSL).
LIBRARY_ERRORS: tuple[tuple[str, Topic], ...] = (
    (r"certificate[_ ]verify[_ ]failed|self[- ]signed certificate|unable to get local issuer", Topic.NETWORK),
    (
        r"getaddrinfo|name or service not known|nodename nor servname|temporary failure in name resolution"
        r"|enotfound|eai_again",
        Topic.NETWORK,
    ),
    (
        r"econnrefused|econnreset|connection refused|connection reset|connecterror|connecttimeout"
        r"|network is unreachable|ehostunreach|etimedout",
        Topic.NETWORK,
    ),
    (r"readtimeout|read timed out|socket hang up", Topic.TIMEOUT),
    (r"non-101|notanupgrade|wsserverhandshakeerror|invalidstatuscode|invalidstatus\b", Topic.WEBSOCKET),
)
_LIBRARY = tuple((re.compile(pattern, re.I), topic) for pattern, topic in LIBRARY_ERRORS)

STATUS_TOPICS: Mapping[int, Topic] = {
    400: Topic.BAD_REQUEST,
    401: Topic.UNAUTHORIZED,
    402: Topic.PAYMENT_REQUIRED,
    403: Topic.FORBIDDEN,
    404: Topic.NOT_FOUND,
    405: Topic.METHOD_NOT_ALLOWED,
    408: Topic.TIMEOUT,
    411: Topic.BAD_REQUEST,
    413: Topic.PAYLOAD_TOO_LARGE,
    414: Topic.BAD_REQUEST,
    415: Topic.UNSUPPORTED_MEDIA_TYPE,
    422: Topic.PAYLOAD_TOO_LARGE,  # TTS text over the model's limit (deepgram.md §3.4)
    429: Topic.RATE_LIMITED,
    504: Topic.TIMEOUT,
}

_REASON_PHRASES = (
    "bad request|unauthori[sz]ed|payment required|forbidden|not found|method not allowed|request timeout"
    "|payload too large|unsupported media type|unprocessable|too many requests|internal server error"
    "|bad gateway|service unavailable|gateway timeout"
)
# "HTTP 401", "status 401", "status code: 401", "(Status: 503)", "401 Unauthorized", "error 429".
_STATUS_WITH_CONTEXT = re.compile(
    r"(?:\bhttp(?:/[\d.]+)?|\bstatus(?:[ _]?code)?|\bcode|\berror|\berr|\bresponse|\bgot(?: an?)?|\bgetting(?: an?)?"
    r"|\bgives?(?: an?)?|\breturns?(?: an?)?|\bwith(?: an?)?)[\s:=(]*([45]\d\d)\b"
    r"|\b([45]\d\d)\s+(?:" + _REASON_PHRASES + r")\b",
    re.I,
)
# A bare 4xx/5xx number, not followed by a unit ("500 ms", "400 characters", "413 kb").
_BARE_STATUS = re.compile(
    r"(?<![\w.$/:-])([45]\d\d)(?![\w.%$-]|\s*(?:ms|milliseconds?|s\b|sec|seconds?|minutes?|mins?|hours?"
    r"|chars?|characters?|words?|kb|mb|gb|bytes?|hz|khz|users?|requests?|files?|streams?|calls?|times?|dollars?|usd))",
    re.I,
)
# HTTP reason phrases said without the number ("it says unauthorized").
REASON_PHRASES: Mapping[str, int] = {
    "bad request": 400,
    "unauthorized": 401,
    "unauthorised": 401,
    "payment required": 402,
    "forbidden": 403,
    "method not allowed": 405,
    "request timeout": 408,
    "payload too large": 413,
    "request entity too large": 413,
    "unsupported media type": 415,
    "unprocessable": 422,
    "too many requests": 429,
    "internal server error": 500,
    "bad gateway": 502,
    "service unavailable": 503,
    "gateway timeout": 504,
}
_REASON = re.compile(r"\b(" + "|".join(REASON_PHRASES) + r")\b", re.I)
_CLOSE_CODES: Mapping[str, Topic] = {"1011": Topic.NET_0001, "1008": Topic.DATA_0000, "1006": Topic.WEBSOCKET}
# The speech-to-text socket's close reasons (deepgram.md §4.5).
_STT_CLOSE_REASONS: Mapping[str, Topic] = {
    "NET-0000": Topic.NET_0000,
    "NET-0001": Topic.NET_0001,
    "DATA-0000": Topic.DATA_0000,
}
_CLOSE_CODE = re.compile(r"(?<![\w.])(1011|1008|1006)(?![\w.])")
_DG_ERROR = re.compile(r"dg-error\s*[:=]\s*(.+)", re.I)
_WS_REJECTED = re.compile(r"server rejected websocket connection:\s*http\s*(\d{3})", re.I)
_BARE_CODE = re.compile(r"(?<![A-Za-z_])(" + "|".join(c for c in ERROR_CODES if "_" in c) + r")(?![A-Za-z_])")
_JSON_FIELD = re.compile(r'"(err_code|error_code|category|err_msg|message)"\s*:\s*"((?:[^"\\]|\\.)*)"')


def status_topic(status: int) -> Topic | None:
    """The playbook for an HTTP status, if it has one (all other 5xx are server errors)."""
    if status in STATUS_TOPICS:
        return STATUS_TOPICS[status]
    if 500 <= status <= 599:
        return Topic.SERVER_ERROR
    return None


def recognise(text: str) -> list[Clue]:
    """Every distinct clue in `text`, strongest first. A reading that knows which Deepgram surface the
    paste is about (a 429 on a Flux URL, `INTERNAL_SERVER_ERROR` after an agent's `Welcome`) replaces
    the generic reading of the same material."""
    text = text[:MAX_INPUT]
    generic = list(_clues(text))
    found = dict.fromkeys([*generic, *errortext_realtime.clues(text, generic)])
    superseded = {topic for clue in found for topic in clue.supersedes}
    kept = [c for c in found if c.topic not in superseded]
    return sorted(kept, key=lambda c: (-c.weight, c.topic.value))


def _clues(text: str) -> Iterator[Clue]:
    lowered = text.lower()
    code = close_reason_code(text.upper()) or close_reason_code(lowered) or ""
    # DATA-0001 is the TTS socket's "too many characters" (errortext_realtime), not undecodable audio.
    if code in _STT_CLOSE_REASONS:
        yield Clue(_STT_CLOSE_REASONS[code], CODE, f"close reason {code}", code)
    yield from _json_clues(text)
    for message, topic in MESSAGES:
        if message in lowered:
            yield Clue(topic, MESSAGE, f"error message “{message}”", message)
    yield from _handshake_clues(text)
    for pattern, topic in _LIBRARY:
        found = pattern.search(text)
        if found:
            yield Clue(topic, LIBRARY, f"“{found.group(0)}”", found.group(0))
    yield from _status_clues(text)
    for match in _CLOSE_CODE.finditer(text):
        yield Clue(_CLOSE_CODES[match.group(1)], CLOSE_CODE, f"close code {match.group(1)}", match.group(1))


def _handshake_clues(text: str) -> Iterator[Clue]:
    """A `dg-error` header line, or a WebSocket upgrade refused with an HTTP status."""
    for match in _DG_ERROR.finditer(text):
        inner = [c for c in _clues(match.group(1)) if c.weight >= STATUS]
        yield from inner
        yield Clue(
            Topic.WEBSOCKET, LIBRARY if not inner else 0.5, "a dg-error header (a refused handshake)", "dg-error"
        )
    for match in _WS_REJECTED.finditer(text):
        status = int(match.group(1))
        refused = status_topic(status)
        if refused is not None:
            yield Clue(refused, CODE, f"WebSocket handshake refused with HTTP {status}", str(status))
        yield Clue(Topic.WEBSOCKET, 0.6, "a refused WebSocket handshake", "server rejected WebSocket connection")


def _json_clues(text: str) -> Iterator[Clue]:
    """Fields of a JSON error body, whole or truncated (a regex reads what `json` cannot)."""
    fields: dict[str, str] = {}
    start, end = text.find("{"), text.rfind("}")
    if 0 <= start < end:
        try:
            data = json.loads(text[start : end + 1])
        except ValueError:
            data = None
        if isinstance(data, dict):
            fields = {k: v for k, v in data.items() if isinstance(v, str)}
    if not fields:
        fields = {m.group(1): m.group(2) for m in _JSON_FIELD.finditer(text)}
    seen: set[str] = set()
    for key in ("err_code", "error_code", "category"):
        value = fields.get(key, "").strip()
        code = re.sub(r"[\s-]+", "_", value.upper())
        if code in ERROR_CODES:
            seen.add(code)
            yield Clue(ERROR_CODES[code], CODE, f"{key} {value}", value)
    # A code quoted on its own ("PROJECT_NOT_FOUND when …"): upper case, as Deepgram writes it.
    for found in _BARE_CODE.finditer(text):
        if found.group(1) not in seen:
            yield Clue(ERROR_CODES[found.group(1)], CODE, found.group(1), found.group(1))


def _status_clues(text: str) -> Iterator[Clue]:
    seen: set[int] = set()
    for match in _STATUS_WITH_CONTEXT.finditer(text):
        status = int(match.group(1) or match.group(2))
        topic = status_topic(status)
        if topic is not None:
            seen.add(status)
            yield Clue(topic, STATUS, f"HTTP {status}", str(status))
    for match in _REASON.finditer(text):
        status = REASON_PHRASES[match.group(1).lower()]
        topic = status_topic(status)
        if topic is not None and status not in seen:
            seen.add(status)
            yield Clue(topic, BARE_STATUS, f"“{match.group(1)}” (HTTP {status})", match.group(1))
    for match in _BARE_STATUS.finditer(text):
        status = int(match.group(1))
        topic = status_topic(status)
        if topic is not None and status not in seen:
            yield Clue(topic, BARE_STATUS, f"HTTP {status}", str(status))
