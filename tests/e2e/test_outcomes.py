"""The ledger's notion of one answer: the messages of one processing, not a second processing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from guichet.models import Message
from testing.outcomes import turns

START = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


def reply(seconds: float) -> Message:
    return Message(author="bot", channel="webchat", text="...", created_at=START + timedelta(seconds=seconds))


def test_an_answer_and_its_follow_up_are_one_turn() -> None:
    assert turns([reply(0), reply(0.01)]) == 1


def test_a_second_processing_after_a_restart_is_a_second_turn() -> None:
    assert turns([reply(0), reply(0.01), reply(40)]) == 2


def test_no_reply_is_no_turn() -> None:
    assert turns([]) == 0
