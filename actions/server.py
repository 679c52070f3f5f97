"""The action server as the stack runs it: rasa-sdk's app, on ``GUICHET_INTERNAL_HOST`` (loopback by
default, where rasa-sdk alone would take 0.0.0.0), without CORS, and refusing every call to ``/webhook``
and ``/actions`` that lacks ``Authorization: Bearer <GUICHET_ACTIONS_SECRET>`` (Rasa sends it, as
the endpoints file written into var/rasa-endpoints.yml says). ``/health`` stays open: it tells nothing,
and a load balancer checks it. Every log record is masked of personal data before it is written
(``guichet.contract.log_filter``).

    python -m actions.server
"""

from __future__ import annotations

import hmac
import logging
from functools import partial

from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse
from sanic.worker.loader import AppLoader

from guichet.contract.log_filter import install_record_redaction

# At import, not in main(): Sanic's worker processes are spawned and import this module again.
install_record_redaction()

OPEN_PATHS = {"/health"}


def secured_app(secret: str) -> Sanic:
    """rasa-sdk's app for the ``actions`` package, behind the shared-secret check."""
    from rasa_sdk.endpoint import create_app_for_serve
    from rasa_sdk.executor import ActionExecutor

    executor = ActionExecutor()
    executor.register_package("actions")
    app = create_app_for_serve(executor, cors_origins=None)
    expected = f"Bearer {secret}".encode()

    @app.on_request
    async def check_secret(request: Request) -> HTTPResponse | None:
        if request.path in OPEN_PATHS:
            return None
        sent = request.headers.get("authorization", "").encode()
        if hmac.compare_digest(sent, expected):
            return None
        return response.json({"error": "Authorization: Bearer <GUICHET_ACTIONS_SECRET> missing or wrong"},
                             status=401)

    return app


def main() -> None:
    from rasa_sdk import utils

    from guichet.settings import Settings

    settings = Settings()
    if settings.actions_secret is None or not settings.actions_secret.get_secret_value():
        raise SystemExit("GUICHET_ACTIONS_SECRET is not set: the action server does not run without it "
                         "(the stack sets it from var/actions-secret)")
    utils.configure_colored_logging(logging.INFO)
    utils.update_sanic_log_level()
    loader = AppLoader(factory=partial(secured_app, settings.actions_secret.get_secret_value()))
    app = loader.load()
    logging.getLogger("guichet.actions").info("action server on http://%s:%d", settings.internal_host,
                                              settings.actions_port)
    app.prepare(host=settings.internal_host, port=settings.actions_port, workers=utils.number_of_sanic_workers())
    Sanic.serve(primary=app, app_loader=loader)


if __name__ == "__main__":
    main()
