"""Text to speech, the pure parts: splitting, text checks, Slack markup, voices, cost, quota, arguments."""

from __future__ import annotations

import random

import pytest

from bot.config import Settings
from bot.errors import ConfigError, UsageError
from bot.slack.kit import escape
from bot.speak.service import SpeakArgs, parse_speak_args, share_comment, voices_blocks
from bot.speak.tts import (
    AURA1_CHAR_LIMIT,
    AURA2_CHAR_LIMIT,
    BUILTIN_VOICES,
    DEFAULT_VOICE,
    QuotaPolicy,
    SpeakQuota,
    VoiceCatalog,
    char_limit,
    clean_text,
    estimate_cost,
    format_cost,
    is_speakable,
    prepare_text,
    slack_to_plain,
    split_text,
    suggest_voices,
    voices_from_models,
)
from simworld.deepgram import TTS_MODELS


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


def test_slack_markup_becomes_readable_text() -> None:
    """Mentions, broadcasts, channels and links are read as what Slack shows, not as markup."""
    assert slack_to_plain("hi <@U123|ana> and <@U456>") == "hi @ana and @U456"
    assert slack_to_plain("<!channel> <!here> <!subteam^S1|@oncall>") == "@channel @here @oncall"
    assert slack_to_plain("see <#C1|general> and <https://x.io|the docs> or <https://y.io>") == (
        "see #general and the docs or https://y.io"
    )


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
    assert clean_text(" <!here> ready ", max_chars=100) == "@here ready"


# -- voices ------------------------------------------------------------------------------------------------


def test_builtin_voices_are_real_names() -> None:
    """Every built-in voice exists in the fake's catalogue (the OpenAPI enum), default first."""
    assert BUILTIN_VOICES[0].model == DEFAULT_VOICE
    assert {v.model for v in BUILTIN_VOICES} <= set(TTS_MODELS)
    assert {v.family for v in BUILTIN_VOICES} == {"aura-2", "aura"}
    assert sum(v.family == "aura" for v in BUILTIN_VOICES) == 12  # the 12 Aura-1 English voices (§6)


def test_voices_from_models_reads_tts_entries_and_skips_the_rest() -> None:
    """`tts[]` entries become voices; STT entries, non-Aura and malformed ones are skipped."""
    body = {
        "stt": [{"name": "nova-3", "canonical_name": "nova-3-general"}],
        "tts": [
            {"name": "thalia", "canonical_name": "aura-2-thalia-en", "architecture": "aura-2", "languages": ["en"]},
            {"name": "zeus", "canonical_name": "aura-zeus-en", "architecture": "aura", "languages": ["en-US"]},
            {"name": "alexis", "canonical_name": "flux-alexis-en", "architecture": "flux"},
            {"canonical_name": "aura-2-thalia-en", "architecture": "aura-2"},
            "garbage",
        ],
    }
    voices = voices_from_models(body)
    assert [(v.model, v.family, v.language) for v in voices] == [
        ("aura-2-thalia-en", "aura-2", "en"),
        ("aura-zeus-en", "aura", "en"),
    ]
    assert voices_from_models({"tts": "nope"}) == () and voices_from_models(None) == ()


def test_suggestions_for_typos_and_bare_names() -> None:
    """A typo or a bare voice name suggests the full model name, Aura-2 English first."""
    known = [v.model for v in BUILTIN_VOICES]
    assert suggest_voices("aura-2-thalya-en", known)[0] == "aura-2-thalia-en"
    assert suggest_voices("thalia", known)[0] == "aura-2-thalia-en"
    assert suggest_voices("zeus", known)[:2] == ["aura-2-zeus-en", "aura-zeus-en"]
    assert suggest_voices("zzzzzzzz", known) == []


def test_voice_list_blocks_group_by_family_and_language() -> None:
    """The list has one section per family and language, Aura-2 English first with the default leading."""
    blocks = voices_blocks(VoiceCatalog(BUILTIN_VOICES, live=False, note="this key cannot read it (HTTP 403)"))
    sections = [b["text"]["text"] for b in blocks if b["type"] == "section"]
    assert sections[0].startswith("*Aura-2 · English* (") and "`aura-2-thalia-en`" in sections[0].split(":", 1)[1][:25]
    assert any(s.startswith("*Aura-1 · English* (12)") for s in sections)
    footer = blocks[-1]["elements"][0]["text"]
    assert "Built-in list" in footer and "HTTP 403" in footer
    assert len(blocks) <= 50 and all(len(s) <= 3000 for s in sections)


# -- cost, comment -------------------------------------------------------------------------------------------


