"""`action_default_fallback` (overrides Rasa's): the dialogue did not know what to do next.

Replies with an invitation to rephrase (or to type « agent ») and forgets the message, as
Rasa's default does, so the conversation goes on from where it was.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, UserUtteranceReverted
from rasa_sdk.executor import CollectingDispatcher

from . import texts
from .payloads import make_payload


class ActionDefaultFallback(Action):
    def name(self) -> str:
        return "action_default_fallback"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        dispatcher.utter_message(json_message=make_payload(texts.PROMPT_REPHRASE, "smalltalk"))
        return [UserUtteranceReverted()]
