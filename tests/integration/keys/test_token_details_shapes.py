"""check-key against the fake Deepgram while `GET /v1/auth/token` answers in every guessed shape.

That route's success shape is undocumented (deepgram.md §1.3), so the fake's `token_details_shape`
knob varies it. Scopes and expiry must come from documented answers, or be said to be unreported:
the checklist never claims "no expiry" from a shape it does not recognise.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from bot.runtime.deps import Deps
from simworld.deepgram import FakeDeepgram
from simworld.deepgram.manage import TokenDetailsShape
from simworld.deepgram.state import ApiKey, Project, now_utc
from tests.integration.keys.test_check_key import check, lines


def _null_fields(key: ApiKey, project: Project) -> Any:
    return {"api_key": {"api_key_id": None, "scopes": None, "expiration_date": None}}


def _a_list(key: ApiKey, project: Project) -> Any:
    return [{"api_key_id": key.api_key_id, "scopes": list(key.scopes)}]


def _a_string(key: ApiKey, project: Project) -> Any:
    return "ok"


def _wrong_types(key: ApiKey, project: Project) -> Any:
    return {"api_key_id": 12345, "scopes": "member", "expiration_date": 0}


#: shapes the bot reads the key's id from (so it can find the key's documented record)
NAMING: list[TokenDetailsShape] = ["wrapped", "flat", "minimal"]
#: shapes it must read nothing from
SILENT: list[TokenDetailsShape] = ["empty", "unknown", _null_fields, _a_list, _a_string, _wrong_types]
ALL = [*NAMING, *SILENT]


def shape_id(shape: TokenDetailsShape) -> str:
    return shape if isinstance(shape, str) else shape.__name__.strip("_")


def never_no_expiry(found: dict[str, str]) -> None:
    for text in found.values():
        assert "no expiry" not in text, text


@pytest.mark.parametrize("shape", NAMING, ids=shape_id)
async def test_recognised_id_leads_to_the_documented_record(dg: FakeDeepgram, deps: Deps, shape: Any) -> None:
    """Wrapped, flat or minimal details name the key: its documented record gives scopes and "no expiry date"."""
    dg.token_details_shape = shape
    found = lines(await check(deps, None))
    assert "`member` (comment “Deepgram Doctor bot”)." in found["Scopes"]
    assert found["Expiry"] == ":white_check_mark: *Expiry*: Deepgram lists no expiry date for this key."
    key_id = dg.key_info(dg.api_key).api_key_id
    assert f"/v1/projects/{dg.project_id}/keys/{key_id}" in [r.path for r in dg.requests]


@pytest.mark.parametrize("shape", SILENT, ids=shape_id)
async def test_unrecognised_details_are_reported_as_such(dg: FakeDeepgram, deps: Deps, shape: Any) -> None:
    """`{}`, other names, nulls, a list, a string, wrong types: "did not report", no Expiry line, no guess."""
    dg.token_details_shape = shape
    reply = await check(deps, None)
    found = lines(reply)
    assert found["Scopes"].startswith(
        ":information_source: *Scopes*: Deepgram did not report this key's scopes or expiry"
    )
    assert "Expiry" not in found
    assert not any("/keys/" in r.path for r in dg.requests)  # no key to look up
    assert reply.blocks is not None and "problem" not in reply.blocks[1]["text"]["text"]


@pytest.mark.parametrize("shape", ALL, ids=shape_id)
async def test_capabilities_do_not_depend_on_the_shape(dg: FakeDeepgram, deps: Deps, shape: Any) -> None:
    """Accepted, projects, balance, key management and token minting read the same in every shape."""
    dg.token_details_shape = shape
    found = lines(await check(deps, None))
    for label in ("Accepted", "Projects", "Balance of Acme Voice", "Key management", "Temporary tokens"):
        assert found[label].startswith(":white_check_mark:"), found[label]
    assert "It can list the project's API keys (`GET …/keys` answered 200)" in found["Key management"]
    never_no_expiry({k: v for k, v in found.items() if k != "Expiry"})


@pytest.mark.parametrize("shape", ALL, ids=shape_id)
async def test_member_key_refused_the_key_list(dg: FakeDeepgram, deps: Deps, shape: Any) -> None:
    """Keys listed only to admins: scopes only from recognised details, and the expiry then "not reported"."""
    dg.keys_need_admin = True
    dg.token_details_shape = shape
    found = lines(await check(deps, None))
    assert found["Key management"].startswith(":information_source: *Key management*: It may not list")
    never_no_expiry(found)
    if shape in ("wrapped", "flat"):
        assert "`member`" in found["Scopes"]
        assert found["Expiry"].startswith(":information_source: *Expiry*: Deepgram did not report this key's expiry.")
    else:
        assert found["Scopes"].startswith(":information_source: *Scopes*: Can't see its own scopes (needs admin)")
        assert "Expiry" not in found


@pytest.mark.parametrize("shape", ALL, ids=shape_id)
async def test_expiring_key_in_every_shape(dg: FakeDeepgram, deps: Deps, shape: Any) -> None:
    """A key expiring in two days: warned about whenever a documented record or recognised details give the date."""
    dg.token_details_shape = shape
    soon = dg.add_key(scopes=("member",), expiration=now_utc() + timedelta(days=2, hours=1))
    found = lines(await check(deps, soon))
    if shape in NAMING:
        assert found["Expiry"].startswith(":warning: *Expiry*: Expires in 2 days")
    else:
        assert "Expiry" not in found and "did not report this key's scopes or expiry" in found["Scopes"]


async def test_admin_key_reads_as_admin_level(dg: FakeDeepgram, deps: Deps) -> None:
    """An admin key with unrecognised details: the key list's 200 still says admin- or owner-level access."""
    dg.token_details_shape = "empty"
    found = lines(await check(deps, dg.add_key(scopes=("admin",))))
    assert "admin- or owner-level access" in found["Key management"]
