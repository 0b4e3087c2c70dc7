"""The probe's speech clip: a WAV for the REST probe, its PCM payload for the streaming one."""

from __future__ import annotations

import io
import wave
from dataclasses import dataclass
from importlib import resources

__all__ = ["CLIP_EXPECTED_WORDS", "Clip"]

# Words a correct transcript of the probe clip contains. Numbers are left out on purpose:
# smart_format may write "one two three" as digits.
CLIP_EXPECTED_WORDS = ("testing", "speech", "recognition")


@dataclass(frozen=True)
class Clip:
    """The probe's speech: a WAV for the REST probe, its PCM payload for the streaming one."""

    wav: bytes
    pcm: bytes
    sample_rate: int
    expected_words: tuple[str, ...]

    @property
    def seconds(self) -> float:
        return len(self.pcm) / (2 * self.sample_rate)

    @classmethod
    def load(cls) -> Clip:
        data = resources.files("bot.probes").joinpath("data/probe-clip.wav").read_bytes()
        with wave.open(io.BytesIO(data)) as w:
            if w.getsampwidth() != 2 or w.getnchannels() != 1:
                raise ValueError("probe clip must be PCM16 mono")
            pcm = w.readframes(w.getnframes())
            rate = w.getframerate()
        return cls(wav=data, pcm=pcm, sample_rate=rate, expected_words=CLIP_EXPECTED_WORDS)
