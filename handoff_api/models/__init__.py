"""Every table of Guichet; importing this module registers them all on ``Base.metadata``."""

from handoff_api.models.agent import Agent, AuditEntry, Role
from handoff_api.models.base import Base, utcnow
from handoff_api.models.canned import CannedReply
from handoff_api.models.conversation import Author, Conversation, InboundState, Message, Owner
from handoff_api.models.feedback import Feedback, FeedbackKind, FeedbackSource
from handoff_api.models.handoff import Department, Handoff, HandoffEvent, HandoffStatus
from handoff_api.models.inbox import InboxItem, InboxStatus
from handoff_api.models.kb import (
    Calibration,
    EmbeddingCache,
    EntryStatus,
    KBEntry,
    KBRevision,
    OffTopicExample,
    OffTopicRevision,
    SearchLog,
)
from handoff_api.models.outbox import KeyValue, Lease, OutboxItem, OutboxStatus

__all__ = [
    "Agent", "AuditEntry", "Author", "Base", "Calibration", "CannedReply", "Conversation", "Department",
    "EmbeddingCache", "EntryStatus", "Feedback", "FeedbackKind", "FeedbackSource",
    "Handoff", "HandoffEvent", "HandoffStatus", "InboundState", "InboxItem", "InboxStatus",
    "KBEntry", "KBRevision", "KeyValue", "Lease", "Message", "OffTopicExample", "OffTopicRevision", "OutboxItem",
    "OutboxStatus", "Owner",
    "Role", "SearchLog", "utcnow",
]
