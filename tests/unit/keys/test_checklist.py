"""The check-key checklist: offline and live lines built from hand-made Deepgram answers (no network)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from bot.keys import ApiKeyFacts, Call, JwtClaims, JwtFacts, ProjectFacts
from bot.keys.checklist import accepted_check, balance_check, grant_check, projects_check
from bot.keys.facts import KeyRecord
from bot.keys.identity import expiry_check, scopes_check, unknown_scopes_check
from bot.slack.views.keys import check_line
from bot.topics import Topic
from tests.unit.keys.answers import KEY, NOW, PID, URL, balances, build, down, err, facts, key_item, line, md, ok


def test_a_healthy_key_passes_every_line_in_order() -> None:
    """A good key: every line passes, in the order a person asks the questions."""
    result = build(KEY, facts())
    labels = [c.label for c in result.checks]
    assert labels == [
        "What it is",
        "Scheme",
        "Accepted",
        "Projects",
        "Scopes",
        "Expiry",
        "Balance of Acme Voice",
        "Key management",
        "Temporary tokens",
    ]
    assert line(result, "Scheme").state == "info"
    assert {c.state for c in result.checks} <= {"pass", "info"}
    assert result.overall == "pass"
    assert md(line(result, "Scopes").text) == "`member` (comment “CI”)."


def test_bearer_with_an_api_key_fails_with_evidence_and_the_401_playbook() -> None:
    """`Bearer <api key>`: the scheme line fails, shows what Deepgram answered both ways, links why 401."""
    result = build(f"Bearer {KEY}", facts(as_pasted=err(401, "Authentication failed.")))
    scheme = line(result, "Scheme")
    assert scheme.state == "fail" and scheme.topic is Topic.UNAUTHORIZED
    assert "`Bearer` is only for temporary tokens" in md(scheme.text)
    assert "(`Bearer …2c3d`), Deepgram answered 401; sent as `Token …2c3d` it answered 200" in md(scheme.text)
    assert md(scheme.next_step) == "Send `Authorization: Token &lt;key&gt;`."
    assert "`/deepgram why 401`" in check_line(scheme)


def test_scheme_evidence_when_deepgram_cannot_be_asked() -> None:
    """With no answer to the demonstration, the line states the documented 401 instead."""
    result = build(f"Bearer {KEY}", facts(as_pasted=down()))
    assert "401 is what it documents" in md(line(result, "Scheme").text)


def test_scheme_accepted_as_pasted_is_still_flagged() -> None:
    """If Deepgram ever accepts the wrong scheme, the line says not to rely on it."""
    result = build(f"Bearer {KEY}", facts(as_pasted=ok({"projects": []})))
    assert "accepted it this time" in md(line(result, "Scheme").text)


@pytest.mark.parametrize(
    ("text", "state", "phrase"),
    [
        (f"Token {KEY}", "pass", "`Token` is the right scheme for an API key."),
        (f"token {KEY}", "pass", "`token` is the right scheme"),
        (f"Token Token {KEY}", "fail", "The scheme word is doubled (`Token Token …`)"),
        (f"Authorization: {KEY}", "fail", "No scheme word: a bare key in `Authorization` is answered with 401."),
        (KEY, "info", "without a scheme: send it as `Authorization: Token …`"),
    ],
)
def test_scheme_lines(text: str, state: str, phrase: str) -> None:
    """Right, lower-case, doubled, missing and absent schemes each get their own line."""
    scheme = line(build(text, facts()), "Scheme")
    assert scheme.state == state and phrase in md(scheme.text)


def test_doubled_prefix_says_where_the_second_one_comes_from() -> None:
    """`Token Token`: the next step blames code that adds the scheme to a value that already has it."""
    scheme = line(build(f"Token Token {KEY}", facts()), "Scheme")
    assert scheme.next_step and "already has one" in md(scheme.next_step)


def test_unusual_shapes_warn_rather_than_fail() -> None:
    """A 38-character key is "unusual" (a warning), never called wrong before Deepgram says so."""
    what = line(build(KEY[:-2], facts()), "What it is")
    assert what.state == "warn" and md(what.text).startswith("Unusual for a Deepgram API key: it is 38 characters long")


def test_a_key_id_is_not_a_key() -> None:
    """A UUID is the key's id: fail, explain where the secret is, and check nothing live."""
    result = build("12345678-90ab-cdef-1234-567890abcdef", None)
    assert [c.label for c in result.checks] == ["What it is"]
    assert "key *ID*" in md(result.checks[0].text) and result.overall == "fail"


