"""The health model and the heartbeat verdict: which part is unhealthy, and the sentence saying why."""

from __future__ import annotations

import json
from pathlib import Path

from bot.health import PARTS, Health, HealthReport, Part
from bot.runtime.heartbeat import HeartbeatFile, healthcheck, judge


def socket_health(**overrides: float) -> Health:
    """Socket Mode; poll every 60 s, stale after 180 s, 60 s to reconnect; started at t=0."""
    settings: dict[str, float] = {"poll_every": 60.0, "poll_stale_after": 180.0, "reconnect_grace": 60.0}
    settings.update(overrides)
    return Health(transport="socket", database_path="/data/dd.db", now=0.0, **settings)


def healthy(health: Health, at: float = 10.0) -> Health:
    health.slack(True, "Socket Mode connected", now=at)
    health.poll_succeeded(now=at)
    health.courier_beat(now=at)
    health.database(None)
    return health


def verdicts(report: HealthReport) -> dict[str, bool]:
    return {name: part.ok for name, part in report.parts.items()}


def test_all_parts_healthy() -> None:
    """Every part is reported, each with a reason, and the whole is healthy."""
    report = healthy(socket_health()).report(now=20.0)
    assert report.ok and report.unhealthy == []
    assert tuple(report.parts) == PARTS
    assert report.parts["slack"].detail == "Socket Mode connected"
    assert report.parts["database"].detail == "/data/dd.db: the file opened at start-up, writable"
    assert report.lines()[0] == "healthy (Socket Mode)"


def test_socket_reconnecting_within_the_bound_then_disconnected() -> None:
    """A dropped WebSocket is fine while it reconnects within the bound, unhealthy after it."""
    health = healthy(socket_health())
    health.slack(False, now=100.0)
    assert health.report(now=130.0).parts["slack"] == Part(True, "Socket Mode reconnecting (30 s, limit 60 s)")
    health.courier_beat(now=160.0)
    late = health.report(now=161.0)
    assert verdicts(late) == {"slack": False, "status_poll": True, "courier": True, "database": True, "lease": True}
    assert late.parts["slack"].detail.startswith("Socket Mode disconnected for 61 s (limit 60 s)")
    health.slack(True, now=170.0)
    assert health.report(now=171.0).ok


def test_socket_never_connected() -> None:
    """A bot that never got its WebSocket up is unhealthy once the bound has passed since start-up."""
    health = socket_health(reconnect_grace=5.0)
    health.poll_succeeded(now=1.0)
    health.courier_beat(now=6.0)
    assert health.report(now=4.0).parts["slack"].ok
    assert health.report(now=6.0).parts["slack"].detail.startswith("Socket Mode not connected since start-up")


def test_http_listening() -> None:
    """In HTTP mode Slack's side is healthy once the listener is up."""
    health = Health(transport="http", poll_every=1, poll_stale_after=3, reconnect_grace=60, now=0.0)
    assert health.report(now=1.0).parts["slack"].ok  # starting
    health.slack(True, "listening for Slack's requests on port 3000 (/slack/events)", now=1.0)
    health.poll_succeeded(now=1.0)
    health.courier_beat(now=1.0)
    report = health.report(now=2.0)
    assert report.ok and report.lines()[0] == "healthy (HTTP mode)"
    assert report.parts["slack"].detail == "listening for Slack's requests on port 3000 (/slack/events)"
    assert report.parts["database"].detail == "in memory"


def test_poll_stale_says_why() -> None:
    """No successful poll within the bound is unhealthy, and the latest failure is named."""
    health = healthy(socket_health())
    health.poll_failed("status page: answered HTTP 503")
    assert health.report(now=100.0).parts["status_poll"].ok
    stale = health.report(now=191.0).parts["status_poll"]
    assert not stale.ok
    assert stale.detail == (
        "no successful poll for 3 min (limit 3 min, polled every 60 s); "
        "the latest attempt failed: status page: answered HTTP 503"
    )
    health.poll_succeeded(now=200.0)
    assert health.report(now=201.0).parts["status_poll"] == Part(
        True, "last successful poll 1 s ago (polled every 60 s)"
    )


def test_first_poll_gets_the_same_grace() -> None:
    """Right after start-up there is no poll yet, and that is fine until the bound has passed."""
    health = socket_health(poll_every=0.5, poll_stale_after=2.0)
    assert health.report(now=1.0).parts["status_poll"] == Part(
        True, "waiting for the first successful poll (polled every 0.5 s)"
    )
    assert not health.report(now=2.5).parts["status_poll"].ok


