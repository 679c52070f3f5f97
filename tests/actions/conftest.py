from __future__ import annotations

import pytest

from tests.actions.helpers import FakeApp, install_fake_app


@pytest.fixture
def app(monkeypatch: pytest.MonkeyPatch) -> FakeApp:
    return install_fake_app(monkeypatch)
