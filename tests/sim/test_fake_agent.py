"""The fake Voice Agent `/v1/agent/converse` on its own host, driven by the real `websockets` client.

Ground truth: `deepgram-realtime.md` §1 and the AsyncAPI channel `/v1/agent/converse`.
"""

from __future__ import annotations

import contextlib
import copy
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed
from websockets.typing import Subprotocol

from bot.probes import Clip as ProbeClip
from bot.probes.agent import SETTINGS
from simworld.deepgram import Clip, FakeDeepgram
from simworld.deepgram.agent_codes import ERRORS, WARNINGS
from simworld.deepgram.synth import speech_seconds
from simworld.world import PROBE_SENTENCE

from .realtime_support import AGENT_SCHEMAS, Frames, Specs, collect, refusal, refused

#: the minimal probe Settings of reference §1.5: exactly what the bot's Voice Agent probe sends
PROBE_SETTINGS: dict[str, Any] = json.loads(json.dumps(SETTINGS))
TIMEOUT_TEXT = (
    "We waited too long for a websocket message. Please ensure that you're sending binary messages containing "
    "user speech."
)


@pytest.fixture(scope="module")
def specs(reference_data: Path) -> Specs:
    """The official specs (copies in tests/data)."""
    return Specs(reference_data)


@pytest.fixture
async def dg() -> AsyncIterator[FakeDeepgram]:
    """A running fake (API port + agent host port)."""
    async with FakeDeepgram() as fake:
        yield fake


def settings(**changes: Any) -> dict[str, Any]:
    """The probe Settings with dotted-path changes (`None` deletes the key)."""
    doc = copy.deepcopy(PROBE_SETTINGS)
    for path, value in changes.items():
        *parents, last = path.split("__")
        node = doc
        for p in parents:
            node = node.setdefault(p, {})
        if value is None:
            node.pop(last, None)
        else:
            node[last] = value
    return doc


def url(dg: FakeDeepgram) -> str:
    """The agent socket URL."""
    return dg.agent_url + "/v1/agent/converse"


def token(dg: FakeDeepgram) -> dict[str, str]:
    """The API-key header."""
    return {"Authorization": f"Token {dg.api_key}"}


async def configured(ws: ClientConnection, doc: dict[str, Any] | None = None) -> Frames:
    """Read Welcome, send Settings, read up to SettingsApplied (or the Error and close)."""
    frames = await collect(ws, Frames(), until="Welcome")
    await ws.send(json.dumps(doc or PROBE_SETTINGS))
    await collect(ws, frames, until="SettingsApplied")
    return frames


async def conversation(dg: FakeDeepgram, *messages: dict[str, Any], doc: dict[str, Any] | None = None) -> Frames:
    """Configure, send `messages`, collect until the server is quiet or closes."""
    async with connect(url(dg), additional_headers=token(dg)) as ws:
        frames = await configured(ws, doc)
        for m in messages:
            await ws.send(json.dumps(m))
        return await collect(ws, frames, quiet=0.3)


# -- host, models route, sequence --------------------------------------------------------------------------


async def test_agent_lives_on_its_own_host(dg: FakeDeepgram, specs: Specs) -> None:
    """The agent host is a second address; api host answers 404 for the agent routes unless regional."""
    assert dg.agent_url.startswith("ws://127.0.0.1:") and dg.agent_host.port != dg.port
    exc = await refused(dg.ws_url + "/v1/agent/converse", additional_headers=token(dg))
    assert exc.response.status_code == 404
    async with httpx.AsyncClient() as http:
        listed = await http.get(dg.agent_base_url + "/v1/agent/settings/think/models")  # public: no auth
        assert (await http.get(dg.base_url + "/v1/agent/settings/think/models")).status_code == 404
        dg.agent_on_api_host = True  # a regional host (api.eu.deepgram.com) serves both
        assert (await http.get(dg.base_url + "/v1/agent/settings/think/models")).status_code == 200
    async with connect(dg.ws_url + "/v1/agent/converse", additional_headers=token(dg)) as ws:
        assert (await collect(ws, Frames(), until="Welcome")).types == ["Welcome"]
    assert listed.status_code == 200 and listed.headers["dg-request-id"]
    body = listed.json()
    assert body["models"][0] == {"id": "gpt-4o-mini", "name": "GPT-4o mini", "provider": "open_ai"}
    jsonschema_items = [f"AgentThinkModelsV1ResponseModelsItems{i}" for i in range(4)]
    for item in body["models"]:
        # The OAS oneOf overlaps (item 4 accepts any id), so each item is checked against its provider's branch.
        branch = {"open_ai": 0, "anthropic": 1, "google": 2, "groq": 3}[item["provider"]]
        specs.check(jsonschema_items[branch], item, oas=True)
    assert [r.route for r in dg.requests] == ["agent", "agent_models", "agent_models", "agent_models", "agent"]


