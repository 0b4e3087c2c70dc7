"""The check-key checklist as Block Kit: header, verdict, a line per check, footer; never the key itself."""

from __future__ import annotations

import json

import pytest

from bot.keys import NO_KEY, ApiKeyFacts, Check, KeyCheck, ProjectFacts
from bot.keys.checklist import balance_check
from bot.prose import Prose
from bot.slack.kit import mrkdwn, section
from bot.slack.views.help import unknown_subcommand_reply
from bot.slack.views.keys import check_line, notice_reply, render_key_check, verdict_line
from bot.topics import Topic
from handlers import SUBCOMMANDS
from tests.unit.keys.answers import KEY, PID, URL, balances, build, err, facts, ok


def test_render_never_shows_the_key_and_links_playbooks() -> None:
    """The rendered reply: header with `…2c3d` only, verdict, one section per line, footer with rotation advice."""
    result = build(f"Bearer {KEY}", facts(as_pasted=err(401), bal=balances(0)))
    reply = render_key_check(result)
    dumped = json.dumps([reply.text, reply.blocks])
    assert KEY not in dumped and KEY[:-4] not in dumped
    assert reply.blocks and reply.blocks[0]["text"]["text"] == "Key check …2c3d"
    assert reply.in_channel is False
    assert reply.text == "Key check …2c3d: 2 problems, 0 warnings"
    assert "`/deepgram why 401`" in dumped and "`/deepgram why credits`" in dumped
    assert "rotate it" in reply.blocks[-1]["elements"][0]["text"]


def test_render_stays_within_block_kit_limits() -> None:
    """Fifty project balances still render as at most 50 blocks."""
    many = tuple(ProjectFacts(f"p{i}", f"P{i}", keys=ok({}), balances=balances(50)) for i in range(60))
    fx = ApiKeyFacts(projects=ok({"projects": []}), project_facts=many, project_names=tuple(f"P{i}" for i in range(60)))
    reply = render_key_check(build(KEY, fx))
    assert reply.blocks and len(reply.blocks) <= 50 and reply.blocks[-1]["type"] == "context"


@pytest.mark.parametrize(
    ("states", "expected"),
    [
        (("pass", "info"), ":white_check_mark: *All checks pass.*"),
        (("pass", "warn"), ":warning: *Works, with 1 warning.*"),
        (("fail", "warn", "warn"), ":x: *1 problem found, 2 warnings.*"),
        (("fail", "fail"), ":x: *2 problems found.*"),
    ],
)
def test_verdict_line(states: tuple[str, ...], expected: str) -> None:
    """The summary counts problems and warnings; information lines don't count."""
    checks = tuple(Check(s, "x", Prose.plain("y")) for s in states)  # type: ignore[arg-type]
    assert verdict_line(KeyCheck("…abcd", "api_key", "pasted", URL, checks)) == expected


def test_check_line_format() -> None:
    """Emoji, bold label, text; then an arrow with the next step and the playbook command."""
    check = Check("fail", "Scheme", Prose.plain("Wrong."), Prose.plain("Do this."), Topic.UNAUTHORIZED)
    assert check_line(check) == ":x: *Scheme*: Wrong.\n→ Do this. `/deepgram why 401`"
    assert check_line(Check("pass", "A", Prose.plain("Fine."), topic=Topic.CREDITS)) == ":white_check_mark: *A*: Fine."


def test_a_key_pasted_without_check_key_is_not_echoed() -> None:
    """`/deepgram <key>`: the unknown-subcommand answer shows only `…2c3d` and suggests check-key."""
    reply = unknown_subcommand_reply(KEY, SUBCOMMANDS)
    dumped = json.dumps([reply.text, reply.blocks], ensure_ascii=False)
    assert KEY[:8] not in dumped and "`…2c3d`" in dumped
    assert "Did you mean `/deepgram check-key`?" in reply.text


def test_labels_and_remote_words_are_escaped() -> None:
    """A project name from Deepgram is escaped in the label and the text: no live mention, no broken link."""
    project = ProjectFacts(PID, "<!channel> & co", keys=ok({}), balances=balances(187.42))
    rendered = check_line(balance_check(project))
    assert rendered == ":white_check_mark: *Balance of &lt;!channel&gt; &amp; co*: $187.42."
    assert check_line(Check("info", "Copy & paste", Prose.plain("x"))).startswith(
        ":information_source: *Copy &amp; paste*"
    )


def test_a_code_span_with_values_is_one_code_span() -> None:
    """`Authorization: {scheme} <key>` in backticks renders as one code span, escaped."""
    prose = Prose.of("Send `Authorization: {scheme} <key>` to *{name}*.", scheme="Token", name="A&B")
    assert mrkdwn(prose) == "Send `Authorization: Token &lt;key&gt;` to *A&amp;B*."


def test_notices_are_one_section() -> None:
    """No key configured: the notice is the fallback text and one information section."""
    reply = notice_reply(NO_KEY)
    assert reply.text.startswith("No `DEEPGRAM_API_KEY` is configured for the bot")
    assert reply.text.endswith("`/deepgram check-key &lt;key&gt;`.")
    assert reply.blocks == [section(f":information_source: {reply.text}")]
    assert reply.in_channel is False
