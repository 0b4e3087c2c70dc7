"""/deepgram speak through the real bot, in both transports: the exact MP3 reaches Slack's upload
endpoint and is shared in the right place with its comment; every refusal and failure is explained."""

from __future__ import annotations

import io
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import mutagen.id3
import pytest

from bot.speak.mp3 import join_mp3
from simworld.slack import Channel, CommandResult, File, Message, ResponseUrlPost
from tests.e2e.conftest import RunningBot, World, start_bot, stop_bot
from tests.e2e.test_status import section_texts

LONG = " ".join(
    f"Paragraph {i}: when transcripts stop arriving, first check the status page, then the key, then the audio."
    for i in range(38)
)  # 4,000 characters or so: five Aura-2 requests


def spoken_text(mp3: bytes) -> str:
    """What the fake Deepgram said in this MP3 (it writes the text into the ID3 title)."""
    return str(mutagen.id3.ID3(io.BytesIO(mp3))["TIT2"].text[0])


async def speak(
    bot: RunningBot, text: str, *, channel: Channel | str | None = None, user: Any = None
) -> tuple[CommandResult, ResponseUrlPost]:
    """Type `/deepgram speak <text>`; check the quick ack; return it with the private reply."""
    result = await bot.driver.slash_command(f"speak {text}".rstrip(), channel=channel, user=user, via=bot.transport)
    assert result.status == 200  # acknowledged inside Slack's window (the fake enforces it)
    (reply,) = await bot.driver.wait_responses(result.response_url, n=1, timeout=15)
    assert reply.response_type == "ephemeral"
    return result, reply


def reply_text(reply: ResponseUrlPost) -> str:
    body = reply.body or {}
    return (body.get("text") or "") + "\n" + section_texts(body)


def shares(world: World, channel: Channel) -> list[Message]:
    return [m for m in world.slack.messages(channel.id) if m.subtype == "file_share"]


def shared_file(world: World, message: Message) -> File:
    (file_id,) = message.files
    return world.slack.files[file_id]


def speak_requests(world: World) -> list[Any]:
    return [r for r in world.deepgram.requests if r.route == "speak"]


# -- the clip reaches the channel --------------------------------------------------------------------


async def test_short_text_is_shared_in_the_channel_byte_for_byte(bot: RunningBot, world: World) -> None:
    """Ack at once; Deepgram's MP3 reaches the upload endpoint unchanged; shared in the channel with the comment."""
    channel = world.slack.workspace.default_channel
    user = world.slack.workspace.default_user
    result, reply = await speak(bot, "Hello from Deepgram Doctor.")
    assert "On it: Deepgram Aura text-to-speech" in json.dumps(result.body)
    (audio,) = world.deepgram.speak_outputs
    (upload,) = world.slack.uploads
    assert upload.status == 200 and upload.received == len(audio)
    assert world.slack.files[str(upload.file_id)].content == audio
    (share,) = shares(world, channel)
    f = shared_file(world, share)
    assert (f.content, f.name, f.mimetype) == (audio, "deepgram-aura-2-thalia-en.mp3", "audio/mpeg")
    assert share.text == f.initial_comment
    assert f"<@{user.id}> asked for this" in share.text
    assert "`aura-2-thalia-en`" in share.text and "27 characters" in share.text and "under $0.01" in share.text
    assert "Hello from Deepgram Doctor." in share.text
    assert "Shared the clip in this channel: 27 characters" in reply_text(reply)
    methods = [c.method for c in world.slack.calls]
    assert "files.upload" not in methods
    assert methods[-2:] == ["files.getUploadURLExternal", "files.completeUploadExternal"]


