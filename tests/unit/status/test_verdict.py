"""The verdict: each surface's official state × our probe's cause, by the decision table; then one headline.

Moved from tests/unit/test_verdict.py. Changed from the old rule "any incident → nothing to fix on our
side": `test_incident_named_and_confirmed` (kind `deepgram_incident` → `deepgram_confirmed`),
`test_network_failure_from_here_is_ours` (was `test_degraded_from_here`: a local network error is ours,
`network_problem`, not `degraded_from_here`) and `test_no_key_and_unreachable_page` (a 503 with the page
unreadable is `early_warning`, was `degraded_from_here`). Every other assertion is as it was.
"""

from __future__ import annotations

import random
from typing import Any

import pytest

from bot.deepgram import DeepgramError
from bot.probes import (
    CLIP_EXPECTED_WORDS,
    ProbeResult,
    ProbeState,
    Surface,
    classify_close,
    skipped,
    transcript_verdict,
)
from bot.probes.wsio import unreachable
from bot.status.causes import CAUSE_KINDS, CauseKind
from bot.status.official import official_status
from bot.status.table import OFFICIAL_COLUMNS, TABLE, Official, surface_verdict
from bot.status.verdict import PRECEDENCE, Verdict, decide, match_surfaces
from bot.statuspage.model import Summary
from bot.statuspage.parse import parse_summary
from bot.surfaces import SURFACES
from bot.topics import Topic

GROUP = "Deepgram Public API (api.deepgram.com)"


def summary(
    statuses: dict[str, str] | None = None,
    incidents: list[dict[str, Any]] | None = None,
    maintenances: list[dict[str, Any]] | None = None,
) -> Summary:
    names = ["Batch API", "Streaming API", "TTS API", "Voice Agent API", "Management APIs"]
    statuses = statuses or {}
    components: list[dict[str, Any]] = [
        {
            "id": "grp",
            "name": GROUP,
            "status": "operational",
            "group": True,
            "components": [f"c{i}" for i in range(len(names))],
        }
    ]
    components += [
        {"id": f"c{i}", "name": n, "status": statuses.get(n, "operational"), "group_id": "grp"}
        for i, n in enumerate(names)
    ]
    return parse_summary(
        {
            "page": {"name": "Deepgram"},
            "status": {"indicator": "none", "description": "All Systems Operational"},
            "components": components,
            "incidents": incidents or [],
            "scheduled_maintenances": maintenances or [],
        }
    )


def probe(
    surface: Surface, state: ProbeState = "ok", status: int | None = 200, topic: Topic | None = None
) -> ProbeResult:
    return ProbeResult(surface, state, "Deepgram answered something", topic, http_status=status)


def all_ok() -> dict[Surface, ProbeResult]:
    return {s: probe(s) for s in ("auth", "rest", "streaming", "tts")}


def test_matching_is_loose_and_by_surface() -> None:
    """Components match the probed surfaces by name, ignoring case and group prefixes."""
    matched = match_surfaces(summary())
    assert matched["rest"] and matched["rest"].name == "Batch API"
    assert matched["streaming"] and matched["streaming"].name == "Streaming API"
    assert matched["tts"] and matched["tts"].name == "TTS API"
    assert matched["auth"] and matched["auth"].name == "Management APIs"
    # Whole names only (case and a group prefix aside): "live" must not match "Delivery".
    odd = parse_summary(
        {
            "status": {"indicator": "none"},
            "components": [
                {"id": "a", "name": "Deepgram Public API - batch api", "status": "operational"},
                {"id": "b", "name": "Live  Streaming", "status": "operational"},
                {"id": "c", "name": "Webhook Delivery", "status": "operational"},
                {"id": "d", "name": "Aura Text-to-Speech", "status": "operational"},
            ],
        }
    )
    names = {s: c.name if c else None for s, c in match_surfaces(odd).items()}
    assert names == {"rest": "Deepgram Public API - batch api"} | {
        s: None for s in ("streaming", "tts", "auth", "agent", "flux", "tts_stream")
    }


