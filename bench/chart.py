"""The latency chart over a big history: wall time, memory, and the database's size.

Builds a temporary database with 35 days of probe runs of every surface in `bot.surfaces.SURFACES`
at a 1-minute interval (50,400 runs, 352,800 results; the fixture of `bench/history_data.py`, also
used by `bench/digest.py`: realistic latencies with a daily rhythm, failures of every cause with
planned troubles on each side in the last 24 h and 7 days, Deepgram incidents in both windows, one
still open), then draws the chart in a fresh process per case, so the import of matplotlib is counted:

- `7 days`: `latency_chart(store, now=…, days=7)` (what a weekly digest draws);
- `24 h + 7 days`: the same with `with_day=True` (what `/deepgram history` shares);
- `24 h`: `days=1`.

Each case reports the time to read the store, to draw, in all, and the growth of the process's RSS
(`VmRSS` before, and `VmHWM`, the peak, after; read from /proc/self/status) over a baseline that has
already imported the bot (`handlers`, as `deepgram-doctor serve` has). Targets: under 2 s, under 60 MB.

    .venv/bin/python bench/chart.py [--days 35] [--interval 60]
    .venv/bin/python bench/chart.py --docs-image docs/images/history-chart.png

`--docs-image` writes the chart of a realistic week at the default 5-minute interval instead (the
picture in docs/commands.md): the same fixture with a quieter background.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.history_data import NOW, build_history, peak_rss_mb, rss_mb  # noqa: E402
from bot.store import Store  # noqa: E402
from bot.surfaces import SURFACES  # noqa: E402


def measure(db_path: str, days: int, with_day: bool) -> dict[str, float]:
    """One draw in this (fresh) process, after importing what the running bot has imported."""
    import handlers  # noqa: F401  (the bot's own imports: the baseline)
    from bot.charts import draw_chart, read_chart_data

    store = Store.open(db_path)
    rss_before = rss_mb()
    started = time.perf_counter()
    data = read_chart_data(store, now=NOW, days=days, with_day=with_day)
    read = time.perf_counter()
    chart = draw_chart(data)
    done = time.perf_counter()
    rss_after, peak = rss_mb(), peak_rss_mb()
    draw_chart(data)
    warm = time.perf_counter() - done
    store.close()
    return {
        "read_s": read - started,
        "draw_s": done - read,
        "total_s": done - started,
        "warm_draw_s": warm,
        "rss_before_mb": rss_before,
        "rss_after_mb": rss_after,
        "peak_mb": peak,
        "png_bytes": len(chart.png),
        "alt_chars": len(chart.alt_text),
    }


def _case(db_path: Path, days: int, with_day: bool) -> dict[str, float]:
    command = [sys.executable, __file__, "--measure", str(db_path), "--case-days", str(days)]
    if with_day:
        command.append("--with-day")
    out = subprocess.run(command, check=True, capture_output=True, text=True, cwd=ROOT).stdout
    return dict(json.loads(out.strip().splitlines()[-1]))


def main(days: float, interval: float) -> None:
    with tempfile.TemporaryDirectory() as folder:
        db_path = Path(folder) / "history.db"
        started = time.perf_counter()
        runs = build_history(db_path, days=days, interval=interval)["runs"]
        built = time.perf_counter() - started
        size = sum(p.stat().st_size for p in Path(folder).iterdir() if p.name.startswith("history.db"))
        print(
            f"history: {days:g} days x {len(SURFACES)} surfaces every {interval:g} s = {runs:,} runs, "
            f"{runs * len(SURFACES):,} results; database {size / 1e6:.1f} MB ({size / runs:.0f} bytes a run); "
            f"built in {built:.1f} s"
        )
        for label, case_days, with_day in (("7 days", 7, False), ("24 h + 7 days", 7, True), ("24 h", 1, False)):
            r = _case(db_path, case_days, with_day)
            growth, peak = r["rss_after_mb"] - r["rss_before_mb"], r["peak_mb"] - r["rss_before_mb"]
            print(
                f"{label:>14}: {r['total_s']:.2f} s (read {r['read_s'] * 1000:.0f} ms, draw {r['draw_s']:.2f} s with "
                f"the matplotlib import; again {r['warm_draw_s']:.2f} s), RSS +{growth:.1f} MB (peak +{peak:.1f} MB "
                f"over {r['rss_before_mb']:.0f} MB), PNG {r['png_bytes'] / 1000:.0f} kB, alt text {r['alt_chars']:.0f} "
                "characters"
            )
    print("targets: under 2 s, under 60 MB")


def docs_image(path: Path) -> None:
    """The chart of a realistic week at the default 5-minute interval, for the documentation."""
    from bot.charts import latency_chart

    with tempfile.TemporaryDirectory() as folder:
        db_path = Path(folder) / "history.db"
        build_history(db_path, days=7, interval=300, seed=11, failure_rate=0.0005, slow_rate=0.0005)
        store = Store.open(db_path)
        chart = latency_chart(store, now=NOW, days=7, with_day=True)
        store.close()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(chart.png)
    print(f"wrote {path} ({len(chart.png) / 1000:.0f} kB)\nalt text: {chart.alt_text}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--days", type=float, default=35.0, help="days of history in the database")
    parser.add_argument("--interval", type=float, default=60.0, help="seconds between probe runs")
    parser.add_argument("--docs-image", type=Path, help="write the documentation's chart here and exit")
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    parser.add_argument("--case-days", type=int, default=7, help=argparse.SUPPRESS)
    parser.add_argument("--with-day", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure, args.case_days, args.with_day)))
    elif args.docs_image:
        docs_image(args.docs_image)
    else:
        main(args.days, args.interval)