async def test_long_text_is_split_synthesised_in_parallel_and_joined_in_order(bot: RunningBot, world: World) -> None:
    """4,000 characters: several Aura-2-sized requests; the upload is their MP3s joined in text order."""
    _, reply = await speak(bot, LONG)
    outputs = world.deepgram.speak_outputs
    assert len(outputs) == 5
    pieces = [spoken_text(o) for o in outputs]
    assert all(len(p) <= 1000 for p in pieces)
    in_order = sorted(outputs, key=lambda o: LONG.index(spoken_text(o)))
    assert " ".join(spoken_text(o) for o in in_order) == LONG
    (share,) = shares(world, world.slack.workspace.default_channel)
    assert shared_file(world, share).content == join_mp3(in_order)
    assert "synthesised in 5 parts and joined" in reply_text(reply)
    assert all(r.query == {"model": "aura-2-thalia-en", "encoding": "mp3"} for r in speak_requests(world))


async def test_another_voice_and_markup_that_never_goes_live(bot: RunningBot, world: World) -> None:
    """`--voice` picks the model; mentions and broadcasts typed in the text (which Slack sends as
    `<!channel>`, `<@U…|alice>`, `<!here>` with `should_escape`) are spoken as Slack shows them, never
    re-posted live; `<!channel>` typed literally stays that text."""
    await speak(bot, "--voice aura-asteria-en @channel ship it & tell @alice a<b @here, not <!channel>")
    (request,) = speak_requests(world)
    assert request.query["model"] == "aura-asteria-en"
    assert spoken_text(world.deepgram.speak_outputs[0]) == "@channel ship it & tell @alice a<b @here, not <!channel>"
    (share,) = shares(world, world.slack.workspace.default_channel)
    quoted = share.text.splitlines()[-1]
    assert quoted == "> @channel ship it &amp; tell @alice a&lt;b @here, not &lt;!channel&gt;"
    for live in ("<!channel>", "<!here>"):
        assert live not in share.text
    assert "<@" not in quoted


# -- where it was typed ------------------------------------------------------------------------------


async def test_public_channel_without_the_bot_is_joined_first(bot: RunningBot, world: World) -> None:
    """A public channel the bot is not in: it joins (channels:join), then shares there."""
    ws = world.slack.workspace
    room = ws.add_channel("voice-tests", members=[ws.default_user], bot_member=False)
    _, reply = await speak(bot, "Joining works.", channel=room)
    assert [m.subtype for m in world.slack.messages(room.id)] == ["channel_join", "file_share"]
    assert shared_file(world, shares(world, room)[0]).content == world.deepgram.speak_outputs[0]
    assert "I joined this channel to share the clip" in reply_text(reply)


async def test_public_channel_without_join_scope_asks_for_an_invite(bot: RunningBot, world: World) -> None:
    """Without channels:join the user is told how to invite the bot; nothing is synthesised."""
    ws = world.slack.workspace
    ws.bot_scopes.discard("channels:join")
    room = ws.add_channel("locked", members=[ws.default_user], bot_member=False)
    _, reply = await speak(bot, "Nobody will hear this.", channel=room)
    assert "/invite @deepgram-doctor" in reply_text(reply)
    assert speak_requests(world) == [] and world.slack.uploads == []


@pytest.mark.parametrize("where", ["private", "people-dm"])
async def test_private_channel_or_dm_without_the_bot_goes_to_the_users_dm(
    bot: RunningBot, world: World, where: str
) -> None:
    """Where the bot cannot post (channel_not_found), the clip goes to the user's DM with the bot, and they are told."""
    ws = world.slack.workspace
    bob = ws.add_user("bob")
    if where == "private":
        place = ws.add_channel("secret", kind="private", members=[ws.default_user, bob], bot_member=False)
    else:
        place = ws.add_channel("", kind="im", members=[ws.default_user, bob], bot_member=False)
    _, reply = await speak(bot, "Only for you.", channel=place)
    dm = ws.app_dm(ws.default_user.id, create=False)
    assert dm is not None
    (share,) = shares(world, dm)
    assert shared_file(world, share).content == world.deepgram.speak_outputs[0]
    assert world.slack.messages(place.id) == []
    assert "sent the clip to you in our direct messages" in reply_text(reply)


