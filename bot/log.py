"""Structured logging with secret redaction.

One JSON object per line on stderr: `ts`, `level`, `logger`, `event` (the message) and any `extra=`
fields; an extra field named like one of those is written as `extra_<name>` instead, so it never
hides the message. Every record passes through `RedactingFilter` before it is written, which masks
Slack tokens, anything shaped like a Deepgram API key or JWT, `Authorization` header values and the
exact secrets the bot was configured with — in the message, its arguments, the extra fields and
the formatted traceback alike — and then clips what may have come from a user: the message to
`MAX_MESSAGE_CHARS`, each extra field to `MAX_FIELD_CHARS`, a traceback to `MAX_TRACEBACK_CHARS`.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any, TextIO

from bot.credentials import AUTHORIZATION, DEEPGRAM_KEY, JWT, SLACK_TOKEN

# Attributes every LogRecord has; anything else on a record came from `extra=`.
_STANDARD_ATTRS = frozenset(vars(logging.makeLogRecord({}))) | {"message", "asctime"}
#: The keys every JSON line has; extra fields never overwrite them.
_RESERVED_KEYS = frozenset({"ts", "level", "logger", "event", "exc"})

# A slash command's text, a pasted error or a Slack error body can be huge; a log line should not be.
MAX_MESSAGE_CHARS = 2000
MAX_FIELD_CHARS = 500
MAX_TRACEBACK_CHARS = 20_000


def clip(text: str, limit: int) -> str:
    """`text` cut to about `limit` characters, saying how much was cut."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… [{len(text) - limit:,} more characters]"


def clip_middle(text: str, limit: int) -> str:
    """Keep both ends (a traceback's first frames and its exception line) and cut the middle."""
    if len(text) <= limit:
        return text
    head = limit // 3
    tail = limit - head
    return f"{text[:head]}\n… [{len(text) - limit:,} characters cut] …\n{text[-tail:]}"


# The shapes of a secret live in `bot.credentials` (shared with what Slack is shown); here, how a log masks them.
_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (SLACK_TOKEN, r"\1-***"),
    (JWT, "eyJ***"),
    # Authorization header values in any casing: keep the scheme, drop the credential.
    (AUTHORIZATION, r"\1 ***"),
    # Keep a Deepgram key's last 4 characters so operators can tell keys apart.
    (DEEPGRAM_KEY, r"***\1"),
]


class Redactor:
    """Masks secrets in text: known patterns plus the exact configured secret values."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self._secrets = sorted({s for s in secrets if s and len(s) >= 4}, key=len, reverse=True)

    def __call__(self, text: str) -> str:
        for secret in self._secrets:
            if secret in text:
                text = text.replace(secret, "***" + secret[-4:] if len(secret) >= 16 else "***")
        for pattern, replacement in _PATTERNS:
            text = pattern.sub(replacement, text)
        return text


class RedactingFilter(logging.Filter):
    """Rewrites each record in place so that no later formatter can leak a secret."""

    def __init__(self, redactor: Redactor) -> None:
        super().__init__()
        self.redact = redactor

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = clip(self.redact(record.getMessage()), MAX_MESSAGE_CHARS)
        record.args = None
        if record.exc_info:
            record.exc_text = clip_middle(
                self.redact(logging.Formatter().formatException(record.exc_info)), MAX_TRACEBACK_CHARS
            )
            record.exc_info = None
        elif record.exc_text:
            record.exc_text = clip_middle(self.redact(record.exc_text), MAX_TRACEBACK_CHARS)
        if record.stack_info:
            record.stack_info = clip_middle(self.redact(record.stack_info), MAX_TRACEBACK_CHARS)
        for key, value in list(vars(record).items()):
            if key not in _STANDARD_ATTRS:
                setattr(record, key, _redact_value(value, self.redact))
        return True


def _redact_value(value: Any, redact: Redactor) -> Any:
    if isinstance(value, bool | float) or value is None:
        return value
    if isinstance(value, int):
        # Huge integers have no place in a log line either (and str() refuses the largest).
        return value if abs(value) < 10**18 else "<a very large number>"
    if isinstance(value, str):
        text = value
    else:
        try:
            text = str(value)
        except Exception:  # a value that cannot even be shown must not cost the whole line
            text = f"<unprintable {type(value).__name__}>"
    return clip(redact(text), MAX_FIELD_CHARS)


class JsonFormatter(logging.Formatter):
    """One JSON object per line."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "event": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD_ATTRS and not key.startswith("_"):
                entry[f"extra_{key}" if key in _RESERVED_KEYS else key] = value
        if record.exc_text:
            entry["exc"] = record.exc_text
        return json.dumps(entry, default=str, ensure_ascii=False)


def configure_logging(secrets: Iterable[str] = (), *, level: int = logging.INFO, stream: TextIO | None = None) -> None:
    """Send every log record, redacted, as JSON lines to `stream` (stderr by default)."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.addFilter(RedactingFilter(Redactor(secrets)))
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    # slack_sdk logs request and response bodies at DEBUG; keep its chatter out of production logs.
    for noisy in (
        "slack_sdk",
        "slack_bolt",
        "aiohttp.access",
        "websockets",
        "httpx",
        "httpcore",
        "apscheduler",
    ):
        logging.getLogger(noisy).setLevel(max(level, logging.WARNING))
