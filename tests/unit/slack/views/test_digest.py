"""The weekly digest in Slack: every part present, within Block Kit's limits, remote text escaped."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta

from bot.digest import Digest, DigestInputs, compose
from bot.slack.kit import MAX_BLOCKS, MAX_HEADER_TEXT, MAX_SECTION_TEXT
from bot.slack.views.digest import digest_message
from bot.store import BalanceSample, LoggedIncident
from tests.unit.digest.week import INPUTS, PERIOD, at, fixture_digest


def _texts(blocks: list[dict[str, object]]) -> list[str]:
    found = []
    for block in blocks:
        text = block.get("text")
        if isinstance(text, dict):
            found.append(str(text["text"]))
        for element in block.get("elements", []) or []:  # type: ignore[union-attr]
            found.append(str(element["text"]))
    return found


def _within_limits(blocks: list[dict[str, object]]) -> None:
    assert len(blocks) <= MAX_BLOCKS
    for block in blocks:
        text = block.get("text")
        if block["type"] == "header":
            assert isinstance(text, dict) and len(text["text"]) <= MAX_HEADER_TEXT and text["type"] == "plain_text"
        elif block["type"] == "section":
            assert isinstance(text, dict) and len(text["text"]) <= MAX_SECTION_TEXT
        else:
            assert block["type"] == "context"
            elements = block["elements"]
            assert isinstance(elements, list) and len(elements) <= 10
            assert all(len(e["text"]) <= 2000 for e in elements)


def test_the_fixture_week_in_slack() -> None:
    text, blocks = digest_message(fixture_digest())
    _within_limits(blocks)
    assert text == "Deepgram weekly digest · 30 Nov – 7 Dec 2026: 5 Deepgram incidents, 107 failed probe runs of 2,012."
    assert blocks[0]["type"] == "header" and blocks[-1]["type"] == "context"
    incidents, uptime, latency, failures, cost, balance, topics = _texts(blocks)[1:8]
    assert "<https://stspg.io/a|Streaming API outage> · major · <!date^" in incidents
    assert "lasted 2 h 30 min · Streaming API" in incidents and "Provider outage" in incidents
    assert "still open" in incidents and "1 of them named no component" in incidents
    assert (
        "*Pre-recorded (REST)*: 99.50% of 1,000 runs worked · status page: 1 incident on its components, 1 h 00 min"
        in (uptime)
    )
    assert (
        "*Streaming (WebSocket)*: 90.0% of 1,000 runs worked · status page: 2 incidents on its components, 3 h 00 min"
        in (uptime)
    )
    assert "*Voice Agent*: no runs · status page: no incident on its components" in uptime
    assert (
        "*Pre-recorded (REST)*: p50 800 ms (last week 1.0 s, \u221220%) · p95 1.5 s (last week 1.5 s, ±0%)" in latency
    )
    assert "*Streaming (WebSocket)*: p50 3.0 s (none last week)" in latency
    assert "*Voice Agent*: p50 – (last week 2.0 s)" in latency
    assert failures.startswith("*Failed probe runs: 107 of 2,012, by cause*")
    assert "Deepgram's side: 103 (Deepgram closed the connection 100, Deepgram server errors 3)" in failures
    assert "Our side: 2 (network (DNS, TCP, TLS, proxy) 2)" in failures
    assert "Worked, but slowly or imperfectly (counted as working): 5" in failures
    assert "About $0.46 at pay-as-you-go list prices for 50 min of pre-recorded audio, 50 min of streaming" in cost
    assert "not priced here: 1 min of Flux audio" in cost and "An estimate from 2,012 probe runs" in cost
    assert "• *Prod*: $100.00 → $60.50 (\u2212$39.50; 3 samples)" in balance
    assert "• *p2*: $5.00 → $5.00 (unchanged; 1 sample)" in balance
    assert "• 401 Unauthorized (`/deepgram why 401`): 5" in topics and "15 playbook answers in all." in topics
    assert "Covers the 7 days to Mon 7 Dec 2026 09:00 (UTC)" in _texts(blocks)[-1]


def test_empty_parts_say_so() -> None:
    _, blocks = digest_message(Digest(PERIOD))
    texts = "\n".join(_texts(blocks))
    assert "None on Deepgram's status page this week." in texts
    assert texts.count("No probe ran this week.") == 2
    assert "Failed probe runs: 0 of 0" in texts and "None." in texts
    assert "Nothing: no probe ran." in texts
    assert "Unknown: no balance was read this week" in texts
    assert "No playbook was asked for this week." in texts


def test_remote_text_is_escaped_and_never_a_live_link_or_mention() -> None:
    """Incident names, impacts, components and links come from the status page; project names from Deepgram."""
    hostile = LoggedIncident(
        "x",
        "<!channel> & <https://evil.example|click> `code`",
        "<!here>",
        "javascript:alert(1)",
        at(2, 9),
        at(2, 10),
        ("<@U0BAD>",),
    )
    piped = replace(hostile, id="y", name="Pipe", link="https://ok.example/a|<!everyone>")
    inputs = replace(
        INPUTS,
        incidents=(hostile, piped),
        balances=(
            BalanceSample(
                at(2, 9).timestamp(), "p9", 1.0, "usd", "<!subteam^S1> " + "0123456789abcdef" * 2 + "01234567"
            ),
        ),
    )
    _, blocks = digest_message(compose(inputs))
    rendered = json.dumps(blocks, ensure_ascii=False)
    for live in ("<!channel>", "<!here>", "<!everyone>", "<@U0BAD>", "<https://evil", "<!subteam", "javascript:"):
        assert live not in rendered, live
    assert "&lt;!channel&gt; &amp; &lt;https://evil.example|click&gt;" in rendered
    assert "*Pipe*" in rendered  # a link with a "|" in it is not linked
    assert "0123456789abcdef" not in rendered and "…4567" in rendered  # a key-shaped name is masked


def test_many_incidents_fit_the_section_with_a_count_of_the_rest() -> None:
    many = tuple(
        LoggedIncident(
            f"i{n}",
            f"Incident number {n} " + "x" * 120,
            "minor",
            f"https://stspg.io/{n}",
            at(1, 9) + timedelta(minutes=n),
            None,
            ("Streaming API",),
        )  # fmt: skip
        for n in range(80)
    )
    _, blocks = digest_message(compose(DigestInputs(PERIOD, incidents=many)))
    _within_limits(blocks)
    incidents = _texts(blocks)[1]
    shown = incidents.count("• <https://stspg.io/")
    assert 5 < shown < 80 and incidents.endswith(f"… and {80 - shown} more")
    assert incidents.count("<") == incidents.count(">")  # no line cut in half
