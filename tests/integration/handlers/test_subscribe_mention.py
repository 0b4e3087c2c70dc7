"""`/deepgram subscribe --mention @group-or-user` and `--digest`, typed in the fake Slack (which escapes the
text like Slack with `should_escape`) and checked with `users.info` / `usergroups.list`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from simworld.slack import Message
from simworld.world import World
from tests.integration.handlers.inprocess import Bot, running_bot


@pytest.fixture
async def world(reference_data: Path) -> AsyncIterator[World]:
    async with World(api_ref_dir=reference_data / "slack" / "slack-api-ref") as world:
        yield world
        assert world.slack.contract_violations == []


@pytest.fixture
async def bot(world: World) -> AsyncIterator[Bot]:
    async with running_bot(world, DIGEST_DAY="fri", DIGEST_HOUR="17", DIGEST_TZ="Europe/Berlin") as bot:
        yield bot


def posted(world: World) -> list[Message]:
    """What the bot posted in the default channel (the subscription notices)."""
    return [m for m in world.slack.messages(world.slack.workspace.default_channel.id) if m.bot_id]


async def test_a_group_mention_is_checked_stored_and_shown_as_plain_words(bot: Bot, world: World) -> None:
    """`--mention @oncall`: the group's ID is stored, its handle shown as text (never a live mention)."""
    ws = world.slack.workspace
    oncall = ws.add_usergroup("oncall", users=[ws.default_user])
    reply = await bot.say("subscribe streaming --mention @oncall --min major")
    assert "Subscribed" in reply and "New alerts mention @oncall." in reply
    sub = bot.store.subscriptions.get(ws.default_channel.id)
    assert sub is not None
    assert (sub.filters, sub.min_severity, sub.mention, sub.mention_label, sub.mention_min) == (
        ("streaming",),
        "major",
        oncall.id,
        "@oncall",
        None,
    )
    (notice,) = posted(world)
    assert "New alerts mention @oncall." in notice.text and "<!subteam" not in notice.text + str(notice.blocks)
    listed = await bot.say("subscriptions")
    assert "new alerts mention @oncall" in listed and "<!subteam" not in listed
    calls = [c for c in world.slack.calls if c.method == "usergroups.list"]
    assert calls and calls[0].args.get("include_disabled") in ("1", "true", True)


async def test_a_person_from_a_threshold_kept_across_resubscribing_and_removed(bot: Bot, world: World) -> None:
    """`--mention @ana --mention-min major`; subscribing again keeps it; `--mention off` removes it."""
    ws = world.slack.workspace
    ana = ws.add_user("ana", real_name="Ana Lima")
    channel = ws.default_channel.id
    reply = await bot.say("subscribe --mention @ana --mention-min major")
    assert "New major and critical alerts mention @ana." in reply
    assert [c.args.get("user") for c in world.slack.calls if c.method == "users.info"][-1] == ana.id
    await bot.say("subscribe tts")
    sub = bot.store.subscriptions.get(channel)
    assert sub is not None and (sub.filters, sub.mention, sub.mention_min) == (("tts",), ana.id, "major")
    await bot.say("subscribe --mention-min minor")
    sub = bot.store.subscriptions.get(channel)
    assert sub is not None and (sub.filters, sub.mention, sub.mention_min) == ((), ana.id, "minor")
    for removal in ("subscribe --mention off", "subscribe --no-mention"):
        reply = await bot.say(removal)
        sub = bot.store.subscriptions.get(channel)
        assert sub is not None and sub.mention is None and sub.mention_label is None and "mention" not in reply


REFUSALS = {
    "broadcast": ("--mention @here", "Alerts can't mention `@here`"),
    "channel": ("--mention @channel", "Alerts can't mention `@channel`"),
    "typed, not picked": ("--mention @nobody", "I can't tell who `@nobody` is"),
    "a channel": ("--mention #general", "`--mention` takes one person or user group"),
    "no value": ("--mention", "`--mention` takes one person or user group"),
    "disabled group": ("--mention @old-team", "The user group @old-team is disabled"),
    "a bot": ("--mention @deepgram-doctor", "@deepgram-doctor is a bot or an app"),
    "deactivated": ("--mention @gone", "@gone's account is deactivated"),
    "threshold alone": ("--mention-min major", "`--mention-min` says from which severity"),
}


@pytest.mark.parametrize("case", REFUSALS, ids=list(REFUSALS))
async def test_refusals_say_what_to_do_and_change_nothing(bot: Bot, world: World, case: str) -> None:
    ws = world.slack.workspace
    ws.add_usergroup("old-team", disabled=True)
    ws.add_user("gone").deleted = True
    args, says = REFUSALS[case]
    reply = await bot.say(f"subscribe {args}")
    assert says in reply, reply
    assert bot.store.subscriptions.get(ws.default_channel.id) is None and posted(world) == []


async def test_a_group_slack_knows_but_the_bot_cannot_see(bot: Bot, world: World) -> None:
    """Picked in another workspace, or deleted since: refused with what to do."""
    reply = await bot.say("subscribe --mention <!subteam^S0ELSEWHR1|@platform>", escape=False)
    assert "I can't see the user group @platform" in reply and "ask a Slack admin" in reply
    reply = await bot.say("subscribe --mention <@U0NOBODY01|ghost>", escape=False)
    assert "I can't find that person in this workspace (`user_not_found`)" in reply
    assert bot.store.subscriptions.get(world.slack.workspace.default_channel.id) is None


@pytest.mark.parametrize(("scope", "who"), [("usergroups:read", "@oncall"), ("users:read", "@ana")])
async def test_a_missing_scope_is_named_for_the_admin(bot: Bot, world: World, scope: str, who: str) -> None:
    ws = world.slack.workspace
    ws.add_usergroup("oncall")
    ws.add_user("ana")
    ws.bot_scopes.discard(scope)
    reply = await bot.say(f"subscribe --mention {who}")
    assert f"I need the Slack permission `{scope}`" in reply and "reinstalling Deepgram Doctor" in reply
    assert bot.store.subscriptions.get(ws.default_channel.id) is None


async def test_the_weekly_digest_option(bot: Bot, world: World) -> None:
    """`--digest weekly` is stored, confirmed with the configured schedule, listed; `--digest off` ends it."""
    channel = world.slack.workspace.default_channel.id
    reply = await bot.say("subscribe --digest weekly")
    assert "A weekly digest on Friday at 17:00 Europe/Berlin." in reply
    assert [s.channel_id for s in bot.store.subscriptions.digest_channels()] == [channel]
    assert "a weekly digest on Friday at 17:00 Europe/Berlin" in await bot.say("subscriptions")
    await bot.say("subscribe rest")  # kept when not mentioned
    assert [s.channel_id for s in bot.store.subscriptions.digest_channels()] == [channel]
    assert "weekly digest" not in await bot.say("subscribe --digest off")
    assert bot.store.subscriptions.digest_channels() == []
    assert "`--digest` takes `weekly`" in await bot.say("subscribe --digest daily")


async def test_admins_see_every_channel_with_its_mention(bot: Bot, world: World) -> None:
    ws = world.slack.workspace
    ws.default_user.is_admin = True
    oncall = ws.add_usergroup("oncall")
    room = ws.add_channel("incidents", members=[ws.default_user])
    await bot.say("subscribe --mention @oncall", channel=room.id)
    listed = await bot.say("subscriptions")
    assert "not subscribed" in listed and f"<#{room.id}>" in listed and "new alerts mention @oncall" in listed
    assert oncall.id not in listed