def test_courier_crashed_or_stuck() -> None:
    """A courier whose loop ended or stopped turning means alerts are not delivered."""
    health = healthy(socket_health())
    assert not health.report(now=41.0).parts["courier"].ok  # last turn at 10, limit 30 s
    assert "stuck" in health.report(now=41.0).parts["courier"].detail
    health.courier_beat(now=40.0)
    health.courier_stopped("crashed (RuntimeError)")
    assert health.report(now=41.0).parts["courier"] == Part(
        False, "stopped: crashed (RuntimeError); alerts are not delivered"
    )


def test_courier_paused_for_a_refused_token() -> None:
    """A paused courier keeps turning but is unhealthy, saying why; resumed, it is healthy again."""
    health = healthy(socket_health())
    health.courier_paused("Slack rejected the bot token (token_revoked)")
    assert health.report(now=11.0).parts["courier"] == Part(
        False, "paused: Slack rejected the bot token (token_revoked); alerts are queued, not delivered"
    )
    health.courier_paused(None)
    assert health.report(now=11.0).parts["courier"] == Part(True, "running")


def test_database_problem() -> None:
    """The store's reason is shown with the path."""
    health = healthy(socket_health())
    health.database("the file was deleted while the bot was running (restart the bot to start a new one)")
    report = health.report(now=20.0)
    assert report.unhealthy == ["database"]
    assert report.lines()[0] == "unhealthy (Socket Mode): database"
    assert report.lines()[4] == (
        "  FAIL  database     /data/dd.db: the file was deleted while the bot was running "
        "(restart the bot to start a new one)"
    )


def test_json_round_trip() -> None:
    """`/healthz` and the heartbeat file hold the same JSON that `healthcheck` reads back."""
    health = healthy(socket_health())
    health.database("the disk is full")
    report = health.report(now=20.0, wall=1_800_000_000.0)
    data = report.to_json()
    assert data["ok"] is False and data["unhealthy"] == ["database"] and data["transport"] == "socket"
    assert data["checked_at"] == "2027-01-15T08:00:00+00:00"
    assert data["parts"]["database"] == {"ok": False, "detail": "/data/dd.db: the disk is full"}
    again = HealthReport.from_json(json.loads(json.dumps(data)))
    assert again == report


def test_heartbeat_missing_stale_or_garbage() -> None:
    """No file, an old one or a foreign one: unhealthy, saying which."""
    missing = judge("/data/h.json", None, now=100.0)
    assert not missing.ok and missing.unhealthy == ["heartbeat"]
    assert missing.parts["heartbeat"].detail.startswith("no heartbeat file at /data/h.json: the bot is not running")
    assert judge("/data/h.json", {"what": 1}, now=100.0).parts["heartbeat"].detail == (
        "/data/h.json is not a heartbeat file written by deepgram-doctor"
    )
    report = healthy(socket_health()).report(now=20.0)
    data = {**report.to_json(), "written_at": 1000.0, "fresh_for": 30.0}
    assert judge("/data/h.json", data, now=1029.0) == HealthReport.from_json(data)
    stale = judge("/data/h.json", data, now=1085.0)
    assert stale.unhealthy == ["heartbeat"]
    assert stale.parts["heartbeat"].detail == (
        "last refreshed 85 s ago (limit 30 s): the bot was killed or its event loop is stuck"
    )


def test_heartbeat_file_written_read_and_removed(tmp_path: Path) -> None:
    """The file a running bot writes is what `healthcheck` reads; a stopped bot leaves none."""
    path = tmp_path / "dd.db-health.json"
    beat = HeartbeatFile(str(path), interval=10.0)
    health = healthy(socket_health())
    health.database("the disk is full")
    beat.write(health.report(now=20.0))
    written = json.loads(path.read_text())
    assert written["fresh_for"] == 30.0 and isinstance(written["pid"], int)
    report = healthcheck(str(path))
    assert report.unhealthy == ["database"]
    beat.remove()
    assert not path.exists()
    assert healthcheck(str(path)).unhealthy == ["heartbeat"]


def test_a_standby_process_is_healthy_and_names_the_holder() -> None:
    """Another process holds the delivery lease: this one neither polls nor delivers, and says who does."""
    health = socket_health()
    health.slack(True, "Socket Mode connected", now=1.0)
    health.lease("db-host:4242:a1b2c3")
    report = health.report(now=10_000.0)  # long after any poll would have gone stale
    assert report.ok
    assert report.parts["lease"].detail.startswith("standby: db-host:4242:a1b2c3 holds the lease")
    assert "db-host:4242:a1b2c3 polls" in report.parts["status_poll"].detail
    health.lease(None)
    leading = health.report(now=10_000.0)
    assert leading.parts["lease"] == Part(True, "this process polls, probes and delivers alerts")
    assert not leading.parts["status_poll"].ok, "leading again: a poll is due"