def test_matching_prefers_component_ids(monkeypatch: pytest.MonkeyPatch) -> None:
    """A component id the table knows wins over a name, whatever the component is called now."""
    from dataclasses import replace

    from bot import surfaces
    from bot.status import verdict

    table = tuple(replace(s, component_ids=("zz9",)) if s.id == "tts" else s for s in surfaces.SURFACES)
    monkeypatch.setattr(verdict, "SURFACES", table)
    page = parse_summary(
        {
            "status": {"indicator": "none"},
            "components": [
                {"id": "x1", "name": "TTS API", "status": "operational"},
                {"id": "zz9", "name": "Speech Synthesis (renamed)", "status": "operational"},
            ],
        }
    )
    matched = match_surfaces(page)["tts"]
    assert matched is not None and matched.id == "zz9"


def test_all_good() -> None:
    """Everything operational and every probe ok."""
    v = decide(summary(), all_ok(), key_configured=True)
    assert v.kind == "all_good" and v.healthy


def test_incident_named_and_confirmed() -> None:
    """A reported incident is Deepgram's; failing probes on that surface confirm it."""
    incident = {
        "id": "i1",
        "name": "Elevated streaming latency",
        "status": "investigating",
        "impact": "minor",
        "shortlink": "https://stspg.io/i1",
        "components": [{"id": "c1"}],
    }
    probes = all_ok() | {"streaming": probe("streaming", "failed", None, Topic.NET_0000)}
    v = decide(summary({"Streaming API": "degraded_performance"}, [incident]), probes, key_configured=True)
    assert v.kind == "deepgram_confirmed" and v.topic == Topic.OUTAGE  # was deepgram_incident
    assert "Elevated streaming latency" in str(v.explanation)
    assert "confirm it on Streaming (WebSocket)" in str(v.explanation)
    assert v.incidents[0].shortlink == "https://stspg.io/i1"


def test_network_failure_from_here_is_ours() -> None:
    """A probe that could not connect while the page is green: ours, say which probe, point at its topic."""
    probes = all_ok() | {"rest": ProbeResult("rest", "failed", "Could not connect to Deepgram", Topic.NETWORK)}
    v = decide(summary(), probes, key_configured=True)
    assert v.kind == "network_problem" and v.topic == Topic.NETWORK  # was degraded_from_here
    assert "Pre-recorded (REST) probe failed" in str(v.explanation) and "could not connect" in str(v.explanation)
    assert v.headline.startswith("Fix on our side")


def test_early_warning_from_here() -> None:
    """Deepgram's side failing while the page is green: failing from here, not yet on the page."""
    probes = all_ok() | {"tts": probe("tts", "failed", 503, Topic.SERVER_ERROR)}
    v = decide(summary(), probes, key_configured=True)
    assert v.kind == "early_warning" and v.topic == Topic.SERVER_ERROR and not v.healthy
    assert v.headline == "Failing from here, not yet on Deepgram's status page"
    assert "Text-to-speech probe failed" in str(v.explanation)


@pytest.mark.parametrize(
    ("status", "kind", "topic"),
    [
        (401, "key_rejected", Topic.UNAUTHORIZED),
        (403, "key_rejected", Topic.FORBIDDEN),
        (402, "no_credits", Topic.CREDITS),
        (429, "rate_limited", Topic.RATE_LIMITED),
    ],
)
def test_account_problems(status: int, kind: str, topic: Topic) -> None:
    """401/403, 402 and 429 from any probe decide the verdict."""
    probes = all_ok() | {"rest": probe("rest", "failed", status)}
    v = decide(summary(), probes, key_configured=True)
    assert v.kind == kind and v.topic == topic and not v.healthy


def test_key_problem_beats_incident() -> None:
    """A 401 is ours even while Deepgram has an incident."""
    incident = {"id": "i1", "name": "TTS errors", "status": "identified"}
    probes = {s: probe(s, "failed", 401) for s in ("auth", "rest", "streaming", "tts")}
    assert decide(summary({}, [incident]), probes, key_configured=True).kind == "key_rejected"


