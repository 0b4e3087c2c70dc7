"""`POST /v1/speak` — text to speech over REST (§3.3, §3.4)."""

from __future__ import annotations

import json
from dataclasses import dataclass

from aiohttp import web

from . import errors as E
from . import synth
from .common import (
    EXPOSE_HEADERS,
    authorize_usage,
    error_response,
    fake_of,
    json_response,
    request_id,
)
from .errors import ErrorReply
from .models import DEFAULT_TTS_MODEL, TTS_MODELS, TtsModel

MAX_BODY = 2 * 1024 * 1024  # "Payload size exceeds limit of 2 MB." (§2.1)
CHUNK = 4096

# encoding → (allowed containers with the default first, allowed sample rates with the default first)
_FORMATS: dict[str, tuple[tuple[str, ...], tuple[int, ...]]] = {
    "mp3": (("none",), (22050,)),
    "linear16": (("wav", "none"), (24000, 8000, 16000, 32000, 48000)),
    "mulaw": (("wav", "none"), (8000, 16000)),
    "alaw": (("wav", "none"), (8000, 16000)),
    "flac": (("none",), (24000, 8000, 16000, 22050, 32000, 44100, 48000)),
    "opus": (("ogg",), (48000,)),
    "aac": (("none",), (22050,)),
}


@dataclass(frozen=True)
class OutputFormat:
    """A validated output format."""

    encoding: str
    container: str
    sample_rate: int
    bit_rate: int

    def content_type(self) -> str:
        """Content-Type per docs `tts-media-output-settings.mdx` (§3.3)."""
        if self.encoding == "mp3":
            return "audio/mpeg"
        if self.encoding in {"linear16", "mulaw", "alaw"}:
            if self.container == "wav":
                return "audio/wav"
            raw = {"linear16": "l16", "mulaw": "mulaw", "alaw": "alaw"}[self.encoding]
            return f"audio/{raw};rate={self.sample_rate}"
        return {"flac": "audio/flac", "opus": "audio/ogg;codecs=opus", "aac": "audio/aac"}[self.encoding]


def _unsupported(rid: str, detail: str) -> ErrorReply:
    # "Unsupported audio format: [message]" (§2.1); the detail wording is ours.
    return ErrorReply(400, E.legacy((E.INVALID_QUERY_PARAMETER, f"Unsupported audio format: {detail}"), rid))


def output_format(query: web.Request, rid: str) -> OutputFormat | ErrorReply:
    """Validate encoding/container/sample_rate/bit_rate against the documented table."""
    q = query.query
    encoding = q.get("encoding", "mp3")  # the OAS default is mp3 (§3.3)
    spec = _FORMATS.get(encoding)
    if spec is None:
        return _unsupported(rid, f"encoding `{encoding}` is not supported")
    containers, rates = spec
    container = q.get("container", containers[0])
    if container not in containers:
        return _unsupported(rid, f"container `{container}` is not supported with encoding `{encoding}`")
    try:
        sample_rate = int(q.get("sample_rate", rates[0]))
    except ValueError:
        return ErrorReply(
            400,
            E.legacy(
                (E.INVALID_QUERY_PARAMETER, "Failed to deserialize query parameters: invalid digit found in string"),
                rid,
            ),
        )
    if sample_rate not in rates:
        return _unsupported(rid, f"sample rate {sample_rate} is not supported with encoding `{encoding}`")
    bit_rate = 48000
    if encoding == "mp3" and "bit_rate" in q:
        try:
            bit_rate = int(q["bit_rate"])
        except ValueError:
            bit_rate = -1
        if bit_rate not in (32000, 48000):
            return _unsupported(rid, f"bit rate {q['bit_rate']} is not supported with encoding `mp3`")
    return OutputFormat(encoding, container, sample_rate, bit_rate)


def render(text: str, model: TtsModel, fmt: OutputFormat, *, streaming_sizes: bool) -> bytes:
    """The audio body for `text` in `fmt` (deterministic)."""
    if fmt.encoding == "mp3":
        return synth.mp3(text, model.name, bit_rate=fmt.bit_rate, sample_rate=fmt.sample_rate)
    if fmt.encoding in {"linear16", "mulaw", "alaw"}:
        data = synth.pcm(text, model.name, fmt.encoding, fmt.sample_rate)
        if fmt.container == "wav":
            return synth.wav_header(fmt.encoding, fmt.sample_rate, len(data), streaming_sizes=streaming_sizes) + data
        return data
    if fmt.encoding == "flac":
        return synth.flac(text, fmt.sample_rate)
    if fmt.encoding == "opus":
        return synth.ogg_opus(text, model.name)
    return synth.adts_aac(text, fmt.sample_rate)


