"""Recognising audio the way Deepgram must before it can transcribe it (§3.1, §4.2).

Containers are detected from their header (WAV, MP3, Ogg, FLAC, WebM/Matroska, MP4, AAC/ADTS, AMR);
headerless audio is only decodable when the client names `encoding` and `sample_rate`; data that is
plainly text, or a container whose header is broken, is "corrupt or unsupported".
"""

from __future__ import annotations

import struct
from dataclasses import dataclass


class Corrupt(Exception):
    """Not audio, or a container header that cannot be decoded."""


class NeedMore(Exception):
    """The header is incomplete; more bytes are needed to decide (streaming only)."""


@dataclass(frozen=True)
class AudioInfo:
    """What a probe learned. `header_len` is where the audio payload starts (WAV `data` chunk)."""

    container: str  # wav, mp3, ogg, flac, webm, mp4, aac, amr, raw
    encoding: str | None
    sample_rate: int | None
    channels: int
    header_len: int = 0
    byte_rate: float | None = None  # payload bytes per second, when known
    duration: float | None = None  # seconds, when computable from the bytes at hand


# Bytes per sample of the raw encodings whose byte rate follows from sample_rate × channels.
RAW_BYTES_PER_SAMPLE = {"linear16": 2, "linear32": 4, "mulaw": 1, "alaw": 1}
# Compressed raw encodings: rough byte rates (only used to advance stream time when nothing better is known).
RAW_COMPRESSED_RATE = {"flac": 32000.0, "opus": 4000.0, "ogg-opus": 4000.0, "speex": 2000.0}
RAW_COMPRESSED_RATE |= {"amr-nb": 1600.0, "amr-wb": 3000.0, "g729": 1000.0}


def looks_like_text(data: bytes) -> bool:
    """True for data that is clearly not audio: text, JSON, HTML (§4.5 DATA-0000, §2.1 bad audio)."""
    head = data[:512]
    if head.startswith(b"\xef\xbb\xbf"):
        return True
    if len(head) < 4:
        return False
    printable = sum(1 for b in head if 0x20 <= b < 0x7F or b in (9, 10, 13))
    wordy = sum(1 for b in head if (0x30 <= b <= 0x39) or (0x41 <= b <= 0x5A) or (0x61 <= b <= 0x7A) or b == 32)
    return printable >= 0.9 * len(head) and wordy >= 0.5 * len(head)


def sniff(data: bytes) -> str | None:
    """The container named by the magic bytes, or None."""
    if data[:4] in (b"RIFF", b"RIFX"):
        return "wav"
    if data[:3] == b"ID3":
        return "mp3"
    if data[:4] == b"OggS":
        return "ogg"
    if data[:4] == b"fLaC":
        return "flac"
    if data[:4] == b"\x1a\x45\xdf\xa3":
        return "webm"
    if data[4:8] == b"ftyp":
        return "mp4"
    if data[:5] == b"#!AMR":
        return "amr"
    if len(data) >= 2 and data[0] == 0xFF and (data[1] & 0xF6) == 0xF0:
        return "aac"
    if len(data) >= 4 and _mp3_frame(data, 0) is not None:
        return "mp3"
    return None


def probe(data: bytes, *, complete: bool = True) -> AudioInfo:
    """Probe a container. Raises `Corrupt`, or `NeedMore` when `complete` is False and bytes are missing."""
    kind = sniff(data)
    if kind is None:
        if not complete and len(data) < 12:
            raise NeedMore
        raise Corrupt("no known container")
    parser = {
        "wav": parse_wav,
        "mp3": _parse_mp3,
        "ogg": _parse_ogg,
        "flac": _parse_flac,
        "aac": _parse_adts,
        "mp4": _parse_mp4,
    }.get(kind)
    if parser is None:  # webm, amr: accepted from the magic alone; duration unknown
        return AudioInfo(kind, None, None, 1)
    return parser(data, complete)


def raw_info(encoding: str, sample_rate: int | None, channels: int) -> AudioInfo:
    """Headerless audio described by query parameters."""
    per = RAW_BYTES_PER_SAMPLE.get(encoding)
    rate: float | None = None
    if per is not None and sample_rate:
        rate = float(per * sample_rate * channels)
    elif per is None:
        rate = RAW_COMPRESSED_RATE.get(encoding)
    return AudioInfo("raw", encoding, sample_rate, channels, 0, rate)


