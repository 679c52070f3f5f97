"""Entry point for uvicorn: ``uvicorn --factory handoff_api.asgi:build``."""

from __future__ import annotations

import logging

from fastapi import FastAPI

from guichet.settings import Settings
from handoff_api.main import create_app


def build() -> FastAPI:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    return create_app(Settings())
