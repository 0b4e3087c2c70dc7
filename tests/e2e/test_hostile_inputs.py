"""Hostile text through the real bot, in both transports: nothing the user typed comes back live.

Mentions, links, keys, JWTs, Slack tokens, control characters and 10,000 characters go to every
`/deepgram` subcommand and to the DM path (`tests/hostile.py`); whatever the bot then sends to
Slack (acks, response_url posts, messages, file titles and comments) is inert text: no mention or
link the user typed is live, no credential is shown beyond its last 4 characters. `/deepgram speak`
refuses text holding a credential before anything is synthesised, and `/deepgram subscribe` says
what each Slack refusal means instead of always asking for an invite.
"""

from __future__ import annotations

import io
import json
from typing import Any

import mutagen.id3

from bot.slack import messages
from tests.e2e.conftest import RunningBot, World
from tests.hostile import (
    DEEPGRAM_KEY,
    JWT,
    SLACK_BOT_TOKEN,
    corpus,
    credentials,
    internal_errors,
    replies,
    scan,
    slack_refusals,
    sweep,
)


async def ask(bot: RunningBot, text: str, **kwargs: Any) -> str:
    """Type `/deepgram text`; the private answer's text and blocks as one JSON string."""
    result = await bot.driver.slash_command(text, via=bot.transport, **kwargs)
    assert result.status == 200
    (reply,) = await bot.driver.wait_responses(result.response_url, n=1, timeout=15)
    assert reply.response_type == "ephemeral"
    return json.dumps(reply.body, ensure_ascii=False)


def spoken(world: World) -> list[str]:
    """What the fake Deepgram was asked to say (it writes the text into each MP3's ID3 title)."""
    return [str(mutagen.id3.ID3(io.BytesIO(mp3))["TIT2"].text[0]) for mp3 in world.deepgram.speak_outputs]


async def test_every_subcommand_and_dm_keeps_hostile_text_inert(bot: RunningBot, world: World) -> None:
    """Every input to every subcommand and as a DM: answered, and nothing live or secret in what Slack got."""
    inputs = corpus(world)
    result = await sweep(bot, world, inputs)
    assert len(result.commands) > 150 and len(result.dms) == len(inputs) and result.unanswered == []
    found = scan(result.outputs, credentials(world))
    assert found.live_markup == []
    assert found.credentials == []
    assert found.control == []
    assert internal_errors(result.outputs) == []
    assert slack_refusals(world.slack) == []
    # What was synthesised holds no credential either (speak refuses such text before Deepgram),
    # and neither does the bot's log (stopping it checks for tracebacks and its own secrets).
    assert scan([("spoken", spoken(world))], credentials(world)).credentials == []
    assert scan([("log", bot.process.lines)], credentials(world)).credentials == []
    # The sweep did reach the echoes: Slack's markup read as Slack shows it (`@channel`, a link's label),
    # markup typed literally shown as that text, escaped, and keys masked to their last 4 characters.
    everything = "\n".join(replies(result.outputs))
    assert "I don't know `&lt;!channel&gt;`" in everything and "I don't know `@channel`" in everything
    assert "&lt;https://evil.example|click&gt;" in everything and "I can't see the user group @oncall" in everything
    assert "Alerts can't mention `@channel`" in everything and "I can't find that person" in everything
    assert messages.SPEAK_CREDENTIAL in everything
    assert f"…{DEEPGRAM_KEY[-4:]}" in everything
    shared = [f.initial_comment or "" for f in world.slack.files.values()]
    assert shared and not any("<!" in comment or "<@U0HOSTILE" in comment for comment in shared)


async def test_speak_refuses_credentials_and_quotes_text_inert(bot: RunningBot, world: World) -> None:
    """Text with a credential is refused privately, with why: nothing reaches Deepgram or the channel,
    and the quota is untouched. Other text is shared with a comment where nothing is live."""
    own = (world.deepgram.api_key, world.slack.bot_token)
    for value in (DEEPGRAM_KEY, JWT, SLACK_BOT_TOKEN, *own, f"<mailto:{DEEPGRAM_KEY}|mail>"):
        reply = await ask(bot, f"speak our key is {value}, please read it out", escape=False)
        assert messages.SPEAK_CREDENTIAL in reply and DEEPGRAM_KEY[:-4] not in reply and value[:-4] not in reply
    assert world.deepgram.speak_outputs == [] and world.slack.files == {} and world.slack.uploads == []
    # The refusals cost nothing: six requests from the same person are still within the quota; the
    # last one's public comment quotes the text as plain words: `<!channel>` and links stay text.
    for n in range(5):
        assert "Shared the clip" in await ask(bot, f"speak Hello number {n}.")
    reply = await ask(bot, "speak <!channel> hello <@U0HOSTILE1> see <https://evil.example|click>", escape=False)
    assert "Shared the clip" in reply
    f = list(world.slack.files.values())[-1]
    # Read as Slack shows it (`@channel`, the link's label), then quoted as plain text.
    assert f.initial_comment is not None and "> @channel hello @U0HOSTILE1 see click" in f.initial_comment
    assert "<!channel>" not in f.initial_comment and "<@U0HOSTILE1" not in f.initial_comment
    assert "evil.example" not in f.initial_comment
    assert f.title == "Text to speech (aura-2-thalia-en)"


