"""Registered clips → words with timings → the JSON Deepgram sends (REST results, streaming windows).

Clip matching rule (documented for test authors):

* REST: a request matches a clip when the SHA-256 of the submitted bytes equals that of the clip's
  audio, or the SHA-256 of the audio payload (the bytes after a WAV header) equals the clip's payload
  hash (so the bare PCM/µ-law payload of a registered WAV, sent with `encoding`, matches too).
* Streaming: the SHA-256 of the first `PREFIX_BYTES` (4096) bytes of audio payload received (after a
  leading WAV header, if the stream starts with one) must equal that of the clip's first 4096 payload
  bytes (or of the whole payload of a shorter clip). Until that many bytes arrived nothing is
  revealed; clips are tried in registration order, so two clips with identical openings (e.g. exact
  digital silence) resolve to the first one registered.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass, field
from typing import Any

from .audio import AudioInfo, Corrupt, looks_like_text, probe, raw_info, sniff, with_duration
from .models import SttModel
from .state import Clip, Word

PREFIX_BYTES = 4096
_STRIP = "\"'“”‘’.,!?;:()[]{}…-–—"


def split_words(transcript: str) -> list[tuple[str, str]]:
    """(word, punctuated_word) pairs: `We,` → (`we`, `We,`), as in the recorded responses."""
    out = []
    for token in transcript.split():
        word = token.strip(_STRIP).lower() or token.lower()
        out.append((word, token))
    return out


def _confidence(word: str, i: int) -> float:
    digest = hashlib.sha256(f"{i}:{word}".encode()).digest()
    return round(0.9 + int.from_bytes(digest[:2], "big") / 65535 * 0.0999, 7)


@dataclass
class ClipEntry:
    """A registered clip, analysed once."""

    clip: Clip
    info: AudioInfo
    payload: bytes
    sha_full: str
    sha_payload: str
    duration: float
    words: list[Word]
    confidence: float

    @property
    def prefix(self) -> bytes:
        """The payload bytes a stream must start with to match."""
        return self.payload[:PREFIX_BYTES]

    @property
    def byte_rate(self) -> float | None:
        """Payload bytes per second (for compressed containers: payload length / duration)."""
        if self.info.byte_rate:
            return self.info.byte_rate
        return len(self.payload) / self.duration if self.duration else None


def analyse(clip: Clip) -> ClipEntry:
    """Probe the clip's audio, compute its hashes, duration and word timings."""
    if clip.encoding:
        info = raw_info(clip.encoding, clip.sample_rate, clip.channels)
    else:
        try:
            info = probe(clip.audio)
        except Corrupt:
            info = AudioInfo("raw", None, None, clip.channels)
    payload = clip.audio[info.header_len :]
    info = with_duration(info, len(payload))
    pairs = split_words(clip.transcript)
    given = [Word.from_any(w) for w in clip.words] if clip.words is not None else None
    duration = clip.duration or info.duration
    if duration is None:
        duration = (given[-1].end + 0.5) if given else max(1.0, 0.4 * len(pairs))
    if given is None:
        # No timings: spread the words evenly over the clip (brief: "spread its words evenly").
        slot = duration / max(1, len(pairs))
        given = [
            Word(w, round(i * slot, 3), round((i + 1) * slot, 3), _confidence(w, i), p)
            for i, (w, p) in enumerate(pairs)
        ]
    else:
        for i, w in enumerate(given):
            if w.punctuated_word is None and i < len(pairs):
                w.punctuated_word = pairs[i][1]
    confs = sorted(w.confidence for w in given)
    confidence = clip.confidence if clip.confidence is not None else (confs[len(confs) // 2] if confs else 0.0)
    return ClipEntry(
        clip=clip,
        info=info,
        payload=payload,
        sha_full=hashlib.sha256(clip.audio).hexdigest(),
        sha_payload=hashlib.sha256(payload).hexdigest(),
        duration=duration,
        words=given,
        confidence=confidence,
    )


def find_clip(entries: list[ClipEntry], data: bytes, payload: bytes) -> ClipEntry | None:
    """The REST matching rule (module docstring)."""
    full = hashlib.sha256(data).hexdigest()
    pay = hashlib.sha256(payload).hexdigest()
    for e in entries:
        if full == e.sha_full or pay == e.sha_payload:
            return e
    return None


# -- REST ----------------------------------------------------------------------------------------------


@dataclass
class Features:
    """Query flags that change the shape of results."""

    punctuate: bool = False
    smart_format: bool = False
    paragraphs: bool = False
    diarize: bool = False
    utterances: bool = False
    multichannel: bool = False
    tags: list[str] = field(default_factory=list)

    @property
    def formatted(self) -> bool:
        """Whether transcripts carry punctuation and capitals (`punctuate` or `smart_format`)."""
        return self.punctuate or self.smart_format


def word_json(w: Word, feats: Features, *, rest: bool) -> dict[str, Any]:
    """A word object; `punctuated_word` only with punctuation/smart_format (as the recordings show)."""
    out: dict[str, Any] = {"word": w.word, "start": w.start, "end": w.end, "confidence": w.confidence}
    if feats.formatted:
        out["punctuated_word"] = w.punctuated_word or w.word
    if feats.diarize:
        out["speaker"] = 0
        if rest:
            out["speaker_confidence"] = 0.9
    return out


def transcript_of(words: list[Word], feats: Features) -> str:
    """The transcript text for `words` with or without formatting."""
    if feats.formatted:
        return " ".join(w.punctuated_word or w.word for w in words)
    return " ".join(w.word for w in words)


def _sentences(words: list[Word], feats: Features) -> list[list[Word]]:
    out: list[list[Word]] = [[]]
    for w in words:
        out[-1].append(w)
        if (w.punctuated_word or "").endswith((".", "?", "!")):
            out.append([])
    return [s for s in out if s]


def _paragraphs(words: list[Word], feats: Features) -> dict[str, Any]:
    if not words:
        return {"transcript": "", "paragraphs": []}
    sentences = [
        {"text": transcript_of(s, feats), "start": s[0].start, "end": s[-1].end} for s in _sentences(words, feats)
    ]
    para: dict[str, Any] = {
        "sentences": sentences,
        "start": words[0].start,
        "end": words[-1].end,
        "num_words": len(words),
    }
    if feats.diarize:
        para["speaker"] = 0
    # The recording's paragraphs transcript starts with a newline (rec listen/rest/c4e1…).
    return {"transcript": "\n" + " ".join(str(s["text"]) for s in sentences), "paragraphs": [para]}


def alternative(entry: ClipEntry | None, feats: Features, *, channel: int = 0) -> dict[str, Any]:
    """`results.channels[i].alternatives[0]`; an unknown clip (or another channel) is silence."""
    words = entry.words if (entry is not None and channel == 0) else []
    alt: dict[str, Any] = {
        "transcript": transcript_of(words, feats),
        "confidence": entry.confidence if (entry is not None and words) else 0.0,
        "words": [word_json(w, feats, rest=True) for w in words],
    }
    if feats.smart_format or feats.paragraphs:
        alt["paragraphs"] = _paragraphs(words, feats)
    return alt


def listen_response(
    *,
    entry: ClipEntry | None,
    feats: Features,
    model: SttModel,
    request_id: str,
    created: str,
    sha256: str,
    duration: float,
    channels: int,
) -> dict[str, Any]:
    """The `ListenV1Response` body (shape of rec listen/rest/c4e1…-response.json)."""
    n = channels if feats.multichannel else 1
    metadata: dict[str, Any] = {
        "transaction_key": "deprecated",
        "request_id": request_id,
        "sha256": sha256,
        "created": created,
        "duration": round(duration, 6),
        "channels": n,
        "models": [model.uuid],
        "model_info": {model.uuid: model.info()},
    }
    if feats.tags:
        metadata["tags"] = feats.tags
    results: dict[str, Any] = {"channels": [{"alternatives": [alternative(entry, feats, channel=i)]} for i in range(n)]}
    if feats.utterances:
        words = entry.words if entry is not None else []
        results["utterances"] = [
            {
                "start": s[0].start,
                "end": s[-1].end,
                "confidence": entry.confidence if entry else 0.0,
                "channel": 0,
                "transcript": transcript_of(s, feats),
                "words": [word_json(w, feats, rest=True) for w in s],
                "speaker": 0,
                "id": str(uuid.uuid5(uuid.NAMESPACE_OID, f"{request_id}:{i}")),
            }
            for i, s in enumerate(_sentences(words, feats))
        ]
    return {"metadata": metadata, "results": results}


def decodable(data: bytes, encoding: str | None, sample_rate: int | None, channels: int) -> AudioInfo:
    """Decide whether pre-recorded bytes are audio Deepgram could decode (§3.1). Raises `Corrupt`."""
    if not data or looks_like_text(data):
        raise Corrupt("not audio")
    if sniff(data) is not None:
        info = probe(data)
        return with_duration(info, len(data) - info.header_len)
    if encoding:
        return with_duration(raw_info(encoding, sample_rate, channels), len(data))
    raise Corrupt("headerless audio without encoding")


# -- streaming windows ---------------------------------------------------------------------------------

PAUSE_SPLIT = 0.5  # a gap this long between words ends a segment with speech_final (endpointing)
MAX_SEGMENT = 5.0  # a segment this long is finalised without speech_final
TRAIL = 0.3  # audio after the last word of a segment before its final result is due
SILENCE_WINDOW = 2.0  # windows over audio with no words


@dataclass
class Window:
    """A span of audio that one final `Results` message covers."""

    start: float
    end: float
    words: list[Word]
    speech_final: bool


def plan_windows(words: list[Word]) -> list[Window]:
    """Cut a clip's timeline into contiguous windows of finals (tile [0, …) like real streams do).

    The recorded stream of `testing-websocket.wav` had an empty final [0, 0.74] then one final
    [0.74, 3.82] holding all words (rec listen/websocket/a6d1…-d733…, ed5b…-d733…).
    """
    segments: list[list[Word]] = []
    for w in words:
        if (
            segments
            and (w.start - segments[-1][-1].end < PAUSE_SPLIT)
            and (w.end - segments[-1][0].start <= MAX_SEGMENT)
        ):
            segments[-1].append(w)
        else:
            segments.append([w])
    windows: list[Window] = []
    cursor = 0.0
    if segments and segments[0][0].start >= 1.0:
        cursor = round(segments[0][0].start - 0.48, 3)
        windows.append(Window(0.0, cursor, [], False))
    for i, seg in enumerate(segments):
        nxt = segments[i + 1][0].start if i + 1 < len(segments) else None
        end = seg[-1].end + TRAIL
        paused = nxt is None or nxt - seg[-1].end >= PAUSE_SPLIT
        if nxt is not None:
            end = min(end, nxt)
        end = max(end, cursor)
        windows.append(Window(cursor, round(end, 3), seg, paused))
        cursor = round(end, 3)
    return windows
