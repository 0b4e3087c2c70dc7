"""What a probe found, and the pure rules that classify an answer: status codes, transcripts, slowness.

A probe never raises: the library's exception trees are mapped to a `ProbeResult` with a state, a
one-line summary (plain words; the Slack and terminal views decide how to show them) and the
`/deepgram why` topic that explains it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Literal

from bot.deepgram import DeepgramError
from bot.probes.transcript import judge_transcript
from bot.topics import Topic
from bot.units import format_ms

__all__ = [
    "ProbeConfig",
    "ProbeResult",
    "ProbeState",
    "Surface",
    "classify_status",
    "judge_speed",
    "skipped",
    "transcript_verdict",
]

#: A surface id from `bot.surfaces.SURFACES` ("auth", "rest", "streaming", "tts", …).
Surface = str
ProbeState = Literal["ok", "degraded", "failed", "skipped"]


@dataclass(frozen=True)
class ProbeConfig:
    """Where and how to probe. `stream_speed` > 1 streams faster than real time (tests only).

    `agent_url` is the Voice Agent's WebSocket base (`wss://agent.deepgram.com`); empty means "derive
    it from `ws_url`" (`bot.probes.agent.agent_base`). `agent_turn` makes the agent probe also run one
    short conversational turn (think + speak providers), which costs agent time: on demand, or in
    periodic monitoring only when configured.
    """

    api_url: str
    ws_url: str
    api_key: str | None = field(default=None, repr=False)
    timeout: float = 10.0
    stream_speed: float = 1.0
    agent_url: str = ""
    agent_turn: bool = False


@dataclass(frozen=True)
class ProbeResult:
    surface: Surface
    state: ProbeState
    summary: str
    topic: Topic | None = None
    elapsed_ms: float | None = None
    timings: Mapping[str, float] = field(default_factory=dict)
    http_status: int | None = None
    close_code: int | None = None
    error: DeepgramError | None = None
    request_id: str | None = None
    detail: str | None = None
    #: True when the failure (or degradation) is a provider's that Deepgram calls on the user's behalf
    #: (the Voice Agent's LLM or TTS: THINK_REQUEST_FAILED, FAILED_TO_SPEAK, …), not Deepgram's own.
    provider_failure: bool = False
    #: `Warning` codes the service sent during the probe, in order (Voice Agent, Flux, TTS socket).
    warnings: tuple[str, ...] = ()

    @property
    def error_code(self) -> str | None:
        return self.error.code if self.error else None

    @property
    def failing(self) -> bool:
        return self.state in ("failed", "degraded")

    def phase_line(self) -> str:
        """`connect 12 ms · TLS 40 ms · first byte 320 ms`: network time vs Deepgram's time."""
        return " · ".join(f"{label} {format_ms(self.timings[key])}" for key, label in PHASES if key in self.timings)


# Phase timings in the order they happen, with the words a reader knows them by.
PHASES = (
    ("connect_ms", "connect"),
    ("tls_ms", "TLS"),
    ("ttfb_ms", "first byte"),
    ("handshake_ms", "handshake"),
    ("welcome_ms", "Welcome"),
    ("connected_ms", "Connected"),
    ("settings_applied_ms", "Settings applied"),
    ("first_result_ms", "first result"),
    ("final_ms", "final"),
    ("end_of_turn_ms", "end of turn"),
    ("first_audio_ms", "first audio"),
    ("flushed_ms", "flushed"),
)


def skipped(surface: Surface) -> ProbeResult:
    return ProbeResult(surface, "skipped", "No DEEPGRAM_API_KEY is configured, so this probe did not run.")


# -- pure mapping ----------------------------------------------------------------------------

_STATUS_TOPICS: Mapping[int, tuple[Topic, str]] = {
    400: (Topic.BAD_REQUEST, "Deepgram refused the request as malformed (400)"),
    401: (Topic.UNAUTHORIZED, "Deepgram rejected the key (401)"),
    402: (Topic.CREDITS, "The project is out of credits (402)"),
    403: (Topic.FORBIDDEN, "The key is not allowed to do this (403)"),
    404: (Topic.NOT_FOUND, "Deepgram did not find what was asked for (404)"),
    405: (Topic.METHOD_NOT_ALLOWED, "Deepgram does not allow this method or model here (405)"),
    408: (Topic.TIMEOUT, "Deepgram timed out waiting for the request (408)"),
    413: (Topic.PAYLOAD_TOO_LARGE, "The request was too large (413)"),
    415: (Topic.UNSUPPORTED_MEDIA_TYPE, "Deepgram did not accept the content type (415)"),
    422: (Topic.PAYLOAD_TOO_LARGE, "Deepgram could not process the input (422)"),
    429: (Topic.RATE_LIMITED, "Deepgram is rate limiting this project (429)"),
    504: (Topic.TIMEOUT, "A gateway timed out waiting for Deepgram (504)"),
}


def classify_status(surface: Surface, status: int, error: DeepgramError) -> ProbeResult:
    """Map an HTTP error status (REST or WebSocket handshake) to a failed probe result."""
    topic, summary = _STATUS_TOPICS.get(status, (Topic.SERVER_ERROR, f"Deepgram answered HTTP {status}"))
    if status >= 500 and status != 504:
        topic, summary = Topic.SERVER_ERROR, f"Deepgram had a server error ({status})"
    if status == 400 and error.message and "model" in error.message.lower():
        topic = Topic.MODELS
    return ProbeResult(surface, "failed", summary, topic, http_status=status, error=error, request_id=error.request_id)


def transcript_verdict(
    surface: Surface,
    transcript: str,
    expected: tuple[str, ...],
    *,
    right: str = "Transcribed the test clip correctly",
) -> tuple[ProbeState, str, Topic | None]:
    """Is this transcript of the probe clip right? Judged by word error rate (`bot.probes.transcript`):
    empty is a failure, too many wrong words a degradation, a word or two off is still right (`right`
    is the summary then, with the difference noted)."""
    judged = judge_transcript(transcript, expected)
    if judged.empty:
        return "failed", "The transcript of a known speech clip came back empty", judged.topic
    if not judged.ok:
        return (
            "degraded",
            f"The transcript of a known speech clip came back wrong ({judged.differences})",
            judged.topic,
        )
    if judged.errors:
        return "ok", f"{right} ({judged.differences} from the recorded transcript, within tolerance)", None
    return "ok", right, None


def judge_speed(result: ProbeResult, elapsed_ms: float, slow_ms: float) -> ProbeResult:
    """A working surface that took longer than `slow_ms` is reported as slow (degraded)."""
    if result.state == "ok" and elapsed_ms > slow_ms:
        return replace(
            result,
            state="degraded",
            summary=f"{result.summary}, but slowly ({elapsed_ms / 1000:.1f} s)",
            topic=Topic.LATENCY,
        )
    return result
