"""The hubness penalty: reference questions, closeness, and its effect on the ranking (small vectors)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from knowledge_base.dense import DenseIndex
from knowledge_base.hubness import Background, reference_texts
from knowledge_base.ranking import FusionConfig, HybridIndex
from knowledge_base.validation import EntryData


def unit(*values: float) -> np.ndarray:
    vector = np.array(values, dtype=np.float32)
    return vector / np.linalg.norm(vector)


def test_reference_texts_are_the_shipped_variants_and_the_off_topic_examples() -> None:
    texts = reference_texts()
    assert len(texts) > 1000 and len(texts) == len(set(texts))
    without = reference_texts(exclude_departments=["animaux"])
    assert "chat perdu" in texts and "chat perdu" not in without
    assert len(without) < len(texts)


def test_reference_texts_refuse_a_file_without_entries(tmp_path: Path) -> None:
    (tmp_path / "bad.yml").write_text("questions: []\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"bad\.yml"):
        reference_texts(tmp_path)


def test_closeness_is_the_mean_of_the_nearest_and_skips_the_entrys_own_texts() -> None:
    vectors = np.stack([unit(1, 0), unit(1, 1), unit(0, 1)])
    background = Background(["a", "b", "c"], vectors, neighbours=2)
    found = background.closeness(np.stack([unit(1, 0)]))
    assert found[0] == pytest.approx((1.0 + float(unit(1, 1)[0])) / 2)
    skipping = background.closeness(np.stack([unit(1, 0)]), own_texts=["a"])
    assert skipping[0] == pytest.approx((float(unit(1, 1)[0]) + 0.0) / 2)


def test_closeness_without_reference_questions_is_zero() -> None:
    background = Background([], np.zeros((0, 2), dtype=np.float32), neighbours=3)
    assert background.closeness(np.stack([unit(1, 0)])).tolist() == [0.0]
    one = Background(["a"], np.stack([unit(1, 0)]), neighbours=3)
    assert one.closeness(np.stack([unit(1, 0)]), own_texts=["a"]).tolist() == [0.0]


def test_background_refuses_mismatched_texts_and_vectors() -> None:
    with pytest.raises(ValueError, match="2 texts but 1 vectors"):
        Background(["a", "b"], np.stack([unit(1, 0)]), neighbours=1)
    with pytest.raises(ValueError, match="neighbours"):
        Background(["a"], np.stack([unit(1, 0)]), neighbours=0)


def test_dense_offsets_are_subtracted_and_survive_compaction() -> None:
    index = DenseIndex(2, key_weight=1.0, passage_weights=(1.0,), tau=0.05)
    key, passage = np.stack([unit(1, 0)]), np.stack([unit(1, 0)])
    index.put_many([("a", key, passage), ("b", key, passage), ("c", key, passage)], offsets=[0.0, 0.1, 0.2])
    scores = index.scores(unit(1, 0))
    assert scores[index.slot_of("b")] == pytest.approx(scores[index.slot_of("a")] - 0.1, abs=1e-6)
    index.remove("a")
    index.remove("b")  # dead rows outnumber the living: compacted
    assert index.scores(unit(1, 0))[index.slot_of("c")] == pytest.approx(1.0 - 0.2, abs=1e-6)
    with pytest.raises(ValueError, match="2 entries but 1 offsets"):
        index.put_many([("d", key, passage), ("e", key, passage)], offsets=[0.0])


def entry(entry_id: str, question: str) -> EntryData:
    return EntryData(id=entry_id, question=question, answer="réponse", department="accueil")


def test_a_generic_entry_loses_the_question_it_only_wins_by_being_near_everything() -> None:
    # "generic" is as close to ordinary questions as it gets; "specific" is a little further from the
    # question asked, but far from every reference question
    generic, specific = unit(1, 0, 0), unit(0.6, 0.8, 0)
    query = unit(0.9, 0.4, 0)
    background = Background([f"q{i}" for i in range(3)], np.stack([unit(1, 0.05, 0), unit(1, 0, 0.05),
                                                                   unit(1, -0.05, 0)]), neighbours=3)
    items = [(entry("generic", "g"), np.stack([generic]), np.stack([generic])),
             (entry("specific", "s"), np.stack([specific]), np.stack([specific]))]
    plain = HybridIndex(3, FusionConfig(hub_weight=0.0), background=background)
    plain.put_many(items)
    corrected = HybridIndex(3, FusionConfig(hub_weight=0.5), background=background)
    corrected.put_many(items)
    assert [r.id for r in plain.rank("x", query)] == ["generic", "specific"]
    assert [r.id for r in corrected.rank("x", query)] == ["specific", "generic"]


def test_penalties_are_centred_on_the_indexed_entries() -> None:
    vectors = [unit(1, 0, 0), unit(0, 1, 0), unit(0, 0, 1)]
    background = Background(["a", "b"], np.stack([unit(1, 0.1, 0), unit(1, 0, 0.1)]), neighbours=1)
    index = HybridIndex(3, FusionConfig(hub_weight=0.5), background=background)
    index.put_many([(entry(f"e{i}", f"q{i}"), np.stack([v]), np.stack([v])) for i, v in enumerate(vectors)])
    offsets = [0.5 * index.closeness[f"e{i}"] for i in range(3)]
    assert index.dense.shift == pytest.approx(float(np.mean(offsets)))
    index.remove("e0")
    assert index.dense.shift == pytest.approx(float(np.mean(offsets[1:])))
    index.remove("e1")
    index.remove("e2")
    assert index.dense.shift == 0.0 and index.rank("x", unit(1, 0, 0)) == []


def test_one_entry_keeps_its_plain_score() -> None:
    background = Background(["a"], np.stack([unit(1, 0.2, 0)]), neighbours=3)
    index = HybridIndex(3, FusionConfig(hub_weight=0.5), background=background)
    vector = unit(1, 0, 0)
    index.put(entry("only", "q"), np.stack([vector]), np.stack([vector]))
    assert index.rank("x", vector)[0].score == pytest.approx(1.0, abs=1e-5)


def test_the_service_penalises_entries_against_the_reference_questions(tmp_path: Path) -> None:
    from guichet.db import make_engine, make_session_factory
    from guichet.migrate import upgrade
    from guichet.settings import Settings
    from knowledge_base.hashing_encoder import HashingEncoder
    from knowledge_base.service import KnowledgeBase
    from knowledge_base.yaml_files import import_path

    from .conftest import SAMPLE

    engine = make_engine(Settings(var_dir=tmp_path, embedding_model="hashing"))
    upgrade(engine)
    session_factory = make_session_factory(engine)
    (tmp_path / "sample.yml").write_text(SAMPLE, encoding="utf-8")
    assert import_path(session_factory, tmp_path / "sample.yml", actor="test").ok
    encoder = HashingEncoder(64)
    references = ["horaires de la piscine municipale", "carte d'identité perdue", "bruit des voisins la nuit"]
    knowledge_base = KnowledgeBase(encoder=encoder, session_factory=session_factory, dim=64, sync_seconds=-1,
                                   background_texts=references)
    knowledge_base.load()
    index = knowledge_base._index
    assert index.background is not None and len(index.background) == 3
    assert set(index.closeness) == {"piscines-horaires", "piscines-tarifs", "papiers-carte-identite"}
    assert index.dense.shift == pytest.approx(0.5 * float(np.mean(list(index.closeness.values()))))
    plain = KnowledgeBase(encoder=encoder, session_factory=session_factory, dim=64, sync_seconds=-1,
                          config=FusionConfig(hub_weight=0.0))
    plain.load()
    assert plain._index.background is None and plain._index.dense.shift == 0.0
    engine.dispose()


def test_vectors_of_the_wrong_shape_are_refused_before_anything_is_indexed() -> None:
    background = Background(["a"], np.stack([unit(1, 0, 0)]), neighbours=1)
    index = HybridIndex(3, FusionConfig(), background=background)
    good = (entry("good", "q"), np.stack([unit(1, 0, 0)]), np.stack([unit(1, 0, 0)]))
    bad = (entry("bad", "q"), np.zeros((0, 3), dtype=np.float32), np.stack([unit(1, 0, 0)]))
    with pytest.raises(ValueError, match="entry 'bad'"):
        index.put_many([good, bad])
    assert len(index) == 0 and index.closeness == {}


def test_a_variant_near_every_citizen_question_no_longer_wins_another_entrys_question() -> None:
    # entry "a" has a specific question and a variant phrased like every ordinary question (near the background);
    # the question asked is "b"'s, phrased the ordinary way
    background = Background([f"q{i}" for i in range(3)], np.stack([unit(1, 0.05, 0), unit(1, 0, 0.05),
                                                                   unit(1, -0.05, 0)]), neighbours=3)
    a_question, a_variant, b_question = unit(0, 0, 1), unit(1, 0.1, 0), unit(0.8, 0.6, 0)
    items = [(EntryData(id="a", question="qa", answer="r", department="accueil", variants=["va"]),
              np.stack([a_question, a_variant]), np.stack([a_question])),
             (entry("b", "qb"), np.stack([b_question]), np.stack([b_question]))]
    query = unit(0.95, 0.3, 0)
    ranked = {}
    for weight in (0.0, 1.0):
        index = HybridIndex(3, FusionConfig(hub_weight=0.5, key_hub_weight=weight, key_count_penalty=0.0,
                                            document_weight=0.0),
                            background=background)
        index.put_many(items)
        ranked[weight] = index.rank("x", query)
    assert [r.id for r in ranked[0.0]] == ["a", "b"]
    assert [r.id for r in ranked[1.0]] == ["b", "a"]
    assert ranked[1.0][0].score == pytest.approx(next(r.score for r in ranked[0.0] if r.id == "b"))  # b: no variant


def test_key_offsets_of_the_wrong_shape_are_refused() -> None:
    dense = DenseIndex(3, key_weight=1.0, passage_weights=(1.0,), tau=0.05)
    with pytest.raises(ValueError, match="'e': 2 keys but key offsets of shape"):
        dense.put_many([("e", np.stack([unit(1, 0, 0), unit(0, 1, 0)]), np.stack([unit(1, 0, 0)]))],
                       key_offsets=[np.zeros(1, dtype=np.float32)])
