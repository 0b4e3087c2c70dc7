"""MPEG audio (MP3) framing, just enough to join several TTS clips into one playable file.

An MP3 file is a run of self-contained frames, each starting with a 4-byte header that gives its
length, so two clips play back to back when their frames are simply concatenated. What must not
be repeated mid-file is the metadata around the frames:

- an ID3v2 tag at the start (`ID3`, a syncsafe size, optionally a 10-byte footer);
- an ID3v1 tag in the last 128 bytes (`TAG`), and an APEv2 tag before or instead of it;
- a Xing / Info / VBRI header: a frame of silence at the start whose payload counts the frames
  and bytes of *its* clip. Kept in a joined file it would make players show (and seek by) the
  first clip's duration, so it is dropped from every clip, the first included.

`join_mp3` keeps the first clip's ID3v2 tag (the file's metadata), then every clip's audio
frames in order. Everything here is pure: bytes in, bytes out.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

__all__ = [
    "APE_FOOTER_SIZE",
    "ID3V1_SIZE",
    "FrameHeader",
    "audio_frames",
    "duration_seconds",
    "frames",
    "id3v2_length",
    "is_info_frame",
    "join_mp3",
    "looks_like_mp3",
    "parse_header",
    "split_id3v2",
    "strip_trailing_tags",
]

# Bitrates in kbit/s by (MPEG-1?, layer), indexed by the header's 4-bit bitrate index (0 = free format).
_BITRATES: dict[tuple[bool, int], tuple[int, ...]] = {
    (True, 1): (0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448),
    (True, 2): (0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384),
    (True, 3): (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),
    (False, 1): (0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256),
    (False, 2): (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
    (False, 3): (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
}
# Sample rates by the header's 2-bit version field: 0 MPEG-2.5, 2 MPEG-2, 3 MPEG-1 (1 is reserved).
_SAMPLE_RATES: dict[int, tuple[int, int, int]] = {
    0: (11025, 12000, 8000),
    2: (22050, 24000, 16000),
    3: (44100, 48000, 32000),
}
ID3V1_SIZE = 128
APE_FOOTER_SIZE = 32


@dataclass(frozen=True)
class FrameHeader:
    """The fields of one MPEG audio frame header that framing needs."""

    mpeg1: bool
    layer: int  # 1, 2 or 3
    protected: bool  # a 16-bit CRC follows the header
    bitrate: int  # bit/s
    sample_rate: int
    padding: bool
    mono: bool

    @property
    def length(self) -> int:
        """The whole frame in bytes, header included."""
        pad = int(self.padding)
        if self.layer == 1:
            return (12 * self.bitrate // self.sample_rate + pad) * 4
        if self.layer == 3 and not self.mpeg1:
            return 72 * self.bitrate // self.sample_rate + pad
        return 144 * self.bitrate // self.sample_rate + pad

    @property
    def samples(self) -> int:
        """Audio samples per channel carried by the frame."""
        if self.layer == 1:
            return 384
        if self.layer == 3 and not self.mpeg1:
            return 576
        return 1152

    @property
    def side_info_length(self) -> int:
        """Layer III side information size: where a Xing/Info tag would start after the header."""
        if self.mpeg1:
            return 17 if self.mono else 32
        return 9 if self.mono else 17


def parse_header(data: bytes, offset: int = 0) -> FrameHeader | None:
    """The frame header at `offset`, or None if those 4 bytes are not a usable one.

    Free-format bitrates (index 0) are refused: their frame length cannot be read from the header.
    """
    if offset < 0 or offset + 4 > len(data):
        return None
    b0, b1, b2, b3 = data[offset : offset + 4]
    if b0 != 0xFF or (b1 & 0xE0) != 0xE0:
        return None
    version = (b1 >> 3) & 0x3
    layer_bits = (b1 >> 1) & 0x3
    bitrate_index = b2 >> 4
    rate_index = (b2 >> 2) & 0x3
    if version == 1 or layer_bits == 0 or bitrate_index in (0, 15) or rate_index == 3:
        return None
    mpeg1 = version == 3
    layer = 4 - layer_bits
    return FrameHeader(
        mpeg1=mpeg1,
        layer=layer,
        protected=not (b1 & 0x1),
        bitrate=_BITRATES[(mpeg1, layer)][bitrate_index] * 1000,
        sample_rate=_SAMPLE_RATES[version][rate_index],
        padding=bool((b2 >> 1) & 0x1),
        mono=(b3 >> 6) == 0x3,
    )


def id3v2_length(data: bytes, offset: int = 0) -> int:
    """Bytes taken by an ID3v2 tag starting at `offset` (0 if there is none)."""
    head = data[offset : offset + 10]
    if len(head) < 10 or head[:3] != b"ID3" or any(b & 0x80 for b in head[6:10]):
        return 0
    size = (head[6] << 21) | (head[7] << 14) | (head[8] << 7) | head[9]
    footer = 10 if head[5] & 0x10 else 0
    return 10 + size + footer


def split_id3v2(data: bytes) -> tuple[bytes, bytes]:
    """`(leading ID3v2 tags, the rest)`; encoders occasionally write more than one tag."""
    end = 0
    while (length := id3v2_length(data, end)) and end + length <= len(data):
        end += length
    return data[:end], data[end:]


def strip_trailing_tags(data: bytes) -> bytes:
    """Remove an ID3v1 tag and an APEv2 tag (in either order) from the end of the audio."""
    changed = True
    while changed:
        changed = False
        if len(data) >= ID3V1_SIZE and data[-ID3V1_SIZE : -ID3V1_SIZE + 3] == b"TAG":
            data = data[:-ID3V1_SIZE]
            changed = True
        footer = data[-APE_FOOTER_SIZE:]
        if len(footer) == APE_FOOTER_SIZE and footer[:8] == b"APETAGEX":
            size = int.from_bytes(footer[12:16], "little")  # items + footer, without the header
            has_header = bool(int.from_bytes(footer[20:24], "little") & 0x80000000)
            total = size + (APE_FOOTER_SIZE if has_header else 0)
            if APE_FOOTER_SIZE <= total <= len(data):
                data = data[:-total]
                changed = True
    return data


def is_info_frame(data: bytes, offset: int = 0) -> bool:
    """Whether the frame at `offset` is a Xing/Info (LAME) or VBRI (Fraunhofer) header frame."""
    header = parse_header(data, offset)
    if header is None or header.layer != 3:
        return False
    at = offset + 4 + (2 if header.protected else 0) + header.side_info_length
    if data[at : at + 4] in (b"Xing", b"Info"):
        return True
    return data[offset + 36 : offset + 40] == b"VBRI"


def audio_frames(clip: bytes) -> bytes:
    """The clip's audio only: tags stripped at both ends and a leading Xing/Info/VBRI frame dropped."""
    _, audio = split_id3v2(clip)
    audio = strip_trailing_tags(audio)
    if is_info_frame(audio):
        header = parse_header(audio)
        assert header is not None  # is_info_frame parsed it
        audio = audio[header.length :]
    return audio


