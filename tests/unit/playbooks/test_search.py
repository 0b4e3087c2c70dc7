"""The free-text search engine on its own: stems, phrases, synonyms, typos, field weights."""

from __future__ import annotations

from bot.playbooks.search import Field, Index, edit_distance, stem, terms


def test_stems_merge_word_forms() -> None:
    """Plural, past and -ing forms share a stem."""
    assert stem("closes") == stem("closed") == stem("closing") == stem("close")


def test_phrases_and_synonyms_fold_together() -> None:
    """ "ten seconds" and "10 sec" become one term; "drops" reads as the concept close."""
    assert "10s" in terms("after ten seconds") and "10s" in terms("after 10 sec")
    assert "~close" in terms("it drops") and "~close" in terms("it disconnects")


def test_edit_distance_counts_swaps_once() -> None:
    """Damerau-Levenshtein: an adjacent swap is one edit; the limit cuts the search short."""
    assert edit_distance("emtpy", "empty", 2) == 1
    assert edit_distance("kitten", "sitting", 5) == 3
    assert edit_distance("abc", "xyzxyz", 1) == 2


def test_title_words_outrank_body_words() -> None:
    """A word in a heavily weighted field counts more than the same word in a light one."""
    index = Index({"a": [Field("socket", 3.0)], "b": [Field("socket", 0.3), Field("other words here", 1.0)]})
    assert [h.key for h in index.search("socket")] == ["a", "b"]
