"""`deepgram-doctor digest`: the week's digest from the bot's database, printed; clear refusals otherwise."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli import main
from bot.store import ProbeRecord, Store
from tests.history_fixture import record_results


def _run(argv: list[str]) -> int:
    with pytest.raises(SystemExit) as done:
        main(argv)
    return int(done.value.code or 0)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "doctor.db"
    store = Store.open(path)
    for minute in range(3):  # Tuesday 1 December 2026
        rest = ProbeRecord("rest", "ok" if minute else "failed", 500.0 + minute, cause="theirs:server")
        record_results(store, 1796115600.0 + 60 * minute, rest)
    store.asks.record("401", day="2026-12-01")
    store.close()
    return path


def test_it_needs_the_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run(["digest"]) == 2
    assert "DEEPGRAM_DOCTOR_DB is not set" in capsys.readouterr().err
    monkeypatch.setenv("DEEPGRAM_DOCTOR_DB", str(tmp_path / "missing.db"))
    assert _run(["digest"]) == 2
    assert "there is no database at" in capsys.readouterr().err
    assert not (tmp_path / "missing.db").exists()  # nothing created


def test_bad_date_and_bad_settings(
    db: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DEEPGRAM_DOCTOR_DB", str(db))
    assert _run(["digest", "--period-ending", "7 Dec"]) == 2
    assert "--period-ending: takes a date, YYYY-MM-DD; got '7 Dec'" in capsys.readouterr().err
    monkeypatch.setenv("DIGEST_TZ", "Nowhere/Town")
    assert _run(["digest"]) == 2
    assert "DIGEST_TZ must be an IANA time zone name" in capsys.readouterr().err


def test_it_prints_the_week(db: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("DEEPGRAM_DOCTOR_DB", str(db))
    monkeypatch.setenv("DIGEST_TZ", "Europe/Berlin")
    assert _run(["digest", "--period-ending", "2026-12-07"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Deepgram weekly digest · 30 Nov – 7 Dec 2026\n")
    assert "Covers the 7 days to Mon 7 Dec 2026 09:00 (Europe/Berlin)." in out
    (rest,) = [line for line in out.splitlines() if "Pre-recorded (REST)" in line and "worked" in line]
    assert "66.7% of 3 runs worked" in rest
    assert "Deepgram's side: 1 (Deepgram server errors 1)" in out
    assert "401 Unauthorized" in out
    assert _run(["digest", "--period-ending", "2026-12-07", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["period"] == {"end_day": "2026-12-07", "hour": 9, "tz": "Europe/Berlin"}
    assert {s["surface"]: s["runs"] for s in data["surfaces"]}["rest"] == 3 and data["asks"] == 1


def test_without_a_date_it_is_the_latest_week_due(
    db: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DEEPGRAM_DOCTOR_DB", str(db))
    monkeypatch.setenv("DIGEST_DAY", "wed")
    assert _run(["digest", "--json"]) == 0
    end_day = json.loads(capsys.readouterr().out)["period"]["end_day"]
    from datetime import date

    assert date.fromisoformat(end_day).weekday() == 2
