"""Matching a query to a playbook: ids, aliases, pasted error material, free text, did-you-mean."""

from __future__ import annotations

import pytest

from bot.playbooks.errortext import recognise, status_topic
from bot.playbooks.library import load_library, squash
from bot.playbooks.match import match
from bot.playbooks.search import Field, Index, edit_distance, stem, terms
from bot.topics import Topic

LIBRARY = load_library()


def best(query: str) -> str | None:
    found = match(query, LIBRARY)
    return found.best.value if found.best else None


# -- exact ids and aliases ---------------------------------------------------------------------------


@pytest.mark.parametrize("topic", list(Topic), ids=lambda t: t.value)
def test_every_topic_id_resolves_exactly(topic: Topic) -> None:
    """Each topic id, in any case, is an exact match with full confidence."""
    for typed in (topic.value, topic.value.upper(), f"`{topic.value}`", f"why {topic.value}"):
        found = match(typed, LIBRARY)
        assert (found.best, found.kind, found.score) == (topic, "id", 1.0), typed


def test_every_alias_resolves_to_its_playbook() -> None:
    """Every alias written in a playbook's front matter finds that playbook."""
    for playbook in LIBRARY:
        for alias in playbook.aliases:
            found = match(alias, LIBRARY)
            assert found.best is playbook.topic, (alias, found)
            assert found.kind == "alias"


@pytest.mark.parametrize(
    ("typed", "topic"),
    [
        ("bearer", "401"),
        ("NET-0001", "net-0001"),
        ("net_0001", "net-0001"),
        ("1011", "net-0001"),
        ("1008", "data-0000"),
        ("ws", "websocket"),
        ("empty", "empty-transcript"),
        ("tts", "tts-audio"),
        ("callback", "callback"),
        ("402", "402"),
        ("credits", "credits"),
        ("INVALID_AUTH", "401"),
        ("ASR_PAYMENT_REQUIRED", "402"),
        ("504", "408"),
        ("503", "5xx"),
        ("jwt", "temporary-tokens"),
    ],
)
def test_brief_aliases(typed: str, topic: str) -> None:
    """The short names people actually type land on the right playbook."""
    assert best(typed) == topic


@pytest.mark.parametrize(
    ("typed", "topic"), [("calback", "callback"), ("emtpy", "empty-transcript"), ("net-001", "net-0001")]
)
def test_one_typo_in_a_single_word_still_matches(typed: str, topic: str) -> None:
    """A single mistyped word one edit from an id or alias is accepted."""
    found = match(typed, LIBRARY)
    assert found.best is not None and found.best.value == topic and found.kind == "alias"


def test_squash_ignores_case_and_punctuation() -> None:
    """Ids and aliases compare on letters and digits only."""
    assert squash("NET-0001") == squash("net_0001") == squash("net 0001") == "net0001"


# -- pasted error material ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pasted", "topic"),
    [
        ('{"err_code":"INVALID_AUTH","err_msg":"Invalid credentials.","request_id":"abc"}', "401"),
        (
            '{"err_code":"ASR_PAYMENT_REQUIRED","err_msg":"Project does not have enough credits for an ASR '
            'request and does not have an overage agreement.","request_id":"abc"}',
            "402",
        ),
        ('{"category":"INVALID_JSON","message":"Invalid JSON submitted.","details":"…","request_id":"r"}', "400"),
        ('{"err_code":"Bad Request","err_msg":"Bad Request: No such model/version combination found.",', "models"),
        ('{"error_code":"Service Unavailable","err_msg":"Please try again later","request_id":"r"}', "5xx"),
        ('{"err_code":"Payload Too Large","err_msg":"Input text exceeds maximum character limit of 2400."}', "413"),
        (
            "Deepgram did not receive audio data or a text message within the timeout window. "
            "See https://dpgr.am/net0001",
            "net-0001",
        ),
        ("ConnectionClosedError: received 1008 (policy violation) DATA-0000; then sent 1008", "data-0000"),
        ("closed 1011 NET-0000", "net-0000"),
        ("dg-error: Invalid credentials.", "401"),
        ("server rejected WebSocket connection: HTTP 401", "401"),
        ("server rejected WebSocket connection: HTTP 429", "429"),
        ("httpx.ConnectError: [Errno -3] Temporary failure in name resolution", "network"),
        ("ssl.SSLCertVerificationError: [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed", "network"),
        ("UUID parsing failed: invalid character: expected an optional prefix of `urn:uuid:`", "404"),
        ("PROJECT_NOT_FOUND when calling the management api", "404"),
        ("it says unauthorized", "401"),
    ],
)
def test_pasted_errors_are_recognised(pasted: str, topic: str) -> None:
    """Error bodies, close reasons, header lines and exception text name their playbook."""
    found = match(pasted, LIBRARY)
    assert found.best is not None and found.best.value == topic, found
    assert found.kind == "error" and found.evidence


def test_truncated_json_is_still_read() -> None:
    """A body cut off mid-way still yields its err_code."""
    (clue, *_) = recognise('{"err_code":"TOO_MANY_REQUESTS","err_msg":"Too many requ')
    assert clue.topic is Topic.RATE_LIMITED


def test_numbers_with_units_are_not_statuses() -> None:
    """ "500 ms" and "400 characters" are not HTTP statuses."""
    assert recognise("latency is 500 ms and the text is 400 characters long") == []


def test_status_topics() -> None:
    """Every 5xx without its own playbook is a server error; 504 and 422 have theirs."""
    assert status_topic(502) is Topic.SERVER_ERROR and status_topic(599) is Topic.SERVER_ERROR
    assert status_topic(504) is Topic.TIMEOUT and status_topic(422) is Topic.PAYLOAD_TOO_LARGE
    assert status_topic(418) is None


# -- free text -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("my websocket closes after ten seconds", "net-0001"),
        ("websocket closes after 10 seconds", "net-0001"),
        ("getting 401 but my key works in curl", "401"),
        ("tts returns a tiny mp3", "tts-audio"),
        ("my callback url is never called", "callback"),
        ("is deepgram down right now?", "outage"),
    ],
)
def test_questions_in_own_words(question: str, topic: str) -> None:
    """Questions written the way users write them find their playbook."""
    assert best(question) == topic


def test_misspelled_words_are_corrected() -> None:
    """Typos inside a sentence are corrected to the nearest word in the playbooks."""
    assert best("my websoket keeps disconecting after ten secs") == "net-0001"


def test_unknown_text_gets_suggestions_not_an_answer() -> None:
    """Below the threshold there is no answer, and the closest topics come back as suggestions."""
    found = match("the thing with the stuff is weird since the deploy", LIBRARY)
    assert found.best is None and not found.found


def test_nonsense_has_nothing_to_suggest() -> None:
    """Text with no word from any playbook matches nothing at all."""
    found = match("zzqx plorf", LIBRARY)
    assert (found.best, found.runner_ups) == (None, ())


def test_empty_query_is_the_topic_list() -> None:
    """No topic (or just "why") means: list the topics."""
    for typed in ("", "   ", "why", "``"):
        assert match(typed, LIBRARY).empty


def test_runner_ups_exclude_the_answer() -> None:
    """Alternatives never repeat the chosen playbook and are ordered best first."""
    found = match("stream disconnects when the user stops talking for a bit", LIBRARY)
    assert found.best is Topic.NET_0001
    assert all(c.topic is not found.best for c in found.runner_ups)


# -- the search engine on its own ------------------------------------------------------------------------


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
