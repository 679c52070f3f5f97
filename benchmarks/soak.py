"""A bounded soak: a steady rate for N minutes, sampled every 10 s; then every inbound message is accounted for.

Run: ``.venv/bin/python -m benchmarks.soak [--minutes 10] [--rate 8]``
"""

from __future__ import annotations

import argparse
import asyncio
import random
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from benchmarks.load import citizen_messages
from benchmarks.report import DOCS, header, percentile, rss_mb, table, write_section
from benchmarks.stack_bench import bench_settings
from benchmarks.svg_plot import line_chart
from guichet.db import make_engine, make_session_factory
from handoff_api.stack import Stack
from testing.outcomes import outcome_problems, read_ledger, settled, x_problems
from testing.x_fake import FakeX


@dataclass
class Window:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0


async def open_conversation(client: httpx.AsyncClient) -> tuple[str, dict[str, str]]:
    body = (await client.post("/api/webchat/conversations")).json()
    return body["conversation_id"], {"Authorization": f"Bearer {body['token']}"}


async def steady(base: str, *, rate: float, seconds: float, windows: list[Window]) -> int:
    """Messages at a fixed rate over 20 open conversations; one handed to a person is replaced by a new one."""
    questions = citizen_messages()
    rng = random.Random(11)
    sent = 0
    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        conversations = [await open_conversation(client) for _ in range(20)]
        started = time.monotonic()
        tasks = []

        async def one(slot: int, text: str) -> None:
            conversation_id, headers = conversations[slot]
            began = time.perf_counter()
            window = windows[-1]
            try:
                response = await client.post(f"/api/webchat/conversations/{conversation_id}/messages",
                                             json={"text": text}, headers=headers)
            except httpx.HTTPError:
                window.errors += 1
                return
            if response.status_code != 200:
                window.errors += 1
                return
            window.latencies.append(time.perf_counter() - began)
            handed_over = any(reply["kind"] == "handoff" for reply in response.json()["replies"])
            if handed_over and conversations[slot][0] == conversation_id:
                conversations[slot] = await open_conversation(client)

        while time.monotonic() - started < seconds:
            tasks.append(asyncio.create_task(one(rng.randrange(len(conversations)), rng.choice(questions))))
            sent += 1
            await asyncio.sleep(max(0.0, started + sent / rate - time.monotonic()))
        await asyncio.gather(*tasks)
    return sent


async def sampler(stack: Stack, windows: list[Window], samples: list[dict[str, float]], seconds: float) -> None:
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        await asyncio.sleep(10)
        window = windows[-1]
        windows.append(Window())
        samples.append({"t": time.monotonic() - started,
                        "p95_ms": percentile(window.latencies, 0.95) * 1000 if window.latencies else 0.0,
                        "messages": len(window.latencies), "errors": window.errors,
                        **{f"rss_{name}": rss_mb(process.pid) for name, process in stack.processes.items()}})
        print(samples[-1], flush=True)


def account_after_recovery(stack: Stack, fake: FakeX | None = None, *, x_messages: int = 0,
                           timeout: float = 300) -> tuple[list[str], int, float]:
    """Wait until every message is handled and every reply delivered, then list what lacks exactly one outcome."""
    engine = make_engine(stack.settings)
    factory = make_session_factory(engine)
    started = time.monotonic()
    ledger = read_ledger(factory)
    while not settled(ledger, x_messages=x_messages) and time.monotonic() - started < timeout:
        time.sleep(2)
        ledger = read_ledger(factory)
    engine.dispose()
    problems = outcome_problems(ledger) + (x_problems(ledger, fake) if fake is not None else [])
    return problems, len(ledger.inbound), time.monotonic() - started


async def soak(stack: Stack, *, rate: float, seconds: float) -> tuple[int, list[dict[str, float]]]:
    windows = [Window()]
    samples: list[dict[str, float]] = []
    sent, _ = await asyncio.gather(steady(stack.settings.resolved_api_url, rate=rate, seconds=seconds,
                                          windows=windows), sampler(stack, windows, samples, seconds))
    return sent, samples


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--rate", type=float, default=8.0, help="messages per second")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        stack = Stack(bench_settings(Path(folder)), logs=Path(folder) / "logs")
        try:
            stack.start()
            stack.wait_healthy(timeout=900)
            sent, samples = asyncio.run(soak(stack, rate=args.rate, seconds=args.minutes * 60))
            problems, inbound, waited = account_after_recovery(stack)
        finally:
            stack.stop()
    xs = [s["t"] for s in samples]
    latency = {"p95 ms": [s["p95_ms"] for s in samples]}
    (DOCS / "soak-latency.svg").write_text(line_chart("p95 latency per 10 s", xs, latency, x_label="seconds",
                                                      y_label="ms"))
    memory = {name.removeprefix("rss_"): [s[name] for s in samples] for name in samples[0] if name.startswith("rss_")}
    (DOCS / "soak-memory.svg").write_text(line_chart("resident memory", xs, memory, x_label="seconds", y_label="MB"))
    text = header("Soak", f"python -m benchmarks.soak --minutes {args.minutes:g} --rate {args.rate:g}")
    text += (f"\n{sent} messages sent at {args.rate:g}/s over {args.minutes:g} min across 20 conversations. "
             f"In the database afterwards ({waited:.0f} s later): {inbound} citizen messages, {len(problems)} "
             "without exactly one outcome (one answer, or an open handoff: a message in a conversation that a "
             "person owns gets no bot reply by design)" + (": " + "; ".join(problems[:5]) if problems else "")
             + ".\n\n")
    text += "![p95 latency](soak-latency.svg)\n\n![memory](soak-memory.svg)\n\n"
    text += table(["t (s)", "messages", "errors", "p95 ms", *memory],
                  [[f"{s['t']:.0f}", int(s["messages"]), int(s["errors"]), f"{s['p95_ms']:.0f}",
                    *[f"{s['rss_' + n]:.0f}" for n in memory]] for s in samples])
    write_section("soak", text)


if __name__ == "__main__":
    main()
