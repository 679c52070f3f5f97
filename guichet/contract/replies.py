"""Turning what Rasa said into Guichet's reply shape: ``{"text", "kind", "faq_id", "suggestions"}``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

KINDS = ("answer", "clarify", "handoff", "smalltalk", "form", "info")  # what a reply is (docs/architecture.md)


@dataclass
class Reply:
    text: str
    kind: str
    faq_id: str | None = None
    suggestions: list[dict[str, str]] = field(default_factory=list)
    handoff: dict[str, Any] | None = None

    def public(self) -> dict[str, Any]:
        return {"text": self.text, "kind": self.kind, "faq_id": self.faq_id, "suggestions": self.suggestions}


def from_rasa(items: list[dict[str, Any]]) -> list[Reply]:
    replies = []
    for item in items:
        custom = item.get("custom")
        if isinstance(custom, dict) and isinstance(custom.get("text"), str) and custom["text"].strip():
            kind = custom.get("kind") if custom.get("kind") in KINDS else "info"
            suggestions = [
                {"faq_id": str(s.get("faq_id")), "question": str(s.get("question"))}
                for s in custom.get("suggestions") or [] if isinstance(s, dict)
            ]
            handoff = custom.get("handoff") if isinstance(custom.get("handoff"), dict) else None
            replies.append(Reply(custom["text"], str(kind), custom.get("faq_id"), suggestions, handoff))
        elif isinstance(item.get("text"), str) and item["text"].strip():
            replies.append(Reply(item["text"], "info"))
    return replies