def join_mp3(clips: Sequence[bytes]) -> bytes:
    """One playable MP3 from clips in order: the first clip's ID3v2 tag, then every clip's frames.

    A single clip is returned unchanged, byte for byte.
    """
    if not clips:
        raise ValueError("nothing to join")
    if len(clips) == 1:
        return bytes(clips[0])
    head, _ = split_id3v2(clips[0])
    return head + b"".join(audio_frames(clip) for clip in clips)


def frames(data: bytes) -> Iterator[FrameHeader]:
    """Walk the frames after the leading ID3v2 tag; stops at the first byte that is not a frame."""
    _, audio = split_id3v2(data)
    audio = strip_trailing_tags(audio)
    offset = 0
    while (header := parse_header(audio, offset)) is not None and offset + header.length <= len(audio):
        yield header
        offset += header.length


def looks_like_mp3(data: bytes) -> bool:
    """Whether `data` starts (after any ID3v2 tag) with two consecutive MPEG audio frames, or one
    frame that fills the whole body. A JSON error body saved as `.mp3` fails this."""
    _, audio = split_id3v2(data)
    audio = strip_trailing_tags(audio)
    first = parse_header(audio)
    if first is None or first.length > len(audio):
        return False
    return first.length == len(audio) or parse_header(audio, first.length) is not None


def duration_seconds(data: bytes) -> float:
    """Playing time of the frames (header arithmetic, no decoding)."""
    return sum(h.samples / h.sample_rate for h in frames(data))
