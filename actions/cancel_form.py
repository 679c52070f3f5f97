"""`action_cancel_form`: the citizen gives up a form (says no, or goodbye)."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from . import texts
from .conversation import last_active_loop, latest_intent
from .handoff import reset_events
from .payloads import make_payload


class ActionCancelForm(Action):
    def name(self) -> str:
        return "action_cancel_form"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        if latest_intent(tracker) == "goodbye":
            text = texts.GOODBYE
        elif last_active_loop(tracker) == "status_form":
            text = texts.STATUS_CANCELLED
        else:
            text = texts.REPORT_CANCELLED
        dispatcher.utter_message(json_message=make_payload(text, "smalltalk"))
        return reset_events(tracker, ("problem_type", "place", "problem_details", "reference"))
