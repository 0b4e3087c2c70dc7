"""The bot's error hierarchy.

    BotError                 a failure with a message that is safe to show in Slack
     ├── UsageError          the user typed something we cannot act on
     ├── UpstreamError       Deepgram, the status page or Slack failed us
     └── StoreError          the bot's own database cannot be written (or read) right now
    ConfigError              the deployment is misconfigured (start-up only; exit status 2)

Anything that is not a `BotError` is a bug: the command router logs it with a correlation id
and shows the user a generic message carrying that id, never the exception text.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.prose import Prose


class BotError(Exception):
    """An error whose `user_message` may be shown to the user.

    A `str` is shown in Slack as is (it is mrkdwn); a `Prose` is rendered by each surface
    (`bot.slack.kit.mrkdwn`, `bot.text.prose.plain`), which is how the core words its errors.
    """

    def __init__(self, user_message: str | Prose) -> None:
        super().__init__(str(user_message))
        self.user_message = user_message


class UsageError(BotError):
    """The command could not be understood; `user_message` says how to type it."""


class UpstreamError(BotError):
    """A remote service failed; `user_message` says which and what to do."""


class StoreError(BotError):
    """The database failed under the running bot (deleted, replaced, read-only, full, I/O error).

    `user_message` is the generic wording (`bot.store.STORE_UNAVAILABLE`); `reason` says what is wrong
    for operators (logs, the health check) and is never shown in Slack.
    """

    def __init__(self, reason: str, user_message: str | Prose) -> None:
        super().__init__(user_message)
        self.reason = reason


class ConfigError(Exception):
    """Start-up configuration problems, all of them at once."""

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = list(problems)