async def test_probe_conversation_validates_against_asyncapi(dg: FakeDeepgram, specs: Specs) -> None:
    """Welcome → SettingsApplied → user/assistant ConversationText → AgentStartedSpeaking → audio → AgentAudioDone."""
    specs.check("AgentV1_AgentV1Settings", PROBE_SETTINGS)
    dg.agent.replies["Are you there?"] = "Yes."
    frames = await conversation(dg, {"type": "InjectUserMessage", "content": "Are you there?"})
    welcome = frames.json[0]
    assert welcome["type"] == "Welcome" and welcome["request_id"] == dg.requests[-1].request_id
    assert frames.types[:7] == [
        "Welcome",
        "SettingsApplied",
        "ConversationText",
        "History",
        "ConversationText",
        "History",
        "AgentStartedSpeaking",
    ]
    assert frames.types[-2:] == ["AgentAudioDone", "LatencyReport"]
    texts = [(m["role"], m["content"]) for m in frames.of("ConversationText")]
    assert texts == [("user", "Are you there?"), ("assistant", "Yes.")]
    # linear16 @ 16000 Hz, as Settings asked: 2 bytes per sample.
    assert len(frames.audio) == int(speech_seconds("Yes.") * 16000) * 2
    specs.check_all(AGENT_SCHEMAS, frames.json)
    rec = dg.requests[-1]
    assert rec.route == "agent" and rec.status == 101 and rec.client_messages == ["Settings", "InjectUserMessage"]


async def test_every_other_server_message_validates(dg: FakeDeepgram, specs: Specs) -> None:
    """Greeting, AgentThinking, updates, InjectAgentMessage (both field names), refusals, Warning and Error."""
    dg.agent.emit_agent_thinking = True
    doc = settings(agent__greeting="Hello! How can I help?")
    speak_v1 = {"provider": {"type": "deepgram", "model": "aura-2-andromeda-en"}}
    frames = await conversation(
        dg,
        {"type": "UpdatePrompt", "prompt": " Be brief."},
        {"type": "UpdateSpeak", "speak": speak_v1},
        {"type": "UpdateThink", "think": {"provider": {"type": "anthropic", "model": "claude-3-5-haiku-latest"}}},
        {"type": "KeepAlive"},
        {"type": "InjectAgentMessage", "message": "One moment."},
        {"type": "InjectAgentMessage", "content": "Still here."},  # AAS-2025 field name, accepted too
        {"type": "InjectUserMessage", "content": "Hi"},
        doc=doc,
    )
    assert {"PromptUpdated", "SpeakUpdated", "ThinkUpdated", "AgentThinking"} <= set(frames.types)
    assistant = [m["content"] for m in frames.of("ConversationText") if m["role"] == "assistant"]
    assert assistant == ["Hello! How can I help?", "One moment.", "Still here.", "Okay."]
    specs.check_all(AGENT_SCHEMAS, frames.json)
    dg.agent.inject_refusal = "InjectionRefused"
    dg.agent.warn_at("applied", "PROMPT_TOO_LONG")
    dg.agent.fail_at("user", "FAILED_TO_THINK")
    more = await conversation(
        dg, {"type": "InjectAgentMessage", "message": "x"}, {"type": "InjectUserMessage", "content": "y"}
    )
    assert more.types[1:] == ["SettingsApplied", "Warning", "InjectionRefused", "ConversationText", "History", "Error"]
    specs.check_all(AGENT_SCHEMAS, more.json)


# -- auth and handshake refusals ---------------------------------------------------------------------------