async def handle_speak(request: web.Request) -> web.StreamResponse:
    """Validate, then stream the audio in chunks with the documented headers."""
    dg = fake_of(request)
    rid = request_id(request)
    auth = authorize_usage(request)
    if isinstance(auth, ErrorReply):
        return error_response(request, auth)
    model = TTS_MODELS.get(request.query.get("model", DEFAULT_TTS_MODEL))
    if model is None:
        return error_response(request, ErrorReply(400, E.legacy(E.NO_SUCH_MODEL, rid)))
    if model.name in auth.project.denied_models:
        return error_response(request, ErrorReply(403, E.legacy(E.INSUFFICIENT_PERMISSIONS_MODEL, rid)))
    fmt = output_format(request, rid)
    if isinstance(fmt, ErrorReply):
        return error_response(request, fmt)
    text_or_error = await _read_text(request, rid)
    if isinstance(text_or_error, ErrorReply):
        return error_response(request, text_or_error)
    text = text_or_error
    if not text.strip():
        return error_response(request, ErrorReply(400, E.legacy(E.TTS_EMPTY_TEXT, rid)))
    limit = dg.tts_char_limits[model.arch]
    if len(text) > limit:
        # Aura-2: 1000, Aura-1: 2000 characters; 422 per the TTS page, 413 per the errors page (§3.4).
        status = dg.tts_over_limit_status
        code = "Payload Too Large" if status == 413 else "Unprocessable Entity"
        msg = f"Input text exceeds maximum character limit of {limit}."
        return error_response(request, ErrorReply(status, E.legacy((code, msg), rid)))
    if "callback" in request.query:
        return json_response(request, {"request_id": rid})
    audio = render(text, model, fmt, streaming_sizes=dg.wav_streaming_sizes)
    resp = web.StreamResponse(
        status=200,
        headers={
            "content-type": fmt.content_type(),
            "dg-model-name": model.name,
            "dg-model-uuid": model.uuid,
            "dg-char-count": str(len(text)),
            "dg-request-id": rid,
            "access-control-expose-headers": EXPOSE_HEADERS,
        },
    )
    resp.enable_chunked_encoding()  # real responses are `transfer-encoding: chunked` (§3.3)
    await resp.prepare(request)
    for i in range(0, len(audio), CHUNK):
        await resp.write(audio[i : i + CHUNK])
    await resp.write_eof()
    dg.record_speak(audio)
    return resp


async def _read_text(request: web.Request, rid: str) -> str | ErrorReply:
    """The text to speak from a JSON `{"text": …}` or a text/plain body (§3.3)."""
    mime = request.content_type
    if mime not in ("application/json", "text/plain"):
        return ErrorReply(415, E.legacy(E.TTS_UNSUPPORTED_MEDIA_TYPE, rid))
    raw = await request.read()
    if len(raw) > MAX_BODY:
        return ErrorReply(413, E.legacy(E.TTS_PAYLOAD_TOO_LARGE, rid))
    try:
        decoded = raw.decode("utf-8")
    except UnicodeDecodeError:
        return ErrorReply(400, E.legacy(E.TTS_NOT_UTF8, rid))
    if mime == "text/plain":
        return decoded
    try:
        doc = json.loads(decoded)
    except ValueError:
        return ErrorReply(400, E.legacy(E.TTS_PAYLOAD_ERROR, rid))
    if not isinstance(doc, dict) or ("text" in doc) == ("url" in doc):
        return ErrorReply(400, E.legacy(E.TTS_PAYLOAD_ERROR, rid))
    if "url" in doc:
        # The fake cannot fetch the text behind a URL.
        return ErrorReply(
            400,
            E.legacy(
                (E.REMOTE_CONTENT_ERROR, "The remote server hosting the media returned a client error: 404 Not Found"),
                rid,
            ),
        )
    text = doc["text"]
    if not isinstance(text, str):
        return ErrorReply(400, E.legacy(E.TTS_PAYLOAD_ERROR, rid))
    return text
