"""The application process believes X-Forwarded-For only as GUICHET_TRUSTED_PROXIES says, not uvicorn's default."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from guichet.settings import Settings
from handoff_api.stack import Stack


def test_the_app_process_leaves_forwarded_headers_to_the_application(settings: Settings, tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    started: list[list[str]] = []

    def fake_start(self: Stack, name: str, command: list[str], env: dict[str, str]) -> None:
        started.append(command)

    monkeypatch.setattr(Stack, "start_process", fake_start)
    Stack(settings=settings, logs=tmp_path / "logs").start_app()
    assert started and "uvicorn" in started[0]
    # uvicorn believes X-Forwarded-For from 127.0.0.1 unless told not to
    assert "--no-proxy-headers" in started[0]
    help_text = subprocess.run([started[0][0], "-m", "uvicorn", "--help"], capture_output=True, text=True).stdout
    assert "--no-proxy-headers" in help_text
