"""Routes whose synchronous endpoint commits the request's database session in the thread that wrote, before
FastAPI validates the response.

FastAPI runs a synchronous endpoint in a worker thread, then validates its response in another worker thread, and
ends the session dependency only after that. On SQLite a request that wrote holds the file's write lock
(``guichet.sqlite_writes``) until its session commits. Under a flood (a hundred citizens' messages, the channel
pollers) every worker thread can be a writer waiting for that lock: the validation then waits for a thread, the
writers wait for the lock, and all of them stand still until the writers' wait runs out (30 s), which is what
the crash-and-restart test met on a loaded machine. Committing when the endpoint returns, in its own thread, lets
the lock go before any other thread is needed. An endpoint that raises is not committed: the dependency rolls back.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any

from fastapi.routing import APIRoute
from sqlalchemy.orm import Session


def committed_on_return(endpoint: Callable[..., Any]) -> Callable[..., Any]:
    """``endpoint``, committing the sessions it was given once it returns (same signature for FastAPI)."""

    @functools.wraps(endpoint)
    def call(*args: Any, **kwargs: Any) -> Any:
        result = endpoint(*args, **kwargs)
        for value in kwargs.values():
            if isinstance(value, Session) and value.in_transaction():
                value.commit()
        return result

    return call


class CommittedRoute(APIRoute):
    """The route class of every router: synchronous endpoints commit on return (module docstring)."""

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        if not inspect.iscoroutinefunction(inspect.unwrap(endpoint)):
            endpoint = committed_on_return(endpoint)
        super().__init__(path, endpoint, **kwargs)
