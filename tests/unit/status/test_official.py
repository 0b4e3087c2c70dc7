"""The official status per surface, read the way Atlassian Statuspage means it (statuspage.md §2-3, §7)."""

from __future__ import annotations

from typing import Any

from bot.status.official import OTHER, STATE_ORDER, official_status
from bot.statuspage.model import Summary
from bot.statuspage.parse import parse_components, parse_summary
from bot.surfaces import SURFACE_IDS, THIRD_PARTY, third_party

GROUP = {"id": "cv8l6gg3cb9d", "name": "Deepgram Public API (api.deepgram.com)", "group": True}
DOWNSTREAM = "7n3stjcbj4bx"
#: status.deepgram.com as third parties saw it (§7): the ids of the children other than the two
#: known ones are made up here.
CHILDREN = [
    ("bat000000001", "Batch API"),
    ("str000000001", "Streaming API"),
    ("tts000000001", "TTS API"),
    ("r2z04fcdhhzb", "Voice Agent API"),
    ("usg000000001", "Usage API"),
    ("mgt000000001", "Management APIs"),
    (DOWNSTREAM, "Voice Agent API: Downstream Providers"),
]


def components(statuses: dict[str, str] | None = None, *, names: dict[str, str] | None = None) -> list[dict[str, Any]]:
    group = dict(GROUP, status="operational", components=[cid for cid, _ in CHILDREN])
    children = [
        {
            "id": cid,
            "name": (names or {}).get(cid, name),
            "status": (statuses or {}).get(cid, "operational"),
            "group_id": GROUP["id"],
        }
        for cid, name in CHILDREN
    ]
    return [group, *children]


def incident(iid: str, *ids: str, impact: str = "minor", status: str = "investigating") -> dict[str, Any]:
    return {
        "id": iid,
        "name": f"Incident {iid}",
        "status": status,
        "impact": impact,
        "components": [{"id": c} for c in ids],
    }


def window(mid: str, *ids: str, status: str = "scheduled") -> dict[str, Any]:
    return dict(incident(mid, *ids, impact="maintenance", status=status), scheduled_for="2026-11-24T12:00:00Z")


def summary(
    statuses: dict[str, str] | None = None,
    *,
    incidents: list[dict[str, Any]] | None = None,
    maintenances: list[dict[str, Any]] | None = None,
    names: dict[str, str] | None = None,
    comps: list[dict[str, Any]] | None = None,
) -> Summary:
    return parse_summary(
        {
            "status": {"indicator": "none"},
            "components": components(statuses, names=names) if comps is None else comps,
            "incidents": incidents or [],
            "scheduled_maintenances": maintenances or [],
        }
    )


def states(s: Summary, *catalogue: Any) -> dict[str, str]:
    official = official_status(s, *catalogue)
    return {status.surface: status.state for status in official.all}


def test_all_quiet_every_surface_matched_and_operational() -> None:
    official = official_status(summary())
    assert list(official.surfaces) == list(SURFACE_IDS) and official.other.surface == OTHER
    assert all(s.state == "operational" and s.matched for s in official.all)
    assert official.state == "operational" and not official.deepgram_problem
    agent = official.surface("agent")
    assert [c.id for c in agent.components] == ["r2z04fcdhhzb"]
    assert [p.component.id for p in agent.providers] == [DOWNSTREAM]
    assert [c.name for c in official.other.components] == ["Usage API"]  # no surface claims it


def test_components_by_id_names_only_as_a_fallback() -> None:
    """The agent's component is found by id even renamed; a name matches only when no id is on the page."""
    renamed = summary({"r2z04fcdhhzb": "partial_outage"}, names={"r2z04fcdhhzb": "Agents"})
    official = official_status(renamed)
    assert official.surface("agent").state == "outage"
    # Flux and streaming both report on the "Streaming API" component (by exact name, any case).
    shouting = summary({"str000000001": "degraded_performance"}, names={"str000000001": "STREAMING  api"})
    assert {k: v for k, v in states(shouting).items() if v != "operational"} == {
        "streaming": "degraded",
        "flux": "degraded",
    }
    # "Streaming API v2" is not "Streaming API": no substring matching; it shows under other.
    v2 = summary(names={"str000000001": "Streaming API v2"})
    assert not official_status(v2).surface("streaming").matched
    assert [c.name for c in official_status(v2).other.components] == ["Streaming API v2", "Usage API"]


def test_catalogue_from_components_json_keys_groups_and_missing_components() -> None:
    """components.json adds what the summary leaves out and names the groups; the summary's status wins."""
    bare = summary(
        comps=[{"id": "str000000001", "name": "Streaming API", "status": "major_outage", "group_id": GROUP["id"]}]
    )
    catalogue = parse_components({"components": components()})
    official = official_status(bare, catalogue)
    (streaming,) = official.surface("streaming").components
    assert streaming.status == "major_outage" and streaming.group_name == GROUP["name"]
    assert streaming.full_name == "Deepgram Public API (api.deepgram.com) - Streaming API"
    assert official.surface("tts").matched and official.surface("streaming").state == "outage"
    assert not official_status(bare).surface("tts").matched  # without the catalogue: unknown, not "fine"


