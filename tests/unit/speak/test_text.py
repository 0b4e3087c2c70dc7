"""Text to speech, the text: splitting into pieces, what a voice can say, the checks before synthesis."""

from __future__ import annotations

import random

import pytest

from bot.errors import UsageError
from bot.slack.incoming import plain_text
from bot.speak.text import clean_text, is_speakable, prepare_text, split_text
from bot.speak.voices import AURA1_CHAR_LIMIT, AURA2_CHAR_LIMIT, char_limit


def words(text: str) -> list[str]:
    return text.split()


def check_split(text: str, limit: int) -> list[str]:
    """Split and check the invariants every split must keep."""
    pieces = split_text(text, limit)
    assert all(0 < len(p) <= limit for p in pieces), [len(p) for p in pieces]
    assert all(p == p.strip() for p in pieces)
    # Same words, same order: only whitespace at the cuts may go (a word cut in two rejoins).
    assert "".join(words(text)) == "".join("".join(words(p)) for p in pieces)
    return pieces


# -- splitting ---------------------------------------------------------------------------------------


def test_short_text_is_one_piece_and_empty_text_none() -> None:
    """Text within the limit is not cut; whitespace-only text gives no pieces."""
    assert split_text("  Hello there.  ", 1000) == ["Hello there."]
    assert split_text("   \n ", 1000) == []


def test_cuts_fall_on_sentence_boundaries() -> None:
    """Every piece ends a sentence when the sentences fit the limit."""
    sentences = [f"Sentence number {i} says something useful about Deepgram." for i in range(60)]
    pieces = check_split(" ".join(sentences), AURA2_CHAR_LIMIT)
    assert len(pieces) == 4
    assert all(p.endswith(".") for p in pieces)


def test_pieces_are_balanced_not_greedy() -> None:
    """The piece count is the minimum, and the sizes are evened out (the longest sets the wall time)."""
    text = " ".join(f"This is sentence {i:03d} of a long text." for i in range(100))  # 3,699 characters
    pieces = check_split(text, AURA2_CHAR_LIMIT)
    assert len(pieces) == 4
    assert max(map(len, pieces)) - min(map(len, pieces)) < 100


def test_evening_out_never_cuts_a_sentence_that_fits() -> None:
    """Balancing sizes must not split a sentence that fits one request, even to shorten the longest piece."""
    short, long_ = "Short one here. " * 6, "A long sentence, with clauses, " * 30 + "ends."
    text = f"{short.strip()} {long_} {short.strip()}"
    assert len(long_) < AURA2_CHAR_LIMIT
    pieces = check_split(text, AURA2_CHAR_LIMIT)
    assert pieces == [short.strip(), long_, short.strip()]


def test_question_and_exclamation_marks_quotes_and_newlines_end_sentences() -> None:
    """?, !, …, closing quotes and line breaks are all sentence boundaries."""
    text = 'Is it down? "Yes!" It is… Paragraph\nNext line here.'
    pieces = check_split(text, 20)
    assert pieces == ['Is it down? "Yes!"', "It is… Paragraph", "Next line here."]


def test_monster_sentence_is_cut_at_clauses_then_words() -> None:
    """A sentence over the limit is cut at commas/semicolons, and a clause over it at spaces."""
    clauses = ", ".join(f"clause {i} goes on and on" for i in range(80))  # one 2,000-char sentence
    pieces = check_split(clauses + ".", AURA2_CHAR_LIMIT)
    assert all(p.endswith(",") or p.endswith(".") for p in pieces)
    no_punctuation = " ".join(["word"] * 600)
    pieces = check_split(no_punctuation, AURA2_CHAR_LIMIT)
    assert all(p.startswith("word") and p.endswith("word") for p in pieces)


def test_a_word_longer_than_the_limit_is_hard_cut() -> None:
    """A URL or hash with no boundary at all is cut at the limit, nothing lost."""
    url = "https://example.com/" + "a" * 2500
    pieces = check_split(f"See {url} now.", AURA2_CHAR_LIMIT)
    assert len(pieces) == 4 and pieces[0] == "See" and "".join(pieces[1:]).replace(" ", "") == f"{url}now."


def test_cjk_sentences_split_without_spaces() -> None:
    """Japanese text (Aura-2 has ja voices) is cut after 。 although there are no spaces."""
    text = "これはテストです。" * 200  # 1,800 characters, no whitespace
    pieces = split_text(text, AURA2_CHAR_LIMIT)
    assert len(pieces) == 2 and all(p.endswith("。") for p in pieces) and "".join(pieces) == text


def test_random_texts_keep_the_invariants() -> None:
    """Random mixes of words, punctuation and long tokens always split within the limit, losslessly."""
    rng = random.Random(5)
    vocabulary = ["Deepgram", "is", "down.", "why?", "keys,", "a;", "—", "x" * 300, "done!", "\n\n", "ok"]
    for _ in range(200):
        text = " ".join(rng.choice(vocabulary) for _ in range(rng.randint(1, 400)))
        check_split(text, rng.choice([50, 200, AURA2_CHAR_LIMIT, AURA1_CHAR_LIMIT]))


def test_limits_follow_the_model_family() -> None:
    """Aura-2 voices take 1000 characters per request, Aura-1 voices 2000 (deepgram.md §3.4)."""
    assert char_limit("aura-2-thalia-en") == 1000
    assert char_limit("aura-asteria-en") == 2000
    assert len(prepare_text("Hello. " * 250, "aura-2-thalia-en").pieces) == 2
    assert len(prepare_text("Hello. " * 250, "aura-asteria-en").pieces) == 1


# -- text checks -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", [":tada:", ":+1::skin-tone-2: :fire:", "🎉🔥", "1️⃣ #️⃣", "  ", "— … !!!"])
def test_emoji_symbols_and_spaces_are_not_speakable(text: str) -> None:
    """Only emoji (shortcodes or Unicode), keycaps, punctuation or spaces: nothing to say."""
    assert not is_speakable(text)


@pytest.mark.parametrize("text", ["hi :tada:", "42", "Ça va ?", "これは", "🎉 ok"])
def test_words_and_numbers_are_speakable(text: str) -> None:
    """Any letter or digit in any script makes text speakable."""
    assert is_speakable(text)


def test_clean_text_refuses_empty_unspeakable_and_over_long() -> None:
    """Empty → usage, emoji-only → its own message, over SPEAK_MAX_CHARS → the ceiling message."""
    with pytest.raises(UsageError, match="nothing to speak"):
        clean_text("   ", max_chars=100)
    with pytest.raises(UsageError, match="only emoji"):
        clean_text(":wave: :tada:", max_chars=100)
    with pytest.raises(UsageError, match="101 characters; I speak at most 100"):
        clean_text("x" * 101, max_chars=100)
    # Slack markup is read before the text reaches the core (`bot.slack.incoming.plain_text`).
    assert clean_text(plain_text(" <!here> ready "), max_chars=100) == "@here ready"
