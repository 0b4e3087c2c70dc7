"""The Voice Agent socket `/v1/agent/converse` (`deepgram-realtime.md` §1).

Sequence: `Welcome{request_id}` on connect; the first client message must be `Settings` (checked by
`agent_settings`), answered by `SettingsApplied` or an `Error`; then per turn (§1.3):
`[UserStartedSpeaking] → ConversationText(user) → [AgentThinking] → ConversationText(assistant) →
AgentStartedSpeaking → binary audio (Settings' output format) → AgentAudioDone → LatencyReport`, with
`History` copies while `flags.history` is on. A user turn comes from `InjectUserMessage` or from streamed
audio of a registered clip (matched as in `clipmatch`). `Error` is fatal: the socket closes after it,
by default with an empty close frame (clients see 1005, §1.8). Knobs: `knobs_realtime.AgentKnobs`.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from aiohttp import WSMsgType, web

from . import synth
from .agent_codes import describe
from .agent_settings import (
    RAW_OUTPUT,
    AgentConfig,
    Problem,
    parse_listen_provider,
    parse_settings,
    parse_speak,
    parse_think,
)
from .clipmatch import AudioTimeline
from .common import Authed
from .knobs_realtime import SESSION_POINTS, AgentPoint
from .wsbase import WsSession, parse_text

CLIENT_TYPES = frozenset(
    {
        "Settings",
        "UpdateListen",
        "UpdateThink",
        "UpdateSpeak",
        "InjectUserMessage",
        "InjectAgentMessage",
        "FunctionCallResponse",
        "KeepAlive",
        "UpdatePrompt",
        "ForceEndTurn",  # newer than the AAS (skills `voice-agent`)
    }
)
_AAC_RATES = frozenset({8000, 16000, 22050, 24000, 32000, 44100, 48000})


def render_audio(text: str, config: AgentConfig) -> tuple[bytes, int]:
    """The agent's speech for `text` in the Settings' output format, and the frame size to send it in."""
    enc, rate, model = config.output_encoding, config.output_rate, config.speak[0].model
    if enc in RAW_OUTPUT:
        data = synth.pcm(text, model, enc, rate)
        frame = rate * (2 if enc == "linear16" else 1) // 10  # 100 ms per frame
        if config.output_container == "wav":
            data = synth.wav_header(enc, rate, len(data), streaming_sizes=True) + data
        return data, frame
    if enc == "mp3":
        bit_rate = config.output_bitrate if config.output_bitrate in (32000, 48000) else 48000
        return synth.mp3(text, model, bit_rate=bit_rate or 48000, sample_rate=22050), 4096
    if enc == "opus":
        return synth.ogg_opus(text, model), 4096
    if enc == "flac":
        return synth.flac(text, rate), 4096
    return synth.adts_aac(text, rate if rate in _AAC_RATES else 22050), 4096


class AgentSession(WsSession):
    """One Voice Agent conversation."""

    route = "agent"

    def __init__(self, request: web.Request, ws: web.WebSocketResponse, auth: Authed) -> None:
        super().__init__(request, ws, auth)
        self.knobs = self.dg.agent
        self.config: AgentConfig | None = None
        self.idle_deadline = self.started + self.knobs.idle_timeout
        self.cap_warned = False
        self.silent = False  # a session-level stall: nothing more is sent, no timers
        self.lock = asyncio.Lock()  # one turn at a time
        self.tasks: set[asyncio.Task[None]] = set()
        self.timeline: AudioTimeline | None = None
        self.user_started = False
        self.audio_turn_done = False
        self.mismatch_reported = False

    # -- main loop ---------------------------------------------------------------------------------------

    async def run(self) -> None:
        """Welcome, then messages until the client leaves or an Error ends the session."""
        if self.stall:
            await self.wait_closed()
            return
        await self.send_json({"type": "Welcome", "request_id": self.request_id})
        await self.point("welcome")
        try:
            while not self.closed:
                msg = await self.receive(self._deadline())
                if msg is None:
                    await self._timers()
                    continue
                if self.client_gone(msg):
                    break
                if self.silent:
                    continue
                if msg.type == WSMsgType.BINARY:
                    self.idle_deadline = self.loop.time() + self.knobs.idle_timeout
                    await self._on_audio(msg.data)
                elif msg.type == WSMsgType.TEXT:
                    await self._on_text(msg.data)
        finally:
            for task in list(self.tasks):
                task.cancel()
            for task in list(self.tasks):
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task

    def _deadline(self) -> float | None:
        if self.silent:
            return None
        cap = self.started + self.knobs.max_session_seconds
        times = [self.idle_deadline, cap]
        if not self.cap_warned and self.knobs.session_warning_lead > 0:
            times.append(cap - self.knobs.session_warning_lead)
        return min(times)

    async def _timers(self) -> None:
        now = self.loop.time()
        cap = self.started + self.knobs.max_session_seconds
        lead = self.knobs.session_warning_lead
        if now >= cap:
            await self.error("MAXIMUM_SESSION_LENGTH_REACHED")
        elif not self.cap_warned and lead > 0 and now >= cap - lead:
            self.cap_warned = True
            await self.warning("MAXIMUM_SESSION_LENGTH_APPROACHING")
        elif now >= self.idle_deadline:
            await self.error("CLIENT_MESSAGE_TIMEOUT")

    # -- sending -----------------------------------------------------------------------------------------

    async def error(self, code: str, description: str | None = None) -> None:
        """A fatal `Error{description, code}`, then the close (per the knobs)."""
        await self.send_json({"type": "Error", "description": description or describe(code), "code": code})
        if self.knobs.close_after_error:
            await self.close(self.knobs.error_close_code)
        else:
            self.silent = True

    async def warning(self, code: str, description: str | None = None, seconds: float | None = None) -> None:
        """A `Warning{description, code}`; the session goes on."""
        text = description or describe(code, warning=True, seconds=seconds)
        await self.send_json({"type": "Warning", "description": text, "code": code})

    async def point(self, point: AgentPoint) -> bool:
        """Play the scripted actions due at `point`; True when the flow must stop there."""
        for action in self.knobs.take(point):
            if action.kind == "warning":
                await self.warning(action.code, action.description)
            elif action.kind == "error":
                await self.error(action.code, action.description)
                return True
            elif action.kind == "close":
                await self.close(action.close_code)
                return True
            else:
                if point in SESSION_POINTS:
                    self.silent = True
                return True
        return self.closed

    async def text(self, role: str, content: str) -> None:
        """ConversationText, and its History copy while history is on."""
        await self.send_json({"type": "ConversationText", "role": role, "content": content})
        if self.config is not None and self.config.history and self.knobs.emit_history:
            await self.send_json({"type": "History", "role": role, "content": content})

    # -- client messages ---------------------------------------------------------------------------------

    async def _on_text(self, data: str) -> None:
        doc, kind = parse_text(data)
        self.note_client_message(kind)
        if kind != "KeepAlive" or self.knobs.keepalive_resets_idle:
            self.idle_deadline = self.loop.time() + self.knobs.idle_timeout
        if doc is None or kind not in CLIENT_TYPES:
            await self.error("UNPARSABLE_CLIENT_MESSAGE")
            return
        if self.config is None and kind != "Settings":
            await self.error("NON_SETTINGS_MESSAGE_BEFORE_SETTINGS")
            return
        try:
            await self._dispatch(kind, doc)
        except Problem as problem:
            await self.error(problem.code, problem.description)

    async def _dispatch(self, kind: str, doc: dict[str, Any]) -> None:
        if kind == "Settings":
            await self._on_settings(doc)
            return
        config = self.config
        assert config is not None
        if kind == "KeepAlive":
            return
        if kind == "InjectUserMessage":
            content = doc.get("content")
            _require(isinstance(content, str))
            self._spawn(self._user_turn(str(content)))
        elif kind == "InjectAgentMessage":
            # AAS 2026 and the inject page say `message`; AAS-2025 and the migration page `content` (§1.3).
            message = doc.get("message", doc.get("content"))
            behavior = doc.get("behavior", "default")
            _require(isinstance(message, str) and behavior in ("default", "queue", "interrupt"))
            refusal = self.knobs.inject_refusal
            if refusal and behavior != "interrupt":
                if refusal == "InjectionRefused":
                    await self.send_json({"type": "InjectionRefused", "message": str(message)})
                else:
                    await self.warning(refusal)
                return
            self._spawn(self._agent_says(str(message)))
        elif kind == "FunctionCallResponse":
            _require(isinstance(doc.get("name"), str) and isinstance(doc.get("content"), str))
        elif kind == "UpdatePrompt":
            _require(isinstance(doc.get("prompt"), str))
            config.prompt += str(doc["prompt"])  # appends (skills); one page says replaces (docs disagree)
            await self.send_json({"type": "PromptUpdated"})
        elif kind == "UpdateSpeak":
            _require("speak" in doc)
            config.speak = parse_speak(doc["speak"], self.knobs)
            await self.send_json({"type": "SpeakUpdated"})
        elif kind == "UpdateThink":
            _require("think" in doc)
            config.think_types, config.prompt = parse_think(doc["think"], self.knobs, [])
            await self.send_json({"type": "ThinkUpdated"})
        elif kind == "UpdateListen":
            listen = doc.get("listen")
            _require(isinstance(listen, dict) and isinstance(listen.get("provider"), dict))
            assert isinstance(listen, dict)
            version, model, _ = parse_listen_provider(listen["provider"], self.knobs)
            _require(version == "v2")  # AAS UpdateListen takes a DeepgramListenProviderV2
            if config.listen_version != "v2":  # provider identity must match the session (AAS)
                raise Problem("INVALID_SETTINGS", "UpdateListen must keep the session's listen provider.")
            config.listen_model = model
            await self.send_json({"type": "ListenUpdated"})
        elif kind == "ForceEndTurn":
            if config.listen_version != "v2":
                await self.warning("FORCE_END_TURN_UNSUPPORTED")
            elif self.user_started and not self.audio_turn_done:
                self._end_audio_turn()

    async def _on_settings(self, doc: dict[str, Any]) -> None:
        if self.config is not None:
            await self.error("SETTINGS_ALREADY_APPLIED")
            return
        config = parse_settings(doc, self.knobs)
        if await self.point("settings"):
            return
        self.config = config
        self.timeline = AudioTimeline(
            self.dg.clip_entries,
            encoding=config.input_encoding,
            sample_rate=config.input_rate,
            container_ok=lambda info: True,
        )
        await self.send_json({"type": "SettingsApplied"})
        for code in config.warnings:
            await self.warning(code)
        if config.listen_error:
            await self.error(config.listen_error)
            return
        if await self.point("applied"):
            return
        if config.greeting:
            self._spawn(self._agent_says(config.greeting))

    async def _on_audio(self, data: bytes) -> None:
        if self.config is None or self.timeline is None:
            await self.error("NON_SETTINGS_MESSAGE_BEFORE_SETTINGS")
            return
        self.note_audio(len(data))
        timeline = self.timeline
        timeline.feed(data)
        entry = timeline.entry
        if entry is None:
            error = self.knobs.audio_mismatch_error
            if error and not self.mismatch_reported and timeline.format_mismatch():
                self.mismatch_reported = True
                await self.error(error)
            return
        words = entry.words
        if not self.user_started and words and timeline.t >= words[0].start:
            self.user_started = True
            await self.send_json({"type": "UserStartedSpeaking"})
        end = (words[-1].end if words else entry.duration) + self.knobs.endpoint_seconds
        if self.user_started and not self.audio_turn_done and timeline.t >= min(end, entry.duration):
            self._end_audio_turn()

    def _end_audio_turn(self) -> None:
        self.audio_turn_done = True
        entry = self.timeline.entry if self.timeline else None
        if entry is not None:
            self._spawn(self._user_turn(entry.clip.transcript))

    # -- turns -------------------------------------------------------------------------------------------

    def _spawn(self, coro: Any) -> None:
        task: asyncio.Task[None] = asyncio.ensure_future(coro)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def _wait(self, seconds: float, code: str) -> None:
        """A slow provider: wait `seconds`, with a SLOW_* Warning every `slow_warning_interval`."""
        interval = self.knobs.slow_warning_interval
        waited, n = 0.0, 1
        while waited < seconds - 1e-9:
            step = min(seconds - waited, n * interval - waited) if interval > 0 else seconds - waited
            await asyncio.sleep(step)
            waited += step
            if interval > 0 and waited >= n * interval - 1e-9 and waited < seconds - 1e-9:
                await self.warning(code, seconds=n * interval)
                n += 1

    async def _user_turn(self, content: str) -> None:
        async with self.lock:
            if self.closed or self.silent:
                return
            await self.text("user", content)
            if await self.point("user"):
                return
            await self._wait(self.knobs.think_delay, "SLOW_THINK_REQUEST")
            if await self.point("think"):
                return
            reply = self.knobs.replies.get(content, self.knobs.default_reply)
            if self.knobs.emit_agent_thinking:
                await self.send_json({"type": "AgentThinking", "content": f"Answering: {content}"})
            await self._speak(reply, ttt=self.knobs.think_delay)

    async def _agent_says(self, message: str) -> None:
        async with self.lock:
            if not (self.closed or self.silent):
                await self._speak(message, ttt=0.0)

    async def _speak(self, reply: str, *, ttt: float) -> None:
        config = self.config
        assert config is not None
        if self.knobs.assistant_text_first:
            await self.text("assistant", reply)
        if await self.point("speak"):
            return
        if config.speak[0].bad_speed:
            await self.error("FAILED_TO_SPEAK")  # an unaccepted `speed` (skills `voice-agent`)
            return
        await self._wait(self.knobs.speak_delay, "SLOW_SPEAK_REQUEST")
        tts = round(self.knobs.speak_delay + 0.12, 3)
        total = round(ttt + tts + 0.35, 3)
        if self.knobs.emit_started_speaking:
            await self.send_json(
                {"type": "AgentStartedSpeaking", "total_latency": total, "tts_latency": tts, "ttt_latency": ttt}
            )
        audio, frame = render_audio(reply, config)
        for i in range(0, len(audio), frame):
            if not await self.send_audio(audio[i : i + frame]):
                return
            if i == 0 and not self.knobs.assistant_text_first:
                await self.text("assistant", reply)
        await self.send_json({"type": "AgentAudioDone"})
        if await self.point("done"):
            return
        if self.knobs.emit_latency_report:
            await self.send_json(
                {"type": "LatencyReport", "ttt_text_latency": ttt, "tts_latency": tts, "total_latency": total}
            )


def _require(ok: bool) -> None:
    if not ok:
        raise Problem("UNPARSABLE_CLIENT_MESSAGE")