async def test_auth_forms(dg: FakeDeepgram) -> None:
    """Token header, Bearer JWT, `token, <key>` / `bearer, <jwt>` subprotocols; wrong schemes → 401 with dg-error."""
    async with httpx.AsyncClient(base_url=dg.base_url, headers=token(dg)) as http:
        jwt = (await http.post("/v1/auth/grant")).json()["access_token"]
    for headers, protocols in (
        (token(dg), None),
        ({"Authorization": f"Bearer {jwt}"}, None),
        ({}, [Subprotocol("token"), Subprotocol(dg.api_key)]),
        ({}, [Subprotocol("bearer"), Subprotocol(jwt)]),
    ):
        async with connect(url(dg), additional_headers=headers, subprotocols=protocols) as ws:
            assert (await collect(ws, Frames(), until="Welcome")).types == ["Welcome"]
            if protocols:
                assert ws.subprotocol == protocols[0]
    for bad in (f"Bearer {dg.api_key}", f"Token {jwt}", dg.api_key, "Token " + "0" * 40):
        exc = await refused(url(dg), additional_headers={"Authorization": bad})
        assert refusal(exc, 401) == "Invalid credentials."
    assert refusal(await refused(url(dg)), 401) == "Invalid credentials."


@pytest.mark.parametrize("status", [403, 429, 500, 503])
async def test_handshake_failure_knobs(dg: FakeDeepgram, status: int) -> None:
    """`fail("agent", status=…)` refuses the upgrade with that status, dg-error and dg-request-id."""
    dg.fail("agent", status=status)
    assert refusal(await refused(url(dg), additional_headers=token(dg)), status)
    async with connect(url(dg), additional_headers=token(dg)):
        pass  # one refusal only


async def test_credit_concurrency_and_header_variant(dg: FakeDeepgram) -> None:
    """402 without credit; 429 over the concurrency limit; the unverified dg-* headers can be switched off."""
    dg.concurrency_limits["agent"] = 1
    async with connect(url(dg), additional_headers=token(dg)) as first:
        await collect(first, Frames(), until="Welcome")
        assert refusal(await refused(url(dg), additional_headers=token(dg)), 429)
    dg.exhaust_credits()
    assert refusal(await refused(url(dg), additional_headers=token(dg)), 402)
    dg.agent.handshake_dg_headers = False
    exc = await refused(url(dg), additional_headers=token(dg))
    assert exc.response.status_code == 402
    assert "dg-error" not in exc.response.headers and "dg-request-id" not in exc.response.headers
    dg.fail("agent", status=503)
    exc = await refused(url(dg), additional_headers=token(dg))
    assert exc.response.status_code == 503 and "dg-error" not in exc.response.headers


# -- client message validation ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "code"),
    [
        ({"type": "InjectUserMessage", "content": "hi"}, "NON_SETTINGS_MESSAGE_BEFORE_SETTINGS"),
        ({"type": "KeepAlive"}, "NON_SETTINGS_MESSAGE_BEFORE_SETTINGS"),
        (b"\x00\x01" * 100, "NON_SETTINGS_MESSAGE_BEFORE_SETTINGS"),
        ({"type": "SettingsConfiguration", "audio": {}}, "UNPARSABLE_CLIENT_MESSAGE"),  # early-access name
        ("not json", "UNPARSABLE_CLIENT_MESSAGE"),
    ],
)
async def test_settings_must_come_first(dg: FakeDeepgram, specs: Specs, first: Any, code: str) -> None:
    """Anything but Settings first → Error, then a close without status (1005)."""
    async with connect(url(dg), additional_headers=token(dg)) as ws:
        frames = await collect(ws, Frames(), until="Welcome")
        await ws.send(first if isinstance(first, str | bytes) else json.dumps(first))
        await collect(ws, frames)
    assert frames.types == ["Welcome", "Error"] and frames.json[1]["code"] == code
    assert frames.close_code == 1005
    specs.check_all(AGENT_SCHEMAS, frames.json)


async def test_second_settings_and_unknown_type(dg: FakeDeepgram) -> None:
    """A second Settings → SETTINGS_ALREADY_APPLIED; an unknown type → UNPARSABLE_CLIENT_MESSAGE."""
    frames = await conversation(dg, PROBE_SETTINGS)
    assert frames.json[-1]["code"] == "SETTINGS_ALREADY_APPLIED" and frames.close_code == 1005
    frames = await conversation(dg, {"type": "UpdateInstructions", "instructions": "x"})
    assert frames.json[-1] == {
        "type": "Error",
        "description": "Text message received from client did not match any of the formats we expect.",
        "code": "UNPARSABLE_CLIENT_MESSAGE",
    }


