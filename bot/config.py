"""Settings, read once from the environment and validated whole.

`Settings.from_env()` collects every problem before failing, so an operator fixes a bad
deployment in one go instead of one restart per variable. Nothing else in the bot reads
`os.environ`: handlers get the settings through their dependencies.
"""

from __future__ import annotations

import math
import os
import re
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.errors import ConfigError

Transport = Literal["socket", "http"]
#: How a command uses DEEPGRAM_DOCTOR_DB: `serve` needs it (default path when unset), `status` only
#: when it is set (in memory otherwise), the others not at all (it is neither checked nor opened).
DatabaseUse = Literal["required", "optional", "unused"]

DEFAULT_SLACK_API_URL = "https://slack.com/api/"
DEFAULT_DEEPGRAM_API_URL = "https://api.deepgram.com"
DEFAULT_STATUS_URL = "https://status.deepgram.com"
DEFAULT_DB = "./deepgram-doctor.db"
MEMORY_DB = ":memory:"
#: History kept by default, and the least allowed: the digest compares a week with the week before.
KEEP_DAYS = 40
MIN_KEEP_DAYS = 14
#: Beside the database, named the way SQLite names its own files (`-wal`, `-shm`).
HEALTH_FILE_SUFFIX = "-health.json"

# Slack token shapes: bot tokens start `xoxb-`, app-level tokens `xapp-` (slack.md §4).
_BOT_TOKEN = re.compile(r"^xoxb-[A-Za-z0-9-]+$")
_APP_TOKEN = re.compile(r"^xapp-[A-Za-z0-9-]+$")


