"""A fake Slack for testing the bot with the real slack_sdk / slack_bolt over loopback sockets.

    async with FakeSlack(api_ref_dir=reference_data / "slack" / "slack-api-ref") as slack:
        client = AsyncWebClient(token=slack.bot_token, base_url=slack.api_url)
        ...
        assert slack.contract_violations == []

`SlackDriver` plays Slack's side towards the app (slash commands, events, button clicks) over
HTTP or Socket Mode.
"""

from __future__ import annotations

from simworld.slack.driver import SlackDriver
from simworld.slack.records import (
    ActionResult,
    ApiCall,
    CommandResult,
    Delivery,
    Ephemeral,
    EventResult,
    ResponseUrlPost,
    UploadPost,
)
from simworld.slack.server import FakeSlack, Fault, sign
from simworld.slack.socket_mode import Ack, DeliveryAttempt, Envelope, SocketConnection, SocketModeServer
from simworld.slack.workspace import DEFAULT_BOT_SCOPES, Channel, File, FileShare, Message, User, Workspace

__all__ = [
    "DEFAULT_BOT_SCOPES",
    "Ack",
    "ActionResult",
    "ApiCall",
    "Channel",
    "CommandResult",
    "Delivery",
    "DeliveryAttempt",
    "Envelope",
    "Ephemeral",
    "EventResult",
    "FakeSlack",
    "Fault",
    "File",
    "FileShare",
    "Message",
    "ResponseUrlPost",
    "SlackDriver",
    "SocketConnection",
    "SocketModeServer",
    "UploadPost",
    "User",
    "Workspace",
    "sign",
]
