"""Incoming audio on the realtime sockets (Flux, Voice Agent): its timeline and which registered clip it is.

The matching rule is the streaming one of `transcript.py`: the first `PREFIX_BYTES` payload bytes
(after a leading WAV header) must equal the clip's. A match only counts when the declared format
agrees with the clip's own (a µ-law clip declared as linear16 is "garbled": no transcript).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from .audio import AudioInfo, Corrupt, NeedMore, parse_wav, probe, raw_info, sniff
from .transcript import PREFIX_BYTES, ClipEntry

DEFAULT_RATE = 16000.0  # bytes/s assumed for a compressed container whose rate is unknown
DECIDE_BYTES = 44  # bytes needed to judge the start of a stream


class AudioTimeline:
    """Audio received so far: payload bytes, seconds of audio, and the registered clip it matches."""

    def __init__(
        self,
        entries: list[ClipEntry],
        *,
        encoding: str | None,
        sample_rate: int | None,
        container_ok: Callable[[AudioInfo], bool],
    ) -> None:
        self.entries = entries
        self.encoding = encoding
        self.sample_rate = sample_rate
        self.container_ok = container_ok
        self.mode: Literal["pending", "decoded", "undecodable"] = "pending"
        self.head = bytearray()
        self.header_left = 0
        self.byte_rate: float | None = None
        self.payload_bytes = 0
        self.prefix = bytearray()
        self.match: Literal["pending", "matched", "none"] = "pending"
        self.entry: ClipEntry | None = None
        self.format: tuple[str | None, int | None] = (encoding, sample_rate)

    @property
    def t(self) -> float:
        """Seconds of audio received."""
        return self.payload_bytes / self.byte_rate if self.byte_rate else 0.0

    def feed(self, data: bytes, *, final: bool = False) -> None:
        """Take one binary frame (`final`: no more will come, decide with what is there)."""
        if self.mode == "pending":
            self.head += data
            self._decide(final=final)
        elif self.mode == "decoded":
            self._payload(data)

    def finish(self) -> None:
        """No more audio: decide what is undecided."""
        self.feed(b"", final=True)
        self._try_match(final=True)

    def _decide(self, *, final: bool) -> None:
        head = bytes(self.head)
        if len(head) < DECIDE_BYTES and not final:
            return
        kind = sniff(head)
        header_len = 0
        if self.encoding:
            info = raw_info(self.encoding, self.sample_rate, 1)
            if kind == "wav":  # a WAV streamed with `encoding` set: its header is skipped (lenient)
                try:
                    header_len = parse_wav(head, complete=False).header_len
                except NeedMore:
                    if not final:
                        return
                except Corrupt:
                    header_len = 0
            if info.byte_rate is None:
                self.mode = "undecodable"
                return
            self.byte_rate = info.byte_rate
        elif kind is not None:
            try:
                info = probe(head, complete=False)
            except NeedMore:
                if not final:
                    return
                self.mode = "undecodable"
                return
            except Corrupt:
                self.mode = "undecodable"
                return
            if not self.container_ok(info):
                self.mode = "undecodable"
                return
            header_len = info.header_len
            self.byte_rate = info.byte_rate
            self.format = (info.encoding, info.sample_rate)
        else:
            self.mode = "undecodable"  # headerless audio without `encoding`: nothing to decode
            return
        self.mode = "decoded"
        self.head = bytearray()
        self.header_left = header_len
        self._payload(head)

    def _payload(self, data: bytes) -> None:
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

    def _try_match(self, *, final: bool) -> None:
        if self.match != "pending" or self.mode != "decoded":
            if final and self.match == "pending":
                self.match = "none"
            return
        got = bytes(self.prefix)
        undecided = False
        for entry in self.entries:
            want = entry.prefix
            n = min(len(got), len(want))
            if not want or got[:n] != want[:n]:
                continue
            if len(got) >= len(want) or (final and n >= 256):
                self._matched(entry)
                return
            undecided = True
        if not undecided or final:
            self.match = "none"
            self._fallback_rate(None)

    def _matched(self, entry: ClipEntry) -> None:
        self._fallback_rate(entry)
        if not self._format_agrees(entry):
            self.match = "none"  # right bytes, wrong declared format: garbled
            return
        self.match = "matched"
        self.entry = entry

    def _format_agrees(self, entry: ClipEntry) -> bool:
        enc, rate = self.format
        clip_enc = entry.clip.encoding or entry.info.encoding
        clip_rate = entry.clip.sample_rate or entry.info.sample_rate
        if enc is None or clip_enc is None:
            return True
        return enc == clip_enc and (rate is None or clip_rate is None or rate == clip_rate)

    def format_mismatch(self) -> bool:
        """True when the bytes are a registered clip but the declared format is not the clip's."""
        if self.match != "none" or self.mode != "decoded":
            return False
        got = bytes(self.prefix)
        return any(e.prefix and got[: len(e.prefix)] == e.prefix[: len(got)] for e in self.entries if len(got) >= 256)

    def _fallback_rate(self, entry: ClipEntry | None) -> None:
        if self.byte_rate is None:
            self.byte_rate = (entry.byte_rate if entry else None) or DEFAULT_RATE
