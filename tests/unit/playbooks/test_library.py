"""Playbook files: one per topic, well formed, shipped in the package, and right about Deepgram."""

from __future__ import annotations

import re
import tomllib
from fnmatch import fnmatch

import pytest

from bot.playbooks.library import SECTIONS, Library, Playbook, PlaybookError, load_library, parse_playbook, squash
from bot.slack.views.playbooks import LIVE_CHECK_BUTTONS
from bot.topics import Topic
from tests.conftest import ROOT

LIBRARY = load_library()
PLAYBOOKS = list(LIBRARY)
GOOD = """---
title: A title
summary: One line.
group: Errors
aliases: first, Second Alias
keywords: a, b
live_check: key
---

## Symptom
s
## Likely causes
c
## How to check
h
## Fix
f
## Docs
d
"""


def ids(p: Playbook) -> str:
    return p.topic.value


def test_every_topic_has_a_playbook() -> None:
    """All 41 topic ids load from the package, in Topic order."""
    assert [p.topic for p in LIBRARY] == list(Topic)
    assert len(LIBRARY) == 41


@pytest.mark.parametrize("playbook", PLAYBOOKS, ids=ids)
def test_playbook_is_complete(playbook: Playbook) -> None:
    """Every playbook has its front matter and the five sections, in order, none empty."""
    assert playbook.title and len(playbook.title) <= 150
    assert playbook.summary and len(playbook.summary) <= 140
    assert [s.title for s in playbook.sections] == list(SECTIONS.values())
    assert all(s.body.strip() for s in playbook.sections)
    assert playbook.aliases, "aliases make a topic findable by what people type"


@pytest.mark.parametrize("playbook", PLAYBOOKS, ids=ids)
def test_fix_has_a_snippet_and_docs_link_deepgram(playbook: Playbook) -> None:
    """The fix shows code, and the docs section links pages on Deepgram's own sites."""
    assert "```" in playbook.section("fix").body
    links = re.findall(r"\]\((https?://[^)]+)\)", playbook.section("docs").body)
    assert links
    for url in links:
        assert re.match(r"https://(developers\.deepgram\.com|status\.deepgram\.com|deepgram\.com)/?", url), url


@pytest.mark.parametrize("playbook", PLAYBOOKS, ids=ids)
def test_snippets_cover_python_and_javascript(playbook: Playbook) -> None:
    """Every playbook shows its checks or fix in Python and in JavaScript (most in curl too)."""
    languages = set(re.findall(r"^```(\w+)", playbook.text, re.M))
    assert {"python", "js"} <= languages, languages


@pytest.mark.parametrize("playbook", PLAYBOOKS, ids=ids)
def test_button_labels_match_live_checks(playbook: Playbook) -> None:
    """A playbook that tells the reader to press a button carries exactly that button (several live
    checks share the status report's button until their own probes exist)."""
    text = playbook.text
    for _, label in LIVE_CHECK_BUTTONS.values():
        if f"**{label}**" in text:
            assert playbook.live_check is not None, f"{playbook.topic.value} mentions {label!r}"
            assert LIVE_CHECK_BUTTONS[playbook.live_check][1] == label, f"{playbook.topic.value} mentions {label!r}"


def test_aliases_are_unique_and_never_shadow_an_id() -> None:
    """No alias is claimed by two playbooks, and an alias never equals another topic's id."""
    owners: dict[str, Topic] = {}
    for p in LIBRARY:
        for name in (p.topic.value, *p.aliases):
            key = squash(name)
            assert owners.setdefault(key, p.topic) is p.topic, name


def test_parse_reads_front_matter_and_sections() -> None:
    """A well-formed file parses into fields, lists and sections."""
    p = parse_playbook(Topic.CALLBACK, GOOD)
    assert (p.title, p.summary, p.group, p.live_check) == ("A title", "One line.", "Errors", "key")
    assert p.aliases == ("first", "Second Alias")
    assert p.section("fix").body == "f"


@pytest.mark.parametrize(
    ("broken", "problem"),
    [
        (GOOD.replace("---\ntitle", "title", 1), "no front matter"),
        (GOOD.replace("summary: One line.\n", ""), "lacks 'summary'"),
        (GOOD.replace("live_check: key", "live_check: magic"), "unknown live_check"),
        (GOOD.replace("## Fix\nf\n", ""), "sections must be"),
        (GOOD.replace("## Fix\nf\n", "## Fix\n\n"), "is empty"),
        (GOOD.replace("keywords: a, b", "keywords"), "without a colon"),
    ],
)
def test_parse_refuses_malformed_files(broken: str, problem: str) -> None:
    """A malformed playbook fails loudly, naming the topic and the problem."""
    with pytest.raises(PlaybookError, match=problem):
        parse_playbook(Topic.CALLBACK, broken)


