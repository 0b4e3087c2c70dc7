"""The weekly digest in the terminal: the same parts as in Slack, plain text, nothing a terminal obeys."""

from __future__ import annotations

from dataclasses import replace

from bot.digest import Digest, compose
from bot.store import LoggedIncident
from bot.text.digest import digest_text
from tests.unit.digest.week import INPUTS, PERIOD, at, fixture_digest


def test_the_fixture_week_in_the_terminal() -> None:
    text = digest_text(fixture_digest())
    lines = text.splitlines()
    assert lines[0] == "Deepgram weekly digest · 30 Nov – 7 Dec 2026" and set(lines[1]) == {"="}
    assert "Covers the 7 days to Mon 7 Dec 2026 09:00 (UTC)." in lines
    assert "  - Streaming API outage · major · 2026-12-01 10:00 UTC · lasted 2 h 30 min · Streaming API" in lines
    assert "    https://stspg.io/a" in lines
    assert "  (1 named no component, so no surface below counts them.)" in lines
    assert (
        "  Pre-recorded (REST)    99.50% of 1,000 runs worked · status page: 1 incident on its components, 1 h 00 min"
        in lines
    )
    assert "  Streaming (WebSocket)  p50 3.0 s (none last week) · p95 4.0 s (none last week)" in lines
    assert "Failed probe runs: 107 of 2,012, by cause" in lines
    assert "  Deepgram's side: 103 (Deepgram closed the connection 100, Deepgram server errors 3)" in lines
    assert "  Prod: $100.00 → $60.50 (\u2212$39.50; 3 samples)" in lines
    assert "      5  401 Unauthorized (deepgram-doctor why 401)" in lines and "     15  in all" in lines
    assert "`" not in text and "<!date" not in text and "*" not in text  # no Slack markup
    assert text.endswith("\n")


def test_empty_parts_and_control_characters() -> None:
    text = digest_text(Digest(PERIOD))
    for words in (
        "  None on Deepgram's status page this week.",
        "  No probe ran this week.",
        "  None.",
        "  Nothing: no probe ran.",
        "  No playbook was asked for this week.",
    ):
        assert words in text.splitlines()
    assert "Unknown: no balance was read this week" in text
    evil = LoggedIncident("z", "Bad\x1b[2J\x1b]0;pwned\x07 name", "minor", "https://x\x1b[31m", at(2, 9), None)
    text = digest_text(compose(replace(INPUTS, incidents=(evil,))))
    assert "\x1b" not in text and "\x07" not in text and "Bad[2J]0;pwned name" in text
