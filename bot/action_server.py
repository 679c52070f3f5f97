"""The action server (rasa-sdk) with every log record masked of personal data before it is written.

``python -m bot.action_server --actions actions --port 5055`` takes the arguments of ``python -m rasa_sdk``.
"""

from __future__ import annotations

from handoff_api.privacy.log_filter import install_record_redaction

# At import, not in main(): Sanic's worker processes are spawned and import this module again.
install_record_redaction()


def main() -> None:
    from rasa_sdk.__main__ import main as rasa_sdk_main

    rasa_sdk_main()


if __name__ == "__main__":
    main()
