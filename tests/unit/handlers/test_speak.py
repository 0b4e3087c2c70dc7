"""`/deepgram speak`'s arguments: options first (or `--voice` last), the text kept as typed."""

from __future__ import annotations

import pytest

from bot.errors import UsageError
from handlers.speak import SpeakArgs, parse_speak_args


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ("Hello  there", SpeakArgs("Hello  there")),
        ("--voice aura-2-luna-en Hello", SpeakArgs("Hello", voice="aura-2-luna-en")),
        ("--voice=aura-asteria-en  Hi\nthere", SpeakArgs("Hi\nthere", voice="aura-asteria-en")),
        ("Hello there --voice aura-2-luna-en", SpeakArgs("Hello there", voice="aura-2-luna-en")),
        ("--voices", SpeakArgs("", list_voices=True)),
        ("  --voices  ", SpeakArgs("", list_voices=True)),
        ("", SpeakArgs("")),
        ("-- not an option", SpeakArgs("-- not an option")),
    ],
)
def test_parse_speak_args(args: str, expected: SpeakArgs) -> None:
    """Options first (or `--voice` last), the text otherwise kept as typed."""
    assert parse_speak_args(args) == expected


@pytest.mark.parametrize(("args", "match"), [("--voice", "needs a voice"), ("--speed 2 hi", "`--speed`")])
def test_parse_speak_args_refuses_bad_options(args: str, match: str) -> None:
    """A `--voice` without a value or an unknown option is a usage error that shows the usage."""
    with pytest.raises(UsageError, match=match) as info:
        parse_speak_args(args)
    assert "/deepgram speak [--voice <model>] <text>" in info.value.user_message
