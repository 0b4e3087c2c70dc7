"""The probe clip's transcript judged by word error rate against the recorded real transcript."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.probes import CLIP_EXPECTED_WORDS, CLIP_TRANSCRIPT, MAX_OK_WER, judge_transcript, transcript_verdict
from bot.probes.transcript import normalise, word_errors
from bot.topics import Topic

RECORDED = "deepgram/recorded/python-sdk-v4/response_data/listen/rest"


def verdict(transcript: str) -> tuple[str, Topic | None]:
    state, _summary, topic = transcript_verdict("rest", transcript, CLIP_EXPECTED_WORDS)
    return state, topic


def test_the_expected_words_are_the_recorded_transcripts_first_seven(reference_data: Path) -> None:
    """The clip ends where the seventh recorded word ends (2.56 s); its words are the recording's."""
    (response,) = (reference_data / RECORDED).glob("c4e1*-a17f*-response.json")
    words = json.loads(response.read_text())["results"]["channels"][0]["alternatives"][0]["words"]
    assert normalise(CLIP_TRANSCRIPT) == [w["word"] for w in words[:7]]
    assert words[6]["end"] == 2.56 and words[7]["start"] == 2.56


def test_both_recorded_capitalisations_are_right(reference_data: Path) -> None:
    """The SDK test's record: "The United States" (the response) and "the United States" (its expectation)."""
    (record,) = (reference_data / RECORDED).glob("c4e1*-a17f*-error.json")
    data = json.loads(record.read_text())
    variants = [data["actual"], *data["expected"]]
    assert {"The United States" in v for v in variants} == {True, False}
    for whole in variants:
        first_seven = " ".join(whole.split()[:7])
        assert verdict(first_seven) == ("ok", None), first_seven
        assert judge_transcript(first_seven, CLIP_EXPECTED_WORDS).errors == 0


@pytest.mark.parametrize(
    ("transcript", "errors", "state", "topic"),
    [
        ("We, the people of The United States,", 0, "ok", None),  # exact (as the fake answers)
        ("We, the people of the United States.", 0, "ok", None),  # the other capitalisation
        ("we the people of the united states", 0, "ok", None),  # no punctuation at all
        ("We, the people of The United Stakes.", 1, "ok", None),  # one word wrong: no problem
        ("We're the people of United States.", 2, "ok", None),  # two of seven: still within tolerance
        ("Wee, a peep of The United States", 3, "degraded", Topic.WRONG_TRANSCRIPT),  # three: not
        ("He the steeple off a untied state", 6, "degraded", Topic.WRONG_TRANSCRIPT),  # most words wrong
        ("", 7, "failed", Topic.EMPTY_TRANSCRIPT),
        (" . , ", 7, "failed", Topic.EMPTY_TRANSCRIPT),  # punctuation only is empty too
    ],
)
def test_judgements(transcript: str, errors: int, state: str, topic: Topic | None) -> None:
    assert judge_transcript(transcript, CLIP_EXPECTED_WORDS).errors == errors
    assert verdict(transcript) == (state, topic)


def test_half_wrong_is_degraded_with_the_count_in_the_summary() -> None:
    state, summary, topic = transcript_verdict("rest", "We the people of a divided nation", CLIP_EXPECTED_WORDS)
    assert (state, topic) == ("degraded", Topic.WRONG_TRANSCRIPT)
    assert summary == "The transcript of a known speech clip came back wrong (3 of 7 words differ)"


def test_a_close_match_says_so() -> None:
    _, summary, _ = transcript_verdict("rest", "We the people of the United Stakes", CLIP_EXPECTED_WORDS)
    assert summary == (
        "Transcribed the test clip correctly (1 of 7 words differs from the recorded transcript, within tolerance)"
    )


def test_insertions_count_as_errors() -> None:
    """A hallucinated tail is as wrong as missing words."""
    judged = judge_transcript(f"{CLIP_TRANSCRIPT} in order to form a more perfect union", CLIP_EXPECTED_WORDS)
    assert (judged.errors, judged.ok) == (8, False) and judged.wer > 1


def test_threshold_allows_two_of_seven_and_not_three() -> None:
    assert 2 / 7 <= MAX_OK_WER < 3 / 7


def test_word_errors() -> None:
    assert word_errors([], []) == 0 and word_errors(["a"], []) == 1 and word_errors([], ["a"]) == 1
    assert word_errors(["a", "b", "c"], ["a", "x", "c", "d"]) == 2
    assert normalise("Don't STOP, U.S.!") == ["dont", "stop", "u", "s"]
