"""The digest's week: when it is due, what it covers, across daylight-saving changes."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from bot.digest import Period, last_due, next_due, period_ending, weekday

HOUR = timedelta(hours=1)


def test_weekday_names() -> None:
    assert [weekday(d) for d in ("mon", "Tue", "WEDNESDAY", "thu", "fri", "sat", "sunday", 6)] == [
        0,
        1,
        2,
        3,
        4,
        5,
        6,
        6,
    ]
    for bad in ("mo", "noday", "", 7):
        with pytest.raises(ValueError):
            weekday(bad)


def test_last_due_is_the_latest_send_at_or_before_now() -> None:
    """Monday 9:00 UTC: due exactly then; a second earlier it is still the week before's."""
    due = datetime(2026, 12, 7, 9, tzinfo=UTC)  # a Monday
    period = last_due(due, day="mon", hour=9, tz="UTC")
    assert period == Period(date(2026, 12, 7), 9, "UTC")
    assert (period.start, period.end) == (due - timedelta(days=7), due)
    assert period.key == "2026-12-07" and period.first_day == date(2026, 11, 30)
    assert last_due(due - timedelta(seconds=1), day="mon", hour=9, tz="UTC").key == "2026-11-30"
    assert last_due(due + timedelta(days=6, hours=23), day="mon", hour=9, tz="UTC").key == "2026-12-07"
    assert last_due(due, day="fri", hour=17, tz="UTC").key == "2026-12-04"


def test_next_due_is_the_first_send_after_now() -> None:
    now = datetime(2026, 12, 7, 9, tzinfo=UTC)
    assert next_due(now, day="mon", hour=9, tz="UTC").end == now + timedelta(days=7)
    assert next_due(now - timedelta(seconds=1), day="mon", hour=9, tz="UTC").end == now
    assert next_due(now, day="wed", hour=0, tz="UTC").end == datetime(2026, 12, 9, tzinfo=UTC)


def test_the_local_day_decides_in_the_configured_zone() -> None:
    """Monday 9:00 in Tokyo is Monday 0:00 UTC; at Sunday 23:30 UTC it is Monday 8:30 there: not yet due."""
    tokyo = "Asia/Tokyo"
    assert last_due(datetime(2026, 12, 7, 0, tzinfo=UTC), day="mon", hour=9, tz=tokyo).key == "2026-12-07"
    assert last_due(datetime(2026, 12, 6, 23, 30, tzinfo=UTC), day="mon", hour=9, tz=tokyo).key == "2026-11-30"
    # New York, 23:00 local on a Sunday is already Monday in UTC: Sunday's digest.
    ny = last_due(datetime(2026, 12, 7, 4, 30, tzinfo=UTC), day="sun", hour=23, tz="America/New_York")
    assert ny.key == "2026-12-06" and ny.end == datetime(2026, 12, 7, 4, tzinfo=UTC)


def test_a_week_over_the_spring_change_in_berlin_is_167_hours() -> None:
    """Clocks go from 2:00 CET to 3:00 CEST on Sunday 29 March 2026: 9:00 local is 8:00 UTC before, 7:00 after."""
    period = last_due(datetime(2026, 3, 30, 7, tzinfo=UTC), day="mon", hour=9, tz="Europe/Berlin")
    assert period.key == "2026-03-30"
    assert period.start == datetime(2026, 3, 23, 8, tzinfo=UTC)
    assert period.end == datetime(2026, 3, 30, 7, tzinfo=UTC)
    assert period.end - period.start == timedelta(days=7) - HOUR
    # An hour before the (new) due time it is still the previous week, which was a full 168 hours.
    before = last_due(datetime(2026, 3, 30, 6, 59, tzinfo=UTC), day="mon", hour=9, tz="Europe/Berlin")
    assert before.key == "2026-03-23" and before.end - before.start == timedelta(days=7)
    assert before.next() == period and period.previous() == before


def test_a_week_over_the_autumn_change_in_berlin_is_169_hours() -> None:
    period = period_ending(date(2026, 10, 26), hour=9, tz="Europe/Berlin")
    assert period.start == datetime(2026, 10, 19, 7, tzinfo=UTC)  # CEST
    assert period.end == datetime(2026, 10, 26, 8, tzinfo=UTC)  # CET
    assert period.end - period.start == timedelta(days=7) + HOUR


def test_an_hour_that_does_not_exist_locally_takes_the_offset_from_before_the_jump() -> None:
    """Due Sundays at 2:00 in Berlin: on 29 March 2026 there is no 2:00; it is read as 2:00 CET (3:00 CEST)."""
    period = last_due(datetime(2026, 3, 29, 12, tzinfo=UTC), day="sun", hour=2, tz="Europe/Berlin")
    assert period.key == "2026-03-29" and period.end == datetime(2026, 3, 29, 1, tzinfo=UTC)
    assert period.next().start == period.end


def test_consecutive_periods_tile_time() -> None:
    """Each period starts where the one before ended: nothing is counted twice or missed, a year round."""
    period = period_ending(date(2026, 1, 5), hour=9, tz="Europe/Berlin")
    for _ in range(53):
        following = period.next()
        assert following.start == period.end and following.contains(following.start)
        assert not following.contains(following.end)
        period = following


def test_json_round_trip_and_bad_arguments() -> None:
    period = Period(date(2026, 12, 7), 17, "America/New_York")
    assert Period.from_json(period.to_json()) == period
    assert period.to_json() == {"end_day": "2026-12-07", "hour": 17, "tz": "America/New_York"}
    with pytest.raises(ValueError):
        period_ending(date(2026, 12, 7), hour=24)
    with pytest.raises(Exception):  # noqa: B017  (zoneinfo raises its own error type)
        period_ending(date(2026, 12, 7), tz="Mars/Olympus")