def with_duration(info: AudioInfo, payload_len: int) -> AudioInfo:
    """Fill `duration` from the payload length when the byte rate is known."""
    if info.duration is None and info.byte_rate:
        return AudioInfo(
            info.container,
            info.encoding,
            info.sample_rate,
            info.channels,
            info.header_len,
            info.byte_rate,
            payload_len / info.byte_rate,
        )
    return info


# -- WAV -----------------------------------------------------------------------------------------------

_WAV_FORMATS = {1: "linear16", 3: "float", 6: "alaw", 7: "mulaw", 2: "adpcm", 0x11: "ima-adpcm", 0x55: "mp3"}


def parse_wav(data: bytes, complete: bool = True) -> AudioInfo:
    """Parse RIFF/WAVE chunks up to the start of `data`: format, rate, channels, payload offset.

    Streaming placeholders for the data size (0, 0xFFFFFFFF, 0x7FFF0000…, as Deepgram's own TTS writes)
    and sizes past the end mean "the rest of the bytes".
    """
    if len(data) < 12:
        if complete:
            raise Corrupt("truncated RIFF header")
        raise NeedMore
    if data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise Corrupt("RIFF but not WAVE")
    pos = 12
    fmt: tuple[int, int, int, int, int] | None = None
    while True:
        if pos + 8 > len(data):
            if complete:
                raise Corrupt("no data chunk")
            raise NeedMore
        cid = data[pos : pos + 4]
        (size,) = struct.unpack("<I", data[pos + 4 : pos + 8])
        if not all(0x20 <= b < 0x7F for b in cid):
            raise Corrupt("bad chunk id")
        if cid == b"data":
            if fmt is None:
                raise Corrupt("data before fmt")
            break
        if pos + 8 + size > len(data):
            if complete:
                raise Corrupt("truncated chunk")
            raise NeedMore
        if cid == b"fmt ":
            if size < 16:
                raise Corrupt("short fmt chunk")
            code, channels, rate, avg, _align, bits = struct.unpack("<HHIIHH", data[pos + 8 : pos + 24])
            if code == 0xFFFE and size >= 40:  # WAVE_FORMAT_EXTENSIBLE: sub-format GUID starts with the code
                (code,) = struct.unpack("<H", data[pos + 32 : pos + 34])
            fmt = (code, channels, rate, avg, bits)
        pos += 8 + size + (size & 1)
    assert fmt is not None
    code, channels, rate, avg, bits = fmt
    encoding = _WAV_FORMATS.get(code)
    if encoding is None:
        raise Corrupt(f"unsupported WAV format {code}")
    if not 1 <= channels <= 32 or not 1000 <= rate <= 384000:
        raise Corrupt("impossible channels or sample rate")
    if encoding == "linear16" and bits not in (8, 16, 24, 32):
        raise Corrupt("bad bits per sample")
    if encoding in {"linear16", "float", "alaw", "mulaw"}:
        if bits == 0:
            raise Corrupt("bad bits per sample")
        byte_rate: float | None = rate * channels * bits / 8
    else:
        byte_rate = float(avg) or None
    header_len = pos + 8
    (declared,) = struct.unpack("<I", data[pos + 4 : pos + 8])
    available = len(data) - header_len
    payload = available if declared in (0, 0xFFFFFFFF) or declared >= 0x7FFF0000 else min(declared, available)
    duration = payload / byte_rate if (complete and byte_rate) else None
    return AudioInfo("wav", encoding, rate, channels, header_len, byte_rate, duration)


# -- MP3 -----------------------------------------------------------------------------------------------

