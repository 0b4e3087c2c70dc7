"""The weekly digest over a big history: wall time, memory, and how large the database grows.

Builds a temporary database with 35 days of probe runs of every surface in `bot.surfaces.SURFACES` at a
1-minute interval (50,400 runs, 352,800 results) with `bench/history_data.py` (also used by
`bench/chart.py`): written the way `ProbeHistory.record_run` writes them (the run's one-line text,
per-phase timings as JSON, HTTP status, error code, topic and cause for a failure), realistic latencies
with a daily rhythm, failures of every cause with planned troubles in the digest's week, ten Deepgram
incidents naming their components (one none, one still open), hourly balance samples of two projects
and a month of topic counters. Then, in a fresh process that has already imported the bot (`handlers`,
as `deepgram-doctor serve` has):

- `digest`: `read_digest` + `digest_message` (the Slack blocks) + `digest_text` (the terminal);
- `digest + chart`: the same, then the week's chart (`bot.charts.latency_chart`, when it exists), so
  the import of matplotlib is counted.

Each case reports the time and the growth of the process's RSS (`VmRSS` before, `VmHWM`, the peak,
after; from /proc/self/status). Targets: under 2 s, under 60 MB. The database's size is read from
SQLite's `dbstat` table, per table with its indexes, and turned into bytes per stored result and per
surface per month at the default 5-minute interval.

    .venv/bin/python bench/digest.py [--days 35] [--interval 60] [--keep DB]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.history_data import DAY, NOW, build_history, peak_rss_mb, rss_mb  # noqa: E402
from bot.store import Store  # noqa: E402
from bot.surfaces import SURFACES  # noqa: E402

#: The fixture's digest: the week ending when the history does (`NOW`, Monday 7 December 2026, 09:00 UTC).
END = datetime.fromtimestamp(NOW, UTC)
#: The bot's default probe interval (`PROBE_INTERVAL_SECONDS`), for the size of a month.
DEFAULT_INTERVAL = 300.0


def measure(db_path: str, with_chart: bool) -> dict[str, Any]:
    """One digest in this (fresh) process, after importing what the running bot has imported."""
    import handlers  # noqa: F401  (the bot's own imports: the baseline)
    from bot.digest import DigestParams, period_ending, read_digest
    from bot.probes import Clip
    from bot.slack.views.digest import digest_message
    from bot.text.digest import digest_text

    params = DigestParams(clip_seconds=Clip.load().seconds)
    period = period_ending(END.date(), hour=END.hour, tz="UTC")
    store = Store.open(db_path)
    rss_before = rss_mb()
    started = time.perf_counter()
    digest = read_digest(store, period, params=params)
    read = time.perf_counter()
    text, blocks = digest_message(digest)
    terminal = digest_text(digest)
    rendered = time.perf_counter()
    figures: dict[str, Any] = {"read_s": read - started, "render_s": rendered - read}
    if with_chart:
        from bot.charts import latency_chart

        chart = latency_chart(store, now=period.end.timestamp(), days=7)
        figures["chart_s"] = time.perf_counter() - rendered
        figures["png_bytes"] = len(chart.png)
    done = time.perf_counter()
    store.close()
    return {
        **figures,
        "total_s": done - started,
        "rss_before_mb": rss_before,
        "peak_mb": peak_rss_mb(),
        "blocks": len(blocks),
        "longest_block_chars": max(len(json.dumps(b)) for b in blocks),
        "text_chars": len(text),
        "terminal_lines": terminal.count("\n"),
        "runs_in_week": digest.runs,
        "failed_in_week": digest.failures.total,
    }


def _case(db_path: Path, with_chart: bool) -> dict[str, Any]:
    command = [sys.executable, __file__, "--measure", str(db_path)] + (["--with-chart"] if with_chart else [])
    out = subprocess.run(command, check=True, capture_output=True, text=True, cwd=ROOT).stdout
    return dict(json.loads(out.strip().splitlines()[-1]))


def sizes(db_path: Path) -> dict[str, int]:
    """Bytes per table, its indexes included (SQLite's `dbstat`), and the file's size."""
    store = Store.open(db_path)
    rows = store.db.execute(
        "SELECT COALESCE(m.tbl_name, s.name), SUM(s.pgsize) FROM dbstat s "
        "LEFT JOIN sqlite_master m ON m.name = s.name GROUP BY 1"
    ).fetchall()
    store.close()
    return {str(name): int(size) for name, size in rows} | {"file": db_path.stat().st_size}


def _has_charts() -> bool:
    try:
        from bot.charts import latency_chart  # noqa: F401
    except ImportError:
        return False
    return True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=float, default=35)
    parser.add_argument("--interval", type=float, default=60, help="probe interval in seconds (default 60)")
    parser.add_argument("--keep", metavar="DB", help="write the database here and keep it")
    parser.add_argument("--measure", metavar="DB", help=argparse.SUPPRESS)
    parser.add_argument("--with-chart", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure, args.with_chart)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        db_path = Path(args.keep) if args.keep else Path(tmp) / "history.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db_path}{suffix}").unlink(missing_ok=True)  # a fresh history, not one added to an old one
        started = time.perf_counter()
        written = build_history(db_path, days=args.days, interval=args.interval)
        print(f"history: {written} in {time.perf_counter() - started:.1f} s")
        cases = [("digest", False)] + ([("digest + chart", True)] if _has_charts() else [])
        for name, with_chart in cases:
            got = _case(db_path, with_chart)
            print(
                f"{name}: {got['total_s'] * 1000:,.0f} ms (read {got['read_s'] * 1000:,.0f} ms, render "
                f"{got['render_s'] * 1000:,.0f} ms"
                + (f", chart {got['chart_s'] * 1000:,.0f} ms" if "chart_s" in got else "")
                + f"); RSS {got['rss_before_mb']:.1f} MB before, peak {got['peak_mb']:.1f} MB "
                f"(+{got['peak_mb'] - got['rss_before_mb']:.1f} MB); {got['blocks']} blocks, longest "
                f"{got['longest_block_chars']:,} chars; the week: {got['runs_in_week']:,} results, "
                f"{got['failed_in_week']:,} failed"
            )
        size = sizes(db_path)
        per_result = size.get("probe_results", 0) / written["results"]
        per_run = size.get("probe_runs", 0) / written["runs"]
        month = 30 * DAY / DEFAULT_INTERVAL
        print(
            f"database: {size['file'] / 1e6:,.1f} MB file; probe_results {size.get('probe_results', 0) / 1e6:,.1f} MB, "
            f"probe_runs {size.get('probe_runs', 0) / 1e6:,.1f} MB (with their indexes), balance_samples "
            f"{size.get('balance_samples', 0) / 1e3:,.0f} kB, topic_asks {size.get('topic_asks', 0) / 1e3:,.0f} kB, "
            f"incident_log {size.get('incident_log', 0) / 1e3:,.0f} kB"
        )
        print(
            f"per run: {per_run:,.0f} bytes (probe_runs) + {per_result:,.0f} bytes per surface (probe_results); "
            f"a month at the default {DEFAULT_INTERVAL:.0f} s interval ({month:,.0f} runs): "
            f"{per_result * month / 1e6:,.2f} MB per surface + {per_run * month / 1e6:,.2f} MB for the runs; "
            f"every surface: {(per_result * len(SURFACES) + per_run) * month / 1e6:,.1f} MB"
        )


if __name__ == "__main__":
    main()
