"""What became of every citizen message, from the database and the fake X: exactly one outcome each."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from guichet.db import session_scope
from guichet.models import (
    Author,
    Conversation,
    Handoff,
    HandoffStatus,
    InboundState,
    Message,
    OutboxItem,
    OutboxStatus,
)
from testing.x_fake import FakeX


@dataclass
class Ledger:
    inbound: list[Message]
    replies: dict[int, list[Message]]
    open_handoffs: Counter[str]
    outbox: list[OutboxItem]
    citizen_of: dict[str, str | None]


def read_ledger(factory: sessionmaker[Session]) -> Ledger:
    with session_scope(factory) as session:
        inbound = list(session.scalars(select(Message).where(Message.author == Author.CITIZEN.value)
                                       .order_by(Message.id)))
        replies: dict[int, list[Message]] = defaultdict(list)
        for reply in session.scalars(select(Message).where(Message.author == Author.BOT.value,
                                                           Message.reply_to_id.is_not(None)).order_by(Message.id)):
            replies[reply.reply_to_id or 0].append(reply)
        open_handoffs = Counter(session.scalars(select(Handoff.conversation_id).where(
            Handoff.status != HandoffStatus.RESOLVED.value)))
        outbox = list(session.scalars(select(OutboxItem).order_by(OutboxItem.id)))
        citizen_of = {conversation_id: citizen for conversation_id, citizen
                      in session.execute(select(Conversation.id, Conversation.external_ref))}
    return Ledger(inbound, replies, open_handoffs, outbox, citizen_of)


def is_notice(reply: Message) -> bool:
    """The gateway's "automatic assistant" line, sent on its own when the first answer is too long to carry it."""
    return reply.kind == "info" and "assistant automatique" in reply.text.lower()


def settled(ledger: Ledger, *, x_messages: int) -> bool:
    """Every X message read, every inbound message handled, every reply to X delivered."""
    return (sum(m.channel != "webchat" for m in ledger.inbound) >= x_messages
            and all(m.inbound_state == InboundState.HANDLED.value for m in ledger.inbound)
            and all(item.status != OutboxStatus.PENDING.value for item in ledger.outbox))


TURN_SECONDS = 5.0


def turns(replies: list[Message]) -> int:
    """How many times the bot answered: one processing stores all its messages at once (an answer and a
    follow-up question, say); a second processing could only come after a restart or a lost lease."""
    count, began = 0, None
    for reply in replies:
        if began is None or (reply.created_at - began).total_seconds() > TURN_SECONDS:
            count, began = count + 1, reply.created_at
    return count


def outcome_problems(ledger: Ledger) -> list[str]:
    """Each inbound message handled, with one answer or an open handoff; never two answers or two handoffs."""
    problems = []
    for message in ledger.inbound:
        where = f"{message.channel} message {message.id} {message.text[:40]!r}"
        answers = [reply for reply in ledger.replies.get(message.id, []) if not is_notice(reply)]
        if message.inbound_state != InboundState.HANDLED.value:
            problems.append(f"{where}: still {message.inbound_state}")
        if turns(answers) > 1:
            problems.append(f"{where}: answered {turns(answers)} times: {[a.text[:50] for a in answers]}")
        if not answers and not ledger.open_handoffs[message.conversation_id]:
            problems.append(f"{where}: neither answered nor with an open handoff")
    problems += [f"conversation {c}: {n} open handoffs" for c, n in ledger.open_handoffs.items() if n > 1]
    problems += [f"outbox item {item.id} ({item.channel}) {item.status}: {item.last_error}"
                 for item in ledger.outbox if item.status != OutboxStatus.SENT.value]
    return problems


def x_problems(ledger: Ledger, fake: FakeX) -> list[str]:
    """Every mention and DM in the fake X stored once, and each bot reply to it posted there exactly once."""
    with fake.lock:
        mentions = list(fake.mention_ids)
        dms = [event["id"] for event in fake.dm_events if event["sender_id"] != fake.own_id]
        posted: list[dict[str, Any]] = list(fake.posted)
        sent_dms = Counter(dm["participant_id"] for dm in fake.sent_dms)
    stored = Counter((m.channel, m.external_id) for m in ledger.inbound if m.channel != "webchat")
    problems = [f"{channel} {external_id} stored {stored[(channel, external_id)]} times"
                for channel, ids in (("x_mention", mentions), ("x_dm", dms)) for external_id in ids
                if stored[(channel, external_id)] != 1]
    under_mention = Counter(tweet["in_reply_to_tweet_id"] for tweet in posted)
    replies_to_citizen: Counter[str] = Counter()
    for message in ledger.inbound:
        replies = len(ledger.replies.get(message.id, []))
        if message.channel == "x_mention" and under_mention[message.external_id] != replies:
            problems.append(f"mention {message.external_id}: {under_mention[message.external_id]} tweets posted "
                            f"under it for {replies} replies")
        if message.channel == "x_dm":
            replies_to_citizen[ledger.citizen_of[message.conversation_id] or ""] += replies
    problems += [f"DMs to {citizen}: {sent_dms[citizen]} sent for {count} replies"
                 for citizen, count in replies_to_citizen.items() if sent_dms[citizen] != count]
    return problems
