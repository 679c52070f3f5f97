"""``rasa run`` as Rasa starts it, with custom actions' results checked by a schema compiled once.

Runs in .venv-rasa (Python 3.10, Rasa 3.6): ``.venv-rasa/bin/python bot/rasa_server.py run ...`` takes
the arguments of the ``rasa`` command. Rasa 3.6 calls ``jsonschema.validate`` on the result of every
custom action, which first checks Rasa's events schema against the JSON Schema meta-schema: on these
machines about 25 ms of CPU per citizen message, half of what the Rasa server spends on it
(docs/benchmarks.md). The replacement validates against the same schema, once checked, and raises
the same error with the same message.

``rasa run`` also gets ``--auth-token`` from ``GUICHET_RASA_TOKEN`` here rather than on the command line
the stack starts, which every local user could read in ``ps``.

Every log record is masked of personal data as it is made (``guichet.contract.log_filter``,
which needs only the standard library and runs on Python 3.10).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any


def compiled_action_result_check() -> Any:
    from jsonschema import ValidationError, validators
    from rasa.core.actions.action import RemoteAction
    from rasa.shared.constants import DOCS_BASE_URL

    schema = RemoteAction.action_response_format_spec()
    validator_class = validators.validator_for(schema)
    validator_class.check_schema(schema)
    validator = validator_class(schema)

    def validate_action_result(_action: Any, result: dict[str, Any]) -> bool:
        try:
            validator.validate(result)
        except ValidationError as error:
            error.message += (". Failed to validate Action server response from API, make sure your response "
                              "from the Action endpoint is valid. For more information about the format visit "
                              f"{DOCS_BASE_URL}/custom-actions")
            raise
        return True

    return validate_action_result


def with_auth_token(argv: list[str], env: Mapping[str, str]) -> list[str]:
    """``argv`` with ``--auth-token`` from ``GUICHET_RASA_TOKEN`` added to a ``run`` command, as one
    ``--auth-token=<token>`` argument: a random token may begin with "-", which argparse would read as an option."""
    token = env.get("GUICHET_RASA_TOKEN", "")
    if len(argv) < 2 or argv[1] != "run" or not token or any(a.split("=")[0] == "--auth-token" for a in argv):
        return argv
    return [*argv, f"--auth-token={token}"]


def prepare() -> None:
    """Rasa's imports found without this directory, every log record masked, action results checked once."""
    here = str(Path(__file__).resolve().parent)
    sys.path[:] = [entry for entry in sys.path if entry and Path(entry).resolve() != Path(here)]
    sys.path.append(str(Path(here).parent))  # after Rasa's own packages: only handoff_api is wanted
    from rasa.core.actions.action import RemoteAction

    from guichet.contract.log_filter import install_record_redaction

    install_record_redaction()
    RemoteAction._validate_action_result = compiled_action_result_check()


def main() -> None:
    prepare()
    sys.argv = with_auth_token(sys.argv, os.environ)
    from rasa.__main__ import main as rasa_main

    rasa_main()


if __name__ == "__main__":
    main()
