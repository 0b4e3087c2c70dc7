"""Recognising pasted error material: bodies, close reasons, statuses, and the newer surfaces' messages."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.playbooks.errortext import recognise, status_topic
from bot.playbooks.errortext_realtime import surfaces
from bot.playbooks.library import load_library
from bot.playbooks.match import match
from bot.topics import Topic

LIBRARY = load_library()
ERROR_SAMPLES = Path(__file__).parents[2] / "data" / "error_samples.tsv"


# -- pasted error material ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pasted", "topic"),
    [
        ('{"err_code":"INVALID_AUTH","err_msg":"Invalid credentials.","request_id":"abc"}', "401"),
        (
            '{"err_code":"ASR_PAYMENT_REQUIRED","err_msg":"Project does not have enough credits for an ASR '
            'request and does not have an overage agreement.","request_id":"abc"}',
            "402",
        ),
        ('{"category":"INVALID_JSON","message":"Invalid JSON submitted.","details":"…","request_id":"r"}', "400"),
        ('{"err_code":"Bad Request","err_msg":"Bad Request: No such model/version combination found.",', "models"),
        ('{"error_code":"Service Unavailable","err_msg":"Please try again later","request_id":"r"}', "5xx"),
        ('{"err_code":"Payload Too Large","err_msg":"Input text exceeds maximum character limit of 2400."}', "413"),
        (
            "Deepgram did not receive audio data or a text message within the timeout window. "
            "See https://dpgr.am/net0001",
            "net-0001",
        ),
        ("ConnectionClosedError: received 1008 (policy violation) DATA-0000; then sent 1008", "data-0000"),
        ("closed 1011 NET-0000", "net-0000"),
        ("dg-error: Invalid credentials.", "401"),
        ("server rejected WebSocket connection: HTTP 401", "401"),
        ("server rejected WebSocket connection: HTTP 429", "429"),
        ("httpx.ConnectError: [Errno -3] Temporary failure in name resolution", "network"),
        ("ssl.SSLCertVerificationError: [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed", "network"),
        ("UUID parsing failed: invalid character: expected an optional prefix of `urn:uuid:`", "404"),
        ("PROJECT_NOT_FOUND when calling the management api", "404"),
        ("it says unauthorized", "401"),
    ],
)
def test_pasted_errors_are_recognised(pasted: str, topic: str) -> None:
    """Error bodies, close reasons, header lines and exception text name their playbook."""
    found = match(pasted, LIBRARY)
    assert found.best is not None and found.best.value == topic, found
    assert found.kind == "error" and found.evidence


def test_truncated_json_is_still_read() -> None:
    """A body cut off mid-way still yields its err_code."""
    (clue, *_) = recognise('{"err_code":"TOO_MANY_REQUESTS","err_msg":"Too many requ')
    assert clue.topic is Topic.RATE_LIMITED


def test_numbers_with_units_are_not_statuses() -> None:
    """ "500 ms" and "400 characters" are not HTTP statuses."""
    assert recognise("latency is 500 ms and the text is 400 characters long") == []


def test_status_topics() -> None:
    """Every 5xx without its own playbook is a server error; 504 and 422 have theirs."""
    assert status_topic(502) is Topic.SERVER_ERROR and status_topic(599) is Topic.SERVER_ERROR
    assert status_topic(504) is Topic.TIMEOUT and status_topic(422) is Topic.PAYLOAD_TOO_LARGE
    assert status_topic(418) is None


# -- the newer surfaces: Voice Agent, Flux, TTS socket, regions, SDK upgrades ---------------------------


def error_samples() -> list[tuple[str, str]]:
    """`tests/data/error_samples.tsv`: topic, then the pasted text with its newlines written as `\\n`."""
    rows = []
    for line in ERROR_SAMPLES.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            topic, text = line.split("\t")
            rows.append((topic, text.replace("\\n", "\n")))
    return rows


SAMPLES = error_samples()


def test_the_samples_cover_every_new_playbook() -> None:
    """The sample table is well formed and has pastes for each of the 15 new topics."""
    assert len(SAMPLES) >= 70
    assert len({text for _, text in SAMPLES}) == len(SAMPLES), "no duplicate samples"
    new = {t.value for t in Topic if t.value.startswith(("agent-", "flux", "tts-websocket", "data-0001"))}
    assert new | {"regions", "sdk-upgrade"} <= {topic for topic, _ in SAMPLES}
    assert {topic for topic, _ in SAMPLES} <= {t.value for t in Topic}


@pytest.mark.parametrize(("topic", "pasted"), SAMPLES, ids=[f"{i:02}-{t}" for i, (t, _) in enumerate(SAMPLES)])
def test_pasted_samples_find_their_playbook(topic: str, pasted: str) -> None:
    """Every realistic paste of the sample table leads to its playbook."""
    found = match(pasted, LIBRARY)
    assert found.best is not None and found.best.value == topic, (found.best, found.evidence, found.runner_ups)


def test_tts_data_0001_is_not_the_speech_to_text_data_0000() -> None:
    """1008 DATA-0001 is the TTS socket's "too many characters", no longer undecodable audio."""
    found = match("ConnectionClosedError: received 1008 (policy violation) DATA-0001", LIBRARY)
    assert found.best is Topic.DATA_0001 and found.kind == "error"
    assert Topic.DATA_0000 not in {c.topic for c in recognise("closed 1008 DATA-0001")}
    assert match("ConnectionClosedError: received 1008 (policy violation) DATA-0000", LIBRARY).best is Topic.DATA_0000


