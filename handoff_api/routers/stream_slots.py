"""Places for the web chat's event streams: a cap per conversation and per client address, and a few
threads of their own for the database reads, so open streams never take the threads the routes share."""

from __future__ import annotations

from collections import Counter

from anyio import CapacityLimiter
from fastapi import HTTPException

RETRY_AFTER_SECONDS = 30


class Slot:
    """One open stream's place; ``release`` may be called more than once."""

    def __init__(self, slots: StreamSlots, conversation_id: str, address: str) -> None:
        self._slots = slots
        self._keys: tuple[str, str] | None = (conversation_id, address)

    def release(self) -> None:
        if self._keys is not None:
            self._slots.free(*self._keys)
            self._keys = None


class StreamSlots:
    """Counts open streams; used from the event loop only."""

    def __init__(self, *, per_conversation: int, per_address: int, read_threads: int) -> None:
        self.per_conversation = per_conversation
        self.per_address = per_address
        self.read_threads = read_threads
        self._conversations: Counter[str] = Counter()
        self._addresses: Counter[str] = Counter()
        self._reads: CapacityLimiter | None = None

    @property
    def reads(self) -> CapacityLimiter:
        """The threads the streams' database reads run in (``to_thread.run_sync(..., limiter=reads)``)."""
        if self._reads is None:
            self._reads = CapacityLimiter(self.read_threads)
        return self._reads

    def take(self, *, conversation_id: str, address: str) -> Slot:
        if self._conversations[conversation_id] >= self.per_conversation:
            raise HTTPException(429, f"conversation {conversation_id!r} already has {self.per_conversation} open "
                                     "event streams", headers={"Retry-After": str(RETRY_AFTER_SECONDS)})
        if self._addresses[address] >= self.per_address:
            raise HTTPException(429, f"address {address} already has {self.per_address} open event streams",
                                headers={"Retry-After": str(RETRY_AFTER_SECONDS)})
        self._conversations[conversation_id] += 1
        self._addresses[address] += 1
        return Slot(self, conversation_id, address)

    def free(self, conversation_id: str, address: str) -> None:
        for counter, key in ((self._conversations, conversation_id), (self._addresses, address)):
            counter[key] -= 1
            if counter[key] <= 0:
                del counter[key]

    def __len__(self) -> int:
        return sum(self._conversations.values())
