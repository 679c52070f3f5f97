"""What a test needs from the machine (Rasa, the embedding model, PostgreSQL, Chromium): skip without it
locally, but FAIL when the ``CI`` variable is set, so that a green CI means every such test ran."""

from __future__ import annotations

import importlib
import os
from types import ModuleType
from typing import NoReturn

import pytest

NOT_CI = {"", "0", "false", "no"}


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in NOT_CI


def unavailable(reason: str) -> NoReturn:
    """Skips the test with ``reason``; under CI fails it with the same reason."""
    if in_ci():
        pytest.fail(f"{reason} (CI is set: a test that needs this must run, not skip)", pytrace=False)
    pytest.skip(reason)


def needed_module(name: str) -> ModuleType:
    """``pytest.importorskip`` that fails under CI."""
    try:
        return importlib.import_module(name)
    except ImportError as error:
        unavailable(f"cannot import {name}: {error}")
