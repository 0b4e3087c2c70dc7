"""Reading pasted credentials offline: every wrapping people paste, schemes, shapes, masking and JWT claims."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime

import pytest

from bot.keys.paste import Cleanup, decode_jwt, key_shape_issues, mask, parse_pasted
from handlers.check_key import pasted_argument

KEY = "0123456789abcdef0123456789abcdef0a1b2c3d"


def b64(data: dict[str, object]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


JWT = b64({"alg": "HS256", "typ": "JWT"}) + "." + b64({"exp": 1_900_000_000, "iat": 1_899_999_970}) + ".c2ln"


@pytest.mark.parametrize(
    ("text", "schemes", "header", "cleanups"),
    [
        (KEY, (), False, set()),
        (f"Token {KEY}", ("Token",), False, set()),
        (f"token {KEY}", ("token",), False, set()),
        (f"Bearer {KEY}", ("Bearer",), False, set()),
        (f"Token: {KEY}", ("Token",), False, set()),
        (f"Authorization: Token {KEY}", ("Token",), True, {Cleanup.HEADER}),
        (f"authorization:Bearer {KEY}", ("Bearer",), True, {Cleanup.HEADER}),
        (f"Authorization: {KEY}", (), True, {Cleanup.HEADER}),
        (f'-H "Authorization: Token {KEY}"', ("Token",), True, {Cleanup.HEADER, Cleanup.QUOTES}),
        (f"--header 'Authorization: Bearer {KEY}'", ("Bearer",), True, {Cleanup.HEADER, Cleanup.QUOTES}),
        (f'{{"Authorization": "Token {KEY}"}}', ("Token",), True, {Cleanup.HEADER, Cleanup.QUOTES, Cleanup.CODE}),
        (f'"Authorization": "Token {KEY}",', ("Token",), True, {Cleanup.HEADER, Cleanup.QUOTES}),
        (f"Token Token {KEY}", ("Token", "Token"), False, set()),
        (f"Bearer Token {KEY}", ("Bearer", "Token"), False, set()),
        (f'"{KEY}"', (), False, {Cleanup.QUOTES}),
        (f"'{KEY}'", (), False, {Cleanup.QUOTES}),
        (f"\u201c{KEY}\u201d", (), False, {Cleanup.QUOTES}),
        (f"`{KEY}`", (), False, {Cleanup.CODE}),
        (f"``{KEY}``", (), False, {Cleanup.CODE}),
        (f"```\n{KEY}\n```", (), False, {Cleanup.CODE}),
        (f"```sh\nAuthorization: token {KEY}\n```", ("token",), True, {Cleanup.CODE, Cleanup.HEADER}),
        (f"`Token {KEY}`", ("Token",), False, {Cleanup.CODE}),
        (f'Token "{KEY}"', ("Token",), False, {Cleanup.QUOTES}),
        (f"<{KEY}>", (), False, {Cleanup.SLACK_LINK}),
        (f"<mailto:{KEY}|{KEY}>", (), False, {Cleanup.SLACK_LINK}),
        (f"  {KEY}\n", (), False, set()),
        (f'"{KEY}\n"', (), False, {Cleanup.QUOTES, Cleanup.WHITESPACE}),
        (f"{KEY[:20]}\n{KEY[20:]}", (), False, {Cleanup.WHITESPACE}),
        (f"\u200b{KEY}\ufeff", (), False, {Cleanup.INVISIBLE}),
        (f"Token\u00a0{KEY}", ("Token",), False, {Cleanup.INVISIBLE}),
        (f"DEEPGRAM_API_KEY={KEY}", (), False, {Cleanup.VARIABLE}),
        (f'export DEEPGRAM_API_KEY="{KEY}"', (), False, {Cleanup.VARIABLE, Cleanup.QUOTES}),
    ],
)
def test_every_pasted_form_yields_the_bare_key(
    text: str, schemes: tuple[str, ...], header: bool, cleanups: set[Cleanup]
) -> None:
    """Each way of pasting an API key comes apart into the key, its scheme words, and what was removed."""
    pasted = parse_pasted(text)
    assert pasted.secret == KEY
    assert pasted.kind == "api_key"
    assert pasted.schemes == schemes
    assert pasted.header is header
    assert set(pasted.cleanups) == cleanups


def test_slack_escaping_is_undone_by_the_handler() -> None:
    """A paste still escaped once the router has unescaped it (`Token &lt;key&gt;`) is unescaped again by
    the check-key handler, so the core sees Slack's `<…>` brackets and peels them off."""
    pasted = parse_pasted(pasted_argument(f"Token &lt;{KEY}&gt;") or "")
    assert pasted.secret == KEY
    assert pasted.kind == "api_key"
    assert pasted.schemes == ("Token",)
    assert pasted.header is False
    assert set(pasted.cleanups) == {Cleanup.SLACK_LINK}


