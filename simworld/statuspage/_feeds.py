"""`/history.rss` and `/history.atom` in the modern `<var data-var=…>` markup (reference §4).

Modelled on the real feeds in data/statuspage/ (`moonpay_history_2025-11.rss`,
`streamyard_history_2024-06.{rss,atom}`): one item per incident or maintenance, the HTML of every
update newest first, `guid` = `link` = `<page>/incidents/<id>`.
"""

from __future__ import annotations

import html
from datetime import datetime, tzinfo
from email.utils import format_datetime
from typing import Final
from urllib.parse import urlsplit
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ._common import JSON, feed_number, parse_iso
from ._views import Snapshot

#: Items per feed. The real MoonPay feed holds exactly 25 (unverified as a rule).
FEED_LIMIT: Final = 25

_MONTHS: Final = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_LABELS: Final = {"in_progress": "In progress"}


def _zone(page: JSON) -> tzinfo | None:
    """The page's zone, or None (then each timestamp keeps its own offset: old payloads lack it)."""
    name = page.get("time_zone")
    if not isinstance(name, str):
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def _local(text: str, zone: tzinfo | None) -> datetime:
    moment = parse_iso(text)
    return moment.astimezone(zone) if zone is not None else moment


def _update_time(update: JSON) -> str:
    return str(update.get("display_at") or update.get("created_at"))


def _updates_html(item: JSON, zone: tzinfo | None) -> str:
    """`<p><small>Mon <var data-var='date'>D</var>, <var data-var='time'>HH:MM</var> TZ</small><br>
    <strong>Status</strong> - body</p>` per update, newest first; a repeated status reads "Update"."""
    updates: list[JSON] = list(item.get("incident_updates") or [])
    parts = []
    for index, update in enumerate(updates):
        status = str(update.get("status", ""))
        older = updates[index + 1] if index + 1 < len(updates) else None
        label = _LABELS.get(status, status.capitalize())
        if older is not None and older.get("status") == status:
            label = "Update"
        at = _local(_update_time(update), zone)
        body = html.escape(str(update.get("body") or ""), quote=False).replace("\n", "<br />")
        parts.append(
            f"<p><small>{_MONTHS[at.month - 1]} <var data-var='date'>{at.day:>2}</var>, "
            f"<var data-var='time'>{at:%H:%M}</var> {at.tzname()}</small><br>"
            f"<strong>{html.escape(label)}</strong> - {body}</p>"
        )
    return "".join(parts)


def _last_update(item: JSON) -> str:
    updates = item.get("incident_updates") or []
    return _update_time(updates[0]) if updates else str(item.get("updated_at") or item.get("created_at"))


def _items(snap: Snapshot) -> list[JSON]:
    items = [*snap.incidents, *snap.maintenances]
    items.sort(key=lambda item: parse_iso(_last_update(item)), reverse=True)
    return items[:FEED_LIMIT]


def _page_parts(snap: Snapshot) -> tuple[str, str, tzinfo | None, datetime | None]:
    url = str(snap.page.get("url") or "").rstrip("/")
    title = f"{snap.page.get('name', '')} Status - Incident History"
    updated = snap.page.get("updated_at")
    zone = _zone(snap.page)
    return url, title, zone, _local(updated, zone) if isinstance(updated, str) else None


def _rss_text(text: str) -> str:
    # The real RSS escapes apostrophes too (`&apos;`), the Atom feed does not.
    return escape(text, {"'": "&apos;", '"': "&quot;"})


def render_rss(snap: Snapshot) -> bytes:
    """RSS 2.0 history feed; `pubDate` = the item's latest update, in the page's offset."""
    url, title, zone, updated = _page_parts(snap)
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">',
        "  <channel>",
        f"    <title>{_rss_text(title)}</title>",
        f"    <link>{_rss_text(url)}</link>",
        "    <description>Statuspage</description>",
    ]
    if updated is not None:
        lines.append(f"    <pubDate>{format_datetime(updated)}</pubDate>")
    for item in _items(snap):
        link = _rss_text(f"{url}/incidents/{item.get('id')}")
        lines += [
            "    <item>",
            f"      <title>{_rss_text(str(item.get('name', '')))}</title>",
            f"      <description>\n{_rss_text(_updates_html(item, zone))}      </description>",
            f"      <pubDate>{format_datetime(_local(_last_update(item), zone))}</pubDate>",
        ]
        if item.get("scheduled_until"):
            end = format_datetime(_local(str(item["scheduled_until"]), zone))
            lines.append(f"      <maintenanceEndDate>{end}</maintenanceEndDate>")
        lines += [f"      <link>{link}</link>", f"      <guid>{link}</guid>", "    </item>"]
    lines += ["  </channel>", "</rss>", ""]
    return "\n".join(lines).encode()


def _attr(text: str) -> str:
    return escape(text, {'"': "&quot;"})


def _atom_time(moment: datetime) -> str:
    text = moment.replace(microsecond=0).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def render_atom(snap: Snapshot) -> bytes:
    """Atom history feed: entry id `tag:<host>,2005:Incident/<number>`; `updated` moves with every
    update (the incident's `updated_at`), so readers dedupe on (id, updated) (§4)."""
    url, title, zone, updated = _page_parts(snap)
    host = urlsplit(url).netloc or url
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<feed xml:lang="en-US" xmlns="http://www.w3.org/2005/Atom">',
        f"  <id>tag:{escape(host)},2005:/history</id>",
        f'  <link rel="alternate" type="text/html" href="{_attr(url)}"/>',
        f'  <link rel="self" type="application/atom+xml" href="{_attr(url + "/history.atom")}"/>',
        f"  <title>{escape(title)}</title>",
    ]
    if updated is not None:
        lines.append(f"  <updated>{_atom_time(updated)}</updated>")
    lines += ["  <author>", f"    <name>{escape(str(snap.page.get('name', '')))}</name>", "  </author>"]
    for item in _items(snap):
        changed = str(item.get("updated_at") or _last_update(item))
        link = _attr(f"{url}/incidents/{item.get('id')}")
        lines += [
            "  <entry>",
            f"    <id>tag:{escape(host)},2005:Incident/{feed_number(str(item.get('id')))}</id>",
            f"    <published>{_atom_time(_local(_last_update(item), zone))}</published>",
            f"    <updated>{_atom_time(_local(changed, zone))}</updated>",
            f'    <link rel="alternate" type="text/html" href="{link}"/>',
            f"    <title>{escape(str(item.get('name', '')))}</title>",
            f'    <content type="html">{escape(_updates_html(item, zone))}</content>',
            "  </entry>",
        ]
    lines += ["</feed>", ""]
    return "\n".join(lines).encode()