def test_no_key_and_unreachable_page() -> None:
    """Without a key only the official status counts; with neither the status is unknown."""
    skipped = {s: ProbeResult(s, "skipped", "no key") for s in ("auth", "rest", "streaming", "tts")}
    assert decide(summary(), skipped, key_configured=False).kind == "no_key"
    assert decide(None, skipped, key_configured=False).kind == "unknown"
    assert decide(None, all_ok(), key_configured=True).kind == "all_good"
    failing = all_ok() | {"tts": probe("tts", "failed", 503, Topic.SERVER_ERROR)}
    v = decide(None, failing, key_configured=True)
    assert v.kind == "early_warning" and "could not be read" in v.headline  # was degraded_from_here


def test_maintenance_in_progress() -> None:
    """Maintenance is mentioned even when everything works."""
    m = {"id": "m1", "name": "Database upgrade", "status": "in_progress", "impact": "maintenance"}
    v = decide(summary({"Batch API": "under_maintenance"}, maintenances=[m]), all_ok(), key_configured=True)
    assert v.kind == "maintenance" and "Database upgrade" in str(v.explanation) and v.healthy


def test_transcript_verdicts() -> None:
    """Empty fails, mostly wrong words degrade; the recorded words pass whatever the case and punctuation
    (the judge itself: tests/unit/probes/test_transcript.py)."""
    words = CLIP_EXPECTED_WORDS
    assert transcript_verdict("rest", "", words)[0] == "failed"
    assert transcript_verdict("rest", "hello there", words)[2] == Topic.WRONG_TRANSCRIPT
    assert transcript_verdict("rest", "we the people of the united states", words)[0] == "ok"


def test_close_codes() -> None:
    """1011 NET-0001, 1011 NET-0000 and 1008 DATA-0000 map to their own topics."""
    assert (
        classify_close(1011, "Deepgram did not receive audio data … See https://dpgr.am/net0001")[0] == Topic.NET_0001
    )
    assert classify_close(1011, "NET-0000")[0] == Topic.NET_0000
    assert classify_close(1008, "DATA-0000")[0] == Topic.DATA_0000
    assert classify_close(1011, "")[0] == Topic.NET_0000
    assert classify_close(4000, "custom")[0] == Topic.WEBSOCKET


# -- the decision table, row by row ------------------------------------------------------------------

AGENT, DOWNSTREAM = "r2z04fcdhhzb", "7n3stjcbj4bx"
#: status.deepgram.com as third parties saw it (statuspage.md §7); the other ids are made up here.
PAGE = [
    ("bat000000001", "Batch API"),
    ("str000000001", "Streaming API"),
    ("tts000000001", "TTS API"),
    (AGENT, "Voice Agent API"),
    ("mgt000000001", "Management APIs"),
    (DOWNSTREAM, "Voice Agent API: Downstream Providers"),
    ("usg000000001", "Usage API"),
]


def page(
    statuses: dict[str, str] | None = None,
    incidents: list[dict[str, Any]] | None = None,
    maintenances: list[dict[str, Any]] | None = None,
) -> Summary:
    components: list[dict[str, Any]] = [
        {"id": "grp", "name": GROUP, "status": "operational", "group": True, "components": [c for c, _ in PAGE]}
    ]
    components += [
        {"id": cid, "name": name, "status": (statuses or {}).get(cid, "operational"), "group_id": "grp"}
        for cid, name in PAGE
    ]
    return parse_summary(
        {
            "status": {"indicator": "none"},
            "components": components,
            "incidents": incidents or [],
            "scheduled_maintenances": maintenances or [],
        }
    )


def incident(iid: str, name: str, *ids: str, impact: str = "major", status: str = "investigating") -> dict[str, Any]:
    return {"id": iid, "name": name, "status": status, "impact": impact, "components": [{"id": c} for c in ids]}