@dataclass(frozen=True)
class Settings:
    """Everything the bot is configured with. Secret fields stay out of `repr()`."""

    slack_bot_token: str = field(repr=False)
    slack_app_token: str | None = field(default=None, repr=False)
    slack_signing_secret: str | None = field(default=None, repr=False)
    slack_api_url: str = DEFAULT_SLACK_API_URL
    deepgram_api_key: str | None = field(default=None, repr=False)
    deepgram_api_url: str = DEFAULT_DEEPGRAM_API_URL
    deepgram_status_url: str = DEFAULT_STATUS_URL
    #: The Voice Agent's WebSocket base; empty: derived from DEEPGRAM_API_URL (`bot.probes.agent.agent_base`).
    deepgram_agent_url: str = ""
    #: Extra regional API bases (`https://api.eu.deepgram.com`) probed like the main one; empty: one base.
    region_urls: tuple[str, ...] = ()
    #: Whether the monitor's periodic probes run a full Voice Agent turn (it spends agent minutes).
    monitor_agent_turn: bool = False
    #: Which surfaces (`bot.surfaces` ids) `/deepgram status` and the monitor probe; empty: all of them.
    probe_surfaces: tuple[str, ...] = ()
    db_path: str = DEFAULT_DB
    status_poll_seconds: float = 60.0
    probe_timeout_seconds: float = 10.0
    probe_stream_speed: float = 1.0
    probe_interval_seconds: float = 300.0
    #: A `/deepgram status` run that finished less than this long ago is shown again rather than repeated.
    status_fresh_seconds: float = 15.0
    #: At most this many probe runs in flight at once (more askers share or wait).
    probe_max_concurrent_runs: int = 2
    balance_alert_usd: float | None = 10.0
    alert_hold_polls: int = 1
    probe_fail_runs: int = 2
    probe_recover_runs: int = 2
    alert_pace_seconds: float = 1.0
    #: After a send that may have reached Slack, wait this long before looking for it in the channel.
    alert_recovery_grace_seconds: float = 15.0
    #: The least time between two `conversations.history`/`replies` calls (Tier 3: 1.2 s; some apps: 60 s).
    slack_history_interval_seconds: float = 1.2
    #: The delivery lease (one process polls, probes and delivers): how long it lasts unless renewed.
    lease_seconds: float = 30.0
    speak_max_chars: int = 5000
    port: int = 3000
    transport: Transport = "socket"
    #: The heartbeat file the running bot refreshes and `deepgram-doctor healthcheck` reads.
    health_file: str = DEFAULT_DB + HEALTH_FILE_SUFFIX
    health_interval_seconds: float = 10.0
    #: The status poll is unhealthy after this long without a successful poll (default 3 intervals, >= 30 s).
    health_poll_stale_seconds: float = 180.0
    #: Socket Mode may be disconnected (reconnecting) this long before Slack counts as unhealthy.
    health_reconnect_seconds: float = 60.0
    #: When the weekly digest is due: weekday (`mon`…`sun`), hour (0–23) and IANA time zone.
    digest_day: str = "mon"
    digest_hour: int = 9
    digest_tz: str = "UTC"
    #: Probe runs, balance samples, topic counts and resolved incidents older than this are pruned.
    history_retention_days: int = KEEP_DAYS

    @property
    def deepgram_ws_url(self) -> str:
        """The streaming base derived from the REST base (`https`→`wss`, `http`→`ws`)."""
        parts = urlsplit(self.deepgram_api_url)
        scheme = {"https": "wss", "http": "ws"}[parts.scheme]
        return parts._replace(scheme=scheme).geturl().rstrip("/")

    def secrets(self) -> list[str]:
        """The configured secret values, for the log redaction filter."""
        values = [
            self.slack_bot_token,
            self.slack_app_token,
            self.slack_signing_secret,
            self.deepgram_api_key,
        ]
        return [v for v in values if v]

    # Complexity: one straight check per environment variable (about 30 of them), so that every problem
    # is reported at once; each branch belongs to a single variable and reads on its own.
    @classmethod
    def from_env(
        cls,
        environ: Mapping[str, str],
        *,
        force_http: bool = False,
        slack: bool = True,
        database: DatabaseUse = "required",
    ) -> Settings:
        """Build settings from `environ`; raise `ConfigError` listing every problem found.

        With `slack=False` (terminal commands such as `deepgram-doctor status`) the Slack
        variables are neither required nor checked. `database` says whether DEEPGRAM_DOCTOR_DB is
        checked (without creating anything: `Store.open` still has the last word).
        """
        problems: list[str] = []
        slack_problems: list[str] = []

        def text(name: str) -> str | None:
            value = environ.get(name, "").strip()
            return value or None

        bot_token = text("SLACK_BOT_TOKEN")
        if bot_token is None:
            slack_problems.append("SLACK_BOT_TOKEN is required (the bot token, xoxb-…, from OAuth & Permissions).")
        elif not _BOT_TOKEN.match(bot_token):
            slack_problems.append("SLACK_BOT_TOKEN must be a bot token starting with xoxb-.")

        app_token = text("SLACK_APP_TOKEN")
        if app_token is not None and not _APP_TOKEN.match(app_token):
            slack_problems.append(
                "SLACK_APP_TOKEN must be an app-level token starting with xapp- (Basic Information → "
                "App-Level Tokens, scope connections:write)."
            )
        transport: Transport = "socket" if app_token and not force_http else "http"

        signing_secret = text("SLACK_SIGNING_SECRET")
        if transport == "http" and signing_secret is None:
            slack_problems.append(
                "SLACK_SIGNING_SECRET is required in HTTP mode (Basic Information → Signing Secret); "
                "set SLACK_APP_TOKEN instead to use Socket Mode."
            )

        slack_api_url = _url(environ, "SLACK_API_URL", DEFAULT_SLACK_API_URL, problems)
        if not slack_api_url.endswith("/"):
            slack_api_url += "/"
        deepgram_api_url = _url(environ, "DEEPGRAM_API_URL", DEFAULT_DEEPGRAM_API_URL, problems).rstrip("/")
        status_url = _url(environ, "DEEPGRAM_STATUS_URL", DEFAULT_STATUS_URL, problems).rstrip("/")
        agent_url = ""
        if text("DEEPGRAM_AGENT_URL"):
            agent_url = _url(environ, "DEEPGRAM_AGENT_URL", "", problems, schemes=("wss", "ws")).rstrip("/")
        region_urls = _region_urls(text("DEEPGRAM_REGION_URLS"), problems)
        probe_surfaces = _surface_ids(text("PROBE_SURFACES"), problems)
        agent_turn = (text("MONITOR_AGENT_TURN") or "false").lower()
        if agent_turn not in ("true", "false", "1", "0", "yes", "no"):
            problems.append("MONITOR_AGENT_TURN must be true or false.")

        api_key = text("DEEPGRAM_API_KEY")
        if api_key is not None and (len(api_key) < 20 or any(c.isspace() for c in api_key)):
            problems.append("DEEPGRAM_API_KEY does not look like a Deepgram API key (check for a stray prefix).")

        poll = _number(environ, "STATUS_POLL_SECONDS", 60.0, problems, minimum=0.01)
        probe_timeout = _number(environ, "PROBE_TIMEOUT_SECONDS", 10.0, problems, minimum=0.1, maximum=120)
        stream_speed = _number(environ, "PROBE_STREAM_SPEED", 1.0, problems, minimum=0.1, maximum=1000)
        probe_interval = _number(environ, "PROBE_INTERVAL_SECONDS", 300.0, problems, minimum=0)
        if 0 < probe_interval < 1:
            problems.append("PROBE_INTERVAL_SECONDS must be 0 (disabled) or at least 1.")
        fresh = _number(environ, "STATUS_FRESH_SECONDS", 15.0, problems, minimum=0, maximum=3600)
        max_runs = _number(environ, "PROBE_MAX_CONCURRENT_RUNS", 2, problems, minimum=1, maximum=20, integer=True)
        # Unset means the default; set but empty means "no balance alerts".
        balance_alert: float | None = None
        if environ.get("BALANCE_ALERT_USD", "10").strip():
            balance_alert = _number(environ, "BALANCE_ALERT_USD", 10.0, problems, minimum=0)
        hold_polls = _number(environ, "ALERT_HOLD_POLLS", 1, problems, minimum=0, maximum=10, integer=True)
        fail_runs = _number(environ, "PROBE_FAIL_RUNS", 2, problems, minimum=1, maximum=100, integer=True)
        recover_runs = _number(environ, "PROBE_RECOVER_RUNS", 2, problems, minimum=1, maximum=100, integer=True)
        pace = _number(environ, "ALERT_PACE_SECONDS", 1.0, problems, minimum=0, maximum=60)
        grace = _number(environ, "ALERT_RECOVERY_GRACE_SECONDS", 15.0, problems, minimum=0, maximum=600)
        history_interval = _number(environ, "SLACK_HISTORY_INTERVAL_SECONDS", 1.2, problems, minimum=0, maximum=300)
        lease = _number(environ, "LEASE_SECONDS", 30.0, problems, minimum=0.5, maximum=3600)
        # The most characters one /deepgram speak may synthesise (it spends the team's credits).
        speak_max_chars = _number(environ, "SPEAK_MAX_CHARS", 5000, problems, minimum=1, maximum=100_000, integer=True)
        port = _number(environ, "PORT", 3000, problems, minimum=1, maximum=65535, integer=True)

        db_path = text("DEEPGRAM_DOCTOR_DB") or (MEMORY_DB if database == "optional" else DEFAULT_DB)
        if database != "unused" and (database == "required" or text("DEEPGRAM_DOCTOR_DB")):
            reason = database_problem(db_path)
            if reason:
                problems.append(database_problem_text(db_path, reason))
        health_file = text("HEALTH_FILE") or default_health_file(db_path)
        health_interval = _number(environ, "HEALTH_INTERVAL_SECONDS", 10.0, problems, minimum=0.05, maximum=300)
        stale_default = max(3 * poll, 30.0)
        poll_stale = _number(environ, "HEALTH_POLL_STALE_SECONDS", stale_default, problems, minimum=0.1, maximum=86400)
        reconnect = _number(environ, "HEALTH_RECONNECT_SECONDS", 60.0, problems, minimum=0.1, maximum=3600)
        digest_day = _weekday(text("DIGEST_DAY"), problems)
        digest_hour = _number(environ, "DIGEST_HOUR", 9, problems, minimum=0, maximum=23, integer=True)
        digest_tz = _time_zone(text("DIGEST_TZ"), problems)
        keep = _number(environ, "HISTORY_RETENTION_DAYS", KEEP_DAYS, problems, minimum=MIN_KEEP_DAYS, integer=True)

        if slack:
            problems = slack_problems + problems
        if problems:
            raise ConfigError(problems)
        return cls(
            slack_bot_token=bot_token or "",
            slack_app_token=app_token,
            slack_signing_secret=signing_secret,
            slack_api_url=slack_api_url,
            deepgram_api_key=api_key,
            deepgram_api_url=deepgram_api_url,
            deepgram_status_url=status_url,
            deepgram_agent_url=agent_url,
            region_urls=region_urls,
            monitor_agent_turn=agent_turn in ("true", "1", "yes"),
            probe_surfaces=probe_surfaces,
            db_path=db_path,
            status_poll_seconds=float(poll),
            probe_timeout_seconds=float(probe_timeout),
            probe_stream_speed=float(stream_speed),
            probe_interval_seconds=float(probe_interval),
            status_fresh_seconds=float(fresh),
            probe_max_concurrent_runs=int(max_runs),
            balance_alert_usd=balance_alert,
            alert_hold_polls=int(hold_polls),
            probe_fail_runs=int(fail_runs),
            probe_recover_runs=int(recover_runs),
            alert_pace_seconds=float(pace),
            alert_recovery_grace_seconds=float(grace),
            slack_history_interval_seconds=float(history_interval),
            lease_seconds=float(lease),
            speak_max_chars=int(speak_max_chars),
            port=int(port),
            transport=transport,
            health_file=health_file,
            health_interval_seconds=float(health_interval),
            health_poll_stale_seconds=float(poll_stale),
            health_reconnect_seconds=float(reconnect),
            digest_day=digest_day,
            digest_hour=int(digest_hour),
            digest_tz=digest_tz,
            history_retention_days=int(keep),
        )


