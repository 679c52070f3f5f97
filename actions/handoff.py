"""Creating a handoff (a person takes over) and the `action_handoff` action."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from . import api_client, texts
from .conversation import asked_question, channel, conversation_id, recent_summary
from .payloads import TWEET_LIMIT, fits, handoff_info, make_payload, truncate, weighted_length

# slots emptied once a person takes over (a form in progress is abandoned)
FORM_SLOTS = ("problem_type", "place", "problem_details", "reference", "clarify_options", "pending_choice")


def handoff_text(intro: str, expected: str | None, reference: str) -> str:
    """Intro + when a person will answer (from the API) + the reference, in 280 characters."""
    tail = texts.HANDOFF_REFERENCE.format(reference=reference)
    expected = (expected or "").strip()
    for start in (intro, texts.HANDOFF_SHORT_INTRO):
        candidate = " ".join(part for part in (start, expected, tail) if part)
        if fits(candidate):
            return candidate
    # the expected sentence alone is too long: shorten it, keep the reference
    room = truncate(expected, TWEET_LIMIT - 2 - weighted_length(tail) - weighted_length(texts.HANDOFF_SHORT_INTRO))
    return f"{texts.HANDOFF_SHORT_INTRO} {room} {tail}"


def clear_pending_choice(tracker: Tracker) -> list[EventType]:
    """Forget a clarification list (e.g. when a form starts): its numbers no longer apply."""
    return reset_events(tracker, ("clarify_options", "pending_choice"))


def reset_events(tracker: Tracker, slots: tuple[str, ...] = FORM_SLOTS) -> list[EventType]:
    return [SlotSet(slot, None) for slot in slots if tracker.get_slot(slot) is not None]


async def hand_over(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    *,
    reason: str,
    department: str | None = None,
    summary: str | None = None,
    details: dict[str, Any] | None = None,
    intro: str | None = None,
    faq_id: str | None = None,
    compose: Callable[[str, str | None], str] | None = None,
    apology: dict[str, Any] | None = None,
) -> dict[str, Any] | None:
    """POST the handoff and reply with kind ``handoff``.

    The reply is ``compose(reference, expected)`` if given, else ``intro`` (by default the one
    of ``reason``) + the API's ``expected`` sentence + the reference.
    Returns the API answer, or None when the application could not be reached: the reply is
    then ``apology`` (default: a generic apology) with ``handoff.reference`` null, and the
    application creates the handoff itself.
    """
    summary = summary or recent_summary(tracker, "Conversation transmise.")
    asked = asked_question(tracker)
    full_details = {"channel": channel(tracker), **({"question": asked} if asked else {}), **(details or {})}
    try:
        created = await api_client.get_api().create_handoff(
            conversation_id=conversation_id(tracker),
            department=department,
            reason=reason,
            summary=summary,
            details=full_details,
        )
    except api_client.ApiError:
        dispatcher.utter_message(json_message=apology or apology_payload(reason, department, faq_id=faq_id))
        return None
    if compose is not None:
        text = compose(created["reference"], created.get("expected"))
    else:
        text = handoff_text(
            intro or texts.HANDOFF_INTRO.get(reason, texts.HANDOFF_INTRO["error"]),
            created.get("expected"),
            created["reference"],
        )
    dispatcher.utter_message(
        json_message=make_payload(
            text,
            "handoff",
            faq_id=faq_id,
            handoff=handoff_info(
                reason=reason,
                department=created.get("department", department),
                reference=created["reference"],
                handoff_id=created.get("id"),
            ),
        )
    )
    return created


def apology_payload(
    reason: str, department: str | None, text: str = texts.HANDOFF_API_DOWN, faq_id: str | None = None
) -> dict[str, Any]:
    return make_payload(text, "handoff", faq_id=faq_id, handoff=handoff_info(reason=reason, department=department))


class ActionHandoff(Action):
    """The citizen asked for a person: hand over at once, no confirmation."""

    def name(self) -> str:
        return "action_handoff"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        department = tracker.get_slot("topic_department")
        await hand_over(
            dispatcher,
            tracker,
            reason="request_human",
            department=department,
            summary=recent_summary(tracker, "Le citoyen demande à parler à un agent."),
            details={"last_faq_id": tracker.get_slot("last_faq_id")},
        )
        events = reset_events(tracker)
        if tracker.active_loop_name:
            events = [ActiveLoop(None), SlotSet("requested_slot", None), *events]
        return events
