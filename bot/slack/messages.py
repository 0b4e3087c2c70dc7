"""Every user-facing sentence the bot says, in one place.

Handlers and builders import these instead of writing wording inline, so tone stays
consistent and tests can assert on the exact text a user sees.
"""

from __future__ import annotations

from bot.slack.membership import SLACK_TROUBLE, TOKEN_REFUSED, shown_code

COMMAND = "/deepgram"

HELP_TITLE = "Deepgram Doctor"
HELP_INTRO = "Find out why Deepgram is not working, without leaving Slack. Commands:"
HELP_FOOTER = "Replies are only visible to you unless a command says otherwise."


def unknown_subcommand(name: str, suggestion: str | None) -> str:
    """`name` must already be safe to show (`bot.slack.kit.user_text`)."""
    if suggestion:
        return f"I don't know `{name}`. Did you mean `{COMMAND} {suggestion}`?"
    return f"I don't know `{name}`."


UNKNOWN_SUBCOMMAND_LIST = "Here is what I can do:"


def internal_error(correlation_id: str) -> str:
    return (
        f"Something went wrong on my side while handling that command. Please try again in a minute; "
        f"if it keeps happening, give your admin this reference: `{correlation_id}`."
    )


HOME_INTRO = (
    'When Deepgram "is not working", I tell you why: their outage, or your key, network, audio or credits. '
    "Type a command in any channel:"
)
HOME_FOOTER = "You can also write to me here, in the Messages tab."

STATUS_CHECKING = "Checking Deepgram: status page and live probes, a few seconds…"
STATUS_REPORT_GONE = "That report is no longer stored. Run `/deepgram status` again and share the new one."
STATUS_NOT_SAVED = (
    ":warning: I could not save this report to the history (my database is not writable right now); "
    "the report is still shown, but it can't be posted to the channel. Please tell the admin who runs me."
)

# -- the bot's own database ---------------------------------------------------------------------------

# A database failure's own wording is the core's `bot.store.STORE_UNAVAILABLE` (a `Prose`, rendered
# by the listeners' error boundary like any other `BotError`).


def status_not_saved_cli(reason: str) -> str:
    """`deepgram-doctor status` on a terminal, when only the history write failed."""
    return f"could not save this check to the history ({reason}); the report is still shown."


def shared_by(user_id: str) -> str:
    return f"Shared by <@{user_id}> from `/deepgram status`"


# -- /deepgram speak ---------------------------------------------------------------------------------

SPEAK_WORKING = "On it: Deepgram Aura text-to-speech, a few seconds…"
SPEAK_USAGE = (
    f"Usage: `{COMMAND} speak [--voice <model>] <text>`, for example "
    f"`{COMMAND} speak --voice aura-2-thalia-en Hello from Deepgram!`. "
    f"`{COMMAND} speak --voices` lists the voices."
)
SPEAK_EMPTY = "There is nothing to speak. " + SPEAK_USAGE
SPEAK_ARCHIVED = "This channel is archived, so I cannot share a clip in it. Unarchive it, or ask me somewhere else."
SPEAK_INVITE = (
    "I'm not a member of this channel and I'm not allowed to join it by myself. "
    "Invite me with `/invite @deepgram-doctor`, then ask again."
)
SPEAK_CREDENTIAL = (
    "That text holds what looks like a credential (a Deepgram API key, a temporary token or a Slack token), "
    "so I won't say it: the clip and its comment are shared with everyone in the channel. Nothing was "
    "synthesised or posted. If it is a real key and it was ever pasted anywhere public, rotate it."
)
VOICES_TITLE = "Deepgram Aura voices"


def speak_upload_failed(error: str) -> str:
    return f"The audio is ready but Slack refused the upload (`{shown_code(error)}`). Try again in a minute."


def speak_channel_check_failed(error: str) -> str:
    return (
        f"Slack would not tell me about this conversation (`{shown_code(error)}`), so nothing was synthesised. "
        "Try again in a minute."
    )


def speak_dm_failed(error: str) -> str:
    return f"I cannot post here, and Slack would not open a direct message with you either (`{shown_code(error)}`)."


