"""Who the client is, as every per-address limit sees it.

The connecting address; or, only when that address is one of ``GUICHET_TRUSTED_PROXIES``, the nearest
address of ``X-Forwarded-For`` that is not a trusted proxy (read from the right: the client can write
anything on the left). IPv6 clients are grouped by /64, the network one subscriber gets whole and can
rotate addresses in.
"""

from __future__ import annotations

from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address, ip_network

from fastapi import Request
from starlette.types import ASGIApp, Receive, Scope, Send


def _address(text: str) -> IPv4Address | IPv6Address | None:
    try:
        return ip_address(text.strip())
    except ValueError:
        return None


class TrustedProxies:
    """ASGI middleware: replaces the client of requests relayed by a trusted proxy by the address it saw."""

    def __init__(self, app: ASGIApp, *, networks: list[IPv4Network | IPv6Network]) -> None:
        self.app = app
        self.networks = networks

    def trusted(self, host: str) -> bool:
        address = _address(host)
        return address is not None and any(address in network for network in self.networks)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        client = scope.get("client")
        if scope["type"] in ("http", "websocket") and self.networks and client and self.trusted(client[0]):
            forwarded = b",".join(value for name, value in scope["headers"] if name == b"x-forwarded-for")
            hops = [hop.strip() for hop in forwarded.decode("latin-1").split(",") if hop.strip()]
            for hop in reversed(hops):
                if not self.trusted(hop):
                    scope = {**scope, "client": (hop, 0)}
                    break
        await self.app(scope, receive, send)


def address_group(host: str) -> str:
    """The key of one client: an IPv4 address as is, an IPv6 address's /64 network."""
    address = _address(host)
    if address is None:
        return host
    if isinstance(address, IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ip_network(f"{address}/64", strict=False))
    return str(address)


def client_key(request: Request) -> str:
    return address_group(request.client.host if request.client else "unknown")
