"""Mentions on root only: which queued delivery mentions the channel's on-call, and how the message shows it."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.alerts import Delivery, Event, Story, deliveries, parse_subscribe_request, stories
from bot.alerts.events import EventKind
from bot.alerts.routing import at_least
from bot.errors import UsageError
from bot.slack.kit import mrkdwn
from bot.slack.mentions import MENTION_OFF, take_mention
from bot.slack.views.alerts import mention_markup, reply_message, root_message
from bot.store import Store, Subscription

AT = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)


def event(kind: EventKind, *, severity: str = "major", thread: str = "incident:i1") -> Event:
    return Event(
        kind=kind,
        family="incident",
        thread=thread,
        key=f"{thread}:{kind}",
        severity=severity,  # type: ignore[arg-type]
        title="Elevated streaming errors",
        status="investigating",
    )


def sub(
    channel: str = "C1",
    *,
    mention: str | None = "S0ONCALL01",
    mention_min: str | None = None,
    min_severity: str = "minor",
) -> Subscription:
    return Subscription(
        channel, "T1", (), min_severity, "U1", 0.0, mention=mention, mention_label="@oncall", mention_min=mention_min
    )


def mentions(found: list[Delivery]) -> list[tuple[str, str, str | None]]:
    return [(d.event.kind, d.channel_id, d.mention) for d in found]


# -- mentions on root only --------------------------------------------------------------------------


def test_mentions_on_root_only_and_once_more_on_the_resolution() -> None:
    """The root mentions; updates never do; the resolution of a story whose root mentioned does, once."""
    told: dict[tuple[str, str], Story] = {}
    opened = deliveries([event("incident_opened")], [sub()], told)
    assert mentions(opened) == [("incident_opened", "C1", "S0ONCALL01")]
    told = stories(("incident:i1", d.channel_id, d.event.kind, bool(d.mention)) for d in opened)
    updates = deliveries([event("incident_updated"), event("incident_updated")], [sub()], told)
    assert [d.mention for d in updates] == [None, None]
    resolved = deliveries([event("incident_resolved")], [sub()], told)
    assert mentions(resolved) == [("incident_resolved", "C1", "S0ONCALL01")]
    # Once: a story whose resolution already mentioned is not mentioned again (another closing event).
    told = stories([("incident:i1", "C1", "incident_opened", True), ("incident:i1", "C1", "incident_resolved", True)])
    assert [d.mention for d in deliveries([event("incident_removed")], [sub()], told)] == [None]


def test_one_batch_counts_in_order() -> None:
    """Opened, updated and resolved in one poll: root and resolution mention, the update does not."""
    batch = [event("incident_opened"), event("incident_updated"), event("incident_resolved")]
    assert [d.mention for d in deliveries(batch, [sub()])] == ["S0ONCALL01", None, "S0ONCALL01"]


def test_below_the_threshold_nothing_mentions() -> None:
    """`--mention-min major`: a minor root does not mention, nor does its resolution (the root did not)."""
    channel = sub(mention_min="major")
    batch = [event("incident_opened", severity="minor"), event("incident_resolved", severity="minor")]
    assert [d.mention for d in deliveries(batch, [channel])] == [None, None]
    # A major root does.
    assert [d.mention for d in deliveries([event("incident_opened", thread="incident:i2")], [channel])] == [
        "S0ONCALL01"
    ]


def test_an_escalation_mentions_once_then_its_resolution() -> None:
    """`--mention-min major`: a minor incident that turns major mentions on the update that says so
    (nobody was told yet), not on the next updates, and once more on its resolution."""
    channel = sub(mention_min="major")
    told = stories([("incident:i1", "C1", "incident_opened", False)])
    minor = deliveries([event("incident_updated", severity="minor")], [channel], told)
    assert [d.mention for d in minor] == [None]
    batch = [
        event("incident_updated", severity="major"),
        event("incident_updated", severity="major"),
        event("incident_resolved", severity="major"),
    ]
    assert [d.mention for d in deliveries(batch, [channel], told)] == ["S0ONCALL01", None, "S0ONCALL01"]
    # The same, from the outbox rows of the escalation (a restart between the polls).
    escalated = stories(
        [("incident:i1", "C1", "incident_opened", False), ("incident:i1", "C1", "incident_updated", True)]
    )
    assert escalated == {("incident:i1", "C1"): Story(True, False)}
    later = deliveries([event("incident_updated"), event("incident_resolved")], [channel], escalated)
    assert [d.mention for d in later] == [None, "S0ONCALL01"]
    # A story that calms down and closes without ever reaching the threshold mentions nobody.
    calm = [event("incident_updated", severity="minor"), event("incident_resolved", severity="minor")]
    assert [d.mention for d in deliveries(calm, [channel], told)] == [None, None]
    # With no threshold the root mentioned already: an update never does.
    everyone = stories([("incident:i1", "C1", "incident_opened", True)])
    assert [d.mention for d in deliveries([event("incident_updated")], [sub()], everyone)] == [None]


def test_each_channel_decides_for_itself() -> None:
    """Channels without a mention, or that only join the story later, get what is theirs."""
    quiet, late = sub("C2", mention=None), sub("C3", mention="U0ANA00001")
    told = stories([("incident:i1", "C1", "incident_opened", True)])
    found = deliveries([event("incident_updated")], [sub(), quiet, late], told)
    # C3 has nothing of this story: the update opens its thread there, so it is C3's root and mentions.
    assert mentions(found) == [
        ("incident_updated", "C1", None),
        ("incident_updated", "C2", None),
        ("incident_updated", "C3", "U0ANA00001"),
    ]


def test_a_story_resolved_on_sight_is_one_mentioning_message() -> None:
    """Opened and resolved between two polls: the single message is the root and mentions once."""
    found = deliveries([event("incident_resolved_on_sight")], [sub()])
    assert [d.mention for d in found] == ["S0ONCALL01"]
    told = stories(("incident:i1", "C1", d.event.kind, bool(d.mention)) for d in found)
    assert told == {("incident:i1", "C1"): Story(True, True)}


def test_filters_still_decide_what_is_posted() -> None:
    """`--min major` posts nothing minor at all, mention or not."""
    assert deliveries([event("incident_opened", severity="minor")], [sub(min_severity="major")]) == []
    assert at_least("major", None) and at_least("minor", "minor") and not at_least("minor", "major")


def test_the_mention_travels_in_the_outbox_row_and_leaves_the_event_alone() -> None:
    """`"mention"` (the ID only) sits in the row's event JSON; `Event.from_json` reads the event without it."""
    (delivery,) = deliveries([event("incident_opened")], [sub()])
    row = delivery.to_json()
    assert row["mention"] == "S0ONCALL01"
    assert Event.from_json(row) == event("incident_opened")
    assert "mention" not in Delivery(event("incident_updated"), "C1").to_json()


