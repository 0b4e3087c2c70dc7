"""The TTS WebSocket `GET /v1/speak` (`deepgram-realtime.md` §3.1–3.5; `deepgram.md` §5).

Query: `model` (Aura voices; default `aura-asteria-en`), `encoding` linear16|mulaw|alaw only,
`sample_rate` (8000–48000; µ-law/A-law 8000/16000), `speed` (0.7–1.5), `mip_opt_out`. After the
upgrade: `Metadata` (timing knob), then `Speak{text}` buffers text, `Flush` → binary audio (raw, no
header) + `Flushed{sequence_id}`, `Clear` → `Cleared{sequence_id}`, `Close` → close 1000. Limits close
the socket with the documented code and a code-only reason payload (`BIG-0001`, `DATA-0001`, …; the full
reason text is unverified for TTS). Knobs: `knobs_realtime.SpeakWsKnobs`.
"""

from __future__ import annotations

from collections import deque

from aiohttp import WSMsgType, web

from . import errors as E
from . import synth
from .common import Authed, fake_of, request_id
from .models import DEFAULT_TTS_MODEL, TTS_MODELS, TtsModel
from .wsbase import WsSession, accept, parse_text, preflight, refuse, serve

WS_ENCODINGS = ("linear16", "mulaw", "alaw")  # AAS `SpeakV1Encoding`: streaming-compatible only
WS_RATES = {"linear16": (24000, 8000, 16000, 32000, 48000), "mulaw": (8000, 16000), "alaw": (8000, 16000)}
EXCESSIVE_FLUSH = "Rate limit exceeded for flushes. Please try again later."  # [recorded] python-sdk PR #653


def _bad(rid: str, message: str) -> tuple[int, str]:
    return 400, E.legacy((E.INVALID_QUERY_PARAMETER, message), rid)["err_msg"]


async def handle_speak_ws(request: web.Request) -> web.StreamResponse:
    """A GET on `/v1/speak`: the socket (REST speak is POST only)."""
    if request.headers.get("Upgrade", "").lower() != "websocket":
        raise web.HTTPMethodNotAllowed("GET", ["POST"])
    pre = preflight(request, "speak_ws")
    if isinstance(pre, web.Response):
        return pre
    rid = request_id(request)
    q = request.query
    model = TTS_MODELS.get(q.get("model", DEFAULT_TTS_MODEL))
    if model is None:
        # Includes Flux voices (`flux-*`), which only /v2/speak takes (skills `text-to-speech`).
        return refuse(request, 400, E.NO_SUCH_MODEL[1])
    if model.name in pre.auth.project.denied_models:
        return refuse(request, 403, E.INSUFFICIENT_PERMISSIONS_MODEL[1])
    encoding = q.get("encoding", "linear16")
    problem: tuple[int, str] | None = None
    rate = 0
    if encoding not in WS_ENCODINGS:
        # mp3/opus/flac/aac are REST-only; the exact socket failure is unverified (§3.1).
        problem = _bad(rid, f"Unsupported audio format: encoding `{encoding}` is not supported for streaming")
    else:
        try:
            rate = int(q.get("sample_rate", WS_RATES[encoding][0]))
        except ValueError:
            problem = _bad(rid, "Failed to deserialize query parameters: invalid digit found in string")
        else:
            if rate not in WS_RATES[encoding]:
                problem = _bad(rid, f"Unsupported audio format: sample rate {rate} is not supported with `{encoding}`")
    if problem is None and "speed" in q:
        try:
            speed = float(q["speed"])
        except ValueError:
            speed = -1.0
        if not 0.7 <= speed <= 1.5:
            problem = _bad(rid, "Failed to deserialize query parameters: speed must be between 0.7 and 1.5")
    if problem is not None:
        return refuse(request, *problem)
    ws = await accept(request, pre.presented)
    await serve(SpeakSession(request, ws, pre.auth, model, encoding, rate))
    return ws


