"""The fake Deepgram's key-inspection knobs used by check-key: shared keys, admin-only key lists, token details."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from simworld.deepgram import FakeDeepgram
from simworld.deepgram.manage import TokenDetailsShape


@pytest.fixture
async def dg() -> AsyncIterator[FakeDeepgram]:
    async with FakeDeepgram() as fake:
        yield fake


@pytest.fixture
async def client(dg: FakeDeepgram) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=dg.base_url, timeout=5.0) as c:
        yield c


def tok(secret: str) -> dict[str, str]:
    return {"Authorization": f"Token {secret}"}


async def test_shared_key_reaches_both_projects(dg: FakeDeepgram, client: httpx.AsyncClient) -> None:
    """share_key: GET /v1/projects lists the second project and its balances answer to the key."""
    other = dg.add_project("Acme Staging", balance_usd=3.5)
    dg.share_key(dg.api_key, other)
    dg.share_key(dg.api_key, other)  # idempotent
    projects = (await client.get("/v1/projects", headers=tok(dg.api_key))).json()["projects"]
    assert [p["name"] for p in projects] == ["Acme Voice", "Acme Staging"]
    balances = await client.get(f"/v1/projects/{other.project_id}/balances", headers=tok(dg.api_key))
    assert balances.json()["balances"][0]["amount"] == 3.5
    # A key that was not shared still sees only its own project.
    lone = dg.add_key(other)
    resp = await client.get(f"/v1/projects/{dg.project_id}/balances", headers=tok(lone))
    assert resp.status_code == 404


async def test_keys_need_admin_refuses_member_keys(dg: FakeDeepgram, client: httpx.AsyncClient) -> None:
    """keys_need_admin: a Member key gets the plain-text 401 on the key routes; an admin key still lists them."""
    dg.keys_need_admin = True
    base = f"/v1/projects/{dg.project_id}/keys"
    for path in (base, f"{base}/{dg.key_info(dg.api_key).api_key_id}"):
        resp = await client.get(path, headers=tok(dg.api_key))
        assert (resp.status_code, resp.text) == (401, "User does not have sufficient permissions.")
    admin = dg.add_key(scopes=("admin",))
    assert (await client.get(base, headers=tok(admin))).status_code == 200
    # Projects and balances stay readable to the Member key.
    assert (await client.get(f"/v1/projects/{dg.project_id}/balances", headers=tok(dg.api_key))).status_code == 200
    dg.reset()
    assert (await client.get(base, headers=tok(dg.api_key))).status_code == 200


async def test_token_details_can_be_switched_off(dg: FakeDeepgram, client: httpx.AsyncClient) -> None:
    """token_details_enabled=False: GET /v1/auth/token is a plain 404, as an unknown path is."""
    dg.token_details_enabled = False
    resp = await client.get("/v1/auth/token", headers=tok(dg.api_key))
    assert resp.status_code == 404 and resp.headers["content-type"].startswith("text/plain")
    assert resp.headers["dg-request-id"]
    assert (await client.post("/v1/auth/grant", headers=tok(dg.api_key))).status_code == 200


async def test_token_details_shape_varies_the_undocumented_answer(dg: FakeDeepgram, client: httpx.AsyncClient) -> None:
    """token_details_shape: the guessed bodies of GET /v1/auth/token (§1.3); none holds the secret."""
    key_id = dg.key_info(dg.api_key).api_key_id
    bodies = {}
    shapes: tuple[TokenDetailsShape, ...] = ("wrapped", "flat", "minimal", "empty", "unknown")
    for shape in shapes:
        dg.token_details_shape = shape
        resp = await client.get("/v1/auth/token", headers=tok(dg.api_key))
        assert resp.status_code == 200 and dg.api_key not in resp.text
        bodies[shape] = resp.json()
    assert bodies["wrapped"]["api_key"]["api_key_id"] == key_id and bodies["wrapped"]["api_key"]["scopes"] == ["member"]
    assert bodies["flat"]["api_key_id"] == key_id and bodies["flat"]["scopes"] == ["member"]
    assert bodies["minimal"] == {"api_key_id": key_id}
    assert bodies["empty"] == {}
    assert "api_key_id" not in bodies["unknown"] and "api_key" not in bodies["unknown"]
    assert bodies["unknown"]["key"]["id"] == key_id
    dg.token_details_shape = lambda key, project: [key.api_key_id, project.name]
    assert (await client.get("/v1/auth/token", headers=tok(dg.api_key))).json() == [key_id, "Acme Voice"]
    # Bad keys are still refused in the auth routes' plain-text form, whatever the shape.
    assert (await client.get("/v1/auth/token", headers=tok("f" * 40))).text == "Invalid credentials."
    dg.reset()
    assert (await client.get("/v1/auth/token", headers=tok(dg.api_key))).json()["api_key"]["api_key_id"] == key_id
