"""The Voice Agent probe against the fake agent host: a healthy session and turn, and every failure it maps."""

from __future__ import annotations

import json
from dataclasses import replace

import httpx
import pytest

from bot.probes import AGENT_SETTINGS, ProbeConfig, agent_base, probe_agent
from bot.probes.result import ProbeState
from bot.topics import Topic
from simworld.botproc import free_port
from simworld.deepgram import FakeDeepgram

SHORT = 0.4  # seconds: a stall is recognised quickly


def base(url: str, **kw: object) -> ProbeConfig:
    return replace(ProbeConfig(api_url="https://api.deepgram.com", ws_url=url, api_key="k"), **kw)  # type: ignore[arg-type]


def test_agent_url_is_derived_from_the_api_host() -> None:
    """Global API → agent.deepgram.com; a regional or Dedicated host serves the agent itself; others: unknown."""
    assert agent_base(base("wss://api.deepgram.com")) == "wss://agent.deepgram.com"
    assert agent_base(base("wss://api.eu.deepgram.com")) == "wss://api.eu.deepgram.com"
    assert agent_base(base("wss://abc123.us-west.api.deepgram.com/")) == "wss://abc123.us-west.api.deepgram.com"
    assert agent_base(base("ws://127.0.0.1:8080")) is None
    assert agent_base(base("ws://127.0.0.1:8080", agent_url="ws://127.0.0.1:9/")) == "ws://127.0.0.1:9"


async def test_healthy_session_and_turn(dg: FakeDeepgram, cfg: ProbeConfig, http: httpx.AsyncClient) -> None:
    """Welcome → Settings → SettingsApplied → one injected turn answered with speech; each phase timed."""
    result = await probe_agent(http, cfg)
    assert (result.state, result.topic, result.provider_failure) == ("ok", None, False)
    assert result.summary.startswith("The Voice Agent answered a test turn with") and "s of speech" in result.summary
    assert {"handshake_ms", "welcome_ms", "settings_applied_ms", "first_audio_ms"} <= set(result.timings)
    session = next(r for r in dg.requests if r.path == "/v1/agent/converse")
    assert result.request_id == session.request_id and session.auth_scheme == "token"
    assert session.client_messages == ["Settings", "InjectUserMessage"]
    assert session.messages_sent[:2] == ["Welcome", "SettingsApplied"] and "AgentAudioDone" in session.messages_sent
    assert [r.path for r in dg.requests][0] == "/v1/agent/settings/think/models"  # the free check comes first


async def test_session_without_turn(dg: FakeDeepgram, cfg: ProbeConfig, http: httpx.AsyncClient) -> None:
    """Without `agent_turn` the probe stops at SettingsApplied: nothing is thought or spoken."""
    result = await probe_agent(http, replace(cfg, agent_turn=False))
    assert (result.state, result.summary) == ("ok", "Opened a Voice Agent session; its Settings were applied")
    assert "first_audio_ms" not in result.timings and "settings_applied_ms" in result.timings
    session = next(r for r in dg.requests if r.path == "/v1/agent/converse")
    assert session.client_messages == ["Settings"] and "ConversationText" not in session.messages_sent


async def test_the_probe_settings_are_the_reference_minimum(cfg: ProbeConfig) -> None:
    """Every provider Deepgram-managed, linear16 with explicit rates (deepgram-realtime.md §1.5)."""
    agent = AGENT_SETTINGS["agent"]
    assert AGENT_SETTINGS["audio"]["input"] == {"encoding": "linear16", "sample_rate": 16000}
    assert "endpoint" not in json.dumps(agent)
    assert agent["think"]["provider"] == {"type": "open_ai", "model": "gpt-4o-mini"}


@pytest.mark.parametrize(
    ("status", "topic"),
    [(401, Topic.UNAUTHORIZED), (402, Topic.CREDITS), (403, Topic.FORBIDDEN), (429, Topic.RATE_LIMITED)]
    + [(500, Topic.SERVER_ERROR), (503, Topic.SERVER_ERROR)],
)
async def test_refused_handshake(
    dg: FakeDeepgram, cfg: ProbeConfig, http: httpx.AsyncClient, status: int, topic: Topic
) -> None:
    """A refused upgrade maps like the other sockets' and keeps dg-error and the request id."""
    dg.fail("agent", status=status)
    result = await probe_agent(http, cfg)
    assert (result.state, result.http_status, result.topic) == ("failed", status, topic)
    assert result.error is not None and result.error.message and result.error.request_id


async def test_wrong_key(dg: FakeDeepgram, cfg: ProbeConfig, http: httpx.AsyncClient) -> None:
    result = await probe_agent(http, replace(cfg, api_key="0" * 40))
    assert (result.http_status, result.topic) == (401, Topic.UNAUTHORIZED) and "0" * 40 not in repr(result)