BAD_SETTINGS: list[tuple[dict[str, Any], str]] = [
    (settings(audio=None), "UNPARSABLE_CLIENT_MESSAGE"),
    (settings(audio__input__encoding="pcm"), "UNPARSABLE_CLIENT_MESSAGE"),
    (settings(audio__input__sample_rate=None), "UNPARSABLE_CLIENT_MESSAGE"),
    (settings(audio__output__container="mp4"), "UNPARSABLE_CLIENT_MESSAGE"),
    (settings(agent__think__provider__type="openai"), "UNPARSABLE_CLIENT_MESSAGE"),
    (settings(agent__speak={"model": "aura-2-thalia-en"}), "UNPARSABLE_CLIENT_MESSAGE"),  # v0 shape: no provider
    (settings(agent__speak__provider__language="en"), "UNPARSABLE_CLIENT_MESSAGE"),  # skills CL 1.7.0
    (settings(agent__greeting=42), "UNPARSABLE_CLIENT_MESSAGE"),
    (settings(agent__speak=None, audio__output__encoding="mp3"), "INVALID_SETTINGS"),  # default speak is Flux TTS
    (settings(agent__speak=None, audio__output__container="wav"), "INVALID_SETTINGS"),
    (settings(agent__speak__provider__model="flux-alexis-en"), "INVALID_SETTINGS"),  # flux voice under v1
    (settings(agent__think__provider={"type": "groq", "model": "openai/gpt-oss-20b"}), "INVALID_SETTINGS"),
    (settings(agent__speak__provider={"type": "eleven_labs", "model_id": "eleven_turbo_v2_5"}), "INVALID_SETTINGS"),
    (settings(agent="7c0e6d2a-4b1f-4e8a-9c3d-2f5b6a7e8d90"), "INVALID_AGENT_ID"),
]


@pytest.mark.parametrize(("doc", "code"), BAD_SETTINGS)
async def test_settings_validation(dg: FakeDeepgram, doc: dict[str, Any], code: str) -> None:
    """Schema mismatches → UNPARSABLE_CLIENT_MESSAGE; parsed-but-invalid values → INVALID_SETTINGS."""
    async with connect(url(dg), additional_headers=token(dg)) as ws:
        frames = await configured(ws, doc)
        await collect(ws, frames)
    assert frames.types == ["Welcome", "Error"] and frames.json[1]["code"] == code


async def test_settings_variants_accepted(dg: FakeDeepgram, specs: Specs) -> None:
    """Flux listen, µ-law telephony, mp3 from an Aura voice, managed Cartesia, a stored agent id."""
    agent_id = "3f1c2b7a-9d4e-4f60-8a1b-5c6d7e8f9a0b"
    dg.agent.agent_configs[agent_id] = copy.deepcopy(PROBE_SETTINGS["agent"])
    cartesia = {"type": "cartesia", "model_id": "sonic-2", "voice": {"mode": "id", "id": "abc"}}
    docs = [
        settings(agent__listen__provider={"type": "deepgram", "version": "v2", "model": "flux-general-en"}),
        settings(audio={"input": {"encoding": "mulaw", "sample_rate": 8000}, "output": {"encoding": "mulaw"}}),
        settings(audio__output={"encoding": "mp3", "bitrate": 48000}),
        settings(agent__speak={"provider": cartesia}),
        settings(agent=agent_id),
    ]
    for doc in docs:
        specs.check("AgentV1_AgentV1Settings", doc)
        frames = await conversation(dg, {"type": "InjectUserMessage", "content": "hi"}, doc=doc)
        assert frames.types[1] == "SettingsApplied" and "AgentAudioDone" in frames.types
        if doc["audio"]["output"].get("encoding") == "mulaw":
            assert len(frames.audio) == int(speech_seconds("Okay.") * 8000)  # 1 byte per sample at the 8 kHz default
        if doc["audio"]["output"].get("encoding") == "mp3":
            assert frames.audio.startswith(b"ID3")


async def test_unusable_listen_model_fails_after_settings_applied(dg: FakeDeepgram) -> None:
    """A Flux model without version v2 takes the v1 path where it is invalid: FAILED_TO_START_LISTENING."""
    frames = await conversation(dg, doc=settings(agent__listen__provider__model="flux-general-en"))
    assert frames.types == ["Welcome", "SettingsApplied", "Error"]
    assert frames.json[2]["code"] == "FAILED_TO_START_LISTENING"


# -- timeouts, scripted failures ------------------------------------------------------------------------------


