"""The OpenAPI schema documents every error an operation can answer, in the one shape errors have.

Every error body is a ``Problem``: ``{"detail": "<what was wrong, naming the field or the key>", ...}``
(``errors.py``), with extra keys for some (``errors`` for invalid requests, ``length`` and ``limit`` for a
text too long). FastAPI's default 422 schema (``HTTPValidationError``, a list) does not describe that, and it
documents no 401, 403 or 404. ``install`` derives them from each route: a caller that must be signed in may
get 401 and 403, a path parameter 404, a request with parameters 422, the knowledge base 503 while it loads;
codes particular to one route are declared on it (``responses={409: ...}``) and get the same shape here.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute

from handoff_api.deps import current_agent, get_knowledge_base

PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "Problem", "type": "object", "required": ["detail"], "additionalProperties": True,
    "properties": {"detail": {"title": "Detail", "description": "What was wrong, naming the field or the key",
                              "anyOf": [{"type": "string"}, {"type": "array", "items": {}}]}},
}
PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
DESCRIPTIONS = {400: "Bad request", 401: "Not signed in, or an unknown or revoked token",
                403: "Signed in, but this role or this request may not do it", 404: "No such resource",
                409: "Conflict with the resource's current state", 413: "Request body too large",
                422: "Invalid request: the detail names the field", 429: "Too many requests",
                503: "A component is not ready yet"}


def problem(*codes: int) -> dict[int | str, dict[str, Any]]:
    """``responses=`` for a route's own error codes (their schema is set by ``install``)."""
    return {code: {"description": DESCRIPTIONS.get(code, "Error")} for code in codes}


def _dependants(dependant: Dependant) -> Iterator[Dependant]:
    yield dependant
    for child in dependant.dependencies:
        yield from _dependants(child)


def api_routes(routes: list[Any]) -> Iterator[APIRoute]:
    """Every API route, including those of included routers (FastAPI wraps those in ``original_router``)."""
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        inner = getattr(route, "original_router", None)
        if inner is not None:
            yield from api_routes(inner.routes)


def derived_codes(route: APIRoute) -> set[int]:
    codes: set[int] = set()
    every = list(_dependants(route.dependant))
    calls = {dependant.call for dependant in every}
    if current_agent in calls:
        codes |= {401, 403}
    if any(param.alias.lower() == "authorization" for dependant in every for param in dependant.header_params):
        codes.add(401)
    if get_knowledge_base in calls:
        codes.add(503)
    if route.dependant.path_params:
        codes.add(404)
    if any(dependant.path_params or dependant.query_params or dependant.header_params or dependant.body_params
           or dependant.cookie_params for dependant in every):
        codes.add(422)
    return codes


def documented_schema(app: FastAPI) -> dict[str, Any]:
    schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components["Problem"] = PROBLEM_SCHEMA
    for name in ("HTTPValidationError", "ValidationError"):
        components.pop(name, None)
    for route in api_routes(app.routes):
        if not route.include_in_schema:
            continue
        path = schema["paths"].get(route.path_format, {})
        for method in route.methods or ():
            operation = path.get(method.lower())
            if operation is None:
                continue
            responses = operation.setdefault("responses", {})
            codes = derived_codes(route) | {int(code) for code in responses if code.isdigit() and int(code) >= 400}
            for code in sorted(codes):
                entry = responses.setdefault(str(code), {"description": DESCRIPTIONS.get(code, "Error")})
                if "content" not in entry or "HTTPValidationError" in str(entry["content"]):
                    entry["content"] = {"application/json": {"schema": PROBLEM_REF}}
    return schema


def install(app: FastAPI) -> None:
    """Replaces ``app.openapi`` by the documented schema (built once, on the first request for it)."""
    built: dict[str, Any] = {}

    def openapi() -> dict[str, Any]:
        if not built:
            built.update(documented_schema(app))
        return built

    app.openapi = openapi  # type: ignore[method-assign]
