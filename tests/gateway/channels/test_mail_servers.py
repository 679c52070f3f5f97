"""The e-mail tests never pass silently in CI: without Dovecot they fail there, and skip only on a laptop."""

from __future__ import annotations

from pathlib import Path

import pytest

from testing import mail_servers


def test_missing_dovecot_fails_under_ci(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(mail_servers, "DOVECOT", tmp_path / "no-dovecot")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="dovecot-imapd"):
        mail_servers.require_dovecot()
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception):
        mail_servers.require_dovecot()
