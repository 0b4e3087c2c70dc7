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
already imported the bot (`handlers`, as `deepgram-doctor serve` has), as the lowest–highest of
`--repeat` fresh processes (this 2-core machine's timings spread widely). Targets: under 2 s, under 60 MB.
Before each case, the process reads what the text of `/deepgram history` says (`read_history`), as
the command read it before, on its event loop; that time is reported apart, not in the chart's. Last,
the longest stall of an event loop while the text's and the chart's numbers are read: on the loop's own
connection, and as `/deepgram history` reads them now (`Store.read_aside`, a worker thread).

    .venv/bin/python bench/chart.py [--days 35] [--interval 60] [--repeat 5]
    .venv/bin/python bench/chart.py --docs-image docs/images/history-chart.png

`--docs-image` writes the chart of a realistic week at the default 5-minute interval instead (the
picture in docs/commands.md): the same fixture with a quieter background.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
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
    from bot.status.history import read_history

    store = Store.open(db_path)
    rss_before = rss_mb()
    text_started = time.perf_counter()
    read_history(store, datetime.fromtimestamp(NOW, UTC))  # the reply's text, read first on the event loop
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
        "text_read_s": started - text_started,
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


def loop_stalls(db_path: Path) -> tuple[float, float]:
    """The longest the event loop went without running while `/deepgram history` read its numbers (the
    text's and the chart's), in ms: read on the loop's own connection, then as the handler reads them
    (`Store.read_aside`). A ticker coroutine that wakes every millisecond measures the gaps."""
    from bot.charts import read_chart_data
    from bot.status.history import read_history

    def read(store: Store) -> object:
        return read_history(store, datetime.fromtimestamp(NOW, UTC)), read_chart_data(store, now=NOW, with_day=True)

    async def longest_gap(work: Callable[[], Awaitable[object]]) -> float:
        gaps, done = [0.0], asyncio.Event()

        async def tick() -> None:
            last = time.perf_counter()
            while not done.is_set():
                await asyncio.sleep(0.001)
                now = time.perf_counter()
                gaps.append(now - last)
                last = now

        ticker = asyncio.create_task(tick())
        await asyncio.sleep(0.01)
        await work()
        done.set()
        await ticker
        return max(gaps) * 1000

    async def both() -> tuple[float, float]:
        store = Store.open(str(db_path))

        async def in_place() -> object:
            return read(store)

        try:
            return await longest_gap(in_place), await longest_gap(lambda: store.read_aside(read))
        finally:
            store.close()

    return asyncio.run(both())


def _spread(runs: list[dict[str, float]], key: str, scale: float = 1.0) -> str:
    """`1.02–1.31` over the runs (or the one figure)."""
    low, high = min(r[key] for r in runs) * scale, max(r[key] for r in runs) * scale
    digits = 0 if scale > 1 else 2
    return f"{low:.{digits}f}" if len(runs) == 1 else f"{low:.{digits}f}–{high:.{digits}f}"


def main(days: float, interval: float, repeat: int) -> None:
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
            runs_of = [_case(db_path, case_days, with_day) for _ in range(repeat)]
            r, spread = runs_of[-1], functools.partial(_spread, runs_of)
            growth = max(r["rss_after_mb"] - r["rss_before_mb"] for r in runs_of)
            peak = max(r["peak_mb"] - r["rss_before_mb"] for r in runs_of)
            print(
                f"{label:>14}: {spread('total_s')} s (read {spread('read_s', 1000)} ms, draw {spread('draw_s')} s "
                f"with the matplotlib import; again {spread('warm_draw_s')} s), "
                f"RSS +{growth:.1f} MB (peak +{peak:.1f} MB over {r['rss_before_mb']:.0f} MB), "
                f"PNG {r['png_bytes'] / 1000:.0f} kB, alt text {r['alt_chars']:.0f} characters"
            )
        print(f"the text of /deepgram history (read_history, 24 h and 7 days): {spread('text_read_s', 1000)} ms")
        on_loop, aside = loop_stalls(db_path)
        print(
            f"longest event-loop stall while /deepgram history reads its numbers: {aside:.0f} ms "
            f"(read on the loop's own connection: {on_loop:.0f} ms)"
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
    parser.add_argument("--repeat", type=int, default=5, help="fresh processes per case (figures: lowest–highest)")
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
        main(args.days, args.interval, max(1, args.repeat))
