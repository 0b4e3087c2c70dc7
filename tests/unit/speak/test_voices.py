"""Text to speech, the voices: the built-in catalogue, the live list's parsing, suggestions."""

from __future__ import annotations

from bot.speak.voices import BUILTIN_VOICES, DEFAULT_VOICE, suggest_voices, voices_from_models
from simworld.deepgram import TTS_MODELS


def test_builtin_voices_are_real_names() -> None:
    """Every built-in voice exists in the fake's catalogue (the OpenAPI enum), default first."""
    assert BUILTIN_VOICES[0].model == DEFAULT_VOICE
    assert {v.model for v in BUILTIN_VOICES} <= set(TTS_MODELS)
    assert {v.family for v in BUILTIN_VOICES} == {"aura-2", "aura"}
    assert sum(v.family == "aura" for v in BUILTIN_VOICES) == 12  # the 12 Aura-1 English voices (§6)


def test_voices_from_models_reads_tts_entries_and_skips_the_rest() -> None:
    """`tts[]` entries become voices; STT entries, non-Aura and malformed ones are skipped."""
    body = {
        "stt": [{"name": "nova-3", "canonical_name": "nova-3-general"}],
        "tts": [
            {"name": "thalia", "canonical_name": "aura-2-thalia-en", "architecture": "aura-2", "languages": ["en"]},
            {"name": "zeus", "canonical_name": "aura-zeus-en", "architecture": "aura", "languages": ["en-US"]},
            {"name": "alexis", "canonical_name": "flux-alexis-en", "architecture": "flux"},
            {"canonical_name": "aura-2-thalia-en", "architecture": "aura-2"},
            "garbage",
        ],
    }
    voices = voices_from_models(body)
    assert [(v.model, v.family, v.language) for v in voices] == [
        ("aura-2-thalia-en", "aura-2", "en"),
        ("aura-zeus-en", "aura", "en"),
    ]
    assert voices_from_models({"tts": "nope"}) == () and voices_from_models(None) == ()


def test_suggestions_for_typos_and_bare_names() -> None:
    """A typo or a bare voice name suggests the full model name, Aura-2 English first."""
    known = [v.model for v in BUILTIN_VOICES]
    assert suggest_voices("aura-2-thalya-en", known)[0] == "aura-2-thalia-en"
    assert suggest_voices("thalia", known)[0] == "aura-2-thalia-en"
    assert suggest_voices("zeus", known)[:2] == ["aura-2-zeus-en", "aura-zeus-en"]
    assert suggest_voices("zzzzzzzz", known) == []