def default_health_file(db_path: str) -> str:
    """`<database>-health.json` beside the database (in the temporary folder for an in-memory one)."""
    if db_path == MEMORY_DB:
        return str(Path(tempfile.gettempdir()) / f"deepgram-doctor{HEALTH_FILE_SUFFIX}")
    return db_path + HEALTH_FILE_SUFFIX


def database_problem(path: str) -> str | None:
    """Why `path` cannot hold the bot's database, found without creating anything; None if it looks usable."""
    if path == MEMORY_DB:
        return None
    target = Path(path)
    if target.is_dir():
        return "it is a directory"
    if target.exists():
        if not target.is_file():
            return "it is not a regular file"
        if not os.access(target, os.R_OK | os.W_OK):
            return "it is read-only (this user cannot write it)"
        if not os.access(target.absolute().parent, os.W_OK | os.X_OK):
            return "its folder is not writable (SQLite keeps its -wal and -shm files beside the database)"
        return None
    folder = target.absolute().parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    if not folder.is_dir():
        return f"its folder cannot be created: {_clip(str(folder))} is not a folder"
    if not os.access(folder, os.W_OK | os.X_OK):
        return f"{_clip(str(folder))} is not writable, so the file (or its folder) cannot be created there"
    return None


def database_problem_text(path: str, reason: str) -> str:
    """The configuration problem for an unusable DEEPGRAM_DOCTOR_DB, as `ConfigError` lists it."""
    return (
        f"DEEPGRAM_DOCTOR_DB ({_clip(path)!r}) cannot be used: {reason}. "
        "Point it at a file this user can create and write, e.g. /data/deepgram-doctor.db."
    )