def test_the_store_tells_what_each_channel_was_told() -> None:
    """`store.monitor.told` lists the rows delivered or pending, oldest first, with whether they mentioned."""
    store = Store.open(":memory:")
    opened = deliveries([event("incident_opened")], [sub("C1"), sub("C2", mention=None)])
    store.monitor.commit_events({}, [(d.to_json(), d.channel_id) for d in opened], now=1.0)
    other = Delivery(event("incident_opened", thread="incident:i9"), "C1", "S0ONCALL01")
    store.monitor.commit_events({}, [(other.to_json(), "C1")], now=2.0)
    assert store.monitor.told(["incident:i1"]) == [
        ("incident:i1", "C1", "incident_opened", True),
        ("incident:i1", "C2", "incident_opened", False),
    ]
    store.subscriptions.unsubscribe("C1")  # its pending rows are dropped: nothing was told there
    assert store.monitor.told(["incident:i1", "incident:i9"]) == [("incident:i1", "C2", "incident_opened", False)]


# -- how the message shows it -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("stored", "markup"), [("S0ONCALL01", "<!subteam^S0ONCALL01>"), ("U0ANA00001", "<@U0ANA00001>")]
)
def test_root_and_resolution_lead_with_the_mention(stored: str, markup: str) -> None:
    """The mention starts the fallback text and the first block; without one nothing changes."""
    text, blocks = root_message(event("incident_opened"), mention=stored)
    assert text.startswith(markup + " ") and blocks[0]["text"]["text"].startswith(markup + " ")
    plain_text, plain_blocks = root_message(event("incident_opened"))
    assert text == f"{markup} {plain_text}" and markup not in json.dumps(plain_blocks)
    text, blocks = reply_message(event("incident_resolved"), at=AT, mention=stored)
    assert text.startswith(markup + " ") and blocks[0]["text"]["text"].startswith(markup + " ")
    assert markup not in json.dumps(reply_message(event("incident_updated"), at=AT))


@pytest.mark.parametrize("stored", [None, "", "here", "!channel", "U1", "S123>|x", "<@U0ANA00001>", "C0GENERAL1"])
def test_only_stored_ids_become_markup(stored: str | None) -> None:
    """Anything that is not a user or user group ID adds nothing (never markup built from other text)."""
    assert mention_markup(stored) == ""
    text, _ = root_message(event("incident_opened"), mention=stored)
    assert text == root_message(event("incident_opened"))[0]


# -- the subscribe options ------------------------------------------------------------------------------


def test_take_mention_reads_slack_markup() -> None:
    """`--mention` takes one markup token (blanks in its label included), `off`, or `--no-mention`."""
    assert take_mention("rest --mention <!subteam^S0ONCALL01|@on call> --min major") == (
        "<!subteam^S0ONCALL01|@on call>",
        "rest   --min major",
    )
    assert take_mention("--mention=<@U0ANA00001|ana>")[0] == "<@U0ANA00001|ana>"
    assert take_mention("--mention off")[0] == MENTION_OFF
    assert take_mention("--no-mention tts") == (MENTION_OFF, "  tts")
    assert take_mention("--mention-min major") == (None, "--mention-min major")
    assert take_mention("--mention --min major") == (None, "--mention --min major")  # no value: the core says so


def parse(args: str) -> Any:
    return parse_subscribe_request(args, ["Streaming API"])


def test_parse_subscribe_options() -> None:
    """`--mention-min` and `--digest` are read; missing ones keep the channel's (None)."""
    request = parse("streaming --min major --mention-min=MAJOR --digest weekly")
    assert (request.filters, request.min_severity, request.mention_min, request.digest) == (
        ("streaming",),
        "major",
        "major",
        "weekly",
    )
    assert parse("").mention_min is None and parse("").digest is None
    assert parse("--digest off").digest == "off"


@pytest.mark.parametrize(
    ("args", "says"),
    [
        ("--mention-min loud", "`--mention-min` takes `minor`"),
        ("--digest daily", "`--digest` takes `weekly`"),
        ("--colour red", "I don't know the option `--colour`"),
        ("--mention", "`--mention` takes one person or user group"),
        ("--mention-min", "`--mention-min` takes"),
    ],
)
def test_parse_subscribe_refusals(args: str, says: str) -> None:
    with pytest.raises(UsageError) as refused:
        parse(args)
    assert says in mrkdwn(refused.value.user_message)
