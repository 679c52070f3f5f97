"""Canned replies: list, create, change, delete; and their variables filled in for one handoff.

Variables are written ``{reference}``, ``{department}`` and ``{next_opening}``; any other name in braces is
refused when the reply is saved, so an agent never sends a brace to a citizen.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from guichet.crud.conversations import NotFound
from guichet.models import CannedReply, Department, Handoff, utcnow
from guichet.opening_hours import OpeningHours

VARIABLES = {"reference": "la référence de la demande (G-XXXXX)", "department": "le nom du service",
             "next_opening": "la prochaine ouverture des services (« lundi 7 décembre à 8 h 30 »)"}
PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
MAX_TEXT = 5000
DAYS_FR = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
MONTHS_FR = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
             "novembre", "décembre")


def clean(*, title: str, text: str) -> tuple[str, str]:
    """The title and text to store; ``ValueError`` names the field and what is wrong with it."""
    title, text = " ".join(title.split()), text.strip()
    if not 1 <= len(title) <= 120:
        raise ValueError(f"title: {title!r} must be 1-120 characters")
    if not text or len(text) > MAX_TEXT:
        raise ValueError(f"text: {len(text)} characters; must be 1-{MAX_TEXT}")
    unknown = sorted({name for name in PLACEHOLDER.findall(text) if name not in VARIABLES})
    if unknown:
        raise ValueError(f"text: unknown variable(s) {', '.join('{' + n + '}' for n in unknown)}; "
                         f"known: {', '.join('{' + n + '}' for n in VARIABLES)}")
    return title, text


def list_replies(session: Session) -> list[CannedReply]:
    return list(session.scalars(select(CannedReply).order_by(CannedReply.title)))


def get_reply(session: Session, *, reply_id: int) -> CannedReply:
    reply = session.get(CannedReply, reply_id)
    if reply is None:
        raise NotFound(f"canned reply {reply_id} does not exist")
    return reply


def _title_is_free(session: Session, title: str, reply_id: int | None) -> None:
    other = session.scalar(select(CannedReply).where(CannedReply.title == title))
    if other is not None and other.id != reply_id:
        raise ValueError(f"title: {title!r} is already used by canned reply {other.id}")


def create_reply(session: Session, *, title: str, text: str, actor: str) -> CannedReply:
    title, text = clean(title=title, text=text)
    _title_is_free(session, title, None)
    reply = CannedReply(title=title, text=text, updated_by=actor)
    session.add(reply)
    session.flush()
    return reply


def update_reply(session: Session, *, reply_id: int, title: str, text: str, actor: str) -> CannedReply:
    reply = get_reply(session, reply_id=reply_id)
    title, text = clean(title=title, text=text)
    _title_is_free(session, title, reply_id)
    reply.title, reply.text, reply.updated_by, reply.updated_at = title, text, actor, utcnow()
    session.flush()
    return reply


def delete_reply(session: Session, *, reply_id: int) -> None:
    session.delete(get_reply(session, reply_id=reply_id))
    session.flush()


def next_opening_fr(hours: OpeningHours, now: datetime) -> str:
    """When the services open next: if open now, when they open again after the current opening."""
    moment = now
    if hours.is_open(now):
        local = now.astimezone(hours.zone)
        moment = next(end for start, end in hours.spans_on(local.date()) if start <= local < end)
    opening = hours.next_opening(moment + timedelta(seconds=1))
    if opening is None:
        return "prochainement"
    local = opening.astimezone(hours.zone)
    minutes = f"{local.minute:02d}" if local.minute else ""
    return f"{DAYS_FR[local.weekday()]} {local.day} {MONTHS_FR[local.month - 1]} à {local.hour} h {minutes}".strip()


def fill(text: str, *, session: Session, handoff: Handoff, hours: OpeningHours, now: datetime | None = None) -> str:
    """The text an agent would send on ``handoff``, variables replaced."""
    department = session.get(Department, handoff.department)
    values = {"reference": handoff.reference, "department": department.name if department else handoff.department,
              "next_opening": next_opening_fr(hours, now or utcnow())}
    return PLACEHOLDER.sub(lambda found: values.get(found.group(1), found.group(0)), text)
