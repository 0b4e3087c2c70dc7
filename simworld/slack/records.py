"""What the fake records for tests to assert on: API calls, response_url posts, uploads, deliveries."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from simworld.slack.socket_mode import Envelope


@dataclass
class ApiCall:
    """One Web API request as received, with the fake's answer."""

    method: str
    http_method: str
    #: Arguments merged from query string, form body and JSON body (the token excluded).
    args: dict[str, Any]
    #: Argument names by where they came from ("query", "form", "json").
    arg_sources: dict[str, str]
    content_type: str
    token: str | None
    #: "header", "arg" or None.
    token_source: str | None
    at: float
    user_agent: str = ""
    status: int = 200
    response: dict[str, Any] = field(default_factory=dict)
    retry_after: int | None = None
    injected: bool = False

    @property
    def ok(self) -> bool:
        return bool(self.response.get("ok"))

    @property
    def error(self) -> str | None:
        err = self.response.get("error")
        return err if isinstance(err, str) else None


@dataclass
class Ephemeral:
    """A `chat.postEphemeral` message (shown to one user, never stored in the channel)."""

    channel: str
    user: str
    text: str
    blocks: list[Any] | None
    attachments: list[Any] | None
    ts: str
    thread_ts: str | None = None


@dataclass
class ResponseUrlPost:
    """One POST to a response_url, with what the fake did about it."""

    url: str
    kind: str  # "commands" or "actions"
    body: dict[str, Any] | None
    raw: bytes
    content_type: str
    status: int
    response_body: str
    at: float
    #: Channel message created or changed by this post (in_channel / replace_original), if any.
    message_ts: str | None = None
    channel: str | None = None

    @property
    def response_type(self) -> str:
        rt = (self.body or {}).get("response_type")
        return rt if isinstance(rt, str) else "ephemeral"

    @property
    def replace_original(self) -> bool:
        return _truthy((self.body or {}).get("replace_original"))

    @property
    def delete_original(self) -> bool:
        return _truthy((self.body or {}).get("delete_original"))

    @property
    def text(self) -> str | None:
        t = (self.body or {}).get("text")
        return t if isinstance(t, str) else None

    @property
    def blocks(self) -> list[Any] | None:
        b = (self.body or {}).get("blocks")
        return b if isinstance(b, list) else None


@dataclass
class UploadPost:
    """One POST to an `upload_url` from `files.getUploadURLExternal`."""

    ticket: str
    file_id: str | None
    content_type: str
    received: int
    multipart: bool
    had_authorization: bool
    status: int
    body: str


@dataclass
class Delivery:
    """An event the fake itself sent to the app (e.g. the echo of a bot message in an IM)."""

    via: str  # "http" or "socket"
    body: dict[str, Any]
    status: int | None = None
    ack: dict[str, Any] | None = None


@dataclass
class CommandResult:
    """Outcome of a slash command sent by the driver.

    `status` is the HTTP status of the app's answer (or 200 for a Socket Mode ack, None when the
    app did not answer within the ack window); `body` the ack body (text over HTTP, the ack
    `payload` dict over Socket Mode).
    """

    status: int | None
    body: Any
    ack_seconds: float | None
    response_url: str
    payload: dict[str, Any]
    via: str
    envelope_id: str | None = None
    #: The Socket Mode delivery record (attempts, acks), when sent over Socket Mode.
    envelope: Envelope | None = field(default=None, repr=False)

    @property
    def timed_out(self) -> bool:
        return self.status is None


@dataclass
class EventResult:
    """Outcome of an Events API delivery by the driver."""

    status: int | None
    body: Any
    ack_seconds: float | None
    event_id: str
    payload: dict[str, Any]
    via: str
    envelope_id: str | None = None
    #: The Socket Mode delivery record (attempts, acks), when sent over Socket Mode.
    envelope: Envelope | None = field(default=None, repr=False)
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def acked(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


@dataclass
class ActionResult:
    """Outcome of a block action (button click) sent by the driver."""

    status: int | None
    body: Any
    ack_seconds: float | None
    response_url: str
    payload: dict[str, Any]
    via: str
    envelope_id: str | None = None
    #: The Socket Mode delivery record (attempts, acks), when sent over Socket Mode.
    envelope: Envelope | None = field(default=None, repr=False)


def _truthy(value: Any) -> bool:
    if isinstance(value, str):
        return value.lower() in ("1", "true", "yes")
    return bool(value)
