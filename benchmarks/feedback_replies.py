"""How often the gateway takes a reply for negative feedback, on labelled conversation sequences.

Run: ``.venv/bin/python -m benchmarks.feedback_replies``. Each sequence is a citizen's question, what the bot
said last (an automatic answer, with or without the automatic-assistant notice, a form's question, a
clarification list, small talk, an agent's question, an answer ending on a question, an answer given too long
ago) and the citizen's reply, from ``tests/gateway/feedback_sequences.py``. The real rule runs on a real SQLite
database (``gateway.feedback_turn.read_feedback``). Writes docs/benchmarks-feedback.md.
"""

from __future__ import annotations

import tempfile
from collections import Counter
from datetime import timedelta
from pathlib import Path

from benchmarks.report import header, table, write_section
from gateway.feedback_replies import is_short_negative
from gateway.feedback_turn import Verdict, read_feedback
from guichet.crud import conversations as conv_crud
from guichet.db import make_engine, make_session_factory, session_scope
from guichet.migrate import upgrade
from guichet.models import Message, utcnow
from guichet.settings import Settings
from tests.gateway.feedback_sequences import (
    HELD_OUT_NEGATIVE,
    HELD_OUT_OTHER,
    NEGATIVE_AFTER_ANSWER,
    NOT_FEEDBACK_AFTER_ANSWER,
)

ANSWER = ("bot", "answer", "Les piscines ouvrent de 7h à 20h.")
CONTEXTS: dict[str, tuple[list[tuple[str, str | None, str]], timedelta, bool]] = {
    "automatic answer": ([ANSWER], timedelta(), True),
    "answer + assistant notice": ([ANSWER, ("bot", "info", "Je suis l'assistant automatique.")], timedelta(), True),
    "form question after an answer": ([ANSWER, ("bot", "form", "Où se trouve le lampadaire ?")], timedelta(), False),
    "clarification list": ([("bot", "clarify", "1. Piscines 2. Patinoire. Tapez le numéro.")], timedelta(), False),
    "small talk": ([("bot", "smalltalk", "Bonjour ! Que puis-je pour vous ?")], timedelta(), False),
    "agent's question": ([("agent", "agent", "Avez-vous reçu notre courrier ?")], timedelta(), False),
    "answer ending on a question": ([("bot", "answer", "Hébergé ? Avez-vous l'attestation ?")], timedelta(), False),
    "answer 31 minutes ago": ([ANSWER], timedelta(minutes=31), False),
}


def run() -> str:
    counts: Counter[tuple[str, str]] = Counter()
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(_env_file=None, var_dir=Path(folder))
        engine = make_engine(settings)
        upgrade(engine)
        factory = make_session_factory(engine)
        for context, (said, ago, counts_as_answer) in CONTEXTS.items():
            for replies, negative in ((NEGATIVE_AFTER_ANSWER, True), (NOT_FEEDBACK_AFTER_ANSWER, False)):
                for text in replies:
                    with session_scope(factory) as session:
                        conversation = conv_crud.new_conversation(session, channel="x_dm")
                        for author, kind, words in [("citizen", None, "la piscine ouvre quand ?"), *said]:
                            session.add(Message(conversation_id=conversation.id, author=author, channel="x_dm",
                                                text=words, kind=kind, created_at=utcnow() - ago,
                                                faq_id="piscines-horaires" if kind == "answer" else None))
                        reply = Message(conversation_id=conversation.id, author="citizen", channel="x_dm", text=text)
                        session.add(reply)
                        session.flush()
                        found = read_feedback(session, message=reply, settings=settings) is Verdict.NEGATIVE
                    expected = negative and counts_as_answer
                    counts[(context, {(True, True): "tp", (True, False): "fp", (False, True): "fn",
                                      (False, False): "tn"}[(found, expected)])] += 1
        engine.dispose()
    rows = [[context, counts[(context, "tp")], counts[(context, "fn")], counts[(context, "fp")],
             counts[(context, "tn")]] for context in CONTEXTS]
    total = {key: sum(counts[(c, key)] for c in CONTEXTS) for key in ("tp", "fn", "fp", "tn")}
    rows.append(["all", total["tp"], total["fn"], total["fp"], total["tn"]])
    return (header("Negative feedback read in replies", "python -m benchmarks.feedback_replies")
            + f"\n{len(NEGATIVE_AFTER_ANSWER)} negative replies and {len(NOT_FEEDBACK_AFTER_ANSWER)} other replies "
            "(thanks, polite closes, new questions), each after every context. Written with the rule (a development "
            "set, not a blind one).\n\n"
            + table(["what the bot said last", "feedback found", "feedback missed", "false feedback",
                     "rightly ignored"], rows)
            + f"\nReplies written after the rule was first frozen, right after an automatic answer: "
            f"{sum(map(is_short_negative, HELD_OUT_NEGATIVE))}/{len(HELD_OUT_NEGATIVE)} negative ones found, "
            f"{sum(map(is_short_negative, HELD_OUT_OTHER))}/{len(HELD_OUT_OTHER)} others taken for feedback "
            "(before their misses were looked at: 10/20 and 0/20; see docs/feedback.md).\n")


if __name__ == "__main__":
    write_section("feedback", run())
