"""The schema, as versioned migrations (sqlite-utils): applied in order whenever the database is opened.

A schema change is a new function registered on `migrations`, never an edit of one already applied:
each applied name is recorded in `_sqlite_migrations`, so an edited function would never run again.
"""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

migrations = Migrations("deepgram-doctor")


@migrations()
def m0001_seen_events(db: Database) -> None:
    """Slack redelivers events it thinks we missed; remember which ones were handled."""
    table = db.table("seen_events")
    table.create({"event_key": str, "seen_at": float}, pk="event_key")
    table.create_index(["seen_at"])


@migrations()
def m0002_probe_runs(db: Database) -> None:
    """Every status check: its verdict, the report as shown (for "post to channel"), per-surface results."""
    runs = db.table("probe_runs")
    runs.create(
        {
            "id": int,
            "checked_at": float,
            "verdict": str,
            "indicator": str,
            "official_state": str,
            "elapsed_ms": float,
            "text": str,
            "blocks": str,
        },
        pk="id",
    )
    runs.create_index(["checked_at"])
    results = db.table("probe_results")
    results.create(
        {
            "run_id": int,
            "checked_at": float,
            "surface": str,
            "state": str,
            "elapsed_ms": float,
            "http_status": int,
            "close_code": int,
            "error_code": str,
            "topic": str,
            "timings": str,
        },
        foreign_keys=[("run_id", "probe_runs", "id")],
    )
    results.create_index(["surface", "checked_at"])


@migrations()
def m0003_monitor(db: Database) -> None:
    """Alert subscriptions, the monitor's memory, the outbox and the threads it opened."""
    db.table("subscriptions").create(
        {
            "channel_id": str,
            "team_id": str,
            "filters": str,  # JSON list of surfaces / component names; empty = everything
            "min_severity": str,
            "created_by": str,
            "created_at": float,
            "active": int,
            "deactivated_reason": str,
            "deactivated_at": float,
        },
        pk="channel_id",
    )
    db.table("monitor_state").create({"name": str, "value": str, "updated_at": float}, pk="name")
    outbox = db.table("outbox")
    outbox.create(
        {
            "id": int,
            "event_key": str,
            "thread": str,
            "channel_id": str,
            "event": str,
            "status": str,  # pending → inflight → sent | dropped | dead
            "attempts": int,
            "next_attempt_at": float,
            "created_at": float,
            "sent_at": float,
            "slack_ts": str,
            "error": str,
        },
        pk="id",
    )
    outbox.create_index(["event_key", "channel_id"], unique=True)
    outbox.create_index(["status", "channel_id", "id"])
    db.table("threads").create(
        {"thread": str, "channel_id": str, "root_ts": str, "created_at": float}, pk=("thread", "channel_id")
    )
    db.table("incident_log").create(
        {"id": str, "name": str, "impact": str, "link": str, "started_at": str, "resolved_at": str}, pk="id"
    )


@migrations()
def m0004_probe_result_causes(db: Database) -> None:
    """Each stored probe result's classified cause, so the history can tell our side from Deepgram's."""
    db.table("probe_results").add_column("cause", str)


@migrations()
def m0005_leases(db: Database) -> None:
    """Single-writer leases (the monitor and courier run in one process at a time), and when a send began."""
    db.table("leases").create(
        {
            "name": str,
            "holder": str,  # "<host>:<pid>:<random>", unique per process start
            "host": str,
            "pid": int,
            "acquired_at": float,
            "renewed_at": float,
            "expires_at": float,
        },
        pk="name",
    )
    # When the row first and last went in flight: the bounds of the history search after a crash.
    db.table("outbox").add_column("first_inflight_at", float)
    db.table("outbox").add_column("inflight_at", float)


@migrations()
def m0006_subscription_options(db: Database) -> None:
    """Whom an alert mentions (a user or user group, from which severity), and the weekly digest."""
    subscriptions = db.table("subscriptions")
    subscriptions.add_column("mention", str)  # Slack ID: "U…"/"W…" (a user) or "S…" (a user group)
    subscriptions.add_column("mention_label", str)  # "@oncall", for the subscriptions list
    subscriptions.add_column("mention_min", str)  # a severity; roots of alerts at or above it mention
    subscriptions.add_column("digest", str)  # "weekly", or NULL for none


@migrations()
def m0007_digest_inputs(db: Database) -> None:
    """What the weekly digest reports that was not stored before: topics asked about, balance samples."""
    db.table("topic_asks").create({"day": str, "topic": str, "count": int}, pk=("day", "topic"))
    balances = db.table("balance_samples")
    balances.create({"checked_at": float, "project_id": str, "amount": float, "units": str})
    balances.create_index(["checked_at"])


@migrations()
def m0008_digest_details(db: Database) -> None:
    """Which status-page components each logged incident named (the digest sets them beside each surface's
    own uptime), and the project's name with each balance sample (the digest names the project)."""
    db.table("incident_log").add_column("components", str)  # JSON list of component names
    db.table("balance_samples").add_column("project_name", str)
