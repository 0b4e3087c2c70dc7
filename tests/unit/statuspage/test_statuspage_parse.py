"""Parsing Statuspage summaries: every real example, and each quirk that breaks naive bots."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.statuspage.model import SummaryFormatError
from bot.statuspage.parse import parse_summary
from bot.units import parse_time


def _examples(reference_data: Path) -> list[Path]:
    paths = sorted((reference_data / "statuspage").glob("*summary.json"))
    assert paths, "no summary examples found"
    return paths


def test_every_shared_summary_parses(reference_data: Path) -> None:
    """Each real summary.json in the reference data parses into components, incidents and maintenances."""
    for path in _examples(reference_data):
        raw = json.loads(path.read_text())
        summary = parse_summary(raw)
        assert summary.indicator == raw["status"]["indicator"]
        assert len(summary.components) == len(raw["components"])
        assert len(summary.incidents) == len(raw["incidents"])
        assert len(summary.maintenances) == len(raw["scheduled_maintenances"])


def test_maintenance_example(reference_data: Path) -> None:
    """The real CloudAMQP snapshot: indicator `maintenance`, an in-progress window with its components."""
    raw = json.loads((reference_data / "statuspage" / "statuscheck_cloudamqp_maintenance_summary.json").read_text())
    summary = parse_summary(raw)
    assert summary.indicator == "maintenance"
    (window,) = summary.maintenances
    assert window.status == "in_progress"
    assert window.scheduled_for == datetime(2020, 7, 16, 21, 0, tzinfo=UTC)
    assert "m9jl6sdbs4vb" in window.component_ids
    assert window.latest_update is not None and window.latest_update.status == "in_progress"


def test_local_offsets_become_utc(reference_data: Path) -> None:
    """Timestamps written with the page's local offset (-06:00) are normalised to UTC."""
    raw = json.loads((reference_data / "statuspage" / "statuscheck_github_incident_summary.json").read_text())
    summary = parse_summary(raw)
    (incident,) = summary.incidents
    assert incident.created_at == datetime(2014, 5, 14, 20, 22, 39, 441000, tzinfo=UTC)
    assert incident.impact == "critical" and incident.status == "identified"
    assert summary.page_name == "GitHub"


def _summary(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "page": {"id": "p", "name": "Deepgram", "url": "https://status.deepgram.com"},
        "status": {"indicator": "minor", "description": "Partially Degraded Service"},
        "components": [
            {
                "id": "grp000000001",
                "name": "Deepgram Public API (api.deepgram.com)",
                "status": "degraded_performance",
                "group": True,
                "components": ["str000000001"],
            },
            {
                "id": "str000000001",
                "name": "Streaming API",
                "status": "degraded_performance",
                "group_id": "grp000000001",
            },
        ],
        "incidents": [],
        "scheduled_maintenances": [],
    }
    base.update(overrides)
    return base


def test_groups_and_children() -> None:
    """Group components are flagged and children know their group's name (for "GROUP - Child")."""
    summary = parse_summary(_summary())
    group, child = summary.components
    assert group.is_group and not child.is_group
    assert child.group_name == "Deepgram Public API (api.deepgram.com)"
    assert child.full_name == "Deepgram Public API (api.deepgram.com) - Streaming API"
    assert summary.leaf_components == (child,)


def test_missing_fields_and_null_affected_components() -> None:
    """Missing timestamps, null affected_components and unknown statuses don't break parsing."""
    incident = {
        "id": "inc000000001",
        "name": "Elevated latency",
        "status": "investigating",
        "incident_updates": [
            {
                "id": "u2",
                "status": "identified",
                "body": "Found it",
                "created_at": "2026-11-24T10:05:00Z",
                "affected_components": None,
            },
            {
                "id": "u1",
                "status": "investigating",
                "body": "Looking",
                "created_at": "2026-11-24T10:00:00Z",
                "affected_components": [
                    {
                        "code": "str000000001",
                        "name": "Deepgram Public API (api.deepgram.com) - Streaming API",
                        "old_status": "operational",
                        "new_status": "operational",
                    }
                ],
            },
        ],
    }
    summary = parse_summary(_summary(incidents=[incident], components=[{"id": "x", "status": "weird_new_status"}]))
    (parsed,) = summary.incidents
    assert parsed.impact == "none" and parsed.created_at is None and parsed.shortlink == ""
    assert parsed.component_ids == ("str000000001",)
    assert parsed.latest_update is not None and parsed.latest_update.body == "Found it"
    assert summary.components[0].name == "x" and summary.components[0].severity == 2