def test_cost_estimates_are_rough_and_per_family() -> None:
    """Aura-2 costs about twice Aura-1 per character; tiny amounts read as "under $0.01"."""
    assert estimate_cost(1000, "aura-2-thalia-en") == pytest.approx(2 * estimate_cost(1000, "aura-asteria-en"))
    assert format_cost(estimate_cost(13, "aura-2-thalia-en")) == "under $0.01"
    assert format_cost(estimate_cost(4000, "aura-2-thalia-en")).startswith("about $0.")


def test_share_comment_escapes_markup_in_the_excerpt() -> None:
    """Who asked is a real mention; anything from the text is escaped, so no mention or link goes live."""
    speak = prepare_text("Deploy <b>now</b> & tell <https://evil.example|everyone>", "aura-2-thalia-en")
    comment = share_comment("U123", speak, "about $0.01")
    assert comment.startswith(":speaking_head_in_silhouette: <@U123> asked")
    assert "&lt;b&gt;now&lt;/b&gt; &amp; tell" in comment
    assert "<b>" not in comment and "<https://evil" not in comment
    assert "`aura-2-thalia-en`" in comment and "deepgram.com/pricing" in comment
    assert escape("<!channel>") == "&lt;!channel&gt;"


# -- quota ---------------------------------------------------------------------------------------------------


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_quota_counts_requests_and_characters_per_user_in_a_sliding_window() -> None:
    """Over N requests or C characters in the window → seconds to wait; other users are unaffected."""
    clock = Clock()
    quota = SpeakQuota(clock)
    policy = QuotaPolicy(requests=3, chars=1000, window_seconds=600)
    assert quota.take("T:U1", 400, policy) is None
    clock.now += 100
    assert quota.take("T:U1", 400, policy) is None
    wait = quota.take("T:U1", 400, policy)  # 1,200 characters > 1,000
    assert wait == pytest.approx(500)  # the first request leaves the window at t+600
    assert quota.take("T:U2", 400, policy) is None
    assert quota.take("T:U1", 100, policy) is None  # 900 characters, 3 requests: fits
    assert quota.take("T:U1", 1, policy) == pytest.approx(500)  # a 4th request: too many
    clock.now += 501
    assert quota.take("T:U1", 400, policy) is None


def test_quota_refund_and_impossible_requests() -> None:
    """A refunded request no longer counts; a request larger than the whole allowance waits a full window."""
    clock = Clock()
    quota = SpeakQuota(clock)
    policy = QuotaPolicy(requests=1, chars=100, window_seconds=60)
    assert quota.take("k", 80, policy) is None
    quota.refund("k", 80)
    assert quota.take("k", 80, policy) is None
    assert quota.take("other", 101, policy) == 60


def test_default_policy_scales_with_the_ceiling() -> None:
    """Six requests and three maximum-length texts per user every ten minutes."""
    policy = QuotaPolicy.for_max_chars(5000)
    assert (policy.requests, policy.chars, policy.window_seconds) == (6, 15000, 600)


# -- arguments and configuration -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ("Hello  there", SpeakArgs("Hello  there")),
        ("--voice aura-2-luna-en Hello", SpeakArgs("Hello", voice="aura-2-luna-en")),
        ("--voice=aura-asteria-en  Hi\nthere", SpeakArgs("Hi\nthere", voice="aura-asteria-en")),
        ("Hello there --voice aura-2-luna-en", SpeakArgs("Hello there", voice="aura-2-luna-en")),
        ("--voices", SpeakArgs("", list_voices=True)),
        ("  --voices  ", SpeakArgs("", list_voices=True)),
        ("", SpeakArgs("")),
        ("-- not an option", SpeakArgs("-- not an option")),
    ],
)
def test_parse_speak_args(args: str, expected: SpeakArgs) -> None:
    """Options first (or `--voice` last), the text otherwise kept as typed."""
    assert parse_speak_args(args) == expected


@pytest.mark.parametrize(("args", "match"), [("--voice", "needs a voice"), ("--speed 2 hi", "`--speed`")])
def test_parse_speak_args_refuses_bad_options(args: str, match: str) -> None:
    """A `--voice` without a value or an unknown option is a usage error that shows the usage."""
    with pytest.raises(UsageError, match=match) as info:
        parse_speak_args(args)
    assert "/deepgram speak [--voice <model>] <text>" in info.value.user_message


def test_speak_max_chars_setting() -> None:
    """SPEAK_MAX_CHARS defaults to 5000, takes a whole number, and is validated with the rest."""
    assert Settings.from_env({}, slack=False).speak_max_chars == 5000
    assert Settings.from_env({"SPEAK_MAX_CHARS": "1200"}, slack=False).speak_max_chars == 1200
    for bad in ("0", "lots", "2.5", "1000000"):
        with pytest.raises(ConfigError) as info:
            Settings.from_env({"SPEAK_MAX_CHARS": bad}, slack=False)
        assert any("SPEAK_MAX_CHARS" in p for p in info.value.problems)
