"""Flux STT `GET /v2/listen` (`deepgram-realtime.md` §2).

After the upgrade: `Connected{request_id, sequence_id: 0}`; every server message carries the next
`sequence_id`. Audio (raw with `encoding`+`sample_rate`, or a linear16 WAV / Ogg / WebM container) of a
registered clip reveals the clip's words as audio time passes, stepping every `update_interval`
(~0.25 s) of audio: `Update` per step, `StartOfTurn` when the first word of a turn is heard,
`EagerEndOfTurn` / `TurnResumed` with `eager_eot_threshold`, `EndOfTurn` after enough trailing audio
(higher `eot_threshold` → longer wait, capped by `eot_timeout_ms`). So a client must send trailing
audio (silence) after speech, or `ForceEndTurn`, to get `EndOfTurn`. Control messages: `Configure`,
`CloseStream`, `ForceEndTurn`; a JSON `KeepAlive` is not one (ping frames are, §2.4). Fatal errors are
`{"type":"Error", code, description}` then a close. Knobs: `knobs_realtime.FluxKnobs`.
"""

from __future__ import annotations

import math
from typing import Any

from aiohttp import WSMsgType, web

from .audio import AudioInfo
from .clipmatch import AudioTimeline
from .common import Authed, fake_of, request_id
from .flux_params import MAX_KEYTERMS, FluxParams, parse_flux, threshold_problem
from .state import Word
from .wsbase import WsSession, accept, parse_text, preflight, refuse, serve

CONFIGURE_KEYS = frozenset({"type", "thresholds", "keyterms", "language_hints", "numerals"})
THRESHOLD_KEYS = frozenset({"eot_threshold", "eager_eot_threshold", "eot_timeout_ms"})
UNPARSABLE = "UNPARSABLE_CLIENT_MESSAGE"
HEARD_SLACK = 1e-3  # word end times are rounded to milliseconds
UNPARSABLE_TEXT = "Text message received from client did not match any of the formats we expect."  # agent's wording


def _container_ok(info: AudioInfo) -> bool:
    # Containers Flux reads without encoding/sample_rate: WAV (linear16), Ogg/WebM (opus) (§2.1).
    return (info.container == "wav" and info.encoding == "linear16") or info.container in ("ogg", "webm")


async def handle_flux(request: web.Request) -> web.StreamResponse:
    """Credentials, parameters, then the stream."""
    dg = fake_of(request)
    pre = preflight(request, "listen_v2")
    if isinstance(pre, web.Response):
        return pre
    params = parse_flux(request.query, dg.flux, request_id(request))
    if not isinstance(params, FluxParams):
        return refuse(request, params.status, params.short_reason())
    ws = await accept(request, pre.presented, autoping=False)
    await serve(FluxSession(request, ws, pre.auth, params))
    return ws