async def test_private_channel_with_the_bot_and_the_bots_own_dm_share_in_place(bot: RunningBot, world: World) -> None:
    """A private channel the bot was invited to, and its own DM, are shared into directly."""
    ws = world.slack.workspace
    ops = ws.add_channel("ops", kind="private", members=[ws.default_user], bot_member=True)
    dm = ws.app_dm(ws.default_user.id)
    assert dm is not None
    for place in (ops, dm):
        _, reply = await speak(bot, "Right here.", channel=place)
        assert len(shares(world, place)) == 1
        assert "Shared the clip in this channel" in reply_text(reply)


async def test_archived_channel_is_refused_clearly(bot: RunningBot, world: World) -> None:
    """An archived channel: a clear message, no synthesis, no upload."""
    ws = world.slack.workspace
    old = ws.add_channel("old-project", members=[ws.default_user], bot_member=True, archived=True)
    _, reply = await speak(bot, "Too late.", channel=old)
    assert "archived" in reply_text(reply)
    assert speak_requests(world) == [] and world.slack.uploads == []


async def test_group_dm_it_cannot_inspect_falls_back_to_the_dm(bot: RunningBot, world: World) -> None:
    """A group DM (no mpim:read to check it): the share is refused there, so the paid clip goes to the DM."""
    ws = world.slack.workspace
    bob = ws.add_user("bob")
    group = ws.add_channel("mpdm-alice--bob", kind="mpim", members=[ws.default_user, bob], bot_member=False)
    _, reply = await speak(bot, "Group chat.", channel=group)
    dm = ws.app_dm(ws.default_user.id, create=False)
    assert dm is not None and len(shares(world, dm)) == 1
    assert "direct messages" in reply_text(reply)


# -- Deepgram failures ---------------------------------------------------------------------------------


def _fail(status: int, **kw: Any) -> Callable[[World], None]:
    return lambda world: world.deepgram.fail("speak", status=status, **kw)


def _over_limit(status: int) -> Callable[[World], None]:
    def setup(world: World) -> None:
        world.deepgram.tts_over_limit_status = status
        world.deepgram.tts_char_limits["aura-2"] = 10

    return setup


@pytest.mark.parametrize(
    ("setup", "words", "topic"),
    [
        (_fail(400), "does not know the voice `aura-2-thalia-en` (400)", "models"),
        (_fail(401), "rejected the key (401)", "401"),
        (lambda w: w.deepgram.exhaust_credits(), "out of credits (402)", "credits"),
        (_over_limit(413), "too long for one request", "413"),
        (_over_limit(422), "could not process the input (422)", "413"),
        (lambda w: w.deepgram.rate_limit("speak"), "rate limiting this project (429)", "429"),
        (_fail(502), "server error (502)", "5xx"),
        (_fail(200, body={"err_code": "Bad Request", "err_msg": "No audio."}), "instead of audio", "tts-audio"),
    ],
    ids=["400-model", "401", "402", "413", "422", "429", "5xx", "json-200"],
)
async def test_deepgram_failures_are_explained_with_their_topic(
    bot: RunningBot, world: World, setup: Callable[[World], None], words: str, topic: str
) -> None:
    """Each Deepgram failure: a private message saying what happened and which `why` to read; nothing shared."""
    setup(world)
    _, reply = await speak(bot, "Hello there.")
    text = reply_text(reply)
    assert words in text and f"`/deepgram why {topic}`" in text
    assert world.slack.uploads == []
    assert world.deepgram.api_key not in json.dumps(reply.body)


# -- bad input -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "words"),
    [
        ("", "There is nothing to speak. Usage: `/deepgram speak [--voice <model>] <text>`"),
        (":tada: :fire:   🎉", "only emoji, symbols or spaces"),
        ("--voice", "`--voice` needs a voice name"),
    ],
)
async def test_bad_input_is_explained_and_costs_nothing(bot: RunningBot, world: World, args: str, words: str) -> None:
    """Empty text, emoji only, a bare --voice: a clear message, no Deepgram request."""
    _, reply = await speak(bot, args)
    assert words in reply_text(reply)
    assert speak_requests(world) == []


