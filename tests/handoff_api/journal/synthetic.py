"""A synthetic week of traffic written to the database, with the generator's own record of what it wrote.

Tests compute the expected figures from ``Traffic`` with plain Python and compare them with the
report's. Seeded: the same seed gives the same traffic.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy.orm import Session

from guichet.contract.redact import redact
from guichet.models import Conversation, Handoff, HandoffEvent, KBEntry, Message, SearchLog
from guichet.opening_hours import OpeningHours
from handoff_api.journal.weeks import Week

FAQ = {"piscines-horaires": ("Quels sont les horaires des piscines ?", "sports"),
       "papiers-cni": ("Comment refaire ma carte d'identité ?", "papiers"),
       "dechets-encombrants": ("Comment faire enlever des encombrants ?", "proprete"),
       "etat-civil-naissance": ("Comment obtenir un acte de naissance ?", "etat-civil")}

# unanswered questions by topic; some carry personal data that must never reach the report
TOPICS = {
    "greve": ["La piscine est fermée à cause de la grève ?", "grève à la piscine, elle rouvre quand ?",
              "Pourquoi la piscine est fermée, appelez-moi au 06 12 34 56 78",
              "piscine en grève jusqu'à quand ?"],
    "velo": ["Où garer mon vélo cargo ?", "stationnement vélo cargo près de la gare",
             "je cherche un arceau pour vélo cargo, j'habite 12 rue Victor Hugo"],
    "chat": ["J'ai trouvé un chat errant", "chat perdu trouvé dans mon jardin, écrivez à marie.dupont@example.fr"],
}
DEPARTMENT = {"greve": "sports", "velo": "mobilites", "chat": "animaux"}
PROBLEMS = [("lampadaire", "12 rue des Lilas"), ("nid de poule", "avenue de la Gare"),
            ("lampadaire", "14 rue des Lilas"), ("dépôt sauvage", "place du Marché")]


@dataclass
class Record:
    conversation_id: str
    channel: str
    author: str
    at: datetime
    text: str
    kind: str | None = None
    faq_id: str | None = None
    reason: str | None = None
    topic: str | None = None


@dataclass
class HandoffRecord:
    reference: str
    conversation_id: str
    channel: str
    department: str
    reason: str
    created: datetime
    due: datetime
    first_response: datetime | None
    details: dict[str, Any] = field(default_factory=dict)


@dataclass
class SearchRecord:
    conversation_id: str
    at: datetime
    text: str
    decision: str
    topic: str


@dataclass
class Traffic:
    messages: list[Record] = field(default_factory=list)
    handoffs: list[HandoffRecord] = field(default_factory=list)
    searches: list[SearchRecord] = field(default_factory=list)


class TopicEncoder:
    """Texts of one topic map to nearly the same vector, different topics to orthogonal ones."""

    name = "topic-test-encoder"
    folder: Path | None = None

    def __init__(self) -> None:
        self.topic_of = {text: topic for topic, texts in TOPICS.items() for text in texts}
        self.axes = {topic: position for position, topic in enumerate(sorted(TOPICS))}

    def encode_queries(self, texts: list[str]) -> npt.NDArray[np.float32]:
        redacted = {redact(text): topic for text, topic in self.topic_of.items()}
        out = np.zeros((len(texts), len(self.axes) + 1), dtype=np.float32)
        for row, text in enumerate(texts):
            out[row, self.axes[redacted[text]]] = 1.0
            out[row, -1] = 0.05 * (len(text) % 5)  # a little spread inside a topic
        return out

    def encode_passages(self, texts: list[str]) -> npt.NDArray[np.float32]:
        return self.encode_queries(texts)


class Generator:
    def __init__(self, session: Session, hours: OpeningHours, *, seed: int = 7) -> None:
        self.session = session
        self.hours = hours
        self.random = random.Random(seed)
        self.traffic = Traffic()
        self.references = 0

    def moment(self, week: Week, *, day: int | None = None) -> datetime:
        day = self.random.randrange(7) if day is None else day
        midnight = week.start.astimezone(week.zone) + timedelta(days=day)  # local wall-clock arithmetic
        local = midnight + timedelta(hours=self.random.randint(7, 21), minutes=self.random.randrange(60))
        return local.astimezone(UTC)  # the database keeps UTC

    def conversation(self, channel: str, at: datetime) -> str:
        conversation = Conversation(id=uuid.uuid4().hex, channel=channel, citizen_handle=f"@c{uuid.uuid4().hex[:6]}",
                                    created_at=at, last_message_at=at)
        self.session.add(conversation)
        self.session.flush()
        return conversation.id

    def message(self, record: Record, *, reply_to: int | None = None) -> int:
        payload = {"handoff": {"reason": record.reason}} if record.reason else None
        message = Message(conversation_id=record.conversation_id, author=record.author, channel=record.channel,
                          text=record.text, kind=record.kind, faq_id=record.faq_id, payload=payload,
                          reply_to_id=reply_to, created_at=record.at)
        self.session.add(message)
        self.session.flush()
        self.traffic.messages.append(record)
        return message.id

    def handoff(self, conversation_id: str, channel: str, at: datetime, department: str, reason: str,
                delay_hours: float | None, details: dict[str, Any] | None = None) -> None:
        due = self.hours.add_open_hours(at, 8).astimezone(UTC)
        first = at + timedelta(hours=delay_hours) if delay_hours is not None else None
        self.references += 1
        reference = f"G-{self.references:05d}"
        handoff = Handoff(reference=reference, conversation_id=conversation_id, department=department, reason=reason,
                          channel=channel, details=details, created_at=at, updated_at=at, first_response_due=due,
                          first_response_at=first, status="resolved" if first else "waiting", summary="")
        self.session.add(handoff)
        self.session.flush()
        self.session.add(HandoffEvent(handoff_id=handoff.id, actor="bot", action="create", created_at=at))
        self.traffic.handoffs.append(HandoffRecord(reference, conversation_id, channel, department, reason, at, due,
                                                   first, dict(details or {})))
        if first is not None:
            self.message(Record(conversation_id, channel, "agent", first, "Bonjour, je m'en occupe."))

    def faq_conversation(self, week: Week, faq_id: str, *, follow_up: bool) -> None:
        channel = self.random.choice(["webchat", "webchat", "x_dm", "x_mention"])
        at = self.moment(week)
        conversation = self.conversation(channel, at)
        asked = self.message(Record(conversation, channel, "citizen", at, FAQ[faq_id][0]))
        self.message(Record(conversation, channel, "bot", at + timedelta(seconds=2), "Réponse.", "answer", faq_id),
                     reply_to=asked)
        if follow_up:
            later = at + timedelta(hours=self.random.choice([1, 5, 23]))
            again = self.message(Record(conversation, channel, "citizen", later, "Et le dimanche ?"))
            self.message(Record(conversation, channel, "bot", later + timedelta(seconds=2), "Pardon ?", "clarify"),
                         reply_to=again)

    def unanswered_conversation(self, week: Week, topic: str, *, clarify: bool, delay: float | None) -> None:
        channel = self.random.choice(["webchat", "x_dm"])
        at = self.moment(week)
        conversation = self.conversation(channel, at)
        text = self.random.choice(TOPICS[topic])
        asked = self.message(Record(conversation, channel, "citizen", at, text, topic=topic))
        decision = "clarify" if clarify else "handoff"
        self.session.add(SearchLog(conversation_id=conversation, text=redact(text), decision=decision, created_at=at))
        self.traffic.searches.append(SearchRecord(conversation, at, text, decision, topic))
        reply_at = at + timedelta(seconds=2)
        if clarify:
            self.message(Record(conversation, channel, "bot", reply_at, "Pouvez-vous préciser ?", "clarify"),
                         reply_to=asked)
            return
        self.message(Record(conversation, channel, "bot", reply_at, "Je transmets.", "handoff", reason="unanswered"),
                     reply_to=asked)
        self.handoff(conversation, channel, reply_at, DEPARTMENT[topic], "unanswered", delay)

    def problem_conversation(self, week: Week, problem: tuple[str, str], delay: float | None) -> None:
        at = self.moment(week)
        conversation = self.conversation("webchat", at)
        asked = self.message(Record(conversation, "webchat", "citizen", at, f"{problem[0]} cassé au {problem[1]}"))
        self.message(Record(conversation, "webchat", "bot", at + timedelta(seconds=2), "Signalement transmis.",
                            "handoff", reason="report_problem"), reply_to=asked)
        department = "eclairage" if problem[0] == "lampadaire" else "voirie"
        self.handoff(conversation, "webchat", at + timedelta(seconds=2), department, "report_problem", delay,
                     {"problem_type": problem[0], "place": problem[1]})

    def smalltalk_conversation(self, week: Week) -> None:
        at = self.moment(week)
        conversation = self.conversation("webchat", at)
        hello = self.message(Record(conversation, "webchat", "citizen", at, "Bonjour"))
        self.message(Record(conversation, "webchat", "bot", at + timedelta(seconds=1), "Bonjour !", "smalltalk"),
                     reply_to=hello)

    def kb_entries(self) -> None:
        for faq_id, (question, department) in FAQ.items():
            self.session.add(KBEntry(id=faq_id, question=question, answer="…", department=department))

    def baseline_week(self, week: Week) -> None:
        """An ordinary week: two pool-hours answers, the other FAQ entries, a little of each topic."""
        for faq_id in FAQ:
            for _ in range(2):
                self.faq_conversation(week, faq_id, follow_up=False)
        self.unanswered_conversation(week, "velo", clarify=False, delay=2.0)
        self.unanswered_conversation(week, "chat", clarify=True, delay=None)

    def spike_week(self, week: Week) -> None:
        """The week reported: a pool strike (hours asked 12 times, strike questions 8 times), and the rest."""
        for index in range(12):
            self.faq_conversation(week, "piscines-horaires", follow_up=index % 4 == 0)
        for faq_id in ("papiers-cni", "dechets-encombrants", "etat-civil-naissance"):
            for index in range(3):
                self.faq_conversation(week, faq_id, follow_up=index == 0)
        for index in range(8):
            self.unanswered_conversation(week, "greve", clarify=index % 4 == 3,
                                         delay=[0.5, 3.0, 30.0, None, 6.0, 1.0, 12.0, 2.0][index])
        for index in range(3):
            self.unanswered_conversation(week, "velo", clarify=False, delay=[1.5, 70.0, None][index])
        self.unanswered_conversation(week, "chat", clarify=False, delay=4.0)
        for index, problem in enumerate(PROBLEMS):
            self.problem_conversation(week, problem, delay=[2.0, 9.0, 0.25, 5.0][index])
        for _ in range(5):
            self.smalltalk_conversation(week)


def generate(session: Session, hours: OpeningHours, week: Week, *, seed: int = 7) -> tuple[Traffic, list[Traffic]]:
    """The reported week and its four predecessors: the records of the week, and of each week before."""
    generator = Generator(session, hours, seed=seed)
    generator.kb_entries()
    previous = []
    for earlier in week.previous(4):
        generator.traffic = Traffic()
        generator.baseline_week(earlier)
        previous.append(generator.traffic)
    generator.traffic = Traffic()
    generator.spike_week(week)
    session.flush()
    return generator.traffic, previous
