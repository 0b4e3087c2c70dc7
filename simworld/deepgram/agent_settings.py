"""Checking a Voice Agent `Settings` message (AAS `AgentV1_AgentV1Settings`, `deepgram-realtime.md` §1.4).

A message that does not match the schema (wrong types, missing required fields, unknown provider
types or encodings, early-access shapes) is `UNPARSABLE_CLIENT_MESSAGE`; parsed-but-invalid values are
`INVALID_SETTINGS`. Enum lists of models are not exhaustive (§ "Spec drift"), so unknown model names are
not schema errors: an unusable listen model fails later with `FAILED_TO_START_LISTENING` and an
unaccepted `speed` with `FAILED_TO_SPEAK` at the first reply (skills `voice-agent`). Which code the
real server picks for each invalid value is unverified unless a comment says otherwise.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .agent_codes import GREETING_UNPARSABLE
from .knobs_realtime import AgentKnobs
from .models import STT_MODELS, TTS_MODELS

UNPARSABLE = "UNPARSABLE_CLIENT_MESSAGE"
INVALID = "INVALID_SETTINGS"

INPUT_ENCODINGS = frozenset(
    {"linear16", "linear32", "flac", "alaw", "mulaw", "amr-nb", "amr-wb", "opus", "ogg-opus", "speex", "g729"}
)
OUTPUT_ENCODINGS = frozenset({"linear16", "mulaw", "alaw", "mp3", "opus", "flac", "aac"})
CONTAINERS = frozenset({"none", "wav", "ogg"})
RAW_OUTPUT = frozenset({"linear16", "mulaw", "alaw"})
# AAS think provider types, plus `nvidia` (managed, skills) and `x_ai` (needs an endpoint, docs-2025).
THINK_TYPES = frozenset({"open_ai", "anthropic", "google", "groq", "aws_bedrock", "nvidia", "x_ai"})
REASONING_MODES = frozenset({"none", "minimal", "low", "medium", "high"})
SPEAK_REQUIRED = {
    "eleven_labs": ("model_id",),
    "cartesia": ("model_id", "voice"),
    "open_ai": ("model", "voice"),
    "aws_polly": ("voice", "language", "engine", "credentials"),
}
MANAGED_PROMPT_LIMIT = 25000  # PROMPT_TOO_LONG (dev docs/voice-agent-errors-warnings, §1.4)
DEFAULT_OUTPUT_RATES = {"linear16": 24000, "mulaw": 8000, "alaw": 8000, "mp3": 22050, "opus": 48000}
DEFAULT_OUTPUT_RATES |= {"flac": 24000, "aac": 22050}

# Keys the AAS declares (only enforced with `strict_settings`).
_KEYS = {
    "settings": {"type", "tags", "experimental", "flags", "mip_opt_out", "audio", "agent"},
    "audio": {"input", "output"},
    "input": {"encoding", "sample_rate"},
    "output": {"encoding", "sample_rate", "bitrate", "container"},
    "agent": {"language", "context", "listen", "think", "speak", "greeting"},
    "listen_v1": {"type", "version", "model", "language", "keyterms", "smart_format"},
    "listen_v2": {"type", "version", "model", "language_hints", "eot_threshold", "eager_eot_threshold"}
    | {"eot_timeout_ms", "keyterms"},
    "think": {"provider", "endpoint", "functions", "prompt", "context_length"},
    "speak": {"provider", "endpoint"},
}


class Problem(Exception):
    """The Settings (or Update*) message is refused with this Error code."""

    def __init__(self, code: str, description: str | None = None) -> None:
        super().__init__(code)
        self.code = code
        self.description = description


@dataclass
class SpeakChoice:
    """One speak provider of the (fallback) list."""

    type: str
    version: str | None
    model: str
    bad_speed: bool = False


@dataclass
class AgentConfig:
    """What the session needs from an accepted Settings message."""

    input_encoding: str
    input_rate: int
    output_encoding: str
    output_rate: int
    output_container: str
    output_bitrate: int | None
    listen_version: str
    listen_model: str
    listen_error: str | None  # FAILED_TO_START_LISTENING after SettingsApplied
    think_types: list[str]
    prompt: str
    speak: list[SpeakChoice]
    greeting: str | None
    history: bool
    warnings: list[str] = field(default_factory=list)

    @property
    def flux_tts(self) -> bool:
        """The first speak provider is Flux TTS (`deepgram` v2; also the default when `speak` is omitted)."""
        return self.speak[0].type == "deepgram" and self.speak[0].version == "v2"


def _need(ok: bool, description: str | None = None) -> None:
    if not ok:
        raise Problem(UNPARSABLE, description)


def _obj(value: Any) -> dict[str, Any]:
    _need(isinstance(value, dict))
    return value  # type: ignore[no-any-return]


def _opt(d: dict[str, Any], key: str, kinds: type | tuple[type, ...]) -> Any:
    value = d.get(key)
    if value is None:
        return None
    ok = isinstance(value, kinds) and not (isinstance(value, bool) and bool not in _tuple(kinds))
    _need(ok)
    return value


def _tuple(kinds: type | tuple[type, ...]) -> tuple[type, ...]:
    return kinds if isinstance(kinds, tuple) else (kinds,)


def _str_list(d: dict[str, Any], key: str) -> None:
    value = d.get(key)
    _need(value is None or (isinstance(value, list) and all(isinstance(x, str) for x in value)))


def _strict(d: dict[str, Any], keys: Iterable[str], knobs: AgentKnobs) -> None:
    if knobs.strict_settings:
        _need(not (set(d) - set(keys)))


def _listen(agent: dict[str, Any], knobs: AgentKnobs) -> tuple[str, str, str | None]:
    listen = _obj(agent.get("listen", {}))
    if "provider" not in listen:
        return "v1", "nova-3", None
    provider = _obj(listen["provider"])
    return parse_listen_provider(provider, knobs)


def parse_listen_provider(provider: dict[str, Any], knobs: AgentKnobs) -> tuple[str, str, str | None]:
    """(version, model, deferred error) of a listen provider (AAS `DeepgramListenProviderV1/V2`)."""
    _need(provider.get("type") == "deepgram")
    version = _opt(provider, "version", str) or "v1"
    _need(version in ("v1", "v2"))
    _strict(provider, _KEYS["listen_" + version], knobs)
    model = _opt(provider, "model", str)
    _str_list(provider, "keyterms")
    if version == "v2":
        _need(model is not None)  # required by DeepgramListenProviderV2
        _str_list(provider, "language_hints")
        for key in ("eot_threshold", "eager_eot_threshold"):
            _opt(provider, key, (int, float))
        _opt(provider, "eot_timeout_ms", int)
    else:
        _opt(provider, "language", str)
        _opt(provider, "smart_format", bool)
    model = model or "nova-3"
    # A Flux model without version v2 goes down the v1 path where it is invalid (skills `voice-agent`);
    # the agent cannot open its STT: FAILED_TO_START_LISTENING after SettingsApplied (code unverified).
    usable = model.startswith("flux-") if version == "v2" else (model in STT_MODELS and STT_MODELS[model].streaming)
    return version, model, None if usable else "FAILED_TO_START_LISTENING"


def parse_think(value: Any, knobs: AgentKnobs, warnings: list[str]) -> tuple[list[str], str]:
    """Provider types and prompt of `think` (an object or an ordered fallback list)."""
    items = value if isinstance(value, list) else [value]
    _need(len(items) > 0)
    types: list[str] = []
    prompt = ""
    for raw in items:
        think = _obj(raw)
        _strict(think, _KEYS["think"], knobs)
        provider = _obj(think.get("provider"))
        kind = provider.get("type")
        _need(isinstance(kind, str) and kind in THINK_TYPES)
        _need(isinstance(provider.get("model"), str))
        _opt(provider, "temperature", (int, float))
        mode = _opt(provider, "reasoning_mode", str)
        _need(mode is None or mode in REASONING_MODES)
        endpoint = think.get("endpoint")
        if endpoint is not None:
            _need(isinstance(_obj(endpoint).get("url"), str))
        functions = think.get("functions")
        _need(functions is None or (isinstance(functions, list) and all(isinstance(f, dict) for f in functions)))
        prompt = _opt(think, "prompt", str) or prompt
        length = think.get("context_length")
        _need(length is None or length == "max" or (isinstance(length, int | float) and not isinstance(length, bool)))
        if endpoint is None and kind not in knobs.managed_think_providers:
            raise Problem(INVALID, f"The think provider {kind} requires an endpoint.")
        if length is not None and endpoint is None:
            raise Problem(INVALID, "context_length is only supported with a custom think endpoint.")
        if endpoint is None and len(prompt) > MANAGED_PROMPT_LIMIT and "PROMPT_TOO_LONG" not in warnings:
            warnings.append("PROMPT_TOO_LONG")
        types.append(str(kind))
    return types, prompt


def parse_speak(value: Any, knobs: AgentKnobs) -> list[SpeakChoice]:
    """The speak providers (an object or an ordered fallback list)."""
    items = value if isinstance(value, list) else [value]
    _need(len(items) > 0)
    out: list[SpeakChoice] = []
    for raw in items:
        speak = _obj(raw)
        _strict(speak, _KEYS["speak"], knobs)
        provider = _obj(speak.get("provider"))
        kind = provider.get("type")
        endpoint = speak.get("endpoint")
        if endpoint is not None:
            _need(isinstance(_obj(endpoint).get("url"), str))
        if kind == "deepgram":
            # `language` on a Deepgram speak provider → UNPARSABLE_CLIENT_MESSAGE (skills CL 1.7.0).
            _need("language" not in provider)
            version = _opt(provider, "version", str) or "v1"
            _need(version in ("v1", "v2"))
            model = provider.get("model")
            _need(isinstance(model, str))
            assert isinstance(model, str)
            speed = _opt(provider, "speed", (int, float))
            if version == "v1" and model not in TTS_MODELS:
                raise Problem(INVALID, f"Unknown Deepgram v1 speak model {model}.")  # e.g. a flux-* voice
            if version == "v2" and not model.startswith("flux-"):
                raise Problem(INVALID, f"Deepgram v2 speak needs a Flux TTS model, not {model}.")
            bad_speed = speed is not None and not 0.7 <= float(speed) <= 1.5
            out.append(SpeakChoice("deepgram", version, model, bad_speed))
            continue
        _need(isinstance(kind, str) and kind in SPEAK_REQUIRED)
        assert isinstance(kind, str)
        for key in SPEAK_REQUIRED[kind]:
            _need(key in provider)
        if endpoint is None and kind not in knobs.managed_speak_providers:
            raise Problem(INVALID, f"The speak provider {kind} requires an endpoint.")
        out.append(SpeakChoice(kind, provider.get("version"), str(provider.get("model_id") or provider.get("voice"))))
    return out


def _resolve_agent(value: Any, knobs: AgentKnobs) -> dict[str, Any]:
    if isinstance(value, str):  # a Reusable Agent Configuration UUID (AAS oneOf)
        try:
            uuid.UUID(value)
        except ValueError:
            raise Problem(UNPARSABLE) from None
        found = knobs.agent_configs.get(value)
        if found is None:
            raise Problem("INVALID_AGENT_ID")
        return found
    return _obj(value)


def parse_settings(doc: dict[str, Any], knobs: AgentKnobs) -> AgentConfig:
    """An accepted configuration, or `Problem` with the Error code to send."""
    _strict(doc, _KEYS["settings"], knobs)
    _need("audio" in doc and "agent" in doc)  # required by AgentV1_AgentV1Settings
    _str_list(doc, "tags")
    _opt(doc, "experimental", bool)
    _opt(doc, "mip_opt_out", bool)
    flags = _obj(doc.get("flags", {}))
    history = _opt(flags, "history", bool)
    audio = _obj(doc["audio"])
    _strict(audio, _KEYS["audio"], knobs)
    # audio.input: both fields required when present; default linear16 @ 24000 / 16000 (docs disagree).
    inp = _obj(audio.get("input", {"encoding": "linear16", "sample_rate": knobs.default_input_sample_rate}))
    _strict(inp, _KEYS["input"], knobs)
    _need(inp.get("encoding") in INPUT_ENCODINGS and isinstance(_opt(inp, "sample_rate", int), int))
    out = _obj(audio.get("output", {}))
    _strict(out, _KEYS["output"], knobs)
    out_enc = _opt(out, "encoding", str) or "linear16"
    container = _opt(out, "container", str) or "none"
    _need(out_enc in OUTPUT_ENCODINGS and container in CONTAINERS)
    out_rate = _opt(out, "sample_rate", int) or DEFAULT_OUTPUT_RATES[out_enc]
    bitrate = _opt(out, "bitrate", int)
    agent = _resolve_agent(doc["agent"], knobs)
    _strict(agent, _KEYS["agent"], knobs)
    _opt(agent, "language", str)  # deprecated but accepted (AAS)
    if "greeting" in agent and not isinstance(agent["greeting"], str):
        raise Problem(UNPARSABLE, GREETING_UNPARSABLE)  # [recorded] node-voice-agent PR #5
    context = agent.get("context")
    if context is not None:
        messages = _obj(context).get("messages", [])
        _need(isinstance(messages, list) and all(isinstance(m, dict) for m in messages))
    listen_version, listen_model, listen_error = _listen(agent, knobs)
    warnings: list[str] = []
    think_types, prompt = (["open_ai"], "")
    if agent.get("think") is not None:  # omitting think: unverified, accepted (docs-2025 default managed LLM)
        think_types, prompt = parse_think(agent["think"], knobs, warnings)
    # Omitting `speak` gives Flux TTS `flux-kit-en` (skills `api` mistake 14).
    speak = (
        parse_speak(agent["speak"], knobs)
        if agent.get("speak") is not None
        else [SpeakChoice("deepgram", "v2", "flux-kit-en")]
    )
    config = AgentConfig(
        input_encoding=str(inp["encoding"]),
        input_rate=int(inp["sample_rate"]),
        output_encoding=out_enc,
        output_rate=int(out_rate),
        output_container=container,
        output_bitrate=bitrate,
        listen_version=listen_version,
        listen_model=listen_model,
        listen_error=listen_error,
        think_types=think_types,
        prompt=prompt,
        speak=speak,
        greeting=agent.get("greeting"),
        history=history if history is not None else True,
        warnings=warnings,
    )
    if config.flux_tts and (out_enc not in RAW_OUTPUT or container != "none"):
        # Compressed/containerized output only with an Aura (v1) voice (skills `text-to-speech` mistake 7).
        raise Problem(INVALID, "Flux TTS supports only raw linear16, mulaw or alaw output without a container.")
    if out_enc in ("mulaw", "alaw") and out_rate not in (8000, 16000):
        raise Problem(INVALID, f"{out_enc} output supports 8000 or 16000 Hz.")
    return config
