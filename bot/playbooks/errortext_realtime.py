"""Recognise pasted material from Deepgram's newer surfaces: Voice Agent, Flux, the TTS socket, regional
hosts, and the tracebacks of an SDK upgrade.

What people paste (deepgram-realtime.md §1.7, §2.3–2.7, §3.3–3.6, §4, §5):

- a Voice Agent message, as JSON or as a JavaScript object printed by `console.log`:
  `{"type":"Error","description":"…","code":"CLIENT_MESSAGE_TIMEOUT"}`, `code: 'UNPARSABLE_CLIENT_MESSAGE'`;
- a Flux fatal message, `{"type":"Error","sequence_id":3,"code":…}` (one SDK guide says
  `"type":"FatalError"`: both are read), a `ConfigureFailure`, a Flux `Warning`, pipecat's
  `Fatal error: Unknown error`;
- a TTS socket close (`1008 DATA-0001`, `1011 NET-0003`, `1003 MESSAGE-0000`, `1009 BIG-0001`) or
  warning (`"warn_code":"EXCESSIVE_FLUSH"`, or `code`/`description`: the references disagree);
- an HTTP status next to the surface it came from (`…/v2/listen` + 429 is Flux concurrency);
- an `ImportError`/`AttributeError`/`TypeError` from code written for an older SDK.

Codes are matched, not descriptions, except the few descriptions that were recorded verbatim: the
references do not record the wording of most codes. Two codes mean different things on different
surfaces and are decided by the paste's context: `UNPARSABLE_CLIENT_MESSAGE` and
`INTERNAL_SERVER_ERROR` are Flux fatal errors when the message carries a `sequence_id` (or says
`FatalError`, or the paste is about Flux), agent errors when it is about the agent; without either,
`INTERNAL_SERVER_ERROR` stays the generic 5xx. Pure: text in, clues out.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

from bot.playbooks.clue import CLOSE_CODE, CODE, LIBRARY, MESSAGE, Clue
from bot.topics import Topic

__all__ = ["CODES", "Surfaces", "clues", "code_topic", "surfaces"]

#: A message's shape rather than its code: an `Error` with a `sequence_id`, a name only a removed API used.
SHAPE = 0.8

# Voice Agent Error and Warning codes (deepgram-realtime.md §1.7), grouped by the playbook that explains
# them; Flux (§2.3, §2.5) and TTS-socket (§3.3, §3.6) codes after them.
CODES: Mapping[str, Topic] = {
    "API_CUTOVER_SOON": Topic.AGENT_CONNECT,
    "UNPARSABLE_CLIENT_MESSAGE": Topic.AGENT_SETTINGS,  # a Flux fatal error in Flux context (below)
    "NON_SETTINGS_MESSAGE_BEFORE_SETTINGS": Topic.AGENT_SETTINGS,
    "SETTINGS_ALREADY_APPLIED": Topic.AGENT_SETTINGS,
    "INVALID_SETTINGS": Topic.AGENT_SETTINGS,
    "INVALID_AGENT_ID": Topic.AGENT_SETTINGS,
    "AGENT_ID_NOT_SUPPORTED": Topic.AGENT_SETTINGS,
    "CLIENT_MESSAGE_TIMEOUT": Topic.AGENT_CLIENT_TIMEOUT,
    "MAXIMUM_SESSION_LENGTH_REACHED": Topic.AGENT_CLIENT_TIMEOUT,
    "MAXIMUM_SESSION_LENGTH_APPROACHING": Topic.AGENT_CLIENT_TIMEOUT,
    "USER_AUDIO_FORMAT": Topic.AGENT_LISTEN,
    "ASR_DRIVER_TIMEOUT": Topic.AGENT_LISTEN,
    "ASR_CONNECTION_CLOSED": Topic.AGENT_LISTEN,
    "FAILED_TO_START_LISTENING": Topic.AGENT_LISTEN,
    "INVALID_AUDIO_FORMAT": Topic.AGENT_LISTEN,  # AAS-2025 illustrations only (unverified)
    "AUDIO_QUALITY_WARNING": Topic.AGENT_LISTEN,
    "THINK_REQUEST_FAILED": Topic.AGENT_THINK_PROVIDER,
    "FAILED_TO_THINK": Topic.AGENT_THINK_PROVIDER,
    "SLOW_THINK_REQUEST": Topic.AGENT_THINK_PROVIDER,
    "PROMPT_TOO_LONG": Topic.AGENT_THINK_PROVIDER,
    "GPT_4O_STREAM_END_ERROR": Topic.AGENT_THINK_PROVIDER,
    "SPEAK_REQUEST_FAILED": Topic.AGENT_SPEAK_PROVIDER,
    "FAILED_TO_SPEAK": Topic.AGENT_SPEAK_PROVIDER,
    "SLOW_SPEAK_REQUEST": Topic.AGENT_SPEAK_PROVIDER,
    "NON_EXISTENT_FUNCTION_CALLED": Topic.AGENT_FUNCTIONS,
    "FUNCTION_CALL_FAILED": Topic.AGENT_FUNCTIONS,
    "INJECT_AGENT_MESSAGE_DURING_USER_SPEECH": Topic.AGENT_FUNCTIONS,
    "INJECT_AGENT_MESSAGE_DURING_AGENT_SPEECH": Topic.AGENT_FUNCTIONS,
    "FORCE_END_TURN_UNSUPPORTED": Topic.AGENT_FUNCTIONS,
    "SERVER_GOING_AWAY": Topic.AGENT_DOWNSTREAM,
    "V2_MODEL_ON_V1_LISTEN_ENDPOINT": Topic.FLUX,
    "INVALID_THRESHOLD": Topic.FLUX,
    "FORCE_END_TURN_NO_ACTIVE_TURN": Topic.FLUX_CLOSED,
    "INACTIVE_CLIENT": Topic.FLUX_CLOSED,  # third-party observation
    "EXCESSIVE_FLUSH": Topic.TTS_WEBSOCKET,
    "NO_ACTIVE_SPEECH": Topic.TTS_WEBSOCKET,
    "SYNTHESIS_RETRYING": Topic.TTS_WEBSOCKET,
    "EXPRESSIVITY_OUT_OF_RANGE": Topic.TTS_WEBSOCKET,
    "EXPRESSIVITY_INCREMENT_INVALID": Topic.TTS_WEBSOCKET,
}

# Descriptions recorded verbatim (lower case), read as the code they come with: a paste may carry the
# description without the code, and the code's surface rules still apply.
MESSAGE_CODES: tuple[tuple[str, str], ...] = (
    ("we waited too long for a websocket message", "CLIENT_MESSAGE_TIMEOUT"),  # deepgram-js-sdk#419
    ("did not match any of the formats we expect", "UNPARSABLE_CLIENT_MESSAGE"),  # flask demo #17
    ("error parsing client message", "UNPARSABLE_CLIENT_MESSAGE"),  # node-voice-agent PR #5
    ("this early access api is going away", "API_CUTOVER_SOON"),  # jambonz#1178
    ("seconds for a think response", "SLOW_THINK_REQUEST"),
    ("flux models are not supported on the /v1/listen endpoint", "V2_MODEL_ON_V1_LISTEN_ENDPOINT"),
    ("eager_eot_threshold must be less than or equal to eot_threshold", "INVALID_THRESHOLD"),
    ("received forceendturn while no turn was active", "FORCE_END_TURN_NO_ACTIVE_TURN"),
    ("rate limit exceeded for flushes", "EXCESSIVE_FLUSH"),  # deepgram-python-sdk PR #653
)

# Messages that name a topic without a code.
MESSAGES: tuple[tuple[str, Topic], ...] = (
    ("fatal error: unknown error", Topic.FLUX_CLOSED),  # pipecat#3463
    ("voice agent api: downstream providers", Topic.AGENT_DOWNSTREAM),  # the status page component
    ("must be instantiated be either passing in api_key", Topic.SDK_UPGRADE),  # sic, py-sdk base_client.py
)

# Tracebacks of code written for another SDK generation (deepgram-realtime.md §5).
SDK_ERRORS: tuple[str, ...] = (
    r"cannot import name ['\"]?\w+['\"]? from ['\"]?deepgram(?:\.[\w.]+)?['\"]?",
    r"'(?:ListenClient|DeepgramClient|AsyncDeepgramClient|Version)' object has no attribute"
    r"|object has no attribute '(?:prerecorded|transcribe_file)'",
    r"\b(?:BaseClient|Deepgram)\.__init__\(\) takes \d+ positional argument",
    r"no module named ['\"]deepgram\.[\w.]+['\"]?",
    r"['\"]@deepgram/sdk['\"] does not provide an export named",
    r"cannot read properties of undefined \(reading '(?:live|prerecorded|transcription)'\)",
    r"\bmatch self\.parent\s*:",  # SDK v3 on Python < 3.10
    r"\bListenV2(?:FatalError|TurnInfo|Connected)\b",  # an SDK model that cannot parse a Flux message
)
_SDK_ERRORS = tuple(re.compile(pattern, re.I) for pattern in SDK_ERRORS)
_SDK_TOPICS = (Topic.SDK_UPGRADE,) * (len(SDK_ERRORS) - 1) + (Topic.FLUX_CLOSED,)

# TTS socket close payloads (deepgram-realtime.md §3.5, §3.6). NET-0000, NET-0001 and DATA-0000 are
# speech-to-text topics of their own; on a TTS socket NET-0000 and DATA-0000 mean something else.
TTS_REASONS: Mapping[str, Topic] = {
    "DATA-0001": Topic.DATA_0001,
    "BIG-0000": Topic.DATA_0001,
    "BIG-0001": Topic.DATA_0001,
    "DATA-0002": Topic.TTS_WEBSOCKET,
    "MESSAGE-0000": Topic.TTS_WEBSOCKET,
    "NET-0002": Topic.TTS_WEBSOCKET,
    "NET-0003": Topic.TTS_WEBSOCKET,
    "NET-0004": Topic.TTS_WEBSOCKET,
}
_REASON = re.compile(r"\b(DATA|BIG|MESSAGE|NET)[-_ ]?(000\d)\b", re.I)
_STT_REASONS_ON_TTS = ("NET-0000", "DATA-0000")
# What a bare close code or a speech-to-text reason would be read as: a surface's reason replaces it.
_GENERIC_CLOSE = frozenset({Topic.NET_0000, Topic.NET_0001, Topic.DATA_0000, Topic.WEBSOCKET})
_CLOSE_NUMBERS: Mapping[str, Topic] = {"1003": Topic.TTS_WEBSOCKET, "1005": Topic.FLUX_CLOSED, "1009": Topic.DATA_0001}
_CLOSE_NUMBER = re.compile(r"(?<![\w.:/-])(1003|1005|1009)(?![\w.])")
_CLOSING = re.compile(r"\bclos|\breceived\b|\bcode\b|no status|disconnect", re.I)

# Which surface a paste is about.
_AGENT = re.compile(
    r"agent\.(?:[a-z0-9-]+\.)?deepgram\.com|/v1/agent\b|voice[\s-]*agent|\bagent\s+(?:api|socket|websocket|handshake)"
    r"|[\"']?type[\"']?\s*:\s*[\"'](?:Welcome|SettingsApplied|ConversationText|UserStartedSpeaking|AgentAudioDone)\b",
    re.I,
)
_TTS = re.compile(r"/v[12]/speak\b|\bspeak\s*(?:web)?socket|\btts\b|text[\s-]to[\s-]speech|\baura\b|\baura-", re.I)
_FLUX = re.compile(r"/v2/listen\b|flux-general|\bflux\b(?![\s-]*tts)|\bTurnInfo\b|\bListenV2", re.I)
_FLUX_MESSAGE = re.compile(r"[\"']?(?:sequence_id)[\"']?\s*:\s*\d|[\"']?type[\"']?\s*:\s*[\"']FatalError[\"']", re.I)
_REGIONAL_HOST = re.compile(r"\bapi\.(?:eu|au|in|us)\.deepgram\.com\b", re.I)

_CODE_TOKEN = re.compile(r"(?<![A-Za-z0-9_])([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)(?![A-Za-z0-9_])")
_TYPE = re.compile(r"[\"']?type[\"']?\s*:\s*[\"'](FatalError|ConfigureFailure|InjectionRefused)[\"']")
_TYPE_TOPICS: Mapping[str, Topic] = {
    "FatalError": Topic.FLUX_CLOSED,
    "ConfigureFailure": Topic.FLUX,
    "InjectionRefused": Topic.AGENT_FUNCTIONS,
}
_REGIONAL_AGENT_HOST = re.compile(r"\bagent\.(?!deepgram\.com)[a-z0-9-]+\.deepgram\.com\b", re.I)
_EARLY_ACCESS_URL = re.compile(r"\bagent\.deepgram\.com/agent(?![\w/])", re.I)
_EARLY_ACCESS_MESSAGE = re.compile(r"\bSettingsConfiguration\b")
_ERROR_TYPE = re.compile(r"[\"']?type[\"']?\s*:\s*[\"']Error[\"']")
_SELF_HOSTED_STATUS = re.compile(r"[\"']system_health[\"']\s*:")

# HTTP statuses that a surface explains itself when the paste shows that surface.
_AGENT_STATUSES = frozenset({401, 402, 404, 429})
_FLUX_STATUSES = frozenset({400, 405, 429})


@dataclass(frozen=True)
class Surfaces:
    """Which of Deepgram's surfaces a paste is about."""

    agent: bool
    flux: bool
    tts: bool
    #: A message with a `sequence_id`, or typed `FatalError`: Flux's, whatever else the paste says.
    flux_message: bool

    @property
    def is_flux(self) -> bool:
        return self.flux_message or (self.flux and not self.agent)


