"""The model catalogue of the fake: which STT and TTS model names exist and how responses name them.

Names are real (reference §6; OAS enums `V1ListenPostParametersModel0` and `V1SpeakPostParametersModel`).
Response-side names differ from request names (§6): `nova-3` → `general-nova-3` (arch `nova-3`),
`nova-2` → `2-general-nova`, base → `general`. Versions and UUIDs are taken from recordings where one
exists (§3.1, rec SOURCES.md); every other UUID is a stable made-up v4-looking id.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from dataclasses import dataclass


def stable_uuid(name: str) -> str:
    """A deterministic UUID that looks like a random (version 4) one."""
    raw = bytearray(hashlib.sha256(name.encode()).digest()[:16])
    raw[6] = (raw[6] & 0x0F) | 0x40
    raw[8] = (raw[8] & 0x3F) | 0x80
    return str(uuid.UUID(bytes=bytes(raw)))


@dataclass(frozen=True)
class SttModel:
    """A speech-to-text model as a request names it and as responses describe it."""

    request_name: str
    name: str  # model_info.name in responses
    arch: str
    version: str
    uuid: str
    canonical_name: str
    streaming: bool = True
    batch: bool = True
    english_only: bool = False
    multilingual: bool = False  # accepts language=multi
    keywords: bool = True  # `keywords` is not supported on Nova-3 (deepgram-js-sdk#474, §4.6)
    listed: bool = True  # returned by GET /v1/models (only names that are in the OAS enum)

    def info(self) -> dict[str, str]:
        """`model_info` entry: name, version, arch."""
        return {"name": self.name, "version": self.version, "arch": self.arch}


def _stt() -> dict[str, SttModel]:
    out: dict[str, SttModel] = {}

    def add(names: tuple[str, ...], **kw: object) -> None:
        for n in names:
            out[n] = SttModel(request_name=n, **kw)  # type: ignore[arg-type]

    # Recorded 2025-07-22 (rec listen/rest/c4e1…): general-nova-3 2024-12-20.0 3b3aabe4-…
    add(
        ("nova-3", "nova-3-general"),
        name="general-nova-3",
        arch="nova-3",
        version="2024-12-20.0",
        uuid="3b3aabe4-608a-46ac-9585-7960a25daf1a",
        canonical_name="nova-3-general",
        multilingual=True,
        keywords=False,
    )
    add(
        ("nova-3-medical",),
        name="medical-nova-3",
        arch="nova-3",
        version="2025-05-29.0",
        uuid="d0880318-ae93-4367-8015-ccf2dded582d",
        canonical_name="nova-3-medical",
        english_only=True,
        keywords=False,
    )
    # Recorded by the Go SDK 2025-07-16: 2-general-nova 2024-01-06.5664 1abfe86b-…
    add(
        ("nova-2", "nova-2-general"),
        name="2-general-nova",
        arch="nova-2",
        version="2024-01-06.5664",
        uuid="1abfe86b-e047-4eed-858a-35e5625b41ee",
        canonical_name="nova-2-general",
        multilingual=True,
    )
    for domain in (
        "meeting",
        "phonecall",
        "finance",
        "conversationalai",
        "voicemail",
        "video",
        "medical",
        "drivethru",
        "automotive",
    ):
        add(
            (f"nova-2-{domain}",),
            name=f"2-{domain}-nova",
            arch="nova-2",
            version="2024-01-06.5664",
            uuid=stable_uuid(f"2-{domain}-nova"),
            canonical_name=f"nova-2-{domain}",
            english_only=True,
            # nova-2-phonecall is real (docs model.mdx) but missing from the 2026 OAS enum (§6).
            listed=domain != "phonecall",
        )
    add(
        ("nova", "nova-general"),
        name="general-nova",
        arch="nova",
        version="2023-11-14.3290",
        uuid="6bd118b5-3fe3-4a82-83a3-da0a2eb6c885",
        canonical_name="nova-general",
        english_only=True,
    )
    for domain in ("phonecall", "medical"):
        add(
            (f"nova-{domain}",),
            name=f"{domain}-nova",
            arch="nova",
            version="2023-11-14.3290",
            uuid=stable_uuid(f"{domain}-nova"),
            canonical_name=f"nova-{domain}",
            english_only=True,
        )
    # OAS-2025 example: name general, canonical enhanced-general, arch polaris, 2022-05-18.1, c7226e9e-…
    add(
        ("enhanced", "enhanced-general"),
        name="general",
        arch="polaris",
        version="2022-05-18.1",
        uuid="c7226e9e-ae1c-4057-ae2a-a71a6b0dc588",
        canonical_name="enhanced-general",
        english_only=True,
    )
    for domain in ("meeting", "phonecall", "finance"):
        add(
            (f"enhanced-{domain}",),
            name=domain,
            arch="polaris",
            version="2022-05-18.1",
            uuid=stable_uuid(f"enhanced-{domain}"),
            canonical_name=f"enhanced-{domain}",
            english_only=True,
        )
    # Recorded WS default (rec listen/websocket/ed5b…): general / base / 2024-01-26.8851 / 1ed36bac-…
    add(
        ("base", "base-general", "general"),
        name="general",
        arch="base",
        version="2024-01-26.8851",
        uuid="1ed36bac-f71c-4f3f-a31f-02fd6525c489",
        canonical_name="base",
    )
    for domain in ("meeting", "phonecall", "finance", "conversationalai", "voicemail", "video"):
        add(
            (domain, f"base-{domain}"),
            name=domain,
            arch="base",
            version="2021-11-10.1",
            uuid=stable_uuid(f"base-{domain}"),
            canonical_name=domain,
            english_only=True,
        )
    # Whisper Cloud: pre-recorded only; streaming is refused with 405 (deepgram-dotnet-sdk#304, §6).
    for size in ("tiny", "base", "small", "medium", "large"):
        add(
            (f"whisper-{size}",) + (("whisper",) if size == "medium" else ()),
            name=f"whisper-{size}",
            arch="whisper",
            version="2023-09-21.0",
            uuid=stable_uuid(f"whisper-{size}"),
            canonical_name=f"whisper-{size}",
            streaming=False,
            multilingual=False,
            listed=False,
        )
    return out


STT_MODELS: dict[str, SttModel] = _stt()
# OAS: `model` defaults to `base-general` on REST; a stream without `model` is answered by the base
# model (rec listen/websocket/ed5b…: name `general`, arch `base`).
DEFAULT_STT_MODEL = "base-general"

# -- text to speech -----------------------------------------------------------------------------------

_AURA1_EN = "angus arcas asteria athena helios hera luna orion orpheus perseus stella zeus"
_AURA2 = {
    "en": (
        "amalthea andromeda apollo arcas aries asteria athena atlas aurora callista cora cordelia delia "
        "draco electra harmonia helena hera hermes hyperion iris janus juno jupiter luna mars minerva "
        "neptune odysseus ophelia orion orpheus pandora phoebe pluto saturn selene thalia theia vesta zeus"
    ),
    "es": (
        "agustina alvaro antonia aquila carina celeste diana estrella gloria javier luciano nestor "
        "olivia selena silvia sirio valerio"
    ),
    "de": "aurelia elara fabian julius kara lara viktoria",
    "nl": "beatrix cornelia daphne hestia lars leda rhea roman sander",
    "fr": "agathe hector",
    "it": "cesare cinzia demetra dionisio elio flavio livia maia melia perseo",
    "ja": "ama ebisu fujin izanami uzume",
}
# The voices GET /v1/models lists: all Aura-1 English voices and a representative Aura-2 subset.
_LISTED_AURA2 = {
    "aura-2-thalia-en",
    "aura-2-andromeda-en",
    "aura-2-helena-en",
    "aura-2-apollo-en",
    "aura-2-arcas-en",
    "aura-2-aries-en",
    "aura-2-asteria-en",
    "aura-2-luna-en",
    "aura-2-orion-en",
    "aura-2-zeus-en",
    "aura-2-celeste-es",
    "aura-2-javier-es",
    "aura-2-viktoria-de",
    "aura-2-rhea-nl",
    "aura-2-agathe-fr",
    "aura-2-livia-it",
    "aura-2-izanami-ja",
}
_ACCENT = {"en": "American", "es": "Latin American", "de": "German", "nl": "Dutch", "fr": "French"}
_ACCENT |= {"it": "Italian", "ja": "Japanese"}
_REGION = {"en": "en-US", "es": "es-419", "de": "de-DE", "nl": "nl-NL", "fr": "fr-FR", "it": "it-IT"}
_REGION |= {"ja": "ja-JP"}


@dataclass(frozen=True)
class TtsModel:
    """A text-to-speech voice."""

    name: str  # the request name, e.g. aura-2-thalia-en (also `dg-model-name`)
    voice: str
    arch: str  # "aura" (Aura-1) or "aura-2"
    language: str
    version: str
    uuid: str
    listed: bool

    def listing(self) -> dict[str, object]:
        """The `/v1/models` `tts[]` entry (OAS `ListModelsV1ResponseTtsModels`; OAS-2025 example)."""
        accent = "British" if self.voice in {"helios", "angus"} and self.arch == "aura" else None
        return {
            "name": self.voice,
            "canonical_name": self.name,
            "architecture": self.arch,
            "languages": [self.language, _REGION[self.language]],
            "version": self.version,
            "uuid": self.uuid,
            "metadata": {
                "accent": accent or _ACCENT[self.language],
                "age": "Adult",
                "color": "#" + hashlib.sha256(self.name.encode()).hexdigest()[:6].upper(),
                "image": f"https://static.deepgram.com/examples/avatars/{self.voice}.jpg",
                "sample": f"https://static.deepgram.com/examples/voices/{self.voice}.wav",
                "tags": ["conversational"],
                "use_cases": ["IVR", "Customer service"],
            },
        }


def _tts() -> dict[str, TtsModel]:
    out: dict[str, TtsModel] = {}
    for voice in _AURA1_EN.split():
        name = f"aura-{voice}-en"
        out[name] = TtsModel(name, voice, "aura", "en", "2024-02-29.0", stable_uuid(name), True)
    for lang, voices in _AURA2.items():
        for voice in voices.split():
            name = f"aura-2-{voice}-{lang}"
            uid = stable_uuid(name)
            if name == "aura-2-thalia-en":
                uid = "0bb159e1-5c0a-48fb-aa29-ed7c0401f116"  # rec speak/rest/1fe0… (2025-07-22)
            out[name] = TtsModel(name, voice, "aura-2", lang, "2025-04-07.0", uid, name in _LISTED_AURA2)
    return out


TTS_MODELS: dict[str, TtsModel] = _tts()
DEFAULT_TTS_MODEL = "aura-asteria-en"  # OAS default; §6

# BCP-47-ish language tag as Deepgram accepts it (`en`, `en-US`, `es-419`, `zh-Hant`), or `multi`.
_LANG_RE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


def language_ok(model: SttModel, language: str) -> bool:
    """Whether `language` is a valid tag that `model` can transcribe (§4.6: `english` → 400)."""
    if language == "multi":
        return model.multilingual
    if not _LANG_RE.match(language):
        return False
    if model.english_only:
        return language.lower() == "en" or language.lower().startswith("en-")
    return True


def stt_listing(model: SttModel) -> dict[str, object]:
    """The `/v1/models` `stt[]` entry (OAS `ListModelsV1ResponseSttModels`)."""
    languages = ["en", "en-US"] if model.english_only else ["en", "en-US", "es", "fr", "de", "multi"]
    if not model.multilingual and not model.english_only:
        languages.remove("multi")
    return {
        "name": model.request_name,
        "canonical_name": model.canonical_name,
        "architecture": model.arch,
        "languages": languages,
        "version": model.version,
        "uuid": model.uuid,
        "batch": model.batch,
        "streaming": model.streaming,
        "formatted_output": model.arch in {"nova-3", "nova-2", "nova"},
    }


def listed_stt() -> list[SttModel]:
    """STT models for GET /v1/models: one entry per listed request name."""
    return [
        m
        for m in STT_MODELS.values()
        if m.listed and m.request_name != "general" and not m.request_name.startswith("base-")
    ]


def listed_tts() -> list[TtsModel]:
    """TTS voices for GET /v1/models."""
    return [m for m in TTS_MODELS.values() if m.listed]
