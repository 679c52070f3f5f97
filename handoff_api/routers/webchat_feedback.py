"""The web chat's feedback: « Cette réponse vous aide ? Oui / Non » on an automatic answer, and 👍/👎 on a
person's help once the request is resolved (docs/feedback.md).

Both take the conversation's token like every web chat endpoint; the last word wins (a citizen may change
their mind: the row is updated). A « Non » on an answer, the first time it is said, offers a person at once:
the button writes the citizen's « Non, cette réponse ne m'aide pas. » into the conversation and the gateway
runs the same turn as a request for a person (``gateway.feedback_turn``).
"""

from __future__ import annotations

from typing import Annotated, Any

from anyio import to_thread
from fastapi import APIRouter, Header, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, Field, StrictBool, ValidationError
from sqlalchemy.orm import Session, sessionmaker

from gateway.feedback_turn import BUTTON_ECHO
from gateway.messages import Gateway
from guichet.crud import feedback as feedback_crud
from guichet.db import session_scope
from guichet.models import Author, FeedbackSource, Handoff, Message, Owner
from handoff_api.committed_route import CommittedRoute
from handoff_api.deps import RowId
from handoff_api.rate_limit import RateLimiter
from handoff_api.routers.webchat import RepliesOut, require_token
from handoff_api.routers.webchat_access import check_access

router = APIRouter(prefix="/api/webchat", tags=["web chat"], route_class=CommittedRoute)


class FeedbackIn(BaseModel):
    helpful: StrictBool = Field(description="true: « Oui », false: « Non »")


class FeedbackOut(RepliesOut):
    message_id: int
    helpful: bool


class RatingOut(BaseModel):
    reference: str
    helpful: bool


async def _verdict(request: Request) -> bool:
    raw = await request.body()
    try:
        return FeedbackIn.model_validate_json(raw).helpful
    except ValidationError as error:
        raise RequestValidationError(error.errors(include_url=False), body=raw) from None


def _rate_answer(session: Session, conversation_id: str, token: str, message_id: int,
                 helpful: bool) -> bool:
    """Stores the verdict; True when a person should be offered now (a first « Non », the bot in charge)."""
    conversation = check_access(session, conversation_id, token)
    message = session.get(Message, message_id)
    if conversation is None or message is None or message.conversation_id != conversation.id:
        raise HTTPException(404, f"message {message_id} does not exist in conversation {conversation_id!r}")
    if message.author != Author.BOT.value:
        raise HTTPException(422, f"message_id: {message_id} is a {message.author}'s message, not the assistant's")
    if not feedback_crud.is_automatic_answer(message):
        raise HTTPException(422, f"message_id: {message_id} is not an automatic answer (kind {message.kind!r}); "
                                 "only answers from the FAQ take feedback")
    recorded = feedback_crud.record_answer_feedback(session, answer=message, helpful=helpful,
                                                    source=FeedbackSource.BUTTON)
    return recorded.newly_negative and conversation.owner == Owner.BOT.value


@router.post("/conversations/{conversation_id}/messages/{message_id}/feedback", response_model=FeedbackOut,
             openapi_extra={"requestBody": {"required": True, "content": {
                 "application/json": {"schema": FeedbackIn.model_json_schema()}}}})
async def answer_feedback(conversation_id: str, message_id: RowId, request: Request,
                          authorization: Annotated[str | None, Header()] = None) -> dict[str, Any]:
    """« Cette réponse vous aide ? » on one automatic answer. A first « Non » offers a person: the
    replies are the assistant's (the handoff, its reference and when a person answers)."""
    token = require_token(authorization)
    factory: sessionmaker[Session] = request.app.state.session_factory
    helpful = await _verdict(request)
    limiter: RateLimiter = request.app.state.message_limiter
    limiter.check(f"conversation:{conversation_id}")

    def store() -> bool:
        with session_scope(factory) as session:
            return _rate_answer(session, conversation_id, token, message_id, helpful)

    offer = await to_thread.run_sync(store)
    replies: list[dict[str, Any]] = []
    if offer:
        gateway: Gateway = request.app.state.gateway
        outcome = await gateway.receive(conversation_id=conversation_id, text=BUTTON_ECHO, channel="webchat",
                                        payload={"feedback_on": message_id})
        replies = [reply.public() for reply in outcome.replies]
    return {"message_id": message_id, "helpful": helpful, "replies": replies}


@router.post("/conversations/{conversation_id}/rating", response_model=RatingOut,
             openapi_extra={"requestBody": {"required": True, "content": {
                 "application/json": {"schema": FeedbackIn.model_json_schema()}}}})
async def rate_help(conversation_id: str, request: Request,
                    authorization: Annotated[str | None, Header()] = None) -> dict[str, Any]:
    """👍 (true) or 👎 (false) on the help of the person who resolved this conversation's latest request;
    422 while no resolution asked for a rating."""
    token = require_token(authorization)
    factory: sessionmaker[Session] = request.app.state.session_factory
    helpful = await _verdict(request)

    def store() -> dict[str, Any]:
        with session_scope(factory) as session:
            conversation = check_access(session, conversation_id, token)
            asked = None if conversation is None else feedback_crud.latest_rating_request(
                session, conversation_id=conversation.id)
            handoff_id = feedback_crud.rated_handoff_id(asked) if asked is not None else None
            handoff = session.get(Handoff, handoff_id) if handoff_id is not None else None
            if handoff is None:
                raise HTTPException(422, f"conversation {conversation_id!r} has no resolved request to rate")
            feedback_crud.record_help_rating(session, handoff=handoff, helpful=helpful,
                                             source=FeedbackSource.BUTTON)
            return {"reference": handoff.reference, "helpful": helpful}

    return await to_thread.run_sync(store)
