"""The state of a Deepgram-like Statuspage: components, incidents, maintenances (no HTTP here)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime, timedelta

from ._common import (
    COMPONENT_STATUSES,
    INCIDENT_IMPACTS,
    MAINTENANCE_IMPACT,
    UNRESOLVED_STATUSES,
    PageClock,
    as_utc,
    check_enum,
    impact_for,
    stable_id,
    worst_status,
)
from ._records import (
    CANCELLED_BODY,
    DEEPGRAM_COMPONENTS,
    DEFAULT_BODIES,
    GROUP_ID,
    GROUP_NAME,
    AffectedComponent,
    Component,
    Incident,
    IncidentUpdate,
    find_component,
)
from ._render import PageRenderer


class StatusPageModel(PageRenderer):
    """Deepgram-like page state with the mutations tests script; `snapshot()` renders it as JSON.

    Every mutation calls `_changed()`, which subclasses extend (the HTTP fake bumps its validators and
    wakes waiters there).
    """

    def __init__(
        self,
        clock: Callable[[], datetime] | None = None,
        time_zone: str = "Etc/UTC",
        *,
        page_name: str = "Deepgram",
        page_url: str = "https://status.deepgram.com",
        page_id: str | None = None,
    ) -> None:
        self._clock: Callable[[], datetime] = clock or (lambda: datetime.now(UTC))
        self.page_clock = PageClock(time_zone)
        self.page_name = page_name
        self.page_url = page_url.rstrip("/")
        self.page_id = page_id or stable_id(f"page:{page_name}")
        self._seq = 0  # never reset, so ids are not reused after `reset()`
        self._created_at = self.now()
        self._init_state()

    def _init_state(self) -> None:
        at = self._created_at
        group = Component(GROUP_ID, GROUP_NAME, 1, at, at, is_group=True)
        self.components: dict[str, Component] = {GROUP_ID: group}
        for position, (name, known) in enumerate(DEEPGRAM_COMPONENTS, start=1):
            cid = known or stable_id(f"component:{name}")
            self.components[cid] = Component(cid, name, position, at, at, group_id=GROUP_ID)
            group.children.append(cid)
        self.incidents: dict[str, Incident] = {}
        self.updated_at: datetime = self.now()

    # -- helpers ----------------------------------------------------------------------------------

    def now(self) -> datetime:
        """The current instant per the injected clock, as aware UTC."""
        return as_utc(self._clock())

    def _new_id(self, kind: str) -> str:
        self._seq += 1
        return stable_id(f"{self.page_id}:{kind}:{self._seq}")

    def _changed(self, at: datetime | None = None) -> None:
        """Record a state change: `page.updated_at` moves with it (§3.8)."""
        self.updated_at = at or self.now()

    def component_id(self, name_or_prefix: str) -> str:
        """Id of the component matching `name_or_prefix` loosely ("streaming" -> Streaming API)."""
        return self._model_component_id(name_or_prefix)

    def _model_component_id(self, query: str) -> str:
        # Mutations always resolve against the model, whatever the HTTP side currently serves.
        return find_component(query, ((c.id, c.name) for c in self.components.values()))

    def _leaf_ids(self, names: Iterable[str]) -> list[str]:
        """Resolve names/ids; a group stands for its children (incidents list leaf components)."""
        ids: list[str] = []
        for name in names:
            comp = self.components[self._model_component_id(name)]
            for cid in comp.children if comp.is_group else [comp.id]:
                if cid not in ids:
                    ids.append(cid)
        return ids

    def _display_name(self, comp: Component) -> str:
        # `affected_components[].name` is "GROUP - Child" for grouped components (§3.2).
        if comp.group_id is not None:
            return f"{self.components[comp.group_id].name} - {comp.name}"
        return comp.name

    def _set_statuses(self, ids: Sequence[str], status: str, at: datetime) -> list[AffectedComponent]:
        check_enum(status, COMPONENT_STATUSES, "component status")
        entries = []
        for cid in ids:
            comp = self.components[cid]
            entries.append(AffectedComponent(cid, self._display_name(comp), comp.status, status))
            if comp.status != status:
                comp.status = status
                comp.updated_at = at
        for group in self.components.values():
            if group.is_group:
                rolled = worst_status(self.components[c].status for c in group.children)
                if rolled != group.status:
                    group.status, group.updated_at = rolled, at
        return entries

    def _unchanged(self, ids: Sequence[str]) -> list[AffectedComponent]:
        return [
            AffectedComponent(c, self._display_name(self.components[c]), s, s)
            for c, s in ((c, self.components[c].status) for c in ids)
        ]

    def _incident(self, incident_id: str, *, maintenance: bool) -> Incident:
        inc = self.incidents.get(incident_id)
        if inc is None or inc.is_maintenance != maintenance:
            kind = "maintenance" if maintenance else "incident"
            raise KeyError(f"no {kind} {incident_id!r}")
        return inc

    def _post(
        self,
        inc: Incident,
        status: str,
        body: str | None,
        affected: list[AffectedComponent] | None,
        at: datetime,
        *,
        display_at: datetime | None = None,
        notify: bool = True,
    ) -> None:
        inc.status = status
        inc.updated_at = at
        update = IncidentUpdate(
            id=self._new_id("update"),
            status=status,
            body=DEFAULT_BODIES[status] if body is None else body,
            incident_id=inc.id,
            created_at=at,
            display_at=display_at or at,
            affected=affected,
            deliver_notifications=notify,
        )
        inc.updates.append(update)
        self._changed(at)

    # -- components -------------------------------------------------------------------------------

    def set_component(self, name_or_id: str, status: str) -> None:
        """Set a component's status (a group sets all its children). Same status: no change at all."""
        check_enum(status, COMPONENT_STATUSES, "component status")
        ids = self._leaf_ids([name_or_id])
        if all(self.components[c].status == status for c in ids):
            return
        at = self.now()
        self._set_statuses(ids, status, at)
        self._changed(at)

    # -- incidents --------------------------------------------------------------------------------

    def open_incident(
        self,
        name: str,
        *,
        impact: str | None = "minor",
        components: Sequence[str] = ("Streaming API",),
        status: str = "investigating",
        body: str | None = None,
        component_status: str | None = "degraded_performance",
        started_ago: timedelta = timedelta(0),
    ) -> str:
        """Open an incident and return its id.

        `component_status` is applied to `components` (None leaves them alone and the first update's
        `affected_components` is null). `impact=None` derives the impact from component statuses like
        Statuspage does for automated incidents (§3.3); otherwise it is a human override, which the page
        indicator ignores (§2). `started_ago` backdates `started_at`.
        """
        check_enum(status, UNRESOLVED_STATUSES, "opening status")
        if impact is not None:
            check_enum(impact, INCIDENT_IMPACTS, "impact")
        at = self.now()
        ids = self._leaf_ids(components)
        affected = None if component_status is None or not ids else self._set_statuses(ids, component_status, at)
        auto = impact is None
        inc = Incident(
            id=self._new_id("incident"),
            name=name,
            status=status,
            impact=impact_for(self.components[c].status for c in ids) if auto else str(impact),
            created_at=at,
            updated_at=at,
            started_at=at - started_ago,
            seq=self._seq,
            component_ids=ids,
            auto_impact=auto,
        )
        if status == "monitoring":
            inc.monitoring_at = at
        self.incidents[inc.id] = inc
        self._post(inc, status, body, affected, at)
        return inc.id

    def update_incident(
        self,
        incident_id: str,
        status: str = "identified",
        *,
        body: str | None = None,
        affected_components: Sequence[str] | None = None,
        component_status: str | None = None,
        backdate_seconds: float = 0.0,
    ) -> None:
        """Post an update. Without `component_status`, `affected_components` (names/ids) is recorded
        with old == new (quirk §3.1) and None gives a null list; with it, those components (default:
        the incident's) change status. `backdate_seconds` moves `display_at` back (§3.5).
        """
        inc = self._incident(incident_id, maintenance=False)
        check_enum(status, ("investigating", "identified", "monitoring", "postmortem"), "update status")
        if (status == "postmortem") != (inc.status in ("resolved", "postmortem")):
            raise ValueError(f"cannot post {status!r} to a {inc.status!r} incident (use resolve_incident)")
        at = self.now()
        ids = inc.component_ids if affected_components is None else self._leaf_ids(affected_components)
        inc.component_ids += [c for c in ids if c not in inc.component_ids]
        affected: list[AffectedComponent] | None
        if component_status is not None:
            affected = self._set_statuses(ids, component_status, at)
        else:
            affected = None if affected_components is None else self._unchanged(ids)
        if inc.auto_impact:
            derived = impact_for(self.components[c].status for c in inc.component_ids)
            inc.impact = max(inc.impact, derived, key=INCIDENT_IMPACTS.index)
        if status == "monitoring" and inc.monitoring_at is None:
            inc.monitoring_at = at
        display = at - timedelta(seconds=backdate_seconds)
        self._post(inc, status, body, affected, at, display_at=display)

    def resolve_incident(self, incident_id: str, body: str | None = None, *, backdate_seconds: float = 0) -> None:
        """Resolve: components back to operational; `resolved_at` (and the update's `display_at`) may be
        backdated, never before `started_at` (quirk §3.6).
        """
        inc = self._incident(incident_id, maintenance=False)
        if inc.status not in UNRESOLVED_STATUSES:
            raise ValueError(f"incident {incident_id!r} is already {inc.status}")
        at = self.now()
        affected = self._set_statuses(inc.component_ids, "operational", at) if inc.component_ids else None
        resolved_at = max(inc.started_at, at - timedelta(seconds=backdate_seconds))
        inc.resolved_at = resolved_at
        self._post(inc, "resolved", body, affected, at, display_at=resolved_at)

    # -- maintenances -----------------------------------------------------------------------------

    def schedule_maintenance(
        self,
        name: str,
        *,
        starts_in: timedelta,
        duration: timedelta,
        components: Sequence[str] = (GROUP_NAME,),
        body: str | None = None,
    ) -> str:
        """Announce a maintenance window (status `scheduled`, impact `maintenance`); returns its id.

        Like the real example, the announcement lists its components with old == new (§3.1).
        """
        at = self.now()
        ids = self._leaf_ids(components)
        inc = Incident(
            id=self._new_id("maintenance"),
            name=name,
            status="scheduled",
            impact=MAINTENANCE_IMPACT,
            created_at=at,
            updated_at=at,
            started_at=at,  # the real example: started_at == created_at, not scheduled_for
            seq=self._seq,
            component_ids=ids,
            scheduled_for=at + starts_in,
            scheduled_until=at + starts_in + duration,
        )
        self.incidents[inc.id] = inc
        self._post(inc, "scheduled", body, self._unchanged(ids), at)
        return inc.id

    def _step_maintenance(self, mid: str, status: str, component_status: str, body: str | None) -> None:
        inc = self._incident(mid, maintenance=True)
        order = ("scheduled", "in_progress", "verifying", "completed")
        if order.index(status) <= order.index(inc.status):
            raise ValueError(f"maintenance {mid!r} is already {inc.status}")
        at = self.now()
        affected = self._set_statuses(inc.component_ids, component_status, at)
        if status == "completed":
            inc.resolved_at = at
        # The real in-progress update went out with deliver_notifications false.
        self._post(inc, status, body, affected, at, notify=status != "in_progress")

    def start_maintenance(self, maintenance_id: str, body: str | None = None) -> None:
        """`in_progress`: its components go `under_maintenance` (page indicator `maintenance`)."""
        self._step_maintenance(maintenance_id, "in_progress", "under_maintenance", body)

    def verify_maintenance(self, maintenance_id: str, body: str | None = None) -> None:
        """`verifying`: components stay under maintenance."""
        self._step_maintenance(maintenance_id, "verifying", "under_maintenance", body)

    def complete_maintenance(self, maintenance_id: str, body: str | None = None) -> None:
        """`completed`: components back to operational, `resolved_at` set."""
        self._step_maintenance(maintenance_id, "completed", "operational", body)

    def cancel_maintenance(self, maintenance_id: str, body: str | None = None) -> None:
        """Call off a window still `scheduled`. Statuspage has no "cancelled" status (§2): the window is
        closed as `completed` without ever being in progress, with a note saying so; its components are
        untouched. It leaves `summary.json` and stays in `scheduled-maintenances.json` (to take it off
        the page entirely, `delete_maintenance`)."""
        inc = self._incident(maintenance_id, maintenance=True)
        if inc.status != "scheduled":
            raise ValueError(
                f"maintenance {maintenance_id!r} is already {inc.status}; only a scheduled one is cancelled"
            )
        at = self.now()
        inc.resolved_at = at
        self._post(inc, "completed", CANCELLED_BODY if body is None else body, self._unchanged(inc.component_ids), at)

    def delete_incident(self, incident_id: str) -> None:
        """Delete an incident from the page entirely, whatever its status: gone from every endpoint and
        feed, its own JSON answers 404. Component statuses stay as they are (deleting does not touch them)."""
        del self.incidents[self._incident(incident_id, maintenance=False).id]
        self._changed()

    def delete_maintenance(self, maintenance_id: str) -> None:
        """Delete a maintenance from the page entirely (scheduled, under way or completed), like `delete_incident`."""
        del self.incidents[self._incident(maintenance_id, maintenance=True).id]
        self._changed()

    def reset_state(self) -> None:
        """Back to the initial page: all operational, no incidents or maintenances."""
        self._init_state()
        self._changed()
