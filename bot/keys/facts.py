"""Reading what Deepgram answered about a key: its own record (scopes, comment, expiry) and balances.

Deepgram's answers are read loosely: a field of the wrong type is treated as absent, never as an
error. Nothing here judges; `bot.keys.checklist` turns these facts into checklist lines.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.keys.live import Call
from bot.units import parse_time


@dataclass(frozen=True)
class KeyRecord:
    """What Deepgram shows about the key itself (never its secret)."""

    api_key_id: str | None
    scopes: tuple[str, ...] | None
    comment: str | None = None
    expiration: datetime | None = None


def key_from_details(details: Call | None) -> KeyRecord | None:
    """`GET /v1/auth/token`'s answer; its shape is undocumented (deepgram.md §1.3), so read it loosely."""
    if details is None or not details.ok or not isinstance(details.body, dict):
        return None
    body = details.body
    item = body.get("api_key") if isinstance(body.get("api_key"), dict) else body
    return _key_record(item)


def key_from_listing(keys: Call, api_key_id: str | None) -> KeyRecord | None:
    """The key with this id in a `GET …/keys` answer (the listing never shows secrets, so an id is needed)."""
    if api_key_id is None or not keys.ok or not isinstance(keys.body, dict):
        return None
    for entry in keys.body.get("api_keys") or []:
        item = entry.get("api_key") if isinstance(entry, dict) else None
        if isinstance(item, dict) and item.get("api_key_id") == api_key_id:
            return _key_record(item)
    return None


def listed_key_count(keys: Call) -> int:
    """How many keys a `GET …/keys` answer lists (0 when it is not a listing)."""
    if not isinstance(keys.body, dict):
        return 0
    return len(keys.body.get("api_keys") or [])


def _key_record(item: Any) -> KeyRecord | None:
    if not isinstance(item, dict):
        return None
    key_id = item.get("api_key_id")
    record = KeyRecord(
        api_key_id=key_id if isinstance(key_id, str) else None,
        scopes=_strings(item.get("scopes")),
        comment=_text(item.get("comment")),
        expiration=parse_time(item.get("expiration_date") or item.get("expiration")),
    )
    return record if record.api_key_id or record.scopes is not None else None


def _strings(value: Any) -> tuple[str, ...] | None:
    return tuple(s for s in value if isinstance(s, str)) if isinstance(value, list) else None


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def balance_items(balances: Call) -> list[Any] | None:
    """The entries of a `GET …/balances` answer; None when it is not a balance list (an empty list: invoiced)."""
    items = balances.body.get("balances") if balances.ok and isinstance(balances.body, dict) else None
    return items if isinstance(items, list) else None


def balance_totals(items: list[Any]) -> dict[str, float]:
    """Balance entries summed per unit (`{"usd": 187.42}`); entries without a numeric amount are skipped."""
    totals: dict[str, float] = {}
    for item in items:
        amount = item.get("amount") if isinstance(item, dict) else None
        if isinstance(amount, int | float) and not isinstance(amount, bool):
            units = str(item.get("units") or "usd").lower()
            totals[units] = totals.get(units, 0.0) + float(amount)
    return totals
