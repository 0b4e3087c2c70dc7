"""Slack signatures checked over the raw bytes, the 5-minute window, replays, and the bounded memory."""

from __future__ import annotations

import logging

import pytest
from slack_sdk.signature import Clock, SignatureVerifier

from bot.runtime.http import ThrottledLog
from bot.runtime.signatures import MAX_SKEW_SECONDS, ReplayMemory, SignatureCheck, signature_of

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
NOW = 1_732_400_000


class FixedClock(Clock):
    def __init__(self, now: float) -> None:
        self.at = now

    def now(self) -> float:
        return self.at


def check(now: float = NOW, memory: ReplayMemory | None = None) -> SignatureCheck:
    return SignatureCheck(SECRET, clock=lambda: now, memory=memory)


def signed(body: bytes, timestamp: int = NOW) -> tuple[str, str, bytes]:
    return str(timestamp), signature_of(SECRET, str(timestamp), body), body


def test_the_signature_is_slack_sdks() -> None:
    """Same algorithm as `slack_sdk.signature.SignatureVerifier` (which Bolt uses), over the raw bytes."""
    body = "token=x&text=caf\u00e9 <!channel>".encode()
    verifier = SignatureVerifier(SECRET, clock=FixedClock(NOW))
    assert signature_of(SECRET, str(NOW), body) == verifier.generate_signature(timestamp=str(NOW), body=body)
    assert verifier.is_valid(body, str(NOW), signature_of(SECRET, str(NOW), body))


def test_a_signed_request_passes_once() -> None:
    """The first delivery is accepted; the exact same bytes and headers again are a replay."""
    guard = check()
    request = signed(b"command=%2Fdeepgram&text=help")
    assert guard.verify(*request) == "ok"
    assert [guard.verify(*request) for _ in range(4)] == ["replayed"] * 4


def test_bytes_that_are_not_utf8_are_verified_not_decoded() -> None:
    """slack_sdk would decode (and raise); here the HMAC covers the bytes, and parsing comes later."""
    assert check().verify(*signed(b"\xff\xfe\x00garbage")) == "ok"


@pytest.mark.parametrize(
    ("timestamp", "signature"),
    [
        (None, "v0=" + "0" * 64),
        (str(NOW), None),
        ("", "v0=abc"),
        ("not-a-number", "v0=abc"),
        ("\u0661\u0667\u0663\u0662", "v0=abc"),  # Arabic-Indic digits: int() would take them
        ("1" * 40, "v0=abc"),
        (str(NOW), "sha256=abc"),
        (str(NOW), "v0=" + "a" * 200),
    ],
    ids=["no-ts", "no-sig", "empty", "letters", "non-ascii-digits", "huge", "wrong-scheme", "huge-sig"],
)
def test_missing_or_malformed_headers_are_unsigned(timestamp: str | None, signature: str | None) -> None:
    assert check().headers(timestamp, signature) == "unsigned"
    assert check().verify(timestamp, signature, b"{}") == "unsigned"


@pytest.mark.parametrize("skew", [MAX_SKEW_SECONDS + 1, -MAX_SKEW_SECONDS - 1, 86_400])
def test_outside_the_five_minute_window_is_stale(skew: int) -> None:
    """Stale is decided from the headers alone, before the body is read; the edge of the window passes."""
    guard = check(now=NOW + skew)
    assert guard.headers(*signed(b"{}")[:2]) == "stale"
    assert check(now=NOW + (MAX_SKEW_SECONDS if skew > 0 else -MAX_SKEW_SECONDS)).verify(*signed(b"{}")) == "ok"


def test_a_wrong_signature_is_forged() -> None:
    timestamp, _, body = signed(b"{}")
    assert check().verify(timestamp, "v0=" + "0" * 64, body) == "forged"
    assert check().verify(timestamp, signature_of("another-secret", timestamp, body), body) == "forged"
    # The body is covered: the same signature over other bytes is forged.
    assert check().verify(timestamp, signature_of(SECRET, timestamp, b"{}"), b"{ }") == "forged"


def test_without_a_secret_everything_is_refused() -> None:
    """Fails closed: no signing secret, no request."""
    timestamp, signature, body = signed(b"{}")
    assert SignatureCheck("", clock=lambda: NOW).verify(timestamp, signature, body) == "unsigned"


def test_forged_requests_are_not_remembered() -> None:
    """Only correctly signed requests enter the memory: a forger cannot fill it."""
    guard = check()
    for n in range(100):
        assert guard.verify(str(NOW), "v0=" + f"{n:064x}", b"{}") == "forged"
    assert len(guard.memory) == 0


def test_the_memory_forgets_what_can_no_longer_pass_the_window() -> None:
    memory = ReplayMemory(capacity=100)
    for n in range(50):
        assert memory.first_time(f"v0={n}", NOW, now=NOW)
    assert len(memory) == 50
    # Past the window (plus a minute's margin for clock steps) they can never pass again: forgotten.
    assert memory.first_time("v0=later", NOW + 350, now=NOW + MAX_SKEW_SECONDS + 50)
    assert len(memory) == 51
    assert memory.first_time("v0=much-later", NOW + 361, now=NOW + MAX_SKEW_SECONDS + 61)
    assert len(memory) == 2 and memory.floor == -1


def test_a_full_memory_raises_its_floor_instead_of_allowing_a_replay() -> None:
    """At capacity the oldest signature is forgotten and anything signed that early is refused as stale."""
    memory = ReplayMemory(capacity=3)
    guard = SignatureCheck(SECRET, clock=lambda: NOW, memory=memory)
    oldest = signed(b"a", NOW - 30)
    assert guard.verify(*oldest) == "ok"
    for n, body in enumerate((b"b", b"c", b"d")):
        assert guard.verify(*signed(body, NOW - 20 + n)) == "ok"
    assert len(memory) == 3 and memory.floor == NOW - 30
    assert guard.verify(*oldest) == "stale"  # forgotten, yet still not replayable
    assert guard.verify(*signed(b"e", NOW)) == "ok"  # fresh traffic goes on
    assert len(memory) == 3


def test_the_memory_stays_bounded_under_load() -> None:
    memory = ReplayMemory(capacity=1000)
    for n in range(20_000):
        memory.first_time(f"v0={n:064x}", NOW + n // 100, now=NOW + n // 100)
    assert len(memory) <= 1000


def test_a_throttled_log_writes_one_line_a_minute(caplog: pytest.LogCaptureFixture) -> None:
    """The first refusal is logged at once, then at most one line per interval, counting the others."""
    now = [0.0]
    throttled = ThrottledLog("request refused: not signed by Slack", interval=60, clock=lambda: now[0])
    with caplog.at_level(logging.INFO, logger="bot.runtime.http"):
        for _ in range(200):
            throttled(reason="forged")
        now[0] = 61.0
        throttled(reason="stale")
    assert [(r.getMessage(), getattr(r, "times", None)) for r in caplog.records] == [
        ("request refused: not signed by Slack", 1),
        ("request refused: not signed by Slack", 200),
    ]
    assert all(r.exc_info is None for r in caplog.records)
