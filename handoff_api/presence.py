"""Who has a handoff open and who is typing in it, kept in memory for a few seconds after each signal.

Each console page says "viewing" every ``HEARTBEAT_SECONDS`` and "typing" while the agent types; a signal
lasts ``VIEWING_SECONDS`` (or ``TYPING_SECONDS``) unless renewed, and "gone" removes it when the page
closes. One process holds the registry: a deployment of several instances would need a shared store.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Literal

State = Literal["viewing", "typing", "gone"]
HEARTBEAT_SECONDS = 10
VIEWING_SECONDS = 30.0
TYPING_SECONDS = 6.0


@dataclass
class Presence:
    agent_id: int
    name: str
    viewing_until: float
    typing_until: float = 0.0


class PresenceRegistry:
    def __init__(self) -> None:
        self._clock = time.monotonic
        self._lock = threading.Lock()
        self._by_handoff: dict[int, dict[int, Presence]] = {}

    def signal(self, *, handoff_id: int, agent_id: int, name: str, state: State) -> list[dict[str, object]]:
        """Record one agent's state on one handoff; returns everyone present there now."""
        now = self._clock()
        with self._lock:
            present = self._by_handoff.setdefault(handoff_id, {})
            if state == "gone":
                present.pop(agent_id, None)
            else:
                entry = present.setdefault(agent_id, Presence(agent_id=agent_id, name=name, viewing_until=0.0))
                entry.viewing_until = now + VIEWING_SECONDS
                entry.typing_until = now + TYPING_SECONDS if state == "typing" else 0.0
        return self.present(handoff_id=handoff_id)

    def present(self, *, handoff_id: int) -> list[dict[str, object]]:
        """``[{"agent_id", "name", "typing"}]`` of the agents whose signal has not expired, by name."""
        now = self._clock()
        with self._lock:
            present = self._by_handoff.get(handoff_id, {})
            for agent_id in [a for a, entry in present.items() if entry.viewing_until <= now]:
                del present[agent_id]
            if not present:
                self._by_handoff.pop(handoff_id, None)
            return [{"agent_id": e.agent_id, "name": e.name, "typing": e.typing_until > now}
                    for e in sorted(present.values(), key=lambda entry: entry.name)]
