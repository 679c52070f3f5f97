"""Queue search benchmark: full-text search over handoffs and their conversations, one page of results.

    .venv/bin/python benchmarks/handoff_search.py [--handoffs 10000] [--messages 5] [--repeat 30]

Builds a database (a SQLite file, and PostgreSQL too when ``GUICHET_TEST_POSTGRES_URL`` is set) with
synthetic handoffs, each with a few citizen messages drawn from a French vocabulary, then times
``crud.search.find`` (count and one page of 50, every status) for queries of different selectivity.
Prints a markdown report and writes it to docs/benchmarks-search.md.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, insert, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from benchmarks.report import header, summary, table, write_section  # noqa: E402
from guichet.crud import search  # noqa: E402
from guichet.crud.agents import ensure_departments  # noqa: E402
from guichet.db import make_engine, make_session_factory, session_scope  # noqa: E402
from guichet.migrate import upgrade  # noqa: E402
from guichet.models import Conversation, Handoff, Message, utcnow  # noqa: E402
from guichet.settings import Settings  # noqa: E402

WORDS = ("bonjour", "demande", "mairie", "dossier", "rendez-vous", "horaires", "service", "ville", "rue", "quartier",
         "voisin", "poubelle", "collecte", "trottoir", "stationnement", "carte", "identité", "passeport",
         "naissance", "mariage", "cantine", "école", "inscription", "piscine", "bibliothèque", "travaux", "bruit",
         "lampadaire", "permis", "construire", "logement", "aide", "facture", "courrier", "formulaire",
         "attestation", "délai", "réponse", "merci", "question", "problème", "signalement", "nuit", "matin",
         "semaine")
RARE = "sarcophage"
QUERIES = {"common word": "demande", "two common words": "dossier mairie", "rare word (in 10 handoffs)": RARE,
           "a plural (prefix or stem)": "passeports", "no match": "zeppelin"}
ZONE = ZoneInfo("Europe/Paris")


def fill(url: str, handoffs: int, messages: int, seed: int = 7) -> Settings:
    settings = Settings(var_dir=Path(tempfile.mkdtemp()), database_url=url, _env_file=None)
    engine = make_engine(settings)
    upgrade(engine)
    factory = make_session_factory(engine)
    rng = random.Random(seed)
    rare = set(rng.sample(range(handoffs), 10))
    now = utcnow()
    with session_scope(factory) as session:
        ensure_departments(session)
        for start in range(0, handoffs, 1000):
            block = range(start, min(handoffs, start + 1000))
            ids = {n: uuid.uuid4().hex for n in block}
            session.execute(insert(Conversation), [{"id": ids[n], "channel": "webchat", "owner": "queue",
                                                    "created_at": now, "last_message_at": now} for n in block])
            session.execute(insert(Message), [
                {"conversation_id": ids[n], "author": "citizen", "channel": "webchat", "created_at": now,
                 "text": " ".join(rng.choices(WORDS, k=12)) + (f" {RARE}" if n in rare and m == 0 else "")}
                for n in block for m in range(messages)])
            session.execute(insert(Handoff), [
                {"reference": f"B{n:07d}", "conversation_id": ids[n], "status": rng.choice(["waiting", "resolved"]),
                 "department": "accueil", "reason": "question", "summary": " ".join(rng.choices(WORDS, k=6)),
                 "channel": "webchat", "created_at": now - timedelta(minutes=n), "updated_at": now,
                 "first_response_due": now + timedelta(hours=8)} for n in block])
        if session.get_bind().dialect.name == "postgresql":
            session.commit()
            session.execute(text("ANALYZE"))  # the statistics autovacuum keeps in a live database
    engine.dispose()
    return settings


def measure(settings: Settings, repeat: int) -> tuple[float, list[list[object]]]:
    """Seconds to index the messages (SQLite indexes them at the first search), and the timed queries."""
    engine = make_engine(settings)
    factory = make_session_factory(engine)
    with factory() as session:
        started = time.perf_counter()
        search.catch_up(session)
        indexing = time.perf_counter() - started
    rows: list[list[object]] = []
    for label, query in QUERIES.items():
        timings: list[float] = []
        total = 0
        for _ in range(repeat):
            with factory() as session:
                started = time.perf_counter()
                page = search.find(session, search.HandoffQuery(q=query, status=search.ALL), zone=ZONE)
                timings.append((time.perf_counter() - started) * 1000)
                total = page.total
        figures = summary(timings)
        rows.append([label, f"`{query}`", total, f"{figures['p50']:.1f}", f"{figures['p95']:.1f}"])
    engine.dispose()
    return indexing, rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--handoffs", type=int, default=10_000)
    parser.add_argument("--messages", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    command = (f"python benchmarks/handoff_search.py --handoffs {args.handoffs} --messages {args.messages} "
               f"--repeat {args.repeat}")
    report = [header("Queue search (full text, one page of 50, every status)", command),
              f"\n{args.handoffs:,} handoffs, {args.handoffs * args.messages:,} citizen messages of 12 words "
              f"drawn from {len(WORDS)} French words; each query run {args.repeat} times (count + page).\n"]
    databases = {"SQLite (FTS5)": f"sqlite:///{tempfile.mkdtemp()}/search.db"}
    postgres = os.environ.get("GUICHET_TEST_POSTGRES_URL")
    created = None
    if postgres:
        created = f"guichet_bench_{uuid.uuid4().hex[:8]}"
        with create_engine(postgres, isolation_level="AUTOCOMMIT").connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{created}"'))
        databases["PostgreSQL (french)"] = make_url(postgres).set(database=created).render_as_string(
            hide_password=False)
    try:
        for name, url in databases.items():
            started = time.perf_counter()
            settings = fill(url, args.handoffs, args.messages)
            print(f"{name}: filled in {time.perf_counter() - started:.1f} s", file=sys.stderr)
            indexing, rows = measure(settings, args.repeat)
            report.append(f"\n### {name}\n\nIndexing the messages before the first search: {indexing:.2f} s.\n\n"
                          + table(["query", "text", "matches", "p50 ms", "p95 ms"], rows))
    finally:
        if created and postgres:
            with create_engine(postgres, isolation_level="AUTOCOMMIT").connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{created}" WITH (FORCE)'))
    write_section("search", "".join(report))


if __name__ == "__main__":
    main()