def test_agent_codes_are_read_from_printed_javascript_objects() -> None:
    """`console.log` prints `code: 'X'` with single quotes and bare keys; `warn_code` is read too."""
    (clue, *_) = recognise("Agent error: { type: 'Warning', description: '…', code: 'PROMPT_TOO_LONG' }")
    assert clue.topic is Topic.AGENT_THINK_PROVIDER and clue.needle == "PROMPT_TOO_LONG"
    (clue, *_) = recognise('{"type":"Warning","warn_code":"EXCESSIVE_FLUSH","warn_msg":"…"}')
    assert clue.topic is Topic.TTS_WEBSOCKET


@pytest.mark.parametrize(
    ("pasted", "topic"),
    [
        ('{"type":"Error","description":"…","code":"UNPARSABLE_CLIENT_MESSAGE"}', "agent-settings"),
        ('{"type":"Error","sequence_id":4,"code":"UNPARSABLE_CLIENT_MESSAGE","description":"…"}', "flux-closed"),
        ('{"type":"Error","description":"…","code":"INTERNAL_SERVER_ERROR"}', "5xx"),
        ('voice agent sent {"type":"Error","description":"…","code":"INTERNAL_SERVER_ERROR"}', "agent-downstream"),
        ('{"type":"Error","sequence_id":9,"code":"INTERNAL_SERVER_ERROR","description":"…"}', "flux-closed"),
        ("{ type: 'FatalError', code: 'INTERNAL_SERVER_ERROR' } from /v2/listen", "flux-closed"),
        ('{"type":"Error","sequence_id":5,"code":"SOME_NEW_CODE","description":"…"}', "flux-closed"),
    ],
)
def test_codes_with_two_meanings_follow_the_surface(pasted: str, topic: str) -> None:
    """A `sequence_id` or `FatalError` makes it Flux's (even with a code we do not know); agent context makes
    it the agent's; else generic."""
    found = match(pasted, LIBRARY)
    assert found.best is not None and found.best.value == topic, found


@pytest.mark.parametrize(
    ("pasted", "topic"),
    [
        ("server rejected WebSocket connection: HTTP 429", "429"),
        ("wss://api.deepgram.com/v2/listen?model=flux-general-en: server rejected WebSocket: HTTP 429", "flux"),
        ("wss://agent.deepgram.com/v1/agent/converse: server rejected WebSocket connection: HTTP 402", "agent-connect"),
        ("wss://api.deepgram.com/v1/listen?model=nova-3 server rejected WebSocket connection: HTTP 401", "401"),
        ("GET https://api.deepgram.com/v1/projects -> 404", "404"),
        ("GET https://api.eu.deepgram.com/v1/projects -> 404", "regions"),
        ("getaddrinfo ENOTFOUND api.deepgram.com", "network"),
        ("getaddrinfo ENOTFOUND agent.au.deepgram.com", "agent-connect"),
    ],
)
def test_a_status_is_read_with_the_surface_it_came_from(pasted: str, topic: str) -> None:
    """A status or DNS failure next to an agent, Flux or regional URL is that surface's; alone it is generic."""
    found = match(pasted, LIBRARY)
    assert found.best is not None and found.best.value == topic, found


def test_surface_readings_replace_the_generic_ones() -> None:
    """The Flux reading of a 429 drops the generic 429 and refused-handshake clues of the same paste."""
    found = {c.topic for c in recognise("/v2/listen: server rejected WebSocket connection: HTTP 429")}
    assert Topic.FLUX in found and not found & {Topic.RATE_LIMITED, Topic.WEBSOCKET}


def test_close_codes_of_the_new_surfaces() -> None:
    """TTS payloads win over the bare close code; 1005 is Flux's unless the paste is about the agent."""
    assert match("received 1011 (internal error) NET-0003", LIBRARY).best is Topic.TTS_WEBSOCKET
    assert match("received 1011 (internal error) NET-0001", LIBRARY).best is Topic.NET_0001
    assert match("/v1/speak closed: 1011 NET-0000", LIBRARY).best is Topic.TTS_WEBSOCKET
    assert match("closed 1011 NET-0000", LIBRARY).best is Topic.NET_0000
    assert Topic.FLUX_CLOSED in {c.topic for c in recognise("flux socket closed with 1005")}
    agent = recognise('{"type":"Welcome"} then {"code":"UNPARSABLE_CLIENT_MESSAGE"}; received 1005 (no status)')
    assert Topic.FLUX_CLOSED not in {c.topic for c in agent}
    assert recognise('File "app.py", line 1005, in main') == []


def test_surfaces_of_a_paste() -> None:
    """Agent, Flux and TTS context; an agent with a Flux listen model is still the agent's paste."""
    agent_with_flux = surfaces('wss://agent.deepgram.com/v1/agent/converse {"model":"flux-general-en"}')
    assert agent_with_flux.agent and not agent_with_flux.is_flux
    assert surfaces("flux tts on /v2/speak").tts and not surfaces("flux tts on /v2/speak").is_flux
    assert surfaces('{"type":"Error","sequence_id":3}').is_flux
