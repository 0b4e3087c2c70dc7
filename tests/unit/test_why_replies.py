"""The pure replies behind `/deepgram why` and the DM FAQ: what each kind of input gets back."""

from __future__ import annotations

import json

from handlers.dm import faq_reply, message_text
from handlers.why import SUBCOMMAND, why_reply


def rendered(blocks: object) -> str:
    return json.dumps(blocks, ensure_ascii=False)


def test_why_is_registered_with_its_usage() -> None:
    """The subcommand is `why <topic>`, listed by help and in the manifest's usage hint."""
    from handlers import SUBCOMMANDS

    assert SUBCOMMANDS.lookup("why") is SUBCOMMAND
    assert SUBCOMMAND.full_usage == "/deepgram why <topic>"
    assert "why <topic>" in SUBCOMMANDS.usage_hint()


def test_why_topic_is_the_full_playbook() -> None:
    """A topic id gets the whole playbook with its header."""
    reply = why_reply("net-0001")
    assert reply.blocks and reply.blocks[0]["type"] == "header"
    assert reply.text.startswith("NET-0001") and not reply.in_channel


def test_why_nothing_is_the_topic_list() -> None:
    """No argument lists every topic."""
    assert "Troubleshooting topics" in rendered(why_reply("").blocks)


def test_why_unknown_is_did_you_mean() -> None:
    """Unmatched text is quoted back, escaped, with suggestions."""
    reply = why_reply("my timeouts are weird <since> the deploy")
    assert reply.text.startswith("I don't have a playbook for “my timeouts are weird &lt;since&gt; the deploy”.")
    assert "Did you mean" in reply.text


def test_message_text_undoes_slack_markup() -> None:
    """Links, mentions, channel names, escaping and code fences are turned back into plain text."""
    raw = "<@U123> see <https://dpgr.am/net0001|dpgr.am/net0001> in <#C1|dev> &lt;1011&gt; ```NET-0001```"
    assert message_text(raw) == "see https://dpgr.am/net0001 in #dev <1011>  NET-0001"


def test_dm_question_gets_one_section_and_the_button() -> None:
    """A question gets the likely causes of the right playbook and its live-check button."""
    reply = faq_reply("my websocket closes after ten seconds")
    text = rendered(reply.blocks)
    assert reply.text.startswith("NET-0001")
    assert "*Likely causes*" in text and "why_probe_streaming" in text


def test_dm_how_to_question_gets_the_fix() -> None:
    """ "How do I…" is answered with the fix section."""
    text = rendered(faq_reply("how do i stop my websocket closing after 10 seconds of silence").blocks)
    assert "*Fix*" in text and "*Likely causes*" not in text


def test_dm_pasted_error_in_a_code_block() -> None:
    """An error pasted inside a Slack code block is recognised."""
    reply = faq_reply('```{"err_code":"INVALID_AUTH","err_msg":"Invalid credentials.","request_id":"x"}```')
    assert reply.text.startswith("401 Unauthorized")
    assert "why_check_key" in rendered(reply.blocks)


def test_dm_small_talk_gets_a_greeting_and_the_topics() -> None:
    """ "hello" is greeted and shown what to ask about."""
    reply = faq_reply("hello again")
    assert reply.text.startswith("Hi!") and "`net-0001`" in rendered(reply.blocks)


def test_dm_unmatched_question_says_so_and_lists_topics() -> None:
    """A Deepgram question no playbook covers says so and still lists the topics."""
    reply = faq_reply("my timeouts are weird since the deploy")
    assert reply.text.startswith("I couldn't find a playbook for")
    assert "`outage`" in rendered(reply.blocks)
