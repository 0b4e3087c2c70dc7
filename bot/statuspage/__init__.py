"""Deepgram's official status page (Atlassian Statuspage): the model and tolerant parser (pure), and the client."""

from bot.statuspage.client import FetchState, StatusPageClient, SummaryFetch
from bot.statuspage.model import (
    ACTIVE_MAINTENANCE,
    CLOSED_INCIDENT,
    COMPONENT_SEVERITY,
    UNRESOLVED_INCIDENT,
    Component,
    Incident,
    IncidentUpdate,
    PageRecords,
    Summary,
    SummaryFormatError,
)
from bot.statuspage.parse import parse_components, parse_incident, parse_incidents, parse_maintenances, parse_summary

__all__ = [
    "ACTIVE_MAINTENANCE",
    "CLOSED_INCIDENT",
    "COMPONENT_SEVERITY",
    "UNRESOLVED_INCIDENT",
    "Component",
    "FetchState",
    "Incident",
    "IncidentUpdate",
    "PageRecords",
    "StatusPageClient",
    "Summary",
    "SummaryFetch",
    "SummaryFormatError",
    "parse_components",
    "parse_incident",
    "parse_incidents",
    "parse_maintenances",
    "parse_summary",
]
