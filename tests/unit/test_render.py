"""The sandbox's renderer: Slack mrkdwn and Block Kit as terminal text, with no Slack markup left."""

from __future__ import annotations

import re

from bot.alerts.changes import Event
from bot.slack.kit import context, escape, header, section
from bot.slack.views.alerts import root_message
from bot.slack.views.help import help_reply
from handlers import SUBCOMMANDS
from simworld.render import ANSI, PLAIN, NameTable, display_width, mrkdwn, render_message, token_text

NAMES = NameTable(users={"U0ALICE": "alice"}, channels={"C0INC": "incidents"})
# What must never reach the reader: Slack's link, mention and date tokens, entities, shortcodes.
MARKUP = re.compile(r"<[@#!]|<https?:|<mailto:|&lt;|&gt;|&amp;|:[a-z_]+_[a-z_]+:")


def test_emphasis_and_code() -> None:
    """*bold*, _italic_ lose their markers; inline code keeps its backticks in plain text."""
    (line,) = mrkdwn("*Fix* it _now_ with `Token <key>`", NAMES)
    assert line == "Fix it now with `Token <key>`"


def test_markers_inside_words_are_not_emphasis() -> None:
    """Underscores and asterisks inside words stay, as Slack leaves them."""
    (line,) = mrkdwn("PROBE_INTERVAL_SECONDS=0 and 2*3*4", NAMES)
    assert line == "PROBE_INTERVAL_SECONDS=0 and 2*3*4"


def test_links_show_label_and_address() -> None:
    """`<url|label>` is "label (url)", a bare `<url>` the url, `<mailto:…>` the address."""
    assert mrkdwn("<https://deepgram.com/pricing|Deepgram pricing>") == [
        "Deepgram pricing (https://deepgram.com/pricing)"
    ]
    assert mrkdwn("see <https://status.deepgram.com>") == ["see https://status.deepgram.com"]
    assert token_text("mailto:ops@example.com|ops") == "ops (ops@example.com)"


def test_mentions_channels_and_broadcasts_get_names() -> None:
    """`<@U…>` and `<#C…>` become @name and #name; `<!here>` becomes @here."""
    (line,) = mrkdwn("<@U0ALICE> in <#C0INC> and <#C0OTHER|general>, <!here>", NAMES)
    assert line == "@alice in #incidents and #general, @here"


def test_unknown_user_keeps_its_id() -> None:
    """A user the names table does not know is shown by id, never as raw markup."""
    assert mrkdwn("<@U999>") == ["@U999"]


def test_dates_show_their_fallback() -> None:
    """`<!date^epoch^format|fallback>` is the fallback text."""
    (line,) = mrkdwn("since <!date^1795498985^{date_short_pretty} {time}|2026-11-24 05:43 UTC>")
    assert line == "since 2026-11-24 05:43 UTC"


def test_entities_are_decoded_once() -> None:
    """Escaped user text reads as typed: `&lt;!channel&gt;` is `<!channel>` text, not a mention."""
    (line,) = mrkdwn(escape("say <!channel> & <b>"))
    assert line == "say <!channel> & <b>"


def test_code_blocks_are_indented_and_untouched() -> None:
    """A ``` block becomes indented lines; its *stars* and `<…>` are not formatting."""
    lines = mrkdwn('Run:\n```\ncurl -H "Authorization: Token &lt;KEY&gt;" *x*\n```\nThen retry.')
    assert lines == ["Run:", '    curl -H "Authorization: Token <KEY>" *x*', "Then retry."]


def test_two_code_blocks_in_a_row_stay_apart() -> None:
    """Back-to-back code blocks are separated by a blank line."""
    lines = mrkdwn("```\na\n``````\nb\n```")
    assert lines == ["    a", "", "    b"]


def test_quotes_and_emoji() -> None:
    """A raw `>` starts a quote; known shortcodes become emoji, unknown ones stay."""
    assert mrkdwn(">We are investigating.\n:rotating_light: *Down* :party_parrot:") == [
        "│ We are investigating.",
        "🚨 Down :party_parrot:",
    ]


def test_link_inside_bold() -> None:
    """Emphasis around a link keeps the link readable."""
    assert mrkdwn("*<https://stspg.io/x|API errors>*") == ["API errors (https://stspg.io/x)"]


