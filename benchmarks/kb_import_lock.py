"""How long an import holds SQLite's write lock, in this tree and another one, taking turns.

    .venv/bin/python -m benchmarks.kb_import_lock --old /path/to/other/tree [--set foreign3] [--rounds 2]

On SQLite one writer holds the file at a time: while ``guichet kb import`` (or the seed) holds it, every writer of
the running application waits, and gives up after 30 s ("database is locked"). Each measurement is a fresh process
started in the tree measured (its own modules first on ``sys.path``): the entries of a frozen foreign FAQ
(``knowledge_base/eval/<set>/faq.yml``) imported into a new database as the import does it (embedded and cached with
the real model), while a thread watches the file's write lock every 2 ms. Prints, and writes to
docs/benchmarks-kb-import-lock.md, the import's time, the longest time the lock was held at once and the total.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from benchmarks import report
from benchmarks.side_by_side import commit

HERE = Path(__file__).resolve().parent.parent
WATCH_SECONDS = 0.002


class LockWatch:
    """The times a lock was held, seen by polling it from a thread."""

    def __init__(self, lock: threading.Lock) -> None:
        self.lock = lock
        self.holds: list[float] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def __enter__(self) -> LockWatch:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()

    def _watch(self) -> None:
        since: float | None = None
        while not self._stop.is_set():
            now = time.perf_counter()
            if self.lock.locked() and since is None:
                since = now
            elif not self.lock.locked() and since is not None:
                self.holds.append(now - since)
                since = None
            time.sleep(WATCH_SECONDS)
        if since is not None:
            self.holds.append(time.perf_counter() - since)


def measure(faq_set: str) -> dict[str, float]:
    """In the tree this process runs from: import the set's entries, watching the write lock."""
    from guichet.settings import PROJECT_ROOT, Settings
    from guichet.sqlite_writes import lock_for
    from knowledge_base import protocols
    from knowledge_base.foreign_faq import write_import_file

    entries = protocols.faq_entries(PROJECT_ROOT / "knowledge_base" / "eval" / faq_set / "faq.yml")
    folder = Path(tempfile.mkdtemp(prefix="kb-import-lock-"))
    faq = write_import_file(list(entries), folder / "faq.yml")
    settings = Settings(_env_file=None, var_dir=folder, embedding_model=Settings().resolved_embedding_model)
    started = time.perf_counter()
    with LockWatch(lock_for(str((folder / "guichet.db").resolve()))) as watch:
        protocols.fresh_database(settings, faq, folder=folder)
    return {"entries": float(len(entries)), "import_s": time.perf_counter() - started,
            "longest_s": max(watch.holds, default=0.0), "held_s": sum(watch.holds)}


def run_in(tree: Path, faq_set: str) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": str(tree), "PYTHONDONTWRITEBYTECODE": "1"}
    done = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--worker", "--set", faq_set], cwd=tree,
                          env=env, check=False, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"the measurement in {tree} failed:\n{done.stderr}")
    figures: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    print(tree, figures, flush=True)
    return figures


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--old", type=Path, help="the other tree (e.g. main before the change)")
    parser.add_argument("--set", default="foreign3", help="a folder of knowledge_base/eval with a faq.yml")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--worker", action="store_true")
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(measure(args.set)))
        return 0
    if args.old is None:
        parser.error("--old: the other tree to measure beside this one is required")
    trees = {"old": args.old.resolve(), "new": HERE}
    rows = []
    for round_ in range(1, args.rounds + 1):
        for name, tree in trees.items():
            found = run_in(tree, args.set)
            rows.append([round_, f"{name} ({commit(tree)})", f"{found['entries']:.0f}", f"{found['import_s']:.1f} s",
                         f"{found['longest_s']:.2f} s", f"{found['held_s']:.2f} s"])
    text = (report.header("Knowledge base: how long an import holds SQLite's write lock",
                          f"python -m benchmarks.kb_import_lock --old {args.old} --set {args.set} "
                          f"--rounds {args.rounds}")
            + f"\nThe entries of `knowledge_base/eval/{args.set}/faq.yml` imported into a new database as the import "
            "does it (real model, vectors cached); the two trees take turns, each run a fresh process.\n\n"
            + report.table(["round", "tree", "entries", "import", "longest hold of the lock", "lock held in all"],
                           rows))
    report.write_section("kb-import-lock", text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