#: One page per official state of the Voice Agent's row (the only surface with a third party behind it).
PAGES: dict[Official, Summary | None] = {
    "operational": page(),
    "informational": page(incidents=[incident("n1", "Agent notice", AGENT, impact="none")]),
    "maintenance": page(
        {AGENT: "under_maintenance"},
        maintenances=[incident("m1", "Agent upgrade", AGENT, impact="maintenance", status="in_progress")],
    ),
    "third_party": page({DOWNSTREAM: "major_outage"}, [incident("p1", "Provider outage", DOWNSTREAM)]),
    "degraded": page({AGENT: "degraded_performance"}, [incident("i1", "Agent latency", AGENT)]),
    "outage": page({AGENT: "major_outage"}, [incident("i1", "Agent latency", AGENT)]),
    "unknown": None,
}
#: One Voice Agent probe result per cause.
RESULTS: dict[CauseKind, ProbeResult] = {
    "ok": ProbeResult("agent", "ok", "Opened a Voice Agent session; its Settings were applied", elapsed_ms=80.0),
    "ours": unreachable("agent", "Voice Agent", Topic.AGENT_CONNECT, 3.0),
    "theirs": ProbeResult(
        "agent",
        "failed",
        "The Voice Agent had an internal error (INTERNAL_SERVER_ERROR)",
        Topic.AGENT_DOWNSTREAM,
        timings={"handshake_ms": 20.0},
        error=DeepgramError(None, "INTERNAL_SERVER_ERROR", None, None),
    ),
    "quality": ProbeResult("agent", "degraded", "The answer came back wrong", Topic.WRONG_TRANSCRIPT),
    "slow": ProbeResult("agent", "degraded", "Opened a session, but slowly (6.0 s)", Topic.LATENCY),
    "provider": ProbeResult(
        "agent",
        "failed",
        "The agent's LLM provider failed (FAILED_TO_THINK)",
        Topic.AGENT_THINK_PROVIDER,
        provider_failure=True,
    ),
    "skipped": skipped("agent"),
}
NOT_WHY = "that is not why this fails"
#: The table spelled out a second time, each row with the words its line must carry.
ROWS: dict[tuple[Official, CauseKind], tuple[str, tuple[str, ...]]] = {
    ("operational", "ok"): ("works", ("Works from here.",)),
    ("informational", "ok"): ("informational", ("Works from here", "Agent notice")),
    ("maintenance", "ok"): ("maintenance", ("Works from here during Deepgram's maintenance", "Agent upgrade")),
    ("third_party", "ok"): ("provider", ("a provider behind the Voice Agent", "Provider outage")),
    ("degraded", "ok"): ("reported_still_works", ("Agent latency", "from here it still works")),
    ("outage", "ok"): ("reported_still_works", ("Agent latency", "from here it still works")),
    ("unknown", "ok"): ("works", ("Works from here", "could not be read")),
    ("operational", "ours"): ("ours", ("Fix on our side: the bot cannot reach Deepgram",)),
    ("informational", "ours"): ("ours", ("Fix on our side", "Agent notice", NOT_WHY)),
    ("maintenance", "ours"): ("ours", ("Fix on our side", "Agent upgrade", NOT_WHY)),
    ("third_party", "ours"): ("ours", ("Fix on our side", "a provider behind the Voice Agent", NOT_WHY)),
    ("degraded", "ours"): ("ours", ("Fix on our side", "Deepgram also reports Agent latency", NOT_WHY)),
    ("outage", "ours"): ("ours", ("Fix on our side", "Deepgram also reports Agent latency", NOT_WHY)),
    ("unknown", "ours"): ("ours", ("Fix on our side",)),
    ("operational", "theirs"): ("early_warning", ("Failing from here, not yet on Deepgram's status page",)),
    ("informational", "theirs"): ("early_warning", ("Failing from here", "only a notice", "Agent notice")),
    ("maintenance", "theirs"): ("confirmed", ("Failing from here during Deepgram's maintenance", "Agent upgrade")),
    ("third_party", "theirs"): ("provider", ("a provider behind the Voice Agent", "Provider outage")),
    ("degraded", "theirs"): ("confirmed", ("Agent latency", "confirmed by our probes")),
    ("outage", "theirs"): ("confirmed", ("Agent latency", "confirmed by our probes")),
    ("unknown", "theirs"): ("early_warning", ("Failing from here", "could not be read")),
    ("operational", "quality"): ("early_warning", ("Answers wrongly from here", "not yet on Deepgram's")),
    ("informational", "quality"): ("early_warning", ("Answers wrongly from here", "Agent notice")),
    ("maintenance", "quality"): ("confirmed", ("Answers wrongly during Deepgram's maintenance", "Agent upgrade")),
    ("third_party", "quality"): ("provider", ("a provider behind the Voice Agent", "Provider outage")),
    ("degraded", "quality"): ("confirmed", ("Agent latency", "confirms it")),
    ("outage", "quality"): ("confirmed", ("Agent latency", "confirms it")),
    ("unknown", "quality"): ("early_warning", ("Answers wrongly from here", "could not be read")),
    ("operational", "slow"): ("slow", ("Slow from here", "shows no problem")),
    ("informational", "slow"): ("slow", ("Slow from here", "Agent notice")),
    ("maintenance", "slow"): ("confirmed", ("Slow from here during Deepgram's maintenance", "Agent upgrade")),
    ("third_party", "slow"): ("provider", ("Slow from here", "a provider behind the Voice Agent")),
    ("degraded", "slow"): ("confirmed", ("Agent latency", "confirms it")),
    ("outage", "slow"): ("confirmed", ("Agent latency", "confirms it")),
    ("unknown", "slow"): ("slow", ("Slow from here", "could not be read")),
    ("operational", "provider"): (
        "provider",
        ("A provider behind the Voice Agent failed", "not Deepgram's speech API"),
    ),
    ("informational", "provider"): ("provider", ("not Deepgram's speech API", "Agent notice")),
    ("maintenance", "provider"): ("provider", ("not Deepgram's speech API", "Agent upgrade")),
    ("third_party", "provider"): ("provider", ("A provider behind the Voice Agent failed", "Provider outage")),
    ("degraded", "provider"): ("provider", ("not Deepgram's speech API", "also reports Agent latency")),
    ("outage", "provider"): ("provider", ("not Deepgram's speech API", "also reports Agent latency")),
    ("unknown", "provider"): ("provider", ("not Deepgram's speech API", "could not be read")),
    ("operational", "skipped"): ("not_probed", ("Not probed", "no problem")),
    ("informational", "skipped"): ("not_probed", ("Not probed", "Agent notice")),
    ("maintenance", "skipped"): ("not_probed", ("Not probed", "Agent upgrade")),
    ("third_party", "skipped"): ("provider", ("Not probed", "a provider behind the Voice Agent", "Provider outage")),
    ("degraded", "skipped"): ("reported", ("Not probed", "Agent latency")),
    ("outage", "skipped"): ("reported", ("Not probed", "Agent latency")),
    ("unknown", "skipped"): ("not_probed", ("Not probed", "could not be read")),
}
#: The headline a lone Voice Agent probe gets from its row's kind (with a key; skipped rows without one).
HEADLINES: dict[str, set[str]] = {
    "ours": {"network_problem"},
    "confirmed": {"deepgram_confirmed"},
    "early_warning": {"early_warning"},
    "slow": {"slow_from_here"},
    "reported": {"deepgram_incident"},
    "reported_still_works": {"reported_still_works"},
    "provider": {"provider_problem"},
    "maintenance": {"maintenance"},
    "informational": {"informational"},
    "works": {"all_good"},
    "not_probed": {"no_key", "unknown"},
}


