"""One and two instances of the application and of Rasa behind HAProxy, side by side in one run: throughput,
p95, and the CPU each process spends per message (what the capacity model in docs/deployment.md uses).

Run (PostgreSQL needed; ``make test`` and scripts/postgres-env.sh export its URL):
``source scripts/postgres-env.sh && .venv/bin/python -m benchmarks.scale_bench [--seconds 60]``
"""

from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from benchmarks.load import run_load
from benchmarks.report import children, header, summary, table, write_section
from benchmarks.stack_bench import BENCH_ENV_LIMITS, first_answer
from guichet.settings import PROJECT_ROOT, Settings
from handoff_api.topology import Topology

TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User and system CPU of a process and its children so far."""
    total = 0
    for candidate in [pid, *children(pid)]:
        try:
            fields = Path(f"/proc/{candidate}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / TICKS


def cpu_by_role(topology: Topology) -> dict[str, float]:
    used: dict[str, float] = defaultdict(float)
    for instance in topology.instances:
        used[instance.role] += cpu_seconds(instance.stack.processes[instance.role].pid)
    for name, service in topology.services.items():
        used[name] += cpu_seconds(service.pid)
    return used


def measure(url: str, folder: Path, count: int, *, seconds: float, concurrency: int) -> dict[str, object]:
    name = f"guichet_bench_{count}_{os.getpid()}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    base = Settings(_env_file=None, var_dir=folder / f"x{count}",
                    database_url=make_url(url).set(database=name).render_as_string(hide_password=False),
                    rasa_models_dir=PROJECT_ROOT / "var" / "rasa-models",
                    embedding_model=str(PROJECT_ROOT / "var" / "models" / "multilingual-e5-small"),
                    faq_path=PROJECT_ROOT / "knowledge_base" / "faq" / "sports.yml", service_token="bench-token",
                    **BENCH_ENV_LIMITS)  # type: ignore[arg-type]
    topology = Topology(base, root=folder / f"x{count}", counts={"app": count, "rasa": count, "actions": count})
    try:
        topology.start()
        topology.wait_ready(timeout=1800)
        first_answer(topology.app_url)
        before = cpu_by_role(topology)
        started = time.monotonic()
        result = asyncio.run(run_load(topology.app_url, concurrency=concurrency, seconds=seconds, pause=0.0))
        elapsed = time.monotonic() - started
        after = cpu_by_role(topology)
    finally:
        topology.stop()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    figures = summary(result.latencies)
    return {"count": count, "messages": len(result.latencies), "throughput": result.throughput,
            "p50": figures["p50"], "p95": figures["p95"], "errors": len(result.errors),
            "cpu": {role: after[role] - before.get(role, 0.0) for role in after}, "elapsed": elapsed}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=60.0, help="seconds of load per layout")
    parser.add_argument("--concurrency", type=int, default=20, help="conversations writing back to back")
    parser.add_argument("--database-url", default=os.environ.get("GUICHET_TEST_POSTGRES_URL", ""))
    args = parser.parse_args()
    if not args.database_url:
        raise SystemExit("--database-url or GUICHET_TEST_POSTGRES_URL: a PostgreSQL server is needed "
                         "(source scripts/postgres-env.sh)")
    with tempfile.TemporaryDirectory() as folder:
        runs = [measure(args.database_url, Path(folder), count, seconds=args.seconds, concurrency=args.concurrency)
                for count in (1, 2)]
    rows = [[f"{run['count']} app + {run['count']} Rasa + {run['count']} actions", run["messages"],
             f"{run['throughput']:.1f}", f"{float(run['p50']) * 1000:.0f}",  # type: ignore[arg-type]
             f"{float(run['p95']) * 1000:.0f}", run["errors"]] for run in runs]  # type: ignore[arg-type]
    one, two = runs
    ratio = float(two["throughput"]) / float(one["throughput"])  # type: ignore[arg-type]
    p95_ratio = float(two["p95"]) / float(one["p95"])  # type: ignore[arg-type]
    cpu_rows = []
    for role in ("app", "rasa", "actions", "haproxy", "redis"):
        cells: list[object] = [role]
        for run in runs:
            used = run["cpu"][role]  # type: ignore[index]
            messages = int(run["messages"])  # type: ignore[call-overload]
            cells += [f"{1000 * used / messages:.1f}" if messages else "-",
                      f"{messages / used:.0f}" if used else "-"]
        cpu_rows.append(cells)
    text_ = header("Scaling out: one and two instances behind HAProxy (PostgreSQL, Redis)",
                   f"python -m benchmarks.scale_bench --seconds {args.seconds:g} --concurrency {args.concurrency}")
    text_ += (f"\nBoth layouts run in turn in one run, on the same machine ({os.cpu_count()} cores shared by every "
              f"process of the layout, the load generator, PostgreSQL and HAProxy), each with {args.concurrency} "
              "conversations writing back to back through the balancer for the same time (the stack benchmark's "
              "conversations: «bonjour» then three evaluation questions; the FAQ is one file of 7 entries so that "
              "four start-ups stay short: a search costs about the same at 140, docs/benchmarks-kb.md). On two "
              "cores a second instance of each "
              "process adds no CPU: the ratio shows what the extra processes, the balancer and the shared "
              "tracker store cost or gain, not what a second machine would give. The CPU table is what scales: "
              "milliseconds of CPU each process kind spends per citizen message, summed over its instances.\n\n")
    text_ += table(["layout", "messages", "messages/s", "p50 ms", "p95 ms", "errors"], rows)
    text_ += f"\nRatio two ÷ one: throughput ×{ratio:.2f}, p95 ×{p95_ratio:.2f}.\n\n"
    text_ += table(["process", "CPU ms per message (1)", "messages/s per core (1)", "CPU ms per message (2)",
                    "messages/s per core (2)"], cpu_rows)
    write_section("scale", text_)


if __name__ == "__main__":
    main()
