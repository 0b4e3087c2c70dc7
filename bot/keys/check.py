"""`/deepgram check-key` as a use case: read the credential, ask Deepgram about it, order the checklist.

`check_credential()` takes what the user pasted (or, with nothing pasted, the bot's configured
`DEEPGRAM_API_KEY`) and answers with a `KeyCheck`, or a `Notice` when there is nothing to check.
`build_key_check()` is its pure part: offline lines first (`bot.keys.offline`, and a token's
expiry), then the live ones (`bot.keys.checklist`, `bot.keys.token`), in the order a person
would ask them. Neither holds more of the credential than `…abcd` in what it returns.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

import httpx

from bot.config import Settings
from bot.keys.checklist import api_key_checks
from bot.keys.live import ApiKeyFacts, Call, JwtFacts, check_api_key, check_jwt
from bot.keys.offline import cleanup_check, scheme_check, what_it_is
from bot.keys.paste import MAX_PASTE, JwtClaims, Pasted, decode_jwt, parse_pasted
from bot.keys.result import Check, KeyCheck, Source
from bot.keys.token import jwt_checks, jwt_expiry_check
from bot.prose import Prose
from bot.topics import Topic

NoticeKind = Literal["no_key", "too_long", "empty"]


@dataclass(frozen=True)
class Notice:
    """An answer with no checklist: there was nothing (or nothing sensible) to check."""

    kind: NoticeKind
    text: Prose


NO_KEY = Notice(
    "no_key",
    Prose.of(
        "No `DEEPGRAM_API_KEY` is configured for the bot, so there is no key of its own to check. "
        "Set it in the bot's environment (a key with the Member role is enough) and restart the bot, "
        "or check any key by pasting it: `/deepgram check-key <key>`."
    ),
)
EMPTY_PASTE = Notice(
    "empty",
    Prose.of(
        "There was no key left in what you pasted once quotes and spaces were taken off. "
        "Paste the key itself: `/deepgram check-key <key>`."
    ),
)
TOO_LONG = Notice(
    "too_long",
    Prose.of("That is far too long to be a Deepgram key or token; paste just the key: `/deepgram check-key <key>`."),
)

UNSENDABLE = Check(
    "fail",
    "Accepted",
    Prose.of(
        "Not sent to Deepgram: it has characters no HTTP header can carry (letters beyond plain ASCII or "
        "control characters), so no app could send it either."
    ),
    Prose.of("Copy the key again from the Deepgram console; Deepgram keys are 40 characters of 0–9 and a–f."),
    Topic.UNAUTHORIZED,
)


async def check_credential(
    http: httpx.AsyncClient, settings: Settings, now: datetime, pasted: str | None
) -> KeyCheck | Notice:
    """Check a pasted credential, or the configured key when `pasted` is empty.

    Whatever Deepgram answers (or fails to) becomes a checklist line, never an exception. The
    credential goes to Deepgram in request headers and nowhere else; nothing here logs it.
    """
    configured = not (pasted and pasted.strip())
    raw = settings.deepgram_api_key if configured else pasted
    if not raw:
        return NO_KEY
    if len(raw) > MAX_PASTE:
        return TOO_LONG
    credential = parse_pasted(raw)
    if credential.kind == "empty":
        return EMPTY_PASTE
    as_sent = _as_sent_by_bot(raw, credential) if configured else credential.sent_as_pasted()
    facts: ApiKeyFacts | JwtFacts | None = None
    if credential.sendable and credential.kind in ("api_key", "jwt"):
        # (Unsendable: no client could send it either, and the checklist says so.)
        check = check_api_key if credential.kind == "api_key" else check_jwt
        facts = await check(
            http,
            settings.deepgram_api_url,
            credential.secret,
            as_pasted=as_sent,
            timeout=settings.probe_timeout_seconds,
        )
    return build_key_check(
        credential,
        facts,
        source="configured" if configured else "pasted",
        now=now,
        api_url=settings.deepgram_api_url,
        claims=decode_jwt(credential.secret) if credential.kind == "jwt" else None,
    )


def _as_sent_by_bot(raw: str, credential: Pasted) -> str | None:
    """The header the bot's own probes send for the configured value, when cleaning changed it."""
    if raw == credential.secret:
        return None
    return f"{credential.right_scheme} {raw}"


def secrets_of(*values: str | None) -> set[str]:
    """Every form of these credentials that must never be shown: each value as given, and the bare credential in it."""
    found: set[str] = set()
    for value in values:
        if value:
            found |= {value, parse_pasted(value).secret}
    return found - {""}


def build_key_check(
    pasted: Pasted,
    facts: ApiKeyFacts | JwtFacts | None,
    *,
    source: Source,
    now: datetime,
    api_url: str,
    claims: JwtClaims | None = None,
) -> KeyCheck:
    """Every line of the checklist, offline checks first, in the order a person would ask them."""
    checks: list[Check] = [what_it_is(pasted, source)]
    demo, right = _demo_pair(facts)
    if source == "pasted":
        checks.extend(_optional(scheme_check(pasted, demo, right)))
    checks.extend(_optional(cleanup_check(pasted, source, demo, right)))
    if pasted.kind == "jwt":
        checks.append(jwt_expiry_check(claims, now))
    if pasted.kind in ("api_key", "jwt") and not pasted.sendable:
        checks.append(UNSENDABLE)
    if isinstance(facts, ApiKeyFacts):
        checks.extend(api_key_checks(facts, now=now, api_url=api_url))
    elif isinstance(facts, JwtFacts):
        checks.extend(jwt_checks(facts, claims, now=now, api_url=api_url))
    return KeyCheck(pasted.masked, pasted.kind, source, api_url, tuple(checks))


def _optional(check: Check | None) -> list[Check]:
    return [check] if check else []


def _demo_pair(facts: ApiKeyFacts | JwtFacts | None) -> tuple[Call | None, Call | None]:
    """(the request sent as pasted, the same request sent right), when the demonstration ran."""
    if isinstance(facts, ApiKeyFacts):
        return facts.as_pasted, facts.projects
    if isinstance(facts, JwtFacts):
        return facts.as_pasted, facts.listen
    return None, None
