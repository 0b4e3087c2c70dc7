"""`/deepgram subscribe`, `unsubscribe` and `subscriptions` in Slack: what each says, with names from the
status page and mention labels shown as inert text."""

from __future__ import annotations

from dataclasses import replace

from bot.slack.kit import MAX_SECTION_TEXT, Reply
from bot.slack.views.subscriptions import (
    AdminView,
    Extras,
    announcement,
    not_subscribed,
    subscribed,
    subscriptions,
    unsubscribed,
    unsubscribed_note,
)
from bot.store import Subscription
from bot.store.leases import Lease

DIGEST = "a weekly digest on Friday at 17:00 Europe/Berlin"
HOSTILE = "<!channel> & co"
COST = "Probes run every 5 min (288 runs a day)."


SUB = Subscription("C1", "T1", ("streaming",), "major", created_by="U9", created_at=1_700_000_000.0)


def _section(reply: Reply) -> str:
    assert reply.blocks is not None
    return str(reply.blocks[0]["text"]["text"])


def _context(reply: Reply) -> str:
    assert reply.blocks is not None
    return str(reply.blocks[-1]["elements"][0]["text"])


def test_the_announcement_names_who_and_what_and_how_to_stop() -> None:
    extras = Extras(mention="S1", mention_label="@oncall", mention_min="major", digest="weekly")
    text, blocks = announcement("U7", ["streaming", HOSTILE], "minor", extras, DIGEST)
    assert text == (
        "<@U7> subscribed this channel to Deepgram alerts: `streaming`, `&lt;!channel&gt; &amp; co`; all severities."
        " New major and critical alerts mention @oncall. A weekly digest on Friday at 17:00 Europe/Berlin."
    )
    assert blocks[0]["text"]["text"].startswith(
        ":satellite_antenna: <@U7> subscribed this channel to Deepgram alerts "
        "(`streaming`, `&lt;!channel&gt; &amp; co`; all severities). Each incident gets one message here"
    )
    assert blocks[1]["elements"][0]["text"] == (
        "`/deepgram unsubscribe` to stop · `/deepgram subscriptions` to see the settings"
    )


def test_the_subscribe_reply_names_at_most_three_active_incidents_escaped() -> None:
    reply = subscribed([], "major", Extras(mention="U1", mention_label=HOSTILE), DIGEST, [HOSTILE, "b", "c", "d"])
    assert reply.text == (
        ":white_check_mark: Subscribed: everything on Deepgram's status page and the bot's own probes; "
        "major and critical only."
    )
    assert _section(reply).splitlines()[1:] == [
        "New alerts mention &lt;!channel&gt; &amp; co.",
        "Right now Deepgram reports: *&lt;!channel&gt; &amp; co*, *b*, *c*. Run `/deepgram status` for details.",
    ]
    assert "Right now" not in _section(subscribed([], "major", Extras(), DIGEST, []))


def test_unsubscribing_says_whether_there_was_anything_to_stop() -> None:
    assert not_subscribed().text == "This channel was not subscribed."
    assert _section(unsubscribed()) == ":no_bell: Unsubscribed: no more Deepgram alerts here."
    assert unsubscribed_note("U7") == "<@U7> turned off Deepgram alerts in this channel."


def test_a_member_sees_this_channel_and_the_cost() -> None:
    reply = subscriptions(None, DIGEST, poll_seconds=60.0, cost=COST, has_api_key=False)
    assert reply.text == (
        "*This channel:* not subscribed. `/deepgram subscribe [<surface>|<component>…] [--min major] "
        "[--mention @group|@user|off] [--mention-min major] [--digest weekly|off]`"
    )
    assert _context(reply) == f"Status page polled every 60 s. {COST} Probes skip without DEEPGRAM_API_KEY."
    mine = replace(SUB, digest="weekly")
    shown = subscriptions(mine, DIGEST, poll_seconds=12.5, cost=COST, has_api_key=True)
    assert shown.text.startswith(
        f"*This channel:* `streaming`; major and critical only · {DIGEST} · by <@U9> <!date^1700000000^"
    )
    assert _context(shown) == f"Status page polled every 12.5 s. {COST}"


def test_an_admin_sees_the_lease_first_then_every_channel() -> None:
    """The lease comes first, where a long list, clipped to the section's 3,000 characters, cannot push it out."""
    paused = replace(
        SUB, channel_id="C2", active=False, deactivated_reason=HOSTILE, mention="S1", mention_label="@oncall"
    )
    everything = [replace(SUB, channel_id=f"C{i}") for i in range(3, 45)]
    lease = Lease("alerts", "bot-1", "host-b", 7, 1_700_000_000.0, 1_700_000_100.0, 1_700_000_130.0)
    admin = AdminView([paused, *everything], lease, now=1_700_000_110.0)
    text = _section(subscriptions(None, DIGEST, poll_seconds=60.0, cost=COST, has_api_key=True, admin=admin))
    assert len(text) <= MAX_SECTION_TEXT
    lines = text.splitlines()
    assert lines[1].startswith("*Alert delivery:* `bot-1` (host `host-b`, pid 7) polls, probes and delivers")
    assert lines[2] == "*All subscriptions (43):*"
    assert lines[3].startswith("• <#C2>: `streaming`; major and critical only · new alerts mention @oncall · by <@U9>")
    assert lines[3].endswith(" · :no_entry: paused (&lt;!channel&gt; &amp; co)")
    empty = AdminView([], None, now=0.0)
    lines = _section(
        subscriptions(None, DIGEST, poll_seconds=60.0, cost=COST, has_api_key=True, admin=empty)
    ).splitlines()
    assert lines[1:] == [
        "*Alert delivery:* no process has polled or delivered yet.",
        "*All subscriptions (0):*",
        "• none",
    ]
