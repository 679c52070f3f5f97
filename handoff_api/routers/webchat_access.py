"""Who may use a web chat conversation: the holder of its token.

Opening a conversation writes nothing: the widget gets a token and an id derived from it, and the
conversation is written with its first message (no empty rows, however many are opened). So the
pair can be checked before any row exists: a conversation not written yet is simply empty.
"""

from __future__ import annotations

import hashlib
import hmac
import re

from fastapi import HTTPException
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from guichet.crud import conversations as conv_crud
from guichet.models import Conversation
from guichet.security import hash_token, new_token, tokens_match

ISSUED_ID = re.compile(r"[0-9a-f]{32}")


def conversation_id_for(token: str) -> str:
    return hashlib.sha256(b"guichet-webchat-conversation:" + token.encode()).hexdigest()[:32]


def new_pair() -> tuple[str, str]:
    """A new conversation's id and token; nothing is stored."""
    token = new_token("wc")
    return conversation_id_for(token), token


def check_access(session: Session, conversation_id: str, token: str) -> Conversation | None:
    """The conversation, or None when it has no message yet; 401 for a wrong token, 404 for an id never issued."""
    conversation = session.get(Conversation, conversation_id)
    if conversation is None and hmac.compare_digest(conversation_id_for(token).encode(), conversation_id.encode()):
        return None
    if conversation is None and ISSUED_ID.fullmatch(conversation_id):
        raise HTTPException(401, f"wrong token for conversation {conversation_id!r}")
    if conversation is None or conversation.channel != "webchat":
        raise HTTPException(404, f"conversation {conversation_id!r} does not exist")
    if not tokens_match(token, conversation.token_hash):
        raise HTTPException(401, f"wrong token for conversation {conversation_id!r}")
    return conversation


def require_known(session: Session, conversation_id: str) -> None:
    """404 unless the id is a web chat conversation's, written or only issued (the caller proves access)."""
    conversation = session.get(Conversation, conversation_id)
    if conversation is None and ISSUED_ID.fullmatch(conversation_id):
        return
    if conversation is None or conversation.channel != "webchat":
        raise HTTPException(404, f"conversation {conversation_id!r} does not exist")


def write_conversation(session: Session, *, conversation_id: str, token: str) -> None:
    """Writes the conversation of a first message (a concurrent first message may have written it already)."""
    try:
        with session.begin_nested():
            conv_crud.new_conversation(session, channel="webchat", token_hash=hash_token(token),
                                       conversation_id=conversation_id)
    except IntegrityError:
        if session.get(Conversation, conversation_id) is None:
            raise
