"""`/deepgram history`: recent Deepgram incidents and the own probes' uptime and latency, with a chart.

The numbers are read off the event loop (`Store.read_aside`: a week of one-minute probes takes a few
hundred milliseconds). The text comes at once (with a line saying the chart is being drawn); then
the chart of the last 24 h and 7 days is drawn in a worker thread (matplotlib takes about a second of
CPU the first time, which must not hold up the event loop either), shared into the asker's DM with
the bot, and the reply is replaced by the same text with the chart as an `image` block, which only
the asker can see. If the chart cannot be drawn or sent, the reply says so and the text stays
complete; without any probe run, there is no chart and the reply says why.

The first reply also covers a chart Slack is slow to take: should the final reply be refused (Slack
processes an upload asynchronously), the first one stays up and the chart is in the DM as it said.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from datetime import datetime

from slack_sdk.web.async_client import AsyncWebClient

from bot.charts import CHART_DAYS, Chart, ChartData, draw_chart, read_chart_data
from bot.errors import UpstreamError
from bot.prose import Prose
from bot.runtime.deps import Deps
from bot.slack.commands import Invocation, Subcommand
from bot.slack.images import share_image_in_dm
from bot.slack.kit import Reply, mrkdwn
from bot.slack.views.history import (
    CHART_COMING,
    CHART_NOT_DRAWN,
    CHART_SENT,
    NO_CHART,
    ChartImage,
    chart_comment,
    chart_not_sent,
    history_reply,
)
from bot.status.history import History, read_history
from bot.store import Store

log = logging.getLogger(__name__)


async def run(invocation: Invocation, deps: Deps) -> Reply:
    now = deps.clock()
    with_chart = invocation.client is not None  # else nowhere to upload a chart to
    history, data = await deps.store.read_aside(functools.partial(_read, now=now, with_chart=with_chart))
    if invocation.client is None or data is None:
        return history_reply(history)
    if data.empty:
        return history_reply(history, note=NO_CHART)
    if invocation.show is not None:
        await invocation.show(history_reply(history, note=CHART_COMING, interim=True))
    return await _with_chart(invocation.client, invocation.user_id, history, data)


def _read(store: Store, *, now: datetime, with_chart: bool) -> tuple[History, ChartData | None]:
    """The reply's numbers, and the chart's when it can be shared: one read, off the event loop."""
    history = read_history(store, now)
    if not with_chart:
        return history, None
    return history, read_chart_data(store, now=now.timestamp(), days=CHART_DAYS, with_day=True)


async def _with_chart(client: AsyncWebClient, user_id: str, history: History, data: ChartData) -> Reply:
    try:
        chart: Chart = await asyncio.to_thread(draw_chart, data)
    except Exception:
        log.exception("latency chart not drawn", extra={"user": user_id})
        return history_reply(history, note=CHART_NOT_DRAWN)
    try:
        shared = await share_image_in_dm(
            client,
            user_id,
            chart.png,
            filename=chart.filename,
            title=chart.title,
            alt_text=chart.file_alt_text or chart.alt_text,
            comment=chart_comment(user_id),
        )
    except UpstreamError as exc:
        reason = exc.user_message
        return history_reply(history, note=chart_not_sent(mrkdwn(reason) if isinstance(reason, Prose) else reason))
    log.info("latency chart shared", extra={"user": user_id, "file": shared.file_id, "bytes": len(chart.png)})
    image = ChartImage(shared.file_id, chart.alt_text, chart.title)
    return history_reply(history, chart=image, note=CHART_SENT)


SUBCOMMAND = Subcommand(
    name="history",
    usage="history",
    summary="Recent Deepgram incidents with durations, and the probes' uptime and latency (24 h, 7 days).",
    run=run,
)
