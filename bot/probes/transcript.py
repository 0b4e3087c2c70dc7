"""Is a transcript of the probe clip right? Word error rate against the recorded real transcript.

The clip's words are known from a real Deepgram transcript (`bot/probes/data/README.md`), but the
exact text varies between model versions ("The United States" / "the United States"), and smart
formatting moves punctuation around. So a transcript is compared word by word, case and
punctuation ignored, and judged by its word error rate (WER): substitutions, deletions and
insertions over the number of expected words.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.topics import Topic

__all__ = ["MAX_OK_WER", "TranscriptJudgement", "judge_transcript", "normalise", "word_errors"]

#: Up to this word error rate a transcript is right. The clip is seven words of clean read speech,
#: on which a working model makes no error at all; one word is 14 %, two 29 %, three 43 %. A model
#: update may well drop or change a word or two ("we" → "we're", a missing "the") without anything
#: being wrong with Deepgram, while a broken transcription (garbled audio, a wrong sample rate, the
#: wrong language or model) gets most of the words wrong. One third accepts two wrong words out of
#: seven and flags three.
MAX_OK_WER = 0.34

_WORD = re.compile(r"[a-z0-9]+(?:'[a-z0-9]+)*")


def normalise(text: str) -> list[str]:
    """Lower-case words without punctuation: `We, the people.` → `we the people`."""
    return [w.replace("'", "") for w in _WORD.findall(text.lower())]


def word_errors(expected: Sequence[str], got: Sequence[str]) -> int:
    """Substitutions + deletions + insertions turning `expected` into `got` (word-level Levenshtein)."""
    previous = list(range(len(got) + 1))
    for i, want in enumerate(expected, 1):
        current = [i]
        for j, word in enumerate(got, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (want != word)))
        previous = current
    return previous[-1]


@dataclass(frozen=True)
class TranscriptJudgement:
    """How a transcript compares with the expected words."""

    expected_words: int
    errors: int
    empty: bool

    @property
    def wer(self) -> float:
        return self.errors / self.expected_words if self.expected_words else float(self.errors > 0)

    @property
    def ok(self) -> bool:
        return not self.empty and self.wer <= MAX_OK_WER

    @property
    def topic(self) -> Topic | None:
        if self.empty:
            return Topic.EMPTY_TRANSCRIPT
        return None if self.ok else Topic.WRONG_TRANSCRIPT

    @property
    def differences(self) -> str:
        """`2 of 7 words differ` / `1 of 7 words differs`, for summaries (insertions count as differing words)."""
        verb = "differs" if self.errors == 1 else "differ"
        return f"{self.errors} of {self.expected_words} word{'s' if self.expected_words != 1 else ''} {verb}"


def judge_transcript(transcript: str, expected: Sequence[str] | str) -> TranscriptJudgement:
    """Compare `transcript` with the expected words (a text or its words), case and punctuation ignored."""
    want = normalise(expected if isinstance(expected, str) else " ".join(expected))
    got = normalise(transcript)
    return TranscriptJudgement(expected_words=len(want), errors=word_errors(want, got), empty=not got)
