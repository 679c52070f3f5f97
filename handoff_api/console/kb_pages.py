"""``/console/kb``: the editors' list of entries (search, filters), agents' drafts, and "tester une question"."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from guichet.models import EntryStatus
from handoff_api.committed_route import CommittedRoute
from handoff_api.console.access import ConsoleEditor
from handoff_api.console.kb_quality import production_quality
from handoff_api.console.queue import departments
from handoff_api.console.templating import ENTRY_STATUS_FR, render
from handoff_api.deps import SessionDep
from knowledge_base.store import list_entries, unfilled_entry_ids
from knowledge_base.types import SearchService

router = APIRouter(prefix="/console/kb", tags=["console"], include_in_schema=False, route_class=CommittedRoute)
log = logging.getLogger("guichet.console")
PAGE_SIZE = 50


def knowledge_base_of(request: Request) -> SearchService | None:
    knowledge_base: SearchService | None = request.app.state.knowledge_base
    return knowledge_base if knowledge_base is not None and knowledge_base.ready else None


def refresh_entries(request: Request, entry_ids: list[str]) -> None:
    """After a change is committed: the bot's next answer uses it (the loader reads the database if still loading)."""
    knowledge_base: SearchService | None = request.app.state.knowledge_base
    if knowledge_base is None:
        return
    try:
        knowledge_base.refresh(entry_ids)
    except Exception:
        log.exception("knowledge base refresh failed for %s", entry_ids)


def test_question(request: Request, question: str) -> dict[str, Any]:
    """What the bot would do with ``question``: its decision and the top 3 entries."""
    question = question.strip()[:1000]
    if not question:
        return {"question": "", "result": None, "unavailable": False}
    knowledge_base = knowledge_base_of(request)
    if knowledge_base is None:
        return {"question": question, "result": None, "unavailable": True}
    try:
        return {"question": question, "result": knowledge_base.search(question, top_k=3), "unavailable": False}
    except Exception:
        log.exception("test search failed")
        return {"question": question, "result": None, "unavailable": True}


def decision_status(request: Request) -> dict[str, Any] | None:
    """Where the decision comes from and its estimated precision and coverage (None while loading)."""
    knowledge_base = knowledge_base_of(request)
    status = getattr(knowledge_base, "decision_status", None)
    if status is None:
        return None
    try:
        found: dict[str, Any] = status()
    except Exception:
        log.exception("knowledge base: decision status failed")
        return None
    return found


@router.get("")
def kb_list(request: Request, session: SessionDep, editor: ConsoleEditor, q: str = "", department: str = "",
            status: str = "", offset: int = 0, test: str = "", ok: str = "") -> Response:
    status = status if status in ENTRY_STATUS_FR else ""
    entries, total = list_entries(session, q=q.strip() or None, department=department or None,
                                  status=status or None, offset=max(0, offset), limit=PAGE_SIZE)
    drafts, _ = list_entries(session, status=EntryStatus.DRAFT.value, limit=100)
    context = {
        "title": "Base de connaissances", "entries": entries, "total": total, "offset": max(0, offset),
        "page_size": PAGE_SIZE, "q": q, "department": department, "status": status, "drafts": drafts,
        "departments": departments(session), "test": test_question(request, test), "ok": ok,
        "unfilled": unfilled_entry_ids(session),
        "decision": decision_status(request), "quality": production_quality(request, session),
    }
    return render(request, "console/kb_list.html", context)


@router.get("/test")
def kb_test(request: Request, editor: ConsoleEditor, test: str = "") -> Response:
    """The "tester une question" result alone (htmx swaps it in place)."""
    return render(request, "console/_kb_test.html", {"test": test_question(request, test)})
