"""The *Journal des usagers* in the console: ``/console/journal?week=2026-W48[&format=md|csv]``.

Agents, editors and admins read it; editors and admins turn a group of unanswered questions into a
draft FAQ entry (``POST /console/journal/suggestions``).
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote, urlsplit

from fastapi import APIRouter, Depends, Form, Header, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from guichet.crud.handoffs import Conflict
from guichet.models import Agent, Role, utcnow
from handoff_api.committed_route import CommittedRoute
from handoff_api.console.access import LoginRequired
from handoff_api.deps import EditorDep, SessionDep, SettingsDep, current_agent, require
from handoff_api.error_schema import PROBLEM_REF
from handoff_api.journal.encoders import encoder_of
from handoff_api.journal.render_html import html
from handoff_api.journal.render_text import csv_text, markdown
from handoff_api.journal.report import build_report
from handoff_api.journal.suggestions import create_draft
from handoff_api.journal.weeks import JournalError, resolve_week

router = APIRouter(tags=["journal"], route_class=CommittedRoute)
FORMATS = ("html", "md", "csv")
may_read = require(Role.AGENT, Role.EDITOR)


def journal_reader(request: Request, session: SessionDep,
                   authorization: Annotated[str | None, Header()] = None) -> Agent:
    """An agent, editor or admin, by console cookie or API token; a browser without either goes to login."""
    console = hasattr(request.app.state, "console_codec")
    if console and authorization is None and getattr(request.state, "console_agent", None) is None:
        raise LoginRequired()
    return may_read(current_agent(request, session, authorization))


ReaderDep = Annotated[Agent, Depends(journal_reader)]


JOURNAL_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"description": "The week's Journal", "content": {"text/html": {"schema": {"type": "string"}},
                                                          "text/markdown": {"schema": {"type": "string"}},
                                                          "text/csv": {"schema": {"type": "string"}}}},
    422: {"description": "No such week or format (an HTML page for format=html)",
          "content": {"text/html": {"schema": {"type": "string"}}, "application/json": {"schema": PROBLEM_REF}}},
}


@router.get("/console/journal", response_class=HTMLResponse, responses=JOURNAL_RESPONSES)
def journal(request: Request, session: SessionDep, settings: SettingsDep, reader: ReaderDep,
            week: str | None = None, format: str = "html", created: str | None = None) -> Response:
    if format not in FORMATS:
        raise HTTPException(422, f"format: {format!r} is not one of {', '.join(FORMATS)}")
    state = request.app.state
    now = utcnow()
    try:
        chosen, _ = resolve_week(week, now=now, zone=state.hours.zone)
    except JournalError as error:
        if format != "html":
            raise HTTPException(422, str(error)) from error
        return HTMLResponse(html(None, console=True, error=str(error), week_label=week or ""), status_code=422)
    report = build_report(session, week=chosen, settings=settings, hours=state.hours, now=now,
                          encoder=encoder_of(state.knowledge_base))
    if format == "md":
        return Response(markdown(report), media_type="text/markdown; charset=utf-8",
                        headers={"Content-Disposition": f'inline; filename="journal-{chosen.label}.md"'})
    if format == "csv":
        return Response(csv_text(report), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="journal-{chosen.label}.csv"'})
    can_suggest = reader.role in (Role.EDITOR.value, Role.ADMIN.value)
    page = html(report, console=True, can_suggest=can_suggest, created=created,
                csrf_token=getattr(request.state, "csrf_token", None) or "")
    return HTMLResponse(page, headers={"Cache-Control": "no-store"})


def same_origin(request: Request) -> None:
    """A form post from another site is refused (the console's middleware also checks its CSRF token)."""
    origin = request.headers.get("origin")
    if origin and origin != "null" and urlsplit(origin).netloc != request.url.netloc:
        raise HTTPException(403, f"origin {origin!r} may not post to this console")


@router.post("/console/journal/suggestions", dependencies=[Depends(same_origin)])
def suggest(request: Request, session: SessionDep, editor: EditorDep, question: Annotated[str, Form()],
            department: Annotated[str, Form()], week: Annotated[str, Form()] = "",
            examples: Annotated[list[str] | None, Form()] = None) -> Response:
    """Creates (once) a draft FAQ entry from a group of unanswered questions."""
    try:
        entry, is_new = create_draft(session, question=question, department=department, examples=examples or [],
                                     week=week, actor=editor.name)
    except (ValueError, Conflict) as error:
        raise HTTPException(422, str(error)) from error
    if "application/json" in request.headers.get("accept", ""):
        return JSONResponse({"id": entry.id, "status": entry.status, "created": is_new},
                            status_code=201 if is_new else 200)
    target = f"/console/journal?week={quote(week)}&created={quote(entry.id)}"
    return RedirectResponse(target, status_code=303)
