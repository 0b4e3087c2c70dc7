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
from pathlib import Path

import httpx

from bot.config import Settings
from bot.errors import BotError, ConfigError, UsageError
from bot.log import configure_logging
from bot.playbooks import load_library, match
from bot.runtime.deps import Deps
from bot.runtime.serve import USER_AGENT, StartupError, serve
from bot.speak import NO_KEY, Speaker, SpeakState, duration_seconds
from bot.status.check import check_status, record_report
from bot.status.report import StatusReport
from bot.store.db import Store
from bot.text.playbooks import no_match_text, playbook_text, topic_list_text
from bot.text.prose import plain
from bot.text.speak import voices_text, written_text
from bot.text.status import report_json, report_text

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
    if args.command == "speak":
        sys.exit(run_speak(args.text, voice=args.voice, output=args.output, list_voices=args.voices))
    if args.command == "why":
        sys.exit(run_why(" ".join(args.topic)))
    if args.command == "sandbox":
        sys.exit(run_sandbox(script=args.script, http=args.http, files_dir=args.files, poll_seconds=args.poll))
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


def run_speak(text: str, *, voice: str | None, output: str, list_voices: bool) -> int:
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


def run_sandbox(*, script: str | None, http: bool, files_dir: str, poll_seconds: float) -> int:
    """The offline sandbox. Imported here only: the simulated world is never loaded by `serve`."""
    from simworld.sandbox import main as sandbox_main

    if not 0.1 <= poll_seconds <= 60:
        print("deepgram-doctor sandbox: --poll must be between 0.1 and 60 seconds", file=sys.stderr)
        return EXIT_CONFIG
    return sandbox_main(
        script=script, transport="http" if http else "socket", files_dir=files_dir, poll_seconds=poll_seconds
    )


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
