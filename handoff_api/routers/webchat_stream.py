"""Server-sent events for the citizen's web chat: every new message of one conversation, live.

``EventSource`` cannot send headers, and the conversation token must not travel in a URL (URLs land in
access logs and proxies' logs). So the widget first asks ``POST .../stream-ticket`` (with the token in
``Authorization: Bearer``) for a ticket that opens this conversation's stream for
``GUICHET_STREAM_TICKET_SECONDS`` (60 s), then opens ``.../events?ticket=...``. A client that can send
headers may open the stream with ``Authorization: Bearer <token>`` instead. Each event carries one message::

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
import hashlib
import hmac
import json
import time
import weakref
from collections.abc import AsyncIterator
from typing import Annotated, Any

from anyio import to_thread
from fastapi import APIRouter, Header, HTTPException, Query, Request
from fastapi.responses import StreamingResponse
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from guichet.events import EventBus
from guichet.models import Author, Message
from handoff_api.client_address import client_key
from handoff_api.committed_route import CommittedRoute
from handoff_api.console.session import session_secret
from handoff_api.deps import MAX_ROW_ID, bearer_token
from handoff_api.error_schema import problem
from handoff_api.routers.stream_slots import Slot, StreamSlots
from handoff_api.routers.webchat_access import check_access as conversation_access
from handoff_api.routers.webchat_access import require_known

router = APIRouter(prefix="/api/webchat", tags=["web chat"], route_class=CommittedRoute)

KEEPALIVE_SECONDS = 15.0
MAX_STREAM_SECONDS = 300.0
RETRY_MILLISECONDS = 3000
# The gateway publishes a message's id before its transaction commits: wait this long for it to show.
VISIBILITY_DELAYS = (0.02, 0.05, 0.1, 0.2, 0.4, 0.8)
SHOWN_AUTHORS = (Author.CITIZEN.value, Author.BOT.value, Author.AGENT.value)


def check_access(session: Session, conversation_id: str, token: str | None) -> None:
    """The same rules as the web chat API: 401 without or with a wrong token, 404 for an unknown conversation."""
    if not token:
        raise HTTPException(401, "missing conversation token: send 'Authorization: Bearer <token>' "
                                 "(for EventSource: '?ticket=' from POST .../stream-ticket)")
    conversation_access(session, conversation_id, token)


def ticket_key(secret: str) -> bytes:
    return hashlib.sha256(b"guichet-stream-ticket:" + secret.encode()).digest()


def _ticket_mac(key: bytes, conversation_id: str, expires: int) -> str:
    return hmac.new(key, f"{conversation_id}:{expires}".encode(), hashlib.sha256).hexdigest()


def issue_ticket(key: bytes, *, conversation_id: str, lifetime: int, now: float) -> str:
    """``<expiry>.<hmac>``: opens ``conversation_id``'s stream until the expiry (unix seconds)."""
    expires = int(now) + lifetime
    return f"{expires}.{_ticket_mac(key, conversation_id, expires)}"


def ticket_valid(key: bytes, ticket: str, *, conversation_id: str, now: float) -> bool:
    expires, _, mac = ticket.partition(".")
    if not expires.isdigit() or int(expires) < now:
        return False
    return hmac.compare_digest(mac.encode(), _ticket_mac(key, conversation_id, int(expires)).encode())


def stream_ticket_key(request: Request) -> bytes:
    key: bytes | None = getattr(request.app.state, "stream_ticket_key", None)
    if key is None:
        key = request.app.state.stream_ticket_key = ticket_key(session_secret(request.app.state.settings))
    return key


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


@router.post("/conversations/{conversation_id}/stream-ticket")
async def stream_ticket(conversation_id: str, request: Request,
                        authorization: Annotated[str | None, Header()] = None) -> dict[str, Any]:
    """A short-lived ticket for ``GET .../events?ticket=...`` (the conversation token goes in the header)."""
    factory: sessionmaker[Session] = request.app.state.session_factory

    def check() -> None:
        with factory() as session:
            check_access(session, conversation_id, bearer_token(authorization))

    reads = request.app.state.stream_slots.reads  # like the stream itself: never the routes' shared threads
    await to_thread.run_sync(check, limiter=reads)
    lifetime: int = request.app.state.settings.stream_ticket_seconds
    key = await to_thread.run_sync(stream_ticket_key, request, limiter=reads)
    return {"ticket": issue_ticket(key, conversation_id=conversation_id, lifetime=lifetime, now=time.time()),
            "expires_in": lifetime}


@router.get("/conversations/{conversation_id}/events", response_class=StreamingResponse,
            responses={200: {"content": {"text/event-stream": {}}, "description": "The conversation's messages"},
                       **problem(429)})
async def conversation_events(
    conversation_id: str, request: Request,
    ticket: Annotated[str | None, Query(description="From POST .../stream-ticket")] = None,
    after: Annotated[int, Query(ge=0, le=MAX_ROW_ID, description="Send the messages after this id first")] = 0,
    authorization: Annotated[str | None, Header()] = None,
    last_event_id: Annotated[str | None, Header()] = None,
) -> StreamingResponse:
    """The conversation's new messages as server-sent events, for the web chat widget."""
    factory: sessionmaker[Session] = request.app.state.session_factory

    def check() -> None:
        with factory() as session:
            if ticket is None:
                check_access(session, conversation_id, bearer_token(authorization))
                return
            require_known(session, conversation_id)  # may have no message yet: the ticket proves access
        if not ticket_valid(stream_ticket_key(request), ticket, conversation_id=conversation_id, now=time.time()):
            raise HTTPException(401, f"ticket: wrong or expired for conversation {conversation_id!r}; "
                                     "get a new one from POST .../stream-ticket")

    slots: StreamSlots = request.app.state.stream_slots
    await to_thread.run_sync(check, limiter=slots.reads)
    if last_event_id and last_event_id.strip().isdigit():
        after = max(after, int(last_event_id.strip()))
    slot = slots.take(conversation_id=conversation_id, address=client_key(request))
    body = stream(request, conversation_id, after, slot)
    weakref.finalize(body, slot.release)  # a stream dropped before it started gives its place back too
    return StreamingResponse(body, media_type="text/event-stream",
                             headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
