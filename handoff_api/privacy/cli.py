"""``guichet purge [--dry-run]`` and ``guichet privacy export|erase``."""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from pathlib import Path
from typing import Any

from guichet.crud.conversations import NotFound
from guichet.db import session_scope
from guichet.settings import Settings
from handoff_api.commands import CommandError, migrated_session_factory
from handoff_api.privacy.access import erase_subject, export_subject
from handoff_api.privacy.rasa_trackers import RasaTrackers
from handoff_api.privacy.retention import purge


def _actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


def _subject(args: argparse.Namespace) -> dict[str, str | None]:
    if (args.handle is None) == (args.conversation_id is None):
        raise CommandError("give exactly one of --handle or --conversation-id")
    return {"handle": args.handle, "conversation_id": args.conversation_id}


def cmd_purge(args: argparse.Namespace, settings: Settings) -> int:
    with session_scope(migrated_session_factory(settings)) as session:
        report = purge(session, settings=settings, dry_run=args.dry_run)
    print(report.summary())
    if args.json:
        print(json.dumps(report.as_dict(), indent=2))
    return 0


def cmd_export(args: argparse.Namespace, settings: Settings) -> int:
    subject = _subject(args)
    try:
        with session_scope(migrated_session_factory(settings)) as session:
            data: dict[str, Any] = export_subject(session, actor=_actor(), **subject)
    except (NotFound, ValueError) as error:
        raise CommandError(str(error)) from error
    text = json.dumps(data, indent=2, ensure_ascii=False)
    if args.output:
        Path(args.output).write_text(text + "\n", encoding="utf-8")
        print(f"wrote {len(data['conversations'])} conversation(s) to {args.output}", file=sys.stderr)
    else:
        print(text)
    return 0


def cmd_erase(args: argparse.Namespace, settings: Settings) -> int:
    subject = _subject(args)
    try:
        with session_scope(migrated_session_factory(settings)) as session:
            counts = erase_subject(session, actor=_actor(), trackers=RasaTrackers.from_settings(settings),
                                   dry_run=not args.yes, **subject)
    except (NotFound, ValueError) as error:
        raise CommandError(str(error)) from error
    listing = ", ".join(f"{value} {name.replace('_', ' ')}" for name, value in counts.as_dict().items())
    if not args.yes:
        print(f"would erase: {listing}\nrun again with --yes to erase")
    else:
        print(f"erased: {listing}")
    return 0


def add_commands(commands: Any) -> None:
    purge_parser = commands.add_parser("purge", help="apply the retention periods now (deletes, anonymises)")
    purge_parser.add_argument("--dry-run", action="store_true", help="only count what would be removed")
    purge_parser.add_argument("--json", action="store_true", help="also print the counts as JSON")
    purge_parser.set_defaults(func=cmd_purge)

    privacy = commands.add_parser("privacy", help="a citizen's rights: access (export) and erasure")
    privacy_commands = privacy.add_subparsers(dest="privacy_command", required=True)
    for name, helptext, func in (("export", "everything held about a citizen, as JSON", cmd_export),
                                 ("erase", "delete everything held about a citizen", cmd_erase)):
        sub = privacy_commands.add_parser(name, help=helptext)
        sub.add_argument("--handle", help="the citizen's handle on the channel, e.g. @martine")
        sub.add_argument("--conversation-id", help="one conversation's id")
        if name == "export":
            sub.add_argument("--output", help="file to write (default: standard output)")
        else:
            sub.add_argument("--yes", action="store_true", help="really erase (without it: show what would go)")
        sub.set_defaults(func=func)
