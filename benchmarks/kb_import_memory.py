"""The memory of a real import: every question-answer fiche of the frozen foreign FAQs, with their details.

    .venv/bin/python -m benchmarks.kb_import_memory

The 1,655 fiches of ``knowledge_base/eval/foreign*/faq.yml`` (as a city imports them: question, answer, full
text as details) go into a fresh database as ``guichet kb import`` puts them (each entry embedded and cached in
the import), then the knowledge base loads them as the application does. Two variants, each in its own process,
one after the other: glibc's allocator as the application runs it, and with glibc's mmap threshold fixed at its
starting value (``mallopt(M_MMAP_THRESHOLD, 128 KiB)``; glibc otherwise raises it each time a mapped block is
freed, so the encoder's activations end up in the heap), measured and not adopted (docs/benchmarks-kb.md).
Prints the import's time, the peak resident set and the resident set after the import and after the load;
writes docs/benchmarks-kb-import-memory.md.
"""

from __future__ import annotations

import argparse
import ctypes
import ctypes.util
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
from knowledge_base import protocols
from knowledge_base.foreign_faq import write_import_file

EVAL = PROJECT_ROOT / "knowledge_base" / "eval"
M_MMAP_THRESHOLD = -3  # glibc's mallopt parameter (malloc.h)


def measure(*, fixed: bool) -> dict[str, float]:
    if fixed and not ctypes.CDLL(ctypes.util.find_library("c")).mallopt(M_MMAP_THRESHOLD, 128 * 1024):
        raise RuntimeError("mallopt(M_MMAP_THRESHOLD) refused: this variant needs glibc")
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
    parser.add_argument("--variant", choices=["default", "fixed"])
    args = parser.parse_args()
    if args.variant:
        print(json.dumps(measure(fixed=args.variant == "fixed")))
        return 0
    rows = []
    for variant, label in (("default", "glibc as it comes (today)"), ("fixed", "mmap threshold fixed (not adopted)")):
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
            + report.table(["allocator", "entries", "import (embedding included)", "peak during the import",
                            "resident after the import", "resident after the load", "peak of the process"], rows))
    report.write_section("kb-import-memory", text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
