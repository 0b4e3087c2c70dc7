"""The digest's week: when it is due, and the seven days it covers. Pure.

A digest is due every week on `DIGEST_DAY` at `DIGEST_HOUR` o'clock in `DIGEST_TZ`, and covers the seven
days (in that time zone's calendar) that end at that moment. Over a daylight-saving change the period is
167 or 169 hours long: it is seven local days, not 168 hours. An hour that does not exist locally (clocks
jump forward over it) is read with the offset from before the jump, so 02:00 on the spring change in
Berlin is 03:00 CEST; an hour that happens twice is its first occurrence.

`Period.key`, the local date the period ends on (`2026-12-07`), names the period for good: the outbox
event key of a channel's digest is `digest:<key>`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

__all__ = ["DAYS", "Period", "last_due", "next_due", "period_ending", "weekday"]

#: `DIGEST_DAY` values, Monday first (Python's `date.weekday()` numbering).
_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
DAYS: tuple[str, ...] = tuple(name[:3] for name in _NAMES)
WEEK = timedelta(days=7)


def weekday(day: str | int) -> int:
    """`mon` or `monday` (any case) → 0 … `sun` → 6; an int is taken as that number. ValueError otherwise."""
    if isinstance(day, int):
        if 0 <= day <= 6:
            return day
        raise ValueError(f"a weekday number is 0 (Monday) to 6 (Sunday), got {day}")
    key = day.strip().lower()
    for number, name in enumerate(_NAMES):
        if key in (name, name[:3]):
            return number
    raise ValueError(f"not a weekday: {day!r} (use mon, tue, wed, thu, fri, sat or sun)")


@dataclass(frozen=True)
class Period:
    """Seven local days ending on `end_day` at `hour` o'clock in the time zone `tz` (an IANA name)."""

    end_day: date
    hour: int = 9
    tz: str = "UTC"

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.tz)

    @property
    def end(self) -> datetime:
        """When the period ends (excluded) and its digest is due, in UTC."""
        return _at(self.end_day, self.hour, self.zone)

    @property
    def start(self) -> datetime:
        """When the period starts (included), in UTC: the same local hour seven local days earlier."""
        return _at(self.end_day - WEEK, self.hour, self.zone)

    @property
    def key(self) -> str:
        """The local date the period ends on, `YYYY-MM-DD`: stable, whatever the clock says."""
        return self.end_day.isoformat()

    @property
    def first_day(self) -> date:
        """The local date of the period's first day."""
        return self.end_day - WEEK

    def previous(self) -> Period:
        """The seven days before this period (the week it is compared with)."""
        return Period(self.end_day - WEEK, self.hour, self.tz)

    def next(self) -> Period:
        return Period(self.end_day + WEEK, self.hour, self.tz)

    def contains(self, moment: datetime) -> bool:
        return self.start <= moment < self.end

    def to_json(self) -> dict[str, Any]:
        return {"end_day": self.key, "hour": self.hour, "tz": self.tz}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Period:
        return cls(date.fromisoformat(str(data["end_day"])), int(data.get("hour", 9)), str(data.get("tz", "UTC")))


def _at(day: date, hour: int, zone: ZoneInfo) -> datetime:
    """`hour` o'clock local time on `day`, in UTC (fold 0: a missing hour takes the offset before the jump)."""
    return datetime.combine(day, time(hour), tzinfo=zone).astimezone(UTC)


def period_ending(day: date, *, hour: int = 9, tz: str = "UTC") -> Period:
    """The seven days ending on local date `day` at `hour` (any weekday: `deepgram-doctor digest --period-ending`)."""
    if not 0 <= hour <= 23:
        raise ValueError(f"an hour is 0 to 23, got {hour}")
    ZoneInfo(tz)  # raises for an unknown zone
    return Period(day, hour, tz)


def last_due(now: datetime, *, day: str | int = "mon", hour: int = 9, tz: str = "UTC") -> Period:
    """The period of the most recent scheduled send at or before `now` (an aware datetime)."""
    zone = ZoneInfo(tz)
    local = now.astimezone(zone).date()
    candidate = local - timedelta(days=(local.weekday() - weekday(day)) % 7)
    period = period_ending(candidate, hour=hour, tz=tz)
    return period if period.end <= now else period.previous()


def next_due(now: datetime, *, day: str | int = "mon", hour: int = 9, tz: str = "UTC") -> Period:
    """The period of the first scheduled send after `now`: its `end` is when that digest is due."""
    return last_due(now, day=day, hour=hour, tz=tz).next()
