"""The status-page client when the page answers with far too much: an error that says so, the last good reads kept."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from bot.limits import STATUS_PAGE_JSON_MAX
from bot.statuspage.client import StatusPageClient
from simworld.statuspage import FakeStatusPage

TEN_MB = 10 * 1024 * 1024


@pytest.fixture
async def page() -> AsyncIterator[FakeStatusPage]:
    async with FakeStatusPage() as fake:
        yield fake


@pytest.fixture
async def client(page: FakeStatusPage) -> AsyncIterator[StatusPageClient]:
    async with httpx.AsyncClient() as http:
        yield StatusPageClient(http, page.base_url, timeout=2.0)


@pytest.mark.parametrize("declare_length", [True, False], ids=["content-length", "chunked"])
async def test_oversized_summary_is_an_error_naming_the_cap(
    page: FakeStatusPage, client: StatusPageClient, declare_length: bool
) -> None:
    good = await client.fetch_summary()
    page.oversize("summary.json", TEN_MB, declare_length=declare_length)
    fetched = await client.fetch_summary()
    assert (fetched.state, fetched.http_status, fetched.problem) == ("error", 200, "answered with more than 4 MB")
    assert fetched.summary is good.summary and fetched.components == good.components
    assert (await client.fetch_summary()).state == "unchanged"  # the next poll is as before


async def test_first_poll_oversized_has_no_summary(page: FakeStatusPage, client: StatusPageClient) -> None:
    page.oversize("summary.json", TEN_MB)
    fetched = await client.fetch_summary()
    assert fetched.state == "error" and fetched.summary is None and fetched.problem == "answered with more than 4 MB"


async def test_exactly_the_cap_is_still_read(page: FakeStatusPage, client: StatusPageClient) -> None:
    """The page's own summary padded to exactly 4 MB is valid JSON, and read; one byte more is not."""
    page.oversize("summary.json", STATUS_PAGE_JSON_MAX, declare_length=False)
    assert (await client.fetch_summary()).state == "fresh"
    page.set_component("TTS API", "degraded_performance")
    page.oversize("summary.json", STATUS_PAGE_JSON_MAX + 1, declare_length=False)
    assert (await client.fetch_summary()).state == "error"


async def test_oversized_catalogue_keeps_the_last_one(page: FakeStatusPage, client: StatusPageClient) -> None:
    first = await client.fetch_summary()
    assert first.components
    page.set_component("TTS API", "degraded_performance")  # the summary changes, so the catalogue is re-read
    page.oversize("components.json", TEN_MB)
    second = await client.fetch_summary()
    assert second.state == "fresh" and second.components == first.components


async def test_oversized_records_are_not_taken_as_read(page: FakeStatusPage, client: StatusPageClient) -> None:
    """An oversized incidents.json is "could not read", so nothing is taken for resolved or deleted."""
    incident = page.open_incident("Elevated streaming latency", components=("Streaming API",))
    page.oversize("incidents.json", TEN_MB)
    page.oversize("scheduled-maintenances.json", TEN_MB, declare_length=False)
    records = await client.fetch_records((incident,), maintenances=True)
    assert (records.incidents_read, records.maintenances_read) == (False, False)
    assert incident not in records.missing
    assert [i.id for i in records.incidents] == [incident]  # read from its own, normal-sized JSON
