"""The city's own web chat: open a conversation, send a message, read the replies."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Header, HTTPException, Query, Request
from pydantic import BaseModel, Field

from bot.gateway import Gateway
from handoff_api.crud import conversations as conv_crud
from handoff_api.db import session_scope
from handoff_api.deps import MAX_ROW_ID, SessionDep, SettingsDep, bearer_token
from handoff_api.models import Author, Conversation
from handoff_api.rate_limit import RateLimiter
from handoff_api.security import hash_token, new_token, tokens_match

router = APIRouter(prefix="/api/webchat", tags=["web chat"])


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


class MessagesOut(BaseModel):
    messages: list[MessageOut]


def citizen_conversation(session: SessionDep, conversation_id: str, authorization: str | None) -> Conversation:
    token = bearer_token(authorization)
    if token is None:
        raise HTTPException(401, "missing conversation token: send 'Authorization: Bearer <token>'")
    conversation = session.get(Conversation, conversation_id)
    if conversation is None or conversation.channel != "webchat":
        raise HTTPException(404, f"conversation {conversation_id!r} does not exist")
    if not tokens_match(token, conversation.token_hash):
        raise HTTPException(401, f"wrong token for conversation {conversation_id!r}")
    return conversation


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


@router.post("/conversations", status_code=201, response_model=NewConversation)
def open_conversation(request: Request) -> dict[str, str]:
    limiter: RateLimiter = request.app.state.conversation_limiter
    limiter.check(f"address:{client_address(request)}")
    token = new_token("wc")
    # Committed in this same worker thread: a write lock held until a dependency's exit runs in another
    # thread could wait for a thread that every blocked citizen request already holds (SQLite).
    with session_scope(request.app.state.session_factory) as session:
        conversation = conv_crud.new_conversation(session, channel="webchat", token_hash=hash_token(token))
        return {"conversation_id": conversation.id, "token": token}


@router.post("/conversations/{conversation_id}/messages", response_model=RepliesOut)
async def send_message(conversation_id: str, body: CitizenText, request: Request, settings: SettingsDep,
                       authorization: Annotated[str | None, Header()] = None) -> dict[str, Any]:
    text = body.text.strip()
    if not text:
        raise HTTPException(422, "text: must not be empty or only spaces")
    if len(text) > settings.max_message_chars:
        raise HTTPException(422, f"text: {len(text)} characters, the limit is {settings.max_message_chars}")
    factory = request.app.state.session_factory
    with factory() as session:
        citizen_conversation(session, conversation_id, authorization)
    limiter: RateLimiter = request.app.state.message_limiter
    limiter.check(f"conversation:{conversation_id}")
    request.app.state.address_limiter.check(f"address:{client_address(request)}")
    gateway: Gateway = request.app.state.gateway
    outcome = await gateway.receive(conversation_id=conversation_id, text=text, channel="webchat")
    return {"replies": [reply.public() for reply in outcome.replies]}


@router.get("/conversations/{conversation_id}/messages", response_model=MessagesOut)
def read_messages(conversation_id: str, session: SessionDep, after: Annotated[int, Query(ge=0, le=MAX_ROW_ID)] = 0,
                  authorization: Annotated[str | None, Header()] = None) -> dict[str, Any]:
    citizen_conversation(session, conversation_id, authorization)
    messages = [
        m for m in conv_crud.transcript(session, conversation_id=conversation_id)
        if m.id > after and m.author in (Author.CITIZEN.value, Author.BOT.value, Author.AGENT.value)
    ]
    return {"messages": [
        {"id": m.id, "author": m.author, "text": m.text, "kind": m.kind, "created_at": m.created_at}
        for m in messages
    ]}
