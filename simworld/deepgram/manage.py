"""Management routes (`/v1/projects…`, `/v1/models…`) and the token routes (`/v1/auth/*`), §1.2–§1.3, §3.2."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, Literal

from aiohttp import web

from . import errors as E
from .common import (
    Authed,
    authenticate,
    error_response,
    fake_of,
    json_response,
    presented_credentials,
    request_id,
)
from .errors import ErrorReply
from .models import STT_MODELS, TTS_MODELS, listed_stt, listed_tts, stt_listing
from .state import ApiKey, Project, iso


def _is_uuid(text: str) -> bool:
    return E.uuid_parse_error(text).endswith("failed to parse a UUID")


async def _project_or_error(request: web.Request) -> tuple[Authed, Project] | web.Response:
    """Authenticate (modern errors), then resolve `{project_id}` (plain-text 404 when malformed)."""
    dg = fake_of(request)
    rid = request_id(request)
    auth = authenticate(request, "manage", presented_credentials(request, websocket=False))
    if isinstance(auth, ErrorReply):
        return error_response(request, auth)
    assert isinstance(auth, Authed)
    pid = request.match_info["project_id"]
    if not _is_uuid(pid):
        # Plain text from the uuid parser, e.g. "UUID parsing failed: … found `p` at 1" (§2.1).
        return error_response(request, ErrorReply(404, E.uuid_parse_error(pid)))
    project = dg.projects.get(pid.lower())
    # A key only sees its own projects: another project's id is answered as not found (unverified).
    if project is None or (
        project.project_id != auth.project.project_id and project.project_id not in auth.key.other_project_ids
    ):
        if dg.project_not_found_form == "legacy":
            return error_response(request, ErrorReply(404, E.legacy(E.PROJECT_NOT_FOUND_LEGACY, None)))
        return error_response(request, ErrorReply(404, E.modern(E.PROJECT_NOT_FOUND, rid)))
    return auth, project


def _not_found(request: web.Request, what: str) -> web.Response:
    """Modern NOT_FOUND for a missing key/balance/model (wording unverified, shaped like project_not_found)."""
    return error_response(
        request,
        ErrorReply(
            404,
            {
                "category": "NOT_FOUND",
                "message": f"A {what} with the submitted ID cannot be found.",
                "details": f"Check that you have submitted the intended {what} ID.",
                "request_id": request_id(request),
            },
        ),
    )


async def list_projects(request: web.Request) -> web.Response:
    """`GET /v1/projects` → the projects the key can see (a key belongs to one project)."""
    auth = authenticate(request, "manage", presented_credentials(request, websocket=False))
    if isinstance(auth, ErrorReply):
        return error_response(request, auth)
    assert isinstance(auth, Authed)
    dg = fake_of(request)
    reached = [auth.project] + [dg.projects[pid] for pid in auth.key.other_project_ids if pid in dg.projects]
    return json_response(request, {"projects": [{"project_id": p.project_id, "name": p.name} for p in reached]})


async def get_project(request: web.Request) -> web.Response:
    """`GET /v1/projects/{id}` (OAS `GetProjectV1Response`)."""
    found = await _project_or_error(request)
    if isinstance(found, web.Response):
        return found
    _, p = found
    return json_response(request, {"project_id": p.project_id, "mip_opt_out": p.mip_opt_out, "name": p.name})


def _key_json(key: ApiKey, *, full: bool) -> dict[str, Any]:
    out: dict[str, Any] = {"api_key_id": key.api_key_id, "comment": key.comment, "scopes": list(key.scopes)}
    if full:
        out["tags"] = list(key.tags)
    if key.expiration is not None:
        out["expiration_date"] = iso(key.expiration)
    out["created"] = iso(key.created)
    return out


def _keys_refused(request: web.Request, auth: Authed) -> web.Response | None:
    """With the `keys_need_admin` knob, a key below admin may not read keys (OAS-2025 `project_unauthorized`)."""
    if fake_of(request).keys_need_admin and not {"admin", "owner"} & set(auth.key.scopes):
        return error_response(request, ErrorReply(401, "User does not have sufficient permissions."))
    return None


async def _project_for_keys(request: web.Request) -> Project | web.Response:
    """The project whose keys are asked for, or the refusal (unknown project, or not allowed)."""
    found = await _project_or_error(request)
    if isinstance(found, web.Response):
        return found
    return _keys_refused(request, found[0]) or found[1]


async def list_keys(request: web.Request) -> web.Response:
    """`GET /v1/projects/{id}/keys[?status=active|expired]` (OAS `ListProjectKeysV1Response`)."""
    p = await _project_for_keys(request)
    if isinstance(p, web.Response):
        return p
    dg = fake_of(request)
    status = request.query.get("status")
    items = []
    for key in dg.keys.values():
        if key.project_id != p.project_id:
            continue
        if status == "active" and key.is_expired():
            continue
        if status == "expired" and not key.is_expired():
            continue
        items.append(
            {
                "member": {"member_id": key.member.member_id, "email": key.member.email},
                "api_key": _key_json(key, full=False),
            }
        )
    return json_response(request, {"api_keys": items})


async def get_key(request: web.Request) -> web.Response:
    """`GET /v1/projects/{id}/keys/{key_id}` (OAS `GetProjectKeyV1Response`)."""
    p = await _project_for_keys(request)
    if isinstance(p, web.Response):
        return p
    dg = fake_of(request)
    key_id = request.match_info["key_id"]
    for key in dg.keys.values():
        if key.project_id == p.project_id and key.api_key_id == key_id:
            m = key.member
            member = {
                "member_id": m.member_id,
                "email": m.email,
                "first_name": m.first_name,
                "last_name": m.last_name,
                "api_key": _key_json(key, full=True),
            }
            return json_response(request, {"item": {"member": member}})
    return _not_found(request, "key")


async def list_balances(request: web.Request) -> web.Response:
    """`GET /v1/projects/{id}/balances`; an invoiced project has an empty list (§3.2)."""
    found = await _project_or_error(request)
    if isinstance(found, web.Response):
        return found
    _, p = found
    return json_response(request, {"balances": [b.as_json() for b in p.balances]})


async def get_balance(request: web.Request) -> web.Response:
    """`GET /v1/projects/{id}/balances/{balance_id}`."""
    found = await _project_or_error(request)
    if isinstance(found, web.Response):
        return found
    _, p = found
    for b in p.balances:
        if b.balance_id == request.match_info["balance_id"]:
            return json_response(request, b.as_json())
    return _not_found(request, "balance")


async def list_purchases(request: web.Request) -> web.Response:
    """`GET /v1/projects/{id}/purchases` (OAS `ListProjectPurchasesV1Response`)."""
    found = await _project_or_error(request)
    if isinstance(found, web.Response):
        return found
    _, p = found
    return json_response(request, {"orders": [o.as_json() for o in p.purchases]})


def _models_body() -> dict[str, Any]:
    return {"stt": [stt_listing(m) for m in listed_stt()], "tts": [m.listing() for m in listed_tts()]}


def _model_by_uuid(model_id: str) -> dict[str, Any] | None:
    for stt in STT_MODELS.values():
        if stt.uuid == model_id:
            return stt_listing(stt)
    for tts in TTS_MODELS.values():
        if tts.uuid == model_id:
            return tts.listing()
    return None


async def list_models(request: web.Request) -> web.Response:
    """`GET /v1/models` (management auth; a JWT is refused)."""
    auth = authenticate(request, "manage", presented_credentials(request, websocket=False))
    if isinstance(auth, ErrorReply):
        return error_response(request, auth)
    return json_response(request, _models_body())


async def get_model(request: web.Request) -> web.Response:
    """`GET /v1/models/{model_id}` (a UUID)."""
    auth = authenticate(request, "manage", presented_credentials(request, websocket=False))
    if isinstance(auth, ErrorReply):
        return error_response(request, auth)
    body = _model_by_uuid(request.match_info["model_id"])
    return json_response(request, body) if body is not None else _not_found(request, "model")


async def list_project_models(request: web.Request) -> web.Response:
    """`GET /v1/projects/{id}/models`."""
    found = await _project_or_error(request)
    if isinstance(found, web.Response):
        return found
    return json_response(request, _models_body())


async def get_project_model(request: web.Request) -> web.Response:
    """`GET /v1/projects/{id}/models/{model_id}`."""
    found = await _project_or_error(request)
    if isinstance(found, web.Response):
        return found
    body = _model_by_uuid(request.match_info["model_id"])
    return json_response(request, body) if body is not None else _not_found(request, "model")


# -- /v1/auth/* ----------------------------------------------------------------------------------------


async def grant(request: web.Request) -> web.Response:
    """`POST /v1/auth/grant` → `{"access_token": <JWT>, "expires_in": ttl}` (OAS `GrantV1Response`, §1.2)."""
    dg = fake_of(request)
    rid = request_id(request)
    auth = authenticate(request, "auth", presented_credentials(request, websocket=False))
    if isinstance(auth, ErrorReply):
        return error_response(request, auth)  # plain text `Invalid credentials.`
    assert isinstance(auth, Authed)
    if not auth.key.has_role():
        # Below Member: the docs FAQ shows 403 FORBIDDEN; a JS-SDK recording shows 400 BAD_REQUEST (§1.2).
        if dg.grant_denied_form == "bad_request":
            return error_response(request, ErrorReply(400, E.legacy(E.GRANT_BAD_REQUEST, None)))
        return error_response(request, ErrorReply(403, E.legacy(E.GRANT_FORBIDDEN, None)))
    ttl: float = 30.0
    raw = await request.read()
    if raw.strip():
        try:
            doc = json.loads(raw)
        except ValueError:
            return error_response(
                request,
                ErrorReply(
                    400,
                    {
                        "category": "INVALID_JSON",
                        "message": "Invalid JSON submitted.",
                        "details": "Json deserialize error: expected value at line 1 column 1",
                        "request_id": rid,
                    },
                ),
            )
        value = doc.get("ttl_seconds", 30) if isinstance(doc, dict) else 30
        # The SDK checks 1..3600 client-side (PR #557); the server's own bound is undocumented.
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= 3600:
            return error_response(
                request, ErrorReply(400, E.legacy(("BAD_REQUEST", "ttl_seconds must be between 1 and 3600."), rid))
            )
        ttl = float(value)
    token = dg.tokens.mint(auth.key, ttl)
    dg.notify()
    expires: float | int = int(ttl) if float(ttl).is_integer() else ttl
    return json_response(request, {"access_token": token, "expires_in": expires})


#: The body of `GET /v1/auth/token`. Its success shape is undocumented (deepgram.md §1.3: "a JSON response
#: with details about your key", absent from the 2026 OAS, typed `{[key: string]: unknown}` by the JS SDK),
#: so every variant below is a guess, on purpose: the bot must not depend on any one of them.
#: "wrapped": project, member and the key's fields under `api_key` (shaped like `GET …/keys/{key_id}`);
#: "flat": the key's fields at the top level; "minimal": only `api_key_id`; "empty": `{}`;
#: "unknown": plausible JSON under names the bot does not read; or a callable (key, project) → any JSON.
TokenDetailsShape = Literal["wrapped", "flat", "minimal", "empty", "unknown"] | Callable[[ApiKey, Project], Any]


def token_details_body(shape: TokenDetailsShape, key: ApiKey, project: Project) -> Any:
    """One guessed answer to `GET /v1/auth/token` for `key` (never its secret)."""
    if callable(shape):
        return shape(key, project)
    fields = _key_json(key, full=True)
    if shape == "wrapped":
        return {
            "project": {"project_id": project.project_id, "name": project.name},
            "member": {"member_id": key.member.member_id, "email": key.member.email},
            "api_key": fields,
        }
    if shape == "flat":
        return {**fields, "project_id": project.project_id, "member_id": key.member.member_id}
    if shape == "minimal":
        return {"api_key_id": key.api_key_id}
    if shape == "unknown":
        expires = iso(key.expiration) if key.expiration is not None else None
        return {"valid": True, "key": {"id": key.api_key_id, "permissions": list(key.scopes), "expires_at": expires}}
    return {}


async def token_details(request: web.Request) -> web.Response:
    """`GET /v1/auth/token` → details of the key, in the shape the `token_details_shape` knob picks (§1.3)."""
    dg = fake_of(request)
    if not dg.token_details_enabled:
        # As if the route were gone (it is not in the 2026 OAS): aiohttp's own 404 text, like any unknown path.
        return web.Response(status=404, text="404: Not Found", content_type="text/plain")
    auth = authenticate(request, "auth", presented_credentials(request, websocket=False))
    if isinstance(auth, ErrorReply):
        return error_response(request, auth)
    assert isinstance(auth, Authed)
    key = auth.key
    return json_response(request, token_details_body(dg.token_details_shape, key, dg.projects[key.project_id]))