async def test_idle_timeout_and_keepalive(dg: FakeDeepgram) -> None:
    """No message within idle_timeout → CLIENT_MESSAGE_TIMEOUT (recorded text) then 1005; KeepAlive holds it."""
    dg.agent.idle_timeout = 0.4
    async with connect(url(dg), additional_headers=token(dg)) as ws:
        frames = await configured(ws)
        for _ in range(5):
            await ws.send(json.dumps({"type": "KeepAlive"}))
            await collect(ws, frames, quiet=0.1)
        assert frames.types == ["Welcome", "SettingsApplied"]
        await collect(ws, frames, quiet=1.0)
    assert frames.json[-1] == {"type": "Error", "description": TIMEOUT_TEXT, "code": "CLIENT_MESSAGE_TIMEOUT"}
    assert frames.close_code == 1005
    dg.agent.keepalive_resets_idle = False  # deepgram-js-sdk#419: timed out despite KeepAlive
    dg.agent.error_close_code, dg.agent.idle_timeout = 1011, 0.2
    async with connect(url(dg), additional_headers=token(dg)) as ws:
        frames = await configured(ws)
        with contextlib.suppress(ConnectionClosed):
            for _ in range(4):
                await ws.send(json.dumps({"type": "KeepAlive"}))
                await collect(ws, frames, quiet=0.1)
        await collect(ws, frames, quiet=0.5)  # what arrived before the close
    assert frames.json[-1]["code"] == "CLIENT_MESSAGE_TIMEOUT" and frames.close_code == 1011


async def test_every_documented_error_code_can_be_scripted(dg: FakeDeepgram, specs: Specs) -> None:
    """`fail_at`/`warn_at` send every Error (then close) and Warning code of the reference tables."""
    for code in ERRORS:
        dg.agent.fail_at("applied", code)
        frames = await conversation(dg)
        assert frames.types == ["Welcome", "SettingsApplied", "Error"], code
        assert frames.json[2]["code"] == code and frames.close_code == 1005
        specs.check_all(AGENT_SCHEMAS, frames.json)
    for code in WARNINGS:
        dg.agent.warn_at("applied", code)
    frames = await conversation(dg)
    assert [m["code"] for m in frames.of("Warning")] == list(WARNINGS) and frames.close_code is None
    specs.check_all(AGENT_SCHEMAS, frames.json)
    dg.agent.close_at("welcome", 1011)
    async with connect(url(dg), additional_headers=token(dg)) as ws:
        frames = await collect(ws, Frames())
    assert frames.types == ["Welcome"] and frames.close_code == 1011


async def test_think_provider_failures(dg: FakeDeepgram) -> None:
    """Think failure (fatal or recovered by a fallback), silence, and a slow LLM with SLOW_THINK_REQUEST."""
    inject = {"type": "InjectUserMessage", "content": "hi"}
    dg.agent.think_fails()
    frames = await conversation(dg, inject)
    assert [(m["type"], m["code"]) for m in frames.json if m["type"] in ("Warning", "Error")] == [
        ("Warning", "THINK_REQUEST_FAILED"),
        ("Error", "FAILED_TO_THINK"),
    ]
    assert frames.close_code == 1005 and not frames.audio
    dg.agent.think_fails(fatal=False)
    frames = await conversation(dg, inject)
    assert frames.of("Warning")[0]["code"] == "THINK_REQUEST_FAILED" and "AgentAudioDone" in frames.types
    dg.agent.think_silent()
    frames = await conversation(dg, inject)
    assert frames.types == ["Welcome", "SettingsApplied", "ConversationText", "History"] and frames.close_code is None
    dg.agent.think_delay, dg.agent.slow_warning_interval = 0.25, 0.1
    frames = await conversation(dg, inject)
    slow = frames.of("Warning")
    assert [w["description"] for w in slow] == [
        "We have now waited 0.1 seconds for a think response.",
        "We have now waited 0.2 seconds for a think response.",
    ]
    assert {w["code"] for w in slow} == {"SLOW_THINK_REQUEST"} and "AgentAudioDone" in frames.types


async def test_speak_provider_failure_and_bad_speed(dg: FakeDeepgram) -> None:
    """SPEAK_REQUEST_FAILED then FAILED_TO_SPEAK after the assistant text; an unaccepted speed fails to speak."""
    inject = {"type": "InjectUserMessage", "content": "hi"}
    dg.agent.speak_fails()
    frames = await conversation(dg, inject)
    assert frames.types[-3:] == ["History", "Warning", "Error"] and frames.json[-1]["code"] == "FAILED_TO_SPEAK"
    assert not frames.audio
    frames = await conversation(dg, inject, doc=settings(agent__speak__provider__speed=3.0))
    assert frames.json[-1]["code"] == "FAILED_TO_SPEAK"


