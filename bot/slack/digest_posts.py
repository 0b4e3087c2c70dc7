"""What the courier posts for the weekly digest's outbox rows (`bot.digest.schedule`).

- `digest:<period>`: the digest message, with the same message metadata as alerts, so an
  interrupted post is found again by its key; it opens the digest's thread.
- `digest:<period>:chart`: the week's latency chart, uploaded (v2 flow) into that thread, where
  everyone in the channel can see it. A file share carries no metadata, so an interrupted upload is
  found again by its file name (one per period) among the thread's replies.

Drawing is CPU-bound: the numbers are read from the store on the event loop (SQLite connections
belong to their thread), the PNG is drawn in a worker thread.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Mapping
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from bot.charts import NothingToDraw, draw_chart, read_chart_data
from bot.digest import Digest
from bot.prose import clip
from bot.slack.images import UPLOAD_ALT_MAX
from bot.slack.recovery import Match
from bot.slack.views.digest import digest_message
from bot.store import OutboxRow, Store

__all__ = ["chart_filename", "chart_in", "post_chart", "post_digest"]

log = logging.getLogger(__name__)


def chart_filename(row: OutboxRow) -> str:
    return f"deepgram-doctor-digest-{row.event['period']}.png"


def chart_in(row: OutboxRow) -> Match:
    """Does a message of the thread share this row's chart? (`HistorySearch.find`'s `match`.)"""
    name = chart_filename(row)

    def match(message: Mapping[str, Any]) -> bool:
        return any(isinstance(f, Mapping) and f.get("name") == name for f in message.get("files") or [])

    return match


async def post_digest(client: AsyncWebClient, row: OutboxRow, metadata: dict[str, Any]) -> str:
    text, blocks = digest_message(Digest.from_json(row.event["digest"]))
    response = await client.chat_postMessage(
        channel=row.channel_id, text=text, blocks=blocks, metadata=metadata, unfurl_links=False
    )
    return str(response["ts"])


async def post_chart(client: AsyncWebClient, store: Store, row: OutboxRow, root: str | None) -> str | None:
    """Upload the week's chart into the digest's thread; None when there is nothing to draw or no thread."""
    if root is None:
        log.warning("digest chart skipped: its digest message is not there", extra={"channel": row.channel_id})
        return None
    data = await store.read_aside(functools.partial(read_chart_data, now=float(row.event["end"]), days=7))
    try:
        chart = await asyncio.to_thread(draw_chart, data)
    except NothingToDraw:
        log.info("digest chart skipped: no probe ran that week", extra={"channel": row.channel_id})
        return None
    await client.files_upload_v2(
        channel=row.channel_id,
        thread_ts=root,
        content=chart.png,
        filename=chart_filename(row),
        title=chart.title,
        alt_txt=chart.file_alt_text or clip(chart.alt_text, UPLOAD_ALT_MAX),
    )
    return None  # Slack shares the file asynchronously: the message's ts is not known here
