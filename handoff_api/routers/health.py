"""Is every component ready? 200 when all are, 503 naming the missing ones before."""

from __future__ import annotations

from typing import Any

import httpx
from anyio import to_thread
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import Engine, text

from gateway.rasa_client import RasaClient
from guichet.db import session_scope
from handoff_api.committed_route import CommittedRoute
from handoff_api.deps import caller_or_none

router = APIRouter(tags=["health"], route_class=CommittedRoute)


async def actions_ready(url: str) -> bool:
    try:
        async with httpx.AsyncClient(timeout=2.0) as client:
            response = await client.get(f"{url}/health")
    except httpx.HTTPError:
        return False
    return response.status_code == 200


def database_ready(engine: Engine) -> str:
    """Run in a worker thread: a database that does not answer must not hold the event loop."""
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        return "ok"
    except Exception as error:  # noqa: BLE001 - any failure means "not ready", reported by name
        return f"unavailable: {type(error).__name__}"


def shows_details(request: Request) -> bool:
    """Components for everyone by default; with ``GUICHET_PUBLIC_HEALTH_DETAILS=false`` for staff only."""
    if request.app.state.settings.public_health_details:
        return True
    with session_scope(request.app.state.session_factory) as session:
        return caller_or_none(request, session, request.headers.get("authorization")) is not None


@router.get("/api/health", responses={503: {"description": "Not ready: the same body, naming what is missing",
                                            "content": {"application/json": {"schema": {"type": "object"}}}}})
async def health(request: Request) -> JSONResponse:
    state = request.app.state
    components: dict[str, Any] = {}
    components["database"] = await to_thread.run_sync(database_ready, state.engine)
    rasa: RasaClient = state.rasa
    components["rasa"] = "ok" if await rasa.is_ready() else "unavailable"
    actions_url = state.settings.resolved_actions_url.removesuffix("/webhook")
    components["actions"] = "ok" if await actions_ready(actions_url) else "unavailable"
    knowledge_base = state.knowledge_base
    load_error = state.knowledge_base_error
    if load_error is not None:
        components["model"] = f"failed: {load_error}"
    else:
        components["model"] = "ok" if knowledge_base is not None and knowledge_base.ready else "loading"
    return await answer(request, components)


@router.get("/api/health/instance")
async def instance_health(request: Request) -> JSONResponse:
    """This instance alone ready to serve (database and model), whatever Rasa and the actions do: what a load
    balancer checks, so that a Rasa outage does not take every application instance out of its pool."""
    state = request.app.state
    components = {"database": await to_thread.run_sync(database_ready, state.engine),
                  "model": "ok" if state.knowledge_base is not None and state.knowledge_base.ready else "loading"}
    return await answer(request, components)


async def answer(request: Request, components: dict[str, Any]) -> JSONResponse:
    """200 when every component is ready, else 503; the components only to those ``shows_details`` allows."""
    missing = sorted(name for name, value in components.items() if value != "ok")
    body: dict[str, Any] = {"status": "ok" if not missing else "unavailable"}
    if await to_thread.run_sync(shows_details, request):
        body.update(components=components, missing=missing)
    return JSONResponse(body, status_code=200 if not missing else 503)
