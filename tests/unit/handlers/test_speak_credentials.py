"""`/deepgram speak` refuses text holding a credential: the clip and its comment are public."""

from __future__ import annotations

import pytest

from bot.errors import UsageError
from bot.slack import messages
from handlers.speak import refuse_credentials

KEY = "3f8a1c9e2b7d4f6a8c0e1b3d5f7a9c2e4b6d8f1e"
SIGNING = "8e55d8a678ea08b129a58d707b52e648"


@pytest.mark.parametrize(
    "args",
    [
        f"read this: {KEY}",
        f"--voice aura-2-thalia-en Token {KEY.upper()}",
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl please",
        "xoxb-1234567890-1234567890-abcdefghijkl",
        f"<mailto:{KEY}@x.example|mail me>",
        f"our secret is {SIGNING}",  # one of the bot's own configured values, whatever its shape
    ],
)
def test_text_with_a_credential_is_refused(args: str) -> None:
    with pytest.raises(UsageError) as raised:
        refuse_credentials(args, [SIGNING])
    assert raised.value.user_message == messages.SPEAK_CREDENTIAL


@pytest.mark.parametrize("args", ["Hello from Deepgram!", "--voices", "a" * 64, "<!channel> the token expired"])
def test_ordinary_text_is_spoken(args: str) -> None:
    refuse_credentials(args, [SIGNING])
