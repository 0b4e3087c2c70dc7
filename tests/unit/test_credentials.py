"""One definition of a credential, for the logs and for what Slack is shown."""

from __future__ import annotations

import pytest

from bot.credentials import contains_credential, find_credentials, mask, mask_credentials
from bot.log import Redactor

DG_KEY = "0123456789abcdef0123456789abcdef0123cafe"
JWT = "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJl"
TOKENS = ("xoxb-1234-5678-abcdefgh", "xoxp-1-2-3-abcdef", "xapp-1-A123-456-" + "ab" * 32)


@pytest.mark.parametrize("secret", [DG_KEY, DG_KEY.upper(), JWT, *TOKENS])
def test_credentials_are_found_and_masked_to_their_last_four(secret: str) -> None:
    text = f"my key: {secret}, thanks"
    assert contains_credential(text) and find_credentials(text) == [secret]
    assert mask_credentials(text) == f"my key: …{secret[-4:]}, thanks"
    assert secret[:-4] not in Redactor()(text)  # the logs mask the same shapes


@pytest.mark.parametrize(
    "text",
    [
        "a" * 64,  # a SHA-256, not a key
        "0123456789abcdef0123456789abcdef0123caf",  # 39 hex characters
        "the token expired yesterday",
        "Bearer tokens go in the Authorization header",
        "eyJ is how a JWT starts",
        "xoxb- alone",
    ],
)
def test_ordinary_text_is_left_alone(text: str) -> None:
    assert not contains_credential(text) and mask_credentials(text) == text


def test_known_secrets_are_found_whatever_their_shape() -> None:
    """The bot's own configured values (a 32-character signing secret has no telltale shape)."""
    signing = "8e55d8a678ea08b129a58d707b52e648"
    assert not contains_credential(f"x {signing} y")
    assert contains_credential(f"x {signing} y", known=[signing, "", "short"])
    assert mask_credentials(f"x {signing} y", known=[signing]) == "x …e648 y"
    assert not contains_credential("a short word", known=["short"])  # too short to look for


def test_mask_keeps_only_the_last_four() -> None:
    assert mask(DG_KEY) == "…cafe"
