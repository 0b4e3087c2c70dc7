"""`/deepgram speak` when Deepgram sends more audio than the text can make: a clear error, nothing read past the cap."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest

from bot.limits import TTS_AUDIO_MAX, format_size, tts_audio_cap
from bot.slack.kit import mrkdwn
from bot.speak.client import TtsConfig, TtsError, fetch_catalog, speak_to_mp3, synthesize_piece
from bot.speak.text import prepare_text
from bot.topics import Topic
from simworld.deepgram import FakeDeepgram

TEN_MB = 10 * 1024 * 1024
VOICE = "aura-2-thalia-en"


@pytest.fixture
async def dg() -> AsyncIterator[FakeDeepgram]:
    async with FakeDeepgram() as fake:
        yield fake


@pytest.fixture
def cfg(dg: FakeDeepgram) -> TtsConfig:
    return TtsConfig(api_url=dg.base_url, api_key=dg.api_key, timeout=5.0)


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient() as client:
        yield client


def test_the_cap_follows_the_text() -> None:
    """64 KB plus one second of 48 kbit/s MP3 (6,000 bytes) per character, never more than 8 MB."""
    assert tts_audio_cap(0) == 64 * 1024
    assert tts_audio_cap(100) == 64 * 1024 + 600_000
    assert tts_audio_cap(2000) == TTS_AUDIO_MAX == 8 * 1024 * 1024


@pytest.mark.parametrize("declare_length", [True, False], ids=["content-length", "chunked"])
async def test_ten_mb_for_a_short_text_is_an_upstream_error(
    dg: FakeDeepgram, cfg: TtsConfig, http: httpx.AsyncClient, declare_length: bool
) -> None:
    text = "Hello from the doctor."
    dg.oversize("speak", TEN_MB, declare_length=declare_length)
    with pytest.raises(TtsError) as caught:
        await synthesize_piece(http, cfg, VOICE, text)
    shown = mrkdwn(caught.value.user_message)
    cap = format_size(tts_audio_cap(len(text)))
    assert shown.startswith(
        f"Text to speech failed: Deepgram's answer was larger than {cap}, more audio than 22 characters can make; "
        "it was not read."
    )
    assert "`/deepgram why 5xx`" in shown and "request id" in shown
    assert caught.value.topic == Topic.SERVER_ERROR and caught.value.status == 200


async def test_a_long_text_may_bring_more_audio(dg: FakeDeepgram, cfg: TtsConfig, http: httpx.AsyncClient) -> None:
    """The same 900 KB answer is refused for 22 characters and accepted for 1,000 (its cap is 6 MB)."""
    dg.oversize("speak", 900_000, times=2)
    with pytest.raises(TtsError):
        await synthesize_piece(http, cfg, VOICE, "Hello from the doctor.")
    audio = await synthesize_piece(http, cfg, VOICE, "word " * 200)
    assert len(audio) == 900_000 and audio.startswith(b"ID3")


async def test_whole_speak_fails_on_one_oversized_piece(
    dg: FakeDeepgram, cfg: TtsConfig, http: httpx.AsyncClient
) -> None:
    speak = prepare_text(("A sentence to speak. " * 80).strip(), VOICE)
    assert len(speak.pieces) > 1
    dg.oversize("speak", TEN_MB)
    with pytest.raises(TtsError) as caught:
        await speak_to_mp3(http, cfg, speak, asyncio.Semaphore(4))
    assert "larger than" in mrkdwn(caught.value.user_message)


async def test_oversized_model_list_falls_back_to_the_builtin_voices(
    dg: FakeDeepgram, cfg: TtsConfig, http: httpx.AsyncClient
) -> None:
    dg.oversize("models", TEN_MB)
    catalog = await fetch_catalog(http, cfg)
    assert not catalog.live and catalog.voices
    assert catalog.note == "Deepgram's model list was larger than 4 MB, so it was not read"
