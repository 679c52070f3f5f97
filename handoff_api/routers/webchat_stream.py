"""Server-sent events for the citizen's web chat: every new message of one conversation, live.

``EventSource`` cannot send headers, so the conversation token comes in the query string
(``?token=...``; an ``Authorization: Bearer`` header is accepted too). Each event carries one message::

    id: 42
    data: {"id": 42, "author": "agent", "text": "...", "kind": "agent", "created_at": "...",
           "faq_id": null, "suggestions": []}

The stream first sends the messages after ``after`` (or the ``Last-Event-ID`` the browser sends when it
reconnects), then the new ones as the gateway and the agents store them, and a keep-alive comment every
``KEEPALIVE_SECONDS``. It ends after ``MAX_STREAM_SECONDS`` (the browser reconnects by itself, so an open
widget never holds a server shutdown for long) or when the citizen goes away.
"""

from __future__ import annotations

import asyncio
import json
import weakref
from collections.abc import AsyncIterator
from typing import Annotated, Any

from anyio import to_thread
from fastapi import APIRouter, Header, HTTPException, Query, Request
from fastapi.responses import StreamingResponse
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from handoff_api.client_address import client_key
from handoff_api.deps import bearer_token
from handoff_api.events import EventBus
from handoff_api.models import Author, Message
from handoff_api.routers.stream_slots import Slot, StreamSlots
from handoff_api.routers.webchat_access import check_access as conversation_access

router = APIRouter(prefix="/api/webchat", tags=["web chat"])

KEEPALIVE_SECONDS = 15.0
MAX_STREAM_SECONDS = 300.0
RETRY_MILLISECONDS = 3000
# The gateway publishes a message's id before its transaction commits: wait this long for it to show.
VISIBILITY_DELAYS = (0.02, 0.05, 0.1, 0.2, 0.4, 0.8)
SHOWN_AUTHORS = (Author.CITIZEN.value, Author.BOT.value, Author.AGENT.value)


def check_access(session: Session, conversation_id: str, token: str | None) -> None:
    """The same rules as the web chat API: 401 without or with a wrong token, 404 for an unknown conversation."""
    if not token:
        raise HTTPException(401, "missing conversation token: add '?token=<token>' to the URL")
    conversation_access(session, conversation_id, token)


def message_data(message: Message) -> dict[str, Any]:
    payload = message.payload or {}
    return {"id": message.id, "author": message.author, "text": message.text, "kind": message.kind,
            "created_at": message.created_at.isoformat(), "faq_id": message.faq_id,
            "suggestions": payload.get("suggestions") or []}


def messages_after(factory: sessionmaker[Session], conversation_id: str, after: int) -> list[dict[str, Any]]:
    with factory() as session:
        rows = session.scalars(
            select(Message)
            .where(Message.conversation_id == conversation_id, Message.id > after, Message.author.in_(SHOWN_AUTHORS))
            .order_by(Message.id)
        )
        return [message_data(message) for message in rows]


def sse_event(data: dict[str, Any]) -> str:
    return f"id: {data['id']}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


class Wakeup:
    """Follows the conversation's topic on the event bus; remembers the highest message id announced."""

    def __init__(self, events: EventBus, topic: str) -> None:
        self.flag = asyncio.Event()
        self.wanted = 0
        self.task = asyncio.create_task(self._follow(events, topic))

    async def _follow(self, events: EventBus, topic: str) -> None:
        async for event in events.subscribe(topic):
            if isinstance(event.get("id"), int):
                self.wanted = max(self.wanted, event["id"])
            self.flag.set()

    async def wait(self, timeout: float) -> bool:
        try:
            await asyncio.wait_for(self.flag.wait(), timeout)
        except TimeoutError:
            return False
        self.flag.clear()
        return True


async def stream(request: Request, conversation_id: str, after: int, slot: Slot) -> AsyncIterator[str]:
    factory: sessionmaker[Session] = request.app.state.session_factory
    reads = request.app.state.stream_slots.reads
    wakeup = Wakeup(request.app.state.events, f"conversation:{conversation_id}")
    await asyncio.sleep(0)  # let the subscription register before the backlog is read
    loop = asyncio.get_running_loop()
    deadline = loop.time() + MAX_STREAM_SECONDS
    last = after
    try:
        yield f"retry: {RETRY_MILLISECONDS}\n\n"
        while True:
            rows = await to_thread.run_sync(messages_after, factory, conversation_id, last, limiter=reads)
            for delay in VISIBILITY_DELAYS:
                if (rows[-1]["id"] if rows else last) >= wakeup.wanted:
                    break
                await asyncio.sleep(delay)
                rows = await to_thread.run_sync(messages_after, factory, conversation_id, last, limiter=reads)
            for row in rows:
                yield sse_event(row)
                last = row["id"]
            remaining = deadline - loop.time()
            if remaining <= 0:
                return
            if not await wakeup.wait(min(KEEPALIVE_SECONDS, remaining)):
                yield ": keep-alive\n\n"
    finally:
        wakeup.task.cancel()
        slot.release()


@router.get("/conversations/{conversation_id}/events", response_class=StreamingResponse,
            responses={200: {"content": {"text/event-stream": {}}, "description": "The conversation's messages"}})
async def conversation_events(
    conversation_id: str, request: Request,
    token: Annotated[str | None, Query(description="The conversation token")] = None,
    after: Annotated[int, Query(ge=0, description="Send the messages after this id first")] = 0,
    authorization: Annotated[str | None, Header()] = None,
    last_event_id: Annotated[str | None, Header()] = None,
) -> StreamingResponse:
    """The conversation's new messages as server-sent events, for the web chat widget."""
    factory: sessionmaker[Session] = request.app.state.session_factory

    def check() -> None:
        with factory() as session:
            check_access(session, conversation_id, token or bearer_token(authorization))

    slots: StreamSlots = request.app.state.stream_slots
    await to_thread.run_sync(check, limiter=slots.reads)
    if last_event_id and last_event_id.strip().isdigit():
        after = max(after, int(last_event_id.strip()))
    slot = slots.take(conversation_id=conversation_id, address=client_key(request))
    body = stream(request, conversation_id, after, slot)
    weakref.finalize(body, slot.release)  # a stream dropped before it started gives its place back too
    return StreamingResponse(body, media_type="text/event-stream",
                             headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