def test_the_table_has_one_row_per_state_and_cause() -> None:
    assert set(TABLE) == {(o, c) for o in OFFICIAL_COLUMNS for c in CAUSE_KINDS} == set(ROWS)
    assert all(row.kind in PRECEDENCE for row in TABLE.values())


@pytest.mark.parametrize(("official", "cause"), list(ROWS), ids=[f"{o}-{c}" for o, c in ROWS])
def test_each_row(official: Official, cause: CauseKind) -> None:
    """The Voice Agent's row in each official state, with a probe result of each cause."""
    result = RESULTS[cause]
    v = surface_verdict(result, official_status(s) if (s := PAGES[official]) else None)
    kind, words = ROWS[(official, cause)]
    line = str(v.line)
    assert (
        (v.official, v.cause.kind, v.kind) == (official, cause, kind) == (official, cause, TABLE[official, cause].kind)
    )
    assert all(w in line for w in words), line
    assert "{" not in line and "Deepgram is down" not in line
    verdict = decide(PAGES[official], {"agent": result}, key_configured=cause != "skipped")
    assert verdict.kind in HEADLINES[kind], (verdict.kind, verdict.headline)
    assert verdict.surfaces["agent"] == v
    if cause == "ours":
        assert "nothing to fix" not in f"{verdict.headline} {verdict.explanation}".lower()
    if official == "third_party":
        assert "Deepgram reports a problem" not in verdict.headline


