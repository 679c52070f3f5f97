"""``/console/admin``: accounts (create, deactivate, new token shown once), departments, opening hours, contacts."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from guichet.city_facts import FIELDS, LABELS, MAX_CHARS
from guichet.crud import accounts, city_facts_store
from guichet.crud import opening_hours_store as hours_store
from guichet.crud.agents import audit
from guichet.models import Agent
from guichet.opening_hours import DAY_KEYS
from handoff_api.committed_route import CommittedRoute
from handoff_api.console.access import ConsoleAdmin
from handoff_api.console.templating import render
from handoff_api.deps import RowId, SessionDep
from handoff_api.routers.admin import NewAgent, new_account

router = APIRouter(prefix="/console/admin", tags=["console"], include_in_schema=False, route_class=CommittedRoute)
DONE = {"deactivated": "Compte désactivé.", "department": "Service ajouté.", "hours": "Horaires enregistrés.",
        "contacts": "Coordonnées enregistrées."}


def admin_page(request: Request, session: Session, *, error: str | None = None, ok: str = "",
               token_for: Agent | None = None, token: str | None = None, status_code: int = 200,
               hours_form: dict[str, str] | None = None, contacts_form: dict[str, str] | None = None) -> Response:
    weekly = hours_store.weekly_text(request.app.state.hours)
    settings = request.app.state.settings
    contacts = contacts_form or city_facts_store.current_contacts(session, settings=settings).as_dict()
    context = {
        "title": "Administration", "agents": accounts.list_agents(session),
        "departments": accounts.list_departments(session), "error": error, "done": DONE.get(ok),
        "token_for": token_for, "token": token, "days": DAY_KEYS,
        "hours": hours_form or {day: ", ".join(spans) for day, spans in weekly.items()},
        "contacts": contacts, "contact_fields": FIELDS, "contact_labels": LABELS, "contact_max": MAX_CHARS,
    }
    return render(request, "console/admin.html", context, status_code=status_code)


@router.get("")
def show(request: Request, session: SessionDep, admin: ConsoleAdmin, ok: str = "") -> Response:
    return admin_page(request, session, ok=ok)


@router.post("/agents")
def create_agent(request: Request, session: SessionDep, admin: ConsoleAdmin,
                 name: Annotated[str, Form(max_length=80)] = "", role: Annotated[str, Form()] = "agent",
                 department: Annotated[str, Form()] = "",
                 password: Annotated[str, Form(max_length=500)] = "") -> Response:
    try:
        agent, token = new_account(session, admin, NewAgent(name=name or " ", role=role, department=department or None,
                                                            password=password or None))
    except (ValueError, LookupError) as error:
        session.rollback()
        return admin_page(request, session, error=str(error), status_code=422)
    session.commit()
    return admin_page(request, session, token_for=agent, token=token, status_code=201)


@router.post("/agents/{agent_id}/deactivate")
def deactivate(agent_id: RowId, request: Request, session: SessionDep, admin: ConsoleAdmin) -> Response:
    if agent_id == admin.id:
        return admin_page(request, session, error="Vous ne pouvez pas désactiver votre propre compte.",
                          status_code=422)
    accounts.deactivate_agent(session, agent_id=agent_id)
    audit(session, actor=admin.name, action="admin.agent_deactivate", target=f"agent:{agent_id}")
    session.commit()
    return RedirectResponse("/console/admin?ok=deactivated", status_code=303)


@router.post("/agents/{agent_id}/token")
def regenerate_token(agent_id: RowId, request: Request, session: SessionDep, admin: ConsoleAdmin) -> Response:
    try:
        agent, token = accounts.regenerate_token(session, agent_id=agent_id)
    except ValueError as error:
        return admin_page(request, session, error=str(error), status_code=422)
    audit(session, actor=admin.name, action="admin.token_regenerate", target=f"agent:{agent_id}")
    session.commit()
    return admin_page(request, session, token_for=agent, token=token)


@router.post("/departments")
def add_department(request: Request, session: SessionDep, admin: ConsoleAdmin,
                   slug: Annotated[str, Form(max_length=40)] = "",
                   name: Annotated[str, Form(max_length=120)] = "") -> Response:
    try:
        accounts.add_department(session, slug=slug, name=name)
    except ValueError as error:
        session.rollback()
        return admin_page(request, session, error=str(error), status_code=422)
    audit(session, actor=admin.name, action="admin.department_add", target=f"department:{slug.strip()}")
    session.commit()
    return RedirectResponse("/console/admin?ok=department", status_code=303)


DayField = Annotated[str, Form(max_length=200)]


@router.post("/opening-hours")
def opening_hours(request: Request, session: SessionDep, admin: ConsoleAdmin, day_mon: DayField = "",
                  day_tue: DayField = "", day_wed: DayField = "", day_thu: DayField = "", day_fri: DayField = "",
                  day_sat: DayField = "", day_sun: DayField = "") -> Response:
    """One text field per day: ``08:30-12:00, 13:30-17:30``; empty means closed."""
    texts = dict(zip(DAY_KEYS, (day_mon, day_tue, day_wed, day_thu, day_fri, day_sat, day_sun), strict=True))
    weekly = {day: [span for span in text.replace(";", ",").split(",") if span.strip()] for day, text in texts.items()}
    hours = request.app.state.hours
    try:
        saved = hours_store.save_weekly(session, target=hours, weekly=weekly)
    except ValueError as error:
        session.rollback()
        return admin_page(request, session, error=str(error), status_code=422, hours_form=texts)
    audit(session, actor=admin.name, action="admin.opening_hours", target="opening_hours", detail=saved)
    session.commit()
    hours_store.apply(hours, saved)
    return RedirectResponse("/console/admin?ok=hours", status_code=303)


ContactField = Annotated[str, Form(max_length=300)]


@router.post("/city-contacts")
def city_contacts(request: Request, session: SessionDep, admin: ConsoleAdmin, address: ContactField = "",
                  phone: ContactField = "", email: ContactField = "", website: ContactField = "") -> Response:
    """The town hall's address and access, phone, e-mail and website; an empty field means unknown."""
    form = {"address": address, "phone": phone, "email": email, "website": website}
    try:
        saved = city_facts_store.save_contacts(session, values=dict(form))
    except ValueError as error:
        session.rollback()
        return admin_page(request, session, error=str(error), status_code=422, contacts_form=form)
    audit(session, actor=admin.name, action="admin.city_contacts", target="city_contacts", detail=saved.as_dict())
    session.commit()
    return RedirectResponse("/console/admin?ok=contacts", status_code=303)
