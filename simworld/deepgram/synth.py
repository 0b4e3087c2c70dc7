"""Audio the fake TTS returns: valid files generated in code, deterministic for the same text and model.

Formats follow docs `tts-media-output-settings.mdx` (§3.3): MP3 22050 Hz mono at 32 or 48 kbps
(default), linear16/µ-law/A-law in WAV or bare, FLAC, Opus in Ogg (48 kHz), AAC in ADTS (22050 Hz).
MP3/FLAC/Ogg/AAC carry digital silence; PCM carries a soft tone whose pitch depends on the text.
Length is roughly proportional to the text: about 15 characters per second.
"""

from __future__ import annotations

import hashlib
import math
import struct

from .audio import linear_to_alaw, linear_to_ulaw

CHARS_PER_SECOND = 15.0


def speech_seconds(text: str) -> float:
    """How long the fake "speaks" `text`."""
    return max(0.25, len(text) / CHARS_PER_SECOND)


class BitWriter:
    """MSB-first bit packing for frame headers."""

    def __init__(self) -> None:
        self._bits: list[int] = []

    def put(self, value: int, width: int) -> None:
        """Append the low `width` bits of `value`."""
        for shift in range(width - 1, -1, -1):
            self._bits.append((value >> shift) & 1)

    def to_bytes(self) -> bytes:
        """The bits so far, zero-padded to a byte boundary."""
        bits = self._bits + [0] * (-len(self._bits) % 8)
        return bytes(int("".join(map(str, bits[i : i + 8])), 2) for i in range(0, len(bits), 8))


# -- MP3 -----------------------------------------------------------------------------------------------

_MPEG2_L3_BITRATE_INDEX = {8000: 1, 16000: 2, 24000: 3, 32000: 4, 40000: 5, 48000: 6, 56000: 7, 64000: 8}


def _id3v24(frames: list[tuple[str, str]]) -> bytes:
    """An ID3v2.4 tag of UTF-8 text frames (syncsafe sizes)."""

    def syncsafe(n: int) -> bytes:
        return bytes(((n >> 21) & 0x7F, (n >> 14) & 0x7F, (n >> 7) & 0x7F, n & 0x7F))

    body = b""
    for fid, text in frames:
        content = b"\x03" + text.encode("utf-8")
        body += fid.encode() + syncsafe(len(content)) + b"\x00\x00" + content
    return b"ID3\x04\x00\x00" + syncsafe(len(body)) + body


def mp3(text: str, model: str, *, bit_rate: int = 48000, sample_rate: int = 22050) -> bytes:
    """MPEG-2 Layer III, mono, silent frames, preceded by an ID3v2.4 tag carrying the text and model.

    Frame length = 72 × bitrate / sample_rate (+1 padding byte whenever the remainder accumulates, as
    encoders do); each frame is the 4-byte header, 9 bytes of zero side information (mono MPEG-2:
    no main data, i.e. silence) and zero ancillary bytes.
    """
    index = _MPEG2_L3_BITRATE_INDEX[bit_rate]
    sr_index = {22050: 0, 24000: 1, 16000: 2}[sample_rate]
    n_frames = max(1, math.ceil(speech_seconds(text) * sample_rate / 576))
    base, rem_step = divmod(72 * bit_rate, sample_rate)
    out = bytearray(_id3v24([("TIT2", text), ("TPE1", model), ("TSSE", "simworld fake Deepgram Aura")]))
    rem = 0
    for _ in range(n_frames):
        rem += rem_step
        pad = 0
        if rem >= sample_rate:
            rem -= sample_rate
            pad = 1
        # FF F3: sync, MPEG-2 (10), Layer III (01), no CRC (1); then bitrate|rate|padding; mono (11).
        header = bytes((0xFF, 0xF3, (index << 4) | (sr_index << 2) | (pad << 1), 0xC0))
        out += header + bytes(base + pad - 4)
    return bytes(out)


# -- PCM / WAV -----------------------------------------------------------------------------------------


def _tone_samples(text: str, model: str, sample_rate: int) -> list[int]:
    """One second of a soft sine whose integer frequency depends on text+model (so it tiles seamlessly)."""
    freq = 180 + hashlib.sha256((model + "\0" + text).encode()).digest()[0] % 120
    return [int(3000 * math.sin(2 * math.pi * freq * i / sample_rate)) for i in range(sample_rate)]


