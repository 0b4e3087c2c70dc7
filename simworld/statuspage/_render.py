"""Rendering the page state as the JSON objects the endpoints and feeds serve (statuspage.md §2)."""

from __future__ import annotations

from datetime import datetime

from ._common import JSON, PageClock, page_status
from ._records import Component, Incident, IncidentUpdate
from ._views import Snapshot


class PageRenderer:
    """The JSON side of `StatusPageModel`: it renders the state the model keeps."""

    page_clock: PageClock
    page_id: str
    page_name: str
    page_url: str
    updated_at: datetime
    components: dict[str, Component]
    incidents: dict[str, Incident]

    def _component_json(self, comp: Component) -> JSON:
        iso = self.page_clock.iso
        out: JSON = {
            "id": comp.id,
            "name": comp.name,
            "status": comp.status,
            "created_at": iso(comp.created_at),
            "updated_at": iso(comp.updated_at),
            "position": comp.position,
            "description": comp.description,
            "showcase": comp.showcase,
            # §2 lists start_date (a date) although the 2020 example predates it.
            "start_date": self.page_clock.local(comp.created_at).date().isoformat(),
            "group_id": comp.group_id,
            "page_id": self.page_id,
            "group": comp.is_group,
            "only_show_if_degraded": comp.only_show_if_degraded,
        }
        if comp.is_group:
            out["components"] = list(comp.children)
        return out

    def _update_json(self, u: IncidentUpdate) -> JSON:
        iso = self.page_clock.iso
        affected = None
        if u.affected is not None:
            affected = [
                {"code": a.code, "name": a.name, "old_status": a.old_status, "new_status": a.new_status}
                for a in u.affected
            ]
        return {
            "id": u.id,
            "status": u.status,
            "body": u.body,
            "incident_id": u.incident_id,
            "created_at": iso(u.created_at),
            "updated_at": iso(u.created_at),
            "display_at": iso(u.display_at),
            "affected_components": affected,
            "deliver_notifications": u.deliver_notifications,
            "custom_tweet": None,
            "tweet_id": None,
        }

    def _incident_json(self, inc: Incident) -> JSON:
        iso = self.page_clock.iso
        out: JSON = {
            "id": inc.id,
            "name": inc.name,
            "status": inc.status,
            "created_at": iso(inc.created_at),
            "updated_at": iso(inc.updated_at),
            "monitoring_at": iso(inc.monitoring_at),
            "resolved_at": iso(inc.resolved_at),
            "impact": inc.impact,
            "shortlink": f"https://stspg.io/{inc.id}",
            "started_at": iso(inc.started_at),
            "page_id": self.page_id,
            "incident_updates": [self._update_json(u) for u in reversed(inc.updates)],  # newest first
            "components": [self._component_json(self.components[c]) for c in inc.component_ids],
        }
        if inc.is_maintenance:
            out["scheduled_for"] = iso(inc.scheduled_for)
            out["scheduled_until"] = iso(inc.scheduled_until)
        return out

    def page_json(self) -> JSON:
        """The `page` object."""
        return {
            "id": self.page_id,
            "name": self.page_name,
            "url": self.page_url,
            "time_zone": self.page_clock.name,
            "updated_at": self.page_clock.iso(self.updated_at),
        }

    def status_json(self) -> JSON:
        """`{indicator, description}` computed from leaf component statuses (§2)."""
        return page_status(c.status for c in self.components.values() if not c.is_group)

    def snapshot(self) -> Snapshot:
        """The whole page as JSON objects, for the endpoints and feeds."""
        newest = sorted(self.incidents.values(), key=lambda i: (i.created_at, i.seq), reverse=True)
        return Snapshot(
            page=self.page_json(),
            status=self.status_json(),
            components=[self._component_json(c) for c in self.components.values()],
            incidents=[self._incident_json(i) for i in newest if not i.is_maintenance],
            maintenances=[self._incident_json(i) for i in newest if i.is_maintenance],
        )
