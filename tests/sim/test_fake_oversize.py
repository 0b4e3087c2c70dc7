"""The `oversize` knobs of the fake Deepgram and the fake status page: the usual answer, exactly N bytes.

What the knob must keep faithful: the status, the headers the bot reads (`content-type`,
`dg-request-id`), a body that is still the route's own valid JSON (padded with whitespace, which JSON
allows) or a real MP3 start, `Content-Length` or chunked as asked, and only `times` answers affected.
On sockets: the first JSON message (or audio frame) padded, the rest of the session as usual.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import httpx
import pytest
from websockets.asyncio.client import connect

from simworld.deepgram import FakeDeepgram
from simworld.statuspage import FakeStatusPage

SIZE = 3 * 1024 * 1024 + 7


@pytest.fixture
async def dg() -> AsyncIterator[FakeDeepgram]:
    async with FakeDeepgram() as fake:
        yield fake


@pytest.fixture
async def page() -> AsyncIterator[FakeStatusPage]:
    async with FakeStatusPage() as fake:
        yield fake


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=5.0) as c:
        yield c


def tok(key: str) -> dict[str, str]:
    return {"Authorization": f"Token {key}"}


@pytest.mark.parametrize("declare_length", [True, False])
async def test_deepgram_json_route_is_its_own_answer_padded(
    dg: FakeDeepgram, client: httpx.AsyncClient, declare_length: bool
) -> None:
    usual = await client.get(dg.base_url + "/v1/projects", headers=tok(dg.api_key))
    dg.oversize("projects", SIZE, declare_length=declare_length)
    big = await client.get(dg.base_url + "/v1/projects", headers=tok(dg.api_key))
    assert big.status_code == 200 and len(big.content) == SIZE
    assert big.headers["content-type"].startswith("application/json") and big.headers["dg-request-id"]
    assert json.loads(big.content) == usual.json()
    if declare_length:
        assert big.headers["content-length"] == str(SIZE)
    else:
        assert "content-length" not in big.headers and big.headers["transfer-encoding"] == "chunked"
    assert dg.requests[-1].knob == "oversize" and dg.requests[-1].status == 200
    again = await client.get(dg.base_url + "/v1/projects", headers=tok(dg.api_key))
    assert again.content == usual.content  # times=1: the next answer is the usual one


async def test_deepgram_error_keeps_its_status(dg: FakeDeepgram, client: httpx.AsyncClient) -> None:
    usual = await client.get(dg.base_url + "/v1/projects", headers=tok("f" * 40))
    dg.oversize("projects", SIZE)
    big = await client.get(dg.base_url + "/v1/projects", headers=tok("f" * 40))
    assert big.status_code == usual.status_code == 401 and len(big.content) == SIZE
    assert json.loads(big.content).keys() == usual.json().keys()


async def test_deepgram_speak_is_an_mp3_padded(dg: FakeDeepgram, client: httpx.AsyncClient) -> None:
    dg.oversize("speak", SIZE, declare_length=False, times=2)
    for _ in range(2):
        big = await client.post(dg.base_url + "/v1/speak", headers=tok(dg.api_key), json={"text": "Hi"})
        assert big.status_code == 200 and big.headers["content-type"] == "audio/mpeg"
        assert big.content.startswith(b"ID3") and len(big.content) == SIZE
    usual = await client.post(dg.base_url + "/v1/speak", headers=tok(dg.api_key), json={"text": "Hi"})
    assert len(usual.content) < 10_000


async def test_deepgram_knob_is_validated(dg: FakeDeepgram) -> None:
    with pytest.raises(ValueError):
        dg.oversize("transcribe", SIZE)
    with pytest.raises(ValueError):
        dg.oversize("projects", 0)


async def test_a_reader_that_stops_early_does_not_upset_the_fake(dg: FakeDeepgram, client: httpx.AsyncClient) -> None:
    dg.oversize("projects", 64 * 1024 * 1024, declare_length=False)
    async with client.stream("GET", dg.base_url + "/v1/projects", headers=tok(dg.api_key)) as response:
        async for _ in response.aiter_bytes():
            break  # hang up after the first piece
    assert (await client.get(dg.base_url + "/v1/projects", headers=tok(dg.api_key))).status_code == 200


async def test_deepgram_socket_first_message_padded(dg: FakeDeepgram) -> None:
    """Flux's `Connected`, padded to SIZE bytes of valid JSON; the session goes on as usual."""
    dg.oversize("listen_v2", SIZE)
    url = f"{dg.ws_url}/v2/listen?model=flux-general-en&encoding=linear16&sample_rate=16000"
    async with connect(url, additional_headers=tok(dg.api_key), max_size=None) as ws:
        first = await ws.recv()
        assert isinstance(first, str) and len(first.encode()) == SIZE
        assert json.loads(first)["type"] == "Connected"


