"""The questions the forms ask (kind ``form``), as `action_ask_<slot>` actions.

Rasa forms call `action_ask_<slot>` when the domain lists it; keeping the questions here
(rather than as utter_ask_ responses, which `rasa data validate` reports as unused) keeps
the validation clean and every text in one place (texts.py).
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from . import texts
from .payloads import make_payload


def _ask(dispatcher: CollectingDispatcher, text: str) -> list[EventType]:
    dispatcher.utter_message(json_message=make_payload(text, "form"))
    return []


class ActionAskProblemType(Action):
    def name(self) -> str:
        return "action_ask_problem_type"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        return _ask(dispatcher, texts.ASK_PROBLEM_TYPE)


class ActionAskPlace(Action):
    def name(self) -> str:
        return "action_ask_place"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        return _ask(dispatcher, texts.ASK_PLACE)


class ActionAskProblemDetails(Action):
    def name(self) -> str:
        return "action_ask_problem_details"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        return _ask(dispatcher, texts.ASK_PROBLEM_DETAILS)


class ActionAskReference(Action):
    def name(self) -> str:
        return "action_ask_reference"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        return _ask(dispatcher, texts.ASK_REFERENCE)
