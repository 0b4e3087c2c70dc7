"""The digest's settings and the history's retention, validated with the others."""

from __future__ import annotations

import pytest

from bot.config import KEEP_DAYS, MIN_KEEP_DAYS, Settings
from bot.errors import ConfigError

BASE = {"SLACK_BOT_TOKEN": "xoxb-1111-2222-abcdef", "SLACK_APP_TOKEN": "xapp-1-A111-2222-abcdef"}


def test_defaults() -> None:
    s = Settings.from_env(BASE)
    assert (s.digest_day, s.digest_hour, s.digest_tz, s.history_retention_days) == ("mon", 9, "UTC", 40)
    assert KEEP_DAYS >= 35 > MIN_KEEP_DAYS == 14


@pytest.mark.parametrize(("day", "stored"), [("Friday", "fri"), ("sun", "sun"), ("WED", "wed")])
def test_digest_day_accepts_names(day: str, stored: str) -> None:
    assert Settings.from_env({**BASE, "DIGEST_DAY": day}).digest_day == stored


def test_valid_values() -> None:
    env = {**BASE, "DIGEST_HOUR": "0", "DIGEST_TZ": "Europe/Berlin", "HISTORY_RETENTION_DAYS": "14"}
    s = Settings.from_env(env)
    assert (s.digest_hour, s.digest_tz, s.history_retention_days) == (0, "Europe/Berlin", 14)


def test_every_bad_value_is_reported_at_once() -> None:
    env = {
        **BASE,
        "DIGEST_DAY": "someday",
        "DIGEST_HOUR": "24",
        "DIGEST_TZ": "Europe",  # a folder of zones, not a zone
        "HISTORY_RETENTION_DAYS": "13",
    }
    with pytest.raises(ConfigError) as err:
        Settings.from_env(env)
    problems = " ".join(err.value.problems)
    assert "DIGEST_DAY must be a weekday: mon, tue, wed, thu, fri, sat or sun; got 'someday'." in problems
    assert "DIGEST_HOUR must be between 0 and 23, got '24'." in problems
    assert "DIGEST_TZ must be an IANA time zone name" in problems and "'Europe'" in problems
    assert "HISTORY_RETENTION_DAYS must be at least 14, got '13'." in problems
    with pytest.raises(ConfigError, match="DIGEST_TZ"):
        Settings.from_env({**BASE, "DIGEST_TZ": "../../etc/passwd"})
