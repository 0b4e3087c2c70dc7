"""Sandbox scenario commands flip the fake status page and fake Deepgram as they say, and undo cleanly."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from simworld.deepgram import FakeDeepgram
from simworld.sandbox.console import script_lines
from simworld.sandbox.scenario import Scenario, ScenarioError, parse_seconds, surface
from simworld.statuspage import FakeStatusPage


@pytest.fixture
async def scenario() -> AsyncIterator[Scenario]:
    async with FakeDeepgram() as deepgram, FakeStatusPage() as page:
        yield Scenario(deepgram, page)


async def projects_status(deepgram: FakeDeepgram) -> int:
    """What `GET /v1/projects` answers the bot's key right now."""
    async with httpx.AsyncClient() as http:
        response = await http.get(
            f"{deepgram.base_url}/v1/projects", headers={"Authorization": f"Token {deepgram.api_key}"}
        )
    return response.status_code


def open_incidents(page: FakeStatusPage) -> list[dict[str, object]]:
    return list(page.payload("incidents/unresolved.json")["incidents"])


async def test_outage_shows_on_the_page_and_breaks_the_surface(scenario: Scenario) -> None:
    """`:outage streaming` opens a major incident with the component down, and streaming answers 503."""
    changes = scenario.apply(":outage streaming")
    assert any("Streaming API outage" in c for c in changes)
    (incident,) = open_incidents(scenario.statuspage)
    assert incident["impact"] == "major"
    component = scenario.statuspage.components[scenario.statuspage.component_id("streaming")]
    assert component.status == "major_outage"
    async with httpx.AsyncClient() as http:
        ws_upgrade = await http.get(f"{scenario.deepgram.base_url}/v1/listen")
    assert ws_upgrade.status_code == 503
    assert await projects_status(scenario.deepgram) == 200


async def test_incident_with_and_without_components(scenario: Scenario) -> None:
    """`:incident minor "title"` only touches the page; naming a surface degrades its component."""
    scenario.apply(':incident minor "Elevated latency"')
    scenario.apply(":incident major 'TTS errors' tts")
    names = sorted(str(i["name"]) for i in open_incidents(scenario.statuspage))
    assert names == ["Elevated latency", "TTS errors"]
    page = scenario.statuspage
    assert page.components[page.component_id("tts")].status == "partial_outage"
    assert page.indicator == "minor"


async def test_resolve_heals_deepgram_but_keeps_your_problems(scenario: Scenario) -> None:
    """`:resolve` closes incidents and clears failures and latency; a bad key and no credits wait for `:reset`."""
    scenario.apply(":outage all")
    scenario.apply(":slow 1.5s")
    scenario.apply(":bad-key")
    scenario.apply(":no-credits")
    changes = scenario.resolve()
    assert open_incidents(scenario.statuspage) == []
    assert scenario.statuspage.indicator == "none"
    assert "still on until :reset: rejected key, no credits" in changes
    assert await projects_status(scenario.deepgram) == 401
    project = scenario.deepgram.projects[scenario.deepgram.project_id]
    assert project.out_of_credit
    scenario.apply(":reset")
    assert await projects_status(scenario.deepgram) == 200
    assert not project.out_of_credit and project.balances[0].amount == 187.42


async def test_mistakes_are_explained(scenario: Scenario) -> None:
    """Unknown commands, surfaces, impacts and durations raise a ScenarioError that says what to write."""
    for line, expected in [
        (":frobnicate", "unknown command :frobnicate"),
        (":outage fluxx", "use rest, streaming, tts, agent, flux, tts-ws, all"),
        (":incident severe 'x'", "impact must be one of"),
        (":incident minor", "usage: :incident"),
        (':incident minor "x" fluxx', "no component matches 'fluxx'"),
        (":slow", "how slow?"),
        (":slow soon", "write 2s, 500ms or off"),
        (':incident minor "unclosed', "cannot read"),
    ]:
        with pytest.raises(ScenarioError, match=expected):
            scenario.apply(line)


def test_durations_and_surfaces() -> None:
    """Durations read seconds or milliseconds; surfaces accept their aliases."""
    assert [parse_seconds(t) for t in ("2s", "2", "1.5 s", "500ms", "off", "0")] == [2.0, 2.0, 1.5, 0.5, 0.0, 0.0]
    assert surface("ws").route == "listen_ws" and surface("batch").component == "Batch API"
    assert surface("TTS").route == "speak" and surface("all").route == "*"


def test_script_lines_skip_blanks_and_comments() -> None:
    """A script is one input per line; blank lines and `#` comments are skipped, edges trimmed."""
    assert list(script_lines(["# intro\n", "\n", "  /deepgram status \n", ":wait\n"])) == ["/deepgram status", ":wait"]


async def test_agent_outage_and_provider_down(scenario: Scenario) -> None:
    """`:outage agent` breaks the agent host; `:provider-down` blames the third party on the page only."""
    changes = scenario.apply(":outage agent")
    assert any("Voice Agent API outage" in c for c in changes)
    page = scenario.statuspage
    assert page.components[page.component_id("Voice Agent API")].status == "major_outage"
    scenario.apply(":resolve")
    changes = scenario.apply(":provider-down")
    assert any("Downstream Providers degraded" in c for c in changes)
    downstream = page.components[page.component_id("Voice Agent API: Downstream Providers")]
    assert downstream.status == "degraded_performance"
    assert page.components[page.component_id("Voice Agent API")].status == "operational"
    assert await projects_status(scenario.deepgram) == 200
