"""``/docs``, ``/redoc`` and ``/openapi.json`` for signed-in staff only (``GUICHET_PUBLIC_API_DOCS=false``).

With the default (public), FastAPI serves them itself and this router is not installed.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse

from guichet.models import Agent
from handoff_api.committed_route import CommittedRoute
from handoff_api.deps import current_agent

router = APIRouter(include_in_schema=False, route_class=CommittedRoute)
Staff = Annotated[Agent, Depends(current_agent)]


@router.get("/openapi.json")
def openapi(request: Request, _staff: Staff) -> dict[str, Any]:
    app: FastAPI = request.app
    return app.openapi()


@router.get("/docs")
def swagger(request: Request, _staff: Staff) -> HTMLResponse:
    return get_swagger_ui_html(openapi_url="/openapi.json", title=f"{request.app.title} - API")


@router.get("/redoc")
def redoc(request: Request, _staff: Staff) -> HTMLResponse:
    return get_redoc_html(openapi_url="/openapi.json", title=f"{request.app.title} - API")
