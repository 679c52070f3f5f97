"""What every `guichet` subcommand shares: the user-facing error and a migrated database.

The subcommands of the knowledge base, the journal and privacy register themselves from their own cli modules;
handoff_api/cli.py imports them, and they import this module, never cli.py (no import cycle).
"""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from guichet.crud.agents import ensure_departments
from guichet.db import make_engine, make_session_factory, session_scope
from guichet.migrate import upgrade
from guichet.settings import Settings


class CommandError(RuntimeError):
    """A user-facing failure: printed without a traceback, exit code 2."""


def migrated_session_factory(settings: Settings) -> sessionmaker[Session]:
    engine = make_engine(settings)
    upgrade(engine)
    factory = make_session_factory(engine)
    with session_scope(factory) as session:
        ensure_departments(session)
    return factory
