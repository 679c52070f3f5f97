from __future__ import annotations

import asyncio

import httpx
import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.status import ActionCheckStatus, ValidateStatusForm, extract_reference
from tests.actions.helpers import DOMAIN, FakeApp, make_tracker, run_action, slot_events


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("G-7K3Q9", "G-7K3Q9"),
        ("g-7k3q9", "G-7K3Q9"),
        ("ma référence est G-A2B4C merci", "G-A2B4C"),
        ("G 7K3Q9", "G-7K3Q9"),
        ("G7K3Q9", "G-7K3Q9"),
        ("G-MERCI", "G-MERCI"),
        ("gratuit", None),
        ("g merci", None),
        ("G-7K3Q9X", None),
        ("je ne sais pas", None),
    ],
)
def test_extract_reference(text: str, expected: str | None) -> None:
    assert extract_reference(text) == expected


def validate_reference(value: str) -> tuple[dict, list[dict]]:
    tracker = make_tracker(
        value,
        intent="check_status",
        slots={"requested_slot": "reference", "reference": value},
        extra_events=[{"event": "slot", "name": "reference", "value": value}],
        active_loop="status_form",
    )
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ValidateStatusForm().run(dispatcher, tracker, DOMAIN))
    return slot_events(events), [m["custom"] for m in dispatcher.messages]


def test_validate_reference() -> None:
    slots, messages = validate_reference("c'est le g-4rt6y")
    assert slots == {"reference": "G-4RT6Y"} and messages == []
    slots, messages = validate_reference("je sais plus")
    assert slots == {"reference": None}
    assert messages[0]["kind"] == "form"
    assert messages[0]["text"] == "Je ne reconnais pas ce numéro. Si vous ne l'avez pas, répondez non."


def status_tracker(reference: str = "G-7K3Q9") -> Tracker:
    return make_tracker(reference, intent="check_status", slots={"reference": reference})


@pytest.mark.parametrize(
    ("status", "text"),
    [
        (
            "waiting",
            "Votre demande G-7K3Q9 est bien enregistrée. Elle attend d'être prise en charge par le service "
            "Voirie. Dernière mise à jour le 12/03/2025.",
        ),
        (
            "assigned",
            "Votre demande G-7K3Q9 est en cours : un agent du service Voirie s'en occupe. "
            "Dernière mise à jour le 12/03/2025.",
        ),
        (
            "resolved",
            "Votre demande G-7K3Q9 est traitée. Si le problème continue, écrivez-le-moi ici. "
            "Dernière mise à jour le 12/03/2025.",
        ),
    ],
)
def test_status_found(app: FakeApp, status: str, text: str) -> None:
    app.route(
        "GET /api/internal/requests/G-7K3Q9",
        body={
            "reference": "G-7K3Q9",
            "status": status,
            "department": "voirie",
            "created_at": "2025-03-10T09:00:00+01:00",
            "updated_at": "2025-03-12T15:30:00+01:00",
            "summary": "Signalement : nid-de-poule – rue Pasteur",
        },
    )
    payloads, events = run_action(ActionCheckStatus(), status_tracker())
    assert payloads == [{"text": text, "kind": "info", "faq_id": None, "suggestions": [], "handoff": None}]
    assert slot_events(events) == {"reference": None}
    assert app.requests[0].headers["Authorization"] == "Bearer service-token"
    assert app.requests[0].url.params["conversation_id"] == "conv-42"  # only the asking citizen's requests


def test_status_unknown(app: FakeApp) -> None:
    app.route("GET /api/internal/requests/G-ZZZZ9", status=404, body={"detail": "unknown"})
    payloads, _ = run_action(ActionCheckStatus(), status_tracker("G-ZZZZ9"))
    assert payloads[0]["kind"] == "info"
    assert payloads[0]["text"].startswith("Je ne trouve aucune demande avec le numéro G-ZZZZ9.")


@pytest.mark.parametrize("failure", [httpx.ConnectError("refused"), httpx.ConnectTimeout("slow")])
def test_status_with_the_api_down(app: FakeApp, failure: Exception) -> None:
    app.fail("GET /api/internal/requests/G-7K3Q9", failure)
    payloads, events = run_action(ActionCheckStatus(), status_tracker())
    assert payloads[0]["kind"] == "handoff"
    assert payloads[0]["text"].startswith("Désolé, je rencontre un problème technique.")
    assert payloads[0]["handoff"] == {"department": None, "reason": "error", "reference": None, "handoff_id": None}
    assert slot_events(events) == {"reference": None}
