"""Text to speech, the per-user quota: a sliding window of requests and characters."""

from __future__ import annotations

import pytest

from bot.speak.quota import QuotaPolicy, SpeakQuota


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_quota_counts_requests_and_characters_per_user_in_a_sliding_window() -> None:
    """Over N requests or C characters in the window → seconds to wait; other users are unaffected."""
    clock = Clock()
    quota = SpeakQuota(clock)
    policy = QuotaPolicy(requests=3, chars=1000, window_seconds=600)
    assert quota.take("T:U1", 400, policy) is None
    clock.now += 100
    assert quota.take("T:U1", 400, policy) is None
    wait = quota.take("T:U1", 400, policy)  # 1,200 characters > 1,000
    assert wait == pytest.approx(500)  # the first request leaves the window at t+600
    assert quota.take("T:U2", 400, policy) is None
    assert quota.take("T:U1", 100, policy) is None  # 900 characters, 3 requests: fits
    assert quota.take("T:U1", 1, policy) == pytest.approx(500)  # a 4th request: too many
    clock.now += 501
    assert quota.take("T:U1", 400, policy) is None


def test_quota_refund_and_impossible_requests() -> None:
    """A refunded request no longer counts; a request larger than the whole allowance waits a full window."""
    clock = Clock()
    quota = SpeakQuota(clock)
    policy = QuotaPolicy(requests=1, chars=100, window_seconds=60)
    assert quota.take("k", 80, policy) is None
    quota.refund("k", 80)
    assert quota.take("k", 80, policy) is None
    assert quota.take("other", 101, policy) == 60


def test_default_policy_scales_with_the_ceiling() -> None:
    """Six requests and three maximum-length texts per user every ten minutes."""
    policy = QuotaPolicy.for_max_chars(5000)
    assert (policy.requests, policy.chars, policy.window_seconds) == (6, 15000, 600)
