"""Aura voices: the model names, their families and languages, the built-in catalogue, suggestions.

`POST /v1/speak` takes at most 1000 characters per request with an Aura-2 voice and 2000 with an
Aura-1 voice (deepgram.md §3.4); the family also sets the (approximate) price. Everything here is
pure; reading the live catalogue (`GET /v1/models`) is `bot.speak.client.fetch_catalog`.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bot.errors import UsageError
from bot.prose import Prose, code

__all__ = [
    "AURA1_CHAR_LIMIT",
    "AURA2_CHAR_LIMIT",
    "BUILTIN_VOICES",
    "DEFAULT_VOICE",
    "FAMILY_NAMES",
    "LANGUAGE_NAMES",
    "UnknownVoice",
    "Voice",
    "VoiceCatalog",
    "VoiceGroup",
    "builtin_voices",
    "catalog_footer",
    "char_limit",
    "family_of",
    "suggest_voices",
    "voices_from_models",
]

DEFAULT_VOICE = "aura-2-thalia-en"
# Per-request character limits of the REST endpoint (deepgram.md §3.4; docs text-to-speech.mdx).
AURA2_CHAR_LIMIT = 1000
AURA1_CHAR_LIMIT = 2000

# The real voice names (OpenAPI enum `V1SpeakPostParametersModel`, deepgram.md §6), as
# `{family: {language: "voice voice …"}}`. Used when the key cannot read `GET /v1/models`.
_BUILTIN: Mapping[str, Mapping[str, str]] = {
    "aura-2": {
        "en": (
            "thalia andromeda helena apollo arcas aries amalthea asteria athena atlas aurora callista cora "
            "cordelia delia draco electra harmonia hera hermes hyperion iris janus juno jupiter luna mars "
            "minerva neptune odysseus ophelia orion orpheus pandora phoebe pluto saturn selene theia vesta zeus"
        ),
        "es": (
            "agustina alvaro antonia aquila carina celeste diana estrella gloria javier luciano nestor olivia "
            "selena silvia sirio valerio"
        ),
        "de": "aurelia elara fabian julius kara lara viktoria",
        "nl": "beatrix cornelia daphne hestia lars leda rhea roman sander",
        "fr": "agathe hector",
        "it": "cesare cinzia demetra dionisio elio flavio livia maia melia perseo",
        "ja": "ama ebisu fujin izanami uzume",
    },
    "aura": {"en": "asteria luna stella athena hera orion arcas perseus angus orpheus helios zeus"},
}
LANGUAGE_NAMES: Mapping[str, str] = {
    "en": "English",
    "es": "Spanish",
    "de": "German",
    "nl": "Dutch",
    "fr": "French",
    "it": "Italian",
    "ja": "Japanese",
}
FAMILY_NAMES: Mapping[str, str] = {"aura-2": "Aura-2", "aura": "Aura-1"}

_MODEL = re.compile(r"^aura-(?:(2)-)?([a-z]+)-([a-z]{2})$")
#: How much of an unknown voice name is quoted back.
_SHOWN_VOICE_CHARS = 60


@dataclass(frozen=True, order=True)
class Voice:
    """One TTS voice: the model name a request uses, its family and its language."""

    model: str
    family: str  # "aura-2" or "aura" (Aura-1)
    language: str

    @property
    def name(self) -> str:
        """The bare voice name: `thalia` for `aura-2-thalia-en`."""
        match = _MODEL.match(self.model)
        return match.group(2) if match else self.model


def family_of(model: str) -> str:
    """`aura-2` for Aura-2 model names, `aura` otherwise (Aura-1 and anything unrecognised)."""
    return "aura-2" if model.startswith("aura-2-") else "aura"


def char_limit(model: str) -> int:
    """Characters one `POST /v1/speak` accepts with this voice (deepgram.md §3.4)."""
    return AURA2_CHAR_LIMIT if family_of(model) == "aura-2" else AURA1_CHAR_LIMIT


def builtin_voices() -> tuple[Voice, ...]:
    """The built-in catalogue: Aura-2 (default voice first), then Aura-1."""
    voices = []
    for family, languages in _BUILTIN.items():
        for language, names in languages.items():
            for name in names.split():
                prefix = "aura-2-" if family == "aura-2" else "aura-"
                voices.append(Voice(f"{prefix}{name}-{language}", family, language))
    return tuple(voices)


BUILTIN_VOICES = builtin_voices()


def voices_from_models(body: Any) -> tuple[Voice, ...]:
    """The Aura voices of a `GET /v1/models` answer (`tts[]`); anything malformed is skipped."""
    entries = body.get("tts") if isinstance(body, Mapping) else None
    voices = [v for v in map(_voice_of, entries if isinstance(entries, list) else []) if v is not None]
    # Keep Deepgram's order but drop duplicates (`include_outdated` can list a model twice).
    unique: dict[str, Voice] = {}
    for voice in voices:
        unique.setdefault(voice.model, voice)
    return tuple(unique.values())


def _voice_of(entry: Any) -> Voice | None:
    """One `tts[]` entry as a voice, or None when it is malformed or not an Aura voice."""
    if not isinstance(entry, Mapping):
        return None
    model = entry.get("canonical_name") or entry.get("name")
    if not isinstance(model, str) or not model.startswith("aura-"):
        return None  # other families (e.g. Flux TTS on /v2/speak) are not spoken through /v1/speak
    languages = entry.get("languages")
    language = languages[0] if isinstance(languages, list) and languages and isinstance(languages[0], str) else ""
    match = _MODEL.match(model)
    language = (language or (match.group(3) if match else "")).split("-")[0].lower()
    architecture = entry.get("architecture")
    family = architecture if architecture in ("aura", "aura-2") else family_of(model)
    return Voice(model, family, language)


@dataclass(frozen=True)
class VoiceGroup:
    """The voices of one family in one language, as a list shows them."""

    family: str  # "Aura-2"
    language: str  # "English"
    models: tuple[str, ...]


@dataclass(frozen=True)
class VoiceCatalog:
    """The voices to offer and where they came from."""

    voices: tuple[Voice, ...]
    live: bool  # from GET /v1/models with the team's key
    note: str | None = None  # why the built-in list is shown instead

    @property
    def models(self) -> frozenset[str]:
        return frozenset(v.model for v in self.voices)

    def groups(self) -> list[VoiceGroup]:
        """One group per family and language: Aura-2 first, the default voice leading its group."""
        grouped: dict[tuple[str, str], list[str]] = {}
        for voice in sorted(self.voices, key=lambda v: (v.family != "aura-2", v.model != DEFAULT_VOICE)):
            grouped.setdefault((voice.family, voice.language), []).append(voice.model)
        return [
            VoiceGroup(FAMILY_NAMES.get(family, family), LANGUAGE_NAMES.get(language, language or "?"), tuple(models))
            for (family, language), models in grouped.items()
        ]

    def source(self) -> Prose:
        """Where the list comes from, and for the built-in one why."""
        if self.live:
            return Prose.of("From Deepgram's model list (`GET /v1/models`), read with the bot's key.")
        return Prose.of(
            "Built-in list of real Aura voices, because {reason}. New voices may be missing.",
            reason=self.note or "no key",
        )


def catalog_footer() -> Prose:
    """The default voice and the per-request limits, under every voice list."""
    return Prose.of(
        "Default: `{default}`. Aura-2 takes up to 1,000 characters per request and Aura-1 up to 2,000; "
        "I split longer text for you.",
        default=DEFAULT_VOICE,
    )


def suggest_voices(wanted: str, known: Iterable[str], n: int = 3) -> list[str]:
    """Close voice names for a mistyped or bare one (`thalia` → `aura-2-thalia-en` first)."""
    models = sorted(set(known), key=lambda m: (family_of(m) != "aura-2", not m.endswith("-en"), m))
    wanted = wanted.lower().strip()
    bare = [m for m in models if f"-{wanted}-" in m or m.removeprefix("aura-").removeprefix("2-") == wanted]
    close = difflib.get_close_matches(wanted, models, n=n, cutoff=0.6)
    # Compare bare names too: `thalya` is far from `aura-2-thalia-en` but close to `thalia`.
    names = {Voice(m, family_of(m), "").name: m for m in reversed(models)}
    close += [names[x] for x in difflib.get_close_matches(wanted, list(names), n=n, cutoff=0.7)]
    out: list[str] = []
    for m in bare + close:
        if m not in out:
            out.append(m)
    return out[:n]


class UnknownVoice(UsageError):
    """The voice is in neither the built-in list nor the key's model list."""

    def __init__(self, voice: str, suggestions: Sequence[str], catalog: VoiceCatalog) -> None:
        super().__init__(_unknown_voice(voice, suggestions))
        self.voice = voice
        self.suggestions = list(suggestions)
        self.catalog = catalog


def _unknown_voice(voice: str, suggestions: Sequence[str]) -> Prose:
    shown = voice if len(voice) <= _SHOWN_VOICE_CHARS else voice[: _SHOWN_VOICE_CHARS - 1] + "…"
    message = Prose.of("I don't know the voice `{voice}`.", voice=shown)
    if not suggestions:
        return message
    options = Prose.join([Prose((code(s),)) for s in suggestions], " or ")
    return message + Prose.of(" Did you mean {options}?", options=options)
