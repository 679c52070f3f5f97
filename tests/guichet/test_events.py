"""The event bus forgets a topic once its last listener leaves."""

from __future__ import annotations

import asyncio

from guichet.events import EventBus


def test_topics_are_removed_when_the_last_listener_leaves() -> None:
    async def scenario() -> tuple[int, int, list[dict[str, object]]]:
        bus = EventBus()
        bus.bind(asyncio.get_running_loop())
        received: list[dict[str, object]] = []

        async def listen(topic: str) -> None:
            async for event in bus.subscribe(topic):
                received.append(event)

        tasks = [asyncio.create_task(listen(f"conversation:{n}")) for n in range(200)]
        await asyncio.sleep(0.01)
        bus.publish("conversation:7", {"id": 1})
        await asyncio.sleep(0.01)
        during = bus.topic_count
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        return during, bus.topic_count, received

    during, after, received = asyncio.run(scenario())
    assert during == 200
    assert received == [{"id": 1}]
    assert after == 0
