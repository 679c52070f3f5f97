"""Headers on every response: no other site may frame a Guichet page (clickjacking), no MIME sniffing."""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

FRAME_ANCESTORS = "frame-ancestors 'none'"


class SecurityHeadersMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                policy = headers.get("content-security-policy")
                if policy is None:
                    headers["content-security-policy"] = FRAME_ANCESTORS
                elif "frame-ancestors" not in policy:
                    headers["content-security-policy"] = f"{policy}; {FRAME_ANCESTORS}"
                headers.setdefault("x-frame-options", "DENY")
                headers.setdefault("x-content-type-options", "nosniff")
            await send(message)

        await self.app(scope, receive, send_with_headers)