def test_harmless_and_harmful_wrapping() -> None:
    """Backticks are Slack's and say nothing; quotes are a note; a newline inside them is a warning."""
    assert "Copy & paste" not in [c.label for c in build(f"`{KEY}`", facts()).checks]
    assert line(build(f'"{KEY}"', facts()), "Copy & paste").state == "info"
    inside = line(build(f'"{KEY}\n"', facts()), "Copy & paste")
    assert inside.state == "warn" and "spaces or line breaks inside the value" in md(inside.text)


def test_configured_key_with_quotes_fails_and_shows_the_difference() -> None:
    """Quotes inside the configured value reach Deepgram: fail, with both answers and the fix."""
    result = build(f'"{KEY}"', facts(as_pasted=err(401)), source="configured")
    cleanup = line(result, "Copy & paste")
    assert cleanup.state == "fail"
    assert "Sent exactly as configured, Deepgram answered 401; without them, 200." in md(cleanup.text)
    assert "Scheme" not in [c.label for c in result.checks]  # the bot adds the scheme itself


@pytest.mark.parametrize(
    ("call", "state", "topic", "phrase"),
    [
        (
            err(401, "Authentication failed."),
            "fail",
            Topic.UNAUTHORIZED,
            "Rejected (Deepgram answered 401: “Authentication failed.”)",
        ),
        (err(403, "Authentication failed."), "fail", Topic.FORBIDDEN, "403 as well as 401"),
        (
            err(401, "User does not have sufficient permissions."),
            "warn",
            Topic.FORBIDDEN,
            "will not let it read projects",
        ),
        (err(429), "warn", Topic.RATE_LIMITED, "rate limiting"),
        (
            err(503, "Please try again later"),
            "fail",
            Topic.SERVER_ERROR,
            "server error (503: “Please try again later”)",
        ),
        (err(404), "fail", Topic.NOT_FOUND, "unexpected answer (404)"),
        (down(), "fail", Topic.TIMEOUT, "Could not check: no answer from Deepgram within 10 s."),
        (
            down("could not connect to Deepgram (refused or unreachable)", Topic.NETWORK),
            "fail",
            Topic.NETWORK,
            "refused",
        ),
        (ok({"nope": 1}), "warn", Topic.SERVER_ERROR, "not with a project list"),
    ],
)
def test_accepted_line_for_every_answer(call: Call, state: str, topic: Topic, phrase: str) -> None:
    """`GET /v1/projects` outcomes: rejected (401 and 403 forms), no permission, rate limit, 5xx, network."""
    check = accepted_check(call, URL)
    assert (check.state, check.topic) == (state, topic)
    assert phrase in md(check.text)


def test_rejected_key_stops_after_the_accepted_line() -> None:
    """When the key is refused there is nothing more to ask Deepgram; the checklist ends there."""
    fx = ApiKeyFacts(projects=err(401, "Authentication failed."))
    assert [c.label for c in build(KEY, fx).checks] == ["What it is", "Scheme", "Accepted"]


def test_projects_named_and_escaped() -> None:
    """Project names are listed (escaped for mrkdwn), with a cap and a note when only some were examined."""
    check = projects_check(["<!channel> & co", "B"], examined=2)
    assert md(check.text) == "Reaches 2 projects: *&lt;!channel&gt; &amp; co*, *B*."
    many = projects_check([f"P{i}" for i in range(12)], examined=5)
    assert "and 2 more" in md(many.text) and "first 5" in md(many.text)
    assert projects_check([], examined=0).state == "warn"


