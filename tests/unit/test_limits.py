"""`bot.limits`: the caps as the user reads them, and the capped read (in memory, through httpx.MockTransport)."""

from __future__ import annotations

import gzip
from collections.abc import AsyncIterator

import httpx
import pytest

from bot.limits import (
    DEEPGRAM_JSON_MAX,
    MB,
    STATUS_PAGE_JSON_MAX,
    TTS_AUDIO_MAX,
    Answer,
    TooLarge,
    fetch,
    format_size,
    tts_audio_cap,
)


def test_sizes_in_words() -> None:
    assert [format_size(n) for n in (900, 2048, 323_536, MB, 3 * MB // 2, DEEPGRAM_JSON_MAX)] == [
        "900 bytes",
        "2 KB",
        "316 KB",
        "1 MB",
        "1.5 MB",
        "4 MB",
    ]
    assert STATUS_PAGE_JSON_MAX == DEEPGRAM_JSON_MAX == 4 * MB


def test_tts_cap_grows_with_the_text_up_to_the_ceiling() -> None:
    assert tts_audio_cap(43) == 64 * 1024 + 43 * 6000
    assert tts_audio_cap(1000) == 64 * 1024 + 6_000_000  # Aura-2's longest piece
    assert tts_audio_cap(2000) == TTS_AUDIO_MAX  # Aura-1's: the hard ceiling
    assert tts_audio_cap(-5) == 64 * 1024


class Unread(httpx.AsyncByteStream):
    """A body that fails the test if anyone reads it."""

    async def __aiter__(self) -> AsyncIterator[bytes]:
        raise AssertionError("the body was read")
        yield b""  # pragma: no cover


class Trickle(httpx.AsyncByteStream):
    """`total` bytes in 64 KB pieces, counting how many were handed out."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.sent = 0

    async def __aiter__(self) -> AsyncIterator[bytes]:
        while self.sent < self.total:
            piece = b" " * min(65536, self.total - self.sent)
            self.sent += len(piece)
            yield piece


async def run(handler: httpx.MockTransport, limit: int) -> Answer | TooLarge:
    async with httpx.AsyncClient(transport=handler) as http:
        return await fetch(http, "GET", "http://deepgram.test/v1/projects", limit=limit)


async def test_content_length_decides_before_reading() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        headers = {"Content-Length": str(10 * MB), "dg-request-id": "rid-1"}
        return httpx.Response(200, headers=headers, stream=Unread())

    got = await run(httpx.MockTransport(answer), MB)
    assert got == TooLarge(MB, 200, "rid-1")


async def test_chunked_body_is_dropped_once_past_the_cap() -> None:
    trickle = Trickle(10 * MB)
    got = await run(httpx.MockTransport(lambda request: httpx.Response(503, stream=trickle)), MB)
    assert got == TooLarge(MB, 503, None)
    assert trickle.sent <= MB + 65536  # stopped at the first piece past the cap


@pytest.mark.parametrize("size", [MB, MB - 1])
async def test_up_to_the_cap_is_an_answer(size: int) -> None:
    got = await run(httpx.MockTransport(lambda request: httpx.Response(200, stream=Trickle(size))), MB)
    assert isinstance(got, Answer) and len(got.content) == size and got.is_success


async def test_a_compressed_body_counts_what_it_expands_to() -> None:
    """A 10 KB gzip of 10 MB of spaces (a small `Content-Length`) is still too large."""
    packed = gzip.compress(b" " * (10 * MB))
    assert len(packed) < 20_000

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"Content-Encoding": "gzip"}, content=packed)

    assert await run(httpx.MockTransport(answer), MB) == TooLarge(MB, 200, None)


async def test_answer_json() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"projects": []})

    got = await run(httpx.MockTransport(answer), MB)
    assert isinstance(got, Answer) and got.json() == {"projects": []}
    empty = Answer(200, httpx.Headers(), b"")
    with pytest.raises(ValueError):
        empty.json()