class SpeakSession(WsSession):
    """One TTS socket."""

    route = "speak_ws"

    def __init__(
        self, request: web.Request, ws: web.WebSocketResponse, auth: Authed, model: TtsModel, encoding: str, rate: int
    ) -> None:
        super().__init__(request, ws, auth)
        self.knobs = fake_of(request).speak_ws
        self.model = model
        self.encoding = encoding
        self.rate = rate
        self.buffer = ""
        self.chars: deque[tuple[float, int]] = deque()  # (time, characters) of recent Speak messages
        self.flushes: deque[float] = deque()
        self.sequence_id = 0
        self.metadata_sent = False

    async def run(self) -> None:
        """Metadata, then client messages until a close."""
        if self.stall:
            await self.wait_closed()
            return
        if await self._scripted("connect"):
            return
        if self.knobs.metadata_timing == "connect":
            await self._metadata()
        cap = self.started + self.knobs.max_session_seconds
        idle = self.knobs.idle_timeout
        idle_deadline = self.started + idle if idle is not None else None
        while not self.closed:
            deadline = cap if idle_deadline is None else min(cap, idle_deadline)
            msg = await self.receive(deadline)
            if msg is None:
                if self.loop.time() >= cap:
                    await self.close(1011, "NET-0003")  # 60-minute connection cap
                else:
                    await self.close(1011, "NET-0001")  # nothing received in the window
                return
            if self.client_gone(msg):
                return
            if idle is not None:
                idle_deadline = self.loop.time() + idle
            if msg.type == WSMsgType.BINARY:
                self.note_client_message("<binary>")
                await self.close(1003, "MESSAGE-0000")  # unsupported message type
            elif msg.type == WSMsgType.TEXT:
                await self._on_text(msg.data)

    async def _scripted(self, point: str) -> bool:
        found = self.knobs.take_close(point)  # type: ignore[arg-type]
        if found is None:
            return False
        await self.close(*found)
        return True

    async def _metadata(self) -> None:
        self.metadata_sent = True
        await self.send_json(
            {
                "type": "Metadata",
                "request_id": self.request_id,
                "model_name": self.model.name,
                "model_version": self.model.version,
                "model_uuid": self.model.uuid,
            }
        )

    async def _on_text(self, data: str) -> None:
        if len(data.encode()) > self.knobs.max_message_bytes:
            self.note_client_message("<too large>")
            await self.close(1009, "BIG-0000")
            return
        doc, kind = parse_text(data)
        self.note_client_message(kind)
        if doc is None or kind not in ("Speak", "Flush", "Clear", "Close"):
            await self.close(1008, "DATA-0000")  # not a valid command
            return
        if kind == "Speak":
            await self._speak(doc.get("text"))
        elif kind == "Flush":
            await self._flush()
        elif kind == "Clear":
            self.buffer = ""
            await self.send_json({"type": "Cleared", "sequence_id": self._next_sequence()})
        else:
            await self.close(1000, "")

    def _next_sequence(self) -> int:
        value = self.sequence_id
        self.sequence_id += 1
        return value

    async def _speak(self, text: object) -> None:
        if not isinstance(text, str) or not text:
            await self.close(1008, "DATA-0000")  # empty text is an error (skills); the socket form is unverified
            return
        if len(text) > self.knobs.max_chars_per_message:
            await self.close(1009, "BIG-0001")  # 2000 characters per Speak
            return
        now = self.loop.time()
        window = self.knobs.char_window_seconds
        while self.chars and self.chars[0][0] <= now - window:
            self.chars.popleft()
        if sum(n for _, n in self.chars) + len(text) > self.knobs.chars_per_window:
            await self.close(1008, "DATA-0001")  # 2400 characters per minute
            return
        self.chars.append((now, len(text)))
        self.buffer += text
        if await self._scripted("speak"):
            return
        auto = self.knobs.auto_flush_chars
        if auto is not None and len(self.buffer) >= auto:
            await self._flush(auto=True)

    async def _flush(self, *, auto: bool = False) -> None:
        now = self.loop.time()
        if not auto:
            while self.flushes and self.flushes[0] <= now - self.knobs.flush_window_seconds:
                self.flushes.popleft()
            if len(self.flushes) >= self.knobs.flushes_per_window:
                await self._warning("EXCESSIVE_FLUSH", EXCESSIVE_FLUSH)  # the Flush is ignored
                return
            self.flushes.append(now)
        if await self._scripted("flush"):
            return
        if self.knobs.metadata_timing == "first_flush" and not self.metadata_sent:
            await self._metadata()
        text, self.buffer = self.buffer, ""
        if text:
            audio = synth.pcm(text, self.model.name, self.encoding, self.rate)
            self.knobs.outputs.append(audio)
            frame = self.rate * (2 if self.encoding == "linear16" else 1) // 10  # 100 ms per frame
            for i in range(0, len(audio), frame):
                if not await self.send_audio(audio[i : i + frame]):
                    return
                if i == 0 and await self._scripted("audio"):
                    return
        if not auto:
            await self.send_json({"type": "Flushed", "sequence_id": self._next_sequence()})

    async def _warning(self, code: str, description: str) -> None:
        if self.knobs.warning_fields == "warn_code":  # the recorded live shape (python-sdk PR #653)
            await self.send_json({"type": "Warning", "warn_code": code, "warn_msg": description})
        else:  # AAS `SpeakV1Warning`
            await self.send_json({"type": "Warning", "description": description, "code": code})
