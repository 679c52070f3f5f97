"""Right of access (RGPD art. 15) and erasure (art. 17): everything held about one citizen, as JSON."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from guichet.crud.agents import audit
from guichet.models import Conversation, Feedback, Handoff, Message, SearchLog, utcnow
from handoff_api.privacy.erasure import (
    Deletion,
    conversations_of,
    count_attached,
    delete_conversations,
    subject_label,
)
from handoff_api.privacy.rasa_trackers import RasaTrackers


def _when(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _message(message: Message) -> dict[str, Any]:
    return {"id": message.id, "author": message.author, "channel": message.channel, "text": message.text,
            "kind": message.kind, "faq_id": message.faq_id, "external_id": message.external_id,
            "created_at": _when(message.created_at)}


def _handoff(handoff: Handoff) -> dict[str, Any]:
    return {
        "reference": handoff.reference, "status": handoff.status, "department": handoff.department,
        "reason": handoff.reason, "summary": handoff.summary, "details": handoff.details,
        "channel": handoff.channel, "created_at": _when(handoff.created_at),
        "first_response_due": _when(handoff.first_response_due),
        "first_response_at": _when(handoff.first_response_at), "resolved_at": _when(handoff.resolved_at),
        "events": [{"actor": event.actor, "action": event.action, "from": event.from_status,
                    "to": event.to_status, "detail": event.detail, "created_at": _when(event.created_at)}
                   for event in handoff.events],
    }


def _conversation(session: Session, conversation: Conversation) -> dict[str, Any]:
    handoffs = session.scalars(select(Handoff).where(Handoff.conversation_id == conversation.id)
                               .order_by(Handoff.id))
    searches = session.scalars(select(SearchLog).where(SearchLog.conversation_id == conversation.id)
                               .order_by(SearchLog.id))
    feedback = session.scalars(select(Feedback).where(Feedback.conversation_id == conversation.id)
                               .order_by(Feedback.id))
    return {
        "id": conversation.id, "channel": conversation.channel, "citizen_handle": conversation.citizen_handle,
        "external_ref": conversation.external_ref, "created_at": _when(conversation.created_at),
        "last_message_at": _when(conversation.last_message_at),
        "anonymised_at": _when(conversation.anonymised_at),
        "messages": [_message(message) for message in conversation.messages],
        "handoffs": [_handoff(handoff) for handoff in handoffs],
        "searches": [{"text": log.text, "decision": log.decision, "top_id": log.top_id,
                      "created_at": _when(log.created_at)} for log in searches],
        "feedback": [{"kind": f.kind, "helpful": f.helpful, "source": f.source, "message_id": f.message_id,
                      "handoff_id": f.handoff_id, "faq_id": f.faq_id, "created_at": _when(f.created_at),
                      "updated_at": _when(f.updated_at)} for f in feedback],
    }


def export_subject(session: Session, *, actor: str, handle: str | None = None,
                   conversation_id: str | None = None) -> dict[str, Any]:
    """Everything held about a handle or a conversation (messages, notes, handoffs, events), audited."""
    conversations = conversations_of(session, handle=handle, conversation_id=conversation_id)
    target = subject_label(handle=handle, conversation_id=conversation_id)
    audit(session, actor=actor, action="citizen.export", target=target,
          detail={"conversations": len(conversations)})
    return {
        "subject": {"handle": handle, "conversation_id": conversation_id},
        "generated_at": utcnow().isoformat(),
        "controller_note": "Données détenues par le service Guichet de la Ville (art. 15 RGPD).",
        "conversations": [_conversation(session, conversation) for conversation in conversations],
    }


def erase_subject(session: Session, *, actor: str, trackers: RasaTrackers, handle: str | None = None,
                  conversation_id: str | None = None, dry_run: bool = False) -> Deletion:
    """Deletes every conversation of a handle (or the one named), all attached to it and Rasa's copy, audited."""
    conversations = conversations_of(session, handle=handle, conversation_id=conversation_id)
    ids = [conversation.id for conversation in conversations]
    if dry_run:
        counts = count_attached(session, conversation_ids=ids)
        counts.rasa_events = trackers.count(session, conversation_ids=ids)
        return counts
    rasa_events = trackers.forget(session, conversation_ids=ids)
    counts = delete_conversations(session, conversation_ids=ids, search_logs="delete")
    counts.rasa_events = rasa_events
    audit(session, actor=actor, action="citizen.erase", target=subject_label(handle=handle,
                                                                              conversation_id=conversation_id),
          detail=counts.as_dict())
    return counts
