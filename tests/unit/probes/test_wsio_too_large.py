"""`bot.probes.wsio.too_large`: the probe's own 1009 (a message over `max_size`) told from Deepgram's 1009."""

from __future__ import annotations

from websockets.exceptions import ConnectionClosedError, PayloadTooBig
from websockets.frames import Close

from bot.probes.wsio import too_large

OURS = Close(1009, "frame exceeds limit of 1048576 bytes")
THEIRS = Close(1009, "BIG-0000")


def test_our_close_after_a_message_over_the_limit() -> None:
    """What websockets raises: our 1009 sent, nothing received, the parser's PayloadTooBig as cause."""
    exc = ConnectionClosedError(None, OURS, None)
    assert too_large(exc)
    exc.__cause__ = PayloadTooBig(None, 1048576)
    assert too_large(exc)


def test_deepgram_closing_with_1009_is_not_ours() -> None:
    """The TTS socket's BIG-0000: received first, echoed in `sent`."""
    assert not too_large(ConnectionClosedError(THEIRS, THEIRS, True))
    assert not too_large(ConnectionClosedError(THEIRS, None, None))


def test_other_closes_are_not_too_large() -> None:
    assert not too_large(ConnectionClosedError(None, None, None))
    assert not too_large(ConnectionClosedError(Close(1011, "NET-0001"), Close(1011, "NET-0001"), True))