def pcm(text: str, model: str, encoding: str, sample_rate: int) -> bytes:
    """Headerless audio: little-endian PCM16, or G.711 µ-law / A-law bytes."""
    second = _tone_samples(text, model, sample_rate)
    if encoding == "linear16":
        chunk = struct.pack(f"<{len(second)}h", *second)
    elif encoding == "mulaw":
        chunk = bytes(linear_to_ulaw(s) for s in second)
    elif encoding == "alaw":
        chunk = bytes(linear_to_alaw(s) for s in second)
    else:  # pragma: no cover - guarded by the caller
        raise ValueError(encoding)
    width = 2 if encoding == "linear16" else 1
    total = int(speech_seconds(text) * sample_rate) * width
    reps = total // len(chunk) + 1
    return (chunk * reps)[:total]


def wav_header(encoding: str, sample_rate: int, data_len: int, *, streaming_sizes: bool) -> bytes:
    """A canonical 44-byte WAV header (format 1 PCM16, 7 µ-law or 6 A-law, mono).

    Deepgram's streamed TTS WAV carries placeholder sizes (RIFF 0x7FFF0024, data 0x7FFF0000: rec
    speak/rest/*.wav) because it is written before the length is known; `streaming_sizes` reproduces that.
    """
    code, bits = {"linear16": (1, 16), "mulaw": (7, 8), "alaw": (6, 8)}[encoding]
    block = bits // 8
    size = 0x7FFF0000 if streaming_sizes else data_len
    return (
        b"RIFF"
        + struct.pack("<I", size + 36)
        + b"WAVEfmt "
        + struct.pack("<IHHIIHH", 16, code, 1, sample_rate, sample_rate * block, block, bits)
        + b"data"
        + struct.pack("<I", size)
    )


# -- FLAC ----------------------------------------------------------------------------------------------


def _crc8(data: bytes) -> int:
    crc = 0
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = ((crc << 1) ^ 0x07) & 0xFF if crc & 0x80 else (crc << 1) & 0xFF
    return crc


def _crc16(data: bytes) -> int:
    crc = 0
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x8005) & 0xFFFF if crc & 0x8000 else (crc << 1) & 0xFFFF
    return crc


def _utf8_number(n: int) -> bytes:
    """FLAC's UTF-8-like coding of the frame number."""
    if n < 0x80:
        return bytes((n,))
    raw = []
    while True:
        raw.append(0x80 | (n & 0x3F))
        n >>= 6
        room = 6 - len(raw)  # free bits in the lead byte
        if n < (1 << room):
            lead = (0xFF << (room + 1)) & 0xFF
            return bytes([lead | n] + raw[::-1])


def flac(text: str, sample_rate: int) -> bytes:
    """A FLAC stream of silence: STREAMINFO then fixed-blocksize frames with CONSTANT subframes."""
    total = int(speech_seconds(text) * sample_rate)
    block = 4096
    info = BitWriter()
    info.put(block, 16)
    info.put(block, 16)
    info.put(0, 24)  # min frame size unknown
    info.put(0, 24)  # max frame size unknown
    info.put(sample_rate, 20)
    info.put(0, 3)  # channels - 1
    info.put(15, 5)  # bits per sample - 1
    info.put(total, 36)
    streaminfo = info.to_bytes() + bytes(16)  # MD5 unknown
    out = bytearray(b"fLaC" + bytes((0x80, 0, 0, 34)) + streaminfo)
    frame_no, done = 0, 0
    while done < total:
        n = min(block, total - done)
        head = BitWriter()
        head.put(0b11111111111110, 14)
        head.put(0, 1)  # reserved
        head.put(0, 1)  # fixed block size
        head.put(0b1100 if n == block else 0b0111, 4)  # 4096, or 16-bit (n-1) at end of header
        head.put(0, 4)  # sample rate from STREAMINFO
        head.put(0, 4)  # mono
        head.put(0b100, 3)  # 16 bits per sample
        head.put(0, 1)
        header = head.to_bytes() + _utf8_number(frame_no)
        if n != block:
            header += struct.pack(">H", n - 1)
        header += bytes((_crc8(header),))
        frame = header + b"\x00\x00\x00"  # CONSTANT subframe, value 0
        out += frame + struct.pack(">H", _crc16(frame))
        frame_no += 1
        done += n
    return bytes(out)


# -- Ogg Opus ------------------------------------------------------------------------------------------


