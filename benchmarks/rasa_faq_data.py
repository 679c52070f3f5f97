"""The seed FAQ as a Rasa 3.6 project in Rasa's own FAQ style (retrieval intent + ResponseSelector).

Used by ``benchmarks.rasa_faq_baseline``: one retrieval intent ``faq`` with a sub-intent per entry
(``faq/<id with underscores>``, examples = the entry's question and variants), one response
``utter_faq/<id>`` per entry (the answer), a ``greet`` intent so that DIET has two intents, and the
rule ``faq -> utter_faq``. Nothing here is written into the project's ``data/`` or ``bot/``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

FAQ_PATH = Path(__file__).resolve().parent.parent / "knowledge_base" / "faq"

GREET_EXAMPLES = ["bonjour", "salut", "bonsoir", "coucou", "hello", "bonjour madame",
                  "bonjour monsieur", "bjr", "salut à vous", "hey bonjour"]

CONFIG = """\
# Rasa's FAQ recipe, offline: no pre-trained language model.
recipe: default.v1
language: fr
assistant_id: rasa-faq-baseline
pipeline:
  - name: WhitespaceTokenizer
  - name: CountVectorsFeaturizer
  - name: CountVectorsFeaturizer
    analyzer: char_wb
    min_ngram: 1
    max_ngram: 4
  - name: DIETClassifier
    epochs: 100
    constrain_similarities: true
    random_seed: 42
  - name: ResponseSelector
    retrieval_intent: faq
    epochs: 100
    constrain_similarities: true
    random_seed: 42
  - name: FallbackClassifier
    threshold: 0.3
    ambiguity_threshold: 0.1
policies:
  - name: RulePolicy
"""

RULES = """\
version: "3.1"
rules:
  - rule: answer an FAQ
    steps:
      - intent: faq
      - action: utter_faq
  - rule: greet
    steps:
      - intent: greet
      - action: utter_greet
"""

CREDENTIALS = "rest:\n"


@dataclass(frozen=True)
class FaqEntry:
    id: str
    question: str
    answer: str
    variants: list[str] = field(default_factory=list)

    @property
    def examples(self) -> list[str]:
        return [self.question, *self.variants]


def sub_intent(entry_id: str) -> str:
    """``piscines-horaires`` -> ``faq/piscines_horaires`` (Rasa's intent_response_key)."""
    return "faq/" + entry_id.replace("-", "_")


def load_faq(path: Path = FAQ_PATH) -> list[FaqEntry]:
    entries: list[FaqEntry] = []
    for file in sorted(path.glob("*.y*ml")):
        document = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
        for item in document.get("entries") or []:
            entries.append(FaqEntry(id=str(item["id"]), question=str(item["question"]).strip(),
                                    answer=str(item["answer"]).strip(),
                                    variants=[str(v).strip() for v in item.get("variants") or []]))
    keys = [sub_intent(e.id) for e in entries]
    if len(set(keys)) != len(keys):
        raise ValueError("two FAQ ids map to the same Rasa sub-intent")
    return entries


def with_answer(entries: list[FaqEntry], entry_id: str, answer: str) -> list[FaqEntry]:
    return [replace(e, answer=answer) if e.id == entry_id else e for e in entries]


def with_variant(entries: list[FaqEntry], entry_id: str, variant: str) -> list[FaqEntry]:
    return [replace(e, variants=[*e.variants, variant]) if e.id == entry_id else e for e in entries]


def _example_line(text: str) -> str:
    # one line in a YAML literal block; Rasa reads [..](..) and [..]{..} as entity annotations
    return " ".join(text.replace("[", "(").replace("]", ")").split())


def nlu_yaml(entries: list[FaqEntry]) -> tuple[str, int]:
    """The NLU file and the number of examples dropped because another entry already has them."""
    seen: set[str] = set()
    dropped = 0
    lines = ['version: "3.1"', "nlu:", "  - intent: greet", "    examples: |"]
    lines += [f"      - {text}" for text in GREET_EXAMPLES]
    seen.update(text.lower() for text in GREET_EXAMPLES)
    for entry in entries:
        examples = []
        for text in entry.examples:
            line = _example_line(text)
            if not line or line.lower() in seen:
                dropped += 1
                continue
            seen.add(line.lower())
            examples.append(line)
        lines += [f"  - intent: {sub_intent(entry.id)}", "    examples: |"]
        lines += [f"      - {text}" for text in examples]
    return "\n".join(lines) + "\n", dropped


def domain_yaml(entries: list[FaqEntry]) -> str:
    responses: dict[str, Any] = {"utter_greet": [{"text": "Bonjour ! Posez-moi votre question."}]}
    responses.update({f"utter_{sub_intent(e.id)}": [{"text": e.answer}] for e in entries})
    document = {"version": "3.1", "intents": ["greet", "faq"], "responses": responses,
                "session_config": {"session_expiration_time": 60, "carry_over_slots_to_new_session": True}}
    return yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=1000)


def write_project(folder: Path, entries: list[FaqEntry]) -> int:
    """Write (or rewrite) the Rasa project; returns the number of duplicate examples dropped."""
    (folder / "data").mkdir(parents=True, exist_ok=True)
    nlu, dropped = nlu_yaml(entries)
    (folder / "data" / "nlu.yml").write_text(nlu, encoding="utf-8")
    (folder / "data" / "rules.yml").write_text(RULES, encoding="utf-8")
    (folder / "domain.yml").write_text(domain_yaml(entries), encoding="utf-8")
    (folder / "config.yml").write_text(CONFIG, encoding="utf-8")
    (folder / "credentials.yml").write_text(CREDENTIALS, encoding="utf-8")
    return dropped
