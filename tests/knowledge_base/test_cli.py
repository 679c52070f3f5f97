"""``guichet kb ...`` through ``main(argv)`` and, once, as a real process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from guichet.settings import Settings
from knowledge_base.cli import main


@pytest.fixture
def cli_settings(tmp_path: Path) -> Settings:
    return Settings(var_dir=tmp_path / "var", embedding_model="hashing", seed_faq_on_start=False)


def test_import_search_export(cli_settings: Settings, sample_file: Path, tmp_path: Path,
                              capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["kb", "import", str(sample_file)], cli_settings) == 0
    assert "3 created" in capsys.readouterr().out
    assert main(["kb", "search", "--json", "--top-k", "2", "horaires", "piscine"], cli_settings) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["query"] == "horaires piscine" and result["hits"][0]["id"] == "piscines-horaires"
    assert set(result["hits"][0]) == {"id", "score", "question"} and len(result["hits"]) == 2
    assert main(["kb", "search", "carte", "identité"], cli_settings) == 0
    assert "papiers-carte-identite" in capsys.readouterr().out
    assert main(["kb", "export", str(tmp_path / "out.yml")], cli_settings) == 0
    exported = yaml.safe_load((tmp_path / "out.yml").read_text(encoding="utf-8"))
    assert len(exported["entries"]) == 3


def test_batch_keeps_order_one_line_each(cli_settings: Settings, sample_file: Path, tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    main(["kb", "import", str(sample_file)], cli_settings)
    capsys.readouterr()
    batch = tmp_path / "queries.txt"
    batch.write_text("horaires piscine\n\n😀\ncarte d'identité\n", encoding="utf-8")
    assert main(["kb", "search", "--json", "--batch", str(batch)], cli_settings) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line["query"] for line in lines] == ["horaires piscine", "", "😀", "carte d'identité"]
    assert lines[1]["decision"] == "handoff" and "must not be empty" in lines[1]["error"]
    assert lines[2] == {"query": "😀", "decision": "handoff", "hits": []}
    assert lines[3]["hits"][0]["id"] == "papiers-carte-identite"


def test_refused_import_exits_non_zero(cli_settings: Settings, tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.yml"
    bad.write_text("entries:\n  - {id: x, question: Q, answer: R}\n", encoding="utf-8")
    assert main(["kb", "import", str(bad)], cli_settings) == 1
    assert f"refused {bad}: entries[0]: entry 'x': missing field 'department'" in capsys.readouterr().err
    assert main(["kb", "import", str(tmp_path / "missing.yml")], cli_settings) == 2


def eval_folder(tmp_path: Path, **files: list[dict[str, str]]) -> Path:
    """An evaluation folder: one ``<name>.yml`` of labelled questions per keyword."""
    folder = tmp_path / "eval"
    folder.mkdir()
    for name, questions in files.items():
        (folder / f"{name}.yml").write_text(yaml.safe_dump({"questions": questions}), encoding="utf-8")
    return folder


def test_calibrate_then_eval_uses_the_calibration(cli_settings: Settings, sample_file: Path, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    main(["kb", "import", str(sample_file)], cli_settings)
    capsys.readouterr()
    eval_dir = eval_folder(tmp_path, sports=[
        {"text": "horaires de la piscine", "expected": "piscines-horaires"},
        {"text": "prix de la piscine", "expected": "piscines-tarifs"},
        {"text": "refaire ma carte d'identité", "expected": "papiers-carte-identite"}], out_of_scope=[
        {"text": "quel temps fait-il", "category": "chitchat"}, {"text": "🙂", "category": "emoji"}])
    assert main(["kb", "calibrate", "--eval-path", str(eval_dir), "--folds", "2"], cli_settings) == 0
    out = capsys.readouterr().out
    assert "calibration 1 for hashing:256" in out and "2-fold cross-validation" in out
    rule = json.loads(out.splitlines()[-1].split("rule ", 1)[1])
    assert main(["kb", "eval", "--json", "--eval-path", str(eval_dir)], cli_settings) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["source"] == "calibration 1" and report["rule"] == rule
    assert report["metrics"]["in_scope"] == 3 and report["metrics"]["out_of_scope"] == 2
    assert {"top1", "top3", "mrr", "answered_correct", "answer_precision", "answered_or_offered",
            "oos_answered"} <= set(report["metrics"])


def test_calibrate_refuses_a_rule_under_the_target_precision(cli_settings: Settings, sample_file: Path,
                                                             tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    main(["kb", "import", str(sample_file)], cli_settings)
    # labels that contradict each other: no rule answers both right, cross-validated precision < 100%
    eval_dir = eval_folder(tmp_path, sports=[
        {"text": "horaires de la piscine", "expected": "piscines-horaires"},
        {"text": "horaires de la piscine", "expected": "piscines-tarifs"},
        {"text": "horaires piscine", "expected": "piscines-tarifs"},
        {"text": "horaires piscine", "expected": "piscines-horaires"}])
    capsys.readouterr()
    assert main(["kb", "calibrate", "--eval-path", str(eval_dir), "--folds", "2", "--target-precision", "1.0"],
                cli_settings) == 1
    assert "not adopted" in capsys.readouterr().out
    assert main(["kb", "eval", "--json", "--eval-path", str(eval_dir)], cli_settings) == 0
    assert json.loads(capsys.readouterr().out)["source"] == "default"


def test_import_fiches(cli_settings: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    fixtures = Path(__file__).parent / "fixtures" / "fiches" / "json"
    assert main(["kb", "import-fiches", str(fixtures), "--department", "papiers"], cli_settings) == 0
    assert "2 draft entries created" in capsys.readouterr().out


def test_real_process_on_database_url(tmp_path: Path, sample_file: Path) -> None:
    env = {**os.environ, "GUICHET_DATABASE_URL": f"sqlite:///{tmp_path / 'other.db'}",
           "GUICHET_EMBEDDING_MODEL": "hashing", "GUICHET_VAR_DIR": str(tmp_path / "var")}
    run = [sys.executable, "-m", "knowledge_base.cli", "kb"]
    imported = subprocess.run([*run, "import", str(sample_file)], env=env, capture_output=True, text=True,
                              timeout=120)
    assert imported.returncode == 0, imported.stderr
    assert (tmp_path / "other.db").exists() and not (tmp_path / "var" / "guichet.db").exists()
    found = subprocess.run([*run, "search", "--json", "horaires piscine"], env=env, capture_output=True, text=True,
                           timeout=120)
    assert json.loads(found.stdout)["hits"][0]["id"] == "piscines-horaires"


def test_eval_a_foreign_faq_from_fiches(cli_settings: Settings, tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    package = tmp_path / "package" / "data" / "particuliers"
    package.mkdir(parents=True)
    fixtures = Path(__file__).parent / "fixtures" / "fiches" / "json"
    for name in ("F1357.json", "F2468.json"):
        (package / name).write_bytes((fixtures / name).read_bytes())
    ids = tmp_path / "ids.json"
    ids.write_text(json.dumps(["F1357", "F2468"]))
    questions = tmp_path / "questions.yml"
    questions.write_text(yaml.safe_dump({
        "in_scope": [{"text": "photo du passeport au guichet ?", "expected": "F1357"}],
        "out_of_scope": [{"text": "quel temps fera-t-il demain ?", "category": "chitchat"}]}), encoding="utf-8")
    assert main(["kb", "eval", "--fiches", str(tmp_path / "package"), "--fiche-ids", str(ids),
                 "--questions", str(questions), "--json"], cli_settings) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["adaptive"]["in_scope"] == 1 and report["adaptive"]["out_of_scope"] == 1
    assert set(report["today"]) == set(report["adaptive"]) and "answered_or_offered" in report["adaptive"]
    assert main(["kb", "eval", "--questions", str(questions)], cli_settings) == 2  # no FAQ named


def test_calibrate_adds_the_questions_editors_labelled_in_the_inbox(cli_settings: Settings, sample_file: Path,
                                                                     tmp_path: Path,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    from guichet.db import session_scope
    from guichet.models import InboxItem
    from knowledge_base.cli import database

    main(["kb", "import", str(sample_file)], cli_settings)
    eval_dir = eval_folder(tmp_path, sports=[
        {"text": "horaires de la piscine", "expected": "piscines-horaires"},
        {"text": "prix de la piscine", "expected": "piscines-tarifs"},
        {"text": "refaire ma carte d'identité", "expected": "papiers-carte-identite"},
        {"text": "quel temps fait-il", "category": "chitchat"}])
    with session_scope(database(cli_settings)) as session:
        session.add_all([InboxItem(text="nager le dimanche", decision="clarify", status="confirmed",
                                   entry_id="piscines-horaires"),
                         InboxItem(text="la météo demain", decision="clarify", status="out_of_scope"),
                         InboxItem(text="bof", decision="clarify", status="dismissed")])
    capsys.readouterr()
    main(["kb", "calibrate", "--eval-path", str(eval_dir), "--folds", "2"], cli_settings)
    assert f"4 labelled questions from {eval_dir}, 2 from the training inbox" in capsys.readouterr().out
    main(["kb", "calibrate", "--eval-path", str(eval_dir), "--folds", "2", "--no-inbox"], cli_settings)
    assert "training inbox" not in capsys.readouterr().out
