"""The memory of a real import: every question-answer fiche of the frozen foreign FAQs, with their details.

    .venv/bin/python -m benchmarks.kb_import_memory

The 1,655 fiches of ``knowledge_base/eval/foreign*/faq.yml`` (as a city imports them: question, answer, full
text as details) go into a fresh database as ``guichet kb import`` puts them (each entry embedded and cached in
the import), then the knowledge base loads them as the application does. Two variants, each in its own process,
one after the other: passages encoded 32 to a batch whatever their length (before; ``TOKEN_BUDGET`` lifted), and
batches cut at ``encoder.TOKEN_BUDGET`` padded tokens (today). Prints the import's time, the peak resident set
and the resident set after the import and after the load; writes docs/benchmarks-kb-import-memory.md.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks import report
from benchmarks.kb_search import rss_mb as peak_rss_mb
from guichet.settings import PROJECT_ROOT, Settings
from knowledge_base import encoder, protocols
from knowledge_base.foreign_faq import write_import_file

EVAL = PROJECT_ROOT / "knowledge_base" / "eval"
VARIANTS = {"count": "32 texts a batch, whatever their length (before)",
            "budget": f"at most {encoder.TOKEN_BUDGET:,} padded tokens a batch (today)"}


def measure(*, variant: str) -> dict[str, float]:
    if variant == "count":
        encoder.TOKEN_BUDGET = encoder.BATCH_SIZE * 100_000  # no text is that long: batches of BATCH_SIZE
    entries = {entry.id: entry for path in sorted(EVAL.glob("foreign*/faq.yml"))
               for entry in protocols.faq_entries(path)}
    folder = Path(tempfile.mkdtemp(prefix="kb-import-memory-"))
    faq = write_import_file(list(entries.values()), folder / "faq.yml")
    settings = Settings(_env_file=None, var_dir=folder, embedding_model=Settings().resolved_embedding_model)
    started = time.perf_counter()
    factory = protocols.fresh_database(settings, faq, folder=folder)
    imported = time.perf_counter() - started
    import_peak, after_import = peak_rss_mb(), report.rss_mb(os.getpid())
    knowledge_base = protocols.knowledge_base_on(settings, factory)
    return {"entries": len(knowledge_base), "import_s": imported, "import_peak": import_peak,
            "after_import": after_import, "after_load": report.rss_mb(os.getpid()), "peak": peak_rss_mb()}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--variant", choices=list(VARIANTS))
    args = parser.parse_args()
    if args.variant:
        print(json.dumps(measure(variant=args.variant)))
        return 0
    rows = []
    for variant, label in VARIANTS.items():
        done = subprocess.run([sys.executable, "-m", "benchmarks.kb_import_memory", "--variant", variant],
                              capture_output=True, text=True, check=True, cwd=PROJECT_ROOT)
        found = json.loads(done.stdout.strip().splitlines()[-1])
        rows.append([label, f"{found['entries']:,}", f"{found['import_s']:.0f} s", f"{found['import_peak']:.0f} MB",
                     f"{found['after_import']:.0f} MB", f"{found['after_load']:.0f} MB", f"{found['peak']:.0f} MB"])
        print(label, found, flush=True)
    text = (report.header("Knowledge base: memory of a real import",
                          "python -m benchmarks.kb_import_memory")
            + "\nEvery fiche of the frozen foreign FAQs with its details, imported (embedded and cached) into a fresh "
            "database, then loaded; each variant in its own process, one after the other.\n\n"
            + report.table(["batches of passages", "entries", "import (embedding included)", "peak during the import",
                            "resident after the import", "resident after the load", "peak of the process"], rows))
    report.write_section("kb-import-memory", text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
