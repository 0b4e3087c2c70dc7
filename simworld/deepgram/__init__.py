"""A faithful fake of the Deepgram API for tests: REST and WebSockets on 127.0.0.1.

Sockets: streaming STT `/v1/listen`, Flux `/v2/listen`, TTS `/v1/speak`, and the Voice Agent
`/v1/agent/converse` on a second port that plays `agent.deepgram.com` (`FakeDeepgram.agent_url`).

Ground truth is `shared/reference/deepgram.md` (section numbers in comments refer to it); nothing is
read from `shared/` at run time.
"""

from __future__ import annotations

from .auth import IssuedToken, Presented
from .errors import ErrorReply
from .knobs_realtime import AgentAction, AgentKnobs, FluxKnobs, SpeakWsKnobs
from .models import STT_MODELS, TTS_MODELS, SttModel, TtsModel
from .routes import ROUTES, route_of
from .server import FakeDeepgram
from .state import ApiKey, Balance, Clip, Effect, Member, Project, Purchase, RecordedRequest, Word
from .transcript import PREFIX_BYTES, ClipEntry

__all__ = [
    "PREFIX_BYTES",
    "ROUTES",
    "STT_MODELS",
    "TTS_MODELS",
    "AgentAction",
    "AgentKnobs",
    "ApiKey",
    "Balance",
    "Clip",
    "ClipEntry",
    "Effect",
    "ErrorReply",
    "FakeDeepgram",
    "FluxKnobs",
    "IssuedToken",
    "Member",
    "Presented",
    "Project",
    "Purchase",
    "RecordedRequest",
    "SpeakWsKnobs",
    "SttModel",
    "TtsModel",
    "Word",
    "route_of",
]
