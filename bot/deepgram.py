"""Deepgram wire details shared by the probes and the key checks: auth headers and error bodies.

Deepgram answers errors in three forms (deepgram.md §2): legacy `{"err_code","err_msg",
"request_id"}` on listen/speak, modern `{"category","message","details","request_id"}` on the
management API, and plain text (`Invalid credentials.` on `/v1/auth/*`). Its documented 503 body
even says `error_code` instead of `err_code`. `parse_error` reads all of them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from bot.topics import Topic

# A JWT from /v1/auth/grant: three base64url segments, the header starting `eyJ`.
_JWT = re.compile(r"^eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$")
_MAX_MESSAGE = 300


def is_jwt(credential: str) -> bool:
    return bool(_JWT.match(credential))


def auth_header(credential: str) -> dict[str, str]:
    """`Token <key>` for an API key, `Bearer <jwt>` for a temporary token (deepgram.md §1.1)."""
    scheme = "Bearer" if is_jwt(credential) else "Token"
    return {"Authorization": f"{scheme} {credential}"}


def ws_url(base: str, path: str, params: Mapping[str, str | int | bool]) -> str:
    """Streaming URL from the derived ws(s) base, with booleans spelled as Deepgram expects."""
    query = "&".join(f"{k}={str(v).lower() if isinstance(v, bool) else v}" for k, v in params.items())
    return f"{base}{path}?{query}" if query else f"{base}{path}"


@dataclass(frozen=True)
class DeepgramError:
    """What Deepgram said went wrong. `message` is Deepgram's own text, trimmed; show it escaped."""

    status: int | None
    code: str | None = None
    message: str | None = None
    request_id: str | None = None


def parse_error(status: int | None, body: bytes | str, headers: Mapping[str, str] | None = None) -> DeepgramError:
    """Read any of Deepgram's error forms; a `dg-error` / `dg-request-id` header fills the gaps."""
    text = body.decode("utf-8", errors="replace") if isinstance(body, bytes) else body
    headers = {k.lower(): v for k, v in (headers or {}).items()}
    code: str | None = None
    message: str | None = None
    request_id = headers.get("dg-request-id")
    data = _json_object(text)
    if data is not None:
        code, message, body_request_id = _fields(data)
        request_id = body_request_id or request_id
    elif text.strip():
        message = text.strip()
    if not message and headers.get("dg-error"):
        message = headers["dg-error"]
    return DeepgramError(
        status=status,
        code=code,
        message=message[:_MAX_MESSAGE] if message else None,
        request_id=request_id,
    )


def _json_object(text: str) -> Mapping[str, Any] | None:
    try:
        data = json.loads(text) if text.strip().startswith("{") else None
    except ValueError:
        return None
    return data if isinstance(data, Mapping) else None


def _fields(data: Mapping[str, Any]) -> tuple[str | None, str | None, str | None]:
    """(code, message, request id) from any of the three JSON error forms (deepgram.md §2)."""
    code = _str(data.get("err_code")) or _str(data.get("error_code")) or _str(data.get("category"))
    message = _str(data.get("err_msg")) or _str(data.get("message"))
    details = _str(data.get("details"))
    if details and message:
        message = f"{message} {details}"
    return code, message, _str(data.get("request_id"))


def _str(value: Any) -> str | None:
    return (value.strip() or None) if isinstance(value, str) else None


# Close-frame reasons on the streaming socket (deepgram.md §4.5): the code is in the reason text.
_CLOSE_CODE = re.compile(r"\b(NET-000[0-3]|DATA-000[01])\b")
NET_0001_HINT = "dpgr.am/net0001"


def close_reason_code(reason: str) -> str | None:
    """`NET-0001` / `NET-0000` / `DATA-0000` from a close reason, if it names one."""
    match = _CLOSE_CODE.search(reason)
    if match:
        return match.group(1)
    if NET_0001_HINT in reason.lower():
        return "NET-0001"
    return None


@dataclass(frozen=True)
class TransportFailure:
    """Why no answer came at all, in words, and the playbook that explains it."""

    summary: str
    topic: Topic

    @property
    def clause(self) -> str:
        """The summary as the middle of a sentence (lower-case first letter)."""
        return self.summary[:1].lower() + self.summary[1:]


def transport_failure(exc: BaseException, timeout: float) -> TransportFailure:
    """Map httpx's exception tree (and asyncio timeouts) to what a user should hear."""
    if isinstance(exc, TimeoutError | httpx.TimeoutException):
        return TransportFailure(f"No answer from Deepgram within {timeout:g} s", Topic.TIMEOUT)
    if isinstance(exc, httpx.ConnectError):
        return TransportFailure("Could not connect to Deepgram (refused or unreachable)", Topic.NETWORK)
    if isinstance(exc, httpx.RemoteProtocolError | httpx.ReadError | httpx.WriteError):
        return TransportFailure("The connection to Deepgram was dropped mid-request", Topic.NETWORK)
    return TransportFailure("The request to Deepgram failed before an answer came", Topic.NETWORK)
