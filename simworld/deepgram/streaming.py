"""The streaming WebSocket `GET /v1/listen` (§4).

Handshake failures are plain HTTP with `dg-error` and `dg-request-id` (§4.6). After the upgrade:

* binary frames are audio; a leading container header (WAV, Ogg, WebM, MP3, FLAC…) is detected, and
  headerless audio is only decoded with `encoding` + `sample_rate` (§4.2) — without them the stream
  yields no `Results`, only a final `Metadata` with duration 0 and channels 0 (tempo-riz#7);
* data that is clearly not audio (text, JSON, HTML) or a broken container → close 1008 `DATA-0000` (§4.5);
* text frames are JSON control messages: `KeepAlive` (no reply), `Finalize` (flush, `from_finalize`),
  `CloseStream` (final Results, Metadata, close 1000); an empty binary frame is the legacy close (§4.4);
* no frame within `idle_timeout` → close 1011 with the NET-0001 reason; `KeepAlive` alone does not
  keep a stream alive that never received audio (§4.4 caveat, deepgram-dotnet-sdk#131);
* words of a registered clip are revealed as audio time accumulates (payload bytes ÷ byte rate), so
  time-to-first-result depends on how fast the client streams (matching rule: `transcript.py`).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
from typing import Any

from aiohttp import WSMsgType, web

from . import errors as E
from .audio import RAW_BYTES_PER_SAMPLE, Corrupt, NeedMore, looks_like_text, parse_wav, probe, raw_info, sniff
from .common import (
    EXPOSE_HEADERS,
    MALFORMED,
    OVERSIZE,
    STALL,
    Authed,
    ListenParams,
    authenticate,
    fake_of,
    handshake_error,
    pad_text,
    parse_listen,
    presented_credentials,
    record_of,
    request_id,
)
from .errors import ErrorReply
from .state import Word, iso, now_utc
from .transcript import (
    PREFIX_BYTES,
    SILENCE_WINDOW,
    ClipEntry,
    Features,
    Window,
    plan_windows,
    transcript_of,
    word_json,
)

INTERIM_STEP = 0.5  # seconds of audio between interim results
DEFAULT_COMPRESSED_RATE = 16000.0  # bytes/s assumed for an unknown compressed container (128 kbps)
DECIDE_BYTES = 64  # bytes needed before headerless data is judged text or raw audio


async def handle_listen_ws(request: web.Request) -> web.StreamResponse:
    """Check the upgrade request, then run the stream."""
    dg = fake_of(request)
    rid = request_id(request)
    rec = record_of(request)
    if request.headers.get("Upgrade", "").lower() != "websocket":
        return handshake_error(request, 405, "Expected a WebSocket upgrade request.")
    presented = presented_credentials(request, websocket=True)
    auth = authenticate(request, "api", presented)
    if isinstance(auth, ErrorReply):
        return handshake_error(request, auth.status, auth.short_reason())
    assert isinstance(auth, Authed)
    if auth.project.out_of_credit:
        # A project without credit is refused at the handshake (BasedHardware/omi#11695, js-sdk#353).
        return handshake_error(request, 402, E.ASR_PAYMENT_REQUIRED[1])
    params = parse_listen(request.query, streaming=True, project=auth.project, rid=rid, flux_status=dg.flux.v1_status)
    if isinstance(params, ErrorReply):
        return handshake_error(request, params.status, params.short_reason())
    protocols = (presented.subprotocol,) if presented.source == "subprotocol" and presented.subprotocol else ()
    ws = web.WebSocketResponse(protocols=protocols, autoping=True, timeout=2.0, max_msg_size=16 * 1024 * 1024)
    ws.headers["dg-request-id"] = rid
    ws.headers["access-control-expose-headers"] = EXPOSE_HEADERS
    await ws.prepare(request)
    rec.status = 101
    dg.notify()
    stream = ListenStream(request, ws, params, stall=request.get(STALL, False), malformed=request.get(MALFORMED, False))
    dg.active_streams.add(stream)
    try:
        await stream.run()
    finally:
        dg.active_streams.discard(stream)
        rec.close_code = stream.close_code if stream.close_code is not None else ws.close_code
        rec.close_reason = stream.close_reason
        rec.done = True
        dg.notify()
    return ws


class ListenStream:
    """One accepted streaming session."""

    def __init__(
        self, request: web.Request, ws: web.WebSocketResponse, params: ListenParams, *, stall: bool, malformed: bool
    ) -> None:
        self.dg = fake_of(request)
        self.rec = record_of(request)
        self.request_id = request_id(request)
        self.ws = ws
        self.params = params
        self.stall = stall
        self.malformed_pending = malformed
        self.oversize = request.get(OVERSIZE)  # the oversize knob: the first message padded to its size
        self.created = iso(now_utc())
        self.loop = asyncio.get_running_loop()
        self.deadline = self.loop.time() + self.dg.idle_timeout
        self.close_code: int | None = None
        self.close_reason: str | None = None
        self.closed = False
        # audio state
        self.sha = hashlib.sha256()
        self.total_bytes = 0
        self.audio_received = False
        self.mode = "pending"  # pending | decoded | undecodable
        self.head = bytearray()
        self.header_left = 0  # container header bytes still to skip
        self.byte_rate: float | None = None
        self.payload_bytes = 0
        self.prefix = bytearray()
        self.match = "pending"  # pending | matched | none
        self.entry: ClipEntry | None = None
        self.windows: list[Window] = []
        self.win = 0
        self.cursor = 0.0  # start of the current (not yet finalised) window
        self.last_interim_t = -1.0
        self.last_interim_words = 0
        self.speech_started_for = -1
        self.utterance_end_at: float | None = None  # last_word_end waiting for an UtteranceEnd
        self.n_channels = params.channels if params.features.multichannel else 1

    # -- timing ----------------------------------------------------------------------------------------

    @property
    def t(self) -> float:
        """Seconds of audio received so far."""
        if not self.byte_rate:
            return 0.0
        return self.payload_bytes / self.byte_rate

    def _touch(self, *, text: bool) -> None:
        # Any binary frame resets the idle window; a text frame only once audio has arrived (§4.4 caveat).
        if not text or self.audio_received:
            self.deadline = self.loop.time() + self.dg.idle_timeout

    # -- main loop -------------------------------------------------------------------------------------

    async def run(self) -> None:
        """Receive frames until the stream ends one way or another."""
        while not self.closed:
            if self.stall:
                msg = await self.ws.receive()
            else:
                remaining = self.deadline - self.loop.time()
                if remaining <= 0:
                    await self._idle_close()
                    return
                try:
                    msg = await self.ws.receive(timeout=remaining)
                except TimeoutError:
                    continue
            if msg.type == WSMsgType.BINARY:
                self._touch(text=False)
                if not self.stall:
                    await self._on_audio(msg.data)
            elif msg.type == WSMsgType.TEXT:
                self._touch(text=True)
                if not self.stall:
                    await self._on_text(msg.data)
            else:  # CLOSE, CLOSING, CLOSED, ERROR: the client went away
                self.closed = True

    async def shutdown(self) -> None:
        """Server stopping: close 1001 (going away)."""
        if not self.closed:
            await self._close(1001, "")

    async def _close(self, code: int, reason: str) -> None:
        self.closed = True
        self.close_code = code
        self.close_reason = reason
        with contextlib.suppress(TimeoutError, ConnectionError):
            await asyncio.wait_for(self.ws.close(code=code, message=reason.encode()), 3.0)

    async def _idle_close(self) -> None:
        # NET-0001 is 1011, not 1008 (§4.5). Whether Metadata precedes it is unverified: a knob.
        if self.dg.metadata_before_idle_close:
            await self._send(self._metadata())
        await self._close(1011, E.NET0001_REASON)

    async def _send(self, obj: dict[str, Any]) -> None:
        text = json.dumps(obj, separators=(",", ":"))
        if self.malformed_pending:
            self.malformed_pending = False
            text = text[: max(1, len(text) // 2)]
        text, self.oversize = pad_text(text, self.oversize), None
        try:
            await self.ws.send_str(text)
        except ConnectionError:
            self.closed = True
            return
        self.rec.messages_sent.append(str(obj.get("type")))
        self.dg.notify()

    # -- client messages -------------------------------------------------------------------------------

    async def _on_text(self, data: str) -> None:
        try:
            doc = json.loads(data)
        except ValueError:
            doc = None
        kind = doc.get("type") if isinstance(doc, dict) else None
        self.rec.client_messages.append(str(kind) if kind is not None else "<not a control message>")
        # KeepAlive has no reply (§4.4); unknown text is ignored.
        if kind == "Finalize":
            await self._flush(from_finalize=True)
        elif kind == "CloseStream":
            await self._finish()
        self.dg.notify()

    async def _on_audio(self, data: bytes) -> None:
        if not data:
            await self._finish()  # legacy close signal: an empty binary frame (§4.4)
            return
        self.audio_received = True
        self.total_bytes += len(data)
        self.sha.update(data)
        if self.mode == "pending":
            self.head += data
            await self._decide(final=False)
        elif self.mode == "decoded":
            await self._payload(data)
        # Updated after the frame is fully processed, so tests can wait on it instead of sleeping.
        self.rec.body_length = self.total_bytes
        self.dg.notify()

    async def _decide(self, *, final: bool) -> None:
        """Judge the first bytes: container, raw audio per `encoding`, undecodable raw, or not audio."""
        head = bytes(self.head)
        if not head:
            if final:
                self.mode = "decoded" if self.params.encoding else "undecodable"
            return
        kind = sniff(head)
        p = self.params
        header_len = 0
        if kind is None:
            if len(head) < DECIDE_BYTES and not final:
                return
            if looks_like_text(head):
                await self._close(1008, E.DATA0000_REASON)
                return
        if p.encoding:
            info = raw_info(p.encoding, p.sample_rate, p.channels)
            if kind == "wav":  # e.g. a WAV file streamed with encoding=mulaw: its header is skipped
                try:
                    header_len = parse_wav(head, complete=False).header_len
                except NeedMore:
                    if not final:
                        return
                except Corrupt:
                    header_len = 0
            if info.byte_rate is None or (p.encoding in RAW_BYTES_PER_SAMPLE and not p.sample_rate):
                self.mode = "undecodable"  # raw PCM needs sample_rate as well (§4.2)
                return
            self.byte_rate = info.byte_rate
        elif kind is not None:
            try:
                info = probe(head, complete=False)
            except NeedMore:
                if not final:
                    return
                await self._close(1008, E.DATA0000_REASON)
                return
            except Corrupt:
                await self._close(1008, E.DATA0000_REASON)
                return
            header_len = info.header_len
            self.byte_rate = info.byte_rate
            if info.channels and p.features.multichannel:
                self.n_channels = info.channels
        else:
            self.mode = "undecodable"  # headerless audio without encoding: never any Results (§4.2)
            return
        self.mode = "decoded"
        self.head = bytearray()
        self.header_left = header_len
        await self._payload(head)

    async def _payload(self, data: bytes) -> None:
        if self.header_left:
            skip = min(self.header_left, len(data))
            self.header_left -= skip
            data = data[skip:]
        if not data:
            return
        if len(self.prefix) < PREFIX_BYTES:
            self.prefix += data[: PREFIX_BYTES - len(self.prefix)]
        self.payload_bytes += len(data)
        self._try_match(final=False)
        await self._advance()

    def _try_match(self, *, final: bool) -> None:
        if self.match != "pending":
            return
        got = bytes(self.prefix)
        undecided = False
        for entry in self.dg.clip_entries:
            want = entry.prefix
            if not want:
                continue
            n = min(len(got), len(want))
            # Comparing the bytes is the same test as comparing their SHA-256 (transcript.py docstring).
            if got[:n] != want[:n]:
                continue
            if len(got) >= len(want) or (final and n >= 256):
                self._matched(entry)
                return
            undecided = True
        if not undecided or final:
            self.match = "none"
            self._set_rate_fallback(None)

    def _matched(self, entry: ClipEntry) -> None:
        self.match = "matched"
        self.entry = entry
        self.windows = plan_windows(entry.words)
        self._set_rate_fallback(entry)

    def _set_rate_fallback(self, entry: ClipEntry | None) -> None:
        if self.byte_rate is None:
            self.byte_rate = (entry.byte_rate if entry else None) or DEFAULT_COMPRESSED_RATE

    # -- results ---------------------------------------------------------------------------------------

    def _window(self) -> Window:
        if self.win >= len(self.windows):
            self.windows.append(Window(self.cursor, round(self.cursor + SILENCE_WINDOW, 3), [], False))
        return self.windows[self.win]

    async def _advance(self) -> None:
        """Emit every result that the audio received so far makes due."""
        if self.match == "pending" or self.mode != "decoded" or self.closed:
            return
        t = self.t
        while True:
            w = self._window()
            await self._maybe_speech_started(w, t)
            if t + 1e-9 < w.end:
                break
            await self._emit(w.start, w.end, w.words, is_final=True, speech_final=w.speech_final)
            if w.words and w.speech_final:
                self.utterance_end_at = w.words[-1].end
            self.cursor = w.end
            self.win += 1
            self.last_interim_words = 0
        await self._maybe_utterance_end(t)
        if self.params.interim_results:
            w = self._window()
            heard = [x for x in w.words if x.end <= t]
            if heard and len(heard) > self.last_interim_words and t - self.last_interim_t >= INTERIM_STEP:
                self.last_interim_t = t
                self.last_interim_words = len(heard)
                await self._emit(w.start, t, heard, is_final=False, speech_final=False)

    async def _maybe_speech_started(self, w: Window, t: float) -> None:
        if self.params.vad_events and w.words and self.speech_started_for != self.win and t >= w.words[0].start:
            self.speech_started_for = self.win
            await self._send({"type": "SpeechStarted", "channel": [0, 1], "timestamp": w.words[0].start})

    async def _maybe_utterance_end(self, t: float) -> None:
        ue = self.params.utterance_end_ms
        if ue is None or not self.params.interim_results or self.utterance_end_at is None:
            return
        if t >= self.utterance_end_at + ue / 1000:
            last = self.utterance_end_at
            self.utterance_end_at = None
            await self._send({"type": "UtteranceEnd", "channel": [0, 1], "last_word_end": last})

    async def _emit(
        self,
        start: float,
        end: float,
        words: list[Word],
        *,
        is_final: bool,
        speech_final: bool,
        from_finalize: bool = False,
    ) -> None:
        feats: Features = self.params.features
        model = self.params.model
        for ch in range(self.n_channels):
            ws_words = words if ch == 0 else []
            confs = [w.confidence for w in ws_words]
            await self._send(
                {
                    "type": "Results",
                    "channel_index": [ch, self.n_channels],
                    "duration": round(end - start, 6),
                    "start": round(start, 6),
                    "is_final": is_final,
                    "speech_final": speech_final,
                    "channel": {
                        "alternatives": [
                            {
                                "transcript": transcript_of(ws_words, feats),
                                "confidence": round(max(confs), 7) if confs else 0.0,
                                "words": [word_json(w, feats, rest=False) for w in ws_words],
                            }
                        ]
                    },
                    "metadata": {
                        "request_id": self.request_id,
                        "model_info": model.info(),
                        "model_uuid": model.uuid,
                    },
                    "from_finalize": from_finalize,
                }
            )

    async def _flush(self, *, from_finalize: bool) -> None:
        """Finalize/CloseStream: decide what is undecided, emit what is due, then the partial window."""
        if self.mode == "pending":
            await self._decide(final=True)
            if self.closed:
                return
        if self.mode != "decoded":
            return
        self._try_match(final=True)
        await self._advance()
        t = self.t
        if self.closed:
            return
        w = self._window()
        if t <= w.start + 1e-9 and not from_finalize:
            return
        heard = [x for x in w.words if x.end <= t + 0.05]
        await self._emit(
            w.start, max(t, w.start), heard, is_final=True, speech_final=not from_finalize, from_finalize=from_finalize
        )
        rest = [x for x in w.words if x not in heard]
        self.windows[self.win] = Window(max(t, w.start), max(w.end, t), rest, w.speech_final)
        self.cursor = max(t, w.start)
        self.last_interim_words = 0

    def _metadata(self) -> dict[str, Any]:
        decoded = self.mode == "decoded" and self.payload_bytes > 0
        return {
            "type": "Metadata",
            "transaction_key": "deprecated",
            "request_id": self.request_id,
            "sha256": self.sha.hexdigest(),
            "created": self.created,
            "duration": round(self.t, 6) if decoded else 0.0,
            "channels": self.n_channels if decoded else 0,
        }

    async def _finish(self) -> None:
        """CloseStream (or the legacy empty frame): final Results, Metadata, close 1000 (§4.4)."""
        await self._flush(from_finalize=False)
        if self.closed:
            return
        await self._send(self._metadata())
        await self._close(1000, "")
