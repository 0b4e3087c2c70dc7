"""Terminal renderers: the same domain objects the Slack views show, as plain text (and JSON for scripts)."""

from bot.text.prose import plain, why_command
from bot.text.status import report_json, report_text

__all__ = ["plain", "report_json", "report_text", "why_command"]
