"""`/deepgram check-key [key]`: does this key work, and if not, why, checked the way Deepgram checks it.

Without an argument it checks the bot's own `DEEPGRAM_API_KEY`; with one, whatever the user
pasted. The credential is only ever sent to Deepgram: it is not logged (no log call here is given
it), not stored, and the reply shows at most its last 4 characters. The acknowledgement is a
fixed sentence, so the command text is never echoed either.
"""

from __future__ import annotations

from bot.runtime.deps import Deps
from bot.slack.commands import Invocation, Subcommand
from bot.slack.kit import Reply, unescape
from bot.slack.replies import check_key_reply
from bot.slack.views.keys import ACK_TEXT


def pasted_argument(args: str) -> str | None:
    """What the user pasted, or None.

    The router has undone Slack's escaping once; this undoes it once more, for a paste that was
    already escaped where it was copied from (`Token &lt;key&gt;`).
    """
    return unescape(args) or None


async def run(invocation: Invocation, deps: Deps) -> Reply:
    return await check_key_reply(deps, pasted_argument(invocation.args), user_id=invocation.user_id)


SUBCOMMAND = Subcommand(
    name="check-key",
    usage="check-key [key]",
    summary="Does this key work? Scheme, projects, scopes, balance and temporary tokens, checked live "
    "(no key: the bot's own).",
    run=run,
    aliases=("key", "checkkey"),
    ack_text=ACK_TEXT,
)
