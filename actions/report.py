"""Reporting a problem in the public space: `validate_report_form`, `action_submit_report`."""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from . import texts
from .conversation import (
    latest_entities,
    latest_intent,
    latest_text,
    preferred_entity,
    previous_slot_value,
    user_texts,
)
from .handoff import apology_payload, clear_pending_choice, hand_over, reset_events
from .payloads import fits, make_payload, truncate
from .problem_types import canonical_problem, department_for, problem_label
from .text_utils import has_words, normalize, shorten

REPORT_SLOTS = ("problem_type", "place", "problem_details")
NO_DETAIL = "aucun"
# answers that are not a problem nor a place
NOT_CONTENT = {
    "oui",
    "ouais",
    "ok",
    "okay",
    "d accord",
    "dac",
    "yes",
    "non",
    "nan",
    "no",
    "merci",
    "je sais pas",
    "je ne sais pas",
    "sais pas",
    "aucune idee",
    "bonjour",
    "salut",
    "?",
}
NO_DETAIL_ANSWERS = {
    "merci",
    "non merci beaucoup",
    "ok merci",
    "merci non",
    "non",
    "nan",
    "no",
    "nope",
    "non merci",
    "rien",
    "aucun",
    "aucune",
    "pas de detail",
    "pas de details",
    "non rien",
    "rien a ajouter",
    "c est tout",
    "c tout",
    "ca ira",
    "non ca ira",
    "non c est bon",
    "c est bon",
    "-",
    "nn",
    "non non",
}
YES_ANSWERS = {"oui", "ouais", "ok", "okay", "yes", "d accord", "oui je veux bien", "volontiers"}
MAX_PLACE_CHARS = 200
# words that announce a correction ("en fait c'est au 14", "pardon, c'est rue Hugo")
CORRECTION = re.compile(
    r"\b(en fait|pardon|non|plut[oô]t|erreur|tromp[ée]|rectif\w*|correction|pas (au|à|a|le|la|rue|devant))\b",
    re.IGNORECASE,
)
MAX_DETAIL_CHARS = 1000


def _is_content(value: str) -> bool:
    norm = normalize(value)
    return has_words(value) and len(norm) >= 3 and norm not in NOT_CONTENT


def _form_message(dispatcher: CollectingDispatcher, text: str) -> None:
    dispatcher.utter_message(json_message=make_payload(text, "form"))


QUESTION_STARTS = (
    "comment", "quand", "ou ", "quel", "pourquoi", "combien", "est-ce", "est ce", "qui ", "que ",
    "quoi", "peut-on", "puis-je", "c est quoi", "a quelle", "y a-t-il", "how", "what", "when",
    "where", "why", "can ", "is ", "are ",
)  # fmt: skip


def looks_like_question(text: str) -> bool:
    norm = normalize(text)
    return text.strip().endswith("?") or norm.startswith(QUESTION_STARTS)