def test_duplicate_alias_is_refused() -> None:
    """Two playbooks claiming one alias is an error, not a silent overwrite."""
    one = parse_playbook(Topic.CALLBACK, GOOD)
    other = parse_playbook(Topic.LATENCY, GOOD.replace("aliases: first, Second Alias", "aliases: FIRST"))
    with pytest.raises(PlaybookError, match="used by both"):
        Library([one, other])


def test_package_data_ships_the_playbooks() -> None:
    """pyproject's package discovery and package-data patterns include every playbook file."""
    from setuptools import find_namespace_packages

    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    packages = find_namespace_packages(where=str(ROOT), include=config["packages"]["find"]["include"])
    assert "bot.playbooks.data" in packages and "bot.probes.data" in packages
    patterns = config["package-data"]["*"]
    for topic in Topic:
        assert (ROOT / "bot" / "playbooks" / "data" / f"{topic.value}.md").is_file()
        assert any(fnmatch(f"{topic.value}.md", pattern) for pattern in patterns)


# -- content: the corrections of deepgram.md §11 must hold in every playbook -------------------------

ALL_TEXT = {p.topic.value: p.text for p in PLAYBOOKS}


def sentences_with(needle: str) -> list[tuple[str, str]]:
    found = []
    for topic, text in ALL_TEXT.items():
        for sentence in re.split(r"(?<=[.!?])\s+|\n", text):
            if needle.lower() in sentence.lower():
                found.append((topic, sentence))
    return found


def test_api_keys_are_always_sent_with_the_token_scheme() -> None:
    """No snippet sends an API key as Bearer; Bearer only ever carries a JWT."""
    for topic, text in ALL_TEXT.items():
        assert not re.search(r"Bearer \$DEEPGRAM_API_KEY|Bearer \$\{?key|Bearer \{key\}|Bearer \$\{process", text), (
            topic
        )


def test_query_token_auth_is_never_recommended() -> None:
    """`?token=` appears only to say it is undocumented."""
    for topic, sentence in sentences_with("?token="):
        assert "not documented" in sentence or "don't rely" in sentence, (topic, sentence)


def test_there_is_no_default_raw_audio_format() -> None:
    """No playbook claims raw audio defaults to 16 kHz PCM; the empty-transcript one says the opposite."""
    for topic, sentence in sentences_with("default"):
        assert not re.search(r"default\w*\s+(raw\s+)?(format|encoding)\s+is\s+.*16", sentence, re.I), (topic, sentence)
    assert "no default raw format" in ALL_TEXT["empty-transcript"]


def test_fictional_models_are_only_named_as_fictional() -> None:
    """`nova-3-meeting` is only ever mentioned as a model that does not exist."""
    for topic, sentence in sentences_with("nova-3-meeting"):
        assert "not exist" in sentence or "fictional" in sentence, (topic, sentence)
        assert topic == "models"


def test_tts_limits_are_per_model() -> None:
    """Aura-2 REST is 1000 characters (422 over it); 2000 is never stated as the general limit."""
    text = ALL_TEXT["413"]
    assert "Aura-2: 1000 characters" in text and "422" in text
    for topic, sentence in sentences_with("2000 characters"):
        assert "Aura-1" in sentence or "Speak" in sentence, (topic, sentence)


def test_free_credit_expiry_is_not_stated_as_fact() -> None:
    """The $200 credit is quoted; a fixed 12-month expiry never is."""
    assert "$200" in ALL_TEXT["credits"]
    for topic, text in ALL_TEXT.items():
        assert "12 months" not in text.replace('"12 months"', ""), topic


def test_pre_recorded_price_is_labelled_as_such() -> None:
    """$0.0043/min is the pre-recorded price, and streaming is said to cost more."""
    for topic, sentence in sentences_with("0.0043"):
        assert "pre-recorded" in sentence, (topic, sentence)
    assert "streaming costs more" in ALL_TEXT["credits"]


def test_close_codes_and_reason_are_exact() -> None:
    """NET-0001 is 1011 with Deepgram's exact reason; DATA-0000 is 1008."""
    reason = (
        "Deepgram did not receive audio data or a text message within the timeout window. See https://dpgr.am/net0001"
    )
    assert reason in ALL_TEXT["net-0001"]
    assert "**1011**" in ALL_TEXT["net-0001"] and "**1008**" in ALL_TEXT["data-0000"]
    for topic, text in ALL_TEXT.items():
        assert not re.search(r"1008\W+NET-0001|NET-0001\W+\(?close 1008", text), topic


def test_keepalive_caveat_is_stated() -> None:
    """KeepAlive is a text frame and does not hold a stream that never got audio."""
    text = ALL_TEXT["net-0001"]
    assert "**text** frame" in text and "does not hold a stream that never received audio" in text
