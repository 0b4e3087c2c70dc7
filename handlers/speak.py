"""`/deepgram speak [--voice <model>] <text>` and `/deepgram speak --voices`.

The router has already acknowledged the command (with `ack_text`); this reads the arguments, has
`bot.speak` check and synthesise the text, shares the MP3 as a file in the channel (or the user's
DM) through `bot.slack.files`, and answers privately with the confirmation.

The order protects the team's credits: everything that can refuse the request without spending
anything (bad input, unknown voice, the ceiling, the user's quota, a channel the clip cannot be
shared in) runs before the first `POST /v1/speak`.

The clip and its comment are public, so text holding a credential (anything shaped like a Deepgram
key, a JWT or a Slack token, or one of the bot's own configured secrets) is refused, privately,
before anything else: it is never synthesised, quoted or counted against the user's quota.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass

from slack_sdk.web.async_client import AsyncWebClient

from bot.credentials import contains_credential
from bot.errors import BotError, UsageError
from bot.runtime.deps import Deps
from bot.slack import messages
from bot.slack.commands import Invocation, Subcommand
from bot.slack.files import choose_destination, share_file
from bot.slack.incoming import plain_text
from bot.slack.kit import Reply, user_text
from bot.slack.views.speak import file_names, share_comment, spoken_reply, unknown_voice_reply, voices_reply
from bot.speak import NothingToSay, Speaker, UnknownVoice

log = logging.getLogger(__name__)

_VOICES = re.compile(r"\s*--voices(?=\s|$)")
_VOICE = re.compile(r"\s*--voice(?:=|\s+)(\S+)")
_VOICE_MISSING = re.compile(r"\s*--voice=?\s*$")
_OPTION = re.compile(r"\s*(--[A-Za-z][\w-]*)(?=\s|=|$)")
_TRAILING_VOICE = re.compile(r"\s--voice(?:=|\s+)(\S+)\s*$")


@dataclass(frozen=True)
class SpeakArgs:
    """`speak` arguments: the text, an optional voice, or a request for the voice list."""

    text: str
    voice: str | None = None
    list_voices: bool = False


def parse_speak_args(args: str) -> SpeakArgs:
    """Read `[--voice <model>] <text>` or `--voices`; the text keeps its inner spacing.

    `--voice` may also come last (`hello there --voice aura-2-luna-en`), as people type it.
    """
    rest = args
    voice: str | None = None
    list_voices = False
    while True:
        if m := _VOICES.match(rest):
            list_voices = True
        elif m := _VOICE.match(rest):
            voice = m.group(1)
        elif _VOICE_MISSING.match(rest):
            raise UsageError("`--voice` needs a voice name. " + messages.SPEAK_USAGE)
        elif m := _OPTION.match(rest):
            raise UsageError(f"I don't know the option `{user_text(m.group(1), 30)}`. " + messages.SPEAK_USAGE)
        else:
            break
        rest = rest[m.end() :]
    if voice is None and (m := _TRAILING_VOICE.search(rest)):
        voice, rest = m.group(1), rest[: m.start()]
    return SpeakArgs(text="" if list_voices else rest.strip(), voice=voice, list_voices=list_voices)


def refuse_credentials(args: str, known: Sequence[str]) -> None:
    """Raise `UsageError` when `args` (as typed, or as Slack shows it) holds a credential."""
    if contains_credential(args, known) or contains_credential(plain_text(args), known):
        raise UsageError(messages.SPEAK_CREDENTIAL)


async def run(invocation: Invocation, deps: Deps) -> Reply:
    # Slack's own form, and as Slack shows it: a key can hide in markup the plain words drop (`<mailto:KEY|mail>`).
    refuse_credentials(invocation.slack_args, deps.settings.secrets())
    args = parse_speak_args(invocation.args)
    speaker = Speaker(deps.settings, deps.http, deps.speak)
    if args.list_voices:
        return voices_reply(await speaker.voices())
    if invocation.client is None:
        raise UsageError("`speak` shares its MP3 in Slack; in a terminal use `deepgram-doctor speak`.")
    try:
        return await speak_in_slack(speaker, invocation.client, invocation, args)
    except UnknownVoice as exc:
        return unknown_voice_reply(exc)
    except NothingToSay:
        raise UsageError(messages.SPEAK_EMPTY) from None


async def speak_in_slack(speaker: Speaker, client: AsyncWebClient, invocation: Invocation, args: SpeakArgs) -> Reply:
    """Synthesise `args.text` and share the MP3 where the command was typed (or in the user's DM)."""
    started = time.perf_counter()
    user_id = invocation.user_id
    # The router already read Slack's markup as what Slack shows (`@channel`, a link's label): that is spoken.
    order = await speaker.order(args.text, args.voice, quota_key=f"{invocation.team_id}:{user_id}")
    try:
        destination = await choose_destination(client, invocation.channel_id, user_id)
    except BotError:
        speaker.cancel(order)  # nothing was spent
        raise
    speech = await speaker.synthesize(order)
    filename, title = file_names(speech)
    shared = await share_file(
        client,
        destination,
        speech.audio,
        user_id=user_id,
        filename=filename,
        title=title,
        comment=share_comment(user_id, speech),
    )
    log.info(
        "speech shared",
        extra={
            "voice": speech.voice,
            "chars": speech.chars,
            "pieces": speech.pieces,
            "bytes": len(speech.audio),
            "how": shared.how,
            "elapsed_ms": round((time.perf_counter() - started) * 1000, 1),
        },
    )
    return spoken_reply(speech, shared.how)


SUBCOMMAND = Subcommand(
    name="speak",
    usage="speak [--voice <model>] <text>",
    summary="Say the text with a Deepgram Aura voice and share the MP3 here; `--voices` lists the voices.",
    run=run,
    aliases=("tts", "say"),
    ack_text=messages.SPEAK_WORKING,
)
