"""The generalization protocols of ``guichet kb eval``: how the decision does on a FAQ it was not fitted on.

- *A foreign FAQ*: a city's own entries (fiches imported as they are: no variants) go into a fresh
  database through the same import as ``guichet kb import``; the knowledge base then loads as the
  application would, with nothing run by hand, and answers the questions about those entries.
- *Leave one department out* on the shipped FAQ: each department in turn has its entries indexed
  without variants (question, answer, tags: the state of a freshly imported FAQ) and answers its own
  questions, with the rule refitted on the other departments' questions only.

Both print, side by side, today's decision (the shipped absolute thresholds, the whole off-topic list)
and the adaptive one (thresholds from the rule on the knowledge base's own profile).
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from guichet.crud import city_facts_store
from guichet.db import make_engine, make_session_factory, session_scope
from guichet.migrate import upgrade
from guichet.models import Department
from guichet.settings import Settings
from knowledge_base import adaptive, evaluation, store
from knowledge_base.decision import DEFAULT_THRESHOLDS, Thresholds
from knowledge_base.loader import CacheWarmer, load_encoder
from knowledge_base.service import KnowledgeBase
from knowledge_base.types import Decision
from knowledge_base.validation import EntryData
from knowledge_base.yaml_files import dump, import_path, read_entries, yaml_files

FIGURES = ("top1", "answered_correct", "answer_precision", "answered_or_offered", "oos_answered")
TITLES = {"top1": "top-1", "answered_correct": "answered automatically and right",
          "answer_precision": "precision of automatic answers", "answered_or_offered": "answered or offered (top 3)",
          "oos_answered": "out-of-scope answered", "top3": "top-3",
          "wrong_answered": "wrong automatic answers (of all)"}


@dataclass
class Comparison:
    title: str
    today: dict[str, float]
    adaptive: dict[str, float]

    def lines(self) -> list[str]:
        counts = f"{int(self.adaptive['in_scope'])} in scope, {int(self.adaptive['out_of_scope'])} out of scope"
        out = [f"{self.title}: {counts}",
               f"  {'':38} {'today':>8} {'adaptive':>9}"]
        for name in (*FIGURES, "top3", "wrong_answered"):
            label = TITLES.get(name, name)
            out.append(f"  {label:38} {self.today[name] * 100:7.1f}% {self.adaptive[name] * 100:8.1f}%")
        return out


def departments_of(entries: list[EntryData]) -> set[str]:
    return {entry.department for entry in entries}


def fresh_database(settings: Settings, faq: Path, *, folder: Path) -> sessionmaker[Session]:
    """A new database in ``folder`` with ``faq`` (a file or a folder) imported as ``guichet kb import`` does,
    its departments created first, the entries' embeddings cached as the import caches them."""
    engine = make_engine(Settings(**{**settings.model_dump(), "var_dir": folder, "database_url": "",
                                     "seed_faq_on_start": False}))
    upgrade(engine)
    factory = make_session_factory(engine)
    entries = faq_entries(faq)
    with session_scope(factory) as session:
        known = store.known_departments(session)
        for slug in sorted(departments_of(entries) - known):
            session.add(Department(slug=slug, name=slug))
    encoder, _dim = load_encoder(settings)
    report = import_path(factory, faq, actor="protocol", before_writing=CacheWarmer(encoder))
    if not report.ok:
        raise ValueError(f"{faq}: the import failed: {'; '.join(report.lines())}")
    return factory


def knowledge_base_on(settings: Settings, factory: sessionmaker[Session], **options: Any) -> KnowledgeBase:
    """The knowledge base loaded on ``factory`` as the application loads it (nothing calibrated by hand), with the
    town hall's facts of ``settings`` for the built-in entries' answers."""
    encoder, dim = load_encoder(settings)
    options.setdefault("facts", partial(city_facts_store.current, settings=settings))
    knowledge_base = KnowledgeBase(encoder=encoder, session_factory=factory, dim=dim, sync_seconds=-1, **options)
    knowledge_base.load()
    return knowledge_base