def _clip(text: str, limit: int = 200) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _surface_ids(value: str | None, problems: list[str]) -> tuple[str, ...]:
    """`PROBE_SURFACES=rest,streaming agent` → the ids, checked against the table of surfaces."""
    if value is None or value.lower() == "all":
        return ()
    # Imported only when the variable is set: the table pulls in the probes (httpx, websockets), which
    # `deepgram-doctor healthcheck` does not need.
    from bot.surfaces import SURFACE_IDS

    ids = tuple(dict.fromkeys(w for w in re.split(r"[\s,]+", value.lower()) if w))
    unknown = [i for i in ids if i not in SURFACE_IDS]
    if unknown or not ids:
        problems.append(
            f"PROBE_SURFACES must name surfaces from {', '.join(SURFACE_IDS)} (or be 'all'); "
            f"unknown: {_clip(', '.join(unknown) or value)}."
        )
        return ()
    return ids


def _weekday(value: str | None, problems: list[str]) -> str:
    """`DIGEST_DAY=Monday` → `mon`: a weekday's English name or its first three letters."""
    days = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
    if value is None or any(value.lower() in (day, day[:3]) for day in days):
        return (value or "mon").lower()[:3]
    problems.append(f"DIGEST_DAY must be a weekday: mon, tue, wed, thu, fri, sat or sun; got {_clip(value)!r}.")
    return "mon"


