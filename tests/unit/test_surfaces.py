"""The table of surfaces is complete, and the report, the verdict and the subscribe filter read it."""

from __future__ import annotations

import inspect
import json
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from bot import surfaces
from bot.probes import ProbeResult
from bot.slack.views.status import report_blocks
from bot.status import verdict
from bot.status.probing import ProbeRun
from bot.status.report import build_report
from bot.statuspage.client import SummaryFetch
from bot.statuspage.parse import parse_summary
from bot.surfaces import SURFACES, component_key, surface_for_word
from bot.text.status import report_text
from bot.topics import Topic


def test_every_surface_is_complete() -> None:
    """Each row has a probe coroutine, a label, status-page components, playbooks and filter words."""
    ids = [s.id for s in SURFACES]
    assert len(ids) == len(set(ids))
    for spec in SURFACES:
        assert inspect.iscoroutinefunction(spec.probe), spec.id
        assert spec.label and spec.slow_ms > 0
        assert spec.component_ids or spec.component_names, spec.id
        assert spec.topics and all(isinstance(t, Topic) for t in spec.topics), spec.id
        assert spec.filter_words, spec.id


def test_filter_words_choose_one_surface_each() -> None:
    """No word picks two surfaces; ids and words are looked up case-insensitively."""
    words = [w for s in SURFACES for w in s.words()]
    assert len(words) == len(set(words))
    assert surface_for_word("WS") is not None and surface_for_word("ws").id == "streaming"  # type: ignore[union-attr]
    assert surface_for_word("delivery") is None


def test_component_key_is_whole_name() -> None:
    assert component_key("Deepgram Public API (api.deepgram.com) - Streaming  API") == "streaming api"
    assert component_key("Webhook Delivery") != component_key("Live")


EXTRA = surfaces.SurfaceSpec(
    id="extra",
    label="Extra surface",
    probe=SURFACES[0].probe,
    component_names=("Extra API",),
    topics=(Topic.OUTAGE,),
    filter_words=("bonus",),
)


def test_a_new_row_reaches_the_verdict_and_the_report(monkeypatch: pytest.MonkeyPatch) -> None:
    """Adding a row is all it takes: its component is matched, its probe row and label are shown."""
    table = (*SURFACES, EXTRA)
    for module in (surfaces, verdict):
        monkeypatch.setattr(module, "SURFACES", table)
    monkeypatch.setattr(surfaces, "_BY_ID", {s.id: s for s in table})
    from bot.slack.views import status as status_view
    from bot.text import status as text_status

    monkeypatch.setattr(status_view, "SURFACES", table)
    monkeypatch.setattr(text_status, "SURFACES", table)
    page = parse_summary(
        {
            "status": {"indicator": "minor"},
            "components": [{"id": "e1", "name": "Extra API", "status": "partial_outage"}],
        }
    )
    results = {s.id: ProbeResult(s.id, "ok", "Fine", elapsed_ms=10.0) for s in table}
    results["extra"] = replace(results["extra"], state="failed", summary="Extra broke")
    report = build_report(
        SummaryFetch("fresh", page, 1.0),
        ProbeRun(results, 10.0),
        key_configured=True,
        checked_at=datetime(2026, 12, 1, tzinfo=UTC),
        status_url="https://status.deepgram.com",
    )
    assert report.components["extra"] is not None
    assert "Extra surface" in str(report.verdict.explanation)
    assert "Extra surface" in json.dumps(report_blocks(report)) and "Extra broke" in report_text(report)


def test_subscribe_filter_reads_the_table(monkeypatch: pytest.MonkeyPatch) -> None:
    """`/deepgram subscribe bonus` picks the new surface, and its alerts reach that subscription only."""
    from bot.alerts import subscribing

    monkeypatch.setattr(surfaces, "_BY_WORD", {w: s for s in (*SURFACES, EXTRA) for w in s.words()})
    filters, severity = subscribing.parse_subscribe("bonus --min major", [])
    assert (filters, severity) == (["extra"], "major")
