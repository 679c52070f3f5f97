"""Where is my request: `validate_status_form`, `action_check_status`."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from guichet.contract.departments import department_label

from . import api_client, texts
from .conversation import conversation_id
from .handoff import apology_payload, clear_pending_choice
from .payloads import fits, make_payload

# G- + 5 uppercase letters or digits; citizens also type "g 7k3q9" or "G7K3Q9"
REFERENCE_RE = re.compile(r"(?<![A-Za-z0-9])G[-\s]?([A-Za-z0-9]{5})(?![A-Za-z0-9])", re.IGNORECASE)


def extract_reference(text: str) -> str | None:
    """The first reference in ``text`` normalized as ``G-XXXXX``, or None."""
    for match in REFERENCE_RE.finditer(text or ""):
        code = match.group(1).upper()
        # a reference contains at least one digit ("G-MERCI" is not one) unless typed "G-"
        if any(char.isdigit() for char in code) or "-" in match.group(0):
            return f"G-{code}"
    return None


def _french_date(value: Any) -> str | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment.strftime("%d/%m/%Y")


def status_text(request: dict[str, Any]) -> str:
    reference = request.get("reference", "")
    department = department_label(request.get("department"))
    status = request.get("status")
    if status == "resolved":
        text = texts.STATUS_RESOLVED.format(reference=reference)
    elif status == "assigned":
        text = texts.STATUS_ASSIGNED.format(reference=reference, department=department)
    else:
        text = texts.STATUS_WAITING.format(reference=reference, department=department)
    date = _french_date(request.get("updated_at") or request.get("created_at"))
    if date:
        with_date = f"{text} {texts.STATUS_UPDATED.format(date=date)}"
        if fits(with_date):
            return with_date
    return text


class ValidateStatusForm(FormValidationAction):
    def name(self) -> str:
        return "validate_status_form"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        return [*await super().run(dispatcher, tracker, domain), *clear_pending_choice(tracker)]

    def validate_reference(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        reference = extract_reference(str(value or ""))
        if reference:
            return {"reference": reference}
        dispatcher.utter_message(json_message=make_payload(texts.STATUS_BAD_REFERENCE, "form"))
        return {"reference": None}


class ActionCheckStatus(Action):
    def name(self) -> str:
        return "action_check_status"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        reference = extract_reference(str(tracker.get_slot("reference") or ""))
        events: list[EventType] = [SlotSet("reference", None)]
        if reference is None:  # should not happen: the form validates the reference
            dispatcher.utter_message(json_message=make_payload(texts.STATUS_BAD_REFERENCE, "form"))
            return events
        try:
            request = await api_client.get_api().get_request(reference, conversation_id=conversation_id(tracker))
        except api_client.ApiError:
            dispatcher.utter_message(json_message=apology_payload("error", None))
            return events
        if request is None:
            text = texts.STATUS_UNKNOWN.format(reference=reference)
        else:
            request.setdefault("reference", reference)
            text = status_text(request)
        dispatcher.utter_message(json_message=make_payload(text, "info"))
        return events