async def test_agent_on_the_api_host_is_a_wrong_host(
    dg: FakeDeepgram, cfg: ProbeConfig, http: httpx.AsyncClient
) -> None:
    """The agent URL pointing at the API host (as api.deepgram.com): 404 on the free check, the regions playbook."""
    result = await probe_agent(http, replace(cfg, agent_url=dg.ws_url))
    assert (result.state, result.http_status, result.topic) == ("failed", 404, Topic.REGIONS)
    assert not any(r.path == "/v1/agent/converse" for r in dg.requests)  # no socket opened


async def test_unreachable_host(cfg: ProbeConfig, http: httpx.AsyncClient) -> None:
    result = await probe_agent(http, replace(cfg, agent_url=f"ws://127.0.0.1:{free_port()}"))
    assert (result.state, result.topic) == ("failed", Topic.AGENT_CONNECT)
    assert result.summary.startswith("Could not reach the Voice Agent host")


async def test_models_list_failing_is_only_noted(dg: FakeDeepgram, cfg: ProbeConfig, http: httpx.AsyncClient) -> None:
    """A 5xx from the free LLM list does not fail a working agent; it is noted beside the result."""
    dg.fail("agent_models", status=503)
    result = await probe_agent(http, replace(cfg, agent_turn=False))
    assert result.state == "ok" and "answered 503" in (result.detail or "")


async def test_no_agent_host_known_is_skipped(cfg: ProbeConfig, http: httpx.AsyncClient) -> None:
    result = await probe_agent(http, replace(cfg, agent_url=""))
    assert result.state == "skipped" and "DEEPGRAM_AGENT_URL" in result.summary


async def test_client_message_timeout(dg: FakeDeepgram, cfg: ProbeConfig, http: httpx.AsyncClient) -> None:
    """The agent's idle limit (shortened) ends the session before the slow LLM answers."""
    dg.agent.idle_timeout, dg.agent.think_delay = 0.1, 0.6
    result = await probe_agent(http, cfg)
    assert (result.state, result.topic, result.error_code) == (
        "failed",
        Topic.AGENT_CLIENT_TIMEOUT,
        "CLIENT_MESSAGE_TIMEOUT",
    )
    assert "gave up waiting for the probe" in result.summary
    assert result.error and "too long for a websocket message" in (result.error.message or "")


def expect(result: object, state: ProbeState, topic: Topic, words: str, *, provider: bool) -> None:
    assert (result.state, result.topic, result.provider_failure) == (state, topic, provider), result  # type: ignore[attr-defined]
    assert words in result.summary, result.summary  # type: ignore[attr-defined]


async def test_think_provider_fails(dg: FakeDeepgram, cfg: ProbeConfig, http: httpx.AsyncClient) -> None:
    """THINK_REQUEST_FAILED then FAILED_TO_THINK: the LLM provider's failure, not Deepgram's."""
    dg.agent.think_fails()
    result = await probe_agent(http, cfg)
    expect(result, "failed", Topic.AGENT_THINK_PROVIDER, "LLM provider failed (FAILED_TO_THINK)", provider=True)
    assert result.warnings == ("THINK_REQUEST_FAILED",)


async def test_think_provider_recovers_by_fallback(dg: FakeDeepgram, cfg: ProbeConfig, http: httpx.AsyncClient) -> None:
    """One failed LLM request answered by a fallback: degraded, still the provider's."""
    dg.agent.think_fails(fatal=False)
    result = await probe_agent(http, cfg)
    expect(result, "degraded", Topic.AGENT_THINK_PROVIDER, "a request to its LLM provider failed", provider=True)


async def test_think_provider_silent(dg: FakeDeepgram, cfg: ProbeConfig, http: httpx.AsyncClient) -> None:
    """The LLM returns nothing and no error comes (Bedrock reasoning models): seen as the provider's."""
    dg.agent.think_silent()
    result = await probe_agent(http, replace(cfg, timeout=SHORT))
    expect(result, "failed", Topic.AGENT_THINK_PROVIDER, "LLM gave no answer within 0.4 s", provider=True)


async def test_slow_think_warnings(dg: FakeDeepgram, cfg: ProbeConfig, http: httpx.AsyncClient) -> None:
    dg.agent.think_delay, dg.agent.slow_warning_interval = 0.25, 0.1
    result = await probe_agent(http, cfg)
    expect(result, "degraded", Topic.AGENT_THINK_PROVIDER, "its LLM provider was slow", provider=True)
    assert result.warnings[0] == "SLOW_THINK_REQUEST"


async def test_speak_provider_fails(dg: FakeDeepgram, cfg: ProbeConfig, http: httpx.AsyncClient) -> None:
    dg.agent.speak_fails()
    result = await probe_agent(http, cfg)
    expect(
        result, "failed", Topic.AGENT_SPEAK_PROVIDER, "text-to-speech provider failed (FAILED_TO_SPEAK)", provider=True
    )


