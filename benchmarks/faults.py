"""Faults under load: the Rasa server killed and restarted, the database locked, X answering 429 and 503.

Run: ``.venv/bin/python -m benchmarks.faults``. For each phase: what citizens saw, what was delayed, what was lost.
"""

from __future__ import annotations

import asyncio
import sqlite3
import tempfile
import time
from collections import Counter
from pathlib import Path

import httpx

from benchmarks.load import citizen_messages
from benchmarks.report import header, table, write_section
from benchmarks.soak import account_after_recovery
from benchmarks.stack_bench import bench_settings
from handoff_api.stack import Stack, rasa_token
from testing.live import serve
from testing.x_fake.app import make_app
from testing.x_fake.harness import CREDENTIALS
from testing.x_fake.state import FakeX


class Phase:
    def __init__(self, name: str):
        self.name = name
        self.kinds: Counter[str] = Counter()
        self.errors: Counter[str] = Counter()
        self.silent = 0
        self.worst = 0.0


async def citizen(base: str, phase: list[Phase], stop: asyncio.Event, questions: list[str], offset: int) -> None:
    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        index = offset
        while not stop.is_set():
            body = (await client.post("/api/webchat/conversations")).json()
            headers = {"Authorization": f"Bearer {body['token']}"}
            for _ in range(4):
                if stop.is_set():
                    return
                index += 1
                current = phase[0]
                began = time.perf_counter()
                try:
                    response = await client.post(f"/api/webchat/conversations/{body['conversation_id']}/messages",
                                                 json={"text": questions[index % len(questions)]}, headers=headers)
                except httpx.HTTPError as error:
                    current.errors[type(error).__name__] += 1
                    continue
                current.worst = max(current.worst, time.perf_counter() - began)
                if response.status_code != 200:
                    current.errors[str(response.status_code)] += 1
                    continue
                replies = response.json()["replies"]
                current.silent += not replies
                current.kinds.update(reply["kind"] for reply in replies)
                if any(reply["kind"] == "handoff" for reply in replies):
                    await asyncio.sleep(2.0)  # a citizen handed to a person does not start again at once
                    break
                await asyncio.sleep(0.2)


def answered(fake: FakeX, mention_ids: set[str]) -> set[str]:
    with fake.lock:
        return {tweet["in_reply_to_tweet_id"] for tweet in fake.posted} & mention_ids


def answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=5).is_success
    except httpx.HTTPError:
        return False


def lock_database(path: Path, seconds: float) -> None:
    connection = sqlite3.connect(path, timeout=30)
    connection.execute("BEGIN EXCLUSIVE")
    time.sleep(seconds)
    connection.rollback()
    connection.close()


async def scenario(stack: Stack, fake: FakeX) -> tuple[list[Phase], dict[str, float]]:
    base = stack.settings.resolved_api_url
    phases = [Phase("steady")]
    current = [phases[0]]
    stop = asyncio.Event()
    questions = citizen_messages()
    load = [asyncio.create_task(citizen(base, current, stop, questions, i * 37)) for i in range(5)]

    def enter(name: str) -> None:
        phases.append(Phase(name))
        current[0] = phases[-1]

    await asyncio.sleep(10)
    enter("Rasa killed (SIGKILL), restarted 10 s later")
    stack.kill("rasa")
    await asyncio.sleep(10)
    await asyncio.to_thread(stack.restart, "rasa")
    while not await asyncio.to_thread(answers, f"{stack.settings.rasa_url}/status?token={rasa_token(stack.settings)}"):
        await asyncio.sleep(0.5)
    enter("after Rasa restart")
    await asyncio.sleep(10)
    enter("SQLite locked for 3 s")
    await asyncio.to_thread(lock_database, stack.settings.var_dir / "guichet.db", 3.0)
    await asyncio.sleep(5)
    enter("X answers 503 for 20 s, then 429 three times")
    fake.fail(503, seconds=20)
    fake.fail(429, times=3, path="/2/tweets", reset_in=2)
    sent_at = time.monotonic()
    mention_ids = {fake.add_mention(author_id=str(5000 + number), username=f"citoyen{number}",
                                    text=f"@guichet_ville bonjour, horaires de la piscine ? ({number})")
                   for number in range(20)}
    while len(answered(fake, mention_ids)) < len(mention_ids) and time.monotonic() - sent_at < 300:
        await asyncio.sleep(1)
    x_figures = {"mentions": len(mention_ids), "answered": len(answered(fake, mention_ids)),
                 "tweets": len(fake.posted), "seconds_to_all_replies": time.monotonic() - sent_at}
    stop.set()
    await asyncio.gather(*load)
    return phases, x_figures


def main() -> None:
    fake = FakeX(credentials=CREDENTIALS)
    with tempfile.TemporaryDirectory() as folder, serve(make_app(fake)) as x_server:
        settings = bench_settings(Path(folder)).model_copy(update={
            "x_api_url": x_server.url, "x_consumer_key": CREDENTIALS.consumer_key,
            "x_consumer_secret": CREDENTIALS.consumer_secret, "x_access_token": CREDENTIALS.access_token,
            "x_access_token_secret": CREDENTIALS.access_token_secret, "x_poll_seconds": 2.0})
        stack = Stack(settings, logs=Path(folder) / "logs")
        try:
            stack.start()
            stack.wait_healthy(timeout=900)
            phases, x_figures = asyncio.run(scenario(stack, fake))
            problems, inbound, waited = account_after_recovery(stack, fake, x_messages=int(x_figures["mentions"]))
        finally:
            stack.stop()
    text = header("Faults under load", "python -m benchmarks.faults")
    text += "\nFive web chat citizens keep writing throughout; each phase counts their replies by kind.\n\n"
    text += table(["phase", "replies by kind", "HTTP errors", "silent", "slowest reply s"],
                  [[p.name, dict(p.kinds), dict(p.errors) or 0, p.silent, f"{p.worst:.1f}"] for p in phases])
    text += (f"\nX: {x_figures['mentions']} mentions arrived during the outage; {x_figures['answered']:.0f} "
             f"answered ({x_figures['tweets']:.0f} tweets, threads included), the last "
             f"{x_figures['seconds_to_all_replies']:.0f} s after they arrived.\n\n"
             f"Afterwards ({waited:.0f} s for the recovery of messages held by the killed processes): {inbound} "
             f"citizen messages stored, {len(problems)} without exactly one outcome (one answer or an open "
             "handoff), every reply delivered once: " + ("yes" if not problems else "; ".join(problems[:5])) + ".\n")
    write_section("faults", text)


if __name__ == "__main__":
    main()
