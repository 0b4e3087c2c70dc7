"""Settings are read from the environment once and validated whole."""

from __future__ import annotations

import pytest

from bot.config import Settings
from bot.errors import ConfigError

BOT = "xoxb-1111-2222-abcdefABCDEF"
APP = "xapp-1-A111-2222-abcdef"


def test_socket_mode_when_app_token_is_set() -> None:
    """An app-level token selects Socket Mode and needs no signing secret."""
    s = Settings.from_env({"SLACK_BOT_TOKEN": BOT, "SLACK_APP_TOKEN": APP})
    assert s.transport == "socket"
    assert s.slack_api_url == "https://slack.com/api/"
    assert s.deepgram_api_url == "https://api.deepgram.com"
    assert s.deepgram_ws_url == "wss://api.deepgram.com"
    assert s.deepgram_status_url == "https://status.deepgram.com"
    assert s.status_poll_seconds == 60.0 and s.port == 3000 and s.db_path == "./deepgram-doctor.db"


def test_http_forced_needs_signing_secret() -> None:
    """`--http` overrides Socket Mode, and HTTP mode cannot run without the signing secret."""
    with pytest.raises(ConfigError) as err:
        Settings.from_env({"SLACK_BOT_TOKEN": BOT, "SLACK_APP_TOKEN": APP}, force_http=True)
    assert any("SLACK_SIGNING_SECRET" in p for p in err.value.problems)
    s = Settings.from_env({"SLACK_BOT_TOKEN": BOT, "SLACK_SIGNING_SECRET": "s3cr3t"})
    assert s.transport == "http"


def test_every_problem_is_reported_at_once() -> None:
    """All invalid variables are listed together rather than one per restart."""
    env = {
        "SLACK_BOT_TOKEN": "xoxp-user-token",
        "SLACK_APP_TOKEN": "xoxb-wrong",
        "SLACK_API_URL": "slack.com/api",
        "DEEPGRAM_API_URL": "ftp://api.deepgram.com",
        "DEEPGRAM_STATUS_URL": "nope",
        "STATUS_POLL_SECONDS": "-1",
        "PORT": "http",
    }
    with pytest.raises(ConfigError) as err:
        Settings.from_env(env)
    joined = "\n".join(err.value.problems)
    for name in env:
        assert name in joined
    assert len(err.value.problems) == len(env)


def test_urls_are_normalised_and_ws_url_derived() -> None:
    """Local fakes are plain http, so the streaming URL becomes ws://; the Slack base gets its slash."""
    s = Settings.from_env(
        {
            "SLACK_BOT_TOKEN": BOT,
            "SLACK_SIGNING_SECRET": "x",
            "SLACK_API_URL": "http://127.0.0.1:9/api",
            "DEEPGRAM_API_URL": "http://127.0.0.1:8/",
            "STATUS_POLL_SECONDS": "0.25",
            "PORT": "8080",
            "DEEPGRAM_DOCTOR_DB": "/data/dd.db",
        }
    )
    assert s.slack_api_url == "http://127.0.0.1:9/api/"
    assert s.deepgram_api_url == "http://127.0.0.1:8"
    assert s.deepgram_ws_url == "ws://127.0.0.1:8"
    assert s.status_poll_seconds == 0.25 and s.port == 8080 and s.db_path == "/data/dd.db"


def test_secrets_never_in_repr() -> None:
    """Printing the settings (in a traceback, a debugger) shows no secret."""
    key = "0123456789abcdef0123456789abcdef01234567"
    s = Settings.from_env(
        {
            "SLACK_BOT_TOKEN": BOT,
            "SLACK_APP_TOKEN": APP,
            "SLACK_SIGNING_SECRET": "sig-secret-value",
            "DEEPGRAM_API_KEY": key,
        }
    )
    text = repr(s)
    for secret in (BOT, APP, "sig-secret-value", key):
        assert secret not in text
    assert set(s.secrets()) == {BOT, APP, "sig-secret-value", key}


def test_deepgram_key_with_prefix_is_flagged() -> None:
    """A key pasted with its `Token ` scheme is caught at start-up, not at the first probe."""
    with pytest.raises(ConfigError) as err:
        Settings.from_env(
            {"SLACK_BOT_TOKEN": BOT, "SLACK_APP_TOKEN": APP, "DEEPGRAM_API_KEY": "Token abcdef0123456789abcdef"}
        )
    assert "DEEPGRAM_API_KEY" in err.value.problems[0]