# -- the rules, over random combinations ---------------------------------------------------------------

OURS_KINDS = {"key_rejected", "no_credits", "rate_limited", "network_problem", "request_problem"}
STATUSES = ["operational"] * 6 + ["degraded_performance", "partial_outage", "major_outage", "under_maintenance"]


def _pool(surface: Surface) -> dict[CauseKind, list[ProbeResult]]:
    def http(status: int, topic: Topic = Topic.SERVER_ERROR) -> ProbeResult:
        return ProbeResult(surface, "failed", f"Deepgram answered HTTP {status}", topic, http_status=status)

    def closed(code: int, error: str | None, topic: Topic) -> ProbeResult:
        said = DeepgramError(None, error, None, None) if error else None
        return ProbeResult(
            surface, "failed", f"Closed ({code})", topic, timings={"handshake_ms": 9.0}, close_code=code, error=said
        )

    pool: dict[CauseKind, list[ProbeResult]] = {
        "ok": [ProbeResult(surface, "ok", "Worked", elapsed_ms=90.0)],
        "ours": [
            *(http(s) for s in (400, 401, 402, 403, 404, 408, 413, 429)),
            ProbeResult(surface, "failed", "Could not connect to Deepgram (refused or unreachable)", Topic.NETWORK),
            unreachable(surface, "streaming", Topic.WEBSOCKET, 2.0),
            closed(1011, "NET-0001", Topic.NET_0001),
            closed(1008, "DATA-0000", Topic.DATA_0000),
        ],
        "theirs": [
            *(http(s) for s in (500, 502, 503, 504)),
            closed(1011, "NET-0000", Topic.NET_0000),
            closed(1006, None, Topic.WEBSOCKET),
            ProbeResult(surface, "failed", "The stream stalled", Topic.NET_0000, timings={"handshake_ms": 9.0}),
            ProbeResult(surface, "failed", "The handshake did not finish within the time limit", Topic.WEBSOCKET),
        ],
        "quality": [
            ProbeResult(surface, "failed", "The transcript came back empty", Topic.EMPTY_TRANSCRIPT, http_status=200),
            ProbeResult(surface, "degraded", "The transcript came back wrong", Topic.WRONG_TRANSCRIPT),
        ],
        "slow": [ProbeResult(surface, "degraded", "Worked, but slowly (7.0 s)", Topic.LATENCY)],
        "skipped": [skipped(surface)],
    }
    if surface == "agent":
        pool["provider"] = [
            ProbeResult(
                surface, "failed", "The agent's TTS provider failed", Topic.AGENT_SPEAK_PROVIDER, provider_failure=True
            )
        ]
    return pool


def _random_page(rng: random.Random) -> Summary | None:
    if rng.random() < 0.1:
        return None
    ids = [cid for cid, _ in PAGE]
    statuses = {cid: rng.choice(STATUSES) for cid in ids}
    incidents = [
        incident(
            f"i{n}", f"Incident {n}", *rng.sample(ids, rng.randint(0, 2)), impact=rng.choice(["none", "minor", "major"])
        )
        for n in range(rng.randint(0, 2))
    ]
    windows = [
        incident(
            f"m{n}",
            f"Window {n}",
            rng.choice(ids),
            impact="maintenance",
            status=rng.choice(["scheduled", "in_progress"]),
        )
        for n in range(rng.randint(0, 1))
    ]
    return page(statuses, incidents, windows)


def _random_probes(rng: random.Random) -> dict[Surface, ProbeResult]:
    """Mostly working surfaces, some failing for a random cause; now and then no key at all."""
    if rng.random() < 0.05:
        return {spec.id: skipped(spec.id) for spec in SURFACES}
    failing = rng.choice([0.0, 0.1, 0.3, 0.7])
    probes = {}
    for spec in SURFACES:
        pool = _pool(spec.id)
        cause: CauseKind = rng.choice(list(pool)) if rng.random() < failing else "ok"
        probes[spec.id] = rng.choice(pool[cause])
    return probes


