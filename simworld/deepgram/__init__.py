"""A faithful fake of the Deepgram API for tests: REST and streaming WebSocket on 127.0.0.1.

Ground truth is `shared/reference/deepgram.md` (section numbers in comments refer to it); nothing is
read from `shared/` at run time.
"""

from __future__ import annotations

from .auth import IssuedToken, Presented
from .errors import ErrorReply
from .models import STT_MODELS, TTS_MODELS, SttModel, TtsModel
from .server import ROUTES, FakeDeepgram, route_of
from .state import ApiKey, Balance, Clip, Effect, Member, Project, Purchase, RecordedRequest, Word
from .transcript import PREFIX_BYTES, ClipEntry

__all__ = [
    "PREFIX_BYTES",
    "ROUTES",
    "STT_MODELS",
    "TTS_MODELS",
    "ApiKey",
    "Balance",
    "Clip",
    "ClipEntry",
    "Effect",
    "ErrorReply",
    "FakeDeepgram",
    "IssuedToken",
    "Member",
    "Presented",
    "Project",
    "Purchase",
    "RecordedRequest",
    "SttModel",
    "TtsModel",
    "Word",
    "route_of",
]
