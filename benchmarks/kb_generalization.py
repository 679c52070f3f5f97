"""How the decision holds beyond the FAQ it was fitted on, today's decision beside the adaptive one.

    .venv/bin/python -m benchmarks.kb_generalization [--only shipped,lodo,foreign,dayone,foreign4,dayone4,...]

- shipped: the shipped FAQ and knowledge_base/eval, 5-fold cross-validated (today: absolute thresholds
  refitted per fold; adaptive: the rule refitted per fold on the knowledge base's own profile).
- lodo: each department's entries indexed without variants, the rule fitted on the other departments.
- foreign: the frozen foreign FAQ (knowledge_base/eval/foreign: 174 fiches imported as a city imports
  them, no variants) in a fresh database, with only what the import does by itself.
- dayone: the shipped FAQ and the frozen day-one questions (knowledge_base/eval/dayone).
- dayone2: the same with the second day-one set (knowledge_base/eval/dayone2), measured once (then development).
- foreign4, dayone3: the fourth foreign FAQ and the third day-one set, written blind on 2026-12-06 and measured
  once, with no change to the ranking or the decision after they were frozen (then development sets).
- dayone4 to dayone6: day-one sets written blind on 2026-12-06 and each measured once with the other-authority
  check (the same code for the three); dayone7 and foreign10, measured once with the near-paraphrase answer;
  dayone9, measured once with the pages not held checked beside entries with variants.
- mixed1: fiches added to the shipped FAQ (knowledge_base/eval/mixed1: the shipped FAQ and 60 fiches imported
  together into a fresh database, bare entries among curated ones), asked about the fiches; mixed2, the same
  protocol on 60 other fiches (family, transport, foreigners, social matters), written blind and measured once;
  mixed3, on 60 fiches of any subject, written blind and measured once for the written entries' one level.
Writes docs/benchmarks-kb-generalization.md: each protocol's section, stamped with its own date and commit,
replaces that protocol's section of the file; the other protocols' sections stay as they were measured.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from benchmarks.report import DOCS, stamp
from guichet.contract.departments import DEPARTMENT_LABELS
from guichet.settings import PROJECT_ROOT, Settings
from knowledge_base import adaptive, agreement, calibration, evaluation, protocols
from knowledge_base.foreign_faq import entry_id_of
from knowledge_base.yaml_files import read_entries

EVAL = PROJECT_ROOT / "knowledge_base" / "eval"
FAQ = PROJECT_ROOT / "knowledge_base" / "faq"
ROWS = (("top1", "top-1"), ("top3", "top-3"), ("answered_correct", "answered automatically and right"),
        ("answer_precision", "precision of automatic answers"), ("answered_or_offered", "answered or offered (top 3)"),
        ("oos_answered", "out-of-scope answered"), ("wrong_answered", "wrong automatic answers, of all questions"))


def table(comparison: protocols.Comparison) -> list[str]:
    counts = f"{int(comparison.adaptive['in_scope'])} in scope, {int(comparison.adaptive['out_of_scope'])} out of scope"
    lines = [f"### {comparison.title} ({counts})", "", "| | today | adaptive |", "|---|---:|---:|"]
    for name, label in ROWS:
        lines.append(f"| {label} | {comparison.today[name]:.1%} | {comparison.adaptive[name]:.1%} |")
    return [*lines, ""]


def shipped(settings: Settings) -> protocols.Comparison:
    questions = evaluation.load_questions(EVAL)
    with tempfile.TemporaryDirectory(prefix="bench-shipped-") as folder:
        factory = protocols.fresh_database(settings, FAQ, folder=Path(folder))
        knowledge_base = protocols.knowledge_base_on(settings, factory)
        outcomes = evaluation.run_questions(knowledge_base.analyse, questions)
        today = evaluation.metrics(outcomes, calibration.cross_validate(outcomes, k=5))
        crossed = adaptive.cross_validate_rule([adaptive.Case(outcomes, knowledge_base.profile)], k=5)[0]
        factory.kw["bind"].dispose()
    return protocols.Comparison("shipped FAQ, 5-fold cross-validation", today,
                                evaluation.metrics(outcomes, crossed))


def lodo(settings: Settings) -> protocols.Comparison:
    faq = [entry for file in sorted(FAQ.glob("*.yml"))
           for entry in read_entries(file, departments=set(DEPARTMENT_LABELS))]
    return protocols.leave_one_department_out(settings, faq=faq, questions=evaluation.load_questions(EVAL))


# the frozen sets of knowledge_base/eval and their titles in the report; any other foreign folder is measured too
FOREIGN_SETS = {
    "foreign": "foreign FAQ (174 fiches, no variants, fresh database)",
    "foreign4": "fourth foreign FAQ (174 fiches, no variants, fresh database; measured once)",
    "foreign5": "fifth foreign FAQ (180 fiches, no variants, fresh database; measured once)",
    "foreign6": "sixth foreign FAQ (180 fiches, no variants, fresh database; measured once)",
    "foreign7": "seventh foreign FAQ (180 fiches, no variants, fresh database; measured once)",
    "foreign8": "eighth foreign FAQ (193 fiches, no variants, fresh database; measured once)",
    "foreign9": ("ninth foreign FAQ (226 fiches for businesses and associations, no variants, fresh database; "
                 "measured once)"),
    "foreign10": ("tenth foreign FAQ (200 fiches drawn from the nine others, new questions, no variants, fresh "
                  "database; measured once)"),
    "foreign11": ("eleventh foreign FAQ (200 other fiches drawn from the sets before, new questions, no variants, "
                  "fresh database; measured once)"),
    "foreign12": ("twelfth foreign FAQ (200 other fiches drawn from the sets before, new questions, no variants, "
                  "fresh database; measured once)"),
    "foreign13": ("thirteenth foreign FAQ (200 other fiches drawn from the sets before, new questions, no variants, "
                  "fresh database; measured once)"),
    "foreign14": ("fourteenth foreign FAQ (200 other fiches drawn from the sets before, new questions, no variants, "
                  "fresh database; measured once)"),
    "foreign15": ("fifteenth foreign FAQ (200 other fiches drawn from the sets before, new questions, no variants, "
                  "fresh database; frozen 2026-12-07, not measured before its first run)"),
}
MIXED_SETS = {
    "mixed1": "fiches added to the shipped FAQ (190 curated entries and 60 fiches without variants, fresh database)",
    "mixed2": ("fiches added to the shipped FAQ, second set (190 curated entries and 60 other fiches on family, "
               "transport, foreigners and social matters, without variants, fresh database; measured once)"),
    "mixed3": ("fiches added to the shipped FAQ, third set (190 curated entries and 60 other fiches on any subject, "
               "without variants, fresh database; measured once)"),
}
DAY_ONE_SETS = {
    "dayone": "day-one questions on the shipped FAQ",
    "dayone2": "day-one questions, second set (measured once), on the shipped FAQ",
    "dayone3": "day-one questions, third set (measured once), on the shipped FAQ",
    "dayone4": "day-one questions, fourth set (measured once), on the shipped FAQ",
    "dayone5": "day-one questions, fifth set (measured once), on the shipped FAQ",
    "dayone6": "day-one questions, sixth set (measured once), on the shipped FAQ",
    "dayone7": "day-one questions, seventh set (measured once), on the shipped FAQ",
    "dayone8": "day-one questions, eighth set (measured once), on the shipped FAQ",
    "dayone9": "day-one questions, ninth set (measured once), on the shipped FAQ",
}


def foreign_set(settings: Settings, name: str) -> protocols.Comparison:
    """The foreign FAQ ``knowledge_base/eval/<name>`` imported into a fresh database, asked its questions."""
    questions = evaluation.load_questions(EVAL / name / "questions.yml", expected_of=entry_id_of)
    return protocols.foreign(settings, faq=EVAL / name / "faq.yml", questions=questions,
                             title=FOREIGN_SETS.get(name, f"foreign FAQ {name} (no variants, fresh database)"))


def day_one_set(settings: Settings, name: str) -> protocols.Comparison:
    """The shipped FAQ asked the day-one questions of ``knowledge_base/eval/<name>``."""
    questions = evaluation.load_questions(EVAL / name / "questions.yml")
    return protocols.foreign(settings, faq=FAQ, questions=questions, title=DAY_ONE_SETS[name])


def mixed_set(settings: Settings, name: str) -> protocols.Comparison:
    """The shipped FAQ and the fiches of ``knowledge_base/eval/<name>`` imported together, asked about the fiches."""
    questions = evaluation.load_questions(EVAL / name / "questions.yml", expected_of=entry_id_of)
    return protocols.mixed(settings, faq=FAQ, fiches=EVAL / name / "faq.yml", questions=questions,
                           title=MIXED_SETS[name])


def foreign(settings: Settings) -> protocols.Comparison:
    return foreign_set(settings, "foreign")


def dayone(settings: Settings) -> protocols.Comparison:
    return day_one_set(settings, "dayone")


def run(name: str, settings: Settings) -> protocols.Comparison:
    if name == "shipped":
        return shipped(settings)
    if name == "lodo":
        return lodo(settings)
    if name in FOREIGN_SETS:
        return foreign_set(settings, name)
    if name in MIXED_SETS:
        return mixed_set(settings, name)
    return day_one_set(settings, name)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", default="shipped,lodo,foreign,dayone,foreign4,dayone4,dayone5,dayone6")
    parser.add_argument("--out", default=str(DOCS / "benchmarks-kb-generalization.md"))
    parser.add_argument("--without-other-authority", action="store_true",
                        help="switch the other-authority check off (the side-by-side of docs/benchmarks-kb.md)")
    args = parser.parse_args()
    known = ["shipped", "lodo", *FOREIGN_SETS, *MIXED_SETS, *DAY_ONE_SETS]
    unknown = [name for name in args.only.split(",") if name not in known]
    if unknown:
        parser.error(f"--only: unknown protocol(s) {', '.join(unknown)}; known: {', '.join(known)}")
    if args.without_other_authority:
        agreement.other_authority = lambda stems, entry_terms: None
    settings = Settings()
    out = Path(args.out)
    sections = read_sections(out)
    command = f"python -m benchmarks.kb_generalization {' '.join(sys.argv[1:])}".strip()
    for name in args.only.split(","):
        comparison = run(name, settings)
        sections[name] = [SECTION_MARK.format(name=name), *table(comparison)[:1], "", stamp(command), "",
                          *table(comparison)[2:]]
        print("\n".join(sections[name]), flush=True)
        write(out, sections, order=known)
    return 0


SECTION_MARK = "<!-- protocol: {name} -->"
INTRO = ("today: the shipped absolute thresholds and the whole off-topic list; adaptive: the rule on the knowledge "
         "base's own profile, the off-topic list relative to its entries, key-term agreement, near paraphrases.")


def read_sections(path: Path) -> dict[str, list[str]]:
    """The protocols' sections of an earlier report, by name (a report without marks has none to keep)."""
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in path.read_text(encoding="utf-8").splitlines() if path.exists() else []:
        if line.startswith("<!-- protocol: ") and line.endswith(" -->"):
            current = sections.setdefault(line.removeprefix("<!-- protocol: ").removesuffix(" -->"), [])
        if current is not None:
            current.append(line)
    for lines in sections.values():
        while lines and not lines[-1].strip():
            lines.pop()
    return sections


def write(path: Path, sections: dict[str, list[str]], *, order: list[str]) -> None:
    """The report: a title, then each protocol's section in ``order`` (unknown names last)."""
    names = sorted(sections, key=lambda name: order.index(name) if name in order else len(order))
    lines = ["## Knowledge base: generalization of the decision", "",
             "Each section says when, at which commit and with which command it was measured.", "", INTRO, ""]
    for name in names:
        for line in [*sections[name], ""]:
            if line.strip() or lines[-1].strip():  # one blank line at most between blocks
                lines.append(line)
    path.write_text("\n".join(lines).rstrip("\n") + "\n", encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
