"""``make bench``: every benchmark in turn, then docs/benchmarks.md gathered from their sections.

Each benchmark also runs alone (``python -m benchmarks.<name>``) and rewrites only its own section.
"""

from __future__ import annotations

import subprocess
import sys

from benchmarks.report import DOCS

STEPS = [
    ("kb-search", ["benchmarks.kb_search"]),
    ("kb-nearest-key", ["benchmarks.kb_nearest_key"]),
    ("kb-national-pages", ["benchmarks.kb_national_pages"]),
    ("kb-national-pages-shipped", ["benchmarks.kb_national_pages", "--set", "dayone9"]),
    ("kb-details", ["benchmarks.kb_details_scale"]),
    ("kb-import-memory", ["benchmarks.kb_import_memory"]),
    ("kb-generalization", ["benchmarks.kb_generalization"]),
    ("rasa-faq", ["benchmarks.rasa_faq_baseline"]),
    ("stack", ["benchmarks.stack_bench"]),
    ("scale", ["benchmarks.scale_bench"]),
    ("faults", ["benchmarks.faults"]),
    ("soak", ["benchmarks.soak"]),
    ("nlu", ["benchmarks.nlu_blind"]),
]
INTRO = """# Benchmarks

Measured on the project's 2-core machines by `make bench`; each section names its command, the machine and
the date, and comparisons inside a section come from one run, side by side. These are figures, not tests:
`make test` never times anything.

"""


HISTORY = ["kb"]  # written by hand from the runs they name (what was measured once, adopted or not): never rewritten


def gather() -> None:
    sections = [DOCS / f"benchmarks-{name}.md" for name in [*HISTORY, *(name for name, _ in STEPS)]]
    body = "\n".join(path.read_text() for path in sections if path.exists())
    (DOCS / "benchmarks.md").write_text(INTRO + body)


def main(argv: list[str]) -> int:
    only = set(argv)
    failures = []
    for name, module in STEPS:
        if only and name not in only:
            continue
        print(f"== benchmark {name}", flush=True)
        if subprocess.run([sys.executable, "-m", *module], check=False).returncode != 0:
            failures.append(name)
    gather()
    print(f"wrote {DOCS / 'benchmarks.md'}" + (f"; failed: {', '.join(failures)}" if failures else ""))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