def fresh_knowledge_base(settings: Settings, faq: Path, *, folder: Path, **options: Any) -> KnowledgeBase:
    return knowledge_base_on(settings, fresh_database(settings, faq, folder=folder), **options)


def faq_entries(faq: Path) -> list[EntryData]:
    """The entries of an import file or folder, validated, whatever departments they name."""
    return [entry for file in yaml_files(Path(faq)) for entry in read_entries(file, departments=_any_department(file))]


def _any_department(faq: Path) -> set[str]:
    import yaml

    document = yaml.safe_load(Path(faq).read_text(encoding="utf-8"))
    raw = document.get("entries", []) if isinstance(document, dict) else []
    return {str(item.get("department")) for item in raw if isinstance(item, dict)} | {
        str(document.get("department"))} if isinstance(document, dict) else set()


def foreign(settings: Settings, *, faq: Path, questions: list[evaluation.Question],
            title: str = "foreign FAQ") -> Comparison:
    """Today's and the adaptive decision on a FAQ imported into a fresh database."""
    with tempfile.TemporaryDirectory(prefix="guichet-foreign-") as folder:
        factory = fresh_database(settings, faq, folder=Path(folder))
        today = knowledge_base_on(settings, factory, thresholds=DEFAULT_THRESHOLDS, relative_off_topic=False)
        outcomes = evaluation.run_questions(today.analyse, questions)
        today_figures = evaluation.metrics(outcomes, evaluation.decisions_for(outcomes, DEFAULT_THRESHOLDS))
        outcomes, thresholds = product_outcomes(settings, factory, questions=questions)
        figures = evaluation.metrics(outcomes, evaluation.decisions_for(outcomes, thresholds))
        factory.kw["bind"].dispose()
    return Comparison(title, today_figures, figures)


def product_outcomes(settings: Settings, factory: sessionmaker[Session], *,
                     questions: list[evaluation.Question]) -> tuple[list[evaluation.Outcome], Thresholds]:
    """Each question's outcome on the knowledge base of ``factory`` as the product loads it, and the thresholds it
    chose (to decide them, or to replay them with a signal switched off)."""
    knowledge_base = knowledge_base_on(settings, factory)
    return evaluation.run_questions(knowledge_base.analyse, questions), knowledge_base.thresholds


def mixed(settings: Settings, *, faq: Path, fiches: Path, questions: list[evaluation.Question],
          title: str = "fiches added to a curated FAQ") -> Comparison:
    """``foreign`` on the curated FAQ ``faq`` (a folder) and the import file ``fiches`` imported together."""
    with tempfile.TemporaryDirectory(prefix="guichet-mixed-") as folder:
        return foreign(settings, faq=combined_faq(faq, fiches, folder=Path(folder)), questions=questions,
                       title=title)


def mixed_outcomes(settings: Settings, *, faq: Path, fiches: Path,
                   questions: list[evaluation.Question]) -> tuple[list[evaluation.Outcome], Thresholds]:
    """``product_outcomes`` on the curated FAQ ``faq`` and the import file ``fiches`` imported together into a fresh
    database."""
    with tempfile.TemporaryDirectory(prefix="guichet-mixed-") as folder:
        factory = fresh_database(settings, combined_faq(faq, fiches, folder=Path(folder)), folder=Path(folder))
        try:
            return product_outcomes(settings, factory, questions=questions)
        finally:
            factory.kw["bind"].dispose()


def combined_faq(faq: Path, fiches: Path, *, folder: Path) -> Path:
    """A folder in ``folder`` holding the curated FAQ's files and the fiches' import file, to import together."""
    both = folder / "faq"
    shutil.copytree(faq, both)
    shutil.copy(fiches, both / "zz-fiches.yml")  # its own file in the folder, imported with the rest
    return both


def write_faq(entries: list[EntryData], folder: Path) -> Path:
    path = folder / "faq.yml"
    path.write_text(dump(entries), encoding="utf-8")
    return path