def share_comment(user_id: str, voice: str, chars: int, cost: str, pricing_url: str, excerpt: str) -> str:
    """The comment on the shared MP3. `excerpt` must already be escaped for Slack."""
    return (
        f":speaking_head_in_silhouette: <@{user_id}> asked for this · voice `{voice}` · {chars:,} characters · "
        f"{cost} (rough pay-as-you-go estimate; check <{pricing_url}|Deepgram pricing>)\n> {excerpt}"
    )


def speak_shared_here(voice: str, chars: int, pieces: int, cost: str) -> str:
    return f"Shared the clip in this channel: {chars:,} characters with `{voice}`{_pieces(pieces)}, {cost}."


def speak_joined_and_shared(voice: str, chars: int, pieces: int, cost: str) -> str:
    return f"I joined this channel to share the clip: {chars:,} characters with `{voice}`{_pieces(pieces)}, {cost}."


def speak_sent_to_dm(voice: str, chars: int, pieces: int, cost: str) -> str:
    return (
        f"I can't post files in this conversation (a private channel or a DM I'm not part of), so I sent the "
        f"clip to you in our direct messages: {chars:,} characters with `{voice}`{_pieces(pieces)}, {cost}. "
        "To share clips here, invite me with `/invite @deepgram-doctor` (in a channel)."
    )


def _pieces(n: int) -> str:
    return f" (synthesised in {n} parts and joined)" if n > 1 else ""


# -- /deepgram subscribe: where alerts can (not) be posted -------------------------------------------

SUBSCRIBE_INVITE = "Invite me with `/invite @deepgram-doctor`, then run the command again."
SUBSCRIBE_ARCHIVED = (
    "This channel is archived, so alerts can't be posted in it. Unarchive it, or subscribe another one."
)
SUBSCRIBE_INVISIBLE = (
    "I can't see this conversation: it is a private channel I'm not in, or a direct message between other "
    "people (alerts can't go there). In a private channel: " + SUBSCRIBE_INVITE
)
SUBSCRIBE_PRIVATE = "This is a private channel I'm not in, and I can't join one by myself. " + SUBSCRIBE_INVITE
_NOTHING_CHANGED = "so nothing was changed"

#: What each `chat.postMessage` (or `conversations.join`) error means for a subscription, and what to do.
_SUBSCRIBE_ADVICE = {
    "not_in_channel": "I'm not a member of this channel, so I can't post alerts in it. " + SUBSCRIBE_INVITE,
    "channel_not_found": SUBSCRIBE_INVISIBLE,
    "is_archived": SUBSCRIBE_ARCHIVED,
    "method_not_supported_for_channel_type": "I can't join this kind of conversation by myself. " + SUBSCRIBE_INVITE,
    "restricted_action": (
        "Only some members may post in this channel (a workspace or channel setting), and I'm not one of them. "
        "Ask a workspace admin or the channel's manager to let me post here, or subscribe another channel."
    ),
    "restricted_action_read_only_channel": (
        "This channel is read-only for me, so alerts can't be posted in it. Ask the channel's manager to let me "
        "post, or subscribe another channel."
    ),
    "restricted_action_thread_only_channel": (
        "This channel only takes replies in threads, and every alert starts a new message. Subscribe another "
        "channel, or ask the channel's manager to let me post."
    ),
    "restricted_action_non_threadable_channel": (
        "This channel has no threads, and alerts post their updates in one. Subscribe another channel."
    ),
    "ekm_access_denied": "Your workspace's Enterprise Key Management policy blocked my message. Ask your Slack admin.",
    "missing_scope": (
        "I lack a Slack permission this needs (`missing_scope`). Please ask the admin who installed me to "
        "reinstall the app with the scopes in its manifest."
    ),
}
_SUBSCRIBE_NOT_ALLOWED = frozenset(
    {"access_denied", "app_access_restricted", "no_permission", "team_access_not_granted"}
)


def slack_is_busy(error: str | None) -> bool:
    """A rate limit or a failure on Slack's side (HTTP 5xx): trying again later is the advice."""
    code = shown_code(error)
    return code in ("ratelimited", "rate_limited") or code in SLACK_TROUBLE or code.startswith("http_5")


def rate_limited(seconds: int | None) -> str:
    """Slack answered HTTP 429 with a `Retry-After` longer than an interactive command waits."""
    return f"Slack is rate limiting this app; try again in {seconds or 1} s."


