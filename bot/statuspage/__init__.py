"""Deepgram's official status page (Atlassian Statuspage): the model and tolerant parser, and the client."""

from bot.statuspage.page import Component, Incident, StatusPageClient, Summary, SummaryFetch, parse_summary

__all__ = ["Component", "Incident", "StatusPageClient", "Summary", "SummaryFetch", "parse_summary"]
