"""One Voice Agent probe session: the messages as they arrive, and what they mean once it is over.

Pure (no I/O): `on_frame` takes a frame and returns the frames to send back; `outcome` maps how the
session went to a `ProbeResult`. `Error` and `Warning` codes are read by their documented meaning
(deepgram-realtime.md §1.7); the think (LLM) and speak (TTS) providers' failures are the providers'
(§1.9) and marked `provider_failure`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Literal

from websockets.asyncio.client import ClientConnection

from bot.limits import WS_AUDIO_MAX
from bot.probes.result import ProbeResult, judge_speed
from bot.probes.wsio import CloseInfo, SocketSession, Stopwatch, json_frame
from bot.topics import Topic

__all__ = ["AGENT_ERRORS", "AGENT_WARNINGS", "OUTPUT_BYTES_PER_SECOND", "AgentSession"]

SURFACE = "agent"
#: How long to listen after `SettingsApplied` (without a turn) for an `Error` that follows it.
SETTLE_SECONDS = 0.3
#: The probe's Settings ask for linear16 at 16 kHz: 32,000 bytes per second of agent speech.
OUTPUT_BYTES_PER_SECOND = 32000

Phase = Literal["welcome", "settings", "settle", "turn", "over"]

#: Error code → (playbook, what happened, a provider's failure rather than Deepgram's own).
AGENT_ERRORS: Mapping[str, tuple[Topic, str, bool]] = {
    "CLIENT_MESSAGE_TIMEOUT": (Topic.AGENT_CLIENT_TIMEOUT, "The agent gave up waiting for the probe", False),
    "MAXIMUM_SESSION_LENGTH_REACHED": (Topic.AGENT_CLIENT_TIMEOUT, "The agent ended the session at its cap", False),
    "UNPARSABLE_CLIENT_MESSAGE": (Topic.AGENT_SETTINGS, "The agent could not read the probe's messages", False),
    "NON_SETTINGS_MESSAGE_BEFORE_SETTINGS": (Topic.AGENT_SETTINGS, "The agent wanted Settings first", False),
    "SETTINGS_ALREADY_APPLIED": (Topic.AGENT_SETTINGS, "The agent refused Settings a second time", False),
    "INVALID_SETTINGS": (Topic.AGENT_SETTINGS, "The agent refused the probe's Settings", False),
    "INVALID_AGENT_ID": (Topic.AGENT_SETTINGS, "The agent refused the agent configuration", False),
    "AGENT_ID_NOT_SUPPORTED": (Topic.AGENT_SETTINGS, "The agent refused the agent configuration", False),
    "FAILED_TO_START_LISTENING": (Topic.AGENT_LISTEN, "The agent could not start its speech recognition", False),
    "ASR_CONNECTION_CLOSED": (Topic.AGENT_LISTEN, "The agent's speech recognition dropped", False),
    "ASR_DRIVER_TIMEOUT": (Topic.AGENT_LISTEN, "The agent's speech recognition timed out", False),
    "USER_AUDIO_FORMAT": (Topic.AGENT_LISTEN, "The agent did not accept the audio format", False),
    "FAILED_TO_THINK": (Topic.AGENT_THINK_PROVIDER, "The agent's LLM provider failed", True),
    "FAILED_TO_SPEAK": (Topic.AGENT_SPEAK_PROVIDER, "The agent's text-to-speech provider failed", True),
    "NON_EXISTENT_FUNCTION_CALLED": (Topic.AGENT_FUNCTIONS, "The agent's LLM called an unknown function", False),
    "INTERNAL_SERVER_ERROR": (Topic.AGENT_DOWNSTREAM, "The Voice Agent had an internal error", False),
    "SERVER_GOING_AWAY": (Topic.AGENT_DOWNSTREAM, "The Voice Agent server is going away (maintenance)", False),
}
_UNKNOWN_ERROR = (Topic.AGENT_DOWNSTREAM, "The Voice Agent ended the session with an error", False)

#: Warning codes that mean a provider had trouble (§1.7, §1.9): the turn may still have been answered
#: by a retry or a fallback, so they degrade a working session instead of failing it.
AGENT_WARNINGS: Mapping[str, tuple[Topic, str]] = {
    "THINK_REQUEST_FAILED": (Topic.AGENT_THINK_PROVIDER, "a request to its LLM provider failed"),
    "SLOW_THINK_REQUEST": (Topic.AGENT_THINK_PROVIDER, "its LLM provider was slow"),
    "GPT_4O_STREAM_END_ERROR": (Topic.AGENT_THINK_PROVIDER, "its LLM provider's answer ended badly"),
    "SPEAK_REQUEST_FAILED": (Topic.AGENT_SPEAK_PROVIDER, "a request to its text-to-speech provider failed"),
    "SLOW_SPEAK_REQUEST": (Topic.AGENT_SPEAK_PROVIDER, "its text-to-speech provider was slow"),
}


class AgentSession(SocketSession):
    """The state of one probe session, fed frame by frame."""

    def __init__(self, watch: Stopwatch, *, turn: bool, settings: str, message: str) -> None:
        # The agent's speech comes as binary frames, its events as JSON.
        super().__init__(SURFACE, watch, WS_AUDIO_MAX)
        self.turn = turn
        self.settings = settings
        self.message = message
        self.phase: Phase = "welcome"
        self.marks: dict[str, float] = {}
        self.error: tuple[str, str] | None = None
        self.garbled = False
        self.heard_user = False
        self.replied = False
        self.audio_bytes = 0
        self.done = False
        self.close: CloseInfo | None = None
        self.timed_out = False

    # -- while it runs ---------------------------------------------------------------------------

    @property
    def finished(self) -> bool:
        return self.phase == "over" or self.error is not None or self.garbled

    @property
    def in_turn(self) -> bool:
        return self.phase == "turn"

    def opened(self, ws: ClientConnection) -> None:
        super().opened(ws)
        self.marks["opened"] = Stopwatch.now()

    def settle_left(self) -> float | None:
        """Seconds left of the pause after `SettingsApplied`; None when not pausing."""
        if self.phase != "settle":
            return None
        return max(0.0, self.marks["settle_until"] - Stopwatch.now())

    def settled(self) -> None:
        self.phase = "over"

    def on_frame(self, message: str | bytes) -> list[str]:
        """Take one frame; the frames to send in answer."""
        if isinstance(message, bytes):
            self._audio(message)
            return []
        data = json_frame(message)
        if data is None:
            self.garbled = True
            return []
        kind = data.get("type")
        if kind == "Welcome":
            return self._welcome(data)
        if kind == "SettingsApplied":
            return self._applied()
        self._event(str(kind), data)
        return []

    def _welcome(self, data: Mapping[str, Any]) -> list[str]:
        if self.phase != "welcome":
            return []
        self.timings["welcome_ms"] = self.watch.since(self.marks["opened"])
        request_id = data.get("request_id")
        self.request_id = request_id if isinstance(request_id, str) and request_id else self.request_id
        self.phase = "settings"
        self.marks["settings_sent"] = Stopwatch.now()
        return [self.settings]

    def _applied(self) -> list[str]:
        if self.phase != "settings":
            return []
        self.timings["settings_applied_ms"] = self.watch.since(self.marks["settings_sent"])
        if not self.turn:
            self.phase = "settle"
            self.marks["settle_until"] = Stopwatch.now() + SETTLE_SECONDS
            return []
        self.phase = "turn"
        self.marks["injected"] = Stopwatch.now()
        return [json.dumps({"type": "InjectUserMessage", "content": self.message})]

    def _audio(self, data: bytes) -> None:
        if self.phase == "turn" and data:
            self.timings.setdefault("first_audio_ms", self.watch.since(self.marks["injected"]))
        self.audio_bytes += len(data)

    def _event(self, kind: str, data: Mapping[str, Any]) -> None:
        if kind == "ConversationText":
            role = data.get("role")
            self.heard_user = self.heard_user or role == "user"
            self.replied = self.replied or role == "assistant"
        elif kind == "AgentAudioDone" and self.phase == "turn":
            self.done = True
            self.phase = "over"
        elif kind == "Warning":
            self.warnings.append(_text(data.get("code")) or "WARNING")
        elif kind == "Error":
            # Early-access errors had `message` and no `code` (§1.7).
            code = _text(data.get("code")) or "ERROR"
            self.error = (code, _text(data.get("description")) or _text(data.get("message")) or "")

    # -- once it is over ---------------------------------------------------------------------------

    def outcome(self, slow_ms: float, timeout: float) -> ProbeResult:
        """What the session says about the Voice Agent."""
        if self.error is not None:
            return self._error_result(*self.error)
        if self.garbled:
            topic = Topic.AGENT_CONNECT if self.phase == "welcome" else Topic.AGENT_DOWNSTREAM
            return self._failed("The agent sent a message that is not JSON", topic)
        if self.phase in ("welcome", "settings"):
            return self._setup_failure(timeout)
        if self.phase == "turn":
            return self._turn_failure(timeout)
        return self._success(slow_ms)

    def _error_result(self, code: str, description: str) -> ProbeResult:
        topic, what, provider = AGENT_ERRORS.get(code, _UNKNOWN_ERROR)
        return self._failed(f"{what} ({code})", topic, provider=provider, said=(code, description))

    def _ending(self, timeout: float) -> str:
        if self.close is not None and not self.timed_out:
            return f"before the session closed (code {self.close.code})"
        return f"within {timeout:g} s"

    def _setup_failure(self, timeout: float) -> ProbeResult:
        if self.phase == "welcome":
            return self._failed(f"The agent sent no Welcome {self._ending(timeout)}", Topic.AGENT_CONNECT)
        summary = f"The agent did not apply the probe's Settings {self._ending(timeout)}"
        return self._failed(summary, Topic.AGENT_SETTINGS)

    def _turn_failure(self, timeout: float) -> ProbeResult:
        ending = self._ending(timeout)
        if self.close is not None and not self.close.normal and not self.timed_out:
            # Closed with an error code and without an Error message: the agent's own doing.
            return self._failed(
                f"The agent closed the session during the test turn (code {self.close.code})", Topic.AGENT_DOWNSTREAM
            )
        if not self.heard_user:
            return self._failed(f"The agent did not take up the test message {ending}", Topic.AGENT_DOWNSTREAM)
        if not self.replied and not self.audio_bytes:
            return self._failed(f"The agent's LLM gave no answer {ending}", Topic.AGENT_THINK_PROVIDER, provider=True)
        what = "The agent's answer was never spoken" if not self.audio_bytes else "The agent's speech stopped early"
        return self._failed(f"{what} ({ending})", Topic.AGENT_SPEAK_PROVIDER, provider=True)

    def _success(self, slow_ms: float) -> ProbeResult:
        if self.turn and not self.audio_bytes:
            return self._failed("The agent answered without any audio", Topic.AGENT_SPEAK_PROVIDER, provider=True)
        if self.turn:
            seconds = self.audio_bytes / OUTPUT_BYTES_PER_SECOND
            summary = f"The Voice Agent answered a test turn with {seconds:.1f} s of speech"
        else:
            summary = "Opened a Voice Agent session; its Settings were applied"
        trouble = next((AGENT_WARNINGS[w] for w in self.warnings if w in AGENT_WARNINGS), None)
        if trouble is not None:
            topic, what = trouble
            return self._result("degraded", f"{summary}, but {what}", topic, provider=True)
        result = self._result("ok", summary, None)
        ours = sum(self.timings.get(k, 0) for k in ("handshake_ms", "welcome_ms", "settings_applied_ms"))
        return judge_speed(result, ours + self.timings.get("first_audio_ms", 0), slow_ms)

    def _failed(
        self, summary: str, topic: Topic, *, provider: bool = False, said: tuple[str, str] | None = None
    ) -> ProbeResult:
        return self._result("failed", summary, topic, provider=provider, said=said)

    def _result(
        self,
        state: Literal["ok", "degraded", "failed"],
        summary: str,
        topic: Topic | None,
        *,
        provider: bool = False,
        said: tuple[str, str] | None = None,
    ) -> ProbeResult:
        close_code = self.close.code if self.close else None
        return self.report(state, summary, topic, close_code=close_code, said=said, provider_failure=provider)


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None
