"""The fake's world: projects, members, keys, balances, registered clips, knobs and the request log."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

# Management scopes that count as a role. `/v1/auth/grant` needs Member or higher (OAS, §1.2).
ROLE_SCOPES = frozenset({"member", "admin", "owner"})


def iso(ts: datetime) -> str:
    """ISO-8601 with milliseconds and `Z`, as Deepgram writes `created` (§3.1, rec)."""
    return ts.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{ts.microsecond // 1000:03d}Z"


def now_utc() -> datetime:
    """The current time, timezone-aware."""
    return datetime.now(UTC)


@dataclass
class Member:
    """A project member; keys belong to the member who created them."""

    member_id: str
    email: str
    first_name: str = "Ada"
    last_name: str = "Ops"


@dataclass
class ApiKey:
    """An API key. `secret` is the 40-lowercase-hex string clients send; never logged."""

    api_key_id: str
    secret: str
    project_id: str
    member: Member
    scopes: tuple[str, ...]
    comment: str
    tags: tuple[str, ...] = ()
    created: datetime = field(default_factory=now_utc)
    expiration: datetime | None = None
    expired: bool = False
    other_project_ids: list[str] = field(default_factory=list)  # see FakeDeepgram.share_key

    def is_expired(self, at: datetime | None = None) -> bool:
        """Expired by flag or by date; an expired key behaves as an invalid one."""
        if self.expired:
            return True
        return self.expiration is not None and self.expiration <= (at or now_utc())

    def has_role(self) -> bool:
        """Member, admin or owner."""
        return bool(ROLE_SCOPES.intersection(self.scopes))

    def can_use_apis(self) -> bool:
        """Whether the key may call listen/speak (`usage:write`, implied by any role)."""
        return self.has_role() or "usage:write" in self.scopes

    def can_read_project(self) -> bool:
        """Whether the key may read management data of its project."""
        return self.has_role() or bool({"project:read", "keys:read", "billing:read"} & set(self.scopes))


@dataclass
class Balance:
    """A project balance (OAS `ListProjectBalancesV1ResponseBalancesItems`): `amount` float, `units` usd."""

    amount: float
    units: str = "usd"
    balance_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    purchase_order_id: str = field(default_factory=lambda: str(uuid.uuid4()))

    def as_json(self) -> dict[str, Any]:
        """The wire form."""
        return {
            "balance_id": self.balance_id,
            "amount": float(self.amount),
            "units": self.units,
            "purchase_order_id": self.purchase_order_id,
        }


@dataclass
class Purchase:
    """A purchase order (OAS `ListProjectPurchasesV1ResponseOrdersItems`)."""

    amount: float
    order_type: str = "promotional"
    units: str = "usd"
    created: datetime = field(default_factory=lambda: now_utc() - timedelta(days=30))
    expiration: datetime | None = None
    order_id: str = field(default_factory=lambda: str(uuid.uuid4()))

    def as_json(self) -> dict[str, Any]:
        """The wire form; promotional credit expires a year after purchase (§8, unverified)."""
        expiration = self.expiration or (self.created + timedelta(days=365))
        return {
            "order_id": self.order_id,
            "expiration": iso(expiration),
            "created": iso(self.created),
            "amount": float(self.amount),
            "units": self.units,
            "order_type": self.order_type,
        }


@dataclass
class Project:
    """A Deepgram project. An empty `balances` list models an invoiced project (§3.2)."""

    project_id: str
    name: str
    balances: list[Balance] = field(default_factory=list)
    purchases: list[Purchase] = field(default_factory=list)
    members: list[Member] = field(default_factory=list)
    mip_opt_out: bool = False
    out_of_credit: bool = False
    denied_models: set[str] = field(default_factory=set)
    saved_amounts: list[float] | None = None  # balances before exhaust_credits(), for reset()


@dataclass
class Word:
    """One recognised word with timings in seconds."""

    word: str
    start: float
    end: float
    confidence: float = 0.99
    punctuated_word: str | None = None

    @classmethod
    def from_any(cls, item: Word | Mapping[str, Any]) -> Word:
        """Accept a Word or a recorded word dict (`word`, `start`, `end`, `confidence`, `punctuated_word`)."""
        if isinstance(item, Word):
            return item
        return cls(
            word=str(item["word"]),
            start=float(item["start"]),
            end=float(item["end"]),
            confidence=float(item.get("confidence", 0.99)),
            punctuated_word=item.get("punctuated_word"),
        )


@dataclass
class Clip:
    """Audio the fake "recognises", with the transcript it answers for it.

    `audio` is what a client would send: a container file (WAV, MP3, …) or, with `encoding` and
    `sample_rate`, headerless audio. `words` are optional timings (recorded word dicts work); without
    them the transcript's words are spread evenly over `duration` (computed from the audio when None).
    `url` makes the clip the content of that URL for `{"url": …}` requests.
    """

    audio: bytes
    transcript: str
    words: Sequence[Word | Mapping[str, Any]] | None = None
    duration: float | None = None
    encoding: str | None = None
    sample_rate: int | None = None
    channels: int = 1
    url: str | None = None
    confidence: float | None = None


@dataclass
class RecordedRequest:
    """What the fake saw of one request (never the secret)."""

    request_id: str
    route: str  # listen | listen_ws | speak | projects | models | auth | other
    kind: Literal["http", "ws"]
    method: str
    path: str
    query: dict[str, str]  # last value of each parameter
    query_items: list[tuple[str, str]]
    auth_scheme: str | None  # "token", "bearer", "raw" (no scheme word), another word, or None
    auth_source: Literal["header", "subprotocol", "query"] | None
    content_type: str | None
    body_length: int = 0  # HTTP body bytes, or total binary bytes received on a WebSocket
    status: int | None = None  # HTTP status (101 for an accepted WebSocket); None if dropped
    close_code: int | None = None  # WebSocket close code (server's or client's)
    close_reason: str | None = None
    key_id: str | None = None  # api_key_id of the credential that authenticated, if any
    dropped: bool = False
    knob: str | None = None  # the knob that answered instead of the real handler
    messages_sent: list[str] = field(default_factory=list)  # server → client text messages ("type" values)
    client_messages: list[str] = field(default_factory=list)  # client → server text messages ("type" values)
    done: bool = False

    @property
    def is_ws(self) -> bool:
        """True for WebSocket upgrade requests."""
        return self.kind == "ws"


EffectKind = Literal["fail", "rate_limit", "drop", "malformed", "stall", "oversize"]


@dataclass(frozen=True)
class Oversize:
    """The `oversize` knob: an answer (HTTP) or one message (WebSocket) of exactly `size` bytes."""

    size: int
    declare_length: bool = True  # HTTP: send `Content-Length`; False: chunked, the size only shows by reading
    binary: bool = False  # WebSocket: the first audio frame instead of the first JSON message


@dataclass
class Effect:
    """A queued knob: the next `remaining` requests of `route` ("*" = any) get this instead."""

    route: str
    kind: EffectKind
    remaining: int | None  # None = forever
    status: int = 0
    body: str | bytes | dict[str, Any] | None = None
    headers: dict[str, str] | None = None
    oversize: Oversize | None = None


def new_secret() -> str:
    """A Deepgram-looking API key: 40 lowercase hex characters."""
    return secrets.token_hex(20)


def new_member(email: str) -> Member:
    """A member with a fresh id."""
    local = email.split("@", 1)[0]
    first = local.split(".")[0].capitalize() or "Ada"
    return Member(member_id=str(uuid.uuid4()), email=email, first_name=first, last_name="Example")