def surfaces(text: str) -> Surfaces:
    """Read the paste's URLs, hosts, message types and words for the surfaces it is about."""
    return Surfaces(
        agent=_AGENT.search(text) is not None,
        flux=_FLUX.search(text) is not None and "/v2/speak" not in text.lower(),
        tts=_TTS.search(text) is not None,
        flux_message=_FLUX_MESSAGE.search(text) is not None,
    )


def code_topic(code: str, where: Surfaces) -> Topic | None:
    """The playbook for a code, decided by the paste's surface where the code has two meanings."""
    if code == "UNPARSABLE_CLIENT_MESSAGE" and where.is_flux:
        return Topic.FLUX_CLOSED
    if code == "INTERNAL_SERVER_ERROR":
        if where.is_flux:
            return Topic.FLUX_CLOSED
        return Topic.AGENT_DOWNSTREAM if where.agent else None
    return CODES.get(code)


def clues(text: str, generic: Sequence[Clue]) -> Iterator[Clue]:
    """Every clue in `text` about the newer surfaces; `generic` are the clues `errortext` found, whose
    HTTP statuses a surface may explain better."""
    where = surfaces(text)
    yield from _code_clues(text, where)
    yield from _message_clues(text, where)
    yield from _shape_clues(text, where)
    yield from _close_clues(text, where)
    yield from _host_clues(text)
    yield from _status_clues(text, where, generic)
    for pattern, topic in zip(_SDK_ERRORS, _SDK_TOPICS, strict=True):
        found = pattern.search(text)
        if found:
            yield Clue(topic, LIBRARY, f"“{found.group(0)}”", found.group(0))


