from __future__ import annotations

from knowledge_base.details import MAX_PASSAGES, PASSAGE_WORDS, detail_texts, passages_of
from knowledge_base.validation import EntryData


def entry(details: str) -> EntryData:
    return EntryData(id="e", question="Peut-on brûler ses déchets verts ?", answer="Non.", department="proprete",
                     details=details)


def test_passages_are_cut_between_sentences() -> None:
    sentence = "Les déchets verts vont en déchetterie ou au compost."  # 9 words
    passages = passages_of(" ".join([sentence] * 20), words=30)
    assert all(len(p.split()) <= 30 for p in passages)
    assert all(p.endswith(".") for p in passages)
    assert " ".join(passages) == " ".join([sentence] * 20)


def test_a_sentence_longer_than_a_passage_stays_whole() -> None:
    long = " ".join(["mot"] * (PASSAGE_WORDS + 10)) + "."
    assert passages_of(f"Court. {long} Fin.") == ["Court.", long, "Fin."]


def test_detail_passages_carry_the_question_and_stop_at_the_cap() -> None:
    sentence = " ".join(["mot"] * (PASSAGE_WORDS - 1)) + "."
    texts = detail_texts(entry(" ".join([sentence] * (MAX_PASSAGES + 3))))
    assert len(texts) == MAX_PASSAGES
    assert all(t.startswith("Peut-on brûler ses déchets verts ? — mot") for t in texts)
    assert detail_texts(entry("")) == []
