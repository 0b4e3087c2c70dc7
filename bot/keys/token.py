"""Checklist lines about a temporary token (JWT): its own expiry, and what `/v1/listen` answered.

A temporary token cannot read the management API, so it is tried where it is meant to work: an
empty upload to `/v1/listen` (deepgram.md §1.2). A 400 about the missing audio means it got past
authentication; nothing is transcribed or billed.
"""

from __future__ import annotations

from datetime import datetime

from bot.keys.live import Call, JwtFacts
from bot.keys.paste import JwtClaims
from bot.keys.result import MINT, RETRY, Check, deepgram_said
from bot.prose import Prose
from bot.topics import Topic
from bot.units import format_duration

MANAGEMENT = Check(
    "info",
    "Management API",
    Prose.of(
        "Temporary tokens cannot read projects, keys or balances: Deepgram limits them to listen, speak, read "
        "and agent. That is expected, not a failure; check the API key that mints them with "
        "`/deepgram check-key` for those."
    ),
)


def jwt_expiry_check(claims: JwtClaims | None, now: datetime) -> Check:
    """When the token expires, read offline from its own `exp` claim."""
    label = "Expiry"
    if claims is None or not claims.decoded:
        return Check("warn", label, Prose.of("Its payload cannot be read, so when it expires is unknown."))
    if claims.expires_at is None:
        text = Prose.of("It carries no expiry time (`exp`), which is unusual for Deepgram's temporary tokens.")
        return Check("warn", label, text)
    left = (claims.expires_at - now).total_seconds()
    at = claims.expires_at.strftime("%H:%M:%S UTC")
    if left <= 0:
        return Check(
            "fail",
            label,
            Prose.of("Expired {ago} ago (at {at}).", ago=format_duration(-left), at=at),
            Prose.of(
                "Temporary tokens live 30 s unless `ttl_seconds` asks for more: mint one right before connecting "
                "(a WebSocket only needs it valid when it opens)."
            ),
            Topic.TEMPORARY_TOKENS,
        )
    return Check(
        "pass",
        label,
        Prose.of(
            "Valid for another {left} (until {at}); a WebSocket only needs it valid when it connects.",
            left=format_duration(left),
            at=at,
        ),
    )


def jwt_checks(facts: JwtFacts, claims: JwtClaims | None, *, now: datetime, api_url: str) -> list[Check]:
    """Whether `/v1/listen` accepts the token, then why the management API was not asked."""
    expired = claims is not None and claims.expires_at is not None and claims.expires_at <= now
    return [_listen_check(facts.listen, expired=expired, api_url=api_url), MANAGEMENT]


def _listen_check(listen: Call, *, expired: bool, api_url: str) -> Check:
    label = "Accepted"
    said = deepgram_said(listen)
    if listen.ok or listen.status == 400:
        text = Prose.of(
            "Deepgram accepts it for transcription: an empty test upload to `/v1/listen` was refused only for "
            "having no audio ({status}), not for the token. Nothing was transcribed or billed.",
            status=listen.status,
        )
        return Check("pass", label, text)
    if listen.status == 402:
        return Check(
            "warn",
            label,
            Prose.of("Accepted, but the project is out of credit (402{said}).", said=said),
            Prose.of("Add credit in the Deepgram console (Billing)."),
            Topic.CREDITS,
        )
    if listen.status == 401:
        why = (
            "it has expired" if expired else "Deepgram does not accept this token (expired, revoked, or not Deepgram's)"
        )
        text = Prose.of("Rejected (401{said}): {why}.", said=said, why=why)
        return Check("fail", label, text, MINT, Topic.TEMPORARY_TOKENS)
    if listen.status is None:
        return Check(
            "fail",
            label,
            Prose.of("Could not check: {failure}.", failure=listen.failure),
            Prose.of("Check that the bot can reach `{url}`.", url=api_url),
            listen.topic or Topic.NETWORK,
        )
    if listen.status >= 500 or listen.status == 429:
        topic = Topic.RATE_LIMITED if listen.status == 429 else Topic.SERVER_ERROR
        text = Prose.of(
            "The token could not be checked (Deepgram answered {status}{said}).", status=listen.status, said=said
        )
        return Check("fail", label, text, RETRY, topic)
    text = Prose.of("Refused (Deepgram answered {status}{said}).", status=listen.status, said=said)
    return Check("fail", label, text, MINT, Topic.FORBIDDEN)
