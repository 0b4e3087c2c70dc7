"""Playbooks as Block Kit: conversion, escaping, Slack's limits, buttons, and the other replies."""

from __future__ import annotations

import json

import pytest

from bot.deepgram import DeepgramError
from bot.playbooks.library import Playbook, load_library
from bot.playbooks.match import match
from bot.probes import ProbeResult
from bot.slack.kit import MAX_HEADER_TEXT, MAX_SECTION_TEXT, Block
from bot.slack.views.playbooks import (
    CHECK_KEY_ACTION,
    LIVE_CHECK_BUTTONS,
    PROBE_STREAMING_ACTION,
    STATUS_ACTION,
    best_section,
    blocks_size,
    compact_blocks,
    no_match_reply,
    playbook_blocks,
    probe_reply,
    quote_query,
    split_mrkdwn,
    to_mrkdwn,
    topic_list_blocks,
)
from bot.topics import Topic
from simworld.slack.blocks import MAX_BLOCKS_CHARS, MAX_MESSAGE_BLOCKS, validate_blocks

LIBRARY = load_library()


def within_limits(blocks: list[Block]) -> None:
    """What Slack would accept: valid blocks, ≤50 of them, sections ≤3000, headers ≤150, total size."""
    assert validate_blocks(blocks) == []
    assert len(blocks) <= MAX_MESSAGE_BLOCKS
    assert blocks_size(blocks) <= MAX_BLOCKS_CHARS
    for block in blocks:
        if block["type"] == "section":
            assert len(block["text"]["text"]) <= MAX_SECTION_TEXT
        if block["type"] == "header":
            assert len(block["text"]["text"]) <= MAX_HEADER_TEXT


def texts(blocks: list[Block]) -> str:
    return json.dumps(blocks, ensure_ascii=False)


def buttons(blocks: list[Block]) -> dict[str, str]:
    return {e["action_id"]: e["value"] for b in blocks if b["type"] == "actions" for e in b["elements"]}


# -- Markdown → mrkdwn ---------------------------------------------------------------------------------


def test_markup_is_converted() -> None:
    """Bold, links, bullets and fences become Slack's forms; the fence's language tag is dropped."""
    md = "**Bold** and [Docs](https://developers.deepgram.com/docs/errors)\n- item\n```python\nx = 1\n```"
    assert to_mrkdwn(md) == ("*Bold* and <https://developers.deepgram.com/docs/errors|Docs>\n• item\n```\nx = 1\n```")


def test_everything_else_is_escaped() -> None:
    """`<`, `>` and `&` are escaped in prose, inline code and code blocks, so nothing becomes markup."""
    md = "Send <!channel> & `Token <API_KEY>`\n```sh\ncurl -H 'a: b' > out <in\n```"
    out = to_mrkdwn(md)
    assert "<!channel>" not in out and "&lt;!channel&gt; &amp;" in out
    assert "`Token &lt;API_KEY&gt;`" in out
    assert "&gt; out &lt;in" in out


def test_markup_inside_code_stays_literal() -> None:
    """`**` and link syntax inside inline code are not converted."""
    assert to_mrkdwn("`**x** [a](https://b.c)`") == "`**x** [a](https://b.c)`"


def test_split_keeps_code_blocks_whole() -> None:
    """Long text is cut between paragraphs; a code block is never cut in the middle of a line."""
    code = "```\n" + "\n".join(f"line {i}" for i in range(40)) + "\n```"
    text = "intro paragraph\n\n" + code + "\n\nafter"
    pieces = split_mrkdwn(text, 120)
    assert all(len(p) <= 120 for p in pieces)
    for piece in pieces:
        assert piece.count("```") % 2 == 0
    joined = "\n".join(pieces)
    assert all(f"line {i}\n" in joined for i in range(40))


# -- every playbook ------------------------------------------------------------------------------------


@pytest.mark.parametrize("playbook", list(LIBRARY), ids=lambda p: p.topic.value)
def test_every_playbook_renders_within_limits(playbook: Playbook) -> None:
    """The full and compact forms of each playbook fit Slack's limits, with all sections and the right button."""
    full = playbook_blocks(playbook)
    within_limits(full)
    assert full[0]["type"] == "header"
    shown = [b["text"]["text"] for b in full if b["type"] == "section"]
    for s in playbook.sections:
        # Every section appears whole: nothing had to be shortened to fit.
        for piece in split_mrkdwn(f"*{s.title}*\n{to_mrkdwn(s.body)}"):
            assert piece in shown, (s.title, piece[:80])
    expected = {LIVE_CHECK_BUTTONS[playbook.live_check][0]: playbook.topic.value} if playbook.live_check else {}
    assert buttons(full) == expected
    compact = compact_blocks(playbook, match("how do i fix it", LIBRARY))
    within_limits(compact)
    assert buttons(compact) == expected


def test_the_brief_buttons() -> None:
    """401 checks the key, NET-0001 probes streaming, an outage runs the status report."""
    assert buttons(playbook_blocks(LIBRARY[Topic.UNAUTHORIZED])) == {CHECK_KEY_ACTION: "401"}
    assert buttons(playbook_blocks(LIBRARY[Topic.NET_0001])) == {PROBE_STREAMING_ACTION: "net-0001"}
    assert buttons(playbook_blocks(LIBRARY[Topic.OUTAGE])) == {STATUS_ACTION: "outage"}


