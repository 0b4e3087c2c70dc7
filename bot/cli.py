"""The `deepgram-doctor` command line."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sys
import urllib.request
from collections.abc import Sequence

import httpx

from bot.config import Settings
from bot.deps import Deps
from bot.errors import ConfigError
from bot.log import configure_logging
from bot.report import StatusReport, report_json, report_text
from bot.serve import USER_AGENT, StartupError, serve
from bot.status import check_status, record_report
from bot.store import Store

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_CONFIG = 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="deepgram-doctor",
        description="A Slack bot that answers 'Deepgram is not working: why?'.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    serve_parser = commands.add_parser(
        "serve",
        help="run the bot (Socket Mode when SLACK_APP_TOKEN is set, HTTP mode otherwise)",
        description="Run the bot. Configuration comes from environment variables; see the README.",
    )
    serve_parser.add_argument("--http", action="store_true", help="use HTTP mode even if SLACK_APP_TOKEN is set")
    status_parser = commands.add_parser(
        "status",
        help="check Deepgram now: official status plus live probes (exit 0 only when all is well)",
        description="Read Deepgram's status page and probe its APIs with DEEPGRAM_API_KEY, as "
        "/deepgram status does. Exit status: 0 all well, 1 a problem was found, 2 bad configuration. "
        "The run is stored for history only when DEEPGRAM_DOCTOR_DB is set.",
    )
    status_parser.add_argument("--json", action="store_true", help="print the report as JSON")
    commands.add_parser(
        "healthcheck",
        help="exit 0 if the bot's HTTP endpoint is healthy (for container health checks)",
        description="GET http://127.0.0.1:$PORT/healthz. In Socket Mode (SLACK_APP_TOKEN set) there is "
        "no HTTP endpoint and the check passes.",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    if args.command == "healthcheck":
        sys.exit(run_healthcheck())
    if args.command == "status":
        sys.exit(run_status(as_json=args.json))
    sys.exit(run_serve(force_http=args.http))


def run_serve(*, force_http: bool) -> int:
    try:
        settings = Settings.from_env(os.environ, force_http=force_http)
    except ConfigError as exc:
        return _report_config_problems(exc)
    configure_logging(settings.secrets())
    try:
        asyncio.run(serve(settings))
    except ConfigError as exc:
        return _report_config_problems(exc)
    except StartupError as exc:
        logging.getLogger("bot").error("cannot start", extra={"reason": str(exc)})
        print(f"deepgram-doctor: {exc}", file=sys.stderr)
        return EXIT_FAILURE
    except KeyboardInterrupt:
        pass
    return EXIT_OK


def run_status(*, as_json: bool) -> int:
    try:
        settings = Settings.from_env(os.environ, slack=False)
    except ConfigError as exc:
        return _report_config_problems(exc)
    configure_logging(settings.secrets(), level=logging.WARNING)
    db_path = os.environ.get("DEEPGRAM_DOCTOR_DB", "").strip() or ":memory:"
    report = asyncio.run(_check_once(settings, db_path))
    if as_json:
        print(json.dumps(report_json(report), indent=2))
    else:
        print(report_text(report))
    return EXIT_OK if report.verdict.healthy else EXIT_FAILURE


async def _check_once(settings: Settings, db_path: str) -> StatusReport:
    store = Store.open(db_path)
    try:
        async with httpx.AsyncClient(headers={"User-Agent": USER_AGENT}) as http:
            deps = Deps.build(settings, store, http)
            report = await check_status(deps)
            record_report(deps, report)
            return report
    finally:
        store.close()


def run_healthcheck() -> int:
    if os.environ.get("SLACK_APP_TOKEN", "").strip():
        print("socket mode: no HTTP endpoint to check")
        return EXIT_OK
    port = os.environ.get("PORT", "").strip() or "3000"
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=3) as response:
            healthy = response.status == 200
    except (OSError, ValueError):
        healthy = False
    print("healthy" if healthy else "unhealthy")
    return EXIT_OK if healthy else EXIT_FAILURE


def _report_config_problems(exc: ConfigError) -> int:
    lines = [f"deepgram-doctor: configuration has {len(exc.problems)} problem(s):"]
    lines += [f"  - {problem}" for problem in exc.problems]
    print("\n".join(lines), file=sys.stderr)
    return EXIT_CONFIG
