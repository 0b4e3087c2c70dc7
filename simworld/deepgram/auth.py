"""Credentials: how a request presented them, JWT issuing, and the checks of §1.

* `Authorization: Token <key>` — scheme word case-insensitive (§1.1).
* `Authorization: Bearer <jwt>` — only JWTs from `POST /v1/auth/grant`, only on listen/speak (§1.2).
* An API key sent as `Bearer`, a JWT sent as `Token`, or a raw key with no scheme → 401 (§1.1, §10).
* Browser WebSockets: `Sec-WebSocket-Protocol: token, <key>` / `bearer, <jwt>`; extra entries are
  ignored and the server answers the scheme word (§1.4).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
import uuid
from dataclasses import dataclass
from typing import Literal

from .state import ApiKey


@dataclass(frozen=True)
class Presented:
    """What the client sent, before any check. `secret` never leaves the process."""

    scheme: str | None  # "token", "bearer", "raw", another lowercased word, or None (nothing sent)
    source: Literal["header", "subprotocol", "query"] | None
    secret: str | None
    subprotocol: str | None = None  # the list entry to echo in `sec-websocket-protocol`


NOTHING = Presented(None, None, None)


def from_header(value: str | None) -> Presented:
    """Parse an `Authorization` header."""
    if value is None or not value.strip():
        return NOTHING
    parts = value.strip().split(None, 1)
    if len(parts) == 1:
        return Presented("raw", "header", parts[0])
    return Presented(parts[0].lower(), "header", parts[1].strip())


def from_subprotocols(value: str | None) -> Presented | None:
    """Parse `Sec-WebSocket-Protocol: token, <key>[, extra…]` (or `bearer, <jwt>`)."""
    if not value:
        return None
    items = [p.strip() for p in value.split(",") if p.strip()]
    if len(items) >= 2 and items[0].lower() in {"token", "bearer"}:
        return Presented(items[0].lower(), "subprotocol", items[1], subprotocol=items[0])
    return None


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class IssuedToken:
    """A JWT minted by `/v1/auth/grant`."""

    jti: str
    key: ApiKey
    expires_at: float  # time.time()


class TokenIssuer:
    """Mints and checks HS256 JWTs signed with a per-instance secret.

    The claims are a sensible guess (the real payload is undocumented): `iss`, `sub` (member),
    `aud` (project), `iat`, `exp`, `jti` and `scopes: ["usage:write"]` (OAS: "usage::write permission").
    """

    def __init__(self) -> None:
        self._secret = secrets.token_bytes(32)
        self.issued: dict[str, IssuedToken] = {}

    def mint(self, key: ApiKey, ttl_seconds: float) -> str:
        """A new JWT for `key`, valid `ttl_seconds`."""
        now = time.time()
        jti = str(uuid.uuid4())
        header = {"alg": "HS256", "typ": "JWT"}
        payload = {
            "iss": "https://api.deepgram.com/",
            "sub": key.member.member_id,
            "aud": key.project_id,
            "iat": int(now),
            "exp": int(now + ttl_seconds),
            "jti": jti,
            "scopes": ["usage:write"],
        }
        signing_input = (
            _b64(json.dumps(header, separators=(",", ":")).encode())
            + "."
            + _b64(json.dumps(payload, separators=(",", ":")).encode())
        )
        sig = hmac.new(self._secret, signing_input.encode(), hashlib.sha256).digest()
        self.issued[jti] = IssuedToken(jti, key, now + ttl_seconds)
        return signing_input + "." + _b64(sig)

    def check(self, token: str) -> ApiKey | None:
        """The key behind a valid, unexpired JWT this issuer minted; None otherwise."""
        parts = token.split(".")
        if len(parts) != 3:
            return None
        try:
            expected = hmac.new(self._secret, (parts[0] + "." + parts[1]).encode(), hashlib.sha256).digest()
            if not hmac.compare_digest(expected, _unb64(parts[2])):
                return None
            claims = json.loads(_unb64(parts[1]))
        except (ValueError, TypeError):
            return None
        issued = self.issued.get(str(claims.get("jti")))
        if issued is None or issued.expires_at <= time.time():
            return None
        return issued.key

    def looks_like_jwt(self, token: str) -> bool:
        """Three dot-separated base64url parts (used to tell a JWT from an API key)."""
        return token.count(".") == 2 and token.startswith("eyJ")

    def expire_all(self) -> None:
        """Make every issued token expired (tests use this instead of sleeping)."""
        for t in self.issued.values():
            t.expires_at = 0.0