@pytest.mark.parametrize("text", [JWT, f"Bearer {JWT}", f"`Bearer {JWT}`", f"Authorization: Bearer {JWT}\n"])
def test_jwts_are_recognised(text: str) -> None:
    """A temporary token is told apart from an API key whatever its wrapping."""
    pasted = parse_pasted(text)
    assert (pasted.kind, pasted.secret, pasted.right_scheme) == ("jwt", JWT, "Bearer")


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("", "empty"),
        ('""', "empty"),
        ("``", "empty"),
        ("Token", "api_key"),  # a lone word is not a scheme: the checklist calls it an unusual key
        ("12345678-90ab-cdef-1234-567890abcdef", "key_id"),
        ("not a key at all", "api_key"),
    ],
)
def test_other_pastes(text: str, kind: str) -> None:
    """Empty pastes, key ids (UUIDs) and anything else get a kind the checklist can explain."""
    assert parse_pasted(text).kind == kind


def test_the_secret_never_shows_in_repr() -> None:
    """A parsed credential can be printed (in a traceback, say) without its secret."""
    assert KEY not in repr(parse_pasted(f"Bearer {KEY}"))


@pytest.mark.parametrize(
    ("text", "as_sent", "masked"),
    [
        (KEY, None, None),
        (f"Token {KEY}", None, None),
        (f"TOKEN {KEY}", None, None),  # the scheme word is case-insensitive (§1.1)
        (f"Bearer {KEY}", f"Bearer {KEY}", "Bearer …2c3d"),
        (f"Token Token {KEY}", f"Token Token {KEY}", "Token Token …2c3d"),
        (f"Authorization: {KEY}", KEY, "…2c3d"),
        (f"Bearer {JWT}", None, None),
        (f"Token {JWT}", f"Token {JWT}", "Token …c2ln"),
        ("12345678-90ab-cdef-1234-567890abcdef", None, None),
    ],
)
def test_sent_as_pasted_only_when_it_would_be_wrong(text: str, as_sent: str | None, masked: str | None) -> None:
    """The header a client configured as pasted would send is reconstructed only when Deepgram would refuse it."""
    pasted = parse_pasted(text)
    assert pasted.sent_as_pasted() == as_sent
    assert pasted.sent_as_pasted_masked() == masked


def test_mask_shows_at_most_the_last_four() -> None:
    """Long secrets show `…` and their last 4 characters; short ones only their length."""
    assert mask(KEY) == "…2c3d"
    assert mask("abc123") == "(6 characters)"
    assert mask(JWT).endswith("c2ln") and len(mask(JWT)) == 5


@pytest.mark.parametrize(
    ("secret", "issues"),
    [
        (KEY, []),
        (KEY[:-2], ["it is 38 characters long (Deepgram keys have 40)"]),
        (KEY.upper(), ["it has capital letters (Deepgram keys are lower-case)"]),
        (KEY[:-1] + "z", ["it has characters other than 0–9 and a–f"]),
        ("sk-abc", ["it is 6 characters long (Deepgram keys have 40)", "it has characters other than 0–9 and a–f"]),
    ],
)
def test_key_shape(secret: str, issues: list[str]) -> None:
    """Only 40 lower-case hex characters is the usual shape; everything else is described, not judged."""
    assert key_shape_issues(secret) == issues


def test_decode_jwt_reads_exp_iat_and_scopes() -> None:
    """The payload is decoded without verifying the signature: expiry, issue time and scopes."""
    token = b64({"alg": "HS256"}) + "." + b64({"exp": 1_900_000_000, "iat": 1_899_999_970, "scopes": ["usage:write"]})
    claims = decode_jwt(token + ".sig")
    assert claims.decoded
    assert claims.expires_at == datetime.fromtimestamp(1_900_000_000, UTC)
    assert claims.issued_at == datetime.fromtimestamp(1_899_999_970, UTC)
    assert claims.scopes == ("usage:write",)


@pytest.mark.parametrize(
    "token",
    ["onlyone", "a.b", "eyJhbGciOiJIUzI1NiJ9.!!!.sig", "eyJhbGciOiJIUzI1NiJ9.eyJleHAiOjE.sig", "h.\u00e9.s"],
)
def test_decode_jwt_never_raises(token: str) -> None:
    """Garbage decodes to `decoded=False` rather than an exception."""
    assert decode_jwt(token).decoded is False


def test_decode_jwt_without_exp_or_with_odd_values() -> None:
    """A payload that is not an object, or has non-numeric times, gives no times."""
    assert decode_jwt("h." + base64.urlsafe_b64encode(b"[1]").decode().rstrip("=") + ".s").decoded is False
    claims = decode_jwt("h." + b64({"exp": "soon", "iat": True, "scopes": "x"}) + ".s")
    assert claims.decoded and claims.expires_at is None and claims.issued_at is None and claims.scopes == ()


def test_sendable_means_printable_ascii() -> None:
    """Only printable ASCII can travel in an `Authorization` header."""
    assert parse_pasted(KEY).sendable
    assert not parse_pasted(KEY[:-1] + "é").sendable
    assert not parse_pasted(KEY[:-1] + "\x07").sendable