def test_rules_hold_over_random_combinations() -> None:
    """Thousands of pages × probe results: the issue's rules hold for every surface and every headline."""
    rng = random.Random(20261124)
    for _ in range(3000):
        summary_, probes = _random_page(rng), _random_probes(rng)
        key = any(r.state != "skipped" for r in probes.values()) or rng.random() < 0.5
        verdict = decide(summary_, probes, key_configured=key)
        _check(verdict, summary_, probes)


def _check(verdict: Verdict, summary_: Summary | None, probes: dict[Surface, ProbeResult]) -> None:
    said = f"{verdict.headline} {verdict.explanation}"
    causes = {s: v.cause.kind for s, v in verdict.surfaces.items()}
    context = (verdict.kind, said, causes)
    # Ours first; never "nothing to fix on our side" while a probe failed for a reason on our side.
    if "ours" in causes.values():
        assert verdict.kind in OURS_KINDS and "nothing to fix" not in said.lower(), context
    if "nothing to fix" in said.lower():
        assert verdict.kind == "deepgram_confirmed", context
    for v in verdict.surfaces.values():
        line = str(v.line)
        if v.cause.kind == "ours":
            assert v.kind == "ours" and line.startswith("Fix on our side"), (v, context)
        if v.cause.kind == "theirs" and v.official in ("degraded", "outage"):
            assert v.kind == "confirmed" and "confirmed by our probes" in line, (v, context)
        if v.cause.kind == "theirs" and v.official == "operational":
            assert v.kind == "early_warning" and "not yet on Deepgram's status page" in line, (v, context)
        if v.cause.kind == "ok" and v.official in ("degraded", "outage"):
            assert v.kind == "reported_still_works" and "from here it still works" in line, (v, context)
        if v.cause.kind == "provider":
            assert v.kind == "provider" and "A provider behind the Voice Agent failed" in line, (v, context)
        if v.official == "third_party" and v.cause.kind != "ours":
            assert v.kind == "provider" and "a provider behind the voice agent" in line.lower(), (v, context)
    # A third party's trouble never makes the headline "Deepgram reports a problem".
    official = official_status(summary_) if summary_ else None
    if official is not None and not official.deepgram_problem:
        assert "Deepgram reports a problem" not in verdict.headline, context
    # The headline is the surfaces' first kind by precedence.
    kinds = {v.kind for v in verdict.surfaces.values()}
    first = next((k for k in PRECEDENCE if k in kinds), None)
    if first in ("ours", "confirmed", "early_warning", "slow"):
        assert verdict.kind in (OURS_KINDS if first == "ours" else HEADLINES[first]), context
    if verdict.healthy:
        assert set(causes.values()) <= {"ok", "skipped"}, context


def test_headlines_for_the_less_common_cases() -> None:
    """A probe that crashed is ours; failing during maintenance; nothing probed yet (a report coming in)."""
    crashed = all_ok() | {"rest": ProbeResult("rest", "failed", "The probe itself failed; see the bot's log")}
    v = decide(summary(), crashed, key_configured=True)
    assert (v.kind, v.headline) == ("request_problem", "Fix on our side: a probe failed inside the bot")
    window = incident("m1", "Database upgrade", "c0", impact="maintenance", status="in_progress")
    busy = summary({"Batch API": "under_maintenance"}, maintenances=[window])
    v = decide(busy, all_ok() | {"rest": probe("rest", "failed", 503, Topic.SERVER_ERROR)}, key_configured=True)
    assert (v.kind, v.headline) == ("deepgram_confirmed", "Failing during Deepgram's maintenance")
    assert "Database upgrade" in str(v.explanation)
    # Nothing probed yet: the page alone decides, and a quiet page is no problem so far.
    assert decide(summary(), {}, key_configured=True).kind == "all_good"
    general = summary(incidents=[incident("g1", "Elevated error rates")])
    assert decide(general, {}, key_configured=True).kind == "deepgram_incident"
    # Once the surfaces have results, a page-wide incident is part of each surface's official state.
    assert decide(general, all_ok(), key_configured=True).kind == "reported_still_works"