def test_vocabularies_mean_what_they_mean() -> None:
    """degraded_performance is slow, partial and major outages are down, under_maintenance is maintenance."""
    s = summary(
        {"bat000000001": "degraded_performance", "tts000000001": "major_outage", "mgt000000001": "under_maintenance"}
    )
    got = states(s)
    assert got["rest"] == "degraded" and got["tts"] == got["tts_stream"] == "outage" and got["auth"] == "maintenance"
    assert got["streaming"] == "operational"
    assert official_status(summary({"bat000000001": "partial_outage"})).surface("rest").state == "outage"
    assert official_status(summary({"bat000000001": "bogus"})).surface("rest").state == "degraded"


def test_impact_none_and_maintenance_are_information_not_outages() -> None:
    quiet = summary(
        incidents=[incident("i1", "str000000001", impact="none")],
        maintenances=[window("m1", "bat000000001"), window("m2", "tts000000001", status="in_progress")],
    )
    official = official_status(quiet)
    got = states(quiet)
    assert got["streaming"] == "informational" and got["rest"] == "informational" and got["tts"] == "maintenance"
    assert not official.deepgram_problem and official.state == "maintenance"
    assert [i.id for i in official.surface("streaming").incidents] == ["i1"]
    assert [m.id for m in official.surface("tts").maintenances] == ["m2"]


def test_an_incident_over_operational_components_is_a_problem_not_an_outage() -> None:
    """Impact minor or worse over components all operational: degraded (Deepgram sees something), not down."""
    s = summary(incidents=[incident("i1", "bat000000001", impact="critical")])
    assert states(s)["rest"] == "degraded" and official_status(s).deepgram_problem
    # when a component shows a bad status, the status tells the story precisely
    s = summary({"bat000000001": "degraded_performance"}, incidents=[incident("i1", "bat000000001", impact="major")])
    assert states(s)["rest"] == "degraded"


def test_downstream_providers_are_a_third_party_never_deepgram() -> None:
    """The providers behind the Voice Agent degrade: the agent is `third_party`, nothing else moves, and
    Deepgram reports no problem of its own, even with an automated incident of impact major over it."""
    s = summary(
        {DOWNSTREAM: "major_outage"},
        incidents=[incident("p1", DOWNSTREAM, "r2z04fcdhhzb", impact="major")],
    )
    official = official_status(s)
    agent = official.surface("agent")
    assert agent.state == "third_party" and not agent.deepgram_problem
    assert [p.party.label for p in agent.troubled_providers] == ["a provider behind the Voice Agent"]
    assert [i.id for i in agent.incidents] == ["p1"]
    assert {k for k, v in states(s).items() if v != "operational"} == {"agent"}
    assert not official.deepgram_problem and official.state == "third_party"
    assert official.other.state == "operational"  # the provider is not "another Deepgram component"
    # the agent's own component down as well: that is Deepgram's, and it wins
    both = summary({DOWNSTREAM: "major_outage", "r2z04fcdhhzb": "partial_outage"})
    assert official_status(both).surface("agent").state == "outage"
    # an incident only on the provider, impact none: information
    info = summary(incidents=[incident("p2", DOWNSTREAM, impact="none")])
    assert official_status(info).surface("agent").state == "informational"
    # a provider under maintenance is information too
    assert official_status(summary({DOWNSTREAM: "under_maintenance"})).surface("agent").state == "informational"


def test_third_party_is_found_by_exact_name_when_its_id_differs() -> None:
    comps = [
        {"id": "zzz000000001", "name": "Voice Agent API", "status": "operational"},
        {"id": "zzz000000002", "name": "voice agent api: downstream providers", "status": "degraded_performance"},
    ]
    official = official_status(summary(comps=comps))
    assert official.surface("agent").state == "third_party" and not official.other.components
    (party,) = THIRD_PARTY
    assert party.component_id == DOWNSTREAM and party.behind == "agent"
    assert third_party("", "Deepgram Public API - Voice Agent API: Downstream Providers") == party
    assert third_party("r2z04fcdhhzb", "Voice Agent API") is None


def test_other_components_and_general_incidents() -> None:
    """A component no surface claims shows under other; an incident naming no known component is general."""
    s = summary(
        {"usg000000001": "partial_outage"},
        incidents=[incident("g1", impact="minor"), incident("u1", "usg000000001"), incident("x1", "unknown00001")],
    )
    official = official_status(s)
    assert official.other.state == "outage" and [i.id for i in official.other.incidents] == ["u1"]
    assert [i.id for i in official.general] == ["g1", "x1"] and official.general_state == "degraded"
    assert all(official.surface(sid).state == "operational" for sid in SURFACE_IDS)
    assert official.deepgram_problem and official.in_state("outage") == (official.other,)


def test_resolved_and_completed_items_are_ignored() -> None:
    s = summary(
        incidents=[incident("r1", "bat000000001", status="resolved")],
        maintenances=[window("m1", "bat000000001", status="completed")],
    )
    assert official_status(s).surface("rest").state == "operational"
    assert STATE_ORDER[0] == "operational" and STATE_ORDER[-1] == "outage"
