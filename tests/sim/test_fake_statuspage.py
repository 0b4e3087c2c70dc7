"""The fake status.deepgram.com, exercised with the real httpx.AsyncClient over loopback.

Shapes are checked against the real Statuspage payloads in `data/statuspage/` and the enums of
`reference/statuspage.md` §2 (hard-coded here, independently of the fake's own constants).
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import AsyncIterator, Iterator
from collections.abc import Set as AbstractSet
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from simworld.statuspage import DOWNSTREAM_ID, GROUP_ID, FakeStatusPage

# -- §2 enums and description strings --------------------------------------------------------------

COMPONENT_STATUSES = {"operational", "degraded_performance", "partial_outage", "major_outage", "under_maintenance"}
INCIDENT_STATUSES = {"investigating", "identified", "monitoring", "resolved", "postmortem"}
MAINTENANCE_STATUSES = {"scheduled", "in_progress", "verifying", "completed"}
IMPACTS = {"none", "minor", "major", "critical"}
INDICATORS = {"none", "minor", "major", "critical", "maintenance"}
DESCRIPTIONS = {
    "All Systems Operational",
    "Minor Service Outage",
    "Partially Degraded Service",
    "Partial System Outage",
    "Major System Outage",
    "Service Under Maintenance",
}
CHILDREN = [
    "Batch API",
    "Streaming API",
    "TTS API",
    "Voice Agent API",
    "Usage API",
    "Management APIs",
    "Voice Agent API: Downstream Providers",
]
ID_RE = re.compile(r"^[0-9a-z]{12}$")
STAMP_RE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}(Z|[+-]\d\d:\d\d)$")
ATOM = "{http://www.w3.org/2005/Atom}"
API = "/api/v2/"
ENDPOINTS = [
    "summary.json",
    "status.json",
    "components.json",
    "incidents.json",
    "incidents/unresolved.json",
    "scheduled-maintenances.json",
    "scheduled-maintenances/upcoming.json",
    "scheduled-maintenances/active.json",
]
TOP_KEYS = {
    "summary.json": {"page", "components", "incidents", "scheduled_maintenances", "status"},
    "status.json": {"page", "status"},
    "components.json": {"page", "components"},
    "incidents.json": {"page", "incidents"},
    "incidents/unresolved.json": {"page", "incidents"},
    "scheduled-maintenances.json": {"page", "scheduled_maintenances"},
    "scheduled-maintenances/upcoming.json": {"page", "scheduled_maintenances"},
    "scheduled-maintenances/active.json": {"page", "scheduled_maintenances"},
}


class Clock:
    """A hand-driven clock: tests move time instead of sleeping."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def tick(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock() -> Clock:
    """A clock frozen at a winter instant (PST, for the time-zone checks)."""
    return Clock(datetime(2026, 1, 15, 12, 0, 0, 123456, tzinfo=UTC))


@pytest.fixture
async def sp(clock: Clock) -> AsyncIterator[FakeStatusPage]:
    """A started fake page on the test clock."""
    async with FakeStatusPage(clock=clock) as page:
        yield page


@pytest.fixture
async def client(sp: FakeStatusPage) -> AsyncIterator[httpx.AsyncClient]:
    """The real httpx client, pointed at the fake."""
    async with httpx.AsyncClient(base_url=sp.base_url, timeout=5) as c:
        yield c


@pytest.fixture(scope="module")
def cloudamqp(reference_data: Path) -> dict[str, Any]:
    """The real modern summary.json (status.cloudamqp.com during maintenance)."""
    data: dict[str, Any] = json.loads(
        (reference_data / "statuspage/statuscheck_cloudamqp_maintenance_summary.json").read_text()
    )
    return data


async def get_json(client: httpx.AsyncClient, name: str) -> Any:
    """GET `/api/v2/<name>` and decode it, insisting on 200."""
    response = await client.get(API + name)
    assert response.status_code == 200, response.text
    return response.json()


