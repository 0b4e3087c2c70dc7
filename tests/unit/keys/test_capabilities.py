"""What a key may do, read from documented calls and status codes only, and the "Key management" line."""

from __future__ import annotations

import pytest

from bot.keys import ApiKeyFacts, Call, ProjectFacts
from bot.keys.capabilities import Capability, can_manage_keys, can_mint, is_valid, read_capabilities
from bot.keys.checklist import key_management_check
from bot.topics import Topic
from tests.unit.keys.answers import KEY, PID, balances, build, down, err, facts, line, md, ok


def project(keys: Call, bal: Call | None = None, pid: str = PID) -> ProjectFacts:
    return ProjectFacts(pid, "Acme", keys=keys, balances=bal or balances(5))


def test_healthy_key_capabilities() -> None:
    """Valid, which projects, billing readable with its balance, keys listable, tokens mintable."""
    caps = read_capabilities(facts(bal=balances(180.0, 7.42)))
    assert caps.valid is True and caps.projects == ("Acme Voice",)
    assert caps.read_billing.able is True and caps.balances == {"usd": 187.42}
    assert caps.manage_keys.able is True and caps.mint_tokens.able is True


def test_limited_key_capabilities() -> None:
    """Balances and keys refused (401/403), grant refused (403): each is a "no", with the answer kept."""
    fx = facts(
        keys=err(401, "User does not have sufficient permissions."),
        bal=err(403, "Authentication failed."),
        grant=err(403, "Insufficient permissions."),
    )
    caps = read_capabilities(fx)
    assert (caps.read_billing.able, caps.manage_keys.able, caps.mint_tokens.able) == (False, False, False)
    assert caps.balances == {}
    assert caps.manage_keys.answer is not None and caps.manage_keys.answer.status == 401


@pytest.mark.parametrize(
    ("projects", "valid"),
    [
        (ok({"projects": []}), True),
        (err(401, "User does not have sufficient permissions."), True),
        (err(401, "Authentication failed."), False),
        (err(403, "Authentication failed."), False),
        (err(503), None),
        (down(), None),
        (ok({"nope": 1}), None),
    ],
)
def test_validity_from_the_projects_call(projects: Call, valid: bool | None) -> None:
    assert is_valid(projects) is valid


def test_one_project_that_allows_is_enough() -> None:
    """Keys listed in one project and refused in another: it may manage keys (where it was allowed)."""
    allowed = can_manage_keys([project(err(403)), project(ok({"api_keys": []}))])
    assert allowed.able is True and allowed.answer is not None and allowed.answer.status == 200
    unknown = can_manage_keys([project(down()), project(err(500))])
    assert unknown.able is None and unknown.answer is not None and unknown.answer.failure
    assert can_manage_keys([]) == Capability(None)


@pytest.mark.parametrize(
    ("grant", "able"),
    [
        (ok({"issued": True}), True),
        (ok({"issued": False}), None),
        (err(403, "Insufficient permissions."), False),
        (err(400, "Invalid credentials."), False),
        (err(401, "Invalid credentials."), False),
        (err(429), None),
        (down(), None),
        (None, None),
    ],
)
def test_minting_from_the_grant_call(grant: Call | None, able: bool | None) -> None:
    assert can_mint(grant).able is able


def test_key_management_line_in_the_checklist() -> None:
    """A healthy key: the line comes after the balances; a Member key is not called admin-level."""
    result = build(KEY, facts())
    labels = [c.label for c in result.checks]
    assert labels.index("Key management") == labels.index("Balance of Acme Voice") + 1
    manage = line(result, "Key management")
    assert (manage.state, md(manage.text)) == (
        "pass",
        "It can list the project's API keys (`GET …/keys` answered 200).",
    )


@pytest.mark.parametrize("scopes", [None, ("admin",), ("owner", "member")])
def test_listing_keys_reads_as_admin_or_owner_level(scopes: tuple[str, ...] | None) -> None:
    """A 200 is admin- or owner-level access, unless the key's own scopes name neither role."""
    check = key_management_check(Capability(True, ok({"api_keys": []})), scopes)
    assert check is not None and check.state == "pass"
    assert "admin- or owner-level access. Keep it on servers" in md(check.text)


def test_refused_key_list_is_information() -> None:
    """401/403 on the key list: not an admin or owner key, which transcription does not need; not a failure."""
    check = key_management_check(Capability(False, err(401, "User does not have sufficient permissions.")))
    assert check is not None and check.state == "info"
    assert md(check.text) == (
        "It may not list the project's API keys (401: “User does not have sufficient permissions.”), so it is not "
        "an admin or owner key; transcription and speech do not need that."
    )


@pytest.mark.parametrize(
    ("answer", "topic", "phrase"),
    [
        (down(), Topic.TIMEOUT, "(no answer from Deepgram within 10 s)"),
        (err(503, "Please try again later"), Topic.SERVER_ERROR, "(Deepgram answered 503: “Please try again later”)"),
        (err(429), Topic.RATE_LIMITED, "(Deepgram answered 429)"),
    ],
)
def test_unknown_key_management_keeps_a_next_step(answer: Call, topic: Topic, phrase: str) -> None:
    """No usable answer: said as information, still with what to do and the playbook."""
    check = key_management_check(Capability(None, answer))
    assert check is not None and check.state == "info" and check.topic is topic and check.next_step
    assert phrase in md(check.text)


def test_no_key_management_line_when_keys_were_not_asked() -> None:
    """A key refused projects is never asked for key lists: no line, rather than a guess."""
    fx = ApiKeyFacts(
        projects=err(401, "User does not have sufficient permissions."),
        token_details=ok({}),
        grant=ok({"issued": True}),
    )
    assert "Key management" not in [c.label for c in build(KEY, fx).checks]
    assert key_management_check(Capability(None)) is None