# -- /deepgram subscribe: each Slack refusal gets its own advice ------------------------------------------

POST_FAILURES = {
    "not_in_channel": ({"error": "not_in_channel"}, "I'm not a member of this channel"),
    "channel_not_found": ({"error": "channel_not_found"}, "I can't see this conversation"),
    "is_archived": ({"error": "is_archived"}, "This channel is archived"),
    "restricted_action": ({"error": "restricted_action"}, "Only some members may post in this channel"),
    "read_only": ({"error": "restricted_action_read_only_channel"}, "This channel is read-only for me"),
    "429": ({"status": 429, "retry_after": 0, "count": 3}, "Slack is rate limiting this app; try again in"),
    "500": ({"status": 500}, "Slack had a problem on its side (`internal_error`)"),
    "503-html": ({"status": 503, "error": "service_unavailable"}, "Slack had a problem on its side"),
    "token": ({"error": "token_revoked"}, "My Slack token doesn't work any more"),
    "other": ({"error": "team_not_found"}, "Slack refused my message in this channel (`team_not_found`)"),
}


async def test_subscribe_says_what_each_refusal_means(bot: RunningBot, world: World) -> None:
    """Each chat.postMessage failure and membership outcome gets its own advice, "invite me" only where
    an invite helps; nothing is saved or announced; what the user typed comes back inert."""
    slack = world.slack
    answers = {}
    for name, (fault, advice) in POST_FAILURES.items():
        slack.fail_next("chat.postMessage", **fault)
        answer = await ask(bot, "subscribe")
        assert advice in answer, (name, answer)
        answers[name] = answer
        invite_helps = name in ("not_in_channel", "channel_not_found")
        assert ("/invite @deepgram-doctor" in answer) == invite_helps, name
    assert len(set(answers.values())) == len(answers)
    assert "not subscribed" in await ask(bot, "subscriptions")
    assert not [m for m in slack.messages(slack.workspace.default_channel.id) if m.bot_id]

    # Membership (`ensure_member`): archived, invisible, a public channel it may not join, Slack busy.
    ws = slack.workspace
    archived = ws.add_channel("old", archived=True, members=[ws.default_user.id])
    private = ws.add_channel("hidden", kind="private", bot_member=False, members=[ws.default_user.id])
    public = ws.add_channel("open", bot_member=False, members=[ws.default_user.id])
    assert messages.SUBSCRIBE_ARCHIVED in await ask(bot, "subscribe", channel=archived.id)
    # A private channel the bot is not in does not exist for it (`channel_not_found`).
    assert messages.SUBSCRIBE_INVISIBLE in await ask(bot, "subscribe", channel=private.id)
    slack.fail_next("conversations.join", error="restricted_action")
    assert "Only some members may post" in await ask(bot, "subscribe", channel=public.id)
    slack.fail_next("conversations.info", status=429, retry_after=0, count=3)
    assert "Slack is rate limiting this app" in await ask(bot, "subscribe", channel=public.id)
    # And where it can: joined, confirmed in the channel, saved.
    assert "Subscribed" in await ask(bot, "subscribe", channel=public.id)
    assert public.is_member(slack.bot_user_id)

    # Unknown words come back as Slack showed them (`<!channel>` is `@channel`), escaped and masked,
    # never live or whole.
    answer = await ask(bot, f"subscribe <!channel> {DEEPGRAM_KEY}", escape=False)
    assert "I don't know the surface or component `@channel`" in answer
    assert "<!channel>" not in answer
    answer = await ask(bot, "subscribe &lt;!channel&gt;", escape=False)
    assert "I don't know the surface or component `&lt;!channel&gt;`" in answer
    answer = await ask(bot, f"subscribe {DEEPGRAM_KEY}")
    assert f"`…{DEEPGRAM_KEY[-4:]}`" in answer and DEEPGRAM_KEY[:-4] not in answer
