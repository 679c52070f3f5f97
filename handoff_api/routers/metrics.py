"""``GET /metrics``: the application's Prometheus metrics (aggregates only, no personal data)."""

from __future__ import annotations

from anyio import to_thread
from fastapi import APIRouter, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST

from handoff_api.metrics import Metrics

router = APIRouter(tags=["metrics"])


@router.get("/metrics", include_in_schema=False)
async def metrics(request: Request) -> Response:
    instruments: Metrics = request.app.state.metrics
    body = await to_thread.run_sync(instruments.exposition)  # the scrape reads the database
    return Response(body, media_type=CONTENT_TYPE_LATEST)
