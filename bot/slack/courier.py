"""The courier: drains the outbox into Slack, exactly once, in order, at Slack's pace.

Rows are alerts (an `Event`: a root, or a reply in its story's thread, the root edited to match) or
the weekly digest's two (`bot.digest.schedule`: the message, then its chart uploaded into its thread;
`bot.slack.digest_posts`). Guarantees and how they are kept:

- **Nothing lost.** An alert is a row in the outbox before anything is sent (`store.monitor.commit_events`,
  in the same transaction as the monitor's memory). Rows leave the outbox only as `sent`,
  `dropped` (the channel is gone or unsubscribed) or `dead` (Slack refused the message itself).
- **Nothing doubled.** A row is claimed (`inflight`, committed, conditional on the state read and
  on holding the delivery lease) *before* the Slack call and marked `sent` after. Every post carries
  message metadata with the alert's key (`bot.slack.recovery`). A row whose earlier send may have
  reached Slack (the bot died mid-call, a timeout or a 5xx) is not posted again until, after a grace
  period, the channel's history (or the thread's replies) shows it is not there; Slack answering
  that search with a 429 or an error means "unknown, ask later", never "not posted". Root edits
  (`chat.update`) are idempotent and simply redone.
- **One process.** Only the holder of the delivery lease (`bot.runtime.lease`) delivers; another
  process on the same database waits (`set_leading(False)`), and every outbox update is fenced by
  the lease, so a process that lost it cannot record anything.
- **In order, paced.** A channel's rows go strictly by id, one at a time, at most one post per
  `pace` seconds (Slack allows about one message per second per channel). Channels are served
  in parallel, up to `parallel` at once.
- **Failures.** 429 waits for `Retry-After`; 5xx, timeouts and dropped connections retry with
  exponential backoff; `not_in_channel`, `channel_not_found`, `is_archived` deactivate the
  subscription (logged) instead of retrying forever; any other refusal marks the row dead.
- **The token is refused.** `invalid_auth`, `token_revoked`, `account_inactive` (and the like, `TOKEN_REFUSED`) are
  no channel's fault: no row is marked dead and no subscription deactivated. The courier pauses all
  delivery (logged once at error level; the health model's courier part reports it), calls
  `auth.test` every `auth_check` seconds and, once the token works again, resumes with every pending
  alert, in order, threads intact.
- **The database fails.** A store error (the file deleted, read-only, full: logged by the store) pauses
  the channel, or the whole loop when the outbox cannot be read, for `store_retry` seconds; nothing
  is lost (an alert Slack accepted but the outbox could not record is found again by its metadata).

The loop turns at least every `REREAD_SECONDS`; each turn beats the health model's courier part.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError, SlackRequestError
from slack_sdk.web.async_client import AsyncWebClient

from bot.alerts import Event
from bot.digest.schedule import CHART, DIGEST
from bot.errors import StoreError
from bot.health import Health
from bot.slack.digest_posts import chart_in, post_chart, post_digest
from bot.slack.membership import TOKEN_REFUSED, slack_error
from bot.slack.recovery import METADATA_TYPE, TRANSIENT, HistorySearch, Match, Unknown, by_key
from bot.slack.token_pause import AUTH_CHECK_SECONDS, TokenPause
from bot.slack.views.alerts import reply_message, root_message
from bot.store import OutboxRow, Store

log = logging.getLogger(__name__)

GONE = frozenset({"not_in_channel", "channel_not_found", "is_archived"})
REREAD_SECONDS = 0.05
#: How long a channel (or, when the outbox cannot be read, the whole courier) waits after a store error.
STORE_RETRY_SECONDS = 5.0
#: After a send that may have reached Slack, wait this long before looking for it (Slack can commit
#: a message a moment after the connection dropped).
RECOVERY_GRACE_SECONDS = 15.0
#: The least time between two history searches (Slack's Tier 3: 50 a minute).
HISTORY_INTERVAL_SECONDS = 1.2
#: At stop, how long deliveries in progress may take to finish.
STOP_WAIT_SECONDS = 2.0
#: How often a standby courier (another process holds the lease) looks whether it leads again.
STANDBY_SECONDS = 0.5


class Courier:
    def __init__(
        self,
        client: AsyncWebClient,
        store: Store,
        *,
        pace: float = 1.0,
        parallel: int = 50,
        backoff_base: float = 1.0,
        backoff_max: float = 60.0,
        clock: Callable[[], float] = time.time,
        health: Health | None = None,
        store_retry: float = STORE_RETRY_SECONDS,
        auth_check: float = AUTH_CHECK_SECONDS,
        grace: float = RECOVERY_GRACE_SECONDS,
        history_interval: float = HISTORY_INTERVAL_SECONDS,
        holder: str | None = None,
        leading: bool = True,
    ) -> None:
        self.client = client
        self.grace = grace
        self.history = HistorySearch(client, interval=history_interval)
        #: The delivery lease this courier works under (None: no lease, a single process).
        self.holder = holder
        self.leading = leading
        self.health = health
        self.store_retry = store_retry
        self.token = TokenPause(client, every=auth_check, clock=clock, wake=self.wake, health=health)
        self.store = store
        self.pace = pace
        self.parallel = parallel
        self.backoff_base = backoff_base
        self.backoff_max = backoff_max
        self.clock = clock
        #: Sends left in doubt by an earlier process ended when it died, before this moment.
        self.started_at = clock()
        self._next_allowed: dict[str, float] = {}
        self._running: dict[str, asyncio.Task[None]] = {}
        self._heads: list[OutboxRow] = []
        self._running_rows: dict[str, int] = {}
        self._started: set[int] = set()  # rows launched since the outbox was last read
        self._read_at = float("-inf")
        self._stale = True
        self._wake = asyncio.Event()
        self._stopping = False

    def wake(self) -> None:
        """New rows were queued: look at the outbox now rather than at the next timer."""
        self._stale = True
        self._wake.set()

    def stop(self) -> None:
        self._stopping = True
        self._wake.set()

    def set_leading(self, leading: bool) -> None:
        """This process holds the delivery lease (deliver) or not (finish what runs, start nothing)."""
        self.leading = leading
        self.wake()

    async def run(self) -> None:
        """Deliver until stopped; deliveries in flight get `STOP_WAIT_SECONDS` to finish."""
        while not self._stopping:
            self._wake.clear()
            if self.health is not None:
                self.health.courier_beat()
            try:
                delay = self._launch_due()
            except StoreError:
                delay = self.store_retry  # the store has logged why
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=delay)
        if self._running:
            # A delivery still waiting (for a history search's turn, say) after `STOP_WAIT_SECONDS` is
            # cancelled: its row stays in flight, in doubt, and the next start looks before posting.
            _, waiting = await asyncio.wait(list(self._running.values()), timeout=STOP_WAIT_SECONDS)
            for task in waiting:
                task.cancel()
            if waiting:
                await asyncio.wait(waiting)
        await self.token.stop()

    async def drain(self, *, timeout: float = 30.0) -> None:
        """Deliver until nothing is pending or in flight (for tests and benchmarks)."""
        deadline = time.monotonic() + timeout
        while True:
            self._wake.clear()
            delay = self._launch_due()
            if not self._running and not self.store.outbox.heads():
                return
            if time.monotonic() > deadline:
                raise TimeoutError("outbox not drained")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=min(delay, 0.05))

    def _launch_due(self) -> float:
        """Start the next row of every channel that is due and idle; return when to look again.

        Each channel is its own pipeline (one row at a time, in order); channels run side by side
        up to `parallel`, and a finished delivery wakes the loop at once to start the next.
        """
        now = self.clock()
        if not self.leading:
            return STANDBY_SECONDS
        if self.token.error is not None:
            return self.token.check_when_due(now)
        # Reading the outbox after every single delivery would cost more than the delivery itself
        # during a large fan-out; a channel's next row is not due before `pace` anyway.
        if self._stale or now - self._read_at >= REREAD_SECONDS:
            self._heads = self.store.outbox.heads()
            self._read_at, self._stale = now, False
            # Rows still in flight stay "started"; finished ones now show their new state.
            self._started = set(self._running_rows.values())
        waits: list[float] = [self._read_at + REREAD_SECONDS - now]
        for row in self._heads:
            channel = row.channel_id
            if channel in self._running or row.id in self._started:
                continue
            ready_at = max(row.next_attempt_at, self._next_allowed.get(channel, 0.0))
            if ready_at > now or len(self._running) >= self.parallel:
                waits.append(max(ready_at - now, 0.0))
                continue
            task = asyncio.create_task(self._deliver(row), name=f"deliver-{row.id}")
            self._running[channel] = task
            self._running_rows[channel] = row.id
            self._started.add(row.id)
            task.add_done_callback(functools.partial(self._finished, channel))
        return max(0.005, min(waits))

    def _finished(self, channel: str, _task: asyncio.Task[None]) -> None:
        self._running.pop(channel, None)
        self._running_rows.pop(channel, None)
        self._wake.set()

    # -- one row -----------------------------------------------------------------------------------

    async def _deliver(self, row: OutboxRow) -> None:
        try:
            await self._deliver_row(row)
        except StoreError:
            # Logged by the store. Whatever Slack already accepted is found again by its metadata.
            self._next_allowed[row.channel_id] = self.clock() + self.store_retry

    async def _deliver_row(self, row: OutboxRow) -> None:
        channel = row.channel_id
        now = self.clock()
        if row.status == "inflight" and row.inflight_at is not None:
            # Left in flight by a process that died, at the latest when this one started: whatever it
            # was sending may still land in the channel. Look for it only once it would have.
            due = max(row.inflight_at, self.started_at) + self.grace
            if now < due:
                self.store.outbox.defer(row.id, at=due, now=now, holder=self.holder)
                return
        if not self.store.outbox.claim(row, now=now, holder=self.holder):
            log.info("alert not claimed: it changed, or this process lost the lease", extra={"channel": channel})
            self._stale = True
            return
        try:
            ts = await self._send(row)
        except Unknown as exc:
            log.info(
                "cannot tell yet whether an interrupted alert reached Slack; will look again",
                extra={"channel": channel, "alert": row.event_key, "reason": exc.reason, "in_seconds": exc.retry_after},
            )
            self._reschedule(row, at=self.clock() + exc.retry_after, error=f"history: {exc.reason}", in_doubt=True)
            return
        except SlackApiError as exc:
            self._failed(row, exc)
            return
        except (TimeoutError, aiohttp.ClientError, OSError, SlackRequestError) as exc:
            self._retry(row, f"{type(exc).__name__}")
            return
        if self.store.outbox.mark_sent(row.id, ts=ts, now=self.clock(), holder=self.holder):
            log.info("alert delivered", extra={"channel": channel, "alert": row.event_key, "attempt": row.attempts + 1})
        else:
            log.warning("alert delivered but not recorded: this process lost the lease", extra={"channel": channel})

    async def _send(self, row: OutboxRow) -> str | None:
        channel = row.channel_id
        kind = row.event.get("kind")
        root = self.store.outbox.thread_root(row.thread, channel)
        if row.inflight_at is not None:
            found = await self._already_posted(row, root, chart_in(row) if kind == CHART else by_key(row.event_key))
            if found:
                if root is None:
                    self.store.outbox.set_thread_root(row.thread, channel, found, now=self.clock())
                elif kind not in (DIGEST, CHART):
                    await self._edit_root(channel, root, Event.from_json(row.event))
                log.info("interrupted alert found in the channel: not posted again", extra={"channel": channel})
                return found
        metadata = {"event_type": METADATA_TYPE, "event_payload": {"key": row.event_key}}
        try:
            if kind == CHART:
                return await post_chart(self.client, self.store, row, root)
            if kind == DIGEST:
                ts = await post_digest(self.client, row, metadata)
                self.store.outbox.set_thread_root(row.thread, channel, ts, now=self.clock())
                return ts
            return await self._post(row, root, Event.from_json(row.event), metadata)
        finally:
            # Counted from when Slack answered, not from when we asked: a slow answer must not let
            # the next post arrive at Slack sooner than `pace` after this one.
            self._next_allowed[channel] = max(self._next_allowed.get(channel, 0), self.clock() + self.pace)

    async def _post(self, row: OutboxRow, root: str | None, event: Event, metadata: dict[str, Any]) -> str:
        channel = row.channel_id
        if root is None:
            text, blocks = root_message(event, mention=row.event.get("mention"))
            response = await self.client.chat_postMessage(
                channel=channel, text=text, blocks=blocks, metadata=metadata, unfurl_links=False
            )
            ts = str(response["ts"])
            self.store.outbox.set_thread_root(event.thread, channel, ts, now=self.clock())
            return ts
        # A thread exists here: follow-ups (and an opening event after a re-subscription) go in it.
        text, blocks = reply_message(
            event, at=datetime.fromtimestamp(self.clock(), UTC), mention=row.event.get("mention")
        )
        response = await self.client.chat_postMessage(
            channel=channel, thread_ts=root, text=text, blocks=blocks, metadata=metadata, unfurl_links=False
        )
        # When more of this story is queued for this channel, the last of them edits the root:
        # under a backlog that halves the calls without ever leaving the root stale.
        if not self.store.outbox.queued_after(row.id, channel_id=channel, thread=event.thread):
            await self._edit_root(channel, root, event)
        return str(response["ts"])

    async def _edit_root(self, channel: str, root: str, event: Event) -> None:
        text, blocks = root_message(event)
        try:
            await self.client.chat_update(channel=channel, ts=root, text=text, blocks=blocks)
        except SlackApiError as exc:
            # The reply is what matters; a root that cannot be edited (deleted, too old) is not fatal.
            if exc.response.status_code == 429 or slack_error(exc) in TRANSIENT | TOKEN_REFUSED:
                raise
            log.warning("root message not updated", extra={"channel": channel, "error": slack_error(exc)})

    async def _already_posted(self, row: OutboxRow, root: str | None, match: Match) -> str | None:
        """The message of a send in doubt, if Slack has it (`Unknown` when Slack cannot say now)."""
        assert row.inflight_at is not None
        try:
            return await self.history.find(
                channel=row.channel_id,
                match=match,
                root=root,
                since=row.first_inflight_at or row.inflight_at,
                until=row.inflight_at + self.grace,
            )
        except SlackApiError as exc:
            if slack_error(exc) in TOKEN_REFUSED:
                raise
            log.warning(
                "cannot look in the channel's history for an interrupted alert; it may be posted twice",
                extra={"channel": row.channel_id, "error": slack_error(exc)},
            )
            return None

    def _failed(self, row: OutboxRow, exc: SlackApiError) -> None:
        error = slack_error(exc)
        status = exc.response.status_code
        if status == 429:
            retry_after = float(exc.response.headers.get("Retry-After", "1") or 1)
            self._next_allowed[row.channel_id] = self.clock() + retry_after
            self._reschedule(row, at=self.clock() + retry_after, error="ratelimited", in_doubt=False)
            return
        if error in TOKEN_REFUSED:
            # Keep the row (and every other) queued until the token works again.
            self._reschedule(row, at=self.clock(), error=error, in_doubt=False)
            self.token.pause(error, channel=row.channel_id)
            return
        if error in GONE:
            log.warning(
                "subscription deactivated: the bot can no longer post there",
                extra={"channel": row.channel_id, "error": error},
            )
            self.store.subscriptions.deactivate(row.channel_id, error, now=self.clock())
            return
        if status >= 500 or error in TRANSIENT:
            # A 5xx may come after Slack stored the message; an `ok: false` answer never does.
            self._retry(row, error, in_doubt=status >= 500)
            return
        log.error("alert refused by Slack", extra={"channel": row.channel_id, "error": error, "alert": row.event_key})
        self.store.outbox.mark_dead(row.id, error=error, now=self.clock(), holder=self.holder)

    def _retry(self, row: OutboxRow, error: str, *, in_doubt: bool = True) -> None:
        delay = min(self.backoff_max, self.backoff_base * 2 ** max(0, row.attempts))
        if in_doubt:
            delay = max(delay, self.grace)  # the send may still land: look for it only once it would have
        log.info("alert will be retried", extra={"channel": row.channel_id, "error": error, "in_seconds": delay})
        self._reschedule(row, at=self.clock() + delay, error=error, in_doubt=in_doubt)

    def _reschedule(self, row: OutboxRow, *, at: float, error: str, in_doubt: bool) -> None:
        now = self.clock()
        self.store.outbox.reschedule(row.id, at=at, error=error, now=now, in_doubt=in_doubt, holder=self.holder)
