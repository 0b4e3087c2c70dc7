"""What a credential looks like: the one definition of "a secret" for the logs and for Slack.

The log's redaction filter (`bot.log.Redactor`), every place that shows someone's text back in
Slack (`bot.slack.kit.user_text`) and `/deepgram speak`'s refusal all read these patterns, so what
counts as a secret is decided here and nowhere else:

- Slack tokens: bot, user, app-level, refresh (`xoxb-`, `xoxp-`, `xoxa-`, `xoxr-`, `xoxe-`, `xapp-`);
- JWTs (Deepgram temporary tokens): three base64url segments, the first one `eyJ…`;
- Deepgram API keys: 40 hexadecimal characters (a 64-character SHA-256 is not one);
- and, when a caller knows them, the exact secret values the bot was configured with.

`AUTHORIZATION` (the value after `Token`, `Bearer` or `Basic`) is for logs only: in what a person
types, "token expired yesterday" is not a secret, and a key after `Token ` is caught by its shape.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = [
    "AUTHORIZATION",
    "CREDENTIAL_SHAPES",
    "DEEPGRAM_KEY",
    "JWT",
    "SLACK_TOKEN",
    "contains_credential",
    "find_credentials",
    "mask",
    "mask_credentials",
]

#: Slack tokens; group 1 is the kind (`xoxb`, `xapp`, …).
SLACK_TOKEN = re.compile(r"\b(xox[abepr]|xapp)-[A-Za-z0-9-]{6,}")
#: JWTs (Deepgram temporary tokens): three base64url segments, the first one `eyJ…`.
JWT = re.compile(r"\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*")
#: Deepgram API keys: exactly 40 hex characters; group 1 is the last 4, kept so people can tell keys apart.
DEEPGRAM_KEY = re.compile(r"(?<![0-9A-Fa-f])[0-9a-fA-F]{36}([0-9a-fA-F]{4})(?![0-9A-Fa-f])")
#: An Authorization header value in any casing; group 1 is the scheme. Logs only (see above).
AUTHORIZATION = re.compile(r"(?i)\b(token|bearer|basic)\s+[A-Za-z0-9._~+/=-]{8,}")

#: The shapes a credential has on its own, wherever it is pasted. Slack tokens first: an app-level
#: token ends in 64 hex characters, which must not be read as anything else.
CREDENTIAL_SHAPES: tuple[re.Pattern[str], ...] = (SLACK_TOKEN, JWT, DEEPGRAM_KEY)

#: Configured values shorter than this are not searched for (they would match ordinary words).
_MIN_KNOWN_CHARS = 8


def mask(secret: str) -> str:
    """What may be shown of a credential: `…` and its last 4 characters."""
    return "…" + secret[-4:]


def _known(known: Iterable[str]) -> list[str]:
    return sorted({k for k in known if k and len(k) >= _MIN_KNOWN_CHARS}, key=len, reverse=True)


def find_credentials(text: str, known: Iterable[str] = ()) -> list[str]:
    """Every credential in `text`: the `known` exact values, then anything shaped like one."""
    found = [k for k in _known(known) if k in text]
    for pattern in CREDENTIAL_SHAPES:
        found += [m.group(0) for m in pattern.finditer(text)]
    return found


def contains_credential(text: str, known: Iterable[str] = ()) -> bool:
    """Whether `text` holds a credential (a `known` value or anything shaped like one)."""
    return any(k in text for k in _known(known)) or any(p.search(text) for p in CREDENTIAL_SHAPES)


def mask_credentials(text: str, known: Iterable[str] = ()) -> str:
    """`text` with every credential replaced by `…` and its last 4 characters."""
    for secret in _known(known):
        text = text.replace(secret, mask(secret))
    for pattern in CREDENTIAL_SHAPES:
        text = pattern.sub(lambda m: mask(m.group(0)), text)
    return text
