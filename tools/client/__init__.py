"""A Python client for the fleet's endpoints: URLs and timeouts from the registry, Modal's 303s
followed, 408s told apart from the client's own timeout, one retry for idempotent endpoints."""

from __future__ import annotations

from tools.client.client import FleetClient
from tools.core.calls import (
    BadResponse,
    ClientTimeout,
    EndpointError,
    EndpointHTTPError,
    NotJsonEndpoint,
    ServerTimeout,
    TooManyRedirects,
    UnknownEndpoint,
    Unreachable,
)

__all__ = [
    "BadResponse",
    "ClientTimeout",
    "EndpointError",
    "EndpointHTTPError",
    "FleetClient",
    "NotJsonEndpoint",
    "ServerTimeout",
    "TooManyRedirects",
    "UnknownEndpoint",
    "Unreachable",
]
