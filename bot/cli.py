"""The `deepgram-doctor` command line.

Each subcommand imports what it needs when it runs: `healthcheck`, which a container runs every
30 seconds, loads neither Bolt nor aiohttp nor httpx and answers in a fraction of a second.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from bot.config import Settings
from bot.errors import BotError, ConfigError, StoreError, UsageError
from bot.log import configure_logging

if TYPE_CHECKING:
    from bot.status.report import StatusReport

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
    speak_parser = commands.add_parser(
        "speak",
        help="synthesise text with a Deepgram Aura voice into one MP3 (as /deepgram speak does)",
        description="Synthesise TEXT with DEEPGRAM_API_KEY into one MP3: long text is split at sentence "
        "boundaries, synthesised in parallel and joined. TEXT '-' reads standard input. Exit status: 0 "
        "written, 1 Deepgram or the network failed, 2 bad input or configuration.",
    )
    speak_parser.add_argument("text", nargs="?", default="", help="what to say ('-' for standard input)")
    speak_parser.add_argument("--voice", help="Aura model, e.g. aura-2-thalia-en (the default)")
    speak_parser.add_argument("-o", "--output", default="speech.mp3", help="MP3 file to write ('-' for stdout)")
    speak_parser.add_argument("--voices", action="store_true", help="list the voices and exit")
    why_parser = commands.add_parser(
        "why",
        help="print a troubleshooting playbook: a topic (401, net-0001), a pasted error or a question",
        description="Print the playbook that explains TOPIC, as /deepgram why does: an error code, a topic id, "
        "a pasted error body or close reason, or a question in plain words. No TOPIC lists the topics. Exit "
        "status: 0 a playbook was found (or the list shown), 1 nothing matched.",
    )
    why_parser.add_argument("topic", nargs="*", help="what to look up")
    history_parser = commands.add_parser(
        "history",
        help="print the probes' uptime, latency and failures and the recent incidents from the bot's database",
        description="Print what /deepgram history shows from the bot's database (DEEPGRAM_DOCTOR_DB): uptime, "
        "p50/p95 latency and failures by side over 24 h and 7 days, recent incidents; --chart also writes the "
        "latency chart. Exit status: 0 done, 1 unreadable database or nothing to chart, 2 bad configuration, "
        "no database or an unwritable FILE.",
    )
    history_parser.add_argument(
        "--chart", metavar="FILE.png", help="also write the latency chart (24 h and 7 days) as a PNG to FILE.png"
    )
    sandbox_parser = commands.add_parser(
        "sandbox",
        help="try every command offline: a simulated Slack, Deepgram and status page in your terminal",
        description="Start a fake Slack workspace, a fake Deepgram API and a fake status page on 127.0.0.1, "
        "run the real bot against them, and type what you would type in Slack (/deepgram status, a DM, "
        "a button's number, :outage streaming, :help). Nothing leaves the machine; no token is needed.",
    )
    sandbox_parser.add_argument(
        "--script", metavar="FILE", help="run the inputs in FILE, one per line ('-': standard input), and exit"
    )
    sandbox_parser.add_argument(
        "--http", action="store_true", help="connect the bot in HTTP mode instead of Socket Mode"
    )
    sandbox_parser.add_argument(
        "--files", default="sandbox-files", metavar="DIR", help="where files the bot uploads are saved"
    )
    sandbox_parser.add_argument(
        "--poll", type=float, default=1.0, metavar="SECONDS", help="status page poll interval (default 1)"
    )
    health_parser = commands.add_parser(
        "healthcheck",
        help="exit 0 if the running bot is healthy, else 1 and which part is not and why (container checks)",
        description="Read the heartbeat file the running bot refreshes (HEALTH_FILE, by default "
        "DEEPGRAM_DOCTOR_DB + '-health.json'; run it with the bot's environment) and, in HTTP mode, ask "
        "GET /healthz too. Healthy means: Slack connected (Socket Mode: the WebSocket is up or reconnecting "
        "within HEALTH_RECONNECT_SECONDS; HTTP mode: listening), a successful status poll within "
        "HEALTH_POLL_STALE_SECONDS, the alert courier running, and the database still the file the bot "
        "opened and writable. Exit status: 0 healthy, 1 unhealthy, 2 bad configuration.",
    )
    health_parser.add_argument("--json", action="store_true", help="print the health report as JSON")
    digest_parser = commands.add_parser(
        "digest",
        help="print the weekly digest from the bot's database (DEEPGRAM_DOCTOR_DB)",
        description="Print the weekly digest the bot posts with /deepgram subscribe --digest weekly, from the "
        "bot's database (DEEPGRAM_DOCTOR_DB; nothing is sent): the latest week due (DIGEST_DAY, DIGEST_HOUR, "
        "DIGEST_TZ), or the one ending on --period-ending. Exit status: 0 printed, 1 the database could not be "
        "read, 2 bad configuration, no database or a bad date.",
    )
    digest_parser.add_argument(
        "--period-ending", type=_local_day, metavar="YYYY-MM-DD", help="the week's last day (at DIGEST_HOUR)"
    )
    digest_parser.add_argument("--json", action="store_true", help="print the digest as JSON")
    return parser


def main(argv: Sequence[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    if args.command == "healthcheck":
        sys.exit(run_healthcheck(as_json=args.json))
    if args.command == "status":
        sys.exit(run_status(as_json=args.json))
    if args.command == "speak":
        sys.exit(run_speak(args.text, voice=args.voice, output=args.output, list_voices=args.voices))
    if args.command == "why":
        sys.exit(run_why(" ".join(args.topic)))
    if args.command == "history":
        sys.exit(run_history(chart=args.chart))
    if args.command == "digest":
        sys.exit(run_digest(args.period_ending, as_json=args.json))
    if args.command == "sandbox":
        sys.exit(run_sandbox(script=args.script, http=args.http, files_dir=args.files, poll_seconds=args.poll))
    sys.exit(run_serve(force_http=args.http))


def run_serve(*, force_http: bool) -> int:
    try:
        settings = Settings.from_env(os.environ, force_http=force_http)
    except ConfigError as exc:
        return _report_config_problems(exc)
    configure_logging(settings.secrets())
    from bot.runtime.serve import StartupError, serve

    try:
        asyncio.run(serve(settings))
    except ConfigError as exc:
        logging.getLogger("bot").error("cannot start: bad configuration", extra={"problems": " ".join(exc.problems)})
        return _report_config_problems(exc)
    except StartupError as exc:
        logging.getLogger("bot").error("cannot start", extra={"reason": str(exc)})
        print(f"deepgram-doctor: {exc}", file=sys.stderr)
        return EXIT_FAILURE
    except KeyboardInterrupt:
        pass
    return EXIT_OK


def run_status(*, as_json: bool) -> int:
    from bot.text.status import report_json, report_text

    try:
        settings = Settings.from_env(os.environ, slack=False, database="optional")
    except ConfigError as exc:
        return _report_config_problems(exc)
    configure_logging(settings.secrets(), level=logging.WARNING)
    try:
        report = asyncio.run(_check_once(settings))
    except ConfigError as exc:
        return _report_config_problems(exc)
    if as_json:
        print(json.dumps(report_json(report), indent=2))
    else:
        print(report_text(report))
    return EXIT_OK if report.verdict.healthy else EXIT_FAILURE


async def _check_once(settings: Settings) -> StatusReport:
    """One check, stored for history when DEEPGRAM_DOCTOR_DB is set (a failed save only warns)."""
    import httpx

    from bot.runtime.deps import Deps
    from bot.runtime.serve import USER_AGENT, open_store
    from bot.status.check import check_status, record_report
    from bot.text.status import not_saved_text

    store = open_store(settings.db_path)
    try:
        async with httpx.AsyncClient(headers={"User-Agent": USER_AGENT}) as http:
            deps = Deps.build(settings, store, http)
            report = await check_status(deps)
            try:
                record_report(deps, report)
            except StoreError as exc:
                print(f"deepgram-doctor: {not_saved_text(exc.reason)}", file=sys.stderr)
            return report
    finally:
        store.close()


def run_speak(text: str, *, voice: str | None, output: str, list_voices: bool) -> int:
    from bot.speak import NO_KEY

    try:
        settings = Settings.from_env(os.environ, slack=False)
    except ConfigError as exc:
        return _report_config_problems(exc)
    configure_logging(settings.secrets(), level=logging.WARNING)
    if not settings.deepgram_api_key and not list_voices:
        print(f"deepgram-doctor: {NO_KEY}", file=sys.stderr)
        return EXIT_CONFIG
    if text == "-":
        text = sys.stdin.read()
    if not text.strip() and not list_voices:
        print("deepgram-doctor speak: give the text to say ('-' reads it from standard input)", file=sys.stderr)
        return EXIT_CONFIG
    return asyncio.run(_speak_once(settings, text, voice, output, list_voices))


async def _speak_once(settings: Settings, text: str, voice: str | None, output: str, list_voices: bool) -> int:
    import httpx

    from bot.runtime.serve import USER_AGENT
    from bot.speak import Speaker, SpeakState, duration_seconds
    from bot.text.prose import plain
    from bot.text.speak import voices_text, written_text

    async with httpx.AsyncClient(headers={"User-Agent": USER_AGENT}) as http:
        # One local user: no quota, but the same bound on concurrent requests as the bot.
        speaker = Speaker(settings, http, SpeakState())
        if list_voices:
            print(voices_text(await speaker.voices()))
            return EXIT_OK
        try:
            speech = await speaker.speak(text, voice)
        except UsageError as exc:
            print(f"deepgram-doctor: {plain(exc.user_message)}", file=sys.stderr)
            return EXIT_CONFIG
        except BotError as exc:
            print(f"deepgram-doctor: {plain(exc.user_message)}", file=sys.stderr)
            return EXIT_FAILURE
    if output == "-":
        sys.stdout.buffer.write(speech.audio)
        sys.stdout.buffer.flush()
    else:
        Path(output).write_bytes(speech.audio)
    print(
        written_text(speech, output if output != "-" else "stdout", duration_seconds(speech.audio)),
        file=sys.stderr if output == "-" else sys.stdout,
    )
    return EXIT_OK


def run_why(query: str) -> int:
    """Print the matching playbook, the topic list, or the closest topics (exit 1)."""
    from bot.playbooks import load_library, match
    from bot.text.playbooks import no_match_text, playbook_text, topic_list_text

    library = load_library()
    found = match(query, library)
    if found.empty:
        sys.stdout.write(topic_list_text(library))
        return EXIT_OK
    if found.best is None:
        sys.stdout.write(no_match_text(found, library))
        return EXIT_FAILURE
    sys.stdout.write(playbook_text(library[found.best]))
    return EXIT_OK


def run_history(*, chart: str | None) -> int:
    from bot.runtime.history import run_history as run

    return run(chart=chart)


def run_sandbox(*, script: str | None, http: bool, files_dir: str, poll_seconds: float) -> int:
    """The offline sandbox. Imported here only: the simulated world is never loaded by `serve`."""
    from simworld.sandbox import main as sandbox_main

    if not 0.1 <= poll_seconds <= 60:
        print("deepgram-doctor sandbox: --poll must be between 0.1 and 60 seconds", file=sys.stderr)
        return EXIT_CONFIG
    return sandbox_main(
        script=script, transport="http" if http else "socket", files_dir=files_dir, poll_seconds=poll_seconds
    )


def run_healthcheck(*, as_json: bool) -> int:
    """Ask the running bot (through its heartbeat file, and `/healthz` in HTTP mode) how it is."""
    from bot.runtime import heartbeat

    try:
        settings = Settings.from_env(os.environ, slack=False, database="unused")
    except ConfigError as exc:
        return _report_config_problems(exc)
    report = heartbeat.healthcheck(settings.health_file)
    print(json.dumps(report.to_json(), indent=2) if as_json else "\n".join(report.lines()))
    return EXIT_OK if report.ok else EXIT_FAILURE


def run_digest(period_ending: date | None, *, as_json: bool) -> int:
    """Print one week's digest from the bot's database; nothing is sent anywhere."""
    from datetime import UTC, datetime

    from bot.digest import DigestParams, read_digest
    from bot.runtime.offline import bot_database
    from bot.store import Store, StoreOpenError
    from bot.text.digest import digest_text

    path = bot_database("digest")
    if path is None:
        return EXIT_CONFIG
    try:
        settings = Settings.from_env(os.environ, slack=False, database="optional")
    except ConfigError as exc:
        return _report_config_problems(exc)
    configure_logging(settings.secrets(), level=logging.WARNING)
    params = DigestParams.from_settings(settings)
    period = params.ending(period_ending) if period_ending else params.last_due(datetime.now(UTC))
    try:
        store = Store.open(path)
        try:
            digest = read_digest(store, period, params=params)
        finally:
            store.close()
    except (StoreOpenError, StoreError) as exc:
        print(f"deepgram-doctor digest: the database could not be read: {exc.reason}.", file=sys.stderr)
        return EXIT_FAILURE
    print(json.dumps(digest.to_json(), indent=2) if as_json else digest_text(digest).rstrip("\n"))
    return EXIT_OK


def _local_day(value: str) -> date:
    """`--period-ending 2026-12-07`; argparse reports anything else with this message (exit status 2)."""
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"takes a date, YYYY-MM-DD; got {value!r}") from None


def _report_config_problems(exc: ConfigError) -> int:
    lines = [f"deepgram-doctor: configuration has {len(exc.problems)} problem(s):"]
    lines += [f"  - {problem}" for problem in exc.problems]
    print("\n".join(lines), file=sys.stderr)
    return EXIT_CONFIG
