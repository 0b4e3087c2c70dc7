"""App Home: the Home tab shows the latest verdict, the subscribed channels and the commands."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.alerts import PageMemory
from bot.runtime.deps import Deps
from bot.slack.commands import CommandTable
from bot.slack.kit import escape, slack_date
from bot.slack.views.help import home_view

log = logging.getLogger(__name__)


def status_lines(deps: Deps) -> list[str]:
    """What the bot last learned: its newest status check, and incidents the monitor has open."""
    lines = []
    run = deps.store.history.latest_run()
    if run:
        when = slack_date(datetime.fromtimestamp(run["checked_at"], UTC))
        lines.append(f"{escape(run['text'])} ({when}; `/deepgram status` to check again)")
    memory = deps.store.monitor.load_state("page")
    if memory:
        page = PageMemory.from_json(memory)
        open_incidents = [i for i in page.incidents.values() if not i.resolved_at]
        if open_incidents:
            names = ", ".join(f"*{escape(i.name)}*" for i in open_incidents[:3])
            lines.append(f":rotating_light: Deepgram's status page reports: {names}")
        else:
            lines.append(
                f":large_green_circle: Deepgram's status page reports no open incident "
                f"(as of {slack_date(datetime.fromisoformat(page.taken_at))})."
            )
    return lines


def make_home_listener(table: CommandTable, deps: Deps) -> Any:
    async def on_app_home_opened(event: dict[str, Any], client: AsyncWebClient) -> None:
        if event.get("tab") != "home":
            return
        subscribed = [s.channel_id for s in deps.store.subscriptions.active()]
        view = home_view(table, status_lines=status_lines(deps), subscribed=subscribed)
        try:
            await client.views_publish(user_id=event["user"], view=view)
        except SlackApiError as exc:
            log.warning("home tab not published", extra={"error": exc.response.get("error")})

    return on_app_home_opened
