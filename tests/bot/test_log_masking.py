"""Rasa's and the action server's logs are masked of personal data, with the logging each configures itself."""

from __future__ import annotations

import subprocess
import sys

import pytest

from guichet.settings import PROJECT_ROOT, Settings
from handoff_api.rasa_model import rasa_environment
from testing.needs import unavailable

SECRET = "écrivez à martine.dupont@exemple.fr ou au 06 12 34 56 78"

ACTION_SERVER = f"""
import logging
import actions.server
from rasa_sdk import utils
utils.configure_colored_logging("DEBUG")
logging.getLogger("rasa_sdk.executor").info({SECRET!r})
try:
    raise ValueError({SECRET!r})
except ValueError:
    logging.getLogger("actions.report").exception("failed")
"""

RASA_SERVER = f"""
import logging, sys
sys.path.insert(0, "bot")
import rasa_server
rasa_server.prepare()
import rasa.utils.io, structlog
from rasa.utils.common import configure_logging_and_warnings
from rasa.utils.log_utils import configure_structlog
configure_logging_and_warnings(logging.DEBUG)
rasa.utils.io.configure_colored_logging(logging.DEBUG)
configure_structlog(logging.DEBUG)
logging.getLogger("rasa.core.processor").debug("Received user message %r", {SECRET!r})
structlog.get_logger().debug("processor.message.received", text={SECRET!r})
"""


def assert_masked(output: str) -> None:
    assert "martine.dupont" not in output and "06 12 34 56 78" not in output, output
    assert "[email]" in output and "[téléphone]" in output, output


def test_action_server_logs_are_masked() -> None:
    result = subprocess.run([sys.executable, "-c", ACTION_SERVER], cwd=PROJECT_ROOT, capture_output=True,
                            text=True, timeout=120, check=True)
    assert_masked(result.stdout + result.stderr)
    assert "ValueError" in result.stderr  # the traceback is kept, masked


@pytest.mark.rasa
def test_rasa_server_logs_are_masked() -> None:
    python = Settings(_env_file=None).rasa_venv / "bin" / "python"
    if not python.exists():
        unavailable("the Rasa environment is not installed (make install)")
    result = subprocess.run([str(python), "-c", RASA_SERVER], cwd=PROJECT_ROOT, env=rasa_environment(),
                            capture_output=True, text=True, timeout=300, check=True)
    assert_masked(result.stdout + result.stderr)
    assert "Received user message" in result.stdout + result.stderr
    assert "processor.message.received" in result.stdout + result.stderr
