"""Read what the actions need from a rasa-sdk Tracker."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from rasa_sdk import Tracker

from .text_utils import shorten


def latest_metadata(tracker: Tracker) -> dict[str, Any]:
    metadata = (tracker.latest_message or {}).get("metadata") or {}
    if metadata:
        return metadata
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return event.get("metadata") or {}
    return {}


def conversation_id(tracker: Tracker) -> str:
    """The application's conversation id (sent as metadata), else the Rasa sender id."""
    return str(latest_metadata(tracker).get("conversation_id") or tracker.sender_id)


def channel(tracker: Tracker) -> str | None:
    return latest_metadata(tracker).get("channel")


def latest_text(tracker: Tracker) -> str:
    return str((tracker.latest_message or {}).get("text") or "")


def latest_intent(tracker: Tracker) -> str | None:
    intent = (tracker.latest_message or {}).get("intent") or {}
    return intent.get("name")


def latest_entities(tracker: Tracker, entity: str) -> list[str]:
    entities = (tracker.latest_message or {}).get("entities") or []
    return [str(e.get("value")) for e in entities if e.get("entity") == entity and e.get("value")]


NEGATED = re.compile(r"\b(pas|non|plutot que|plutôt que)\s+(un|une|le|la|l'|les|des|au|aux|du|de|à|a)?\s*$", re.I)


def preferred_entity(tracker: Tracker, entity: str, acceptable: Callable[[str], bool] | None = None) -> str | None:
    """The value of ``entity`` the citizen means when the message names several.

    "c'est un nid-de-poule, pas un lampadaire": the first one not after "pas"/"non" (and,
    if given, ``acceptable``), else the first one.
    """
    message = tracker.latest_message or {}
    text = str(message.get("text") or "")
    found = [e for e in message.get("entities") or [] if e.get("entity") == entity and e.get("value")]
    if not found:
        return None
    kept = [e for e in found if not NEGATED.search(text[: int(e.get("start") or 0)])]
    if acceptable is not None:
        kept = [e for e in kept if acceptable(str(e["value"]))] or [e for e in found if acceptable(str(e["value"]))]
    return str((kept or found)[0]["value"])


def previous_slot_value(tracker: Tracker, slot: str) -> Any:
    """The value ``slot`` had before the latest citizen message."""
    last_user = max((i for i, e in enumerate(tracker.events) if e.get("event") == "user"), default=-1)
    value = None
    for event in tracker.events[: max(last_user, 0)]:
        if event.get("event") == "slot" and event.get("name") == slot:
            value = event.get("value")
    return value


def user_texts(tracker: Tracker, limit: int = 3) -> list[str]:
    """The last ``limit`` non-empty citizen messages, oldest first. An intent sent as such ("/request_human":
    the gateway's turn after a negative feedback, see gateway/feedback_turn.py) is not the citizen's words."""
    texts = [
        str(event.get("text"))
        for event in tracker.events
        if event.get("event") == "user" and (event.get("text") or "").strip()
        and not str(event.get("text")).startswith("/")
    ]
    return texts[-limit:]


# what a citizen says around a question, not the question: a handoff is "about" the last message outside these
NOT_A_QUESTION = frozenset({"greet", "goodbye", "thank", "affirm", "deny", "request_human", "insult", "bot_challenge",
                            "choose_option"})


def asked_question(tracker: Tracker) -> str | None:
    """The citizen's question a handoff follows: the last citizen message whose intent is none of ``NOT_A_QUESTION``
    and that was not said while a form was asking (a place, a detail), else None.

    When a question was read as a report and the citizen then asked for a person, this is the question, not
    "je voudrais parler à une personne": what the agent's suggestions and the training inbox are made from."""
    asked, form_active = None, False
    for event in tracker.events:
        kind = event.get("event")
        if kind == "active_loop":
            form_active = bool(event.get("name"))
        elif kind == "user":
            text = str(event.get("text") or "").strip()
            intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
            if text and not text.startswith("/") and intent not in NOT_A_QUESTION and not form_active:
                asked = text
    return asked


def recent_summary(tracker: Tracker, prefix: str, limit: int = 3, max_chars: int = 500) -> str:
    texts = user_texts(tracker, limit)
    if not texts:
        return prefix
    quoted = " / ".join(f"« {shorten(text, 200)} »" for text in texts)
    return shorten(f"{prefix} Derniers messages : {quoted}", max_chars)


def last_active_loop(tracker: Tracker) -> str | None:
    """Name of the most recently activated form (even if it was just deactivated)."""
    for event in reversed(tracker.events):
        if event.get("event") == "active_loop" and event.get("name"):
            return str(event["name"])
    return tracker.active_loop.get("name") if tracker.active_loop else None