async def test_deepgram_listen_socket_first_message_padded(dg: FakeDeepgram) -> None:
    dg.oversize("listen_ws", SIZE)
    url = f"{dg.ws_url}/v1/listen?encoding=linear16&sample_rate=16000"
    async with connect(url, additional_headers=tok(dg.api_key), max_size=None) as ws:
        await ws.send(json.dumps({"type": "CloseStream"}))
        first = await ws.recv()
        assert isinstance(first, str) and len(first.encode()) == SIZE and json.loads(first)["type"]


async def test_deepgram_tts_socket_first_audio_frame_padded(dg: FakeDeepgram) -> None:
    """With `binary`, the first audio frame is padded with silence (zero samples) instead."""
    dg.oversize("speak_ws", SIZE, binary=True)
    url = f"{dg.ws_url}/v1/speak?model=aura-2-thalia-en&encoding=linear16&sample_rate=24000"
    async with connect(url, additional_headers=tok(dg.api_key), max_size=None) as ws:
        await ws.send(json.dumps({"type": "Speak", "text": "Hello there."}))
        await ws.send(json.dumps({"type": "Flush"}))
        frames = []
        while True:
            message = await ws.recv()
            if isinstance(message, bytes):
                frames.append(message)
            elif json.loads(message)["type"] == "Flushed":
                break
    assert len(frames[0]) == SIZE and frames[0].endswith(bytes(1024))
    assert all(len(f) < SIZE for f in frames[1:])


@pytest.mark.parametrize("declare_length", [True, False])
async def test_status_page_summary_is_the_page_padded(
    page: FakeStatusPage, client: httpx.AsyncClient, declare_length: bool
) -> None:
    usual = await client.get(page.base_url + "/api/v2/summary.json")
    page.oversize("summary.json", SIZE, declare_length=declare_length)
    # Validators are ignored: even a conditional request gets the whole (oversized) page.
    big = await client.get(page.base_url + "/api/v2/summary.json", headers={"If-None-Match": usual.headers["ETag"]})
    assert big.status_code == 200 and len(big.content) == SIZE
    assert big.headers["content-type"].startswith("application/json")
    assert json.loads(big.content) == usual.json()
    assert ("content-length" in big.headers) is declare_length
    assert page.requests[-1].status == 200
    after = await client.get(page.base_url + "/api/v2/summary.json")
    assert after.content == usual.content


async def test_status_page_any_path_and_until_reset(page: FakeStatusPage, client: httpx.AsyncClient) -> None:
    page.oversize("*", SIZE, times=None)
    for path in ("/api/v2/incidents.json", "/api/v2/components.json", "/api/v2/incidents.json"):
        assert len((await client.get(page.base_url + path)).content) == SIZE
    page.reset()
    assert len((await client.get(page.base_url + "/api/v2/incidents.json")).content) < SIZE
    with pytest.raises(ValueError):
        page.oversize("summary.json", 0)
