"""`deepgram-doctor status` in a terminal: the same report, JSON on request, exit status for cron/CI."""

from __future__ import annotations

import json
from pathlib import Path

from simworld.botproc import run_to_exit
from tests.e2e.conftest import World


def env(world: World, **extra: str) -> dict[str, str]:
    return {
        "DEEPGRAM_API_URL": world.deepgram.base_url,
        "DEEPGRAM_API_KEY": world.deepgram.api_key,
        "DEEPGRAM_STATUS_URL": world.statuspage.base_url,
        "PROBE_STREAM_SPEED": "50",
        "PROBE_TIMEOUT_SECONDS": "3",
        **extra,
    }


async def test_healthy_prints_report_and_exits_0(world: World) -> None:
    """No Slack variables needed; the text report lists every surface; exit 0."""
    status, output = await run_to_exit(env(world), "status")
    assert status == 0, output
    assert output.startswith("All good")
    for label in ("Pre-recorded (REST)", "Streaming (WebSocket)", "Text-to-speech"):
        assert label in output
    assert world.deepgram.api_key not in output


async def test_json_and_failure_exit_status(world: World, tmp_path: Path) -> None:
    """--json prints the report as JSON; a problem exits 1; with a DB the run is stored."""
    world.deepgram.exhaust_credits()
    db = tmp_path / "history.db"
    status, output = await run_to_exit(env(world, DEEPGRAM_DOCTOR_DB=str(db)), "status", "--json")
    assert status == 1, output
    report = json.loads(output)
    assert report["verdict"]["kind"] == "no_credits" and report["verdict"]["topic"] == "credits"
    assert report["probes"]["rest"]["http_status"] == 402
    assert report["probes"]["rest"]["error_code"] == "ASR_PAYMENT_REQUIRED"
    assert report["verdict"]["healthy"] is False
    rest = report["surfaces"]["rest"]
    assert (rest["official"], rest["cause"], rest["reason"], rest["verdict"]) == (
        "operational",
        "ours",
        "credits",
        "ours",
    )
    assert world.deepgram.api_key not in output

    from bot.store import Store

    store = Store.open(db)
    try:
        (row,) = store.db.table("probe_runs").rows
        assert row["verdict"] == "no_credits"
        assert len(store.history.results_since("rest", 0)) == 1
    finally:
        store.close()


async def test_bad_configuration_exits_2(world: World) -> None:
    """A malformed URL is a configuration error, listed, exit 2."""
    status, output = await run_to_exit(env(world, DEEPGRAM_STATUS_URL="status.deepgram.com"), "status")
    assert status == 2 and "DEEPGRAM_STATUS_URL" in output


async def test_probe_surfaces_choose_what_is_probed(world: World) -> None:
    """PROBE_SURFACES=rest,agent probes those two only: the others are neither shown nor requested."""
    world.deepgram.clear_records()
    status, output = await run_to_exit(env(world, PROBE_SURFACES="rest,agent"), "status", "--json")
    assert status == 0, output
    report = json.loads(output)
    assert set(report["probes"]) == {"rest", "agent"}
    routes = {r.route for r in world.deepgram.requests}
    assert "listen" in routes and not {"speak", "listen_ws", "listen_v2", "speak_ws"} & routes


async def test_regions_disagree(world: World) -> None:
    """DEEPGRAM_REGION_URLS points at a second fake (a regional host: same key, the agent on its API host);
    streaming fails on the main one only: each region's row, and the verdict says where it fails and works."""
    from dataclasses import replace

    from simworld.deepgram import FakeDeepgram
    from simworld.world import probe_clip

    region = FakeDeepgram()
    region.agent_on_api_host = True
    region.register_clip(probe_clip())
    key = world.deepgram.api_key
    region.keys[key] = replace(region.keys.pop(region.api_key), secret=key)
    await region.start()
    try:
        world.deepgram.fail("listen_ws", status=503, times=None)
        status, output = await run_to_exit(env(world, DEEPGRAM_REGION_URLS=region.base_url), "status", "--json")
    finally:
        await region.stop()
    assert status == 1, output
    report = json.loads(output)
    main, eu = report["host"], region.base_url.split("://", 1)[1]
    assert report["probes"]["streaming"]["state"] == "failed"
    assert set(report["regions"]) == {eu}
    assert "auth" not in report["regions"][eu] and report["regions"][eu]["streaming"]["state"] == "ok"
    assert report["regions"][eu]["rest"]["state"] == "ok"
    explanation = report["verdict"]["explanation"]
    assert f"Streaming (WebSocket) fails on {main}, works on {eu}." in explanation
    assert "Regions never fail over" in explanation
    routes = {r.route for r in region.requests}
    assert "projects" not in routes and {"listen", "listen_ws", "agent"} <= routes
    assert key not in output
