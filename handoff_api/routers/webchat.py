"""The city's own web chat: open a conversation, send a message, read the replies."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from anyio import to_thread
from fastapi import APIRouter, Header, HTTPException, Query, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, Field, ValidationError
from sqlalchemy.orm import Session, sessionmaker

from gateway.messages import Gateway
from guichet.crud import conversations as conv_crud
from guichet.crud import feedback as feedback_crud
from guichet.db import session_scope
from guichet.models import Author, Conversation
from guichet.settings import Settings
from handoff_api.client_address import client_key
from handoff_api.committed_route import CommittedRoute
from handoff_api.deps import MAX_ROW_ID, SessionDep, SettingsDep, bearer_token
from handoff_api.rate_limit import RateLimiter
from handoff_api.routers.webchat_access import check_access, new_pair, write_conversation

router = APIRouter(prefix="/api/webchat", tags=["web chat"], route_class=CommittedRoute)


class NewConversation(BaseModel):
    conversation_id: str
    token: str


class CitizenText(BaseModel):
    text: str = Field(description="What the citizen wrote")


class ReplyOut(BaseModel):
    text: str
    kind: str
    faq_id: str | None
    suggestions: list[dict[str, str]]


class RepliesOut(BaseModel):
    replies: list[ReplyOut]


class MessageOut(BaseModel):
    id: int
    author: str
    text: str
    kind: str | None
    created_at: datetime
    feedback: bool | None = Field(default=None, description="On an automatic answer (kind 'answer') or a rating "
                                  "request (kind 'rating'): the citizen's verdict, null when none was given")


class MessagesOut(BaseModel):
    messages: list[MessageOut]


def require_token(authorization: str | None) -> str:
    token = bearer_token(authorization)
    if token is None:
        raise HTTPException(401, "missing conversation token: send 'Authorization: Bearer <token>'")
    return token


def citizen_conversation(session: Session, conversation_id: str, authorization: str | None) -> Conversation | None:
    """The conversation of the token sent (None while it has no message yet), else 401 or 404."""
    return check_access(session, conversation_id, require_token(authorization))


async def citizen_text(request: Request, settings: Settings) -> str:
    """The message's text, read and validated only once the token was checked."""
    raw = await request.body()
    try:
        body = CitizenText.model_validate_json(raw)
    except ValidationError as error:
        raise RequestValidationError(error.errors(include_url=False), body=raw) from None
    text = body.text.strip()
    if not text:
        raise HTTPException(422, "text: must not be empty or only spaces")
    if len(text) > settings.max_message_chars:
        raise HTTPException(422, f"text: {len(text)} characters, the limit is {settings.max_message_chars}")
    return text


@router.post("/conversations", status_code=201, response_model=NewConversation)
def open_conversation(request: Request) -> dict[str, str]:
    """A new conversation's id and token. Nothing is stored until its first message."""
    limiter: RateLimiter = request.app.state.conversation_limiter
    limiter.check(f"address:{client_key(request)}")
    conversation_id, token = new_pair()
    return {"conversation_id": conversation_id, "token": token}


@router.post("/conversations/{conversation_id}/messages", response_model=RepliesOut,
             openapi_extra={"requestBody": {"required": True, "content": {
                 "application/json": {"schema": CitizenText.model_json_schema()}}}})
async def send_message(conversation_id: str, request: Request, settings: SettingsDep,
                       authorization: Annotated[str | None, Header()] = None) -> dict[str, Any]:
    token = require_token(authorization)
    factory: sessionmaker[Session] = request.app.state.session_factory

    def written() -> bool:
        with factory() as session:
            return check_access(session, conversation_id, token) is not None

    def write() -> None:
        # Committed in this same worker thread: a write lock held until a dependency's exit runs in another
        # thread could wait for a thread that every blocked citizen request already holds (SQLite).
        with session_scope(factory) as session:
            write_conversation(session, conversation_id=conversation_id, token=token)

    exists = await to_thread.run_sync(written)
    text = await citizen_text(request, settings)
    limiter: RateLimiter = request.app.state.message_limiter
    limiter.check(f"conversation:{conversation_id}")
    address = client_key(request)
    request.app.state.address_limiter.check(f"address:{address}")
    if not exists:
        request.app.state.conversation_limiter.check(f"written:{address}")
        await to_thread.run_sync(write)
    gateway: Gateway = request.app.state.gateway
    outcome = await gateway.receive(conversation_id=conversation_id, text=text, channel="webchat")
    return {"replies": [reply.public() for reply in outcome.replies]}


@router.get("/conversations/{conversation_id}/messages", response_model=MessagesOut)
def read_messages(conversation_id: str, session: SessionDep, after: Annotated[int, Query(ge=0, le=MAX_ROW_ID)] = 0,
                  authorization: Annotated[str | None, Header()] = None) -> dict[str, Any]:
    if citizen_conversation(session, conversation_id, authorization) is None:
        return {"messages": []}
    messages = [
        m for m in conv_crud.transcript(session, conversation_id=conversation_id)
        if m.id > after and m.author in (Author.CITIZEN.value, Author.BOT.value, Author.AGENT.value)
    ]
    verdicts = feedback_crud.verdicts_shown(session, messages=messages)
    return {"messages": [
        {"id": m.id, "author": m.author, "text": m.text, "kind": m.kind, "created_at": m.created_at,
         "feedback": verdicts.get(m.id)}
        for m in messages
    ]}
