"""One time parser and one duration formatter for the whole bot."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.units import format_duration, format_ms, parse_time


def test_parse_time_normalises_to_utc() -> None:
    assert parse_time("2026-12-01T10:00:00-06:00") == datetime(2026, 12, 1, 16, tzinfo=UTC)
    assert parse_time("2026-12-01T10:00:00Z") == datetime(2026, 12, 1, 10, tzinfo=UTC)
    assert parse_time("2026-12-01T10:00:00") == datetime(2026, 12, 1, 10, tzinfo=UTC)  # no offset: UTC


@pytest.mark.parametrize("junk", [None, "", "yesterday", 5, "9999-12-31T23:59:59-14:00", ["2026"]])
def test_parse_time_refuses_junk(junk: object) -> None:
    assert parse_time(junk) is None


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0.32, "320 ms"),
        (1.5, "1.5 s"),
        (42, "42 s"),
        (720, "12 min"),
        (3 * 3600 + 300, "3 h 05 min"),
        (9 * 86400, "9 days"),
    ],
)
def test_format_duration(seconds: float, text: str) -> None:
    assert format_duration(seconds) == text
    assert format_duration(-seconds) == text


def test_format_ms() -> None:
    assert format_ms(12) == "12 ms" and format_ms(2400) == "2.4 s"
