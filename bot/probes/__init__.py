"""Live probes of Deepgram from where the bot runs, one module per transport; none ever raises.

Which probes run, and what they are called, is decided by `bot.surfaces`.
"""

from bot.probes.clip import CLIP_EXPECTED_WORDS, Clip
from bot.probes.http import LISTEN_MODEL, TTS_MODEL, TTS_TEXT, probe_auth, probe_rest, probe_tts
from bot.probes.result import (
    ProbeConfig,
    ProbeResult,
    ProbeState,
    Surface,
    classify_status,
    judge_speed,
    skipped,
    transcript_verdict,
)
from bot.probes.streaming import classify_close, probe_streaming

__all__ = [
    "CLIP_EXPECTED_WORDS",
    "LISTEN_MODEL",
    "TTS_MODEL",
    "TTS_TEXT",
    "Clip",
    "ProbeConfig",
    "ProbeResult",
    "ProbeState",
    "Surface",
    "classify_close",
    "classify_status",
    "judge_speed",
    "probe_auth",
    "probe_rest",
    "probe_streaming",
    "probe_tts",
    "skipped",
    "transcript_verdict",
]
