"""`deepgram-doctor history [--chart FILE.png]`: the probes' history from the bot's database, and its chart.

Reads DEEPGRAM_DOCTOR_DB (never creates it: a missing file is a configuration problem) and prints
what `/deepgram history` shows; `--chart` also writes the latency chart the bot shares in Slack.
Exit status: 0 done, 1 the database could not be read or no probe ran to chart, 2 bad
configuration, no database, or a FILE that cannot be written. `bot.cli` hands over to `run_history`,
as it does to `bot.runtime.serve` and `bot.runtime.heartbeat` for the commands they run.
"""

from __future__ import annotations

import logging
import os
import sys
from datetime import UTC, datetime
from pathlib import Path

from bot.charts import CHART_DAYS, draw_chart, read_chart_data
from bot.config import Settings
from bot.errors import ConfigError, StoreError
from bot.log import configure_logging
from bot.runtime.offline import bot_database
from bot.status.history import read_history
from bot.store import Store, StoreOpenError
from bot.text.history import chart_written_text, history_text, no_chart_text

__all__ = ["run_history"]

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_CONFIG = 2
_PREFIX = "deepgram-doctor history:"


def run_history(*, chart: str | None) -> int:
    """Print the probes' history; with `chart`, write the latency chart to that file too."""
    path = bot_database("history")
    if path is None:
        return EXIT_CONFIG
    try:
        settings = Settings.from_env(os.environ, slack=False, database="optional")
    except ConfigError as exc:
        lines = [f"{_PREFIX} configuration has {len(exc.problems)} problem(s):", *(f"  - {p}" for p in exc.problems)]
        print("\n".join(lines), file=sys.stderr)
        return EXIT_CONFIG
    configure_logging(settings.secrets(), level=logging.WARNING)
    try:
        store = Store.open(path)
    except StoreOpenError as exc:
        print(f"{_PREFIX} the database cannot be used: {exc.reason}.", file=sys.stderr)
        return EXIT_FAILURE
    try:
        return _print_and_draw(store, datetime.now(UTC), chart)
    except StoreError as exc:
        print(f"{_PREFIX} the database could not be read: {exc.reason}.", file=sys.stderr)
        return EXIT_FAILURE
    finally:
        store.close()


def _print_and_draw(store: Store, now: datetime, chart: str | None) -> int:
    print(history_text(read_history(store, now)))
    if chart is None:
        return EXIT_OK
    data = read_chart_data(store, now=now.timestamp(), days=CHART_DAYS, with_day=True)
    if data.empty:
        print(f"{_PREFIX} {no_chart_text(CHART_DAYS)}", file=sys.stderr)
        return EXIT_FAILURE
    drawn = draw_chart(data)
    try:
        Path(chart).write_bytes(drawn.png)
    except OSError as exc:
        print(f"{_PREFIX} cannot write {chart!r}: {exc.strerror or type(exc).__name__}.", file=sys.stderr)
        return EXIT_CONFIG
    print(chart_written_text(chart, drawn.title, len(drawn.png)))
    return EXIT_OK
