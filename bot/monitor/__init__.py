"""Outage alerts: change detection, subscriptions' filters, the outbox and its delivery."""