async def test_speak_provider_silent(dg: FakeDeepgram, cfg: ProbeConfig, http: httpx.AsyncClient) -> None:
    """The answer comes as text but is never spoken."""
    dg.agent.stall_at("speak")
    result = await probe_agent(http, replace(cfg, timeout=SHORT))
    expect(result, "failed", Topic.AGENT_SPEAK_PROVIDER, "answer was never spoken", provider=True)


@pytest.mark.parametrize(
    ("point", "code", "topic"),
    [
        ("settings", "INVALID_SETTINGS", Topic.AGENT_SETTINGS),
        ("settings", "UNPARSABLE_CLIENT_MESSAGE", Topic.AGENT_SETTINGS),
        ("applied", "FAILED_TO_START_LISTENING", Topic.AGENT_LISTEN),
        ("user", "INTERNAL_SERVER_ERROR", Topic.AGENT_DOWNSTREAM),
        ("welcome", "SERVER_GOING_AWAY", Topic.AGENT_DOWNSTREAM),
        ("think", "NON_EXISTENT_FUNCTION_CALLED", Topic.AGENT_FUNCTIONS),
        ("speak", "A_NEW_CODE", Topic.AGENT_DOWNSTREAM),
    ],
)
async def test_errors_by_their_documented_meaning(
    dg: FakeDeepgram, cfg: ProbeConfig, http: httpx.AsyncClient, point: str, code: str, topic: Topic
) -> None:
    """Each Error code maps to its playbook; none of these is a provider's."""
    dg.agent.fail_at(point, code)  # type: ignore[arg-type]
    result = await probe_agent(http, cfg)
    expect(result, "failed", topic, f"({code})", provider=False)
    assert result.error_code == code and result.error and result.error.request_id == result.request_id


async def test_error_right_after_settings_applied_without_turn(
    dg: FakeDeepgram, cfg: ProbeConfig, http: httpx.AsyncClient
) -> None:
    """Without the turn the probe still waits a moment after SettingsApplied for an Error."""
    dg.agent.fail_at("applied", "FAILED_TO_START_LISTENING")
    result = await probe_agent(http, replace(cfg, agent_turn=False))
    expect(result, "failed", Topic.AGENT_LISTEN, "speech recognition", provider=False)


async def test_no_welcome(dg: FakeDeepgram, cfg: ProbeConfig, http: httpx.AsyncClient) -> None:
    """An upgrade that is accepted but silent."""
    dg.stall_ws(route="agent")
    result = await probe_agent(http, replace(cfg, timeout=SHORT))
    expect(result, "failed", Topic.AGENT_CONNECT, "sent no Welcome within 0.4 s", provider=False)
    assert "handshake_ms" in result.timings


async def test_no_settings_applied(dg: FakeDeepgram, cfg: ProbeConfig, http: httpx.AsyncClient) -> None:
    dg.agent.stall_at("settings")
    result = await probe_agent(http, replace(cfg, timeout=SHORT))
    expect(result, "failed", Topic.AGENT_SETTINGS, "did not apply the probe's Settings", provider=False)


async def test_closed_right_after_welcome(dg: FakeDeepgram, cfg: ProbeConfig, http: httpx.AsyncClient) -> None:
    """A close without an Error before SettingsApplied: the Settings never applied."""
    dg.agent.close_at("welcome", 1011)
    result = await probe_agent(http, cfg)
    expect(result, "failed", Topic.AGENT_SETTINGS, "Settings before the session closed (code 1011)", provider=False)
    assert result.close_code == 1011


async def test_closed_without_a_word_mid_turn(dg: FakeDeepgram, cfg: ProbeConfig, http: httpx.AsyncClient) -> None:
    """A close with an error code and no Error message during the turn is the agent's, not a provider's."""
    dg.agent.close_at("user", 1011)
    result = await probe_agent(http, cfg)
    expect(result, "failed", Topic.AGENT_DOWNSTREAM, "during the test turn (code 1011)", provider=False)


async def test_quiet_close_mid_turn(dg: FakeDeepgram, cfg: ProbeConfig, http: httpx.AsyncClient) -> None:
    """A close without status after the user's words and no answer: the LLM said nothing."""
    dg.agent.close_at("user", None)
    result = await probe_agent(http, cfg)
    expect(result, "failed", Topic.AGENT_THINK_PROVIDER, "before the session closed (code 1005)", provider=True)


async def test_garbled_welcome(dg: FakeDeepgram, cfg: ProbeConfig, http: httpx.AsyncClient) -> None:
    dg.malformed_json("agent")
    result = await probe_agent(http, cfg)
    expect(result, "failed", Topic.AGENT_CONNECT, "not JSON", provider=False)


async def test_dropped_connection(dg: FakeDeepgram, cfg: ProbeConfig, http: httpx.AsyncClient) -> None:
    dg.drop_connection("agent")
    result = await probe_agent(http, cfg)
    assert (result.state, result.topic) == ("failed", Topic.AGENT_CONNECT)
