"""The front door: Personalize requests to personalize-local, everything else to moto.

Routing reads headers only (the SigV4 credential scope, or ``X-Amz-Target``), so the body is
never consumed before moto reads it, and an S3 bucket named ``events`` still reaches moto.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import Any
from urllib.parse import parse_qs

from .app import PersonalizeApp, StartResponse
from .protocol.signing import credential_scope
from .store.state import Emulator

SIGNING_NAME = "personalize"
TARGET_PREFIX = "AmazonPersonalize."


def moto_app() -> Any:
    """moto's server application, with AWS managed IAM policies attachable."""
    # Read by moto when its IAM backend is first built; must be set before any request.
    os.environ.setdefault("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

    return DomainDispatcherApplication(create_backend_app)


def is_personalize(environ: dict[str, Any]) -> bool:
    scope = credential_scope(environ)
    if scope is not None:
        return scope.service == SIGNING_NAME
    return environ.get("HTTP_X_AMZ_TARGET", "").startswith(TARGET_PREFIX)


class Gateway:
    """One WSGI application for the whole workshop."""

    def __init__(self, emulator: Emulator, personalize: PersonalizeApp, moto: Any) -> None:
        self.emulator = emulator
        self.personalize = personalize
        self.moto = moto

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path.startswith("/moto-api/"):
            self._moto_api_hooks(path, environ)
            return self.moto(environ, start_response)
        if is_personalize(environ):
            return self.personalize(environ, start_response)
        return self.moto(environ, start_response)

    def _moto_api_hooks(self, path: str, environ: dict[str, Any]) -> None:
        """Keep Personalize state in step with moto's reset and seed endpoints."""
        if environ.get("REQUEST_METHOD") != "POST":
            return
        if path.rstrip("/") == "/moto-api/reset":
            self.emulator.reset()
        elif path.rstrip("/") == "/moto-api/seed":
            values = parse_qs(environ.get("QUERY_STRING", "")).get("a")
            if values and values[0].lstrip("-").isdigit():
                self.emulator.reseed(int(values[0]))
