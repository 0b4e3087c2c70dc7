"""Knobs of the realtime surfaces: Voice Agent (`dg.agent`), Flux STT (`dg.flux`), TTS socket (`dg.speak_ws`).

Section numbers refer to `shared/reference/deepgram-realtime.md`. Every attribute is reset by
`FakeDeepgram.reset()`. Where the reference marks a fact unverified or says the docs disagree, the
default is the variant named in the comment and the other variants are one assignment away.

Handshake refusals (401/402/403/429/5xx with `dg-error`), dropped connections, truncated first
messages and stalls are the generic `FakeDeepgram.fail/rate_limit/drop_connection/malformed_json/
stall_ws` knobs with the routes "agent", "listen_v2" and "speak_ws".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

AgentPoint = Literal["welcome", "settings", "applied", "user", "think", "speak", "done"]
AGENT_POINTS: tuple[AgentPoint, ...] = ("welcome", "settings", "applied", "user", "think", "speak", "done")
# Stalls at these points silence the whole session; later points silence only the current turn.
SESSION_POINTS = frozenset({"welcome", "settings", "applied"})


@dataclass
class AgentAction:
    """One scripted event at a point of the agent session (see `AgentKnobs.fail_at`)."""

    point: AgentPoint
    kind: Literal["error", "warning", "stall", "close"]
    code: str = ""
    description: str | None = None
    close_code: int | None = None  # kind "close": None = close frame without a status (client sees 1005)
    remaining: int | None = 1  # None = every time


# Deepgram-managed LLMs for `GET /v1/agent/settings/think/models` (§1.1). Only the first entry's shape and
# values are documented (docs-2025 `voice-agent-llm-models`); the ids are the OAS
# `AgentThinkModelsV1Response` enums; the other display names are ours (unverified).
DEFAULT_THINK_MODELS: tuple[tuple[str, str, str], ...] = (
    ("gpt-4o-mini", "GPT-4o mini", "open_ai"),
    ("gpt-4o", "GPT-4o", "open_ai"),
    ("gpt-4.1", "GPT-4.1", "open_ai"),
    ("gpt-4.1-mini", "GPT-4.1 mini", "open_ai"),
    ("gpt-4.1-nano", "GPT-4.1 nano", "open_ai"),
    ("gpt-5", "GPT-5", "open_ai"),
    ("gpt-5-mini", "GPT-5 mini", "open_ai"),
    ("gpt-5-nano", "GPT-5 nano", "open_ai"),
    ("claude-3-5-haiku-latest", "Claude 3.5 Haiku", "anthropic"),
    ("claude-sonnet-4-20250514", "Claude Sonnet 4", "anthropic"),
    ("gemini-2.5-flash", "Gemini 2.5 Flash", "google"),
    ("gemini-2.0-flash", "Gemini 2.0 Flash", "google"),
    ("gemini-2.0-flash-lite", "Gemini 2.0 Flash Lite", "google"),
    ("openai/gpt-oss-20b", "GPT OSS 20B", "groq"),
)


class AgentKnobs:
    """The Voice Agent `/v1/agent/converse` (§1)."""

    def __init__(self) -> None:
        self.actions: list[AgentAction] = []
        self.reset()

    def reset(self) -> None:
        """Healthy defaults."""
        #: seconds without a client message → Error CLIENT_MESSAGE_TIMEOUT (docs disagree: 8–60 s; fake 10 s, §1.8)
        self.idle_timeout: float = 10.0
        #: whether KeepAlive resets the idle timer; False models deepgram-js-sdk#419 (timeout despite KeepAlive)
        self.keepalive_resets_idle: bool = True
        #: close after an `Error`: None = close frame without status (clients report 1005, §1.8), or a code
        self.error_close_code: int | None = None
        #: close the socket after a fatal `Error` ("often closes shortly after", §1.7)
        self.close_after_error: bool = True
        #: `audio.input` default rate when omitted: 24000 (AAS 2026) or 16000 (AAS-2025) — docs disagree (§1.4)
        self.default_input_sample_rate: int = 24000
        #: think providers Deepgram manages (endpoint optional). docs-2025 listed only open_ai/anthropic (§1.4)
        self.managed_think_providers: set[str] = {"open_ai", "anthropic", "google", "nvidia"}
        #: speak providers usable without `endpoint`: Deepgram, and managed Cartesia (skills); at V1 launch
        #: Cartesia/ElevenLabs were BYO only (jambonz#1178) — docs disagree over time (§1.4)
        self.managed_speak_providers: set[str] = {"deepgram", "cartesia"}
        #: reject keys the AAS does not declare (UNPARSABLE_CLIENT_MESSAGE); off: only documented rejections
        self.strict_settings: bool = False
        #: `AgentThinking` is "often not emitted" (js-sdk#400): off by default
        self.emit_agent_thinking: bool = False
        #: `AgentStartedSpeaking` (a normal message in AAS 2026; experimental in AAS-2025)
        self.emit_started_speaking: bool = True
        #: one `LatencyReport` after each reply (AAS; third-party logs see one field per message)
        self.emit_latency_report: bool = True
        #: `History` after each ConversationText while Settings `flags.history` is true (the AAS default)
        self.emit_history: bool = True
        #: ConversationText(assistant) before the first audio frame; the order is unverified (§1.3)
        self.assistant_text_first: bool = True
        #: replies of the fake LLM: exact user text → answer; anything else gets `default_reply`
        self.replies: dict[str, str] = {}
        self.default_reply: str = "Okay."
        #: seconds the think/speak providers take; SLOW_*_REQUEST every `slow_warning_interval` meanwhile
        self.think_delay: float = 0.0
        self.speak_delay: float = 0.0
        self.slow_warning_interval: float = 5.0  # "We have now waited 5 seconds…" every 5 s (§1.7)
        #: session cap (2 h → MAXIMUM_SESSION_LENGTH_REACHED) and the warning lead (1:55 → APPROACHING)
        self.max_session_seconds: float = 7200.0
        self.session_warning_lead: float = 300.0
        #: Reusable Agent Configurations: UUID → agent object (an unknown UUID → INVALID_AGENT_ID, §1.4)
        self.agent_configs: dict[str, dict[str, Any]] = {}
        #: `GET /v1/agent/settings/think/models` entries
        self.think_models: list[dict[str, str]] = [
            {"id": i, "name": n, "provider": p} for i, n, p in DEFAULT_THINK_MODELS
        ]
        #: the early-access path `/agent`: "gone" → 404 (post-shutdown status unverified) or "cutover" →
        #: Welcome{session_id} + Warning API_CUTOVER_SOON as recorded before the shutdown (§1.1)
        self.early_access_path: Literal["gone", "cutover"] = "gone"
        #: `dg-request-id`/`dg-error` on refused agent handshakes: unverified for the agent host (§1.6)
        self.handshake_dg_headers: bool = True
        #: an Error code sent when streamed audio does not match `audio.input` (e.g. "USER_AUDIO_FORMAT");
        #: None = the audio is just not recognised (garbled, no transcript), §6 row 10
        self.audio_mismatch_error: str | None = None
        #: refuse `InjectAgentMessage` (except behavior "interrupt", never refused): "InjectionRefused" sends
        #: that message; a Warning code (INJECT_AGENT_MESSAGE_DURING_USER_SPEECH / …_AGENT_SPEECH) sends a Warning
        self.inject_refusal: str | None = None
        #: seconds of trailing audio after the last word before the user turn ends (endpointing)
        self.endpoint_seconds: float = 0.3
        self.actions.clear()

    # -- scripted events ---------------------------------------------------------------------------------

    def _add(self, action: AgentAction) -> None:
        if action.point not in AGENT_POINTS:
            raise ValueError(f"unknown point {action.point!r}; expected one of {AGENT_POINTS}")
        self.actions.append(action)

    def fail_at(self, point: AgentPoint, code: str, description: str | None = None, times: int | None = 1) -> None:
        """Send `Error{code}` at `point` (then close, per `close_after_error`).

        Points: "welcome" (right after Welcome), "settings" (instead of SettingsApplied), "applied"
        (right after it), "user" (after the user's ConversationText), "think" (before the reply),
        "speak" (after the assistant's text, before audio), "done" (after AgentAudioDone).
        """
        self._add(AgentAction(point, "error", code, description, remaining=times))

    def warn_at(self, point: AgentPoint, code: str, description: str | None = None, times: int | None = 1) -> None:
        """Send `Warning{code}` at `point`; the session goes on."""
        self._add(AgentAction(point, "warning", code, description, remaining=times))

    def stall_at(self, point: AgentPoint, times: int | None = 1) -> None:
        """Go silent at `point`: the whole session for welcome/settings/applied, else only that turn."""
        self._add(AgentAction(point, "stall", remaining=times))

    def close_at(self, point: AgentPoint, close_code: int | None = 1011, times: int | None = 1) -> None:
        """Close the socket at `point` without any Error message (`None` = no status → 1005)."""
        self._add(AgentAction(point, "close", close_code=close_code, remaining=times))

    def think_fails(self, *, fatal: bool = True) -> None:
        """Next turn: Warning THINK_REQUEST_FAILED; fatal → Error FAILED_TO_THINK (else a fallback answers)."""
        self.warn_at("think", "THINK_REQUEST_FAILED")
        if fatal:
            self.fail_at("think", "FAILED_TO_THINK")

    def think_silent(self) -> None:
        """Next turn: the LLM returns nothing and no error comes (aws_bedrock reasoning models, §1.4)."""
        self.stall_at("think")

    def speak_fails(self, *, fatal: bool = True) -> None:
        """Next reply: Warning SPEAK_REQUEST_FAILED; fatal → Error FAILED_TO_SPEAK."""
        self.warn_at("speak", "SPEAK_REQUEST_FAILED")
        if fatal:
            self.fail_at("speak", "FAILED_TO_SPEAK")

    def take(self, point: AgentPoint) -> list[AgentAction]:
        """The actions due at `point`, consuming one use of each."""
        due = [a for a in self.actions if a.point == point]
        for a in due:
            if a.remaining is not None:
                a.remaining -= 1
                if a.remaining <= 0:
                    self.actions.remove(a)
        return due


class FluxKnobs:
    """Flux STT `/v2/listen` (§2)."""

    def __init__(self) -> None:
        self.fatal_at: list[tuple[float, str, str | None]] = []
        self.reset()

    def reset(self) -> None:
        """Healthy defaults."""
        #: seconds without audio or ping → Error INACTIVE_CLIENT then close ("timeout is 60s", §2.4)
        self.idle_timeout: float = 60.0
        #: WebSocket pings keep the stream alive (python-sdk#649 saw pings fail: set False to model that)
        self.ping_resets_idle: bool = True
        #: idle error code: INACTIVE_CLIENT [third-party, livekit/agents PR #3579]
        self.idle_code: str = "INACTIVE_CLIENT"
        #: FatalError `type`: "Error" (AAS, py-sdk v7) or "FatalError" (py-sdk migration doc) — docs disagree
        self.fatal_error_type: Literal["Error", "FatalError"] = "Error"
        #: close after a fatal error: None = no status (clients see 1005, pipecat#3463), or a code
        self.error_close_code: int | None = None
        #: a JSON `KeepAlive`: "close" (1005, python-sdk#649) or "ignore"
        self.keepalive_json: Literal["close", "ignore"] = "close"
        #: CloseStream: False = skills CL 1.7.0 (remaining Updates, no EndOfTurn, close without status);
        #: True = dev docs/flux/close-stream (final EndOfTurn, then close 1000) — docs disagree (§2.4)
        self.close_stream_finalizes: bool = False
        #: newer-than-AAS fields: `trigger` on EndOfTurn, Warning messages, ConfigureFailure code/description
        self.newer_fields: bool = False
        #: upper bound of eot_threshold: 0.9 (configuration/Configure pages, AAS) or 1.0 (quickstart) (§2.2)
        self.eot_threshold_max: float = 0.9
        #: eot_timeout_ms upper bound for the query (60000) and for Configure (10000 per its page) (§2.2)
        self.eot_timeout_max_ms: int = 60000
        self.configure_eot_timeout_max_ms: int = 10000
        #: `start`/`end` on TurnInfo words (optional in the AAS; the docs example shows none)
        self.word_timings: bool = False
        #: seconds of audio between `Update` events (~0.25 s, §2.3)
        self.update_interval: float = 0.25
        #: refuse query parameters Flux does not take (v1-only ones such as `language`, `smart_format`)
        self.reject_unknown_params: bool = True
        #: status of a non-Flux model on /v2/listen (a 4xx is expected but unverified, §2.5)
        self.wrong_model_status: int = 400
        #: status of a Flux model on /v1/listen (REST and upgrade); the HTTP status is unverified (§2.5)
        self.v1_status: int = 400
        #: after a StartOfTurn no more events ever come (pipecat#5735, §2.7)
        self.stall_after_start_of_turn: bool = False
        self.fatal_at.clear()

    def fatal_after(
        self, audio_seconds: float = 0.0, code: str = "INTERNAL_SERVER_ERROR", description: str | None = None
    ) -> None:
        """The next stream sends a FatalError once `audio_seconds` of audio arrived (0 = right after Connected)."""
        self.fatal_at.append((audio_seconds, code, description))


SpeakPoint = Literal["connect", "speak", "flush", "audio"]


class SpeakWsKnobs:
    """The TTS WebSocket `/v1/speak` (§3.1–3.5)."""

    def __init__(self) -> None:
        self.closes: list[tuple[SpeakPoint, int, str]] = []
        self.outputs: list[bytes] = []  # audio of each Flush, in order
        self.reset()

    def reset(self) -> None:
        """Healthy defaults (recorded `outputs` are kept; `FakeDeepgram.clear_records` clears them)."""
        #: when `Metadata` is sent: "connect" (implied by the Flux TTS docs), "first_flush" or "never"
        #: ([third-party] "no initial confirmation message") — docs disagree (§3.3)
        self.metadata_timing: Literal["connect", "first_flush", "never"] = "connect"
        #: Warning fields: "code" = AAS {description, code}; "warn_code" = recorded {warn_code, warn_msg} (§3.3)
        self.warning_fields: Literal["code", "warn_code"] = "code"
        #: limits (§3.4): characters per Speak → 1009 BIG-0001; characters per window → 1008 DATA-0001;
        #: Flush per window → Warning EXCESSIVE_FLUSH and the Flush is ignored
        self.max_chars_per_message: int = 2000
        self.chars_per_window: int = 2400
        self.char_window_seconds: float = 60.0
        self.flushes_per_window: int = 20
        self.flush_window_seconds: float = 60.0
        #: bytes of one text frame before 1009 BIG-0000 (the real size is undocumented)
        self.max_message_bytes: int = 64 * 1024
        #: seconds without a client message → 1011 NET-0001 (the TTS window is undocumented, §3.5)
        self.idle_timeout: float | None = 60.0
        #: connection cap → 1011 NET-0003 (60 min, §3.4)
        self.max_session_seconds: float = 3600.0
        #: audio without Flush once this many characters are buffered ("or enough buffered text"); None = never
        self.auto_flush_chars: int | None = None
        self.closes.clear()

    def close_at(self, point: SpeakPoint, code: int = 1011, reason: str = "NET-0000") -> None:
        """Close the next socket at `point` with `code`/`reason` ("connect", "speak", "flush", "audio" =
        after the first audio frame of a Flush)."""
        self.closes.append((point, code, reason))

    def take_close(self, point: SpeakPoint) -> tuple[int, str] | None:
        """The close scripted for `point`, consumed."""
        for item in self.closes:
            if item[0] == point:
                self.closes.remove(item)
                return item[1], item[2]
        return None
