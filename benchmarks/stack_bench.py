"""End to end with the real Rasa server: latency, throughput, memory, start-up time.

Run: ``.venv/bin/python -m benchmarks.stack_bench [--seconds 30]``
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from collections import Counter
from pathlib import Path

import httpx

from benchmarks.load import run_load
from benchmarks.report import header, rss_mb, summary, table, write_section
from guichet.settings import Settings
from handoff_api.stack import Stack
from testing.stack import stack_settings

BENCH_ENV_LIMITS = {"webchat_messages_per_minute": 100_000, "webchat_address_messages_per_minute": 1_000_000,
                    "webchat_conversations_per_hour": 1_000_000}


def bench_settings(var: Path) -> Settings:
    return stack_settings(var, service_token="bench-token", **BENCH_ENV_LIMITS)


def first_answer(base: str) -> float:
    started = time.perf_counter()
    with httpx.Client(base_url=base, timeout=60) as client:
        body = client.post("/api/webchat/conversations").json()
        client.post(f"/api/webchat/conversations/{body['conversation_id']}/messages",
                    json={"text": "horaires piscine"}, headers={"Authorization": f"Bearer {body['token']}"})
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=30.0, help="seconds per back-to-back level")
    parser.add_argument("--paced-seconds", type=float, default=60.0, help="seconds per paced level")
    parser.add_argument("--levels", default="1,10,50", help="concurrent conversations, messages back to back")
    parser.add_argument("--paced-levels", default="10,50", help="concurrent conversations at a citizen's pace")
    parser.add_argument("--pauses", default="3", help="seconds a paced citizen takes to write again, on average")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        settings = bench_settings(Path(folder))
        stack = Stack(settings, logs=Path(folder) / "logs")
        started = time.monotonic()
        try:
            stack.start()
            stack.wait_healthy(timeout=900)
            ready = time.monotonic() - started
            first = first_answer(settings.resolved_api_url)
            rows = []
            plan = [(int(x), 0.0) for x in args.levels.split(",") if x]
            plan += [(int(x), float(p)) for p in args.pauses.split(",") if p
                     for x in args.paced_levels.split(",") if x]
            for level, pause in plan:
                seconds = args.paced_seconds if pause else args.seconds
                result = asyncio.run(run_load(settings.resolved_api_url, concurrency=level, seconds=seconds,
                                              pause=pause))
                figures = summary(result.latencies)
                rows.append([level, f"{pause:g} s" if pause else "none", len(result.latencies),
                             f"{result.throughput:.1f}", f"{figures['p50'] * 1000:.0f}",
                             f"{figures['p95'] * 1000:.0f}", f"{figures['p99'] * 1000:.0f}", len(result.errors),
                             result.silent,
                             ", ".join(f"{k} ×{v}" for k, v in Counter(result.errors).most_common(3)) or "-"])
                print(rows[-1], flush=True)
            memory = [[name, f"{rss_mb(process.pid):.0f}"] for name, process in stack.processes.items()]
        finally:
            stack.stop()
    text = header("End to end through the web chat API (real Rasa server)",
                  f"python -m benchmarks.stack_bench --seconds {args.seconds:g} --levels {args.levels} "
                  f"--paced-seconds {args.paced_seconds:g} --paced-levels {args.paced_levels} --pauses {args.pauses}")
    text += ("\nEach conversation says «bonjour» then three questions from the evaluation set (a conversation "
             "that is handed off stops and a new one starts). With no pause, each conversation sends its next "
             "message the moment the reply arrives: a stress test whose latency is the queue in front of two "
             "saturated cores (latency ≈ conversations ÷ throughput). With a pause, each citizen reads the reply "
             "and writes again after 0.5 to 1.5 times the pause (starting at a random moment), still far quicker "
             "than people type: the load of that many citizens chatting at once. Latency is the whole "
             "`POST .../messages` round trip: gateway, Rasa NLU and policies, action server, knowledge-base "
             "search, storage.\n\n")
    text += table(["concurrent conversations", "pause between messages", "messages", "messages/s", "p50 ms",
                   "p95 ms", "p99 ms", "errors", "silent replies", "error kinds"], rows)
    text += "\nResident memory after the load (MB):\n\n" + table(["process", "RSS MB"], memory)
    text += (f"\nStart-up with a trained Rasa model and a converted embedding model: {ready:.1f} s to healthy, "
             f"first answer {first * 1000:.0f} ms later.\n")
    write_section("stack", text)


if __name__ == "__main__":
    main()
