"""``guichet report weekly [--week 2026-W48] --format html|md|csv [--output FILE]``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from guichet.crud.opening_hours_store import load_stored
from guichet.db import session_scope
from guichet.models import utcnow
from guichet.opening_hours import OpeningHours
from guichet.settings import Settings
from handoff_api.commands import CommandError, migrated_session_factory
from handoff_api.journal.encoders import load_encoder
from handoff_api.journal.render_html import html
from handoff_api.journal.render_text import csv_text, markdown
from handoff_api.journal.report import WeeklyReport, build_report
from handoff_api.journal.weeks import JournalError, resolve_week
from knowledge_base.clustering import DEFAULT_THRESHOLD
from knowledge_base.types import Encoder

FORMATS = {"html": html, "md": markdown, "csv": csv_text}


def encoder_for(args: argparse.Namespace, settings: Settings) -> Encoder | None:
    if args.no_model:
        return None
    try:
        return load_encoder(settings)
    except (RuntimeError, OSError) as error:
        print(f"guichet: questions grouped by identical text: {error}", file=sys.stderr)
        return None


def cmd_weekly(args: argparse.Namespace, settings: Settings) -> int:
    if args.format not in FORMATS:
        raise CommandError(f"--format: {args.format!r} is not one of {', '.join(FORMATS)}")
    if not 0 < args.threshold <= 1:
        raise CommandError(f"--threshold: {args.threshold} must be in (0, 1]")
    now = utcnow()
    try:
        week, _ = resolve_week(args.week, now=now, zone=ZoneInfo(settings.timezone))
    except JournalError as error:
        raise CommandError(str(error)) from error
    factory = migrated_session_factory(settings)
    hours = OpeningHours.parse(settings.opening_hours, settings.timezone, settings.holidays_subdiv)
    load_stored(factory, hours)  # the hours an admin saved in the console win, as in the application
    encoder = encoder_for(args, settings)
    with session_scope(factory) as session:
        report: WeeklyReport = build_report(session, week=week, settings=settings, hours=hours, now=now,
                                            encoder=encoder, threshold=args.threshold)
    text: str = FORMATS[args.format](report)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
        print(f"wrote the journal of {week.label} ({args.format}) to {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    return 0


def add_commands(commands: Any) -> None:
    report = commands.add_parser("report", help="reports: the weekly Journal des usagers")
    reports = report.add_subparsers(dest="report_command", required=True)
    weekly = reports.add_parser("weekly", help="one ISO week's journal (default: the last complete week)")
    weekly.add_argument("--week", help="ISO week, e.g. 2026-W48 (Europe/Paris); default: last complete week")
    weekly.add_argument("--format", default="html", help="html, md or csv (default: html)")
    weekly.add_argument("--output", help="file to write (default: standard output)")
    weekly.add_argument("--no-model", action="store_true",
                        help="group unanswered questions by identical text, without loading the embedding model")
    weekly.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD,
                        help=f"cosine similarity to group two questions (default {DEFAULT_THRESHOLD})")
    weekly.set_defaults(func=cmd_weekly)
