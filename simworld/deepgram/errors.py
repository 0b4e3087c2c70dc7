"""Verbatim Deepgram error bodies (reference `deepgram.md` §2) and the three body forms.

Deepgram answers errors in three shapes (OAS `ErrorResponse` = text | legacy | modern):

* legacy JSON ``{"err_code", "err_msg", "request_id"}`` on `/v1/listen`, `/v1/speak` (§2.1);
* modern JSON ``{"category", "message", "details", "request_id"}`` on management routes (§2.2);
* plain text, e.g. ``Invalid credentials.`` on `/v1/auth/*` with a bad key (§2, w6w-apps measurement).

Every message text below is copied from the reference; where the reference has none the text is
marked "unverified" and was chosen to look like its neighbours.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

# -- legacy bodies, §2.1 (docs/errors.mdx) ---------------------------------------------------------

INVALID_AUTH = ("INVALID_AUTH", "Invalid credentials.")
INSUFFICIENT_PERMISSIONS_USER = ("INSUFFICIENT_PERMISSIONS", "User does not have sufficient permissions.")
INSUFFICIENT_PERMISSIONS_MODEL = (
    "INSUFFICIENT_PERMISSIONS",
    "Project does not have access to the requested model.",
)
BAD_AUDIO = ("Bad Request", "Bad Request: failed to process audio: corrupt or unsupported data")
BAD_JSON_LEGACY = ("Bad Request", "Content-type was application/json, but we could not process the JSON payload.")
ASR_PAYMENT_REQUIRED = (
    "ASR_PAYMENT_REQUIRED",
    "Project does not have enough credits for an ASR request and does not have an overage agreement.",
)
STT_TOO_MANY_REQUESTS = ("TOO_MANY_REQUESTS", "Too many requests. Please try again later")
TTS_TOO_MANY_REQUESTS = ("Too Many Requests", "Please try again later.")
NO_SUCH_MODEL = ("Bad Request", "Bad Request: No such model/version combination found.")
TTS_EMPTY_TEXT = ("Bad Request", "Input text contains no characters.")
TTS_PAYLOAD_ERROR = (
    "PAYLOAD_ERROR",
    "Failed to deserialize JSON payload. Please specify exactly one of `text` or `url` in the JSON body.",
)
TTS_NOT_UTF8 = ("PAYLOAD_ERROR", "Failed to decode payload as UTF-8.")
TTS_PAYLOAD_TOO_LARGE = ("PAYLOAD_TOO_LARGE", "Payload size exceeds limit of 2 MB.")
TTS_UNSUPPORTED_MEDIA_TYPE = (
    "UNSUPPORTED_MEDIA_TYPE",
    "`Content-Type` header is not supported. `Content-Type` must be either `text/plain` or `application/json`.",
)
INVALID_QUERY_PARAMETER = "INVALID_QUERY_PARAMETER"
# A Flux model on /v1/listen [recorded, third-party] (openclaw/openclaw#129452; realtime §2.5).
V2_MODEL_ON_V1 = (
    "V2_MODEL_ON_V1_LISTEN_ENDPOINT",
    "Flux models are not supported on the /v1/listen endpoint. Please use the /v2/listen endpoint for "
    "conversational speech-to-text requests.",
)
REMOTE_CONTENT_ERROR = "REMOTE_CONTENT_ERROR"
PROJECT_NOT_FOUND_LEGACY = ("PROJECT_NOT_FOUND", "Project not found.")
# /v1/auth/grant with a key below Member (docs token-based-authentication FAQ, §1.2).
GRANT_FORBIDDEN = ("FORBIDDEN", "Insufficient permissions.")
# /v1/auth/grant with a non-member/expired key as recorded through the JS SDK: HTTP 400 (§1.2).
GRANT_BAD_REQUEST = ("BAD_REQUEST", "Invalid credentials.")

# -- modern bodies, §2.2 (OAS-2025 components.responses) ------------------------------------------

AUTHENTICATION_FAILED = (
    "UNAUTHORIZED",
    "Authentication failed.",
    "Check that you are using the correct credentials.",
)
PROJECT_NOT_FOUND = (
    "NOT_FOUND",
    "A project with the submitted ID cannot be found.",
    "Check that you have submitted the intended project ID and that the project has not been deleted.",
)
INVALID_JSON_MODERN = ("INVALID_JSON", "Invalid JSON submitted.")

# -- plain text -------------------------------------------------------------------------------------

INVALID_CREDENTIALS_TEXT = "Invalid credentials."
# WebSocket idle timeout: exact close reason seen on the wire (§4.5; deepgram-python-sdk#319, #478).
NET0001_REASON = (
    "Deepgram did not receive audio data or a text message within the timeout window. See https://dpgr.am/net0001"
)
DATA0000_REASON = "DATA-0000"


def legacy(code_msg: tuple[str, str], request_id: str | None) -> dict[str, Any]:
    """A legacy body; `request_id=None` leaves the field out (the docs' PROJECT_NOT_FOUND has none)."""
    body: dict[str, Any] = {"err_code": code_msg[0], "err_msg": code_msg[1]}
    if request_id is not None:
        body["request_id"] = request_id
    return body


def modern(cat_msg_details: tuple[str, str, str], request_id: str) -> dict[str, Any]:
    """A modern management-API body."""
    category, message, details = cat_msg_details
    return {"category": category, "message": message, "details": details, "request_id": request_id}


def service_unavailable(request_id: str) -> dict[str, Any]:
    """The documented 503 body. The docs really print `error_code` (not `err_code`); kept on purpose (§2.1)."""
    return {"error_code": "Service Unavailable", "err_msg": "Please try again later", "request_id": request_id}


def uuid_parse_error(text: str) -> str:
    """The plain-text 404 for a malformed project id, worded like the Rust `uuid` crate (§2.1).

    Only the invalid-character form is verified (``found `p` at 1``: 1-based index); the length and
    group messages follow the same crate and are unverified.
    """
    prefix = "UUID parsing failed: "
    offset = 0
    s = text
    if s.lower().startswith("urn:uuid:"):
        s = s[9:]
        offset = 9
    for i, ch in enumerate(s):
        if ch not in "0123456789abcdefABCDEF-":
            return (
                prefix + "invalid character: expected an optional prefix of `urn:uuid:` followed by "
                f"[0-9a-zA-Z], found `{ch}` at {i + 1 + offset}"
            )
    if "-" not in s:
        return prefix + f"invalid length: expected length 32 for simple format, found {len(s)}"
    groups = s.split("-")
    if len(groups) != 5:
        return prefix + f"invalid group count: expected 5, found {len(groups)}"
    for n, (group, want) in enumerate(zip(groups, (8, 4, 4, 4, 12), strict=True)):
        if len(group) != want:
            return prefix + f"invalid group length in group {n}: expected {want}, found {len(group)}"
    return prefix + "failed to parse a UUID"


@dataclass
class ErrorReply:
    """An error decided by a handler: status, body (dict → JSON, str → text) and extra headers."""

    status: int
    body: dict[str, Any] | str
    headers: dict[str, str] = field(default_factory=dict)

    def text(self) -> str:
        """The body as text (JSON-encoded when it is a dict)."""
        return self.body if isinstance(self.body, str) else json.dumps(self.body, separators=(",", ":"))

    def short_reason(self) -> str:
        """One line suitable for a `dg-error` header: the message of a JSON body, else the text."""
        if isinstance(self.body, dict):
            for key in ("err_msg", "message"):
                value = self.body.get(key)
                if isinstance(value, str):
                    return value
        return self.text()