@pytest.mark.parametrize(
    ("amounts", "state", "phrase"),
    [
        ((187.42,), "pass", "$187.42."),
        ((4.2,), "warn", "$4.20: low"),
        ((6.0, 3.0), "warn", "$9.00: low"),
        ((0.0,), "fail", "402 Payment Required"),
        ((), "info", "invoiced"),
    ],
)
def test_balance_lines(amounts: tuple[float, ...], state: str, phrase: str) -> None:
    """Healthy, low (< $10), summed, zero (402 ahead) and invoiced (empty list) balances."""
    check = balance_check(ProjectFacts(PID, "Acme", keys=ok({}), balances=balances(*amounts)))
    assert check.state == state and phrase in md(check.text)
    if state in ("warn", "fail"):
        assert check.topic is Topic.CREDITS and check.next_step
        assert "usually expires (about a year)" in md(check.next_step)


def test_balance_refused_or_unreadable() -> None:
    """A key without billing access, and no answer at all, are said plainly."""
    refused = balance_check(ProjectFacts(PID, "Acme", keys=ok({}), balances=err(403)))
    assert refused.state == "info" and "may not read billing" in md(refused.text)
    assert balance_check(ProjectFacts(PID, "Acme", keys=ok({}), balances=down())).state == "warn"
    other_units = balance_check(
        ProjectFacts(PID, "Acme", keys=ok({}), balances=ok({"balances": [{"amount": 5, "units": "hour"}]}))
    )
    assert md(other_units.text) == "5.00 hour."


def test_scopes_from_the_key_list_when_token_details_are_missing() -> None:
    """No `/v1/auth/token` details: scopes come from the project's key list, matched by id."""
    fx = facts(details=err(404), keys=ok({"api_keys": [{"api_key": key_item(scopes=["admin"])}]}))
    # Without an id from the details there is nothing to match: scopes stay unknown.
    assert line(build(KEY, fx), "Scopes").state == "info"
    fx = facts(details=ok({"api_key_id": "k1"}), keys=ok({"api_keys": [{"api_key": key_item(scopes=["admin"])}]}))
    assert md(line(build(KEY, fx), "Scopes").text).startswith("`admin`")


def test_cannot_see_own_scopes_is_not_a_failure() -> None:
    """A Member key refused the key list: "can't see its own scopes (needs admin)", as information."""
    check = unknown_scopes_check(
        [ProjectFacts(PID, "A", keys=err(401, "User does not have sufficient permissions."), balances=balances(1))]
    )
    assert check.state == "info" and md(check.text).startswith("Can't see its own scopes (needs admin)")
    assert unknown_scopes_check([ProjectFacts(PID, "A", keys=down(), balances=balances(1))]).state == "warn"


def test_scopes_without_any_role() -> None:
    """A key with no role and no usage:write cannot transcribe: a warning with the 403 playbook."""
    check = scopes_check(KeyRecord("k", ("keys:read",)))
    assert check.state == "warn" and check.topic is Topic.FORBIDDEN
    assert scopes_check(KeyRecord("k", ("usage:write",))).state == "pass"


@pytest.mark.parametrize(
    ("expiration", "known", "state", "phrase"),
    [
        (None, True, "pass", "no expiry date"),
        (None, False, "info", "Deepgram did not report this key's expiry."),
        (NOW + timedelta(days=400), True, "pass", "Expires on 2027-04-05"),
        (NOW + timedelta(days=3), True, "warn", "Expires in 3 days"),
        (NOW + timedelta(hours=3, minutes=5), True, "warn", "Expires in 3 h 05 min"),
        (NOW - timedelta(hours=1), True, "fail", "Expired on"),
    ],
)
def test_expiry_lines(expiration: datetime | None, known: bool, state: str, phrase: str) -> None:
    """No expiry (only where a documented record says so), not reported, far, soon (< 7 days) and past."""
    check = expiry_check(KeyRecord("k", ("member",), expiration=expiration, expiry_known=known), NOW)
    assert check.state == state and phrase in md(check.text)
    if not known:
        assert "no expiry" not in md(check.text).lower()


