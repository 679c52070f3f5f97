"""Web chat load through the real stack: latency and throughput at 1, 10 and 50 concurrent conversations."""

from __future__ import annotations

import asyncio
import random
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import yaml

EVAL = Path(__file__).resolve().parent.parent / "knowledge_base" / "eval"


def citizen_messages() -> list[str]:
    questions: list[str] = []
    for path in sorted(EVAL.glob("*.yml")):
        if path.name != "out_of_scope.yml":
            questions += [q["text"] for q in yaml.safe_load(path.read_text())["questions"]]
    return questions


@dataclass
class LoadResult:
    concurrency: int
    seconds: float
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    silent: int = 0

    @property
    def throughput(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0


async def conversation_loop(client: httpx.AsyncClient, questions: list[str], deadline: float, result: LoadResult,
                            rng: random.Random, pause: float) -> None:
    """Conversations one after another; with a pause, each citizen writes again after 0.5 to 1.5 times it
    (and starts at a random moment within it), so that paced conversations do not all write in step."""
    if pause:
        await asyncio.sleep(rng.uniform(0, pause))
    while time.monotonic() < deadline:
        opened = await client.post("/api/webchat/conversations")
        if opened.status_code != 201:
            result.errors.append(f"open {opened.status_code}")
            await asyncio.sleep(0.5)
            continue
        body = opened.json()
        headers = {"Authorization": f"Bearer {body['token']}"}
        url = f"/api/webchat/conversations/{body['conversation_id']}/messages"
        for text in ["bonjour", *rng.sample(questions, 3)]:
            if time.monotonic() >= deadline:
                return
            started = time.perf_counter()
            try:
                response = await client.post(url, json={"text": text}, headers=headers)
            except httpx.HTTPError as error:
                result.errors.append(type(error).__name__)
                continue
            if time.monotonic() > deadline + 5:
                result.errors.append("answered after the run ended")
                continue
            elapsed = time.perf_counter() - started
            if response.status_code != 200:
                result.errors.append(f"{response.status_code}: {response.text[:80]}")
                continue
            result.latencies.append(elapsed)
            replies = response.json()["replies"]
            if not replies:
                result.silent += 1
            if any(reply["kind"] == "handoff" for reply in replies):
                break
            if pause:
                await asyncio.sleep(rng.uniform(0.5, 1.5) * pause)


async def run_load(base_url: str, *, concurrency: int, seconds: float, pause: float = 0.0,
                   seed: int = 7) -> LoadResult:
    questions = citizen_messages()
    result = LoadResult(concurrency=concurrency, seconds=seconds)
    limits = httpx.Limits(max_connections=concurrency + 5)
    async with httpx.AsyncClient(base_url=base_url, timeout=60, limits=limits) as client:
        deadline = time.monotonic() + seconds
        started = time.monotonic()
        await asyncio.gather(*[
            conversation_loop(client, questions, deadline, result, random.Random(seed + i), pause)
            for i in range(concurrency)
        ])
        result.seconds = time.monotonic() - started
    return result
