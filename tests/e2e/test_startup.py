"""Starting the real console script: bad configuration is reported whole, with exit status 2."""

from __future__ import annotations

import contextlib
import json
import socket
from pathlib import Path

import pytest

from bot.store import Store
from simworld.botproc import run_to_exit
from tests.e2e.conftest import World
from tests.readonly import read_only


async def test_bad_configuration_exits_2_listing_every_problem() -> None:
    """Every invalid variable is named in one report, with no traceback and no secret echoed."""
    env = {
        "SLACK_BOT_TOKEN": "xoxp-a-user-token-not-a-bot-token",
        "SLACK_APP_TOKEN": "not-an-app-token",
        "DEEPGRAM_API_URL": "ftp://api.deepgram.com",
        "STATUS_POLL_SECONDS": "soon",
        "PORT": "70000",
    }
    status, output = await run_to_exit(env, "serve")
    assert status == 2
    for name in env:
        assert name in output
    assert "5 problem(s)" in output
    assert "Traceback" not in output
    assert "xoxp-a-user-token-not-a-bot-token" not in output


async def test_missing_everything_exits_2() -> None:
    """With no environment at all the bot says which variables it needs."""
    status, output = await run_to_exit({}, "serve")
    assert status == 2
    assert "SLACK_BOT_TOKEN is required" in output
    assert "SLACK_SIGNING_SECRET is required in HTTP mode" in output
    assert "Traceback" not in output


async def test_http_flag_requires_signing_secret_even_with_app_token() -> None:
    """`serve --http` forces HTTP mode, which cannot run without a signing secret."""
    env = {"SLACK_BOT_TOKEN": "xoxb-1-2-abc", "SLACK_APP_TOKEN": "xapp-1-A1-2-abc"}
    status, output = await run_to_exit(env, "serve", "--http")
    assert status == 2 and "SLACK_SIGNING_SECRET" in output


SOCKET_ENV = {"SLACK_BOT_TOKEN": "xoxb-1-2-abc", "SLACK_APP_TOKEN": "xapp-1-A1-2-abc"}


def _files(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*")}


@pytest.mark.parametrize(
    ("command", "case"),
    [("serve", "directory"), ("serve", "folder-under-a-file"), ("serve", "read-only"), ("status", "read-only")],
)
async def test_unusable_database_exits_2_without_a_traceback(tmp_path: Path, command: str, case: str) -> None:
    """A DEEPGRAM_DOCTOR_DB that cannot be opened or written is a configuration problem, for the bot and the CLI,
    reported with the others; nothing is created on the way."""
    (tmp_path / "afile").write_text("a file, not a folder")
    existing = tmp_path / "existing.db"
    Store.open(existing).close()
    db, reason = {
        "directory": (tmp_path, "it is a directory"),
        "folder-under-a-file": (tmp_path / "afile" / "sub" / "dd.db", "is not a folder"),
        "read-only": (existing, "read-only"),
    }[case]
    before = _files(tmp_path)
    env = {**SOCKET_ENV, "DEEPGRAM_DOCTOR_DB": str(db), "PORT": "http"}
    with read_only(existing) if case == "read-only" else contextlib.nullcontext():
        status, output = await run_to_exit(env, command)
    assert status == 2, output
    assert "configuration has 2 problem(s)" in output
    assert f"DEEPGRAM_DOCTOR_DB ('{db}') cannot be used:" in output and reason in output
    assert "PORT must be a whole number" in output
    assert "Traceback" not in output and '"stopped"' not in output
    assert _files(tmp_path) == before


@pytest.mark.parametrize("command", ["serve", "status"])
async def test_database_in_proc(command: str) -> None:
    """/proc passes the up-front check as root and fails only when opened: still configuration, exit 2."""
    env = {**SOCKET_ENV, "DEEPGRAM_DOCTOR_DB": "/proc/deepgram-doctor.db"}
    status, output = await run_to_exit(env, command)
    assert status == 2, output
    assert "DEEPGRAM_DOCTOR_DB ('/proc/deepgram-doctor.db') cannot be used:" in output
    assert "Traceback" not in output and '"stopped"' not in output


async def test_failed_start_leaves_no_database_and_logs_in_order(world: World, tmp_path: Path) -> None:
    """Slack refusing the token stops the start: exit 2, `cannot start` logged (no `stopped` before it, no Bolt
    warning), and the database file and folders this start created are gone again."""
    db = tmp_path / "new" / "deeper" / "doctor.db"
    env = world.bot_env(db, "socket", SLACK_BOT_TOKEN="xoxb-1-2-not-a-real-token")
    status, output = await run_to_exit(env, "serve")
    assert status == 2, output
    assert "Slack rejected SLACK_BOT_TOKEN (invalid_auth)" in output
    logged = [json.loads(line)["event"] for line in output.splitlines() if line.startswith("{")]
    assert logged == ["cannot start: bad configuration"]
    assert "Traceback" not in output
    assert _files(tmp_path) == set()


async def test_port_in_use_logs_cannot_start_and_nothing_after(world: World, tmp_path: Path) -> None:
    """HTTP mode without its port: exit 1 with the reason, `cannot start` is the last log line (no `stopped`
    before it), and the new database is removed again."""
    with socket.socket() as taken:
        taken.bind(("0.0.0.0", 0))
        taken.listen()
        env = world.bot_env(tmp_path / "doctor.db", "http", PORT=str(taken.getsockname()[1]))
        status, output = await run_to_exit(env, "serve")
    assert status == 1, output
    assert f"Cannot listen on port {env['PORT']}" in output
    logged = [json.loads(line)["event"] for line in output.splitlines() if line.startswith("{")]
    assert logged == ["authenticated", "this process now polls, probes and delivers alerts", "cannot start"]
    assert _files(tmp_path) == set()
