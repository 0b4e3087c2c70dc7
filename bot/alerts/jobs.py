"""The monitor's periodic jobs: poll the status page, run the own probes, watch the balance.

Each job reads what it needs, calls the pure detectors, and commits the new memory together with
the outbox rows in one transaction, then wakes the courier. The jobs are plain coroutines: the
scheduler calls them on the bot's loop, tests await them directly. They never raise: a database
that cannot be written is logged by the store and, for the status poll, reported to the health model
(a poll counts as successful once the page was read and what it said was saved).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from typing import Any, Protocol

import httpx

from bot.alerts import Event, PageMemory, detect
from bot.alerts.changes import NOTHING_READ
from bot.alerts.incidents import incidents_to_confirm
from bot.alerts.maintenance import maintenances_to_confirm
from bot.alerts.own import Balance, Streak, watch_balance, watch_probes
from bot.alerts.routing import deliveries as plan_deliveries
from bot.alerts.routing import stories
from bot.deepgram import auth_header
from bot.digest.sampling import BalanceSampler
from bot.errors import StoreError
from bot.health import Health
from bot.keys.live import call, project_list
from bot.runtime.deps import Deps
from bot.status.check import ask_status
from bot.statuspage.client import StatusPageClient

log = logging.getLogger(__name__)


class Outbox(Protocol):
    """What the jobs need of whoever delivers the outbox (the Slack courier, `bot.slack.courier`)."""

    def clock(self) -> float: ...

    def wake(self) -> None: ...


BALANCE_TIMEOUT_SECONDS = 10.0


class _PollFailed(Exception):
    """The status page could not be read; the message says why."""


class Monitor:
    def __init__(self, deps: Deps, courier: Outbox, *, health: Health | None = None) -> None:
        self.deps = deps
        self.courier = courier
        self.health = health
        # Its own client (own ETag cache): `/deepgram status` fetching the page must not make the
        # monitor see "304 unchanged" for a change it never diffed.
        self.statuspage = StatusPageClient(deps.http, deps.settings.deepgram_status_url)
        #: Hourly balance samples for the weekly digest.
        self.balance_samples = BalanceSampler(deps.store)

    async def poll_status(self) -> list[Event]:
        """Fetch the status page; diff against memory; queue alerts for the subscribed channels."""
        try:
            events = await self._poll_status()
        except _PollFailed as exc:
            self._poll_failed(str(exc))
            return []
        except StoreError as exc:
            self._poll_failed(f"what it read could not be saved: {exc.reason}")
            return []
        except Exception:
            log.exception("status page poll failed unexpectedly")
            self._poll_failed("an internal error (see the log)")
            return []
        if self.health is not None:
            self.health.poll_succeeded()
        return events

    def _poll_failed(self, problem: str) -> None:
        if self.health is not None:
            self.health.poll_failed(problem)

    async def _poll_status(self) -> list[Event]:
        store, settings = self.deps.store, self.deps.settings
        fetch = await self.statuspage.fetch_summary()
        if fetch.state == "error" or fetch.summary is None:
            log.warning("status page poll failed", extra={"problem": fetch.problem})
            raise _PollFailed(f"status page: {fetch.problem or 'could not be read'}")
        # What `/deepgram status` shows at once, before its own probes finish.
        self.deps.status_runs.note_official(fetch)
        raw_prev = store.monitor.load_state("page")
        prev = PageMemory.from_json(raw_prev) if raw_prev else None
        # The page's records confirm what left the summary (resolved? cancelled? deleted?) and show
        # incidents opened and resolved between two polls; on a 304 only what is still unconfirmed.
        unconfirmed = incidents_to_confirm(prev, fetch.summary)
        windows = maintenances_to_confirm(prev, fetch.summary)
        records = NOTHING_READ
        if prev and (fetch.state == "fresh" or unconfirmed or windows):
            records = await self.statuspage.fetch_records(unconfirmed, maintenances=bool(windows))
        memory, events = detect(
            prev, fetch.summary, records, now=self.deps.clock(), hold_polls=settings.alert_hold_polls
        )
        self._commit({"page": memory.to_json()}, events)
        return events

    async def run_probes(self) -> list[Event]:
        """Run the own probes (stored as history like `/deepgram status`) and alert on streaks.

        The run is shared (`bot.status.runs`): a `/deepgram status` queued at the same moment joins
        it, and one asked within STATUS_FRESH_SECONDS after it reuses it when it probed as much."""
        try:
            return await self._run_probes()
        except StoreError:
            return []  # the store has logged why; the next run tries again

    async def _run_probes(self) -> list[Event]:
        store, settings = self.deps.store, self.deps.settings
        checked = await ask_status(self.deps, force=True, config=self.deps.monitor_probe_config).flight.result()
        if checked.run_id is None:
            return []  # the store has logged why it could not keep the run; the next run tries again
        report = checked.report
        prev = {k: Streak(**v) for k, v in (store.monitor.load_state("probes") or {}).items()}
        streaks, events = watch_probes(
            prev,
            report.probes.results,
            now=self.deps.clock(),
            fail_after=settings.probe_fail_runs,
            recover_after=settings.probe_recover_runs,
        )
        state: dict[str, Any] = {"probes": {k: v.to_json() for k, v in streaks.items()}}
        now = self.deps.clock().timestamp()
        sampling = self.balance_samples.due(now)
        if (settings.balance_alert_usd is not None or sampling) and settings.deepgram_api_key:
            balances = await fetch_balances(self.deps.http, settings.deepgram_api_url, settings.deepgram_api_key)
            if sampling:
                self.balance_samples.keep(balances, now=now)
            if balances is not None and settings.balance_alert_usd is not None:
                low, balance_events = watch_balance(
                    store.monitor.load_state("balance") or {},
                    balances,
                    threshold=settings.balance_alert_usd,
                    now=self.deps.clock(),
                )
                state["balance"] = low
                events += balance_events
        self._commit(state, events)
        return events

    def _commit(self, state: dict[str, Any], events: Sequence[Event]) -> None:
        store = self.deps.store
        subscriptions = store.subscriptions.active()
        # Who was already told of these stories decides which delivery mentions the channel's on-call.
        mentioning = events and any(s.mention for s in subscriptions)
        told = stories(store.monitor.told({e.thread for e in events})) if mentioning else {}
        deliveries = plan_deliveries(events, subscriptions, told)
        incidents = [
            {
                "id": e.thread.split(":", 1)[1],
                "name": e.title,
                "impact": e.impact,
                "link": e.link,
                "started_at": e.started_at,
                "resolved_at": e.ended_at,
                "components": json.dumps(list(e.component_names)),
            }
            for e in events
            if e.family == "incident"
        ]
        # Outbox bookkeeping runs on the courier's clock: it is compared with Slack's own timestamps.
        queued = store.monitor.commit_events(
            state,
            [(d.to_json(), d.channel_id) for d in deliveries],
            now=self.courier.clock(),
            incidents=incidents,
        )
        if events:
            log.info("monitor events", extra={"events": [e.key for e in events], "queued": queued})
        if queued:
            self.courier.wake()


async def fetch_balances(http: httpx.AsyncClient, api_url: str, key: str) -> dict[str, Balance] | None:
    """Each reachable project's prepaid balance; None when Deepgram can't tell us (never raises)."""
    authorization = auth_header(key)["Authorization"]
    projects = project_list(
        await call(
            http, f"{api_url}/v1/projects", method="GET", authorization=authorization, timeout=BALANCE_TIMEOUT_SECONDS
        )
    )
    if projects is None:
        return None
    balances: dict[str, Balance] = {}
    for project_id, name in projects:
        answer = await call(
            http,
            f"{api_url}/v1/projects/{project_id}/balances",
            method="GET",
            authorization=authorization,
            timeout=BALANCE_TIMEOUT_SECONDS,
        )
        items = answer.body.get("balances") if answer.ok and isinstance(answer.body, dict) else None
        usd = [b for b in items or [] if isinstance(b, dict) and str(b.get("units", "")).lower() == "usd"]
        if usd:  # none readable, or an invoiced project with no prepaid balance: nothing to watch
            balances[project_id] = Balance(project_id, name, sum(float(b.get("amount") or 0) for b in usd))
    return balances
