"""``guichet report weekly``: formats, files, and clear errors for bad input."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from xml.etree import ElementTree
from zoneinfo import ZoneInfo

import pytest

from guichet.db import session_scope
from guichet.models import utcnow
from guichet.opening_hours import OpeningHours
from guichet.settings import Settings
from handoff_api.cli import main
from handoff_api.commands import migrated_session_factory
from handoff_api.journal.weeks import last_complete_week
from tests.handoff_api.journal.synthetic import generate


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GUICHET_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("GUICHET_EMBEDDING_MODEL", "hashing")
    return Settings(_env_file=None)


@pytest.fixture
def traffic_week(env: Settings) -> str:
    """Synthetic traffic two weeks ago (complete, with every answer's 24 hours over)."""
    factory = migrated_session_factory(env)
    hours = OpeningHours.parse(env.opening_hours, env.timezone)
    week = last_complete_week(utcnow(), hours.zone).shifted(-1)
    with session_scope(factory) as session:
        generate(session, hours, week)
    return week.label


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.parametrize(("argv", "fragment"), [
    (["--format", "pdf"], "--format: 'pdf' is not one of html, md, csv"),
    (["--week", "2026-48"], "week: '2026-48' is not an ISO week"),
    (["--week", "2026-W60"], "week: '2026-W60' does not exist"),
    (["--week", "2999-W01"], "week: 2999-W01 is in the future"),
    (["--threshold", "1.5"], "--threshold: 1.5 must be in (0, 1]"),
])
def test_bad_input_is_a_clear_error(env: Settings, capsys: pytest.CaptureFixture[str], argv: list[str],
                                    fragment: str) -> None:
    code, out, err = run(capsys, "report", "weekly", "--no-model", *argv)
    assert code == 2
    assert fragment in err
    assert "Traceback" not in err and out == ""


def test_a_week_without_traffic_says_so(env: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "report", "weekly", "--week", "2026-W02", "--format", "md", "--no-model")
    assert code == 0
    assert "# Journal des usagers — semaine 2026-W02" in out
    assert "Aucune activité cette semaine" in out
    code, out, _ = run(capsys, "report", "weekly", "--week", "2026-W02", "--format", "html", "--no-model")
    assert code == 0 and "Aucune activité cette semaine" in out and "<svg" not in out
    code, out, _ = run(capsys, "report", "weekly", "--week", "2026-W02", "--format", "csv", "--no-model")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows[0]["section"] == "semaine" and "Aucune activité" in rows[0]["detail"]


def test_markdown_csv_and_html_of_a_busy_week(traffic_week: str, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "report", "weekly", "--week", traffic_week, "--format", "md")
    assert code == 0
    assert "## Questions sans réponse" in out and "par le sens (modèle hashing:256" in out
    assert "06 12 34 56 78" not in out and "marie.dupont" not in out
    target = tmp_path / "journal.csv"
    code, _, err = run(capsys, "report", "weekly", "--week", traffic_week, "--format", "csv", "--output", str(target))
    assert code == 0 and f"wrote the journal of {traffic_week} (csv)" in err
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8"))))
    sections = {row["section"] for row in rows}
    assert {"resume", "jour", "canal", "service", "faq", "sans_reponse", "hausse", "signalement_type"} <= sections
    assert all(row["suggestion"] for row in rows if row["section"] == "sans_reponse")
    assert sum(1 for row in rows if row["section"] == "jour") == 7
    page = tmp_path / "journal.html"
    assert run(capsys, "report", "weekly", "--week", traffic_week, "--output", str(page))[0] == 0
    html = page.read_text(encoding="utf-8")
    assert html.startswith("<!doctype html>") and "cdn" not in html.lower() and "<script" not in html
    charts = [chunk.split("</svg>")[0] + "</svg>" for chunk in html.split("<svg")[1:]]
    assert len(charts) >= 4
    for chart in charts:
        ElementTree.fromstring("<svg" + chart)  # well-formed inline SVG


def test_default_week_is_the_last_complete_one(env: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "report", "weekly", "--format", "md", "--no-model")
    expected = last_complete_week(utcnow(), ZoneInfo("Europe/Paris"))
    assert code == 0 and f"semaine {expected.label}" in out
