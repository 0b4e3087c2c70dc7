"""What recognising pasted error material yields: a `Clue` for a topic, and how sure each kind is.

Shared by the recognisers (`bot.playbooks.errortext` for HTTP bodies, statuses, STT close reasons
and client-library errors; `bot.playbooks.errortext_realtime` for the Voice Agent, Flux, the TTS
socket, regional hosts and SDK upgrades) and read by the matcher.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.topics import Topic

# How sure each kind of recognition is (0..1). The matcher accepts clues above its threshold.
MESSAGE = 0.98  # one of Deepgram's documented error messages: more specific than its code
CODE = 0.95  # a documented err_code / category / close reason code
STATUS = 0.9  # an HTTP status with something saying it is one ("HTTP 401", "401 Unauthorized")
BARE_STATUS = 0.8  # a number that is a status only by its value
CLOSE_CODE = 0.8  # a WebSocket close code (1011, 1008, 1006)
LIBRARY = 0.85  # an exception name or errno from a client library


@dataclass(frozen=True)
class Clue:
    topic: Topic
    weight: float
    #: What was recognised, for the answer: e.g. "err_code INVALID_AUTH" (raw; escape to show).
    evidence: str
    #: The text a playbook quotes when it explains this very error ("INVALID_AUTH", "402").
    needle: str = ""
    #: Generic readings this one replaces: an HTTP 429 seen on a Flux URL is the Flux playbook's, not
    #: the general 429 one's, so the 429 clue of the same paste is dropped.
    supersedes: frozenset[Topic] = frozenset()