def test_header_section_context_divider() -> None:
    """A header is underlined to its width, a divider is a rule, context is one line."""
    blocks = [header(":white_check_mark: All good"), {"type": "divider"}, section("*Streaming*\nok"), context("a", "b")]
    rendered = render_message("fallback", blocks)
    assert rendered.lines == [
        "✅ All good",
        "=" * display_width("✅ All good"),
        PLAIN.divider,
        "",
        "Streaming",
        "ok",
        "a · b",
    ]


def test_fields_and_accessory_button() -> None:
    """Section fields follow the text; an accessory button is a numbered choice."""
    block = {
        "type": "section",
        "text": {"type": "mrkdwn", "text": "*Balance*"},
        "fields": [{"type": "mrkdwn", "text": "*Project*\nAcme"}, {"type": "plain_text", "text": "$187.42"}],
        "accessory": {
            "type": "button",
            "action_id": "top_up",
            "value": "p1",
            "text": {"type": "plain_text", "text": "Top up"},
        },
    }
    rendered = render_message(None, [block], first_number=7)
    assert rendered.lines == ["Balance", "Project", "Acme", "$187.42", "[7] Top up"]
    assert [(b.number, b.action_id, b.value) for b in rendered.buttons] == [(7, "top_up", "p1")]


def test_buttons_are_numbered_in_order_and_links_are_not() -> None:
    """Action buttons get consecutive numbers; a URL button shows its address and gets none."""
    actions = {
        "type": "actions",
        "elements": [
            {
                "type": "button",
                "action_id": "status_share",
                "value": "1",
                "text": {"type": "plain_text", "text": "Post to channel"},
            },
            {
                "type": "button",
                "action_id": "status_rerun",
                "value": "1",
                "text": {"type": "plain_text", "text": "Run again"},
            },
            {
                "type": "button",
                "url": "https://console.deepgram.com",
                "text": {"type": "plain_text", "text": "Console"},
            },
        ],
    }
    rendered = render_message(None, [actions], first_number=3)
    assert rendered.lines == ["[3] Post to channel  [4] Run again  [Console → https://console.deepgram.com]"]
    assert [b.label for b in rendered.buttons] == ["Post to channel", "Run again"]


def test_text_only_message_and_unknown_block() -> None:
    """Without blocks the mrkdwn text is shown; a block type the renderer lacks is named, not dropped."""
    assert render_message("*Hi* <@U0ALICE>", None, names=NAMES).lines == ["Hi @alice"]
    assert render_message(None, [{"type": "video"}]).lines == ["[video block]"]


def test_the_bots_help_and_an_alert_leave_no_markup() -> None:
    """Real bot output (help, an alert root) renders with no Slack markup left in it."""
    reply = help_reply(SUBCOMMANDS)
    event = Event(
        kind="incident_opened",
        family="incident",
        thread="incident:abc",
        key="incident:abc:investigating",
        severity="major",
        title="Elevated <errors> & latency",
        status="investigating",
        component_names=("Streaming API",),
        body="We are investigating.",
        link="https://stspg.io/abc",
        started_at="2026-11-24T05:43:00Z",
        impact="major",
    )
    text, blocks = root_message(event)
    for rendered in (render_message(reply.text, reply.blocks), render_message(text, blocks, names=NAMES)):
        assert not MARKUP.search(rendered.text), rendered.text
    alert = render_message(text, blocks, names=NAMES).text
    assert "Elevated <errors> & latency (https://stspg.io/abc)" in alert and "Since: 2026-11-24 05:43 UTC" in alert


def test_ansi_style_colours_without_markers() -> None:
    """The colour style wraps bold and code in escape codes instead of showing markers."""
    (line,) = mrkdwn("*Fix*: `curl`", style=ANSI)
    assert line == "\x1b[1mFix\x1b[0m: \x1b[36mcurl\x1b[0m"


def test_display_width_counts_wide_characters() -> None:
    """Emoji take two columns, variation selectors none."""
    assert display_width("ok") == 2
    assert display_width("✅ ok") == 5
    assert display_width("⚠️") == 1
