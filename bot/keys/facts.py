"""Reading what Deepgram answered about a key: its own record (scopes, comment, expiry) and balances.

Deepgram's answers are read loosely: a field of the wrong type is treated as absent, never as an
error. Which answer may say what is `bot.keys.records`' business: scopes and expiry come from the
documented key routes, and from `GET /v1/auth/token` only when its undocumented body has a shape
we recognise. Nothing here judges; `bot.keys.checklist` turns these facts into checklist lines.
"""

from __future__ import annotations

from typing import Any

from bot.keys.live import ApiKeyFacts, Call
from bot.keys.records import KeyRecord, combine, from_key, from_listing, from_token_details, listed_keys

__all__ = [
    "KeyRecord",
    "balance_items",
    "balance_totals",
    "key_from_details",
    "key_from_listing",
    "listed_key_count",
    "own_record",
]


def key_from_details(details: Call | None) -> KeyRecord | None:
    """`GET /v1/auth/token`'s answer, when its (undocumented, deepgram.md §1.3) shape is recognised."""
    if details is None or not details.ok:
        return None
    return from_token_details(details.body)


def key_from_listing(keys: Call, api_key_id: str | None) -> KeyRecord | None:
    """The key with this id in a `GET …/keys` answer (the listing never shows secrets, so an id is needed)."""
    return from_listing(keys.body, api_key_id) if keys.ok else None


def own_record(facts: ApiKeyFacts) -> KeyRecord | None:
    """Everything Deepgram said about the key itself, most trusted source first.

    The documented per-key record (`GET …/keys/{key_id}`), then its entry in a project's key list,
    then `/v1/auth/token`'s details. Only the details can say which listed key this is: without a
    recognised shape there, the key lists cannot be used either.
    """
    told = key_from_details(facts.token_details)
    key_id = told.api_key_id if told else None
    listed = next((found for p in facts.project_facts if (found := key_from_listing(p.keys, key_id)) is not None), None)
    own = facts.own_key
    documented = from_key(own.body) if own is not None and own.ok else None
    if documented is not None and documented.api_key_id != key_id:
        documented = None  # not the key it was asked for
    return combine(documented, listed, told)


def listed_key_count(keys: Call) -> int:
    """How many keys a `GET …/keys` answer lists (0 when it is not a listing)."""
    return len(listed_keys(keys.body))


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
