"""`/deepgram check-key` (and the monitor's balance watch) when Deepgram answers with far too much: a line says so."""

from __future__ import annotations

import httpx
import pytest

from bot.alerts.jobs import fetch_balances
from bot.runtime.deps import Deps
from bot.slack.kit import unescape
from simworld.deepgram import FakeDeepgram
from tests.integration.keys.test_check_key import assert_no_secret, check, lines, mint

TEN_MB = 10 * 1024 * 1024
TOO_LARGE = "Deepgram's answer was larger than 4 MB, so it was not read"


@pytest.mark.parametrize("declare_length", [True, False], ids=["content-length", "chunked"])
async def test_oversized_project_list(dg: FakeDeepgram, deps: Deps, declare_length: bool) -> None:
    """The first answer is 10 MB: the Accepted line fails, says why, and points at the 5xx playbook."""
    dg.oversize("projects", TEN_MB, declare_length=declare_length)
    reply = await check(deps, None)
    accepted = lines(reply)["Accepted"]
    assert accepted.startswith(":x:")
    assert f"Could not check: {TOO_LARGE}." in accepted and "`/deepgram why 5xx`" in accepted
    assert [r.path for r in dg.requests] == ["/v1/projects"]  # nothing more asked
    assert_no_secret(reply, dg.api_key)


async def test_oversized_side_answers(dg: FakeDeepgram, deps: Deps) -> None:
    """Every `/v1/auth/*` answer is 10 MB: the key still passes, the token line says the answer was too large."""
    dg.oversize("auth", TEN_MB, times=None)
    found = lines(await check(deps, None))
    assert found["Accepted"].startswith(":white_check_mark:")
    assert f"Could not check whether it may mint temporary tokens ({TOO_LARGE})." in found["Temporary tokens"]


async def test_oversized_answer_to_a_temporary_token(dg: FakeDeepgram, deps: Deps) -> None:
    token = await mint(dg, dg.api_key)
    dg.oversize("listen", TEN_MB)
    reply = await check(deps, token)
    shown = unescape("\n".join(lines(reply).values()))
    assert f"Could not check: {TOO_LARGE}." in shown
    assert_no_secret(reply, token)


async def test_balance_watch_reads_no_oversized_answer(dg: FakeDeepgram) -> None:
    """The monitor's `fetch_balances` goes through the same capped call: too large is "Deepgram can't tell"."""
    async with httpx.AsyncClient() as http:
        assert await fetch_balances(http, dg.base_url, dg.api_key) is not None
        dg.oversize("projects", TEN_MB, times=None)
        assert await fetch_balances(http, dg.base_url, dg.api_key) is None
