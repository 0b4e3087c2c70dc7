"""Reading a pasted Deepgram credential, offline: what it is, how it was wrapped, how it would be sent.

People paste keys in every shape: a bare key, `Token <key>`, `Bearer <key>`, a whole
`Authorization: …` header or curl `-H` flag, a temporary token (JWT), each possibly wrapped in
quotes, backticks, a code fence, Slack's `<…>` link syntax, with a trailing newline or invisible
characters. `parse_pasted()` peels all of that off and records what it removed, so the checklist
can say which of it would reach Deepgram. Nothing here does I/O, and no value in this module is
ever logged: only `mask()` output may be shown. Slack's escaping of incoming text (`&lt;`) is
undone by the handler before the text gets here.

Facts used (deepgram.md §1): API keys go as `Token <key>` (scheme word case-insensitive), JWTs
from `/v1/auth/grant` as `Bearer <jwt>`; an API key sent as `Bearer`, or with no scheme word,
gets 401. Deepgram API keys are 40 lowercase hex characters; other shapes are called
"unusual", not wrong, since Deepgram has never promised the format.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, Literal

from bot.deepgram import is_jwt

CredentialKind = Literal["api_key", "jwt", "key_id", "empty"]

KEY_LENGTH = 40
# Anything longer is not a credential someone meant to paste (a JWT is a few hundred characters).
MAX_PASTE = 4096
# Below this many characters, even the last 4 would give away too much of the secret.
MIN_MASKABLE = 16

_HEX_KEY = re.compile(r"^[0-9a-f]{40}$")
_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
# curl's header flag, then the header name with `:` (HTTP) or `=`/`:` inside quotes (code, JSON).
_CURL_FLAG = re.compile(r"^(?:-H|--header)(?:\s+|(?=[\"']))")
_HEADER_NAME = re.compile(r"^[\"']?authorization[\"']?\s*[:=]\s*", re.IGNORECASE)
# An environment line: `DEEPGRAM_API_KEY=…`, `export DG_KEY=…`.
_VARIABLE = re.compile(r"^(?:export\s+)?[A-Z_][A-Z0-9_]*\s*=\s*")
# A scheme word must be followed by whitespace (or a colon), so a key can never be mistaken for one.
_SCHEME = re.compile(r"^(token|bearer)(?:\s*:\s*|\s+)(?=\S)", re.IGNORECASE)
_FENCE_LANGUAGE = re.compile(r"^[A-Za-z0-9_+-]*\n")
_PAIRS = (
    ("`", "`"),
    ('"', '"'),
    ("'", "'"),
    ("\u201c", "\u201d"),
    ("\u2018", "\u2019"),
    ("<", ">"),
    ("{", "}"),  # a JSON or code headers object: {"Authorization": "Token …"}
)
# Zero-width characters and the BOM come along with copies from web pages and rich-text editors.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"), None)
_NBSP = "\u00a0\u202f"


class Cleanup(StrEnum):
    """Something wrapped around or inside the credential that `parse_pasted()` removed."""

    CODE = "backticks or a code block"
    QUOTES = "quotes"
    SLACK_LINK = "Slack's <…> link brackets"
    INVISIBLE = "invisible characters (zero-width or non-breaking spaces)"
    WHITESPACE = "spaces or line breaks inside the value"
    HEADER = "the Authorization: header name"
    VARIABLE = "a variable name (NAME=)"


# Cleanups that can also be in a program's configuration and then reach Deepgram as part of the
# key. Backticks, code fences and Slack's brackets come from Slack itself; the header name is fine.
HARMFUL_IN_CONFIG = frozenset({Cleanup.QUOTES, Cleanup.INVISIBLE, Cleanup.WHITESPACE})


@dataclass(frozen=True)
class Pasted:
    """A credential as pasted, taken apart. `secret` is the bare credential: never show or log it."""

    secret: str = field(repr=False)
    kind: CredentialKind
    #: scheme words in the order they were written, as written (`("Token", "Token")` when doubled)
    schemes: tuple[str, ...] = ()
    #: an `Authorization:` header name (or curl `-H`) was part of the paste
    header: bool = False
    cleanups: frozenset[Cleanup] = frozenset()

    @property
    def scheme(self) -> str | None:
        """The first scheme word, lower-cased (`token` / `bearer`), if any."""
        return self.schemes[0].lower() if self.schemes else None

    @property
    def right_scheme(self) -> str:
        """The scheme Deepgram wants for this kind of credential."""
        return "Bearer" if self.kind == "jwt" else "Token"

    @property
    def masked(self) -> str:
        return mask(self.secret)

    @property
    def sendable(self) -> bool:
        """Whether an HTTP header can carry it at all (printable ASCII only)."""
        return self.secret.isascii() and self.secret.isprintable()

    def sent_as_pasted(self) -> str | None:
        """The `Authorization` value a client would send if configured as pasted, when that is wrong.

        `None` when what was pasted is a bare credential or already the right header (scheme words
        are case-insensitive, §1.1), so there is nothing to demonstrate.
        """
        if self.kind == "empty":
            return None
        if self.schemes:
            value = " ".join([*self.schemes, self.secret])
            if len(self.schemes) == 1 and self.scheme == self.right_scheme.lower():
                return None
            return value
        if self.header:
            # `Authorization: <key>`: the raw credential with no scheme word (§1.1: 401).
            return self.secret
        return None

    def sent_as_pasted_masked(self) -> str | None:
        """`sent_as_pasted()` with the secret masked, for showing."""
        value = self.sent_as_pasted()
        if value is None:
            return None
        if self.schemes:
            return " ".join([*self.schemes, self.masked])
        return self.masked


def mask(secret: str) -> str:
    """At most the last 4 characters, as `…abcd`; nothing at all of a short secret."""
    if len(secret) < MIN_MASKABLE:
        return f"({len(secret)} characters)"
    return "…" + secret[-4:]


def parse_pasted(text: str) -> Pasted:
    """Take a pasted credential apart; never raises, whatever the input."""
    cleanups: set[Cleanup] = set()
    value = text
    if value != value.translate(_INVISIBLE) or any(c in value for c in _NBSP):
        cleanups.add(Cleanup.INVISIBLE)
        value = value.translate(_INVISIBLE)
        for c in _NBSP:
            value = value.replace(c, " ")
    value = value.strip()
    value = _unwrap(value, cleanups)
    header = False
    flag = _CURL_FLAG.match(value)
    if flag:
        header = True
        value = _unwrap(value[flag.end() :].strip(), cleanups)
    variable = _VARIABLE.match(value)
    if variable:
        cleanups.add(Cleanup.VARIABLE)
        value = _unwrap(value[variable.end() :].strip(), cleanups)
    name = _HEADER_NAME.match(value)
    if name:
        header = True
        value = _unwrap(value[name.end() :].strip().rstrip(",;").strip(), cleanups)
    schemes: list[str] = []
    while match := _SCHEME.match(value):
        schemes.append(match.group(1))
        value = _unwrap(value[match.end() :].strip(), cleanups)
    if re.search(r"\s", value):
        # A key split over two lines by a terminal, or a pasted `KEY=` line with spaces.
        cleanups.add(Cleanup.WHITESPACE)
        value = re.sub(r"\s+", "", value)
    if header:
        cleanups.add(Cleanup.HEADER)
    return Pasted(
        secret=value,
        kind=_kind(value),
        schemes=tuple(schemes),
        header=header,
        cleanups=frozenset(cleanups),
    )


def _unwrap(value: str, cleanups: set[Cleanup]) -> str:
    """Peel matching wrappers (code fences, backticks, quotes, Slack's `<…>`) until none is left."""
    while (inner := _peel(value, cleanups)) is not None:
        value = inner
    return value


def _peel(value: str, cleanups: set[Cleanup]) -> str | None:
    """`value` without its outermost wrapper (noting it in `cleanups`), or None when it has none."""
    if len(value) >= 6 and value.startswith("```") and value.endswith("```"):
        inner = value[3:-3]
        # A fence may name a language on its first line: ```sh
        inner = _FENCE_LANGUAGE.sub("", inner, count=1) if "\n" in inner.strip("\n") else inner
        cleanups.add(Cleanup.CODE)
        return _strip_inside(inner, cleanups, harmful=False)
    for left, right in _PAIRS:
        if len(value) < 2 or not (value.startswith(left) and value.endswith(right)):
            continue
        inner = value[len(left) : -len(right)]
        if left in "\"'" and left in inner:
            # `"Authorization": "Token …"` starts and ends with a quote without being one quoted string.
            continue
        if left == "<":
            # Slack's link syntax `<target|label>`: the label is what was typed.
            inner = inner.rsplit("|", 1)[-1]
            cleanups.add(Cleanup.SLACK_LINK)
        elif left in ("`", "{"):
            cleanups.add(Cleanup.CODE)
        else:
            cleanups.add(Cleanup.QUOTES)
        return _strip_inside(inner, cleanups, harmful=left not in ("`", "<", "{"))
    return None


def _strip_inside(inner: str, cleanups: set[Cleanup], *, harmful: bool) -> str:
    # Whitespace inside quotes is part of the value a program would send: "abc\n" in an env file.
    stripped = inner.strip()
    if harmful and stripped != inner:
        cleanups.add(Cleanup.WHITESPACE)
    return stripped


def _kind(value: str) -> CredentialKind:
    if not value:
        return "empty"
    if is_jwt(value):
        return "jwt"
    if _UUID.match(value):
        return "key_id"
    return "api_key"


def key_shape_issues(secret: str) -> list[str]:
    """Why an API key does not look like Deepgram's usual 40 lowercase hex characters (empty: it does)."""
    if _HEX_KEY.match(secret):
        return []
    issues: list[str] = []
    if len(secret) != KEY_LENGTH:
        issues.append(f"it is {len(secret)} characters long (Deepgram keys have {KEY_LENGTH})")
    if any(c not in "0123456789abcdefABCDEF" for c in secret):
        issues.append("it has characters other than 0–9 and a–f")
    elif any(c.isupper() for c in secret):
        issues.append("it has capital letters (Deepgram keys are lower-case)")
    return issues


@dataclass(frozen=True)
class JwtClaims:
    """The readable part of a temporary token. The signature is not verified: only Deepgram can."""

    decoded: bool
    expires_at: datetime | None = None
    issued_at: datetime | None = None
    scopes: tuple[str, ...] = ()


def decode_jwt(token: str) -> JwtClaims:
    """Decode a JWT's payload (base64url JSON) for `exp`, `iat` and `scopes`; never raises."""
    parts = token.split(".")
    if len(parts) != 3:
        return JwtClaims(decoded=False)
    try:
        raw = base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4))
        claims: Any = json.loads(raw)
    except (ValueError, binascii.Error):
        return JwtClaims(decoded=False)
    if not isinstance(claims, dict):
        return JwtClaims(decoded=False)
    scopes = claims.get("scopes")
    return JwtClaims(
        decoded=True,
        expires_at=_epoch(claims.get("exp")),
        issued_at=_epoch(claims.get("iat")),
        scopes=tuple(s for s in scopes if isinstance(s, str)) if isinstance(scopes, list) else (),
    )


def _epoch(value: Any) -> datetime | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        return datetime.fromtimestamp(value, UTC)
    except (OverflowError, OSError, ValueError):
        return None