async def test_unknown_voice_suggests_and_lists(bot: RunningBot, world: World) -> None:
    """A mistyped voice: "did you mean" and the whole voice list; nothing synthesised."""
    _, reply = await speak(bot, "--voice aura-2-thalya-en Hello")
    text = reply_text(reply)
    assert "I don't know the voice `aura-2-thalya-en`. Did you mean `aura-2-thalia-en`" in text
    assert "*Aura-2 · English*" in text and "`aura-asteria-en`" in text
    assert speak_requests(world) == []


# -- the voice list ------------------------------------------------------------------------------------------


async def test_voices_from_the_keys_model_list(bot: RunningBot, world: World) -> None:
    """`--voices` with a key that reads GET /v1/models lists Deepgram's own voices, saying so."""
    _, reply = await speak(bot, "--voices")
    text = reply_text(reply)
    assert "From Deepgram's model list" in text and "`aura-2-thalia-en`" in text
    assert any(r.route == "models" and r.status == 200 for r in world.deepgram.requests)


async def test_voices_builtin_when_the_key_cannot_read_models(bot: RunningBot, world: World) -> None:
    """A usage-only key gets 401 on GET /v1/models: the built-in list of real voices, with the reason."""
    world.deepgram.key_info(world.deepgram.api_key).scopes = ("usage:write",)
    _, reply = await speak(bot, "--voices")
    text = reply_text(reply)
    assert "Built-in list of real Aura voices" in text and "(HTTP 401)" in text
    assert "*Aura-1 · English* (12)" in text and "`aura-2-cordelia-en`" in text


# -- limits, with a bot configured for them ----------------------------------------------------------------

Launch = Callable[..., Awaitable[RunningBot]]


@pytest.fixture(params=["http", "socket"])
async def launch(request: pytest.FixtureRequest, world: World, tmp_path: Path) -> AsyncIterator[Launch]:
    """Start the bot with extra environment variables, in each transport."""
    running: list[RunningBot] = []

    async def start(**extra: str) -> RunningBot:
        bot = await start_bot(world, tmp_path, request.param, **extra)
        running.append(bot)
        return bot

    yield start
    for bot in running:
        await stop_bot(bot, world)


async def test_ceiling_and_per_user_quota(launch: Launch, world: World) -> None:
    """Over SPEAK_MAX_CHARS: refused. Within it, a quota of 3 full texts per user per window; others still may."""
    bot = await launch(SPEAK_MAX_CHARS="100")
    _, reply = await speak(bot, "x" * 101)
    assert "101 characters; I speak at most 100 at a time (SPEAK_MAX_CHARS)" in reply_text(reply)
    assert speak_requests(world) == []
    for _ in range(3):
        _, reply = await speak(bot, "y" * 100)
        assert "Shared the clip" in reply_text(reply)
    _, reply = await speak(bot, "one more")
    assert "used your text-to-speech allowance" in reply_text(reply) and "300 characters" in reply_text(reply)
    assert len(speak_requests(world)) == 3
    bob = world.slack.workspace.add_user("bob")
    _, reply = await speak(bot, "bob is fine", user=bob)
    assert "Shared the clip" in reply_text(reply)


async def test_deepgram_timeout(launch: Launch, world: World) -> None:
    """A Deepgram slower than the timeout: the timeout message with the 408 topic, nothing shared."""
    bot = await launch(PROBE_TIMEOUT_SECONDS="0.3")
    world.deepgram.set_latency("speak", 0.8)
    _, reply = await speak(bot, "Slow day.")
    text = reply_text(reply)
    assert "No answer from Deepgram within 0.3 s" in text and "`/deepgram why 408`" in text
    assert world.slack.uploads == []
