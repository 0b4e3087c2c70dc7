"""Logs are one JSON object per line and never carry a secret."""

from __future__ import annotations

import io
import json
import logging

import pytest

from bot.log import Redactor, configure_logging

DG_KEY = "0123456789abcdef0123456789abcdef0123cafe"
JWT = "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJl"


@pytest.fixture
def stream() -> io.StringIO:
    buffer = io.StringIO()
    configure_logging(["custom-signing-secret-123"], stream=buffer)
    yield buffer
    logging.getLogger().handlers.clear()


def lines(stream: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_patterns_are_masked() -> None:
    """Slack tokens, Deepgram keys, JWTs and Authorization values are masked, key tails kept."""
    redact = Redactor()
    assert redact("token xoxb-1234-5678-abcdefgh here") == "token xoxb-*** here"
    assert redact("app xapp-1-A123-456-abcdef") == "app xapp-***"
    assert redact(f"key {DG_KEY}") == "key ***cafe"
    assert redact(f"jwt {JWT}") == "jwt eyJ***"
    assert redact("Authorization: Token abcdefghijklmnop") == "Authorization: Token ***"
    assert redact("Authorization: bearer abcdefghijklmnop") == "Authorization: bearer ***"
    # A 64-hex SHA-256 is not a key and stays readable.
    sha = "a" * 64
    assert redact(sha) == sha


def test_message_args_extra_and_traceback_are_redacted(stream: io.StringIO) -> None:
    """Every part of a record is scrubbed, including the formatted traceback."""
    log = logging.getLogger("bot.test")
    log.info("using key %s", DG_KEY, extra={"header": f"Token {DG_KEY}", "signing": "custom-signing-secret-123"})
    try:
        raise RuntimeError(f"boom with xoxb-9999-8888-zzzzzz and {JWT}")
    except RuntimeError:
        log.exception("failed")
    out = stream.getvalue()
    assert DG_KEY not in out and JWT not in out
    assert "xoxb-9999" not in out and "custom-signing-secret-123" not in out
    first, second = lines(stream)
    assert first["event"] == "using key ***cafe" and first["level"] == "info" and first["logger"] == "bot.test"
    assert "exc" in second and "RuntimeError" in str(second["exc"])


def test_one_json_object_per_line(stream: io.StringIO) -> None:
    """Multi-line messages still produce exactly one line per event."""
    logging.getLogger("bot.test").warning("line one\nline two", extra={"count": 3})
    (entry,) = lines(stream)
    assert entry["event"] == "line one\nline two" and entry["count"] == 3


def test_an_extra_named_like_a_key_keeps_the_message(stream: io.StringIO) -> None:
    """`extra={"event": …}` (the courier logs alert keys) is written beside the message, not over it."""
    logging.getLogger("bot.test").error("alert refused by Slack", extra={"event": "incident:x:opened", "level": 1})
    (entry,) = lines(stream)
    assert entry["event"] == "alert refused by Slack" and entry["level"] == "error"
    assert entry["extra_event"] == "incident:x:opened" and entry["extra_level"] == 1


def test_user_supplied_values_are_clipped(stream: io.StringIO) -> None:
    """A 1 MB subcommand name or message does not become a 1 MB log line; secrets are masked before clipping."""
    huge = "x" * 1_000_000
    log = logging.getLogger("bot.test")
    log.warning("response_url refused the reply", extra={"subcommand": huge, "count": 10**5000, "n": 7})
    log.info("said %s", huge + DG_KEY)
    first, second = lines(stream)
    assert first["subcommand"] == "x" * 500 + "… [999,500 more characters]"
    assert first["count"] == "<a very large number>" and first["n"] == 7
    assert str(second["event"]).startswith("said xxx") and len(str(second["event"])) < 2100
    assert len(stream.getvalue()) < 5000 and DG_KEY not in stream.getvalue()