_MP3_BITRATES = {
    (3, 3): (0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448),
    (3, 2): (0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384),
    (3, 1): (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),
    (2, 3): (0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256),
    (2, 2): (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
    (2, 1): (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
}
_MP3_RATES = {3: (44100, 48000, 32000), 2: (22050, 24000, 16000), 0: (11025, 12000, 8000)}


@dataclass(frozen=True)
class Mp3Frame:
    """One parsed MPEG audio frame header."""

    length: int
    samples: int
    sample_rate: int
    channels: int
    bitrate: int


def _mp3_frame(data: bytes, pos: int) -> Mp3Frame | None:
    """Parse the MPEG audio frame header at `pos`, or None when it is not one."""
    if pos + 4 > len(data) or data[pos] != 0xFF or (data[pos + 1] & 0xE0) != 0xE0:
        return None
    b1, b2, b3 = data[pos + 1], data[pos + 2], data[pos + 3]
    version = (b1 >> 3) & 3  # 3 = MPEG-1, 2 = MPEG-2, 0 = MPEG-2.5, 1 reserved
    layer_bits = (b1 >> 1) & 3  # 3 = Layer I, 2 = II, 1 = III, 0 reserved
    br_idx, sr_idx, pad = b2 >> 4, (b2 >> 2) & 3, (b2 >> 1) & 1
    if version == 1 or layer_bits == 0 or br_idx in (0, 15) or sr_idx == 3:
        return None
    table_version = 3 if version == 3 else 2
    bitrate = _MP3_BITRATES[(table_version, layer_bits)][br_idx] * 1000
    rate = _MP3_RATES[version][sr_idx]
    if layer_bits == 3:  # Layer I
        samples, length = 384, (12 * bitrate // rate + pad) * 4
    elif layer_bits == 2:  # Layer II
        samples, length = 1152, 144 * bitrate // rate + pad
    else:  # Layer III
        samples = 1152 if version == 3 else 576
        length = (144 if version == 3 else 72) * bitrate // rate + pad
    channels = 1 if (b3 >> 6) == 3 else 2
    return Mp3Frame(length, samples, rate, channels, bitrate)


def id3_size(data: bytes) -> int:
    """Total length of a leading ID3v2 tag (0 if none). Raises `Corrupt` on a bad size."""
    if data[:3] != b"ID3" or len(data) < 10:
        return 0
    size_bytes = data[6:10]
    if any(b & 0x80 for b in size_bytes):
        raise Corrupt("bad ID3 size")
    size = (size_bytes[0] << 21) | (size_bytes[1] << 14) | (size_bytes[2] << 7) | size_bytes[3]
    return 10 + size + (10 if data[5] & 0x10 else 0)


def mp3_frames(data: bytes) -> list[Mp3Frame]:
    """Every frame from the first one after an ID3 tag, stopping at the first non-frame."""
    pos = id3_size(data)
    frames = []
    while (frame := _mp3_frame(data, pos)) is not None and pos + frame.length <= len(data):
        frames.append(frame)
        pos += frame.length
    return frames


def _parse_mp3(data: bytes, complete: bool) -> AudioInfo:
    start = id3_size(data)
    if start + 4 > len(data):
        if complete:
            raise Corrupt("ID3 tag without audio")
        raise NeedMore
    first = _mp3_frame(data, start)
    if first is None:
        raise Corrupt("no MPEG frame")
    nxt = start + first.length
    if nxt + 4 <= len(data):
        if _mp3_frame(data, nxt) is None and data[nxt : nxt + 3] != b"TAG":
            raise Corrupt("MPEG frame sync lost")
    elif not complete:
        raise NeedMore
    duration = None
    if complete:
        frames = mp3_frames(data)
        duration = sum(f.samples / f.sample_rate for f in frames)
    return AudioInfo(
        "mp3", "mp3", first.sample_rate, first.channels, 0, first.bitrate / 8 if first.bitrate else None, duration
    )


# -- Ogg, FLAC, ADTS, MP4 ------------------------------------------------------------------------------


def _parse_ogg(data: bytes, complete: bool) -> AudioInfo:
    if len(data) < 28:
        if complete:
            raise Corrupt("truncated Ogg page")
        raise NeedMore
    if data[4] != 0:
        raise Corrupt("bad Ogg version")
    nseg = data[26]
    if len(data) < 27 + nseg:
        if complete:
            raise Corrupt("truncated Ogg page")
        raise NeedMore
    body = data[27 + nseg : 27 + nseg + 64]
    rate, channels, pre_skip, encoding = 48000, 1, 0, "ogg"
    if body.startswith(b"OpusHead") and len(body) >= 19:
        channels, pre_skip = body[9], struct.unpack("<H", body[10:12])[0]
        encoding = "opus"
    elif body.startswith(b"\x01vorbis") and len(body) >= 16:
        channels, rate = body[11], struct.unpack("<I", body[12:16])[0]
        encoding = "vorbis"
    elif body.startswith(b"\x7fFLAC"):
        encoding = "flac"
    elif body.startswith(b"Speex"):
        encoding = "speex"
    elif len(body) >= 8 or complete:
        raise Corrupt("unknown Ogg codec")
    else:
        raise NeedMore
    duration = None
    last = data.rfind(b"OggS")
    if complete and last >= 0 and last + 14 <= len(data) and rate:
        (granule,) = struct.unpack("<q", data[last + 6 : last + 14])
        duration = max(0.0, (granule - pre_skip) / rate)
    return AudioInfo("ogg", encoding, rate, channels or 1, 0, None, duration)


def _parse_flac(data: bytes, complete: bool) -> AudioInfo:
    if len(data) < 26:
        if complete:
            raise Corrupt("truncated FLAC header")
        raise NeedMore
    if data[4] & 0x7F != 0 or data[5:8] != b"\x00\x00\x22":
        raise Corrupt("FLAC without STREAMINFO")
    (bits,) = struct.unpack(">Q", data[18:26])
    rate = bits >> 44
    channels = ((bits >> 41) & 7) + 1
    total = bits & ((1 << 36) - 1)
    if rate == 0:
        raise Corrupt("FLAC sample rate 0")
    return AudioInfo("flac", "flac", rate, channels, 0, None, total / rate if total else None)


_ADTS_RATES = (96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350)


def adts_frames(data: bytes) -> list[tuple[int, int, int]]:
    """(length, sample_rate, channels) of each ADTS frame from the start."""
    out = []
    pos = 0
    while pos + 7 <= len(data) and data[pos] == 0xFF and (data[pos + 1] & 0xF6) == 0xF0:
        sr_idx = (data[pos + 2] >> 2) & 0xF
        channels = ((data[pos + 2] & 1) << 2) | (data[pos + 3] >> 6)
        length = ((data[pos + 3] & 3) << 11) | (data[pos + 4] << 3) | (data[pos + 5] >> 5)
        if sr_idx >= len(_ADTS_RATES) or length < 7 or pos + length > len(data):
            break
        out.append((length, _ADTS_RATES[sr_idx], channels))
        pos += length
    return out


def _parse_adts(data: bytes, complete: bool) -> AudioInfo:
    frames = adts_frames(data)
    if not frames:
        if complete:
            raise Corrupt("bad ADTS header")
        raise NeedMore
    rate = frames[0][1]
    duration = len(frames) * 1024 / rate if complete else None
    return AudioInfo("aac", "aac", rate, frames[0][2] or 1, 0, None, duration)


def _parse_mp4(data: bytes, complete: bool) -> AudioInfo:
    duration = None
    at = data.find(b"mvhd")
    if at >= 0 and at + 32 <= len(data):
        version = data[at + 4]
        if version == 1 and at + 40 <= len(data):
            scale, length = struct.unpack(">IQ", data[at + 24 : at + 36])
        else:
            scale, length = struct.unpack(">II", data[at + 16 : at + 24])
        if scale:
            duration = length / scale
    return AudioInfo("mp4", "aac", None, 1, 0, None, duration)


# -- G.711 ---------------------------------------------------------------------------------------------


def linear_to_ulaw(sample: int) -> int:
    """Encode one signed 16-bit sample as G.711 µ-law."""
    bias, clip = 0x84, 32635
    sign = 0x80 if sample < 0 else 0
    magnitude = min(abs(sample), clip) + bias
    exponent = max(0, magnitude.bit_length() - 8)
    exponent = min(exponent, 7)
    mantissa = (magnitude >> (exponent + 3)) & 0x0F
    return ~(sign | (exponent << 4) | mantissa) & 0xFF


def linear_to_alaw(sample: int) -> int:
    """Encode one signed 16-bit sample as G.711 A-law."""
    sign = 0x80 if sample >= 0 else 0
    magnitude = min(abs(sample), 32767) >> 3
    if magnitude < 32:
        code = magnitude >> 1
    else:
        exponent = min(7, magnitude.bit_length() - 5)
        code = (exponent << 4) | ((magnitude >> exponent) & 0x0F)
    return (sign | code) ^ 0x55