def test_backdated_update_ordering() -> None:
    """The latest update is chosen by display time, not by list position."""
    incident = {
        "id": "i",
        "name": "n",
        "status": "monitoring",
        "incident_updates": [
            {"id": "late-listed-first", "status": "monitoring", "body": "a", "display_at": "2026-11-24T09:00:00Z"},
            {
                "id": "newer",
                "status": "identified",
                "body": "b",
                "display_at": "2026-11-24T09:30:00+01:00",
                "created_at": "2026-11-24T08:00:00Z",
            },
        ],
    }
    (parsed,) = parse_summary(_summary(incidents=[incident])).incidents
    assert parsed.latest_update is not None and parsed.latest_update.id == "late-listed-first"


@pytest.mark.parametrize(
    "body",
    [None, [], {"page": {}}, {"status": "major"}, "<!DOCTYPE html>", 5, 10**5000],
    ids=["null", "list", "no-status", "status-text", "html", "number", "huge-number"],
)
def test_not_a_summary(body: Any) -> None:
    """HTML, lists, numbers and half bodies are rejected with the parser's own error rather than misread."""
    with pytest.raises(SummaryFormatError):
        parse_summary(body)


def test_parse_time_variants() -> None:
    """Z, offsets, naive and junk timestamps."""
    assert parse_time("2026-11-24T10:00:00.123Z") == datetime(2026, 11, 24, 10, 0, 0, 123000, tzinfo=UTC)
    assert parse_time("2026-11-24T03:00:00-07:00") == datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
    assert parse_time("2026-11-24T10:00:00") == datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
    assert parse_time("yesterday") is None and parse_time(None) is None and parse_time(17) is None


def test_wrong_types_are_ignored_like_missing_fields() -> None:
    """`"components": 5`, ids that are not ids, absurd numbers and dates: skipped, the rest still parsed."""
    summary = parse_summary(
        _summary(
            components=5,
            incidents={"id": "x"},
            scheduled_maintenances=[
                5,
                None,
                {
                    "id": 10**5000,
                    "name": ["not", "text"],
                    "status": None,
                    "components": [{"id": {"nested": 1}}, {"id": 42}],
                    "incident_updates": [{"id": 7, "display_at": "9999-12-31T23:59:59-05:00"}],
                    "scheduled_for": 1e308,
                },
            ],
        )
    )
    assert summary.indicator == "minor" and summary.components == () and summary.incidents == ()
    (window,) = summary.maintenances
    assert window.id == "" and window.name == "Untitled incident" and window.status == ""
    assert window.component_ids == ("42",) and window.scheduled_for is None
    (update,) = window.updates
    assert update.id == "7" and update.display_at is None
    components = parse_summary(
        _summary(components=[{"id": 10**5000}, {"id": "c", "position": 10**5000, "group_id": [1], "components": 5}])
    ).components
    assert [(c.id, c.position, c.group_id, c.is_group) for c in components] == [("c", 0, None, False)]


_WRONG: list[Any] = [5, -1, 10**5000, 1e308, float("inf"), None, True, "", "text", [], {}, [5, None, "x"], {"id": []}]


def _paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path] if path else []
    if isinstance(value, dict):
        for key, child in value.items():
            found += _paths(child, (*path, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found += _paths(child, (*path, index))
    return found


def _replaced(value: Any, path: tuple[Any, ...], new: Any) -> Any:
    if not path:
        return new
    copy = dict(value) if isinstance(value, dict) else list(value)
    copy[path[0]] = _replaced(value[path[0]], path[1:], new)
    return copy


def test_no_value_anywhere_makes_the_parser_raise_anything_else() -> None:
    """Every field of a full summary, replaced by every wrong type: a Summary or SummaryFormatError, nothing else."""
    incident = {
        "id": "inc1",
        "name": "Elevated latency",
        "status": "investigating",
        "impact": "minor",
        "shortlink": "https://stspg.io/x",
        "created_at": "2026-11-24T10:00:00Z",
        "components": [{"id": "str000000001", "name": "Streaming API"}],
        "incident_updates": [
            {
                "id": "u1",
                "status": "investigating",
                "body": "Looking",
                "created_at": "2026-11-24T10:00:00Z",
                "display_at": "2026-11-24T10:00:00Z",
                "affected_components": [{"code": "str000000001", "new_status": "degraded_performance"}],
            }
        ],
    }
    maintenance = {**incident, "id": "m1", "scheduled_for": "2026-11-25T10:00:00Z", "scheduled_until": None}
    base = _summary(incidents=[incident], scheduled_maintenances=[maintenance])
    base["page"]["updated_at"] = "2026-11-24T10:00:00Z"
    base["components"][1]["position"] = 2
    outcomes = {"parsed": 0, "refused": 0}
    for path in _paths(base):
        for wrong in _WRONG:
            try:
                parse_summary(_replaced(base, path, wrong))
                outcomes["parsed"] += 1
            except SummaryFormatError:
                outcomes["refused"] += 1
    # Only a `status` that is not an object is refused; everything else is read around.
    assert outcomes["refused"] == sum(1 for wrong in _WRONG if not isinstance(wrong, dict))
    assert outcomes["parsed"] > 800
