"""A key's own record (id, scopes, comment, expiry) read out of Deepgram's answer bodies.

Three sources, most trusted first (deepgram.md §1.3, §3.2; OAS `ListProjectKeysV1Response`,
`GetProjectKeyV1Response`):

* `GET /v1/projects/{id}/keys/{key_id}` → `item.member.api_key` {`api_key_id`, `comment`, `scopes`,
  `tags`, `expiration_date`, `created`}. `expiration_date` is a documented, optional field there, so
  only this record can say that Deepgram lists *no* expiry date for the key.
* `GET /v1/projects/{id}/keys` → `api_keys[].api_key` {`api_key_id`, `comment`, `scopes`, `created`}.
  It never shows secrets, so the key is found in it only by its id; and its schema has no
  `expiration_date`, so a date there is used but its absence says nothing.
* `GET /v1/auth/token`: documented only as "a JSON response with details about your key" and absent
  from the 2026 OAS; its success shape is unknown. Two guesses are read — the key's fields under
  `api_key`, or at the top level — and only when they carry a string `api_key_id`. Any other shape
  (`{}`, a list, a string, other names) is "not reported": never "no scopes", never "no expiry".

Pure functions of parsed JSON: a field of the wrong type counts as absent, never as an error or as
"none". `bot.keys.facts` applies them to `Call`s; `bot.keys.live` uses them to find the key's id.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.units import parse_time


@dataclass(frozen=True)
class KeyRecord:
    """What Deepgram shows about the key itself (never its secret)."""

    api_key_id: str | None
    #: None: not reported (or not as a list of strings); () is a reported empty list
    scopes: tuple[str, ...] | None
    comment: str | None = None
    expiration: datetime | None = None
    #: the expiry is known: a date, or (only from the documented per-key record) the lack of one
    expiry_known: bool = False


def from_token_details(body: Any) -> KeyRecord | None:
    """`GET /v1/auth/token`'s body, when it has one of the two guessed shapes; None for any other."""
    if not isinstance(body, dict):
        return None
    for item in (body.get("api_key"), body):
        record = _record(item, documented_expiry=False)
        if record is not None:
            return record
    return None


def from_listing(body: Any, api_key_id: str | None) -> KeyRecord | None:
    """The entry with this id in a `GET …/keys` body (`api_keys[].api_key`); None without a match."""
    if api_key_id is None:
        return None
    for item in listed_keys(body):
        if item.get("api_key_id") == api_key_id:
            return _record(item, documented_expiry=False)
    return None


def from_key(body: Any) -> KeyRecord | None:
    """A `GET …/keys/{key_id}` body (`item.member.api_key`); None when it is not that shape."""
    item = _path(body, "item", "member", "api_key")
    return _record(item, documented_expiry=True)


def listed_keys(body: Any) -> list[dict[str, Any]]:
    """The `api_key` objects of a `GET …/keys` body (empty when it is not a listing)."""
    entries = body.get("api_keys") if isinstance(body, dict) else None
    if not isinstance(entries, list):
        return []
    found = (entry.get("api_key") if isinstance(entry, dict) else None for entry in entries)
    return [item for item in found if isinstance(item, dict)]


def is_listing(body: Any) -> bool:
    """Whether a body is a `GET …/keys` listing (`{"api_keys": [...]}`)."""
    return isinstance(body, dict) and isinstance(body.get("api_keys"), list)


def combine(*records: KeyRecord | None) -> KeyRecord | None:
    """One record from several sources, most trusted first: each field from the first source that has it."""
    found = [r for r in records if r is not None]
    if not found:
        return None
    dated = next((r for r in found if r.expiration is not None or r.expiry_known), None)
    return KeyRecord(
        api_key_id=next((r.api_key_id for r in found if r.api_key_id), None),
        scopes=next((r.scopes for r in found if r.scopes is not None), None),
        comment=next((r.comment for r in found if r.comment), None),
        expiration=dated.expiration if dated else None,
        expiry_known=dated is not None,
    )


def _record(item: Any, *, documented_expiry: bool) -> KeyRecord | None:
    """A record from one `api_key` object; None unless it names the key (a non-empty string id)."""
    if not isinstance(item, dict):
        return None
    key_id = _text(item.get("api_key_id"))
    if key_id is None:
        return None
    raw = item.get("expiration_date")
    expiration = parse_time(raw)
    return KeyRecord(
        api_key_id=key_id,
        scopes=_strings(item.get("scopes")),
        comment=_text(item.get("comment")),
        expiration=expiration,
        # Only where the schema documents the field may its absence (or null) mean "no expiry date".
        expiry_known=expiration is not None or (documented_expiry and raw is None),
    )


def _path(value: Any, *keys: str) -> Any:
    for key in keys:
        value = value.get(key) if isinstance(value, dict) else None
    return value


def _strings(value: Any) -> tuple[str, ...] | None:
    """A list of strings as a tuple; anything else (a string, nulls or numbers inside) is not reported."""
    if not isinstance(value, list) or not all(isinstance(s, str) for s in value):
        return None
    return tuple(value)


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value.strip() else None
