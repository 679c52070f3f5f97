"""Is every component ready? 200 when all are, 503 naming the missing ones before."""

from __future__ import annotations

from typing import Any

import httpx
from anyio import to_thread
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import Engine, text

from bot.rasa_client import RasaClient

router = APIRouter(tags=["health"])


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


@router.get("/api/health")
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
    missing = sorted(name for name, value in components.items() if value != "ok")
    body = {"status": "ok" if not missing else "unavailable", "components": components, "missing": missing}
    return JSONResponse(body, status_code=200 if not missing else 503)


@router.get("/api/health/instance")
async def instance_health(request: Request) -> JSONResponse:
    """This instance alone ready to serve (database and model), whatever Rasa and the actions do: what a load
    balancer checks, so that a Rasa outage does not take every application instance out of its pool."""
    state = request.app.state
    components = {"database": await to_thread.run_sync(database_ready, state.engine),
                  "model": "ok" if state.knowledge_base is not None and state.knowledge_base.ready else "loading"}
    missing = sorted(name for name, value in components.items() if value != "ok")
    return JSONResponse({"status": "ok" if not missing else "unavailable", "components": components,
                         "missing": missing}, status_code=200 if not missing else 503)
