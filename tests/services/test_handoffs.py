"""The agents' actions refuse what they cannot do, the same way for the API and the console."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.orm import Session, sessionmaker

from guichet.crud import conversations as conv_crud
from guichet.crud.agents import create_agent
from guichet.crud.conversations import NotFound
from guichet.crud.handoffs import open_handoff
from guichet.db import session_scope
from guichet.models import Role
from guichet.opening_hours import OpeningHours
from guichet.settings import Settings
from services import handoffs
from testing.hours import ALWAYS_OPEN


def test_empty_replies_and_transfers_to_nobody_are_refused(settings: Settings,
                                                           session_factory: sessionmaker[Session]) -> None:
    with session_scope(session_factory) as session:
        agent, _ = create_agent(session, name="Awa", role=Role.AGENT, department="voirie")
        conversation = conv_crud.conversation_for_ref(session, channel="x_dm", external_ref="7")
        handoff, is_new = open_handoff(session, conversation=conversation, settings=settings,
                                       hours=OpeningHours.parse(ALWAYS_OPEN, settings.timezone),
                                       department="voirie", reason="question", summary="lampadaire", actor="bot")
        assert is_new and handoff.first_response_due - handoff.created_at >= timedelta(
            hours=settings.first_response_hours)  # working hours from the settings, always open here
        handoffs.claim(session, handoff_id=handoff.id, agent=agent)
        with pytest.raises(handoffs.Refused, match="text: must not be empty"):
            handoffs.reply(session, handoff_id=handoff.id, agent=agent, text="   ")
        with pytest.raises(handoffs.Refused, match="needs a department or an agent_id"):
            handoffs.transfer(session, handoff_id=handoff.id, agent=agent, department=None, agent_id=None)
        with pytest.raises(NotFound, match="agent 999 does not exist"):
            handoffs.transfer(session, handoff_id=handoff.id, agent=agent, department=None, agent_id=999)
        message, _ = handoffs.reply(session, handoff_id=handoff.id, agent=agent, text=" Réparé demain. ")
        assert message.text == "Réparé demain."
