"""`/deepgram speak` and `deepgram-doctor speak`: Deepgram Aura text to speech, as one MP3.

`voices` (the catalogue), `text` (checking and splitting), `quota` (per-user allowance, concurrency
bound), `client` (synthesis over HTTP and its errors), `mp3` (joining clips) and the use case,
`service.Speaker`, which returns a `Speech` (the MP3 and its facts). Sharing it in Slack is
`bot.slack.files`; the Slack and terminal wording is `bot.slack.views.speak` and `bot.text.speak`.
"""

from bot.speak.client import TtsConfig, TtsError, fetch_catalog, resolve_voice
from bot.speak.mp3 import duration_seconds, join_mp3, looks_like_mp3
from bot.speak.quota import QuotaExceeded, QuotaPolicy, SpeakQuota, SpeakState
from bot.speak.service import NO_KEY, PRICING_URL, Order, Speaker, Speech, estimate_cost, format_cost
from bot.speak.text import NothingToSay, SpeakText, clean_text, prepare_text, split_text
from bot.speak.voices import BUILTIN_VOICES, DEFAULT_VOICE, UnknownVoice, Voice, VoiceCatalog, VoiceGroup

__all__ = [
    "BUILTIN_VOICES",
    "DEFAULT_VOICE",
    "NO_KEY",
    "PRICING_URL",
    "NothingToSay",
    "Order",
    "QuotaExceeded",
    "QuotaPolicy",
    "SpeakQuota",
    "SpeakState",
    "SpeakText",
    "Speaker",
    "Speech",
    "TtsConfig",
    "TtsError",
    "UnknownVoice",
    "Voice",
    "VoiceCatalog",
    "VoiceGroup",
    "clean_text",
    "duration_seconds",
    "estimate_cost",
    "fetch_catalog",
    "format_cost",
    "join_mp3",
    "looks_like_mp3",
    "prepare_text",
    "resolve_voice",
    "split_text",
]
