"""`/deepgram speak [--voice <model>] <text>` and `/deepgram speak --voices`.

The router has already acknowledged the command (with `ack_text`); this reads the arguments,
hands the work to `bot.speak`, and turns the outcome into the private reply. The clip itself is
shared as a file in the channel (or the user's DM) by `bot.speak`, not through this reply.
"""

from __future__ import annotations

from bot.errors import UsageError
from bot.runtime.deps import Deps
from bot.slack import messages
from bot.slack.commands import Invocation, Subcommand
from bot.slack.kit import Reply
from bot.speak.service import (
    parse_speak_args,
    speak_in_slack,
    spoken_reply,
    tts_config,
    unknown_voice_reply,
    voices_reply,
)
from bot.speak.tts import BUILTIN_VOICES, UnknownVoice, VoiceCatalog, fetch_catalog


async def run(invocation: Invocation, deps: Deps) -> Reply:
    args = parse_speak_args(invocation.args)
    if args.list_voices:
        cfg = tts_config(deps)
        if cfg is None:
            return voices_reply(VoiceCatalog(BUILTIN_VOICES, live=False, note="no DEEPGRAM_API_KEY is configured"))
        return voices_reply(await fetch_catalog(deps.http, cfg))
    if invocation.client is None:
        raise UsageError("`speak` shares its MP3 in Slack; in a terminal use `deepgram-doctor speak`.")
    try:
        spoken = await speak_in_slack(
            deps,
            invocation.client,
            user_id=invocation.user_id,
            channel_id=invocation.channel_id,
            team_id=invocation.team_id,
            args=args,
        )
    except UnknownVoice as exc:
        return unknown_voice_reply(exc)
    return spoken_reply(spoken)


SUBCOMMAND = Subcommand(
    name="speak",
    usage="speak [--voice <model>] <text>",
    summary="Say the text with a Deepgram Aura voice and share the MP3 here; `--voices` lists the voices.",
    run=run,
    aliases=("tts", "say"),
    ack_text=messages.SPEAK_WORKING,
)
