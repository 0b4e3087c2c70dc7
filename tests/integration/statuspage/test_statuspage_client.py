"""The status-page client against the fake status page, over real HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from bot.statuspage.client import StatusPageClient
from simworld.statuspage import FakeStatusPage


@pytest.fixture
async def page() -> AsyncIterator[FakeStatusPage]:
    async with FakeStatusPage() as fake:
        yield fake


@pytest.fixture
async def client(page: FakeStatusPage) -> AsyncIterator[StatusPageClient]:
    async with httpx.AsyncClient() as http:
        yield StatusPageClient(http, page.base_url, timeout=0.5)


async def test_conditional_get_and_change(page: FakeStatusPage, client: StatusPageClient) -> None:
    """The second poll sends the validators and gets 304; a change is fetched fresh."""
    first = await client.fetch_summary()
    assert first.state == "fresh" and first.summary is not None and first.summary.indicator == "none"
    second = await client.fetch_summary()
    assert second.state == "unchanged" and second.summary is first.summary
    assert page.requests[-1].status == 304 and page.requests[-1].if_none_match
    page.set_component("Streaming API", "major_outage")
    third = await client.fetch_summary()
    assert third.state == "fresh" and third.summary is not None
    streaming = next(c for c in third.summary.components if c.name == "Streaming API")
    assert streaming.status == "major_outage" and streaming.group_name


@pytest.mark.parametrize(
    ("status", "body", "problem"),
    [
        (503, b"<html>Service Unavailable</html>", "answered HTTP 503"),
        (200, b"<!DOCTYPE html><html>maintenance page</html>", "not a status summary"),
        (200, b'{"page": {"name": "Deepgram"', "not a status summary"),
    ],
)
async def test_failures_keep_last_good_summary(
    page: FakeStatusPage, client: StatusPageClient, status: int, body: bytes, problem: str
) -> None:
    """5xx, HTML and truncated JSON come back as errors that still carry the last good summary."""
    good = await client.fetch_summary()
    page.set_component("TTS API", "degraded_performance")  # so the next request is not a 304
    page.set_response("summary.json", status=status, body=body)
    failed = await client.fetch_summary()
    assert failed.state == "error" and problem in (failed.problem or "")
    assert failed.summary is good.summary


async def test_timeout_and_unreachable(page: FakeStatusPage) -> None:
    """A slow page times out and a closed port is unreachable; neither raises."""
    page.latency = 2.0
    async with httpx.AsyncClient() as http:
        slow = await StatusPageClient(http, page.base_url, timeout=0.2).fetch_summary()
        assert slow.state == "error" and slow.problem == "timed out" and slow.summary is None
        page.latency = 0.0
        port = page.port
        await page.stop()
        gone = await StatusPageClient(http, f"http://127.0.0.1:{port}", timeout=0.5).fetch_summary()
        assert gone.state == "error" and (gone.problem or "").startswith("unreachable")


@pytest.mark.parametrize(
    ("body", "state"),
    [
        (b'{"status": {"indicator": "minor"}, "components": 5, "incidents": {"id": 1}}', "fresh"),
        (b'{"status": {"indicator": "none"}, "components": [{"id": 1e999, "position": 1e999}]}', "fresh"),
        (
            b'{"status": {"indicator": "none"}, "incidents": [{"id": "i", "components": 5, "incident_updates": 7}]}',
            "fresh",
        ),
        (b'{"status": {"indicator": "none"}, "components": [{"id": ' + b"9" * 5000 + b"}]}", "error"),
        (b"[" * 100_000 + b"]" * 100_000, "error"),
    ],
    ids=["components-5", "infinities", "incident-fields", "huge-int", "deep-nesting"],
)
async def test_wrong_types_never_raise(page: FakeStatusPage, client: StatusPageClient, body: bytes, state: str) -> None:
    """Whatever JSON the page sends, the client answers fresh (tolerated) or error, and raises nothing."""
    page.set_response("summary.json", status=200, body=body, headers={"Content-Type": "application/json"})
    fetched = await client.fetch_summary()
    assert fetched.state == state
    if state == "fresh":
        assert fetched.summary is not None and fetched.summary.components == ()
    else:
        assert fetched.problem == "answered with something that is not a status summary"
