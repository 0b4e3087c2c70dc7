"""Enums, page-level status arithmetic, timestamps and ids shared by the fake status page."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import UTC, datetime, tzinfo
from typing import Any, Final
from zoneinfo import ZoneInfo

JSON = dict[str, Any]

# -- enums, exactly as reference/statuspage.md §2 lists them ---------------------------------------

COMPONENT_STATUSES: Final = (
    "operational",
    "degraded_performance",
    "partial_outage",
    "major_outage",
    "under_maintenance",
)
INCIDENT_STATUSES: Final = ("investigating", "identified", "monitoring", "resolved", "postmortem")
UNRESOLVED_STATUSES: Final = ("investigating", "identified", "monitoring")
MAINTENANCE_STATUSES: Final = ("scheduled", "in_progress", "verifying", "completed")
#: Maintenances still shown on the page: upcoming plus in progress (§1). `verifying` is the tail of an
#: in-progress window, so it counts as active too (unverified: §1 only names `in_progress`).
OPEN_MAINTENANCE_STATUSES: Final = ("scheduled", "in_progress", "verifying")
ACTIVE_MAINTENANCE_STATUSES: Final = ("in_progress", "verifying")
INCIDENT_IMPACTS: Final = ("none", "minor", "major", "critical")
MAINTENANCE_IMPACT: Final = "maintenance"
INDICATORS: Final = ("none", "minor", "major", "critical", "maintenance")

#: The description strings seen on real pages (§2), keyed by what produces them.
DESCRIPTIONS: Final = {
    "operational": "All Systems Operational",
    "degraded_performance": "Partially Degraded Service",
    "partial_outage": "Minor Service Outage",
    "major_outage_some": "Partial System Outage",
    "major_outage_all": "Major System Outage",
    "under_maintenance": "Service Under Maintenance",
}

# How bad a component status is, for group roll-ups: maintenance is worse than nothing, better than
# any degradation.
_SEVERITY: Final = {
    "operational": 0,
    "under_maintenance": 1,
    "degraded_performance": 2,
    "partial_outage": 3,
    "major_outage": 4,
}


def check_enum(value: str, allowed: Iterable[str], what: str) -> str:
    """Return `value` if it is one of `allowed`, else raise ValueError naming the choices."""
    allowed = tuple(allowed)
    if value not in allowed:
        raise ValueError(f"{what} must be one of {', '.join(allowed)}; got {value!r}")
    return value


def worst_status(statuses: Iterable[str]) -> str:
    """The most severe component status among `statuses` (`operational` if there are none)."""
    return max(statuses, key=_SEVERITY.__getitem__, default="operational")


def page_status(leaf_statuses: Iterable[str]) -> JSON:
    """The page-level `{indicator, description}`, computed from component statuses only (§2).

    Statuspage derives the top-level status from components, never from incident impact: an incident
    marked `major` over merely degraded components leaves the page at `minor` (§2, githubstatus.com
    2022-11-25). Groups must be left out (their status is a roll-up of the children).

    Mapping (the strings are the real ones from §2; which status yields which string is not spelled
    out by any source found, so this is the fake's reading): any major outage -> `major` "Partial
    System Outage", or `critical` "Major System Outage" when every component is down; partial outage ->
    `minor` "Minor Service Outage"; degraded -> `minor` "Partially Degraded Service"; otherwise any
    maintenance -> `maintenance` "Service Under Maintenance"; else `none`. Outages outrank maintenance.
    """
    statuses = list(leaf_statuses)
    if "major_outage" in statuses:
        if all(s == "major_outage" for s in statuses):
            return {"indicator": "critical", "description": DESCRIPTIONS["major_outage_all"]}
        return {"indicator": "major", "description": DESCRIPTIONS["major_outage_some"]}
    if "partial_outage" in statuses:
        return {"indicator": "minor", "description": DESCRIPTIONS["partial_outage"]}
    if "degraded_performance" in statuses:
        return {"indicator": "minor", "description": DESCRIPTIONS["degraded_performance"]}
    if "under_maintenance" in statuses:
        return {"indicator": "maintenance", "description": DESCRIPTIONS["under_maintenance"]}
    return {"indicator": "none", "description": DESCRIPTIONS["operational"]}


def impact_for(statuses: Iterable[str]) -> str:
    """Incident impact Statuspage derives from component statuses when nobody overrides it (§3.3).

    Unverified mapping: major outage -> critical, partial outage -> major, degraded -> minor.
    """
    worst = worst_status(statuses)
    return {"major_outage": "critical", "partial_outage": "major", "degraded_performance": "minor"}.get(worst, "none")


# -- time -----------------------------------------------------------------------------------------

_UTC_NAMES: Final = frozenset(
    {"utc", "etc/utc", "uct", "etc/uct", "gmt", "etc/gmt", "zulu", "etc/zulu", "universal", "etc/universal"}
)


def as_utc(moment: datetime) -> datetime:
    """`moment` as an aware UTC datetime (naive values are taken to be UTC already)."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


class PageClock:
    """Renders instants the way a page in `time_zone` does (§3.4).

    A UTC page writes `...Z` (status.cloudamqp.com, `Etc/UTC`); any other zone writes its offset, e.g.
    `-08:00` / `-07:00` for America/Los_Angeles, even when that offset happens to be zero.
    """

    def __init__(self, time_zone: str) -> None:
        self.name = time_zone
        self.zone: tzinfo = ZoneInfo(time_zone)
        self._z = time_zone.lower() in _UTC_NAMES

    def iso(self, moment: datetime | None) -> str | None:
        """ISO-8601 with milliseconds in the page's local offset (None stays None)."""
        if moment is None:
            return None
        text = as_utc(moment).astimezone(self.zone).isoformat(timespec="milliseconds")
        if self._z and text.endswith("+00:00"):
            text = text[:-6] + "Z"
        return text

    def local(self, moment: datetime) -> datetime:
        """`moment` in the page's zone."""
        return as_utc(moment).astimezone(self.zone)


def parse_iso(text: str) -> datetime:
    """Parse a Statuspage timestamp (`Z` or an offset), returning an aware datetime."""
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


# -- ids ------------------------------------------------------------------------------------------

_ALPHABET: Final = "0123456789abcdefghijklmnopqrstuvwxyz"


def stable_id(seed: str) -> str:
    """A 12-character lowercase alphanumeric id (§2) derived from `seed`: same seed, same id."""
    number = int.from_bytes(hashlib.sha256(seed.encode()).digest()[:16], "big")
    chars = []
    for _ in range(12):
        number, digit = divmod(number, 36)
        chars.append(_ALPHABET[digit])
    return "".join(chars)


def feed_number(incident_id: str) -> int:
    """The numeric id an Atom entry carries (`Incident/<number>`, §4), stable per incident id."""
    return 10_000_000 + int(hashlib.sha256(incident_id.encode()).hexdigest()[:8], 16) % 90_000_000
