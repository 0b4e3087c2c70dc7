"""Parsing Statuspage summaries: every real example, and each quirk that breaks naive bots."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.statuspage.page import parse_summary, parse_time


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


@pytest.mark.parametrize("body", [None, [], {"page": {}}, {"status": "major"}, "<!DOCTYPE html>"])
def test_not_a_summary(body: Any) -> None:
    """HTML, lists and half bodies are rejected with ValueError rather than misread."""
    with pytest.raises(ValueError):
        parse_summary(body)


def test_parse_time_variants() -> None:
    """Z, offsets, naive and junk timestamps."""
    assert parse_time("2026-11-24T10:00:00.123Z") == datetime(2026, 11, 24, 10, 0, 0, 123000, tzinfo=UTC)
    assert parse_time("2026-11-24T03:00:00-07:00") == datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
    assert parse_time("2026-11-24T10:00:00") == datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
    assert parse_time("yesterday") is None and parse_time(None) is None and parse_time(17) is None