def test_surfaces_without_a_probe_run_the_status_report() -> None:
    """Voice Agent, Flux and TTS-socket playbooks carry the status report's button until their probes exist."""
    assert buttons(playbook_blocks(LIBRARY[Topic.AGENT_CLIENT_TIMEOUT])) == {STATUS_ACTION: "agent-client-timeout"}
    assert buttons(playbook_blocks(LIBRARY[Topic.FLUX])) == {STATUS_ACTION: "flux"}
    assert buttons(playbook_blocks(LIBRARY[Topic.DATA_0001])) == {STATUS_ACTION: "data-0001"}
    assert buttons(playbook_blocks(LIBRARY[Topic.SDK_UPGRADE])) == {}


def test_match_notes_say_why_this_playbook() -> None:
    """A recognised error is named; a free-text match quotes the question; runner-ups are offered."""
    pasted = match('{"err_code":"INVALID_AUTH","err_msg":"Invalid credentials."}', LIBRARY)
    note = texts(playbook_blocks(LIBRARY[Topic.UNAUTHORIZED], pasted))
    assert "Recognised in what you sent: " in note and "err_code INVALID_AUTH" in note
    asked = match("stream disconnects when the user stops talking for a bit", LIBRARY)
    rendered = texts(playbook_blocks(LIBRARY[Topic.NET_0001], asked))
    assert "Best match for “stream disconnects when the user stops talking for a bit”" in rendered
    assert "Not it? Closest other topics: `/deepgram why" in rendered


def test_best_section_follows_the_question() -> None:
    """ "How do I…" gets the fix, "how can I check…" the checks, anything else the likely causes."""
    assert best_section("how do i stop the socket closing") == "fix"
    assert best_section("how can I check my key") == "check"
    assert best_section("my websocket closes after ten seconds") == "causes"


def test_compact_answer_is_one_section_with_a_pointer() -> None:
    """The DM form shows the title, one section and the command for the full playbook."""
    found = match("my websocket closes after ten seconds", LIBRARY)
    blocks = compact_blocks(LIBRARY[Topic.NET_0001], found)
    rendered = texts(blocks)
    assert "*Likely causes*" in rendered and "*Fix*" not in rendered
    assert "Full playbook: `/deepgram why net-0001`" in rendered


def test_topic_list_names_every_topic() -> None:
    """The list has every topic id, grouped, within limits."""
    blocks = topic_list_blocks(LIBRARY)
    within_limits(blocks)
    rendered = texts(blocks)
    for topic in Topic:
        assert f"`{topic.value}`" in rendered


def test_no_match_quotes_safely_and_suggests() -> None:
    """The unmatched text is escaped, secrets in it masked; suggestions and the topic list follow."""
    key = "0123456789abcdef0123456789abcdef01234567"
    found = match(f"<!channel> weird thing with curl -H 'Authorization: Token {key}'", LIBRARY)
    reply = no_match_reply(found, LIBRARY)
    rendered = texts(reply.blocks or [])
    assert key not in rendered and key[:8] not in rendered
    assert "<!channel>" not in rendered
    within_limits(reply.blocks or [])


def test_quote_query_masks_keys_and_tokens() -> None:
    """Deepgram keys, JWTs and Slack tokens never come back in an echo."""
    for secret in (
        "0123456789abcdef0123456789abcdef01234567",
        "eyJhbGciOiJI.eyJzdWIiOiIx.sig",
        "xoxb-1234-5678-abcdef",
    ):
        assert secret not in quote_query(f"my secret is {secret}")


def test_probe_reply_names_the_topics() -> None:
    """A failed probe says what Deepgram said and which playbook explains the failure."""
    result = ProbeResult(
        "streaming",
        "failed",
        "Deepgram rejected the key (401)",
        Topic.UNAUTHORIZED,
        elapsed_ms=42.0,
        timings={"handshake_ms": 40.0},
        http_status=401,
        error=DeepgramError(401, "INVALID_AUTH", "Invalid <credentials>", "req-1"),
        request_id="req-1",
    )
    reply = probe_reply(result, Topic.WEBSOCKET)
    rendered = texts(reply.blocks or [])
    assert "`/deepgram why 401`" in rendered and "`/deepgram why websocket`" in rendered
    assert "Invalid &lt;credentials&gt;" in rendered and "req-1" in rendered
    within_limits(reply.blocks or [])


def test_probe_reply_when_streaming_works() -> None:
    """A passing probe says streaming works from here, pointing back at the client."""
    result = ProbeResult("streaming", "ok", "Streamed the test clip and got the right transcript", elapsed_ms=900.0)
    rendered = texts(probe_reply(result, Topic.NET_0001).blocks or [])
    assert ":large_green_circle:" in rendered and "streaming works from where I run" in rendered


def test_probe_reply_without_a_key() -> None:
    """A skipped probe says there was no key, not that streaming fails."""
    result = ProbeResult("streaming", "skipped", "No DEEPGRAM_API_KEY is configured, so this probe did not run.")
    rendered = texts(probe_reply(result, Topic.NET_0001).blocks or [])
    assert "no Deepgram key to probe with" in rendered and "not only your client" not in rendered
