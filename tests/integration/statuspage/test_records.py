"""The client's catalogue (components.json) and records (incidents.json, incidents/<id>.json,
scheduled-maintenances.json) against the fake status page, over real HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import httpx
import pytest

from bot.statuspage.client import StatusPageClient
from simworld.statuspage import DOWNSTREAM_ID, GROUP_ID, GROUP_NAME, FakeStatusPage


@pytest.fixture
async def page() -> AsyncIterator[FakeStatusPage]:
    async with FakeStatusPage() as fake:
        yield fake


@pytest.fixture
async def client(page: FakeStatusPage) -> AsyncIterator[StatusPageClient]:
    async with httpx.AsyncClient() as http:
        yield StatusPageClient(http, page.base_url, timeout=0.5)


def paths(page: FakeStatusPage) -> list[tuple[str, int]]:
    return [(r.path.removeprefix("/api/v2/"), r.status) for r in page.requests]


async def test_components_json_at_start_up_and_on_each_change(page: FakeStatusPage, client: StatusPageClient) -> None:
    """Read with the first summary, not on a 304, conditionally again when the summary changed."""
    first = await client.fetch_summary()
    assert paths(page) == [("summary.json", 200), ("components.json", 200)]
    ids = {c.id for c in first.components}
    assert GROUP_ID in ids and DOWNSTREAM_ID in ids and client.components == first.components
    downstream = next(c for c in first.components if c.id == DOWNSTREAM_ID)
    assert downstream.group_name == GROUP_NAME and downstream.name == "Voice Agent API: Downstream Providers"
    await client.fetch_summary()
    assert paths(page)[2:] == [("summary.json", 304)]
    page.set_component("Voice Agent API: Downstream Providers", "major_outage")
    changed = await client.fetch_summary()
    assert paths(page)[3:] == [("summary.json", 200), ("components.json", 200)]
    assert page.requests[-1].if_none_match  # conditional
    assert next(c for c in changed.components if c.id == DOWNSTREAM_ID).status == "major_outage"


async def test_a_failing_components_json_keeps_the_last_catalogue(
    page: FakeStatusPage, client: StatusPageClient
) -> None:
    good = await client.fetch_summary()
    page.set_component("TTS API", "degraded_performance")
    page.set_response("components.json", status=503, body="<html>down</html>")
    fetched = await client.fetch_summary()
    assert fetched.state == "fresh" and fetched.components == good.components


async def test_records_confirm_resolved_open_and_deleted(page: FakeStatusPage, client: StatusPageClient) -> None:
    resolved = page.open_incident("Resolved one", impact="major")
    page.resolve_incident(resolved)
    still = page.open_incident("Still open", impact="major")
    deleted = page.open_incident("Deleted one", impact="major")
    page.delete_incident(deleted)
    page.requests.clear()
    records = await client.fetch_records([resolved, still, deleted])
    assert records.incidents_read and not records.maintenances_read
    status = {i.id: i.status for i in records.incidents}
    assert status == {resolved: "resolved", still: "investigating"}
    assert records.incident_gone(deleted) and not records.incident_gone(resolved)
    # only the id incidents.json did not list is looked up on its own
    assert paths(page) == [("incidents.json", 200), (f"incidents/{deleted}.json", 404)]


async def test_the_own_json_answers_for_an_incident_incidents_json_does_not_list(
    page: FakeStatusPage, client: StatusPageClient
) -> None:
    incident = page.open_incident("Old one", impact="major")
    page.resolve_incident(incident)
    page.set_response(
        "incidents.json", status=200, body='{"incidents": []}', headers={"Content-Type": "application/json"}
    )
    records = await client.fetch_records([incident])
    found = records.incident(incident)
    assert found is not None and found.status == "resolved" and not records.incident_gone(incident)


async def test_unreadable_records_prove_nothing(page: FakeStatusPage, client: StatusPageClient) -> None:
    """incidents.json failing: not read, so nothing is gone even when the own JSON answers 404."""
    page.set_response("incidents.json", status=503, body="<html>down</html>")
    records = await client.fetch_records(["nosuchincid1"])
    assert not records.incidents_read and not records.incident_gone("nosuchincid1")
    page.set_response("scheduled-maintenances.json", status=200, body="<!DOCTYPE html>")
    records = await client.fetch_records(maintenances=True)
    assert records.incidents_read and not records.maintenances_read
    await page.stop()
    unreachable = await client.fetch_records(["x"], maintenances=True)
    assert not unreachable.incidents_read and not unreachable.maintenances_read and not unreachable.missing


async def test_maintenance_records_cancelled_completed_deleted(page: FakeStatusPage, client: StatusPageClient) -> None:
    cancelled = page.schedule_maintenance("Called off", starts_in=timedelta(hours=2), duration=timedelta(hours=1))
    page.cancel_maintenance(cancelled)
    done = page.schedule_maintenance("Done", starts_in=timedelta(0), duration=timedelta(hours=1))
    page.start_maintenance(done)
    page.complete_maintenance(done)
    deleted = page.schedule_maintenance("Deleted", starts_in=timedelta(0), duration=timedelta(hours=1))
    page.start_maintenance(deleted)
    page.delete_maintenance(deleted)
    records = await client.fetch_records(maintenances=True)
    called_off = records.maintenance(cancelled)
    assert called_off is not None and called_off.status == "completed"
    assert [u.status for u in called_off.updates] == ["completed", "scheduled"]  # never in progress
    completed = records.maintenance(done)
    assert completed is not None and "in_progress" in [u.status for u in completed.updates]
    assert records.maintenance_gone(deleted) and not records.maintenance_gone(done)
