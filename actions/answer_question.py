"""`action_answer_question`: questions, unclear messages and picks after a clarification."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from guichet.contract.limits import MAX_QUERY_CHARS

from . import api_client, texts
from .choices import NONE_FITS, parse_choice
from .conversation import conversation_id, latest_intent, latest_text
from .handoff import apology_payload, hand_over
from .payloads import TWEET_LIMIT, fits, make_payload, truncate, weighted_length
from .text_utils import (
    LONG_MESSAGE_CHARS,
    MENTION_RE,
    clean_for_search,
    has_words,
    only_links,
    shorten,
)

# a search hit at least this good is "relevant": its department receives the handoff
RELEVANT_SCORE = 0.5


def answer_text(hit: dict[str, Any]) -> str:
    """The answer, with its link appended when not already inside and when it fits."""
    answer = " ".join(str(hit.get("answer") or "").split())
    url = str(hit.get("url") or "").strip()
    if url and url not in answer:
        with_url = f"{answer} {url}"
        if fits(with_url):
            return with_url
        link_weight = weighted_length(f" {url}")  # 1 + 23 for a URL that X recognises
        if not fits(answer) and link_weight < TWEET_LIMIT // 2:  # cut anyway: keep the link
            return f"{truncate(answer, TWEET_LIMIT - link_weight)} {url}"
    return truncate(answer)


def answer_payload(hit: dict[str, Any], others: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    suggestions = [{"faq_id": other.get("id"), "question": other.get("question")} for other in others or []]
    return make_payload(answer_text(hit), "answer", faq_id=hit.get("id"), suggestions=suggestions)


def _question_label(hit: dict[str, Any]) -> str:
    return " ".join(str(hit.get("question") or "").split()).rstrip(" ?")


def clarify_text(hits: list[dict[str, Any]]) -> str:
    questions = [_question_label(hit) for hit in hits]

    def build(items: list[str]) -> str:
        listed = " ".join(f"{number}. {item}" for number, item in enumerate(items, 1))
        return f"{texts.CLARIFY_INTRO} {listed} {texts.CLARIFY_OUTRO}"

    text = build(questions)
    if fits(text):
        return text
    fixed = weighted_length(build([""] * len(questions)))
    budget = max(12, (TWEET_LIMIT - fixed) // max(1, len(questions)))
    return build([truncate(question, budget) for question in questions])


def clarify_payload(hits: list[dict[str, Any]]) -> dict[str, Any]:
    suggestions = [{"faq_id": hit.get("id"), "question": hit.get("question")} for hit in hits]
    return make_payload(clarify_text(hits), "clarify", suggestions=suggestions)


def _answered_events(hit: dict[str, Any]) -> list[EventType]:
    return [SlotSet("last_faq_id", hit.get("id")), SlotSet("topic_department", hit.get("department"))]


def _clear_pending(tracker: Tracker) -> list[EventType]:
    events: list[EventType] = []
    if tracker.get_slot("clarify_options") is not None:
        events.append(SlotSet("clarify_options", None))
    if tracker.get_slot("pending_choice") is not None:
        events.append(SlotSet("pending_choice", None))
    return events


def _smalltalk(dispatcher: CollectingDispatcher, text: str) -> None:
    dispatcher.utter_message(json_message=make_payload(text, "smalltalk"))


class ActionAnswerQuestion(Action):
    def name(self) -> str:
        return "action_answer_question"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        text = latest_text(tracker)
        intent = latest_intent(tracker)
        events: list[EventType] = []

        pending = tracker.get_slot("clarify_options") or {}
        options = pending.get("options") if isinstance(pending, dict) else None
        if options:
            events += _clear_pending(tracker)
            choice = parse_choice(text, options, intent)
            if choice == NONE_FITS:
                query = str(pending.get("query") or "")
                await hand_over(
                    dispatcher,
                    tracker,
                    reason="unanswered",
                    department=None,
                    summary=shorten(f"Question sans réponse : « {query} »", 500),
                    details={"query": query, "proposed": [option.get("id") for option in options]},
                )
                return events
            if isinstance(choice, int):
                hit = options[choice]
                dispatcher.utter_message(json_message=answer_payload(hit))
                return events + _answered_events(hit)
            # neither a pick nor a refusal: treat it as a new question
        elif intent == "choose_option":
            _smalltalk(dispatcher, texts.NO_PENDING_CHOICE)
            return events

        query = shorten(clean_for_search(text), MAX_QUERY_CHARS)
        if not has_words(query):
            if only_links(text):
                _smalltalk(dispatcher, texts.PROMPT_LINK_ONLY)
            elif MENTION_RE.search(text) or not text.strip():
                _smalltalk(dispatcher, texts.PROMPT_EMPTY)
            else:
                _smalltalk(dispatcher, texts.PROMPT_REPHRASE)
            return events

        if len(text) > LONG_MESSAGE_CHARS:
            await hand_over(
                dispatcher,
                tracker,
                reason="question",
                department=None,
                summary=shorten(f"Message long : « {clean_for_search(text)} »", 500),
                details={"message": shorten(text, 4000)},
            )
            return events

        try:
            result = await api_client.get_api().search(query, conversation_id=conversation_id(tracker))
        except api_client.ApiError:
            dispatcher.utter_message(json_message=apology_payload("error", None))
            return events

        hits = [hit for hit in result.get("hits", []) if isinstance(hit, dict)]
        decision = result["decision"]
        in_form = bool(tracker.active_loop_name)
        if decision == "clarify" and len(hits) >= 2 and not in_form:
            options = hits[:3]
            dispatcher.utter_message(json_message=clarify_payload(options))
            return [
                *events,
                SlotSet("clarify_options", {"query": query, "options": options}),
                SlotSet("pending_choice", True),
            ]
        if decision in ("answer", "clarify") and hits:
            # a question asked in the middle of a form gets the best answer (the other
            # candidates as suggestions) rather than a numbered list, so that the form's next
            # answer cannot be mistaken for a pick
            others = hits[1:3] if decision == "clarify" else []
            dispatcher.utter_message(json_message=answer_payload(hits[0], others))
            return events + _answered_events(hits[0])
        if in_form:
            # no handoff in the middle of a form: the form goes on, and ends with one
            dispatcher.utter_message(json_message=make_payload(texts.NO_ANSWER_DURING_FORM, "info"))
            return events

        department = None
        if hits and float(hits[0].get("score") or 0.0) >= RELEVANT_SCORE:
            department = hits[0].get("department")
        await hand_over(
            dispatcher,
            tracker,
            reason="unanswered",
            department=department,
            summary=shorten(f"Question sans réponse : « {query} »", 500),
            details={"query": query, "hits": [{"id": h.get("id"), "score": h.get("score")} for h in hits]},
        )
        return events