def subscribe_refused(error: str | None) -> str:
    """Why this channel cannot take alerts, for Slack's `error` (from posting, joining or inspecting it)."""
    code = shown_code(error)
    if code in _SUBSCRIBE_ADVICE:
        return _SUBSCRIBE_ADVICE[code]
    if code in ("ratelimited", "rate_limited"):
        return f"Slack is rate-limiting my messages right now (`{code}`), {_NOTHING_CHANGED}. Try again in a minute."
    if slack_is_busy(code):
        return f"Slack had a problem on its side (`{code}`), {_NOTHING_CHANGED}. Try again in a minute."
    if code in _SUBSCRIBE_NOT_ALLOWED:
        return (
            f"Your Slack admins haven't allowed me to post here (`{code}`). Ask a workspace admin to allow "
            "Deepgram Doctor in this channel, or subscribe another one."
        )
    if code in TOKEN_REFUSED:
        return (
            f"My Slack token doesn't work any more (`{code}`), {_NOTHING_CHANGED}. Please tell the admin who runs me."
        )
    return (
        f"Slack refused my message in this channel (`{code}`), {_NOTHING_CHANGED}. Try again in a minute; "
        "if it keeps happening, tell the admin who runs me."
    )


def subscribe_cannot_join(error: str | None) -> str:
    """A public channel the bot could not join (`conversations.join` failed with `error`)."""
    code = shown_code(error)
    if code in _SUBSCRIBE_ADVICE or slack_is_busy(code) or code in TOKEN_REFUSED:
        return subscribe_refused(code)
    return f"I couldn't join this channel (`{code}`). " + SUBSCRIBE_INVITE


def subscribe_channel_check_failed(error: str | None) -> str:
    """`conversations.info` failed with something other than "not visible"."""
    code = shown_code(error)
    if slack_is_busy(code) or code in TOKEN_REFUSED:
        return subscribe_refused(code)
    return f"Slack wouldn't tell me about this conversation (`{code}`), {_NOTHING_CHANGED}. Try again in a minute."


# -- /deepgram why and the FAQ in DMs ---------------------------------------------------------------

WHY_SUMMARY = "Troubleshooting playbook for an error code, a topic, a pasted error or a question."
WHY_TOPICS_TITLE = "Troubleshooting topics"
WHY_TOPICS_INTRO = (
    f"Type `{COMMAND} why <topic>` (or paste the error you got) for a playbook. "
    "You can also ask me in a DM, in your own words. Topics:"
)
WHY_BUTTON_KEY = "Check our key"
WHY_BUTTON_STREAMING = "Run the streaming probe"
WHY_BUTTON_STATUS = "Run /deepgram status"
WHY_PROBE_TITLE = "Streaming probe"
DM_GREETING = (
    "Hi! Tell me what Deepgram is doing, in your own words or by pasting the error, and I'll answer "
    f"with the matching playbook. In a channel, try `{COMMAND} help`."
)


def why_recognised(evidence: str) -> str:
    """`evidence` must already be escaped for Slack."""
    return f"Recognised in what you sent: {evidence}"


def why_best_match(query: str) -> str:
    """`query` must already be escaped for Slack."""
    return f"Best match for “{query}”"


def why_footer(others: list[str]) -> str:
    """`others` are ready-made `/deepgram why …` snippets."""
    also = f"Not it? Closest other topics: {', '.join(others)}. " if others else ""
    return also + f"`{COMMAND} why` lists every topic."


def why_more(command: str, others: list[str]) -> str:
    also = f" · Also close: {', '.join(others)}" if others else ""
    return f"Full playbook: `{command}`{also}"


def why_no_match(query: str, *, dm: bool = False) -> str:
    """`query` must already be escaped for Slack."""
    if dm:
        return f"I couldn't find a playbook for “{query}”."
    return f"I don't have a playbook for “{query}”."


def why_did_you_mean(options: str) -> str:
    return f"Did you mean {options}?"


def why_probe_context(command: str, state: str) -> str:
    if state == "ok":
        return (
            f"From `{command}`: streaming works from where I run, with raw linear16 audio at 16 kHz. "
            "If yours fails, compare your client's audio format, pacing and keepalives with that."
        )
    if state == "skipped":
        return f"From `{command}`: I have no Deepgram key to probe with (DEEPGRAM_API_KEY is not set)."
    return f"From `{command}`: streaming is not right from where I run either, so it is not only your client."
