"""Settings are read from the environment once and validated whole."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import Settings
from bot.errors import ConfigError
from tests.readonly import read_only

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


def test_unusable_database_is_reported_with_the_other_problems(tmp_path: Path) -> None:
    """A directory, a read-only file or a folder that cannot be made: a configuration problem, listed with the rest."""
    (tmp_path / "afile").write_text("x")
    env = {"SLACK_BOT_TOKEN": BOT, "SLACK_APP_TOKEN": APP, "PORT": "http"}
    for db, reason in [
        (str(tmp_path), "it is a directory"),
        (str(tmp_path / "afile" / "dd.db"), f"its folder cannot be created: {tmp_path}/afile is not a folder"),
    ]:
        with pytest.raises(ConfigError) as err:
            Settings.from_env({**env, "DEEPGRAM_DOCTOR_DB": db})
        assert err.value.problems == [
            "PORT must be a whole number, got 'http'.",
            f"DEEPGRAM_DOCTOR_DB ({db!r}) cannot be used: {reason}. Point it at a file this user can create "
            "and write, e.g. /data/deepgram-doctor.db.",
        ]
    existing = tmp_path / "dd.db"
    existing.write_bytes(b"")
    with read_only(existing), pytest.raises(ConfigError) as err:
        Settings.from_env({**env, "PORT": "3000", "DEEPGRAM_DOCTOR_DB": str(existing)})
    assert "cannot be used: it is read-only (this user cannot write it)" in err.value.problems[0]


def test_database_checked_only_where_it_is_used(tmp_path: Path) -> None:
    """`status` uses memory when DEEPGRAM_DOCTOR_DB is unset; `speak` and `healthcheck` never open it."""
    assert Settings.from_env({}, slack=False, database="optional").db_path == ":memory:"
    with pytest.raises(ConfigError):
        Settings.from_env({"DEEPGRAM_DOCTOR_DB": str(tmp_path)}, slack=False, database="optional")
    unused = Settings.from_env({"DEEPGRAM_DOCTOR_DB": str(tmp_path / "x.db")}, slack=False, database="unused")
    assert unused.health_file == str(tmp_path / "x.db") + "-health.json"


def test_health_settings() -> None:
    """The heartbeat sits beside the database; the poll may be stale for 3 intervals (at least 30 s)."""
    s = Settings.from_env({"SLACK_BOT_TOKEN": BOT, "SLACK_APP_TOKEN": APP, "DEEPGRAM_DOCTOR_DB": "/data/dd.db"})
    assert s.health_file == "/data/dd.db-health.json"
    assert (s.health_interval_seconds, s.health_poll_stale_seconds, s.health_reconnect_seconds) == (10.0, 180.0, 60.0)
    fast = Settings.from_env({"SLACK_BOT_TOKEN": BOT, "SLACK_APP_TOKEN": APP, "STATUS_POLL_SECONDS": "1"})
    assert fast.health_poll_stale_seconds == 30.0
    custom = Settings.from_env(
        {
            "SLACK_BOT_TOKEN": BOT,
            "SLACK_APP_TOKEN": APP,
            "HEALTH_FILE": "/run/doctor/health.json",
            "HEALTH_INTERVAL_SECONDS": "0.5",
            "HEALTH_POLL_STALE_SECONDS": "2",
            "HEALTH_RECONNECT_SECONDS": "5",
        }
    )
    assert custom.health_file == "/run/doctor/health.json"
    assert (custom.health_interval_seconds, custom.health_poll_stale_seconds, custom.health_reconnect_seconds) == (
        0.5,
        2.0,
        5.0,
    )
    with pytest.raises(ConfigError) as err:
        Settings.from_env({"SLACK_BOT_TOKEN": BOT, "SLACK_APP_TOKEN": APP, "HEALTH_INTERVAL_SECONDS": "0"})
    assert err.value.problems == ["HEALTH_INTERVAL_SECONDS must be between 0.05 and 300, got '0'."]


def test_huge_values_are_clipped_in_problems() -> None:
    """A megabyte pasted into a variable does not become a megabyte of error output."""
    with pytest.raises(ConfigError) as err:
        Settings.from_env({"SLACK_BOT_TOKEN": BOT, "SLACK_APP_TOKEN": APP, "PORT": "9" * 1_000_000})
    (problem,) = err.value.problems
    assert problem.startswith("PORT must be a whole number, got '999") and len(problem) < 300


def test_voice_agent_settings() -> None:
    """The agent URL must be a WebSocket URL; the periodic agent turn is off unless asked for."""
    base = {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1"}
    settings = Settings.from_env(base)
    assert settings.deepgram_agent_url == "" and not settings.monitor_agent_turn
    settings = Settings.from_env(
        {**base, "DEEPGRAM_AGENT_URL": "wss://agent.eu.deepgram.com/", "MONITOR_AGENT_TURN": "yes"}
    )
    assert settings.deepgram_agent_url == "wss://agent.eu.deepgram.com" and settings.monitor_agent_turn
    with pytest.raises(ConfigError) as caught:
        Settings.from_env({**base, "DEEPGRAM_AGENT_URL": "https://agent.deepgram.com", "MONITOR_AGENT_TURN": "maybe"})
    assert any("DEEPGRAM_AGENT_URL must be a wss/ws URL" in p for p in caught.value.problems)
    assert any("MONITOR_AGENT_TURN" in p for p in caught.value.problems)


def test_probe_surfaces_are_checked_against_the_table() -> None:
    """PROBE_SURFACES takes ids from the table of surfaces, commas or spaces; 'all' or unset is every surface."""
    base = {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1"}
    assert Settings.from_env(base).probe_surfaces == ()
    assert Settings.from_env({**base, "PROBE_SURFACES": "all"}).probe_surfaces == ()
    chosen = Settings.from_env({**base, "PROBE_SURFACES": "rest, agent flux,rest"}).probe_surfaces
    assert chosen == ("rest", "agent", "flux")
    with pytest.raises(ConfigError) as caught:
        Settings.from_env({**base, "PROBE_SURFACES": "rest,telepathy"})
    assert any("PROBE_SURFACES" in p and "telepathy" in p for p in caught.value.problems)


def test_region_urls_are_listed_and_checked() -> None:
    """DEEPGRAM_REGION_URLS: http(s) bases, commas or spaces, once each, without a trailing slash; unset: none."""
    base = {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1"}
    assert Settings.from_env(base).region_urls == ()
    listed = "https://api.eu.deepgram.com/, https://api.au.deepgram.com https://api.eu.deepgram.com"
    regions = Settings.from_env({**base, "DEEPGRAM_REGION_URLS": listed}).region_urls
    assert regions == ("https://api.eu.deepgram.com", "https://api.au.deepgram.com")
    with pytest.raises(ConfigError) as caught:
        Settings.from_env({**base, "DEEPGRAM_REGION_URLS": "https://api.eu.deepgram.com,api.au.deepgram.com"})
    assert any("DEEPGRAM_REGION_URLS" in p and "api.au.deepgram.com" in p for p in caught.value.problems)
