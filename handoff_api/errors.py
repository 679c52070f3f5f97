"""Every error answers JSON with a ``detail`` that names what was wrong, never a bare 500."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from guichet.contract.limits import TooLong
from guichet.crud.conversations import NotFound
from guichet.crud.handoffs import Conflict
from services.handoffs import Refused

log = logging.getLogger("guichet.errors")


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def invalid_request(_request: Request, error: RequestValidationError) -> JSONResponse:
        problems = []
        for item in error.errors():
            location = ".".join(str(part) for part in item.get("loc", ()) if part != "body")
            if item.get("type") == "json_invalid":
                problems.append(f"invalid JSON: {item.get('ctx', {}).get('error', item.get('msg'))}")
            else:
                problems.append(f"{location or 'body'}: {item.get('msg')}")
        return JSONResponse({"detail": "; ".join(problems), "errors": jsonable(error.errors())}, status_code=422)

    @app.exception_handler(NotFound)
    async def not_found(_request: Request, error: NotFound) -> JSONResponse:
        return JSONResponse({"detail": str(error)}, status_code=404)

    @app.exception_handler(TooLong)
    async def too_long(_request: Request, error: TooLong) -> JSONResponse:
        return JSONResponse({"detail": str(error), "length": error.length, "limit": error.limit}, status_code=422)

    @app.exception_handler(Refused)
    async def refused(_request: Request, error: Refused) -> JSONResponse:
        return JSONResponse({"detail": str(error)}, status_code=422)

    @app.exception_handler(Conflict)
    async def conflict(_request: Request, error: Conflict) -> JSONResponse:
        return JSONResponse({"detail": str(error)}, status_code=409)


def jsonable(errors: object) -> object:
    from fastapi.encoders import jsonable_encoder

    try:
        return jsonable_encoder(errors)
    except (TypeError, ValueError):
        return str(errors)
