"""App Home: the Home tab shows what the bot can do, published each time a user opens it."""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks import home_view
from bot.commands import CommandTable

log = logging.getLogger(__name__)


def make_home_listener(table: CommandTable) -> Any:
    async def on_app_home_opened(event: dict[str, Any], client: AsyncWebClient) -> None:
        if event.get("tab") != "home":
            return
        try:
            await client.views_publish(user_id=event["user"], view=home_view(table))
        except SlackApiError as exc:
            log.warning("home tab not published", extra={"error": exc.response.get("error")})

    return on_app_home_opened
