"""Every citizen message goes through here: stored first, then routed by the conversation's owner."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from anyio import to_thread
from sqlalchemy.orm import Session, sessionmaker

from gateway.feedback_turn import REQUEST_HUMAN, Verdict, read_feedback, with_apology
from gateway.notices import apology_text, with_automatic_notice
from gateway.rasa_client import RasaClient, RasaUnavailable
from guichet.contract.replies import Reply, from_rasa
from guichet.crud import conversations as conv_crud
from guichet.crud import feedback as feedback_crud
from guichet.crud import handoffs as handoff_crud
from guichet.crud.replies import send_reply
from guichet.db import session_scope
from guichet.events import EventBus
from guichet.metrics import Metrics
from guichet.models import Author, Conversation, Message, Owner, utcnow
from guichet.opening_hours import OpeningHours
from guichet.settings import Settings

log = logging.getLogger("guichet.gateway")
LEASE = timedelta(seconds=60)
RASA_TEXT_LIMIT = 2000


@dataclass
class Outcome:
    """What one inbound message produced: ``duplicate`` when it had been delivered before."""

    replies: list[Reply]
    message_id: int | None
    duplicate: bool = False


@dataclass(frozen=True)
class Recovery:
    found: int
    handled: int
    given_up: int = 0  # tried ``inbound_max_attempts`` times: marked failed and handed to a person


class Gateway:
    def __init__(self, *, settings: Settings, session_factory: sessionmaker[Session], rasa: RasaClient,
                 hours: OpeningHours, events: EventBus, metrics: Metrics | None = None):
        self.settings = settings
        self.metrics = metrics
        self.session_factory = session_factory
        self.rasa = rasa
        self.hours = hours
        self.events = events

    async def receive(self, *, conversation_id: str, text: str, channel: str, external_id: str | None = None,
                      payload: dict[str, Any] | None = None) -> Outcome:
        message_id = await to_thread.run_sync(self._store_inbound, conversation_id, text, channel, external_id,
                                              payload)
        if message_id is None:
            return Outcome([], None, duplicate=True)
        if self.metrics is not None:
            self.metrics.message_in(channel)
        return Outcome(await self.process(message_id), message_id)

    def _store_inbound(self, conversation_id: str, text: str, channel: str, external_id: str | None,
                       payload: dict[str, Any] | None) -> int | None:
        with session_scope(self.session_factory) as session:
            conversation = conv_crud.get_conversation(session, conversation_id=conversation_id)
            message = conv_crud.add_inbound(session, conversation=conversation, text=text, channel=channel,
                                            external_id=external_id, payload=payload)
            return None if message is None else message.id

    async def process(self, message_id: int) -> list[Reply]:
        """Handle one stored inbound message exactly once (a lease guards against two workers)."""
        state = await to_thread.run_sync(self._claim, message_id)
        if state is None:
            return []
        conversation_id, owner, text, channel = state
        started = time.perf_counter()
        if owner != Owner.BOT.value:
            return self._measured(channel, started, await to_thread.run_sync(self._to_handoff, message_id))
        verdict = await to_thread.run_sync(self._read_feedback, message_id)
        if verdict is Verdict.RATING:
            thanks = [Reply(feedback_crud.RATING_THANKS, "info")]
            return self._measured(channel, started, (await to_thread.run_sync(self._store_replies, message_id,
                                                                               thanks))[0])
        if verdict is Verdict.NEGATIVE:
            text = REQUEST_HUMAN  # the existing "a person, please" turn: same action, same department
        try:
            items = await self.rasa.send(sender=conversation_id, text=text[:RASA_TEXT_LIMIT],
                                         metadata={"channel": channel, "conversation_id": conversation_id})
            if self.metrics is not None:
                self.metrics.observe("rasa", time.perf_counter() - started)
            replies = from_rasa(items)
        except RasaUnavailable as error:
            log.warning("rasa unavailable for conversation %s: %s", conversation_id, error)
            replies = [Reply(apology_text(), "handoff", handoff={"reason": "error", "reference": None})]
        if not replies:
            replies = [Reply(apology_text(), "handoff", handoff={"reason": "unanswered", "reference": None})]
        if verdict is Verdict.NEGATIVE:
            replies = with_apology(replies)
        replies, paused = await to_thread.run_sync(self._store_replies, message_id, replies)
        if paused:
            await self._tracker_event(conversation_id, "pause")
        return self._measured(channel, started, replies)

    def _measured(self, channel: str, started: float, replies: list[Reply]) -> list[Reply]:
        """Counts the replies by kind and the whole turn's latency (stage ``reply``)."""
        if self.metrics is not None:
            for reply in replies:
                self.metrics.bot_reply(kind=reply.kind, channel=channel)
            self.metrics.observe("reply", time.perf_counter() - started)
        return replies

    def _claim(self, message_id: int) -> tuple[str, str, str, str] | None:
        with session_scope(self.session_factory) as session:
            if not conv_crud.claim_inbound(session, message_id=message_id, lease=LEASE):
                return None
            message = session.get(Message, message_id)
            assert message is not None
            conversation = message.conversation
            return conversation.id, conversation.owner, message.text, message.channel

    def _read_feedback(self, message_id: int) -> Verdict | None:
        with session_scope(self.session_factory) as session:
            message = session.get(Message, message_id)
            assert message is not None
            return read_feedback(session, message=message, settings=self.settings)

    def _to_handoff(self, message_id: int) -> list[Reply]:
        with session_scope(self.session_factory) as session:
            message = session.get(Message, message_id)
            assert message is not None
            conversation = message.conversation
            handoff = handoff_crud.open_handoff_of(session, conversation_id=conversation.id)
            replies: list[Reply] = []
            notice = self._closed_notice(conversation)
            if notice is not None:
                replies.append(notice)
                self._save_reply(session, conversation, message, notice)
            conv_crud.mark_handled(session, message=message)
            handoff_id = handoff.id if handoff else None
        self.events.publish("handoffs", {"type": "message", "handoff_id": handoff_id,
                                         "conversation_id": conversation.id})
        return replies

    def _closed_notice(self, conversation: Conversation) -> Reply | None:
        """Outside opening hours, one reply per conversation per day says when a person will answer."""
        now = utcnow()
        if self.hours.is_open(now):
            return None
        today = now.astimezone(self.hours.zone).date().isoformat()
        if conversation.closed_notice_on == today:
            return None
        conversation.closed_notice_on = today
        return Reply(self.hours.expectation(now), "info")

    def _store_replies(self, message_id: int, replies: list[Reply]) -> tuple[list[Reply], bool]:
        with session_scope(self.session_factory) as session:
            message = session.get(Message, message_id)
            assert message is not None
            conversation = message.conversation
            if not conv_crud.bot_has_spoken(session, conversation_id=conversation.id):
                replies = with_automatic_notice(replies)
            created = None
            for reply in replies:
                if reply.kind == "handoff":
                    created = self._ensure_handoff(session, conversation, message, reply)
            for reply in replies:
                self._save_reply(session, conversation, message, reply)
            conv_crud.mark_handled(session, message=message)
            paused = conversation.owner != Owner.BOT.value
        if created is not None:
            self.events.publish("handoffs", {"type": "handoff", "handoff_id": created,
                                             "conversation_id": conversation.id})
        return replies, paused

    def _ensure_handoff(self, session: Session, conversation: Conversation, message: Message,
                        reply: Reply) -> int | None:
        """The action normally creates the handoff; if it could not reach us, do it here."""
        info = reply.handoff or {}
        existing = handoff_crud.open_handoff_of(session, conversation_id=conversation.id)
        if existing is not None:
            conversation.owner = Owner.AGENT.value if existing.agent_id else Owner.QUEUE.value
            return existing.id if info.get("handoff_id") is None else None
        handoff, _ = handoff_crud.open_handoff(
            session, conversation=conversation, settings=self.settings, hours=self.hours,
            department=info.get("department"), reason=str(info.get("reason") or "unanswered"),
            summary=message.text[:500], actor="gateway")
        if reply.text == apology_text() or not info.get("reference"):
            reply.text = f"{reply.text} Référence : {handoff.reference}."
        return handoff.id

    def _save_reply(self, session: Session, conversation: Conversation, inbound: Message, reply: Reply) -> None:
        send_reply(session, conversation=conversation, author=Author.BOT, text=reply.text, kind=reply.kind,
                   answering=inbound, faq_id=reply.faq_id,
                   payload={"suggestions": reply.suggestions, "handoff": reply.handoff})

    async def _tracker_event(self, conversation_id: str, event: str) -> None:
        try:
            await self.rasa.append_event(sender=conversation_id, event=event)
        except RasaUnavailable as error:
            log.warning("could not record %s in Rasa's tracker: %s", event, error)

    async def resume_bot(self, conversation_id: str) -> None:
        await self._tracker_event(conversation_id, "resume")

    async def recover(self, *, older_than: timedelta = timedelta(seconds=30)) -> Recovery:
        """Process inbound messages a crash left pending; a message another worker holds stays pending.

        A message that fails is released for the next round; one already taken up ``inbound_max_attempts``
        times is given up instead (marked failed, handed to a person, listed in the console).
        """
        def pending(ids: list[int] | None = None) -> list[int]:
            with session_scope(self.session_factory) as session:
                found = conv_crud.pending_inbound(session, older_than=utcnow() - older_than)
                return [m.id for m in found if ids is None or m.id in ids]

        given_up = await to_thread.run_sync(self._give_up, older_than)
        ids = await to_thread.run_sync(pending)
        for message_id in ids:
            try:
                await self.process(message_id)
            except Exception:
                log.exception("inbound message %s failed; it will be tried again", message_id)
                await to_thread.run_sync(self._release, message_id)
        left = await to_thread.run_sync(pending, ids) if ids else []
        return Recovery(found=len(ids), handled=len(ids) - len(left), given_up=given_up)

    def _release(self, message_id: int) -> None:
        with session_scope(self.session_factory) as session:
            conv_crud.release_inbound(session, message_id=message_id)

    def _give_up(self, older_than: timedelta) -> int:
        with session_scope(self.session_factory) as session:
            exhausted = conv_crud.give_up_exhausted(session, max_attempts=self.settings.inbound_max_attempts,
                                                    older_than=utcnow() - older_than)
            ids = [(m.id, m.attempts) for m in exhausted]
        for message_id, attempts in ids:
            log.error("inbound message %s given up after %d attempts: handed to a person", message_id, attempts)
            try:
                self._hand_over_failed(message_id, attempts)
            except Exception:
                log.exception("could not open a handoff for given-up message %s (the console lists it)", message_id)
        return len(ids)

    def _hand_over_failed(self, message_id: int, attempts: int) -> None:
        with session_scope(self.session_factory) as session:
            message = session.get(Message, message_id)
            assert message is not None
            conversation = message.conversation
            summary = f"Message non traité par l'assistant après {attempts} tentatives : « {message.text} »"
            handoff, _ = handoff_crud.open_handoff(
                session, conversation=conversation, settings=self.settings, hours=self.hours, department=None,
                reason="error", summary=summary[:500], actor="gateway")
            handoff_id, conversation_id = handoff.id, conversation.id
        self.events.publish("handoffs", {"type": "handoff", "handoff_id": handoff_id,
                                         "conversation_id": conversation_id})

