"""Live probes of Deepgram from where the bot runs, one module per transport; none ever raises.

Which probes run, and what they are called, is decided by `bot.surfaces`.
"""

from bot.probes.agent import SETTINGS as AGENT_SETTINGS
from bot.probes.agent import agent_base, probe_agent
from bot.probes.clip import CLIP_EXPECTED_WORDS, CLIP_TRANSCRIPT, Clip
from bot.probes.flux import FLUX_MODEL, probe_flux
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
from bot.probes.transcript import MAX_OK_WER, TranscriptJudgement, judge_transcript
from bot.probes.tts_stream import classify_tts_close, probe_tts_stream

__all__ = [
    "AGENT_SETTINGS",
    "CLIP_EXPECTED_WORDS",
    "CLIP_TRANSCRIPT",
    "FLUX_MODEL",
    "LISTEN_MODEL",
    "MAX_OK_WER",
    "TTS_MODEL",
    "TTS_TEXT",
    "Clip",
    "ProbeConfig",
    "ProbeResult",
    "ProbeState",
    "Surface",
    "TranscriptJudgement",
    "agent_base",
    "classify_close",
    "classify_status",
    "classify_tts_close",
    "judge_speed",
    "judge_transcript",
    "probe_agent",
    "probe_auth",
    "probe_flux",
    "probe_rest",
    "probe_streaming",
    "probe_tts",
    "probe_tts_stream",
    "skipped",
    "transcript_verdict",
]