async def test_stalls(dg: FakeDeepgram) -> None:
    """stall_ws: no Welcome at all; stall_at("settings"): Welcome but never SettingsApplied."""
    dg.stall_ws(route="agent")
    async with connect(url(dg), additional_headers=token(dg)) as ws:
        assert (await collect(ws, Frames(), quiet=0.2)).types == []
    dg.agent.stall_at("settings")
    frames = await conversation(dg)
    assert frames.types == ["Welcome"] and frames.close_code is None


async def test_session_cap(dg: FakeDeepgram) -> None:
    """MAXIMUM_SESSION_LENGTH_APPROACHING (Warning) then MAXIMUM_SESSION_LENGTH_REACHED (Error)."""
    dg.agent.max_session_seconds, dg.agent.session_warning_lead = 0.4, 0.2
    async with connect(url(dg), additional_headers=token(dg)) as ws:
        frames = await configured(ws)
        await collect(ws, frames, quiet=1.0)
    assert [m.get("code") for m in frames.json[2:]] == [
        "MAXIMUM_SESSION_LENGTH_APPROACHING",
        "MAXIMUM_SESSION_LENGTH_REACHED",
    ]


async def test_force_end_turn_needs_flux(dg: FakeDeepgram) -> None:
    """ForceEndTurn with a v1 listen provider → Warning FORCE_END_TURN_UNSUPPORTED; the session goes on."""
    frames = await conversation(dg, {"type": "ForceEndTurn"})
    assert frames.types[-1] == "Warning" and frames.json[-1]["code"] == "FORCE_END_TURN_UNSUPPORTED"
    assert frames.close_code is None


# -- audio in -------------------------------------------------------------------------------------------------


async def test_streamed_clip_becomes_a_user_turn(dg: FakeDeepgram) -> None:
    """The probe clip streamed as linear16/16000 → UserStartedSpeaking, its transcript, a reply."""
    wav = ProbeClip.load().wav
    dg.register_clip(Clip(audio=wav, transcript=PROBE_SENTENCE))
    async with connect(url(dg), additional_headers=token(dg)) as ws:
        frames = await configured(ws)
        for i in range(0, len(wav), 3200):
            await ws.send(wav[i : i + 3200])
        await collect(ws, frames, until="AgentAudioDone", quiet=1.0)
    assert frames.types[2:5] == ["UserStartedSpeaking", "ConversationText", "History"]
    assert frames.of("ConversationText")[0] == {"type": "ConversationText", "role": "user", "content": PROBE_SENTENCE}
    assert dg.requests[-1].body_length == len(wav)


async def test_audio_in_the_wrong_format(dg: FakeDeepgram) -> None:
    """Bytes that do not match `audio.input`: no transcript by default, or the USER_AUDIO_FORMAT knob."""
    wav = ProbeClip.load().wav
    dg.register_clip(Clip(audio=wav, transcript=PROBE_SENTENCE))
    mulaw = settings(audio__input={"encoding": "mulaw", "sample_rate": 8000})
    for error in (None, "USER_AUDIO_FORMAT"):
        dg.agent.audio_mismatch_error = error
        async with connect(url(dg), additional_headers=token(dg)) as ws:
            frames = await configured(ws, mulaw)
            await ws.send(wav)
            await collect(ws, frames, quiet=0.3)
        expected = ["Welcome", "SettingsApplied"] + (["Error"] if error else [])
        assert frames.types == expected


async def test_early_access_path(dg: FakeDeepgram, specs: Specs) -> None:
    """`/agent` is gone (404) by default; the cutover variant sends the recorded API_CUTOVER_SOON warning."""
    exc = await refused(dg.agent_url + "/agent", additional_headers=token(dg))
    assert exc.response.status_code == 404
    dg.agent.early_access_path = "cutover"
    async with connect(dg.agent_url + "/agent", additional_headers=token(dg)) as ws:
        frames = await collect(ws, Frames(), quiet=0.2)
    assert frames.types == ["Welcome", "Warning"] and "session_id" in frames.json[0]
    assert frames.json[1]["code"] == "API_CUTOVER_SOON"
    specs.check("AgentV1_AgentV1Warning", frames.json[1])
