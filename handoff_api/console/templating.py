"""Jinja2 for the console pages: autoescaped templates, French labels and dates in the city's time zone."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from guichet.models import utcnow
from knowledge_base.city_answers import is_builtin
from knowledge_base.placeholders import placeholders

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"

STATUS_FR = {"waiting": "en attente", "assigned": "prise en charge", "resolved": "résolue"}
CHANNEL_FR = {"webchat": "chat du site", "x_mention": "X (mention publique)", "x_dm": "X (message privé)",
              "mastodon": "Mastodon", "email": "e-mail"}
ROLE_FR = {"agent": "agent", "editor": "éditeur", "admin": "administrateur", "service": "service"}
AUTHOR_FR = {"citizen": "Usager", "bot": "Assistant", "agent": "Agent", "note": "Note interne"}
DECISION_FR = {"answer": "répondre avec la FAQ", "clarify": "demander une précision",
               "handoff": "transmettre à une personne"}
ENTRY_STATUS_FR = {"published": "publiée", "draft": "brouillon", "deleted": "supprimée"}
REASON_FR = {"question": "question", "report_problem": "signalement", "request_human": "demande d'une personne",
             "insult": "propos injurieux", "error": "panne de l'assistant", "unanswered": "sans réponse de la FAQ"}
EVENT_FR = {"create": "création", "claim": "prise en charge", "transfer": "transfert", "resolve": "résolution",
            "return_to_bot": "rendue à l'assistant", "reopen": "réouverture",
            "merge": "doublon fermé", "route": "confiée à son dernier agent",
            "unassign": "revenue en file (pas de réponse de l'agent à temps)"}
DAY_FR = {"mon": "Lundi", "tue": "Mardi", "wed": "Mercredi", "thu": "Jeudi", "fri": "Vendredi", "sat": "Samedi",
          "sun": "Dimanche"}

templates = Jinja2Templates(directory=str(TEMPLATES_DIR))


def duration_fr(seconds: float) -> str:
    minutes = int(abs(seconds) // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return f"{days} j {hours} h"
    if hours:
        return f"{hours} h {minutes:02d}"
    return f"{minutes} min"


def due_in(due: datetime, now: datetime | None = None) -> str:
    """``"dans 2 h 05"`` or ``"dépassé de 15 min"``: the SLA countdown, also redrawn every minute by JS."""
    seconds = (due - (now or utcnow())).total_seconds()
    return f"dans {duration_fr(seconds)}" if seconds >= 0 else f"dépassé de {duration_fr(seconds)}"


def local_time(request: Request, moment: datetime | None) -> str:
    if moment is None:
        return ""
    return moment.astimezone(request.app.state.hours.zone).strftime("%d/%m/%Y %H:%M")


def render(request: Request, name: str, context: dict[str, Any] | None = None, *,
           status_code: int = 200) -> HTMLResponse:
    """A console page; every template gets the agent, the CSRF token, labels and helpers."""
    settings = request.app.state.settings
    full: dict[str, Any] = {
        "agent": getattr(request.state, "console_agent", None),
        "csrf_token": getattr(request.state, "csrf_token", None) or "",
        "city_name": settings.city_name,
        "status_fr": STATUS_FR, "channel_fr": CHANNEL_FR, "role_fr": ROLE_FR, "author_fr": AUTHOR_FR,
        "decision_fr": DECISION_FR, "entry_status_fr": ENTRY_STATUS_FR, "day_fr": DAY_FR,
        "reason_fr": REASON_FR, "event_fr": EVENT_FR, "placeholders": placeholders, "is_builtin": is_builtin,
        "due_in": due_in, "when": lambda moment: local_time(request, moment),
        "now": utcnow(),
        **(context or {}),
    }
    response: HTMLResponse = templates.TemplateResponse(request, name, full, status_code=status_code)
    response.headers["Cache-Control"] = "no-store"
    return response
