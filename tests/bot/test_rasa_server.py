"""bot/rasa_server.py accepts and refuses action results exactly as Rasa's own check does, in .venv-rasa."""

from __future__ import annotations

import json
import subprocess

import pytest

from guichet.settings import PROJECT_ROOT, Settings
from handoff_api.rasa_model import rasa_environment, rasa_server_command
from testing.needs import unavailable

pytestmark = pytest.mark.rasa

COMPARE = """
import json, sys
sys.path.insert(0, "bot")
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
from rasa_server import compiled_action_result_check
compiled = compiled_action_result_check()
original = RemoteAction._validate_action_result
outcomes = []
for result in json.loads(sys.argv[1]):
    pair = []
    for check in (original, compiled):
        try:
            pair.append(["ok", check(RemoteAction, result)])
        except ValidationError as error:
            pair.append(["refused", error.message])
    outcomes.append(pair)
print(json.dumps(outcomes))
"""

RESULTS = [
    {"events": [{"event": "slot", "name": "faq_id", "value": "piscines-horaires", "timestamp": None}],
     "responses": [{"text": "Les piscines ouvrent à 7h.", "custom": {"kind": "answer"}}]},
    {"events": [], "responses": []},
    {"events": [{"event": "slot", "name": "faq_id"}], "responses": []},
    {"events": "not a list", "responses": []},
    {"events": [{"event": "no_such_event"}], "responses": []},
    {"events": [], "responses": ["a string, not an object"]},
]


def test_compiled_check_agrees_with_rasa() -> None:
    try:
        python = rasa_server_command(Settings(_env_file=None))[0]
    except RuntimeError as error:
        unavailable(str(error))
    done = subprocess.run([python, "-c", COMPARE, json.dumps(RESULTS)], cwd=PROJECT_ROOT, env=rasa_environment(),
                          capture_output=True, text=True, check=False, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    outcomes = json.loads(done.stdout.strip().splitlines()[-1])
    assert [original for original, _ in outcomes] == [compiled for _, compiled in outcomes]
    assert [original[0] for original, _ in outcomes] == ["ok", "ok", "refused", "refused", "refused", "refused"]
