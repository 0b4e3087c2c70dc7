"""`/deepgram speak` in Slack: the voice list, the comment on the shared MP3, the private confirmation."""

from __future__ import annotations

from bot.credentials import mask_credentials
from bot.slack import messages
from bot.slack.files import How
from bot.slack.kit import MAX_BLOCKS, Block, Reply, context, escape, header, mrkdwn, section, user_text
from bot.speak.service import PRICING_URL, Speech
from bot.speak.voices import UnknownVoice, VoiceCatalog, catalog_footer

__all__ = [
    "EXCERPT_CHARS",
    "file_names",
    "share_comment",
    "spoken_reply",
    "unknown_voice_reply",
    "voices_blocks",
    "voices_reply",
]

#: How much of the spoken text the comment on the file quotes.
EXCERPT_CHARS = 150


def voices_blocks(catalog: VoiceCatalog) -> list[Block]:
    """The voice list, one section per family and language, default voice first."""
    blocks: list[Block] = [header(messages.VOICES_TITLE)]
    for group in catalog.groups():
        title = f"*{escape(group.family)} · {escape(group.language)}*"
        blocks.append(section(f"{title} ({len(group.models)}): " + " ".join(f"`{escape(m)}`" for m in group.models)))
    blocks.append(context(mrkdwn(catalog.source()), mrkdwn(catalog_footer())))
    return blocks[:MAX_BLOCKS]


def voices_reply(catalog: VoiceCatalog) -> Reply:
    """`/deepgram speak --voices`."""
    return Reply(text=f"{messages.VOICES_TITLE}: {len(catalog.voices)} voices", blocks=voices_blocks(catalog))


def unknown_voice_reply(exc: UnknownVoice) -> Reply:
    """ "Did you mean" plus the whole list, like an unknown subcommand."""
    text = mrkdwn(exc.user_message)
    blocks = [section(f":warning: {text}"), *voices_blocks(exc.catalog)]
    return Reply(text=text, blocks=blocks[:MAX_BLOCKS])


def file_names(speech: Speech) -> tuple[str, str]:
    """The MP3's file name and its title in Slack (public: nothing shaped like a credential in full)."""
    voice = mask_credentials(speech.voice)
    return f"deepgram-{voice}.mp3", f"Text to speech ({voice})"


def share_comment(user_id: str, speech: Speech) -> str:
    """The public mrkdwn comment on the file. The excerpt and the voice are shown with `user_text`:
    escaped, so `<!channel>` stays inert, and with anything shaped like a credential masked."""
    excerpt = user_text(speech.text, EXCERPT_CHARS)
    voice = user_text(speech.voice, 60)
    return messages.share_comment(user_id, voice, speech.chars, speech.cost, PRICING_URL, excerpt)


def spoken_reply(speech: Speech, how: How) -> Reply:
    """The private confirmation once the clip is shared (`how`: here, after joining, or in the DM)."""
    say = {
        "here": messages.speak_shared_here,
        "joined": messages.speak_joined_and_shared,
        "dm": messages.speak_sent_to_dm,
    }[how]
    return Reply(text=say(speech.voice, speech.chars, speech.pieces, speech.cost))