class ValidateReportForm(FormValidationAction):
    """Checks and normalises the report slots; tells a real question from an answer."""

    def name(self) -> str:
        return "validate_report_form"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        return [*await super().run(dispatcher, tracker, domain), *clear_pending_choice(tracker)]

    def _answer_taken_for_a_question(self, tracker: Tracker, slot: str) -> dict[str, Any]:
        """NLU may label a bare answer ("à côté de la piscine") ask_question: the form would then
        treat it as a digression. When the text does not look like a question, keep it as the
        answer to the slot being asked."""
        text = latest_text(tracker)
        if (
            tracker.get_slot("requested_slot") == slot
            and latest_intent(tracker) == "ask_question"
            and not looks_like_question(text)
            and _is_content(text)
        ):
            return {slot: text.strip()}
        return {}

    async def extract_problem_type(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        return self._answer_taken_for_a_question(tracker, "problem_type")

    async def extract_place(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        return self._answer_taken_for_a_question(tracker, "place")

    def validate_problem_type(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        value = (
            preferred_entity(tracker, "problem_type", lambda v: canonical_problem(v) is not None)
            or str(value or "").strip()
        )
        key = canonical_problem(value)
        if key:
            return {"problem_type": key}
        previous = previous_slot_value(tracker, "problem_type")
        if previous and tracker.get_slot("requested_slot") != "problem_type":
            # a word tagged as a problem in a later answer ("c'est juste devant ..."): only a
            # known problem type corrects the one given before
            return {"problem_type": previous}
        if (
            tracker.get_slot("requested_slot") == "problem_type"
            and latest_entities(tracker, "place")
            and not latest_entities(tracker, "problem_type")
        ):
            # the citizen gave the place first: keep it, ask the problem again
            return {"problem_type": None}
        if _is_content(value):  # not in our list: keep the citizen's words
            return {"problem_type": shorten(value, 120)}
        _form_message(dispatcher, texts.REPORT_ASK_TYPE_AGAIN)
        return {"problem_type": None}

    def validate_place(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        said_place = latest_entities(tracker, "place")
        value = preferred_entity(tracker, "place") or str(value or "").strip()
        if (
            not said_place
            and latest_entities(tracker, "problem_type")
            and "problem_type" in tracker.slots_to_validate()
        ):
            # "ah non, c'est un nid-de-poule": a correction of the problem, not a place
            problem = problem_label(tracker.get_slot("problem_type") or "")
            _form_message(dispatcher, texts.REPORT_CORRECTED_TYPE.format(problem=problem))
            return {"place": None}
        previous = previous_slot_value(tracker, "place")
        if previous and tracker.get_slot("requested_slot") != "place" and not CORRECTION.search(latest_text(tracker)):
            # a place mentioned in a detail is not a correction of the place unless it says so
            return {"place": previous}
        if _is_content(value) and latest_intent(tracker) != "choose_option":
            return {"place": shorten(value, MAX_PLACE_CHARS)}
        _form_message(dispatcher, texts.REPORT_ASK_PLACE_AGAIN)
        return {"place": None}

    def validate_problem_details(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        value = str(value or "").strip()
        corrected = [
            slot
            for slot in ("problem_type", "place")
            if slot in tracker.slots_to_validate() and tracker.get_slot(slot) != previous_slot_value(tracker, slot)
        ]
        if corrected and value != NO_DETAIL:
            # the message corrected the problem or the place: confirm, ask the detail again
            problem = problem_label(tracker.get_slot("problem_type") or "")
            place = shorten(tracker.get_slot("place") or "", 80)
            _form_message(dispatcher, texts.REPORT_CORRECTED.format(problem=problem, place=place))
            return {"problem_details": None}
        norm = normalize(value)
        if value == NO_DETAIL or norm in NO_DETAIL_ANSWERS or not has_words(value):
            return {"problem_details": NO_DETAIL}
        if norm in YES_ANSWERS:
            _form_message(dispatcher, texts.REPORT_DETAIL_PROMPT)
            return {"problem_details": None}
        return {"problem_details": shorten(value, MAX_DETAIL_CHARS)}


def report_text(label: str, place: str, reference: str, expected: str | None) -> str:
    """Thanks + what and where + the reference + when a person will answer, in 280 characters."""
    expected = (expected or "").strip()
    for label_chars, place_chars in ((60, 80), (40, 40), (25, 25)):
        text = texts.REPORT_DONE.format(
            problem=shorten(label, label_chars), place=shorten(place, place_chars), reference=reference
        )
        candidate = f"{text} {expected}".strip()
        if fits(candidate):
            return candidate
    return truncate(f"{text} {expected}")


class ActionSubmitReport(Action):
    def name(self) -> str:
        return "action_submit_report"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        problem = str(tracker.get_slot("problem_type") or "")
        place = str(tracker.get_slot("place") or "")
        details = str(tracker.get_slot("problem_details") or "")
        if details == NO_DETAIL:
            details = ""
        key = canonical_problem(problem)
        department = department_for(problem)
        label = problem_label(key or problem)
        summary = f"Signalement : {label} – {place}"
        if details:
            summary += f" – {details}"
        await hand_over(
            dispatcher,
            tracker,
            reason="report_problem",
            department=department,
            summary=shorten(summary, 500),
            details={
                "problem_type": key or "autre",
                "problem_text": problem,
                "place": place,
                "details": details or None,
                "messages": user_texts(tracker, 6),
            },
            compose=lambda reference, expected: report_text(label, place, reference, expected),
            apology=apology_payload("report_problem", department, texts.REPORT_API_DOWN),
        )
        return reset_events(tracker, REPORT_SLOTS)
