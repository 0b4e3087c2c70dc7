"""`speak` as a use case: check the request, then synthesise it into one MP3, for Slack or a terminal.

It comes in two steps so that the caller can run its own checks between them: everything that can
refuse the request without spending anything (bad input, unknown voice, the ceiling, the user's
quota) runs in `Speaker.order`, before the first `POST /v1/speak` in `Speaker.synthesize`. The
Slack handler settles where the clip will be shared in between, and gives the quota back with
`Speaker.cancel` when it cannot be. Nothing here talks to Slack: the result is a `Speech`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import httpx

from bot.config import Settings
from bot.errors import BotError
from bot.prose import Prose
from bot.speak.client import TtsConfig, fetch_catalog, resolve_voice, speak_to_mp3
from bot.speak.quota import QuotaExceeded, QuotaPolicy, SpeakState
from bot.speak.text import SpeakText, clean_text, prepare_text
from bot.speak.voices import BUILTIN_VOICES, VoiceCatalog, family_of

__all__ = [
    "NO_KEY",
    "PRICE_PER_1000_CHARS",
    "PRICING_URL",
    "Order",
    "Speaker",
    "Speech",
    "estimate_cost",
    "format_cost",
    "tts_config_for",
]

NO_KEY = "No DEEPGRAM_API_KEY is configured, so I cannot call Deepgram text-to-speech. Ask your admin to set it."

# Approximate pay-as-you-go list prices in USD per 1000 characters. The reference material does not
# state TTS prices (deepgram.md §8 covers speech-to-text only); these are public third-party
# snapshots and are UNVERIFIED, so every place that shows a cost says "about" and points to
# deepgram.com/pricing.
PRICE_PER_1000_CHARS: Mapping[str, float] = {"aura-2": 0.030, "aura": 0.015}
PRICING_URL = "https://deepgram.com/pricing"


def estimate_cost(chars: int, voice: str) -> float:
    """Approximate list price in USD (see `PRICE_PER_1000_CHARS`: unverified, pay-as-you-go)."""
    return chars / 1000 * PRICE_PER_1000_CHARS[family_of(voice)]


def format_cost(usd: float) -> str:
    """`about $0.12`, or `under $0.01` for tiny amounts."""
    return "under $0.01" if usd < 0.01 else f"about ${usd:.2f}"


def tts_config_for(settings: Settings) -> TtsConfig | None:
    """The TTS client settings, or None without a DEEPGRAM_API_KEY."""
    if not settings.deepgram_api_key:
        return None
    # Each request gets the probes' timeout: one piece is at most 1000-2000 characters.
    return TtsConfig(
        api_url=settings.deepgram_api_url, api_key=settings.deepgram_api_key, timeout=settings.probe_timeout_seconds
    )


@dataclass(frozen=True)
class Order:
    """A request that passed every check: the text cut for its voice, counted against `quota_key`."""

    script: SpeakText
    config: TtsConfig
    quota_key: str | None = None


@dataclass(frozen=True)
class Speech:
    """A synthesised clip: the joined MP3 and the facts about it."""

    script: SpeakText
    audio: bytes

    @property
    def text(self) -> str:
        return self.script.text

    @property
    def voice(self) -> str:
        return self.script.voice

    @property
    def chars(self) -> int:
        """Characters billed."""
        return self.script.chars

    @property
    def pieces(self) -> int:
        """Requests it took (the text was split to fit the voice's limit)."""
        return len(self.script.pieces)

    @property
    def cost_usd(self) -> float:
        return estimate_cost(self.chars, self.voice)

    @property
    def cost(self) -> str:
        """The rough cost in words: `about $0.12`."""
        return format_cost(self.cost_usd)


@dataclass
class Speaker:
    """Text to speech with the deployment's key, its HTTP client and the process-wide limits."""

    settings: Settings
    http: httpx.AsyncClient
    state: SpeakState

    @property
    def config(self) -> TtsConfig | None:
        return tts_config_for(self.settings)

    async def voices(self) -> VoiceCatalog:
        """The voices the key may use (the built-in list without a key or a readable model list)."""
        cfg = self.config
        if cfg is None:
            return VoiceCatalog(BUILTIN_VOICES, live=False, note="no DEEPGRAM_API_KEY is configured")
        return await fetch_catalog(self.http, cfg)

    async def order(self, text: str, voice: str | None, *, quota_key: str | None = None) -> Order:
        """Check `text` and `voice` and count the request against `quota_key`'s allowance (if any).

        Raises `UsageError` (`NothingToSay`, `UnknownVoice`, `QuotaExceeded`, …) or `BotError`
        without a key; nothing is spent before `synthesize`.
        """
        settings = self.settings
        clean = clean_text(text, max_chars=settings.speak_max_chars)
        cfg = self.config
        if cfg is None:
            raise BotError(Prose.plain(NO_KEY))
        script = prepare_text(clean, await resolve_voice(voice, self.http, cfg))
        if quota_key is not None:
            policy = QuotaPolicy.for_max_chars(settings.speak_max_chars)
            retry_after = self.state.quota.take(quota_key, script.chars, policy)
            if retry_after is not None:
                raise QuotaExceeded(policy, retry_after)
        return Order(script, cfg, quota_key)

    def cancel(self, order: Order) -> None:
        """The order will not be synthesised: give its characters back to the user's allowance."""
        if order.quota_key is not None:
            self.state.quota.refund(order.quota_key, order.script.chars)

    async def synthesize(self, order: Order) -> Speech:
        """Synthesise the order's pieces (within the process-wide bound) and join them; raises `TtsError`."""
        audio = await speak_to_mp3(self.http, order.config, order.script, self.state.gate)
        return Speech(order.script, audio)

    async def speak(self, text: str, voice: str | None) -> Speech:
        """`order` and `synthesize` in one go, with no quota (the terminal: one local user)."""
        return await self.synthesize(await self.order(text, voice))
