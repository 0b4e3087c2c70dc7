"""The key's own record: `/v1/auth/token` read defensively in every shape, the documented key routes trusted.

`GET /v1/auth/token`'s success shape is undocumented (deepgram.md §1.3), so the checklist is built
here from many shapes of it: the two guesses the bot reads, and bodies it must not read anything
from. Whatever the shape, no line may claim the key has no expiry unless a documented record says so.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from bot.keys import Call, KeyCheck, ProjectFacts
from bot.keys.live import own_key_path
from bot.keys.records import KeyRecord, combine, from_key, from_listing, from_token_details
from tests.unit.keys.answers import (
    KEY,
    PID,
    balances,
    build,
    down,
    err,
    facts,
    key_item,
    line,
    listing,
    md,
    ok,
    own_key,
)

DEC_1 = "2026-12-01T00:00:00Z"

#: (body of `GET /v1/auth/token`, expected (api_key_id, scopes, expiration) or None when not recognised)
SHAPES: dict[str, tuple[Any, tuple[str, tuple[str, ...] | None, datetime | None] | None]] = {
    "wrapped": (
        {"project": {"project_id": PID, "name": "Acme"}, "member": {"member_id": "m1"}, "api_key": key_item()},
        ("k1", ("member",), None),
    ),
    "wrapped, with expiry": (
        {"api_key": key_item(expiration_date=DEC_1)},
        ("k1", ("member",), datetime(2026, 12, 1, tzinfo=UTC)),
    ),
    "flat": ({**key_item(), "project_id": PID}, ("k1", ("member",), None)),
    "minimal": ({"api_key_id": "k1"}, ("k1", None, None)),
    "empty": ({}, None),
    "a list": ([key_item()], None),
    "a string": ("ok", None),
    "a number": (1, None),
    "null": (None, None),
    "null api_key": ({"api_key": None}, None),
    "null id": ({"api_key_id": None, "scopes": ["member"]}, None),
    "null fields": (
        {"api_key": {"api_key_id": "k1", "scopes": None, "comment": None, "expiration_date": None}},
        ("k1", None, None),
    ),
    "id a number": ({"api_key": {"api_key_id": 7, "scopes": ["member"]}}, None),
    "id empty": ({"api_key_id": " ", "scopes": ["member"]}, None),
    "api_key a string": ({"api_key": "0123456789abcdef"}, None),
    "scopes a string": ({"api_key_id": "k1", "scopes": "member"}, ("k1", None, None)),
    "scopes with a null": ({"api_key_id": "k1", "scopes": ["member", None]}, ("k1", None, None)),
    "expiry a number": (
        {"api_key_id": "k1", "scopes": ["member"], "expiration_date": 1767225600},
        ("k1", ("member",), None),
    ),
    "expiry junk": ({"api_key_id": "k1", "scopes": ["member"], "expiration_date": "never"}, ("k1", ("member",), None)),
    "scopes without an id": ({"scopes": ["admin"], "expiration_date": DEC_1}, None),
    "other names": ({"valid": True, "key": {"id": "k1", "permissions": ["member"], "expires_at": None}}, None),
}
UNRECOGNISED = [name for name, (_, expected) in SHAPES.items() if expected is None]


@pytest.mark.parametrize("name", list(SHAPES))
def test_token_details_are_read_only_in_the_guessed_shapes(name: str) -> None:
    """Wrapped or flat with a string `api_key_id`; anything else is not a record. Wrong types count as absent."""
    body, expected = SHAPES[name]
    record = from_token_details(body)
    if expected is None:
        assert record is None
        return
    assert record is not None and (record.api_key_id, record.scopes, record.expiration) == expected
    # Nothing from /v1/auth/token is enough to say the key has no expiry.
    assert record.expiry_known == (record.expiration is not None)


def checklist(body: Any, **more: Any) -> KeyCheck:
    return build(KEY, facts(details=ok(body), **more))


@pytest.mark.parametrize("name", list(SHAPES))
def test_no_shape_makes_the_checklist_claim_no_expiry(name: str) -> None:
    """Whatever `/v1/auth/token` answers, no line says the key has no expiry (no documented record here)."""
    for fx in (
        checklist(SHAPES[name][0]),
        checklist(SHAPES[name][0], keys=listing(key_item(scopes=["admin"]))),
        checklist(SHAPES[name][0], keys=err(401, "User does not have sufficient permissions.")),
    ):
        texts = [md(c.text).lower() for c in fx.checks]
        assert not any("no expiry" in t or "lists no expiry" in t for t in texts), texts


@pytest.mark.parametrize("name", UNRECOGNISED)
def test_unrecognised_shapes_say_not_reported(name: str) -> None:
    """`{}`, lists, strings, nulls, other names: one info line, "did not report … scopes or expiry", no Expiry line."""
    result = checklist(SHAPES[name][0], keys=listing(key_item(scopes=["admin"])), own=own_key(scopes=["admin"]))
    scopes = line(result, "Scopes")
    assert scopes.state == "info" and "Deepgram did not report this key's scopes or expiry" in md(scopes.text)
    assert "Expiry" not in [c.label for c in result.checks]
    # The key list cannot be matched without an id, so its `admin` entry is not taken for this key.
    assert "`admin`" not in md(scopes.text)


def test_refused_key_list_and_unrecognised_details() -> None:
    """A Member key refused the key list and `{}` details: needs admin, nothing reported, no expiry claimed."""
    result = checklist({}, keys=err(401, "User does not have sufficient permissions."))
    scopes = line(result, "Scopes")
    assert md(scopes.text).startswith("Can't see its own scopes (needs admin): Deepgram did not report this key's")
    assert scopes.state == "info" and scopes.next_step is not None


@pytest.mark.parametrize("name", ["wrapped", "flat"])
def test_recognised_details_alone_give_scopes_but_not_no_expiry(name: str) -> None:
    """Scopes from recognised details; with no date there, the expiry is "not reported", as information."""
    result = checklist(SHAPES[name][0], keys=err(401, "User does not have sufficient permissions."))
    assert md(line(result, "Scopes").text) == "`member` (comment “CI”)."
    expiry = line(result, "Expiry")
    assert (expiry.state, md(expiry.text)) == ("info", "Deepgram did not report this key's expiry.")


def test_a_date_in_recognised_details_is_used() -> None:
    """A parseable `expiration_date` in recognised details is a date Deepgram gave: shown."""
    result = checklist(SHAPES["wrapped, with expiry"][0], keys=err(403))
    assert md(line(result, "Expiry").text).startswith("Expires on 2026-12-01")


@pytest.mark.parametrize("name", ["wrapped", "flat", "minimal", "null fields", "scopes a string"])
def test_documented_record_says_no_expiry_date(name: str) -> None:
    """Recognised id, found in the key list, and the documented per-key record: "lists no expiry date"."""
    result = checklist(SHAPES[name][0], keys=listing(key_item()), own=own_key(scopes=["admin"], comment="ops"))
    assert md(line(result, "Scopes").text) == "`admin` (comment “ops”)."
    expiry = line(result, "Expiry")
    assert (expiry.state, md(expiry.text)) == ("pass", "Deepgram lists no expiry date for this key.")


def test_documented_record_with_a_date() -> None:
    result = checklist({"api_key_id": "k1"}, keys=listing(key_item()), own=own_key(expiration_date=DEC_1))
    assert md(line(result, "Expiry").text).startswith("Expires on 2026-12-01")


def test_listing_entry_without_a_date_says_nothing_about_expiry() -> None:
    """The key list's schema has no `expiration_date`: its absence there is "not reported", not "none"."""
    result = checklist({"api_key_id": "k1"}, keys=listing(key_item(scopes=["owner"])))
    assert md(line(result, "Scopes").text).startswith("`owner`")
    assert md(line(result, "Expiry").text) == "Deepgram did not report this key's expiry."
    dated = checklist({"api_key_id": "k1"}, keys=listing(key_item(expiration_date=DEC_1)))
    assert md(line(dated, "Expiry").text).startswith("Expires on 2026-12-01")


