"""components.json, incidents.json, one incident's JSON and scheduled-maintenances.json; what "gone" means."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bot.statuspage.model import PageRecords, SummaryFormatError
from bot.statuspage.parse import (
    parse_components,
    parse_incident,
    parse_incidents,
    parse_maintenances,
    parse_summary,
)


def test_components_json_with_groups(reference_data: Path) -> None:
    """The real components of a summary, as components.json lists them: groups, children, grouped names."""
    raw = json.loads((reference_data / "statuspage" / "statuscheck_github_incident_summary.json").read_text())
    components = parse_components({"page": raw["page"], "components": raw["components"]})
    assert [c.id for c in components] == [c["id"] for c in raw["components"]]
    assert components == parse_summary(raw).components


@pytest.mark.parametrize("body", [None, [], {}, {"components": 5}, {"page": {}}])
def test_not_a_component_list(body: Any) -> None:
    with pytest.raises(SummaryFormatError):
        parse_components(body)


def test_lists_must_carry_their_list() -> None:
    """A body without its list is not an empty list: read as empty, it would make everything look deleted."""
    for parse, key in ((parse_incidents, "incidents"), (parse_maintenances, "scheduled_maintenances")):
        assert parse({key: []}) == []
        for body in ({}, {key: None}, {key: {"id": "x"}}, [], "x"):
            with pytest.raises(SummaryFormatError):
                parse(body)
    (window,) = parse_maintenances(
        {"scheduled_maintenances": [{"id": "m1", "status": "completed", "scheduled_for": "2026-11-24T10:00:00Z"}]}
    )
    assert window.status == "completed" and window.scheduled_for is not None


def test_one_incident_wrapped_or_bare() -> None:
    inner = {"id": "abc123def456", "name": "API errors", "status": "resolved", "resolved_at": "2026-11-24T10:42:00Z"}
    for body in ({"page": {}, "incident": inner}, inner):
        incident = parse_incident(body)
        assert incident.id == "abc123def456" and incident.status == "resolved" and incident.resolved_at is not None
    for bad in ({"incident": None}, {"incident": {"name": "no id"}}, {"error": "Not found"}, [], None):
        with pytest.raises(SummaryFormatError):
            parse_incident(bad)


def test_what_gone_means() -> None:
    """An incident is gone only when incidents.json was read without it and its own JSON answered 404; a
    maintenance when scheduled-maintenances.json was read without it. Unread lists prove nothing."""
    (listed,) = parse_incidents({"incidents": [{"id": "a", "status": "identified"}]})
    records = PageRecords(incidents=(listed,), incidents_read=True, missing=frozenset({"b", "a"}))
    assert records.incident("a") is listed and not records.incident_gone("a")
    assert records.incident_gone("b") and not records.incident_gone("c")
    assert not PageRecords(missing=frozenset({"b"})).incident_gone("b")
    assert not PageRecords().maintenance_gone("m") and PageRecords(maintenances_read=True).maintenance_gone("m")