def leave_one_department_out(settings: Settings, *, faq: list[EntryData], questions: list[evaluation.Question],
                             progress: Callable[[str], None] | None = None) -> Comparison:
    """Each department answered with its entries indexed without variants; the default rules fitted on the others
    (the shipped FAQ with and without its variants, asked the other departments' questions)."""
    department_of = {entry.id: entry.department for entry in faq}
    inside = [q for q in questions if q.expected is not None]
    outside = [q for q in questions if q.expected is None]
    departments = sorted(departments_of(faq))
    today: list[tuple[evaluation.Outcome, Decision]] = []
    adapted: list[tuple[evaluation.Outcome, Decision]] = []
    with tempfile.TemporaryDirectory(prefix="guichet-lodo-") as folder:
        knowledge_base = fresh_knowledge_base(settings, write_faq(faq, Path(folder)), folder=Path(folder))
        full = adaptive.Case(evaluation.run_questions(knowledge_base.analyse, questions), knowledge_base.profile)
        reindex(knowledge_base, [replace(e, variants=[]) for e in faq])
        bare = adaptive.Case(evaluation.run_questions(knowledge_base.analyse, questions), knowledge_base.profile)
        for number, department in enumerate(departments):
            held = [q for q in inside if department_of.get(q.expected or "") == department]
            held += outside[number::len(departments)]
            # the default rules fitted without the held-out department, the one this knowledge base would use
            rule = adaptive.default_rule(
                variant_counts=[len(e.variants) if e.department != department else 0 for e in faq],
                variants=adaptive.fit_rule([_without(full, held), _without(bare, held)]),
                bare=adaptive.fit_rule([_without(bare, held)]))
            # the held-out department's variants leave the hubness background too: kept there, they would be
            # the nearest "ordinary questions" of the very entries they were written for
            use_background(knowledge_base, exclude_departments=[department])
            reindex(knowledge_base, [replace(e, variants=[]) if e.department == department else e for e in faq])
            outcomes = evaluation.run_questions(knowledge_base.analyse, held)
            adapted += zip(outcomes, evaluation.decisions_for(outcomes, knowledge_base.profile.thresholds(rule)
                                                               or DEFAULT_THRESHOLDS), strict=True)
            knowledge_base.relative_off_topic = False
            knowledge_base.update_profile()
            outcomes = evaluation.run_questions(knowledge_base.analyse, held)
            today += zip(outcomes, evaluation.decisions_for(outcomes, DEFAULT_THRESHOLDS), strict=True)
            knowledge_base.relative_off_topic = True
            if progress is not None:
                progress(department)
        knowledge_base.factory.kw["bind"].dispose()
    return Comparison("leave one department out (its entries without variants)",
                      evaluation.metrics([o for o, _ in today], [d for _, d in today]),
                      evaluation.metrics([o for o, _ in adapted], [d for _, d in adapted]))


def _without(case: adaptive.Case, held: list[evaluation.Question]) -> adaptive.Case:
    left_out = set(map(id, held)) | {id(q) for q in held}
    keep = [o for o in case.outcomes if id(o.question) not in left_out and o.question not in held]
    return adaptive.Case(keep, case.profile)


def use_background(knowledge_base: KnowledgeBase, *, exclude_departments: list[str]) -> None:
    """The hubness background without the shipped variants of ``exclude_departments`` (for the next reindex)."""
    from knowledge_base.hubness import Background, reference_texts

    if knowledge_base.config.hub_weight <= 0:
        return
    with session_scope(knowledge_base.factory) as session:
        background = Background.load(session, encoder=knowledge_base.encoder,
                                     neighbours=knowledge_base.config.hub_neighbours,
                                     texts=reference_texts(exclude_departments=exclude_departments))
    knowledge_base.index_background(background)


def reindex(knowledge_base: KnowledgeBase, entries: list[EntryData]) -> None:
    """Put ``entries`` (vectors from the cache) in place of the same ids, then recompute the profile."""
    from knowledge_base.entry_vectors import entry_vectors

    with session_scope(knowledge_base.factory) as session:
        vectors = entry_vectors(session, encoder=knowledge_base.encoder, entries=entries,
                                config=knowledge_base.config)
    knowledge_base.index_vectors(vectors)
    knowledge_base.update_profile()
