"""`/deepgram check-key`: does this Deepgram key (or temporary token) work, and if not, why.

`check_credential()` reads a pasted credential (`paste`), asks Deepgram about it (`live`), and
turns the answers into a checklist (`offline`, `checklist`, `identity`, `token`, ordered by
`check`). What a key may do is read from documented calls and their status codes only
(`capabilities`); its scopes and expiry only from documented records, or from the undocumented
`GET /v1/auth/token` when its shape is recognised (`records`, `facts`). What it returns is a
`KeyCheck` of `Check` lines whose words are `Prose`; `bot.slack.views.keys` renders them.
Nothing in this package logs or returns more of a credential than `…abcd`.
"""

from bot.keys.capabilities import Capabilities, Capability, read_capabilities
from bot.keys.check import (
    EMPTY_PASTE,
    NO_KEY,
    TOO_LONG,
    Notice,
    NoticeKind,
    build_key_check,
    check_credential,
    secrets_of,
)
from bot.keys.live import ApiKeyFacts, Call, JwtFacts, ProjectFacts, call, check_api_key, check_jwt, project_list
from bot.keys.paste import MAX_PASTE, Cleanup, CredentialKind, JwtClaims, Pasted, decode_jwt, mask, parse_pasted
from bot.keys.result import Check, CheckState, KeyCheck, Source

__all__ = [
    "EMPTY_PASTE",
    "MAX_PASTE",
    "NO_KEY",
    "TOO_LONG",
    "ApiKeyFacts",
    "Call",
    "Capabilities",
    "Capability",
    "Check",
    "CheckState",
    "Cleanup",
    "CredentialKind",
    "JwtClaims",
    "JwtFacts",
    "KeyCheck",
    "Notice",
    "NoticeKind",
    "Pasted",
    "ProjectFacts",
    "Source",
    "build_key_check",
    "call",
    "check_api_key",
    "check_credential",
    "check_jwt",
    "decode_jwt",
    "mask",
    "parse_pasted",
    "project_list",
    "read_capabilities",
    "secrets_of",
]
