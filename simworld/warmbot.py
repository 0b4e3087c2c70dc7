"""A `deepgram-doctor` process started ahead of time, for the end-to-end tests.

Most of a bot's start-up is Python importing its libraries (slack-bolt, aiohttp, httpx, sqlite-utils…):
about a second, paid by every end-to-end test that starts a bot. `BotProcess` with `warm=True` keeps one
spare process that has already imported them and waits for its orders: one JSON line on stdin,
`{"env": {...}, "args": ["serve", ...]}`. It then replaces its environment with `env` and runs the
console script's own entry point (`bot.cli.main`), exactly as `deepgram-doctor <args>` would from
there on: the same process for signals, exit status and output. The bot reads its environment only
when it runs, never at import time, which is what makes this equivalent.

Run as a script (`python simworld/warmbot.py`), not as `-m simworld.warmbot`: the spare must not
import the fakes.
"""

from __future__ import annotations

import json
import os
import sys

# Running as a script puts this folder first on sys.path; the bot's modules come from the installation.
if sys.path and os.path.abspath(sys.path[0]) == os.path.dirname(os.path.abspath(__file__)):
    del sys.path[0]

import bot.cli  # noqa: E402
import bot.runtime.app  # noqa: E402, F401  (the handlers, Bolt)
import bot.runtime.serve  # noqa: E402, F401  (the transports, the courier, the scheduler)


def main() -> None:
    line = sys.stdin.readline()
    if not line.strip():
        return  # the pool was closed before this spare was needed
    order = json.loads(line)
    os.environ.clear()
    os.environ.update(order["env"])
    sys.argv = ["deepgram-doctor", *order["args"]]
    bot.cli.main(order["args"])


if __name__ == "__main__":
    main()
