"""MP3 framing and joining (pure): headers, tags, Xing/Info frames, and one playable file from many."""

from __future__ import annotations

import io

import mutagen.mp3
import pytest

from bot.speak.mp3 import (
    audio_frames,
    duration_seconds,
    frames,
    id3v2_length,
    is_info_frame,
    join_mp3,
    looks_like_mp3,
    parse_header,
    split_id3v2,
    strip_trailing_tags,
)
from simworld.deepgram import synth

# MPEG-1 Layer III, 128 kbit/s, 44100 Hz, no CRC, no padding, joint stereo: a 417-byte frame.
MPEG1_HEADER = bytes((0xFF, 0xFB, 0x90, 0x44))


def mpeg1_frame(fill: int = 0x55, *, xing: bytes | None = None) -> bytes:
    """One MPEG-1 Layer III frame; with `xing`, a Xing/Info tag sits after the 32-byte side info."""
    body = bytearray([fill]) * (417 - 4)
    if xing is not None:
        body[32 : 32 + len(xing)] = xing
    return MPEG1_HEADER + bytes(body)


def id3v2(payload: bytes = b"TIT2\x00\x00\x00\x04\x00\x00\x03abc", *, footer: bool = False) -> bytes:
    """An ID3v2.4 tag around `payload`, optionally with the 10-byte footer."""
    n = len(payload)
    size = bytes(((n >> 21) & 0x7F, (n >> 14) & 0x7F, (n >> 7) & 0x7F, n & 0x7F))
    flags = 0x10 if footer else 0
    tag = b"ID3\x04\x00" + bytes([flags]) + size + payload
    return tag + (b"3DI\x04\x00" + bytes([flags]) + size if footer else b"")


def id3v1() -> bytes:
    """A 128-byte ID3v1 tag."""
    return b"TAG" + b"title".ljust(30, b"\0") + bytes(95)


def ape(items: bytes = b"\x05\x00\x00\x00\x00\x00\x00\x00Title\x00hello") -> bytes:
    """An APEv2 tag with header and footer (the size field counts items + footer)."""
    common = b"APETAGEX" + (2000).to_bytes(4, "little") + (len(items) + 32).to_bytes(4, "little")
    common += (1).to_bytes(4, "little")
    head = common + (0x80000000 | 0x20000000).to_bytes(4, "little") + bytes(8)
    foot = common + (0x80000000).to_bytes(4, "little") + bytes(8)
    return head + items + foot


def test_parse_header_reads_mpeg1_and_mpeg2_layer3() -> None:
    """Bitrate, sample rate, frame length and samples come from the 4 header bytes."""
    h = parse_header(MPEG1_HEADER)
    assert h is not None
    assert (h.mpeg1, h.layer, h.bitrate, h.sample_rate, h.length, h.samples) == (True, 3, 128000, 44100, 417, 1152)
    fake = synth.mp3("Hi.", "aura-2-thalia-en")  # Deepgram's format: MPEG-2 L3 48 kbit/s 22050 Hz mono
    _, audio = split_id3v2(fake)
    h2 = parse_header(audio)
    assert h2 is not None
    assert (h2.mpeg1, h2.layer, h2.bitrate, h2.sample_rate, h2.mono, h2.samples) == (False, 3, 48000, 22050, True, 576)
    assert h2.length in (156, 157)


@pytest.mark.parametrize(
    "raw",
    [b"", b"\xff", b'{"er', b"\xff\xfb\xf0\x44", b"\xff\xfb\x0c\x44", b"\xff\xeb\x90\x44", b"\xff\xf9\x90\x44"],
)
def test_parse_header_refuses_non_frames(raw: bytes) -> None:
    """Short input, no sync, bad bitrate, reserved sample rate, reserved version or layer: None."""
    assert parse_header(raw) is None


def test_id3v2_length_with_and_without_footer() -> None:
    """The syncsafe size plus 10 header bytes, plus 10 more when the footer flag is set."""
    assert id3v2_length(id3v2(b"x" * 300)) == 310
    assert id3v2_length(id3v2(b"x" * 300, footer=True)) == 320
    assert id3v2_length(b"ID3\x04\x00\x00\x00\x00\x02\x80") == 0  # not syncsafe: not a tag
    assert id3v2_length(MPEG1_HEADER) == 0