class FluxSession(WsSession):
    """One Flux stream."""

    route = "listen_v2"
    sequenced = True

    def __init__(self, request: web.Request, ws: web.WebSocketResponse, auth: Authed, params: FluxParams) -> None:
        super().__init__(request, ws, auth)
        self.knobs = self.dg.flux
        self.params = params
        self.timeline = AudioTimeline(
            self.dg.clip_entries, encoding=params.encoding, sample_rate=params.sample_rate, container_ok=_container_ok
        )
        self.idle_deadline = self.started + self.knobs.idle_timeout
        self.fatal_plan = list(self.knobs.fatal_at)  # consumed by this stream
        self.knobs.fatal_at.clear()
        self.silent = False
        self.state = "idle"  # idle | speaking | eager
        self.turn_index = 0
        self.turn_start = 0.0
        self.turn_words: list[Word] = []
        self.next_word = 0
        self.clock = 0.0  # audio time processed, in steps of update_interval

    # -- main loop ---------------------------------------------------------------------------------------

    async def run(self) -> None:
        """Connected, then frames until a close."""
        if self.stall:
            await self.wait_closed()
            return
        await self.send_json({"type": "Connected", "request_id": self.request_id})
        try:
            if await self._fatal_due(0.0):
                return
            while not self.closed:
                msg = await self.receive(None if self.silent else self.idle_deadline)
                if msg is None:
                    await self.fatal(self.knobs.idle_code, "No audio or ping received within the timeout window.")
                    return
                if self.client_gone(msg):
                    return
                if msg.type == WSMsgType.PING:
                    await self.ws.pong(msg.data)
                    if self.knobs.ping_resets_idle:
                        self._touch()
                elif msg.type == WSMsgType.BINARY:
                    self._touch()
                    self.note_audio(len(msg.data))
                    self.timeline.feed(msg.data)
                    await self._advance()
                elif msg.type == WSMsgType.TEXT:
                    await self._on_text(msg.data)
        finally:
            self.dg.charge(self.auth.project, self.timeline.t)

    def _touch(self) -> None:
        self.idle_deadline = self.loop.time() + self.knobs.idle_timeout

    async def fatal(self, code: str, description: str) -> None:
        """FatalError (`type` per knob), then the close."""
        await self.send_json({"type": self.knobs.fatal_error_type, "code": code, "description": description})
        await self.close(self.knobs.error_close_code)

    async def _fatal_due(self, t: float) -> bool:
        for item in self.fatal_plan:
            at, code, description = item
            if t >= at:
                self.fatal_plan.remove(item)
                await self.fatal(code, description or "An internal server error occurred.")
                return True
        return False

    # -- control messages --------------------------------------------------------------------------------

    async def _on_text(self, data: str) -> None:
        doc, kind = parse_text(data)
        self.note_client_message(kind)
        if kind == "KeepAlive" and doc is not None:
            # Not a Flux message: the connection dies with 1005 (python-sdk#649); knob "ignore".
            if self.knobs.keepalive_json == "close":
                await self.close(None)
            return
        if doc is None or kind not in ("Configure", "CloseStream", "ForceEndTurn"):
            await self.fatal(UNPARSABLE, UNPARSABLE_TEXT)
            return
        if kind == "CloseStream":
            await self._close_stream()
        elif kind == "ForceEndTurn":
            await self._force_end_turn()
        else:
            await self._configure(doc)

    async def _close_stream(self) -> None:
        self.timeline.finish()
        await self._advance()
        if self.closed:
            return
        if self.knobs.close_stream_finalizes:  # dev docs/flux/close-stream variant
            await self._catch_up()
            if self.state != "idle" and not self.silent:
                await self._end_turn(self.clock, trigger="model")
            await self.close(1000, "")
        else:  # skills CL 1.7.0: no EndOfTurn, close without a status code (clients see 1005)
            await self.close(None)

    async def _force_end_turn(self) -> None:
        await self._advance()
        await self._catch_up()
        if self.silent or self.closed:
            return
        if self.state != "idle":
            await self._end_turn(self.clock, trigger="manual")
        elif self.knobs.newer_fields:
            await self.send_json(
                {
                    "type": "Warning",
                    "request_id": self.request_id,
                    "code": "FORCE_END_TURN_NO_ACTIVE_TURN",
                    "description": "Received ForceEndTurn while no turn was active; the request was ignored.",
                }
            )

    async def _configure(self, doc: dict[str, Any]) -> None:
        # The v1 form (`features`) and unknown fields are refused; `numerals` must be a JSON boolean
        # (`"true"` → UNPARSABLE_CLIENT_MESSAGE, then close: skills CL 1.7.0).
        thresholds = doc.get("thresholds", {})
        numerals = doc.get("numerals")
        if (
            set(doc) - CONFIGURE_KEYS
            or not isinstance(thresholds, dict)
            or set(thresholds) - THRESHOLD_KEYS
            or (numerals is not None and not isinstance(numerals, bool))
        ):
            await self.fatal(UNPARSABLE, "Configure message did not match the expected format.")
            return
        p = self.params
        new = FluxParams(p.model, p.encoding, p.sample_rate, p.eot_threshold, p.eager_eot_threshold, p.eot_timeout_ms)
        new.keyterms, new.language_hints, new.numerals = list(p.keyterms), list(p.language_hints), p.numerals
        problem = None
        try:
            for key, value in thresholds.items():
                if isinstance(value, bool) or not isinstance(value, int | float):
                    raise ValueError(key)
                setattr(new, key, int(value) if key == "eot_timeout_ms" else float(value))
        except ValueError as exc:
            problem = f"{exc} must be a number"
        problem = problem or threshold_problem(new, self.knobs, timeout_max=self.knobs.configure_eot_timeout_max_ms)
        keyterms = doc.get("keyterms")
        if keyterms is not None:
            if not isinstance(keyterms, list) or not all(isinstance(k, str) for k in keyterms):
                problem = problem or "keyterms must be a list of strings"
            elif len(keyterms) > MAX_KEYTERMS:
                problem = problem or f"at most {MAX_KEYTERMS} keyterms are allowed"
            else:
                new.keyterms = list(keyterms)  # replaces the list; [] clears it
        hints = doc.get("language_hints")
        if hints is not None:
            if not p.multi or not isinstance(hints, list) or not all(isinstance(h, str) and h for h in hints):
                problem = problem or "language_hints are only valid with flux-general-multi"
            else:
                new.language_hints = list(hints)
        if numerals is not None:
            new.numerals = numerals
        if problem:
            failure: dict[str, Any] = {"type": "ConfigureFailure", "request_id": self.request_id}
            if self.knobs.newer_fields:  # code/description: docs, newer than the AAS
                failure |= {"code": "INVALID_THRESHOLD" if "threshold" in problem else "INVALID_CONFIGURE"}
                failure["description"] = problem
            await self.send_json(failure)  # the stream continues with the old configuration
            return
        self.params = new
        success: dict[str, Any] = {
            "type": "ConfigureSuccess",
            "request_id": self.request_id,
            "thresholds": new.thresholds(),
            "keyterms": new.keyterms,
        }
        if new.multi:
            success["language_hints"] = new.language_hints
        if self.knobs.newer_fields:
            success["numerals"] = new.numerals
        await self.send_json(success)

    # -- turns -------------------------------------------------------------------------------------------

    @property
    def eot_gap(self) -> float:
        """Seconds of silence after the last word before EndOfTurn (and whether the timeout decided)."""
        return min(0.3 + (self.params.eot_threshold - 0.5), self.params.eot_timeout_ms / 1000)

    @property
    def eager_gap(self) -> float | None:
        """Seconds of silence before EagerEndOfTurn (None: eager mode off)."""
        eager = self.params.eager_eot_threshold
        if eager is None:
            return None
        return min(0.1 + (eager - 0.3) * 0.5, self.eot_gap * 0.6)

    async def _advance(self) -> None:
        """Emit every event the audio received so far makes due, one step of audio at a time."""
        if self.silent or self.closed or self.timeline.match == "pending" or self.timeline.mode != "decoded":
            return
        words = self.timeline.entry.words if self.timeline.entry is not None else []
        step = self.knobs.update_interval
        while not (self.silent or self.closed) and self.clock + step <= self.timeline.t + 1e-9:
            self.clock = round(self.clock + step, 6)
            if await self._fatal_due(self.clock):
                return
            await self._step(self.clock, words)

    async def _catch_up(self) -> None:
        """Take the words heard since the last full step (ForceEndTurn, finalizing CloseStream)."""
        t = self.timeline.t
        if self.silent or self.closed or self.timeline.mode != "decoded" or t <= self.clock:
            return
        words = self.timeline.entry.words if self.timeline.entry is not None else []
        self.clock = t
        await self._step(t, words, update=False)

    async def _step(self, now: float, words: list[Word], *, update: bool = True) -> None:
        emitted = False
        while not (self.silent or self.closed):
            nxt = words[self.next_word] if self.next_word < len(words) else None
            if self.state == "idle":
                if nxt is None or nxt.end > now + HEARD_SLACK:
                    break
                self._take_word()
                self.state = "speaking"
                await self._turn_info("StartOfTurn", now)
                emitted = True
                if self.knobs.stall_after_start_of_turn:
                    self.silent = True
                continue
            last_end = self.turn_words[-1].end
            resumes = nxt.start if nxt is not None else math.inf
            if nxt is not None and nxt.end <= now + HEARD_SLACK and resumes - last_end < self.eot_gap:
                if self.state == "eager":
                    self.state = "speaking"
                    await self._turn_info("TurnResumed", now)
                    emitted = True
                self._take_word()
                continue
            eager = self.eager_gap
            eager_due = eager is not None and now >= last_end + eager and resumes > last_end + eager
            if self.state == "speaking" and eager_due:
                self.state = "eager"
                await self._turn_info("EagerEndOfTurn", now)
                emitted = True
                continue
            if now >= last_end + self.eot_gap and resumes > last_end + self.eot_gap:
                timeout = self.params.eot_timeout_ms / 1000 <= 0.3 + (self.params.eot_threshold - 0.5)
                await self._end_turn(now, trigger="timeout" if timeout else "model")
                emitted = True
                continue
            break
        if update and not emitted and not (self.silent or self.closed):
            await self._turn_info("Update", now)

    def _take_word(self) -> None:
        self.turn_words.append(self.timeline.entry.words[self.next_word])  # type: ignore[union-attr]
        self.next_word += 1

    async def _end_turn(self, now: float, *, trigger: str) -> None:
        await self._turn_info("EndOfTurn", now, trigger=trigger)
        self.turn_index += 1
        self.turn_start = now
        self.turn_words = []
        self.state = "idle"

    def _confidence(self, event: str, now: float) -> float:
        p = self.params
        if event == "EndOfTurn":
            return round(min(0.99, p.eot_threshold + (1 - p.eot_threshold) / 2), 4)
        if event == "EagerEndOfTurn":
            return round(min(p.eot_threshold - 0.01, (p.eager_eot_threshold or 0.5) + 0.02), 4)
        if not self.turn_words:
            return 0.0009  # silence: the docs example value
        silence = max(0.0, now - self.turn_words[-1].end)
        return round(max(0.01, min(p.eot_threshold * 0.9, p.eot_threshold * silence / self.eot_gap)), 4)

    async def _turn_info(self, event: str, now: float, *, trigger: str | None = None) -> None:
        words = self.turn_words
        msg: dict[str, Any] = {
            "type": "TurnInfo",
            "request_id": self.request_id,
            "event": event,
            "turn_index": self.turn_index,
            "audio_window_start": round(self.turn_start, 3),
            "audio_window_end": round(now, 3),
            "transcript": " ".join(w.punctuated_word or w.word for w in words),
            "words": [self._word(w) for w in words],
            "end_of_turn_confidence": self._confidence(event, now),
        }
        if self.params.multi and words:
            msg["languages"] = ["en"]
        if self.params.language_hints:
            msg["languages_hinted"] = list(self.params.language_hints)
        if trigger is not None and self.knobs.newer_fields:
            msg["trigger"] = trigger  # on EndOfTurn only: model | manual | timeout (dev docs/flux/force-end-turn)
        await self.send_json(msg)

    def _word(self, w: Word) -> dict[str, Any]:
        out: dict[str, Any] = {"word": w.punctuated_word or w.word, "confidence": w.confidence}
        if self.knobs.word_timings:
            out |= {"start": w.start, "end": w.end}
        return out