def _code_clues(text: str, where: Surfaces) -> Iterator[Clue]:
    seen: set[str] = set()
    for found in _CODE_TOKEN.finditer(text):
        code = found.group(1)
        topic = code_topic(code, where)
        if topic is not None and code not in seen:
            seen.add(code)
            replaced = frozenset({Topic.SERVER_ERROR}) if code == "INTERNAL_SERVER_ERROR" else frozenset()
            yield Clue(topic, CODE, f"{_surface_name(topic)} code {code}", code, replaced)


def _message_clues(text: str, where: Surfaces) -> Iterator[Clue]:
    lowered = text.lower()
    for message, code in MESSAGE_CODES:
        topic = code_topic(code, where)
        if message in lowered and topic is not None:
            yield Clue(topic, MESSAGE, f"{_surface_name(topic)} message “{message}”", message)
    for message, topic in MESSAGES:
        if message in lowered:
            yield Clue(topic, MESSAGE, f"“{message}”", message)


def _shape_clues(text: str, where: Surfaces) -> Iterator[Clue]:
    """Messages known by their type or fields rather than by a code."""
    for found in _TYPE.finditer(text):
        kind = found.group(1)
        yield Clue(_TYPE_TOPICS[kind], CODE, f"a “{kind}” message", kind)
    if where.flux_message and not where.tts and _ERROR_TYPE.search(text):
        yield Clue(Topic.FLUX_CLOSED, SHAPE, "an Error message with a sequence_id (Flux's fatal error)")
    if _EARLY_ACCESS_MESSAGE.search(text):
        yield Clue(Topic.AGENT_CONNECT, SHAPE, "an early-access agent message (SettingsConfiguration)")
    if _SELF_HOSTED_STATUS.search(text):
        yield Clue(Topic.REGIONS, CODE, "a self-hosted /v1/status body (system_health)", "system_health")


