"""`deepgram-doctor history [--chart FILE.png]`: the probes' history from the bot's database, and its chart."""

from __future__ import annotations

import struct
from datetime import UTC, datetime
from pathlib import Path

from bot.store import Store
from simworld.botproc import run_to_exit
from tests.history_fixture import record_history

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def database(tmp_path: Path, *, history: bool) -> Path:
    path = tmp_path / "doctor.db"
    store = Store.open(path)
    if history:
        record_history(store, now=datetime.now(UTC))  # the command reads it on the real clock
    store.close()
    return path


async def test_without_a_database_it_says_what_to_set() -> None:
    status, output = await run_to_exit({}, "history")
    assert status == 2 and "DEEPGRAM_DOCTOR_DB is not set" in output
    status, output = await run_to_exit({"DEEPGRAM_DOCTOR_DB": "/nonexistent/doctor.db"}, "history", "--chart", "x.png")
    assert status == 2 and "there is no database at '/nonexistent/doctor.db'" in output
    assert not Path("x.png").exists()


async def test_history_and_its_chart(tmp_path: Path) -> None:
    db = database(tmp_path, history=True)
    status, output = await run_to_exit({"DEEPGRAM_DOCTOR_DB": str(db)}, "history")
    assert status == 0, output
    assert "Pre-recorded (REST)\n    24 h: 97.9% up over 47 runs · p50 820 ms · p95 840 ms" in output
    assert "7 days: our side 1 · Deepgram's side 1 · slow, wrong output or a provider 1" in output
    assert "Elevated errors on the Streaming API · major · " in output and "lasted 3 h 00 min" in output
    chart = tmp_path / "chart.png"
    status, output = await run_to_exit({"DEEPGRAM_DOCTOR_DB": str(db)}, "history", "--chart", str(chart), timeout=60)
    assert status == 0, output
    assert f"Wrote {chart}: Deepgram latency from our probes, last 24 h and 7 days" in output
    png = chart.read_bytes()
    assert png.startswith(PNG_SIGNATURE) and struct.unpack(">II", png[16:24]) == (1600, 1650)


async def test_no_chart_without_runs_and_an_unwritable_file(tmp_path: Path) -> None:
    db = database(tmp_path, history=False)
    chart = tmp_path / "chart.png"
    status, output = await run_to_exit({"DEEPGRAM_DOCTOR_DB": str(db)}, "history", "--chart", str(chart))
    assert status == 1 and "no chart written: no probe ran in the last 7 days" in output
    assert "No probe runs stored yet" not in output and "no runs" in output  # the text is still printed
    assert not chart.exists()
    db = database(tmp_path, history=True)
    missing = tmp_path / "no-such-folder" / "chart.png"
    status, output = await run_to_exit({"DEEPGRAM_DOCTOR_DB": str(db)}, "history", "--chart", str(missing), timeout=60)
    assert status == 2 and "cannot write" in output and "No such file or directory" in output