def _time_zone(value: str | None, problems: list[str]) -> str:
    """`DIGEST_TZ=Europe/Berlin`: an IANA time zone this machine knows (the `tzdata` package brings them all)."""
    try:
        return ZoneInfo(value or "UTC").key or "UTC"
    except (ZoneInfoNotFoundError, ValueError, OSError):  # unknown, malformed, or a folder of zones
        problems.append(
            f"DIGEST_TZ must be an IANA time zone name such as UTC or Europe/Berlin; got {_clip(value or '')!r}."
        )
        return "UTC"


def _region_urls(value: str | None, problems: list[str]) -> tuple[str, ...]:
    """`DEEPGRAM_REGION_URLS=https://api.eu.deepgram.com, https://api.au.deepgram.com` → the bases, once each."""
    if value is None:
        return ()
    bases = dict.fromkeys(w.rstrip("/") for w in re.split(r"[\s,]+", value) if w)
    bad = [b for b in bases if urlsplit(b).scheme not in ("http", "https") or not urlsplit(b).netloc]
    if bad:
        problems.append(f"DEEPGRAM_REGION_URLS must list http/https URLs, got {_clip(', '.join(bad))!r}.")
        return ()
    return tuple(bases)


def _url(
    environ: Mapping[str, str],
    name: str,
    default: str,
    problems: list[str],
    *,
    schemes: tuple[str, ...] = ("http", "https"),
) -> str:
    value = environ.get(name, "").strip() or default
    parts = urlsplit(value)
    if parts.scheme not in schemes or not parts.netloc:
        problems.append(f"{name} must be a {'/'.join(schemes)} URL, got {_clip(value)!r}.")
        return default
    return value


def _number(
    environ: Mapping[str, str],
    name: str,
    default: float,
    problems: list[str],
    *,
    minimum: float,
    maximum: float | None = None,
    integer: bool = False,
) -> float:
    raw = environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw) if integer else float(raw)
    except ValueError:
        kind = "a whole number" if integer else "a number"
        problems.append(f"{name} must be {kind}, got {_clip(raw)!r}.")
        return default
    if not math.isfinite(value) or value < minimum or (maximum is not None and value > maximum):
        bound = f"between {minimum:g} and {maximum:g}" if maximum is not None else f"at least {minimum:g}"
        problems.append(f"{name} must be {bound}, got {_clip(raw)!r}.")
        return default
    return value
