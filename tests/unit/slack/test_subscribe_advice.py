"""`/deepgram subscribe`: each Slack refusal gets its own advice; "invite me" only where an invite helps."""

from __future__ import annotations

import pytest

from bot.slack import messages

INVITE = "/invite @deepgram-doctor"
POST_ERRORS = [
    "not_in_channel",
    "channel_not_found",
    "is_archived",
    "restricted_action",
    "restricted_action_read_only_channel",
    "restricted_action_thread_only_channel",
    "restricted_action_non_threadable_channel",
    "ekm_access_denied",
    "missing_scope",
    "ratelimited",
    "internal_error",
    "app_access_restricted",
    "token_revoked",
    "msg_too_long",
]


def test_each_error_has_its_own_advice() -> None:
    advice = [messages.subscribe_refused(error) for error in POST_ERRORS]
    assert len(set(advice)) == len(POST_ERRORS)


@pytest.mark.parametrize("error", POST_ERRORS)
def test_an_invite_is_suggested_only_where_it_helps(error: str) -> None:
    assert (INVITE in messages.subscribe_refused(error)) == (error in ("not_in_channel", "channel_not_found"))


@pytest.mark.parametrize(
    ("error", "busy"),
    [
        ("ratelimited", True),
        ("rate_limited", True),
        ("internal_error", True),
        ("fatal_error", True),
        ("service_unavailable", True),
        ("request_timeout", True),
        ("http_502", True),
        ("not_in_channel", False),
        ("is_archived", False),
        ("restricted_action", False),
        (None, False),
    ],
)
def test_rate_limits_and_slack_failures_say_try_again(error: str | None, busy: bool) -> None:
    assert messages.slack_is_busy(error) == busy
    assert ("Try again in a minute" in messages.subscribe_refused(error)) == (busy or error is None)


def test_joining_and_inspecting_failures() -> None:
    assert messages.subscribe_cannot_join("is_archived") == messages.SUBSCRIBE_ARCHIVED
    assert "I couldn't join this channel (`weird_error`)" in messages.subscribe_cannot_join("weird_error")
    assert "rate-limiting" in messages.subscribe_cannot_join("ratelimited")
    assert "wouldn't tell me about this conversation (`x`)" in messages.subscribe_channel_check_failed("x")
    assert "rate-limiting" in messages.subscribe_channel_check_failed("ratelimited")


def test_an_error_code_is_shown_as_a_code_only() -> None:
    """Slack's error codes are shown in a code span; anything else in them is dropped."""
    assert "(`channelxbad_code`)" in messages.subscribe_refused("<!channel>`x bad_code")
