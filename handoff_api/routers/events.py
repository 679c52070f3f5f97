"""``GET /api/events/handoffs``: the queue's changes as server-sent events, for the agents' console.

Each event is what was published on the ``handoffs`` topic (a new handoff, a citizen message in a handed-off
conversation, an agent's action)::

    event: handoff
    data: {"type": "handoff", "handoff_id": 12, "conversation_id": "...", "action": "claimed"}

The console re-reads its queue when one arrives. A keep-alive comment goes out every ``KEEPALIVE_SECONDS``;
the stream ends after ``MAX_STREAM_SECONDS`` and the browser's ``EventSource`` reconnects by itself.
The caller is checked once, with a short database session, so an open stream holds no connection.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Annotated, Any

from anyio import to_thread
from fastapi import APIRouter, Header, HTTPException, Request
from fastapi.responses import StreamingResponse

from guichet.events import EventBus
from guichet.models import Agent, Role
from handoff_api.committed_route import CommittedRoute
from handoff_api.deps import current_agent

router = APIRouter(prefix="/api/events", tags=["events"], route_class=CommittedRoute)

KEEPALIVE_SECONDS = 15.0
MAX_STREAM_SECONDS = 300.0
RETRY_MILLISECONDS = 3000
QUEUE_LIMIT = 200
ALLOWED = (Role.AGENT.value, Role.ADMIN.value)


def sse(event: dict[str, Any]) -> str:
    kind = str(event.get("type") or "handoff").replace("\n", " ")
    return f"event: {kind}\ndata: {json.dumps(event, ensure_ascii=False, default=str)}\n\n"


async def stream(events: EventBus, topic: str) -> AsyncIterator[str]:
    pending: asyncio.Queue[dict[str, Any]] = asyncio.Queue(QUEUE_LIMIT)

    async def follow() -> None:
        async for event in events.subscribe(topic):
            if not pending.full():
                pending.put_nowait(event)

    follower = asyncio.create_task(follow())
    await asyncio.sleep(0)  # the subscription is registered before the first byte goes out
    loop = asyncio.get_running_loop()
    deadline = loop.time() + MAX_STREAM_SECONDS
    try:
        yield f"retry: {RETRY_MILLISECONDS}\n\n"
        while (remaining := deadline - loop.time()) > 0:
            try:
                event = await asyncio.wait_for(pending.get(), min(KEEPALIVE_SECONDS, remaining))
            except TimeoutError:
                yield ": keep-alive\n\n"
                continue
            yield sse(event)
    finally:
        follower.cancel()


@router.get("/handoffs", response_class=StreamingResponse,
            responses={200: {"content": {"text/event-stream": {}}, "description": "The queue's changes"}})
async def handoff_events(request: Request, authorization: Annotated[str | None, Header()] = None) -> StreamingResponse:
    """New handoffs and changes to open ones, live (console cookie or ``Authorization: Bearer``; agents, admins)."""
    factory = request.app.state.session_factory

    def caller() -> Agent:
        with factory() as session:
            return current_agent(request, session, authorization)

    agent = await to_thread.run_sync(caller)
    if agent.role not in ALLOWED:
        raise HTTPException(403, f"role {agent.role!r} may not do this; needs one of {sorted(ALLOWED)}")
    return StreamingResponse(stream(request.app.state.events, "handoffs"), media_type="text/event-stream",
                             headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
