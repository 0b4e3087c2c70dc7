"""Matching a query to a playbook: ids, aliases, free text, did-you-mean."""

from __future__ import annotations

import pytest

from bot.playbooks.errortext_realtime import CODES
from bot.playbooks.library import load_library, squash
from bot.playbooks.match import match
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


@pytest.mark.parametrize("code", sorted(CODES))
def test_every_realtime_code_is_an_alias_of_the_playbook_that_recognises_it(code: str) -> None:
    """`/deepgram why <CODE>` opens the same playbook a pasted message with that code leads to."""
    found = match(code, LIBRARY)
    assert (found.best, found.kind) == (CODES[code], "alias")


@pytest.mark.parametrize(
    ("typed", "topic"),
    [
        ("CLIENT_MESSAGE_TIMEOUT", "agent-client-timeout"),
        ("flux", "flux"),
        ("/deepgram why DATA-0001", "data-0001"),
        ("agent INTERNAL_SERVER_ERROR", "agent-downstream"),
        ("INTERNAL_SERVER_ERROR", "5xx"),
    ],
)
def test_realtime_ids_and_aliases(typed: str, topic: str) -> None:
    """The issue's examples; a bare INTERNAL_SERVER_ERROR stays the generic server error."""
    assert best(typed) == topic


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