@pytest.mark.parametrize(
    ("call", "state", "phrase"),
    [
        (ok({"issued": True}), "pass", "can mint temporary tokens"),
        (err(403, "Insufficient permissions."), "warn", "Cannot mint temporary tokens (needs Member role or higher"),
        (err(400, "Invalid credentials."), "warn", "Cannot mint temporary tokens (needs Member role or higher"),
        (err(401, "Invalid credentials."), "warn", "refused to mint"),
        (down(), "warn", "Could not check whether it may mint temporary tokens (no answer"),
    ],
)
def test_grant_lines(call: Call, state: str, phrase: str) -> None:
    """Both documented refusals (403 and 400) read "needs Member role or higher"."""
    check = grant_check(call)
    assert check.state == state and phrase in md(check.text)


def jwt_claims(delta: timedelta) -> JwtClaims:
    return JwtClaims(decoded=True, expires_at=NOW + delta)


JWT = "eyJhbGciOiJIUzI1NiJ9.eyJleHAiOjF9.c2lnbmF0dXJl"


def test_jwt_accepted_and_valid() -> None:
    """A live token: expiry passes, `/v1/listen` accepts it, the management API is explained, not failed."""
    result = build(
        f"Bearer {JWT}", JwtFacts(listen=err(400, "failed to process audio")), claims=jwt_claims(timedelta(seconds=25))
    )
    assert [c.label for c in result.checks] == ["What it is", "Scheme", "Expiry", "Accepted", "Management API"]
    assert md(line(result, "Expiry").text).startswith("Valid for another 25 s")
    assert line(result, "Management API").state == "info"
    assert result.overall == "pass"


def test_jwt_expired_and_rejected() -> None:
    """An expired token: both the expiry line and Deepgram's 401 point at temporary-tokens."""
    result = build(JWT, JwtFacts(listen=err(401, "Invalid credentials.")), claims=jwt_claims(timedelta(minutes=-3)))
    assert md(line(result, "Expiry").text).startswith("Expired 3 min ago")
    accepted = line(result, "Accepted")
    assert accepted.state == "fail" and "it has expired" in md(accepted.text)
    assert accepted.topic is Topic.TEMPORARY_TOKENS


def test_jwt_sent_as_token_shows_both_answers() -> None:
    """`Token <jwt>`: fail, with 401 as pasted and "got past authentication" with Bearer."""
    fx = JwtFacts(listen=err(400), as_pasted=err(401))
    scheme = line(build(f"Token {JWT}", fx, claims=jwt_claims(timedelta(seconds=20))), "Scheme")
    assert scheme.state == "fail" and scheme.topic is Topic.TEMPORARY_TOKENS
    assert "Deepgram answered 401; sent as `Bearer …dXJl` it got past authentication" in md(scheme.text)
    assert "bearer, &lt;token&gt;" in md(scheme.next_step)


def test_jwt_out_of_credit_and_unreadable() -> None:
    """402 on the token test is a credits warning; an unreadable payload is an expiry warning."""
    result = build(JWT, JwtFacts(listen=err(402)), claims=JwtClaims(decoded=False))
    assert line(result, "Accepted").topic is Topic.CREDITS
    assert line(result, "Expiry").state == "warn"


def test_configured_jwt_is_a_failure() -> None:
    """A temporary token as the bot's own key expires within minutes: fail."""
    what = line(
        build(JWT, JwtFacts(listen=err(400)), source="configured", claims=jwt_claims(timedelta(seconds=5))),
        "What it is",
    )
    assert what.state == "fail"


def test_unsendable_credentials_are_not_sent() -> None:
    """Letters beyond ASCII cannot go in a header: the checklist fails "Accepted" without asking Deepgram."""
    result = build(KEY[:-1] + "é", None)
    accepted = line(result, "Accepted")
    assert accepted.state == "fail" and md(accepted.text).startswith("Not sent to Deepgram")
