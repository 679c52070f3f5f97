"""The demo city homepage at ``/``, the embeddable widget at ``/widget.js``, and CORS for the widget's API calls.

The widget runs on the city's own site, another origin than Guichet's: the browser only lets it call
``/api/webchat/...`` if those answers allow that origin. The web chat API authenticates with the
conversation token (never a cookie), so any origin may call it; nothing else of the API is opened.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

from handoff_api.committed_route import CommittedRoute

router = APIRouter(tags=["web chat widget"], route_class=CommittedRoute)

STATIC = Path(__file__).resolve().parent.parent / "static"
WIDGET = STATIC / "widget"
DEMO_PAGE = STATIC / "demo" / "index.html"
WIDGET_CACHE = "public, max-age=300"
WEBCHAT_PREFIX = "/api/webchat/"


@router.get("/", include_in_schema=False)
def demo_page() -> FileResponse:
    return FileResponse(DEMO_PAGE, media_type="text/html; charset=utf-8")


@router.get("/widget.js", include_in_schema=False)
def widget_script() -> FileResponse:
    return FileResponse(WIDGET / "guichet-widget.js", media_type="text/javascript; charset=utf-8",
                        headers={"Cache-Control": WIDGET_CACHE})


@router.get("/widget.css", include_in_schema=False)
def widget_styles() -> FileResponse:
    return FileResponse(WIDGET / "guichet-widget.css", media_type="text/css; charset=utf-8",
                        headers={"Cache-Control": WIDGET_CACHE})


class WebchatCors:
    """Starlette's CORS middleware, applied to the web chat API only."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.cors = CORSMiddleware(app, allow_origins=["*"], allow_methods=["GET", "POST"],
                                   allow_headers=["Authorization", "Content-Type"], expose_headers=["Retry-After"],
                                   max_age=600)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith(WEBCHAT_PREFIX):
            await self.cors(scope, receive, send)
        else:
            await self.app(scope, receive, send)


def install(app: FastAPI) -> None:
    """The demo page and widget routes, CORS for the web chat API, and ``/static`` unless already mounted."""
    app.include_router(router)
    app.add_middleware(WebchatCors)
    if not any(getattr(route, "path", None) == "/static" for route in app.routes):
        app.mount("/static", StaticFiles(directory=STATIC), name="static")
