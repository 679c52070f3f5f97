"""Every table of Guichet; importing this module registers them all on ``Base.metadata``."""

from guichet.models.agent import Agent, AuditEntry, Role
from guichet.models.base import Base, utcnow
from guichet.models.canned import CannedReply
from guichet.models.conversation import Author, Conversation, InboundState, Message, Owner
from guichet.models.feedback import Feedback, FeedbackKind, FeedbackSource
from guichet.models.handoff import Department, Handoff, HandoffEvent, HandoffStatus
from guichet.models.inbox import InboxItem, InboxStatus
from guichet.models.kb import (
    Calibration,
    EmbeddingCache,
    EntryStatus,
    KBEntry,
    KBRevision,
    OffTopicExample,
    OffTopicRevision,
    OffTopicSource,
    SearchLog,
)
from guichet.models.outbox import KeyValue, Lease, OutboxItem, OutboxStatus

__all__ = [
    "Agent", "AuditEntry", "Author", "Base", "Calibration", "CannedReply", "Conversation", "Department",
    "EmbeddingCache", "EntryStatus", "Feedback", "FeedbackKind", "FeedbackSource",
    "Handoff", "HandoffEvent", "HandoffStatus", "InboundState", "InboxItem", "InboxStatus",
    "KBEntry", "KBRevision", "KeyValue", "Lease", "Message", "OffTopicExample", "OffTopicRevision", "OffTopicSource",
    "OutboxItem",
    "OutboxStatus", "Owner",
    "Role", "SearchLog", "utcnow",
]
