"""The probe's speech clip: a WAV for the REST probe, its PCM payload for the streaming one."""

from __future__ import annotations

import io
import wave
from dataclasses import dataclass
from importlib import resources

__all__ = ["CLIP_EXPECTED_WORDS", "CLIP_TRANSCRIPT", "Clip"]

#: What the probe clip says: the first seven words of the real nova-3 transcript recorded by Deepgram's
#: SDK tests for the speech the clip is cut from (`data/README.md`). Transcripts are judged against
#: these words by word error rate, case and punctuation ignored (`bot.probes.transcript`).
CLIP_TRANSCRIPT = "We, the people of The United States"
CLIP_EXPECTED_WORDS = tuple(CLIP_TRANSCRIPT.split())


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