def objects(payload: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every (kind, object) in a payload: components, incidents, maintenances, updates, affected."""
    for comp in payload.get("components", []):
        yield "component", comp
    for kind, key in (("incident", "incidents"), ("maintenance", "scheduled_maintenances")):
        for item in payload.get(key, []):
            yield kind, item
            for comp in item["components"]:
                yield "component", comp
            for update in item["incident_updates"]:
                yield f"{kind}_update", update
                for entry in update["affected_components"] or []:
                    yield "affected", entry


def assert_enums(payload: dict[str, Any]) -> None:
    """Every enum in `payload` is one §2 allows, every id and timestamp looks real."""
    if "status" in payload:
        assert payload["status"]["indicator"] in INDICATORS
        assert payload["status"]["description"] in DESCRIPTIONS
    assert STAMP_RE.match(payload["page"]["updated_at"])
    for kind, obj in objects(payload):
        if kind == "affected":
            assert {obj["old_status"], obj["new_status"]} <= COMPONENT_STATUSES
            continue
        assert ID_RE.match(obj["id"]), obj["id"]
        for key in ("created_at", "updated_at", "display_at", "started_at", "resolved_at", "scheduled_for"):
            if obj.get(key) is not None:
                assert STAMP_RE.match(obj[key]), (key, obj[key])
        if kind == "component":
            assert obj["status"] in COMPONENT_STATUSES
        elif kind == "incident":
            assert obj["status"] in INCIDENT_STATUSES and obj["impact"] in IMPACTS
            assert obj["shortlink"] == f"https://stspg.io/{obj['id']}"
        elif kind == "maintenance":
            assert obj["status"] in MAINTENANCE_STATUSES and obj["impact"] == "maintenance"
        elif kind == "incident_update":
            assert obj["status"] in INCIDENT_STATUSES
        else:
            assert obj["status"] in MAINTENANCE_STATUSES


def json_type(value: Any) -> str:
    """The JSON type name of a decoded value."""
    names = {bool: "boolean", int: "number", float: "number", str: "string", list: "array", dict: "object"}
    return "null" if value is None else names[type(value)]


def assert_like(ours: dict[str, Any], real: dict[str, Any], extra: AbstractSet[str] = frozenset()) -> None:
    """Same keys as the real object (plus `extra`), and the same JSON type wherever both are set."""
    assert set(ours) == set(real) | extra, set(ours) ^ (set(real) | extra)
    for key, value in real.items():
        if value is not None and ours[key] is not None:
            assert json_type(ours[key]) == json_type(value), key


def href(entry: ET.Element) -> str:
    """The `href` of an Atom entry's link."""
    link = entry.find(f"{ATOM}link")
    assert link is not None
    return link.get("href", "")


def busy_page(sp: FakeStatusPage) -> tuple[str, str]:
    """An open incident with updates plus an in-progress maintenance; returns their ids."""
    inc = sp.open_incident("Elevated streaming errors", components=("streaming",))
    sp.update_incident(inc, "identified", affected_components=["streaming"])
    mnt = sp.schedule_maintenance(
        "Batch upgrade", starts_in=timedelta(0), duration=timedelta(hours=1), components=["batch"]
    )
    sp.start_maintenance(mnt)
    return inc, mnt


# -- shapes --------------------------------------------------------------------------------------


async def test_summary_objects_have_the_real_modern_key_sets(
    sp: FakeStatusPage, client: httpx.AsyncClient, cloudamqp: dict[str, Any]
) -> None:
    """Page, component, incident, update and maintenance objects have the real payload's keys and JSON types."""
    busy_page(sp)
    body = await get_json(client, "summary.json")
    real_mnt = cloudamqp["scheduled_maintenances"][0]
    real_comp = cloudamqp["components"][0]
    real_update = real_mnt["incident_updates"][0]
    assert list(body) == list(cloudamqp)  # same top-level keys, same order
    assert_like(body["page"], cloudamqp["page"])
    for comp in body["components"]:
        # §2 adds start_date to the 2020 example's keys; only groups carry `components`.
        assert_like(comp, real_comp, {"start_date", "components"} if comp["group"] else {"start_date"})
    (mnt,) = body["scheduled_maintenances"]
    assert_like(mnt, real_mnt)
    (inc,) = body["incidents"]
    incident_real = {k: v for k, v in real_mnt.items() if k not in ("scheduled_for", "scheduled_until")}
    assert_like(inc, incident_real)
    for item in (inc, mnt):
        for update in item["incident_updates"]:
            assert_like(update, real_update)
            for entry in update["affected_components"] or []:
                assert_like(entry, real_update["affected_components"][0])
        for comp in item["components"]:
            assert_like(comp, real_comp, {"start_date"})
    assert_enums(body)


async def test_every_endpoint_has_its_shape_and_valid_enums(sp: FakeStatusPage, client: httpx.AsyncClient) -> None:
    """All eight JSON endpoints answer 200 with their §1 top-level keys and §2 enums."""
    busy_page(sp)
    for name in ENDPOINTS:
        response = await client.get(API + name)
        assert response.status_code == 200
        assert response.headers["content-type"] == "application/json; charset=utf-8"
        body = response.json()
        assert set(body) == TOP_KEYS[name], name
        assert_enums(body)


async def test_timestamps_carry_the_page_offset_with_milliseconds(clock: Clock) -> None:
    """A Los Angeles page writes -08:00 in winter and -07:00 in summer; a UTC page writes Z."""
    async with FakeStatusPage(clock=clock, time_zone="America/Los_Angeles") as la:
        assert la.payload("status.json")["page"]["updated_at"] == "2026-01-15T04:00:00.123-08:00"
        assert la.payload("status.json")["page"]["time_zone"] == "America/Los_Angeles"
        clock.now = datetime(2026, 7, 1, 19, 30, tzinfo=UTC)
        la.open_incident("Summer blip")
        inc = la.payload("incidents.json")["incidents"][0]
        assert inc["created_at"] == "2026-07-01T12:30:00.000-07:00"
        assert inc["incident_updates"][0]["display_at"].endswith("-07:00")
    async with FakeStatusPage(clock=clock) as utc:
        assert utc.payload("status.json")["page"]["updated_at"] == "2026-07-01T19:30:00.000Z"


# -- conditional requests (§6) -------------------------------------------------------------------


async def test_etag_and_last_modified_give_304_until_the_state_changes(
    sp: FakeStatusPage, client: httpx.AsyncClient, clock: Clock
) -> None:
    """Matching If-None-Match or If-Modified-Since gets an empty 304; a change gets 200 with a new ETag."""
    first = await client.get(API + "summary.json")
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    assert re.fullmatch(r'"[0-9a-f]{32}"', etag)
    assert first.headers["cache-control"].startswith("max-age=")
    assert parsedate_to_datetime(modified) == clock.now.replace(microsecond=0)

    again = await client.get(API + "summary.json", headers={"If-None-Match": etag})
    assert (again.status_code, again.content, again.headers["etag"]) == (304, b"", etag)
    weak = await client.get(API + "summary.json", headers={"If-None-Match": f'"nope", W/{etag}'})
    assert weak.status_code == 304
    since = await client.get(API + "summary.json", headers={"If-Modified-Since": modified})
    assert since.status_code == 304 and since.content == b""
    stale = await client.get(API + "summary.json", headers={"If-None-Match": '"other"', "If-Modified-Since": modified})
    assert stale.status_code == 200  # If-None-Match wins over If-Modified-Since

    sp.set_component("streaming", "operational")  # identical state: nothing changes
    assert (await client.get(API + "summary.json")).headers["etag"] == etag

    clock.tick(seconds=30)
    sp.set_component("streaming", "partial_outage")
    changed = await client.get(API + "summary.json", headers={"If-None-Match": etag, "If-Modified-Since": modified})
    assert changed.status_code == 200 and changed.headers["etag"] != etag
    assert parsedate_to_datetime(changed.headers["last-modified"]) > parsedate_to_datetime(modified)
    assert [(r.path, r.status) for r in sp.requests][-1] == (API + "summary.json", 200)
    assert sp.requests[1].if_none_match == etag and sp.requests[3].if_modified_since == modified


async def test_last_modified_moves_even_within_one_second(sp: FakeStatusPage, client: httpx.AsyncClient) -> None:
    """Two changes on a frozen clock still yield distinct Last-Modified values, so If-Modified-Since never hides one."""
    before = (await client.get(API + "status.json")).headers["last-modified"]
    sp.set_component("tts", "degraded_performance")
    response = await client.get(API + "status.json", headers={"If-Modified-Since": before})
    assert response.status_code == 200
    assert parsedate_to_datetime(response.headers["last-modified"]) > parsedate_to_datetime(before)
    # A client clock ahead of the page still gets 304.
    future = format_datetime(datetime(2030, 1, 1, tzinfo=UTC), usegmt=True)
    assert (await client.get(API + "status.json", headers={"If-Modified-Since": future})).status_code == 304


# -- components and the computed indicator (§2) --------------------------------------------------


async def test_group_and_children_are_consistent(sp: FakeStatusPage, client: httpx.AsyncClient) -> None:
    """The Deepgram group (cv8l6gg3cb9d) lists its seven children, each pointing back with group_id."""
    comps = (await get_json(client, "components.json"))["components"]
    by_id = {c["id"]: c for c in comps}
    group = by_id[GROUP_ID]
    assert group["group"] is True and group["name"] == "Deepgram Public API (api.deepgram.com)"
    assert [by_id[c]["name"] for c in group["components"]] == CHILDREN
    assert {c["id"] for c in comps if c["group_id"] == GROUP_ID} == set(group["components"])
    assert all("components" not in c and c["group"] is False for c in comps if c["id"] != GROUP_ID)
    assert by_id[DOWNSTREAM_ID]["name"] == "Voice Agent API: Downstream Providers"
    assert all(ID_RE.match(c["id"]) for c in comps) and len(by_id) == 8

    sp.set_component("downstream", "partial_outage")
    comps = (await get_json(client, "components.json"))["components"]
    statuses = {c["name"]: c["status"] for c in comps}
    assert statuses["Voice Agent API: Downstream Providers"] == "partial_outage"
    assert statuses["Voice Agent API"] == "operational"
    assert statuses[group["name"]] == "partial_outage"  # the group shows its worst child


async def test_component_lookup_is_loose_but_unambiguous(sp: FakeStatusPage) -> None:
    """Ids, names, prefixes and names without "API" resolve; an ambiguous query raises KeyError."""
    comps = {c["name"]: c["id"] for c in sp.payload("components.json")["components"]}
    assert sp.component_id("streaming") == comps["Streaming API"]
    assert sp.component_id("Voice Agent") == comps["Voice Agent API"]
    assert sp.component_id("downstream") == DOWNSTREAM_ID
    assert sp.component_id("management") == comps["Management APIs"]
    assert sp.component_id(GROUP_ID) == GROUP_ID
    with pytest.raises(KeyError, match="ambiguous"):
        sp.component_id("api")
    with pytest.raises(KeyError, match="no component"):
        sp.component_id("billing")


async def test_indicator_is_computed_from_components_not_incident_impact(
    sp: FakeStatusPage, client: httpx.AsyncClient
) -> None:
    """A major-impact incident over degraded components reads minor; outages and maintenance map per §2."""
    inc = sp.open_incident("Big words", impact="major", component_status="degraded_performance")
    status = (await get_json(client, "status.json"))["status"]
    assert status == {"indicator": "minor", "description": "Partially Degraded Service"}
    assert (await get_json(client, "incidents/unresolved.json"))["incidents"][0]["impact"] == "major"

    sp.set_component("batch", "partial_outage")
    assert (await get_json(client, "status.json"))["status"]["description"] == "Minor Service Outage"
    sp.set_component("tts", "major_outage")
    assert (await get_json(client, "status.json"))["status"] == {
        "indicator": "major",
        "description": "Partial System Outage",
    }
    sp.set_component("Deepgram Public API", "major_outage")  # the group sets every child
    assert (await get_json(client, "status.json"))["status"] == {
        "indicator": "critical",
        "description": "Major System Outage",
    }
    sp.resolve_incident(inc)
    sp.set_component("Deepgram Public API", "operational")
    sp.set_component("usage", "under_maintenance")
    assert (await get_json(client, "summary.json"))["status"] == {
        "indicator": "maintenance",
        "description": "Service Under Maintenance",
    }
    sp.set_component("usage", "operational")
    assert (await get_json(client, "status.json"))["status"]["indicator"] == "none"


async def test_automated_incident_impact_is_derived_from_components(sp: FakeStatusPage) -> None:
    """With impact=None the incident impact follows its components (§3.3), here partial outage -> major."""
    sp.open_incident("Monitor blip", impact=None, components=["batch"], component_status="partial_outage")
    assert sp.payload("incidents.json")["incidents"][0]["impact"] == "major"
    assert sp.indicator == "minor"


# -- incidents ----------------------------------------------------------------------------------


async def test_incident_open_update_resolve_flow(sp: FakeStatusPage, client: httpx.AsyncClient, clock: Clock) -> None:
    """An incident shows in summary/unresolved while open, then only in incidents.json as resolved."""
    inc = sp.open_incident("Streaming latency", components=("streaming",), body="Looking into it.")
    streaming = sp.component_id("streaming")
    summary = await get_json(client, "summary.json")
    (open_inc,) = summary["incidents"]
    assert open_inc["id"] == inc and open_inc["status"] == "investigating"
    assert [c["id"] for c in open_inc["components"]] == [streaming]
    (first,) = open_inc["incident_updates"]
    # Grouped components are named "GROUP - Child" in affected_components (§3.2).
    assert first["affected_components"] == [
        {
            "code": streaming,
            "name": "Deepgram Public API (api.deepgram.com) - Streaming API",
            "old_status": "operational",
            "new_status": "degraded_performance",
        }
    ]
    clock.tick(minutes=5)
    sp.update_incident(inc, "identified", body="Found it.")  # affected_components: null (§3.1)
    clock.tick(minutes=5)
    sp.update_incident(inc, "monitoring", affected_components=["streaming"])  # old == new (§3.1)
    unresolved = (await get_json(client, "incidents/unresolved.json"))["incidents"]
    updates = unresolved[0]["incident_updates"]
    assert [u["status"] for u in updates] == ["monitoring", "identified", "investigating"]  # newest first
    assert updates[1]["affected_components"] is None
    assert updates[0]["affected_components"][0]["old_status"] == "degraded_performance"
    assert updates[0]["affected_components"][0]["new_status"] == "degraded_performance"
    assert unresolved[0]["monitoring_at"] is not None and unresolved[0]["resolved_at"] is None

    clock.tick(minutes=5)
    sp.resolve_incident(inc)
    summary = await get_json(client, "summary.json")
    assert summary["incidents"] == [] and summary["status"]["indicator"] == "none"
    assert (await get_json(client, "incidents/unresolved.json"))["incidents"] == []
    (done,) = (await get_json(client, "incidents.json"))["incidents"]
    assert done["status"] == "resolved" and done["resolved_at"] == "2026-01-15T12:15:00.123Z"
    assert done["incident_updates"][0]["affected_components"][0]["new_status"] == "operational"
    assert {c["status"] for c in summary["components"]} == {"operational"}
    with pytest.raises(ValueError):
        sp.resolve_incident(inc)
    sp.update_incident(inc, "postmortem", body="Postmortem published.")
    assert sp.payload("incidents.json")["incidents"][0]["status"] == "postmortem"


async def test_short_incident_is_only_ever_seen_resolved(
    sp: FakeStatusPage, client: httpx.AsyncClient, clock: Clock
) -> None:
    """An incident opened and resolved between two polls shows only in incidents.json, resolved, backdated (§3.6)."""
    before = await client.get(API + "summary.json")
    inc = sp.open_incident("Blip", components=["tts"], component_status="major_outage")
    clock.tick(minutes=4)
    sp.resolve_incident(inc, backdate_seconds=60)
    after = await client.get(API + "summary.json", headers={"If-None-Match": before.headers["etag"]})
    assert after.status_code == 200  # the page did change (page.updated_at moved, §3.8)
    assert after.json()["incidents"] == [] and after.json()["status"]["indicator"] == "none"
    assert after.json()["page"]["updated_at"] != before.json()["page"]["updated_at"]
    assert (await get_json(client, "incidents/unresolved.json"))["incidents"] == []
    (seen,) = (await get_json(client, "incidents.json"))["incidents"]
    assert seen["id"] == inc and seen["status"] == "resolved"
    started = datetime.fromisoformat(seen["started_at"])
    resolved = datetime.fromisoformat(seen["resolved_at"])
    assert resolved - started == timedelta(minutes=3)  # backdated by a minute
    last = seen["incident_updates"][0]
    assert last["display_at"] == seen["resolved_at"] != last["created_at"]  # backfilled update (§3.5)


# -- maintenances --------------------------------------------------------------------------------


async def test_maintenance_scheduled_in_progress_completed(
    sp: FakeStatusPage, client: httpx.AsyncClient, clock: Clock
) -> None:
    """A maintenance moves upcoming -> active (indicator maintenance) -> completed, across the endpoints."""
    mnt = sp.schedule_maintenance(
        "Usage API migration", starts_in=timedelta(hours=2), duration=timedelta(hours=1), components=["usage"]
    )
    (upcoming,) = (await get_json(client, "scheduled-maintenances/upcoming.json"))["scheduled_maintenances"]
    assert upcoming["id"] == mnt and upcoming["status"] == "scheduled"
    assert upcoming["scheduled_for"] == "2026-01-15T14:00:00.123Z"
    assert upcoming["scheduled_until"] == "2026-01-15T15:00:00.123Z"
    entry = upcoming["incident_updates"][0]["affected_components"][0]
    assert entry["old_status"] == entry["new_status"] == "operational"  # like the real announcement
    assert (await get_json(client, "status.json"))["status"]["indicator"] == "none"
    assert (await get_json(client, "scheduled-maintenances/active.json"))["scheduled_maintenances"] == []

    clock.tick(hours=2)
    sp.start_maintenance(mnt)
    summary = await get_json(client, "summary.json")
    assert summary["status"] == {"indicator": "maintenance", "description": "Service Under Maintenance"}
    assert [m["status"] for m in summary["scheduled_maintenances"]] == ["in_progress"]
    usage = next(c for c in summary["components"] if c["name"] == "Usage API")
    assert usage["status"] == "under_maintenance"
    active = (await get_json(client, "scheduled-maintenances/active.json"))["scheduled_maintenances"]
    assert [m["id"] for m in active] == [mnt]
    assert (await get_json(client, "scheduled-maintenances/upcoming.json"))["scheduled_maintenances"] == []

    clock.tick(hours=1)
    sp.complete_maintenance(mnt)
    summary = await get_json(client, "summary.json")
    assert summary["scheduled_maintenances"] == [] and summary["status"]["indicator"] == "none"
    assert (await get_json(client, "scheduled-maintenances/active.json"))["scheduled_maintenances"] == []
    (done,) = (await get_json(client, "scheduled-maintenances.json"))["scheduled_maintenances"]
    assert done["status"] == "completed" and done["resolved_at"] == "2026-01-15T15:00:00.123Z"
    assert [u["status"] for u in done["incident_updates"]] == ["completed", "in_progress", "scheduled"]
    assert (await get_json(client, "incidents.json"))["incidents"] == []  # maintenances are not incidents
    with pytest.raises(ValueError):
        sp.start_maintenance(mnt)


# -- one incident's JSON, deletions, cancellations -------------------------------------------------


async def test_one_incidents_own_json(sp: FakeStatusPage, client: httpx.AsyncClient, clock: Clock) -> None:
    """`incidents/<id>.json` serves `{page, incident}` for an incident or maintenance of any status, the same
    object incidents.json lists; an id the page does not have is a 404; the lists keep their paths."""
    inc, mnt = busy_page(sp)
    clock.tick(minutes=5)
    sp.resolve_incident(inc)
    own = await get_json(client, f"incidents/{inc}.json")
    assert set(own) == {"page", "incident"} and own["page"] == (await get_json(client, "status.json"))["page"]
    (listed,) = (await get_json(client, "incidents.json"))["incidents"]
    assert own["incident"] == listed and listed["status"] == "resolved"
    assert_enums({"page": own["page"], "incidents": [own["incident"]]})
    window = (await get_json(client, f"incidents/{mnt}.json"))["incident"]
    assert window["status"] == "in_progress" and window["scheduled_for"]
    response = await client.get(API + "incidents/zzzzzzzzzzzz.json")
    assert response.status_code == 404 and response.headers["content-type"].startswith("text/html")
    assert set(await get_json(client, "incidents/unresolved.json")) == {"page", "incidents"}
    # validators and 304s like every other endpoint
    etag = (await client.get(API + f"incidents/{inc}.json")).headers["etag"]
    assert (await client.get(API + f"incidents/{inc}.json", headers={"If-None-Match": etag})).status_code == 304


async def test_delete_incident_removes_it_from_every_endpoint(sp: FakeStatusPage, client: httpx.AsyncClient) -> None:
    """Deleted: gone from summary, incidents.json, unresolved, feeds and its own JSON; components untouched."""
    inc = sp.open_incident("Opened by mistake", components=("streaming",), component_status="partial_outage")
    before = (await client.get(API + "summary.json")).headers["etag"]
    sp.delete_incident(inc)
    summary = await get_json(client, "summary.json")
    assert summary["incidents"] == [] and (await client.get(API + "summary.json")).headers["etag"] != before
    assert (await get_json(client, "incidents.json"))["incidents"] == []
    assert (await get_json(client, "incidents/unresolved.json"))["incidents"] == []
    assert (await client.get(API + f"incidents/{inc}.json")).status_code == 404
    assert inc not in (await client.get("/history.rss")).text and inc not in (await client.get("/history.atom")).text
    streaming = next(c for c in summary["components"] if c["name"] == "Streaming API")
    assert streaming["status"] == "partial_outage"  # deleting an incident does not touch its components
    assert summary["status"]["indicator"] == "minor"
    resolved = sp.open_incident("Resolved, then deleted")
    sp.resolve_incident(resolved)
    sp.delete_incident(resolved)
    assert (await get_json(client, "incidents.json"))["incidents"] == []
    with pytest.raises(KeyError):
        sp.delete_incident(resolved)


async def test_delete_maintenance_at_any_stage(sp: FakeStatusPage, client: httpx.AsyncClient) -> None:
    upcoming = sp.schedule_maintenance("Upcoming", starts_in=timedelta(hours=1), duration=timedelta(hours=1))
    running = sp.schedule_maintenance("Running", starts_in=timedelta(0), duration=timedelta(hours=1))
    sp.start_maintenance(running)
    for mid in (upcoming, running):
        sp.delete_maintenance(mid)
        assert (await client.get(API + f"incidents/{mid}.json")).status_code == 404
    assert (await get_json(client, "summary.json"))["scheduled_maintenances"] == []
    assert (await get_json(client, "scheduled-maintenances.json"))["scheduled_maintenances"] == []
    # components a deleted window put under maintenance stay so until someone sets them
    assert sp.indicator == "maintenance"
    with pytest.raises(KeyError):
        sp.delete_incident(sp.schedule_maintenance("A window", starts_in=timedelta(0), duration=timedelta(hours=1)))


async def test_cancel_maintenance_closes_a_scheduled_window_without_running_it(
    sp: FakeStatusPage, client: httpx.AsyncClient, clock: Clock
) -> None:
    """Statuspage has no "cancelled" status (§2): a cancelled window is `completed` without ever being in
    progress, with a note; it leaves summary.json and upcoming.json, stays in scheduled-maintenances.json."""
    mnt = sp.schedule_maintenance(
        "Usage API migration", starts_in=timedelta(hours=2), duration=timedelta(hours=1), components=["usage"]
    )
    clock.tick(minutes=10)
    sp.cancel_maintenance(mnt)
    summary = await get_json(client, "summary.json")
    assert summary["scheduled_maintenances"] == [] and summary["status"]["indicator"] == "none"
    assert (await get_json(client, "scheduled-maintenances/upcoming.json"))["scheduled_maintenances"] == []
    (done,) = (await get_json(client, "scheduled-maintenances.json"))["scheduled_maintenances"]
    assert_enums({"page": summary["page"], "scheduled_maintenances": [done]})
    assert done["status"] == "completed" and done["impact"] == "maintenance"
    assert done["resolved_at"] == "2026-01-15T12:10:00.123Z"
    assert [u["status"] for u in done["incident_updates"]] == ["completed", "scheduled"]
    assert "cancelled" in done["incident_updates"][0]["body"]
    entry = done["incident_updates"][0]["affected_components"][0]
    assert entry["old_status"] == entry["new_status"] == "operational"  # never under maintenance
    started = sp.schedule_maintenance("Started", starts_in=timedelta(0), duration=timedelta(hours=1))
    sp.start_maintenance(started)
    with pytest.raises(ValueError, match="only a scheduled one"):
        sp.cancel_maintenance(started)
    with pytest.raises(ValueError):
        sp.cancel_maintenance(mnt)


# -- load_summary and scripts --------------------------------------------------------------------


@pytest.mark.parametrize(
    "filename", ["statuscheck_cloudamqp_maintenance_summary.json", "statuscheck_github_incident_summary.json"]
)
async def test_load_summary_serves_real_examples_verbatim(
    sp: FakeStatusPage, client: httpx.AsyncClient, reference_data: Path, filename: str
) -> None:
    """A real summary.json is served byte for byte, and the other endpoints and feeds are derived from it."""
    raw = (reference_data / "statuspage" / filename).read_bytes()
    real = json.loads(raw)
    sp.load_summary(raw)
    response = await client.get(API + "summary.json")
    assert response.content == raw
    assert await get_json(client, "status.json") == {"page": real["page"], "status": real["status"]}
    assert (await get_json(client, "components.json"))["components"] == real["components"]
    assert (await get_json(client, "incidents/unresolved.json"))["incidents"] == real["incidents"]
    for item in real["incidents"] + real["scheduled_maintenances"]:
        assert (await get_json(client, f"incidents/{item['id']}.json"))["incident"] == item
    upcoming = (await get_json(client, "scheduled-maintenances/upcoming.json"))["scheduled_maintenances"]
    active = (await get_json(client, "scheduled-maintenances/active.json"))["scheduled_maintenances"]
    real_mnts = real["scheduled_maintenances"]
    assert upcoming == [m for m in real_mnts if m["status"] == "scheduled"]
    assert active == [m for m in real_mnts if m["status"] in ("in_progress", "verifying")]
    rss = ET.fromstring((await client.get("/history.rss")).content)
    links = [item.findtext("link") for item in rss.iter("item")]
    expected = {
        f"{real['page']['url']}/incidents/{i['id']}" for i in real["incidents"] + real["scheduled_maintenances"]
    }
    assert set(links) == expected
    # The same body as a dict serves the same JSON; loading it again changes nothing.
    sp.load_summary(real)
    reloaded = await client.get(API + "summary.json")
    assert reloaded.json() == real
    sp.load_summary(real)
    assert (await client.get(API + "summary.json")).headers["etag"] == reloaded.headers["etag"]
    first = sp.component_id(real["components"][0]["name"][:5])
    assert first == real["components"][0]["id"]


async def test_model_change_after_load_summary_returns_to_the_model(
    sp: FakeStatusPage, cloudamqp: dict[str, Any]
) -> None:
    """Loading a summary then changing a component serves the Deepgram model again."""
    sp.load_summary(cloudamqp)
    assert sp.indicator == "maintenance"
    sp.set_component("streaming", "degraded_performance")
    assert sp.payload("summary.json")["page"]["name"] == "Deepgram"
    assert sp.indicator == "minor"


async def test_script_steps_through_states(
    sp: FakeStatusPage, client: httpx.AsyncClient, cloudamqp: dict[str, Any]
) -> None:
    """script() applies its first state, advance() the next, and advance_after moves one state per poll."""
    sp.script(
        [
            lambda page: page.set_component("batch", "major_outage"),
            cloudamqp,
            lambda page: page.reset_state(),
        ]
    )
    assert sp.script_position == 0 and sp.indicator == "major"
    assert sp.advance() and sp.indicator == "maintenance"
    assert sp.advance() and sp.indicator == "none"
    assert not sp.advance() and sp.script_position == 2

    sp.script(
        [
            lambda page: page.set_component("tts", "degraded_performance"),
            lambda page: page.set_component("tts", "major_outage"),
        ],
        advance_after="summary.json",
    )
    seen = [(await get_json(client, "summary.json"))["status"]["indicator"] for _ in range(3)]
    assert seen == ["minor", "major", "major"]
    await sp.wait_until(lambda: len(sp.requests) == 3, timeout=1)


# -- feeds (§4) ----------------------------------------------------------------------------------


async def test_feeds_parse_and_carry_one_item_per_incident(
    sp: FakeStatusPage, client: httpx.AsyncClient, clock: Clock
) -> None:
    """RSS and Atom parse with xml.etree, with one item per incident/maintenance and the right link, guid and markup."""
    inc, mnt = busy_page(sp)
    clock.tick(minutes=3)
    old = sp.open_incident("Older outage", components=["usage"])
    sp.resolve_incident(old)
    rss_response = await client.get("/history.rss")
    assert rss_response.headers["content-type"].startswith("application/rss+xml")
    assert rss_response.headers["etag"]
    channel = ET.fromstring(rss_response.content).find("channel")
    assert channel is not None and channel.findtext("title") == "Deepgram Status - Incident History"
    items = channel.findall("item")
    assert len(items) == 3
    for item in items:
        link = item.findtext("link") or ""
        assert re.fullmatch(r"https://status\.deepgram\.com/incidents/[0-9a-z]{12}", link)
        assert item.findtext("guid") == link
        parsedate_to_datetime(item.findtext("pubDate") or "")
    by_link = {item.findtext("link"): item for item in items}
    described = by_link[f"https://status.deepgram.com/incidents/{inc}"].findtext("description") or ""
    assert "<var data-var='date'>15</var>, <var data-var='time'>12:00</var> UTC</small>" in described
    assert "<strong>Identified</strong>" in described and "<strong>Investigating</strong>" in described
    maint = by_link[f"https://status.deepgram.com/incidents/{mnt}"]
    assert maint.find("maintenanceEndDate") is not None
    assert "<strong>In progress</strong>" in (maint.findtext("description") or "")

    atom = ET.fromstring((await client.get("/history.atom")).content)
    entries = atom.findall(f"{ATOM}entry")
    assert len(entries) == 3
    hrefs = {href(e) for e in entries}
    assert hrefs == set(by_link)
    assert all(
        re.fullmatch(r"tag:status\.deepgram\.com,2005:Incident/\d+", e.findtext(f"{ATOM}id") or "") for e in entries
    )
    entry = next(e for e in entries if href(e).endswith(inc))
    before = (entry.findtext(f"{ATOM}id"), entry.findtext(f"{ATOM}updated"))
    clock.tick(minutes=10)
    sp.update_incident(inc, "monitoring")
    atom = ET.fromstring((await client.get("/history.atom")).content)
    entry = next(e for e in atom.findall(f"{ATOM}entry") if e.findtext(f"{ATOM}id") == before[0])
    assert entry.findtext(f"{ATOM}updated") != before[1]  # dedupe on (id, updated) sees the update


# -- fault injection, latency, log ---------------------------------------------------------------


async def test_set_response_injects_faults_then_recovers(sp: FakeStatusPage, client: httpx.AsyncClient) -> None:
    """A scripted 503 HTML page is served the given number of times; "*" with times=None lasts until cleared."""
    sp.set_response("summary.json", status=503, body="<html><body>Service Unavailable</body></html>", times=2)
    for _ in range(2):
        response = await client.get(API + "summary.json")
        assert response.status_code == 503 and response.headers["content-type"].startswith("text/html")
        assert "etag" not in response.headers
    assert (await client.get(API + "summary.json")).status_code == 200

    sp.set_response("*", status=500, body=b"oops", headers={"Retry-After": "30"}, times=None)
    for path in (API + "status.json", "/history.rss", API + "summary.json"):
        response = await client.get(path)
        assert response.status_code == 500 and response.headers["retry-after"] == "30"
    sp.clear_responses()
    assert (await client.get(API + "status.json")).status_code == 200
    assert (await client.get("/api/v2/nope.json")).status_code == 404
    assert [r.status for r in sp.requests] == [503, 503, 200, 500, 500, 500, 200, 404]
    with pytest.raises(ValueError):
        sp.set_response("status.json", status=500, times=0)


async def test_latency_makes_clients_time_out(sp: FakeStatusPage) -> None:
    """Latency (global or per scripted reply) beyond the client's timeout raises ReadTimeout; reset() releases it."""
    sp.latency = 60.0
    async with httpx.AsyncClient(base_url=sp.base_url, timeout=0.05) as slow:
        with pytest.raises(httpx.ReadTimeout):
            await slow.get(API + "status.json")
        sp.reset()  # zero latency, empty log; the held response goes out now instead of in a minute
        await sp.wait_until(lambda: [r.status for r in sp.requests] == [200], timeout=2)
        sp.set_response("status.json", status=200, body=b"{}", delay=60.0)
        with pytest.raises(httpx.ReadTimeout):
            await slow.get(API + "status.json")
        assert (await slow.get(API + "components.json")).status_code == 200
    # The fixture's stop() releases the reply still held.


async def test_reset_restores_the_initial_page(sp: FakeStatusPage, client: httpx.AsyncClient) -> None:
    """reset() clears incidents, maintenances, component statuses and the request log."""
    busy_page(sp)
    await client.get(API + "summary.json")
    sp.reset()
    summary = sp.payload("summary.json")
    assert summary["incidents"] == [] and summary["scheduled_maintenances"] == []
    assert summary["status"]["indicator"] == "none" and sp.requests == []
    assert sp.payload("incidents.json")["incidents"] == []


async def test_page_updated_at_moves_with_every_change(sp: FakeStatusPage, clock: Clock) -> None:
    """page.updated_at follows the latest component or incident change (§3.8)."""
    assert sp.payload("status.json")["page"]["updated_at"] == "2026-01-15T12:00:00.123Z"
    clock.tick(minutes=1)
    inc = sp.open_incident("x")
    assert sp.payload("status.json")["page"]["updated_at"] == "2026-01-15T12:01:00.123Z"
    clock.tick(minutes=1)
    sp.update_incident(inc, "identified")
    assert sp.payload("summary.json")["page"]["updated_at"] == "2026-01-15T12:02:00.123Z"
