"""Tests that need Rasa, the model, PostgreSQL or Chromium skip locally without them, and fail under CI."""

from __future__ import annotations

import re

import pytest

from guichet.settings import PROJECT_ROOT
from testing.needs import needed_module, unavailable


@pytest.mark.parametrize("ci", [None, "", "false", "0"])
def test_missing_requirements_skip_outside_ci(monkeypatch: pytest.MonkeyPatch, ci: str | None) -> None:
    if ci is None:
        monkeypatch.delenv("CI", raising=False)
    else:
        monkeypatch.setenv("CI", ci)
    with pytest.raises(pytest.skip.Exception, match="GUICHET_TEST_POSTGRES_URL"):
        unavailable("GUICHET_TEST_POSTGRES_URL is not set")
    with pytest.raises(pytest.skip.Exception, match="no_such_module"):
        needed_module("no_such_module_for_guichet")


@pytest.mark.parametrize("ci", ["true", "1", "yes"])
def test_missing_requirements_fail_under_ci(monkeypatch: pytest.MonkeyPatch, ci: str) -> None:
    monkeypatch.setenv("CI", ci)
    with pytest.raises(pytest.fail.Exception, match=r"Chromium.*CI is set"):
        unavailable("Chromium is missing")
    with pytest.raises(pytest.fail.Exception, match=r"no_such_module.*CI is set"):
        needed_module("no_such_module_for_guichet")
    assert needed_module("json").dumps([]) == "[]"


def test_no_test_skips_on_its_own() -> None:
    """Every skip for a missing requirement goes through testing/needs.py (``skipif`` on the CPU's features stays)."""
    pattern = re.compile(r"pytest\.skip\(|importorskip\(")
    offenders = [f"{path.relative_to(PROJECT_ROOT)}:{number}"
                 for path in sorted((PROJECT_ROOT / "tests").rglob("*.py")) if path.name != "needs.py"
                 for number, line in enumerate(path.read_text().splitlines(), 1)
                 if pattern.search(line) and "re.compile" not in line]
    assert offenders == []
