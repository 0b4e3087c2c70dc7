"""Knob routes: which family a request belongs to (`FakeDeepgram.fail/rate_limit/…` take these names)."""

from __future__ import annotations

from aiohttp import web

ROUTES = (
    "listen",
    "listen_ws",
    "listen_v2",
    "speak",
    "speak_ws",
    "agent",
    "agent_models",
    "projects",
    "auth",
    "models",
    "*",
)


def route_of(request: web.Request) -> str:
    """Knob route name of a request.

    `/v1/projects/{id}/models…` counts as "models" (it is the models resource), every other
    `/v1/projects…` path as "projects". A GET on `/v1/speak` is the TTS socket ("speak_ws"); the agent
    socket (also the early-access `/agent`) is "agent", its think-models list "agent_models".
    """
    path = request.path.rstrip("/")
    if path == "/v1/listen":
        return "listen_ws" if request.method == "GET" else "listen"
    if path == "/v1/speak":
        return "speak_ws" if request.method == "GET" else "speak"
    if path == "/v2/listen" and request.method == "GET":
        return "listen_v2"
    if path in ("/v1/agent/converse", "/agent"):
        return "agent"
    if path == "/v1/agent/settings/think/models":
        return "agent_models"
    if path.startswith("/v1/models") or (path.startswith("/v1/projects/") and "/models" in path):
        return "models"
    if path.startswith("/v1/projects"):
        return "projects"
    if path.startswith("/v1/auth/"):
        return "auth"
    return "other"
