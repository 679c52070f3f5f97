"""``GET /metrics``: the application's Prometheus metrics (aggregates only, no personal data)."""

from __future__ import annotations

import hmac
from typing import Annotated

from anyio import to_thread
from fastapi import APIRouter, Depends, Header, HTTPException, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST

from guichet.metrics import Metrics
from guichet.models import Role
from handoff_api.committed_route import CommittedRoute
from handoff_api.deps import SessionDep, bearer_token, current_agent

router = APIRouter(tags=["metrics"], route_class=CommittedRoute)


def may_read(request: Request, session: SessionDep, authorization: Annotated[str | None, Header()] = None) -> None:
    """Anyone when ``GUICHET_METRICS_TOKEN`` is unset; else that token (a scraper) or an admin."""
    expected = request.app.state.settings.metrics_token
    if expected is None:
        return
    sent = bearer_token(authorization)
    if sent is not None and hmac.compare_digest(sent.encode(), expected.get_secret_value().encode()):
        return
    try:
        agent = current_agent(request, session, authorization)
    except HTTPException as error:
        raise HTTPException(401, "/metrics needs 'Authorization: Bearer <GUICHET_METRICS_TOKEN>'",
                            headers={"WWW-Authenticate": "Bearer"}) from error
    if agent.role != Role.ADMIN.value:
        raise HTTPException(403, f"role {agent.role!r} may not read /metrics; needs the metrics token or an admin")


@router.get("/metrics", include_in_schema=False, dependencies=[Depends(may_read)])
async def metrics(request: Request) -> Response:
    instruments: Metrics = request.app.state.metrics
    body = await to_thread.run_sync(instruments.exposition)  # the scrape reads the database
    return Response(body, media_type=CONTENT_TYPE_LATEST)
