"""`action_handle_insult`: one calm reply, a person takes over at the second insult."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from . import texts
from .conversation import recent_summary
from .handoff import hand_over, reset_events
from .payloads import make_payload

HANDOFF_AT = 2


class ActionHandleInsult(Action):
    def name(self) -> str:
        return "action_handle_insult"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        count = int(tracker.get_slot("insult_count") or 0) + 1
        events: list[EventType] = [SlotSet("insult_count", float(count))]
        if count < HANDOFF_AT:
            dispatcher.utter_message(json_message=make_payload(texts.INSULT_FIRST, "smalltalk"))
            return events
        await hand_over(
            dispatcher,
            tracker,
            reason="insult",
            department=None,
            summary=recent_summary(tracker, "Messages insultants répétés."),
        )
        if tracker.active_loop_name:
            events += [ActiveLoop(None), SlotSet("requested_slot", None)]
        return events + reset_events(tracker)
