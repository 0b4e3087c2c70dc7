"""What `/deepgram check-key` answers: checklist lines (`Check`) and the whole answer (`KeyCheck`).

Every line's words are `Prose`: commands, header values and names are marked, and whatever came
from the user or from Deepgram (project names, key comments, scopes, error text) is a plain value
inside them, never markup. The Slack view (`bot.slack.views.keys`) turns them into mrkdwn.
Also here: the sentences several lines share (next steps, "Deepgram said").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bot.keys.live import Call
from bot.keys.paste import CredentialKind
from bot.prose import Prose, clip
from bot.topics import Topic

CheckState = Literal["pass", "warn", "fail", "info"]
#: the bot's own `DEEPGRAM_API_KEY`, or what a user pasted
Source = Literal["configured", "pasted"]

RECOPY = Prose.of(
    "Copy the key again from the Deepgram console (API Keys). A deleted or expired key cannot be revived: "
    "create a new one."
)
RETRY = Prose.of("Try again in a minute; `/deepgram status` tells a Deepgram incident from a problem on our side.")
MINT = Prose.of(
    "Mint a fresh one with `POST /v1/auth/grant` right before use and send it as `Authorization: Bearer <token>`."
)


@dataclass(frozen=True)
class Check:
    """One checklist line: a state, a short plain label, what was found, what to do, and the playbook."""

    state: CheckState
    label: str
    text: Prose
    next_step: Prose | None = None
    topic: Topic | None = None


@dataclass(frozen=True)
class KeyCheck:
    """The whole answer about one credential; it holds no more of the credential than `masked` (`…abcd`)."""

    masked: str
    kind: CredentialKind
    source: Source
    api_url: str
    checks: tuple[Check, ...]

    def count(self, state: CheckState) -> int:
        return sum(1 for c in self.checks if c.state == state)

    @property
    def overall(self) -> CheckState:
        for state in ("fail", "warn"):
            if self.count(state):
                return state
        return "pass"


def deepgram_said(answer: Call) -> Prose:
    """`: “<Deepgram's error message>”`, to put after a status code; empty when Deepgram said nothing."""
    message = answer.error.message if answer.error else None
    return Prose.of(": “{message}”", message=clip(message, 160)) if message else Prose()