def _close_clues(text: str, where: Surfaces) -> Iterator[Clue]:
    """TTS close payloads; a speech-to-text payload on a TTS socket; bare close codes of the new surfaces."""
    reasons = {f"{m.group(1).upper()}-{m.group(2)}" for m in _REASON.finditer(text)}
    for reason in sorted(reasons):
        topic = TTS_REASONS.get(reason)
        if topic is None and where.tts and reason in _STT_REASONS_ON_TTS:
            topic = Topic.TTS_WEBSOCKET
        if topic is not None:
            yield Clue(topic, CODE, f"TTS socket close reason {reason}", reason, _GENERIC_CLOSE)
    if not _CLOSING.search(text):
        return
    for found in _CLOSE_NUMBER.finditer(text):
        number = found.group(1)
        # An agent closes without a status (1005) after its Error: the agent code decides, not Flux.
        if number == "1005" and (where.agent and not where.is_flux):
            continue
        yield Clue(_CLOSE_NUMBERS[number], CLOSE_CODE, f"close code {number}", number)


def _host_clues(text: str) -> Iterator[Clue]:
    found = _REGIONAL_AGENT_HOST.search(text)
    if found:
        evidence = f"{found.group(0)} (regional agents live on api.<region>.deepgram.com)"
        yield Clue(Topic.AGENT_CONNECT, CODE, evidence, found.group(0), frozenset({Topic.NETWORK, Topic.WEBSOCKET}))
    found = _EARLY_ACCESS_URL.search(text)
    if found:
        yield Clue(Topic.AGENT_CONNECT, CODE, f"the early-access agent URL {found.group(0)}", found.group(0))


def _status_clues(text: str, where: Surfaces, generic: Sequence[Clue]) -> Iterator[Clue]:
    """An HTTP status the paste's surface explains: agent handshake, Flux handshake, regional management."""
    for clue in generic:
        status = int(clue.needle) if clue.needle.isdigit() and len(clue.needle) == 3 else 0
        replaced = frozenset({clue.topic, Topic.WEBSOCKET})
        if where.agent and not where.is_flux and status in _AGENT_STATUSES:
            yield Clue(Topic.AGENT_CONNECT, clue.weight, f"HTTP {status} from the Voice Agent socket", "", replaced)
        elif where.is_flux and status in _FLUX_STATUSES:
            yield Clue(Topic.FLUX, clue.weight, f"HTTP {status} from Flux (/v2/listen)", "", replaced)
        elif status == 404 and _REGIONAL_HOST.search(text) and "/v1/projects" in text:
            evidence = "HTTP 404 for /v1/projects on a regional host (management is global only)"
            yield Clue(Topic.REGIONS, clue.weight, evidence, "", replaced)


def _surface_name(topic: Topic) -> str:
    if topic.value.startswith("agent-"):
        return "Voice Agent"
    if topic.value.startswith("flux"):
        return "Flux"
    return "TTS socket"
