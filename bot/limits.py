"""How much the bot reads from any remote answer, and the one way it reads an HTTP body: streamed, capped.

A body is never read whole and then judged: `fetch` sends the request with `client.stream`, refuses at
once when `Content-Length` already says the body is too large, and otherwise counts the (decoded) bytes
as they arrive, stopping as soon as the cap is passed. What was read so far is dropped and the
connection closed, so an oversized answer costs at most the cap in memory, plus one network read (or
what that read decompresses to: httpx decodes gzip a read at a time). The caller gets a typed
`TooLarge` instead of an `Answer` and says so in its own words (a failed probe, a key-check line, a
status-page error, a speak error).

The caps (bytes; 1 MB here is 2**20):

* `DEEPGRAM_JSON_MAX`, 4 MB: the largest JSON the bot reads from Deepgram is a key list of a busy
  project or the model list (tens to a few hundred KB); the pre-recorded transcript of the probe clip
  is a few KB. Error bodies share the cap.
* `STATUS_PAGE_JSON_MAX`, 4 MB: `incidents.json` (the 50 latest incidents with all their updates) is
  the largest status-page document, typically 100–300 KB; `summary.json` is tens of KB.
* TTS audio (`tts_audio_cap`): Deepgram's MP3 is at most 48 kbit/s = `MP3_BYTES_PER_SECOND` (6,000
  bytes a second; `bit_rate` is 32000 or 48000, deepgram.md §3.3). Speech runs at about 15 characters
  a second; digits and symbols read out longer ("1999", "%"), and `speed` may be as low as 0.7. The cap
  allows a whole second of audio per character (`SECONDS_PER_CHARACTER`, about 15 times the real
  need) plus `TTS_AUDIO_OVERHEAD` (64 KB: ID3 tag, silence at the ends), and never more than
  `TTS_AUDIO_MAX` (8 MB, 23 minutes at 48 kbit/s; the longest piece Deepgram takes, 2,000 characters,
  is about 2–3 minutes, 1 MB). The TTS probe's 43-character sentence may bring 316 KB.
* WebSockets (`websockets`' `max_size`, per message): `WS_TEXT_MAX`, 1 MB, on the sockets that carry
  only JSON (listen, Flux): a `Results` or `TurnInfo` message is a few KB. `WS_AUDIO_MAX`, 4 MB, on the
  sockets that also carry audio (TTS socket, Voice Agent): 4 MB is 87 seconds of linear16 at 24 kHz
  (48,000 bytes a second) in one frame, while the probes ask for one short sentence (about 3 s, 150 KB
  even if it all came in one frame). `websockets` has one limit per connection (its tuple form is
  message vs fragment, not text vs binary), so the audio sockets' JSON messages share the audio bound.
  A message over the limit makes `websockets` close the connection with 1009 (message too big) without
  reading the payload; `bot.probes.wsio.too_large` recognises that close.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any

import httpx

__all__ = [
    "DEEPGRAM_JSON_MAX",
    "MB",
    "MP3_BYTES_PER_SECOND",
    "SECONDS_PER_CHARACTER",
    "STATUS_PAGE_JSON_MAX",
    "TTS_AUDIO_MAX",
    "TTS_AUDIO_OVERHEAD",
    "WS_AUDIO_MAX",
    "WS_TEXT_MAX",
    "Answer",
    "TooLarge",
    "fetch",
    "format_size",
    "read_at_most",
    "tts_audio_cap",
]

KB = 1024
MB = 1024 * KB

DEEPGRAM_JSON_MAX = 4 * MB
STATUS_PAGE_JSON_MAX = 4 * MB

MP3_BYTES_PER_SECOND = 48_000 // 8
SECONDS_PER_CHARACTER = 1.0
TTS_AUDIO_OVERHEAD = 64 * KB
TTS_AUDIO_MAX = 8 * MB

WS_TEXT_MAX = 1 * MB
WS_AUDIO_MAX = 4 * MB


def tts_audio_cap(characters: int) -> int:
    """The most MP3 bytes `characters` characters of text can become (see the module's arithmetic)."""
    per_text = math.ceil(max(0, characters) * SECONDS_PER_CHARACTER * MP3_BYTES_PER_SECOND)
    return min(TTS_AUDIO_OVERHEAD + per_text, TTS_AUDIO_MAX)


def format_size(size: int) -> str:
    """`4 MB`, `322 KB`, `900 bytes`: a cap as a reader says it (1 MB = 2**20 bytes)."""
    if size >= MB:
        return f"{size / MB:.3g} MB"
    if size >= KB:
        return f"{size / KB:.0f} KB"
    return f"{size} bytes"


@dataclass(frozen=True)
class TooLarge:
    """An answer that was larger than `limit` bytes; it was not read (beyond the limit)."""

    limit: int
    status_code: int | None = None
    request_id: str | None = None  # Deepgram's `dg-request-id`, when the answer carried one

    @property
    def size(self) -> str:
        """The limit in words: `4 MB`."""
        return format_size(self.limit)


@dataclass(frozen=True)
class Answer:
    """A whole (capped) HTTP answer: what callers used from `httpx.Response`, with the body in memory."""

    status_code: int
    headers: httpx.Headers
    content: bytes

    @property
    def is_success(self) -> bool:
        return 200 <= self.status_code < 300

    def json(self) -> Any:
        """The body as JSON; `ValueError` when it is not JSON (or not UTF-8/16/32)."""
        return json.loads(self.content)


def _declared(response: httpx.Response) -> int | None:
    value = response.headers.get("content-length", "")
    return int(value) if value.isdigit() else None


async def read_at_most(response: httpx.Response, limit: int) -> bytes | TooLarge:
    """The body of a streamed `response`, or `TooLarge` as soon as it is known to exceed `limit` bytes.

    `Content-Length` decides before anything is read; otherwise the decoded bytes are counted as they
    arrive (a compressed body is judged by what it expands to).
    """
    too_large = TooLarge(limit, response.status_code, response.headers.get("dg-request-id"))
    declared = _declared(response)
    if declared is not None and declared > limit:
        return too_large
    body = bytearray()
    async for chunk in response.aiter_bytes():
        if len(body) + len(chunk) > limit:
            return too_large
        body += chunk
    return bytes(body)


async def fetch(http: httpx.AsyncClient, method: str, url: str, *, limit: int, **kwargs: Any) -> Answer | TooLarge:
    """Send one request and read at most `limit` bytes of the answer; httpx's exceptions pass through.

    `kwargs` are `httpx.AsyncClient.stream`'s (headers, params, json, content, timeout, extensions…).
    """
    async with http.stream(method, url, **kwargs) as response:
        body = await read_at_most(response, limit)
        if isinstance(body, TooLarge):
            return body
        return Answer(response.status_code, response.headers, body)