def _ogg_crc_table() -> list[int]:
    table = []
    for i in range(256):
        r = i << 24
        for _ in range(8):
            r = ((r << 1) ^ 0x04C11DB7) & 0xFFFFFFFF if r & 0x80000000 else (r << 1) & 0xFFFFFFFF
        table.append(r)
    return table


_OGG_CRC = _ogg_crc_table()


def _ogg_page(packets: list[bytes], *, serial: int, seq: int, granule: int, flags: int) -> bytes:
    lacing = bytearray()
    for p in packets:
        lacing += b"\xff" * (len(p) // 255) + bytes((len(p) % 255,))
    page = bytearray(
        b"OggS" + struct.pack("<BBqIII", 0, flags, granule, serial, seq, 0) + bytes((len(lacing),)) + lacing
    )
    page += b"".join(packets)
    crc = 0
    for byte in page:
        crc = ((crc << 8) & 0xFFFFFFFF) ^ _OGG_CRC[((crc >> 24) & 0xFF) ^ byte]
    page[22:26] = struct.pack("<I", crc)
    return bytes(page)


def ogg_opus(text: str, model: str) -> bytes:
    """Ogg Opus, mono, 48 kHz: OpusHead, OpusTags (with the text), then 20 ms silent CELT frames."""
    serial = int.from_bytes(hashlib.sha256((model + text).encode()).digest()[:4], "little")
    pre_skip = 312
    head = b"OpusHead" + struct.pack("<BBHIhB", 1, 1, pre_skip, 48000, 0, 0)
    vendor = b"simworld fake Deepgram"
    comment = ("TITLE=" + text).encode()
    tags = b"OpusTags" + struct.pack("<I", len(vendor)) + vendor + struct.pack("<I", 1)
    tags += struct.pack("<I", len(comment)) + comment
    out = bytearray(_ogg_page([head], serial=serial, seq=0, granule=0, flags=0x02))
    # OpusTags may exceed one page's 255 lacing values only for absurd texts; TTS caps text at 2000 chars.
    out += _ogg_page([tags], serial=serial, seq=1, granule=0, flags=0)
    n_packets = max(1, math.ceil(speech_seconds(text) / 0.02))
    silent = b"\xf8\xff\xfe"  # TOC: CELT fullband 20 ms mono, one frame; payload decodes to silence
    seq, sent = 2, 0
    while sent < n_packets:
        batch = min(50, n_packets - sent)
        sent += batch
        flags = 0x04 if sent == n_packets else 0
        out += _ogg_page([silent] * batch, serial=serial, seq=seq, granule=pre_skip + sent * 960, flags=flags)
        seq += 1
    return bytes(out)


# -- AAC (ADTS) ----------------------------------------------------------------------------------------


def _silent_aac_block() -> bytes:
    """One AAC-LC raw_data_block: a single-channel element with max_sfb 0 (no spectral data), then END."""
    w = BitWriter()
    w.put(0, 3)  # ID_SCE
    w.put(0, 4)  # element_instance_tag
    w.put(100, 8)  # global_gain
    w.put(0, 1)  # ics_reserved_bit
    w.put(0, 2)  # ONLY_LONG_SEQUENCE
    w.put(0, 1)  # window_shape
    w.put(0, 6)  # max_sfb = 0
    w.put(0, 1)  # predictor_data_present
    w.put(0, 3)  # pulse, tns, gain_control: absent
    w.put(7, 3)  # ID_END
    return w.to_bytes()


def adts_aac(text: str, sample_rate: int = 22050) -> bytes:
    """AAC-LC in ADTS, mono, silent frames of 1024 samples."""
    block = _silent_aac_block()
    sr_index = {22050: 7, 24000: 6, 16000: 8, 44100: 4, 48000: 3}[sample_rate]
    length = 7 + len(block)
    h = BitWriter()
    h.put(0xFFF, 12)
    h.put(0, 1)  # MPEG-4
    h.put(0, 2)  # layer
    h.put(1, 1)  # protection absent
    h.put(1, 2)  # AAC LC (object type 2 - 1)
    h.put(sr_index, 4)
    h.put(0, 1)  # private
    h.put(1, 3)  # mono
    h.put(0, 4)  # original/home/copyright bits
    h.put(length, 13)
    h.put(0x7FF, 11)  # VBR buffer fullness
    h.put(0, 2)  # one raw data block
    frame = h.to_bytes() + block
    n = max(1, math.ceil(speech_seconds(text) * sample_rate / 1024))
    return frame * n
