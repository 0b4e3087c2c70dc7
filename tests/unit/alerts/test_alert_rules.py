"""Own-probe streaks, balance crossings, subscription filters and subscribe arguments."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from bot.alerts import Event, daily_probe_cost, parse_subscribe, route, wants, watch_balance, watch_probes
from bot.alerts.own import Balance
from bot.errors import UsageError
from bot.probes import Clip, ProbeResult, ProbeState
from bot.slack.kit import mrkdwn
from bot.slack.views.alerts import root_message
from bot.store import Subscription
from bot.surfaces import SURFACES
from bot.topics import Topic

T0 = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)


def run(state: ProbeState) -> dict[str, ProbeResult]:
    return {"streaming": ProbeResult("streaming", state, "Could not open the stream", Topic.WEBSOCKET)}


def test_probe_streaks() -> None:
    """Two failures in a row alert, one is not enough; two successes recover; skipped runs don't count."""
    streaks: dict = {}
    streaks, events = watch_probes(streaks, run("failed"), now=T0)  # type: ignore[arg-type]
    assert events == []
    streaks, events = watch_probes(streaks, run("skipped"), now=T0)  # type: ignore[arg-type]
    assert events == []
    streaks, events = watch_probes(streaks, run("failed"), now=T0 + timedelta(minutes=5))  # type: ignore[arg-type]
    assert [e.kind for e in events] == ["probe_degraded"] and events[0].source == "probes"
    assert events[0].family == "probe" and events[0].topic == Topic.WEBSOCKET
    assert "`/deepgram why websocket`" in json.dumps(root_message(events[0])[1])  # the view points to the playbook
    streaks, events = watch_probes(streaks, run("failed"), now=T0 + timedelta(minutes=10))  # type: ignore[arg-type]
    assert events == []  # still failing: said once
    streaks, events = watch_probes(streaks, run("ok"), now=T0 + timedelta(minutes=15))  # type: ignore[arg-type]
    assert events == []
    _, events = watch_probes(streaks, run("ok"), now=T0 + timedelta(minutes=20))  # type: ignore[arg-type]
    assert [e.kind for e in events] == ["probe_recovered"] and events[0].topic is None


def test_balance_crossings() -> None:
    """One alert per crossing below the threshold, one when back above, nothing in between."""
    acme = Balance("p1", "Acme", 12.0)
    state, events = watch_balance({}, {"p1": acme}, threshold=10, now=T0)
    assert events == []
    state, events = watch_balance(state, {"p1": Balance("p1", "Acme", 9.5)}, threshold=10, now=T0)
    assert [e.kind for e in events] == ["balance_low"] and "402" in (events[0].body or "")
    assert events[0].family == "balance" and events[0].topic == Topic.CREDITS
    state, events = watch_balance(state, {"p1": Balance("p1", "Acme", 3.0)}, threshold=10, now=T0)
    assert events == []
    state, events = watch_balance(state, {"p1": Balance("p1", "Acme", 50.0)}, threshold=10, now=T0)
    assert [e.kind for e in events] == ["balance_recovered"] and state == {}


def sub(filters: tuple[str, ...] = (), severity: str = "minor", active: bool = True) -> Subscription:
    return Subscription("C1", "T1", filters, severity, "U1", 0.0, active)


def event(**kw: object) -> Event:
    base: dict[str, object] = {
        "kind": "incident_opened",
        "family": "incident",
        "thread": "incident:a",
        "key": "k",
        "severity": "minor",
        "title": "t",
        "status": "investigating",
        "component_names": ("Streaming API",),
    }
    base.update(kw)
    return Event(**base)  # type: ignore[arg-type]


def test_filters() -> None:
    """Surface and component filters, minimum severity, events that name no component, inactive channels."""
    assert wants(sub(), event())
    assert wants(sub(("streaming",)), event())
    assert not wants(sub(("tts",)), event())
    assert wants(sub(("Streaming API",)), event())
    assert not wants(sub(severity="major"), event())
    assert wants(sub(severity="major"), event(severity="major"))
    assert wants(sub(("tts",)), event(component_names=()))
    probe = {"kind": "probe_degraded", "family": "probe", "source": "probes", "surfaces": ("streaming",)}
    assert wants(sub(("streaming",)), event(**probe, component_names=()))
    assert not wants(sub(("rest",)), event(**probe, component_names=()))
    assert wants(sub(("rest",)), event(kind="balance_low", family="balance", source="balance", component_names=()))
    assert not wants(sub(active=False), event())
    with pytest.raises(ValueError, match="family"):
        event(family="component")  # an incident_opened event is of the incident family
    assert route([event()], [sub(), Subscription("C2", "T1", ("tts",), "minor", "U", 0.0)]) == [(event(), "C1")]


def test_parse_subscribe() -> None:
    """Surfaces by alias, component names by (partial) name, --min in both spellings, clear errors."""
    names = ["Batch API", "Streaming API", "TTS API", "Voice Agent API"]
    assert parse_subscribe("", names) == ([], "minor")
    assert parse_subscribe("batch live --min major", names) == (["rest", "streaming"], "major")
    assert parse_subscribe('"voice agent" --min=minor', names) == (["Voice Agent API"], "minor")
    with pytest.raises(UsageError, match="--min"):
        parse_subscribe("--min loud", names)
    with pytest.raises(UsageError, match="fluxx") as unknown:
        parse_subscribe("fluxx", names)
    shown = mrkdwn(unknown.value.user_message)
    assert "`fluxx`" in shown and "`agent`" in shown and "`tts_stream`" in shown
    with pytest.raises(UsageError) as hostile:
        parse_subscribe("<!channel>", names)
    assert "<!channel>" not in mrkdwn(hostile.value.user_message)


def test_daily_cost_wording() -> None:
    """The probe cost is stated per surface, approximately, with the pricing page; and when probes are off."""
    clip = Clip.load()
    assert "cost nothing" in daily_probe_cost(0, clip)
    text = daily_probe_cost(300, clip)
    assert "288 runs a day" in text and "deepgram.com/pricing" in text
    for spec in SURFACES:
        assert f"{spec.label}: " in text
    assert "Text-to-speech: 12,384 TTS characters" in text  # 43 characters, 288 times
    assert "(with a turn)" not in text and "(with a turn)" in daily_probe_cost(300, clip, agent_turn=True)
    only_rest = daily_probe_cost(300, clip, [s for s in SURFACES if s.id == "rest"])
    assert "Streaming" not in only_rest and "Pre-recorded (REST): 12 min of pre-recorded audio" in only_rest


def test_component_filters_match_exact_names() -> None:
    """A filter names a component exactly (any case, any group prefix), never a part of its name."""
    grouped = event(component_names=("Deepgram Public API - Streaming API",))
    assert wants(sub(("streaming",)), grouped) and wants(sub(("streaming api",)), grouped)
    assert not wants(sub(("Streaming",)), event()) and not wants(sub(("API",)), event())
    assert not wants(sub(("streaming",)), event(component_names=("Streaming API v2",)))