def test_strip_trailing_tags_removes_id3v1_and_ape_in_either_order() -> None:
    """ID3v1 and APEv2 at the end go, in whichever order they were written; frames stay."""
    audio = mpeg1_frame() * 3
    assert strip_trailing_tags(audio + id3v1()) == audio
    assert strip_trailing_tags(audio + ape()) == audio
    assert strip_trailing_tags(audio + ape() + id3v1()) == audio
    assert strip_trailing_tags(audio + id3v1() + ape()) == audio
    assert strip_trailing_tags(audio) == audio


def test_info_frames_are_recognised() -> None:
    """A Xing or Info tag after the side information, or VBRI at byte 36, marks an info frame."""
    assert is_info_frame(mpeg1_frame(xing=b"Xing\x00\x00\x00\x0f"))
    assert is_info_frame(mpeg1_frame(xing=b"Info\x00\x00\x00\x0f"))
    vbri = bytearray(mpeg1_frame())
    vbri[36:40] = b"VBRI"
    assert is_info_frame(bytes(vbri))
    assert not is_info_frame(mpeg1_frame())


def test_audio_frames_strips_everything_but_audio() -> None:
    """ID3v2 (with footer), a Xing frame, ID3v1 and APE are all removed; the audio frames are kept whole."""
    audio = mpeg1_frame(0x11) + mpeg1_frame(0x22)
    clip = id3v2(footer=True) + mpeg1_frame(xing=b"Info") + audio + ape() + id3v1()
    assert audio_frames(clip) == audio


def test_join_of_one_clip_is_the_clip_unchanged() -> None:
    """A single clip is returned byte for byte, tags and all."""
    clip = id3v2() + mpeg1_frame(xing=b"Xing") + mpeg1_frame() + id3v1()
    assert join_mp3([clip]) == clip


def test_join_keeps_the_first_id3v2_and_every_clip_audio_in_order() -> None:
    """First clip's ID3v2 tag, then each clip's frames in order, without other tags or info frames."""
    a, b, c = (mpeg1_frame(fill) for fill in (0x01, 0x02, 0x03))
    first = id3v2(b"first-tag") + mpeg1_frame(xing=b"Xing") + a + id3v1()
    second = id3v2(b"second-tag") + mpeg1_frame(xing=b"Info") + b + ape()
    third = c
    joined = join_mp3([first, second, third])
    assert joined == id3v2(b"first-tag") + a + b + c


def test_join_refuses_nothing() -> None:
    """Joining no clips is a programming error."""
    with pytest.raises(ValueError):
        join_mp3([])


def test_joined_fake_deepgram_clips_play_for_the_sum_of_their_durations() -> None:
    """Clips as the (fake) Deepgram makes them join into one MP3 that mutagen reads as one stream."""
    texts = ["First sentence here.", "A second, somewhat longer sentence follows it.", "Third."]
    clips = [synth.mp3(t, "aura-2-thalia-en") for t in texts]
    joined = join_mp3(clips)
    assert joined.startswith(split_id3v2(clips[0])[0])  # the first clip's tag leads
    assert duration_seconds(joined) == pytest.approx(sum(duration_seconds(c) for c in clips))
    # Every byte after the tag belongs to a frame: nothing in the middle a player would choke on.
    _, audio = split_id3v2(joined)
    assert sum(h.length for h in frames(joined)) == len(audio)
    info = mutagen.mp3.MP3(io.BytesIO(joined)).info
    assert info.sample_rate == 22050 and info.length == pytest.approx(duration_seconds(joined), abs=0.1)


def test_looks_like_mp3() -> None:
    """Real frames pass; JSON, text, empty bodies and a lone garbage sync do not."""
    assert looks_like_mp3(synth.mp3("Hello.", "aura-2-thalia-en"))
    assert looks_like_mp3(mpeg1_frame())  # one frame filling the body
    assert looks_like_mp3(mpeg1_frame() + id3v1())
    assert not looks_like_mp3(b'{"err_code":"Bad Request","err_msg":"x"}')
    assert not looks_like_mp3(b"")
    assert not looks_like_mp3(MPEG1_HEADER + b"short")
    assert not looks_like_mp3(mpeg1_frame() + b"garbage after the first frame")