def test_a_record_for_another_key_is_ignored() -> None:
    """A per-key record whose id is not the one asked for is not this key's."""
    result = checklist({"api_key_id": "k1"}, keys=listing(key_item()), own=own_key(api_key_id="k2", scopes=["owner"]))
    assert md(line(result, "Scopes").text).startswith("`member`")
    assert line(result, "Expiry").state == "info"


def test_expiry_without_scopes_is_still_said() -> None:
    """A recognised record with a date but no readable scopes: scopes not reported, the date shown."""
    result = checklist({"api_key_id": "k1", "scopes": "member", "expiration_date": DEC_1}, keys=err(403))
    scopes = line(result, "Scopes")
    assert "did not report this key's scopes" in md(scopes.text) and "or expiry" not in md(scopes.text)
    assert md(line(result, "Expiry").text).startswith("Expires on 2026-12-01")


def test_key_list_unreadable() -> None:
    """No key list (timeout) and nothing recognised: a warning with what to do and the playbook."""
    scopes = line(checklist({}, keys=down()), "Scopes")
    assert scopes.state == "warn" and "could not be read (no answer from Deepgram within 10 s)" in md(scopes.text)
    assert scopes.next_step is not None and scopes.topic is not None


def test_documented_bodies_are_read_strictly() -> None:
    """`GET …/keys` and `GET …/keys/{id}` bodies: only their documented shapes, wrong types as absent."""
    body = {"api_keys": [{"api_key": key_item()}, "junk", {"api_key": None}]}
    assert from_listing(body, "k1") == KeyRecord("k1", ("member",), "CI")
    assert from_listing(body, "k2") is None and from_listing(body, None) is None
    assert from_listing({"api_keys": "no"}, "k1") is None
    assert from_key({"item": {"member": {"api_key": key_item()}}}) == KeyRecord("k1", ("member",), "CI", None, True)
    junk_date = from_key({"item": {"member": {"api_key": key_item(expiration_date="soon")}}})
    assert junk_date is not None and not junk_date.expiry_known
    assert from_key({"item": {"api_key": key_item()}}) is None and from_key([]) is None


def test_combine_trusts_the_documented_record_first() -> None:
    documented = KeyRecord("k1", ("admin",), None, None, True)
    told = KeyRecord("k1", ("member",), "CI", datetime(2030, 1, 1, tzinfo=UTC), True)
    merged = combine(documented, None, told)
    assert merged == KeyRecord("k1", ("admin",), "CI", None, True)
    assert combine(None, None) is None


def test_own_key_path_needs_a_recognised_id_seen_in_a_key_list() -> None:
    """The per-key record is asked for only with an id from recognised details that a key list shows."""
    listed = ProjectFacts(PID, "A", keys=listing(key_item(api_key_id="a/../b")), balances=balances(1))
    details: Call = ok({"api_key_id": "a/../b"})
    assert own_key_path(details, [listed]) == f"/v1/projects/{PID}/keys/a%2F..%2Fb"
    assert own_key_path(ok({}), [listed]) is None
    assert own_key_path(err(404), [listed]) is None
    assert own_key_path(ok({"api_key_id": "zz"}), [listed]) is None
    refused = ProjectFacts(PID, "A", keys=err(401), balances=balances(1))
    assert own_key_path(details, [refused]) is None
