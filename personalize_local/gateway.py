"""The front door: Personalize requests to personalize-local, everything else to moto.

Routing reads headers only (the SigV4 credential scope, or ``X-Amz-Target``), so the body is
never consumed before moto reads it, and an S3 bucket named ``events`` still reaches moto.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, nullcontext
from typing import Any
from urllib.parse import parse_qs

from . import moto_answers, persistence
from .app import PersonalizeApp, StartResponse
from .auth import Verifier
from .iam.enforcement import Enforcement
from .protocol.signing import credential_scope
from .store.state import Emulator

SIGNING_NAME = "personalize"
TARGET_PREFIX = "AmazonPersonalize."
#: Read by moto each time it builds an IAM backend (moto/settings.py).
MANAGED_POLICIES = "MOTO_IAM_LOAD_MANAGED_POLICIES"


def moto_app() -> Any:
    """moto's server application, with AWS managed IAM policies attachable."""
    # Read by moto when its IAM backend is first built; must be set before any request.
    os.environ.setdefault(MANAGED_POLICIES, "true")
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

    return DomainDispatcherApplication(create_backend_app)


@contextmanager
def moto_iam_managed_policies(load: bool) -> Iterator[None]:
    """moto builds IAM backends with (or without) AWS managed policies while this is held.

    moto builds every backend under its ``backend_lock`` (moto/core/base_backend.py), so holding
    it makes the choice apply to this thread's builds only: no other request builds one with
    the setting meanwhile.
    """
    from moto.core.base_backend import backend_lock

    with backend_lock:
        before = os.environ.get(MANAGED_POLICIES)
        os.environ[MANAGED_POLICIES] = "true" if load else "false"
        try:
            yield
        finally:
            if before is None:
                del os.environ[MANAGED_POLICIES]
            else:
                os.environ[MANAGED_POLICIES] = before


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
        #: None unless signatures are verified; then every request must be signed (auth.py).
        self.verifier = Verifier.from_settings(emulator.settings)
        #: None unless IAM is enforced; then every request is authorized (iam/).
        self.enforcement = Enforcement(emulator) if emulator.settings.enforce_iam else None
        if self.enforcement is not None:
            self.verifier = self.enforcement.verifier
            personalize.authorize = self.enforcement.authorize_personalize
        #: Cleared while a journal is replayed: only the replay's own jobs are served then.
        self.ready = threading.Event()
        self.ready.set()
        #: Orders moto's journaled changes (Personalize orders its own under the emulator lock).
        self._moto_writes = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if self.enforcement is None:
            return self._serve(environ, start_response)
        with self.enforcement.request(environ):
            return self._serve(environ, start_response)

    def _serve(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        refusal = self.verifier.check(environ) if self.verifier else None
        if refusal is not None:
            return refusal(environ, start_response)
        if not self.ready.is_set() and not persistence.is_internal(environ):
            return _starting(start_response)
        if environ.get("PATH_INFO", "").rstrip("/") == "/moto-api/reset":
            return self.call_moto(environ, start_response)  # it also empties the journal
        if is_personalize(environ):
            return self.personalize(environ, start_response)
        return self._moto(environ, start_response)

    def _moto(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        """moto's answer; a change it acknowledges is journaled first, under ``--data-dir``."""
        journal = self.emulator.journal
        if journal is None or persistence.is_internal(environ):
            return self.call_moto(environ, start_response)
        body = persistence.read_body(environ)
        if not persistence.moto_changes_state(environ, body):
            return self.call_moto(environ, start_response)
        answered: list[str] = []

        def capture(status: str, headers: list, exc_info: Any = None) -> Any:
            answered.append(status)
            return start_response(status, headers, exc_info)

        with self._moto_writes:
            # Drained here, before any byte reaches the client: the change is journaled
            # before it is acknowledged.
            answer = list(self.call_moto(environ, capture))
            if answered and int(answered[0].split()[0]) < 400:
                journal.append(persistence.moto_record(environ, body, self.emulator.clock()))
        return answer

    def call_moto(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        self._moto_api_hooks(environ)
        # moto's reset builds every backend in use again, then discards them all
        # (BackendDict.reset): with AWS managed policies that is ~1 s per IAM partition, six of
        # them, thrown away. The next IAM request builds IAM as configured.
        resetting = environ.get("PATH_INFO", "").rstrip("/") == "/moto-api/reset"
        with moto_iam_managed_policies(False) if resetting else nullcontext():
            return moto_answers.as_aws(environ, start_response, self.moto)

    def _moto_api_hooks(self, environ: dict[str, Any]) -> None:
        """Keep Personalize state in step with moto's reset and seed endpoints."""
        path = environ.get("PATH_INFO", "").rstrip("/")
        if environ.get("REQUEST_METHOD") != "POST" or not path.startswith("/moto-api/"):
            return
        if path == "/moto-api/reset":
            self.emulator.reset()
        elif path == "/moto-api/seed":
            values = parse_qs(environ.get("QUERY_STRING", "")).get("a")
            if values and values[0].lstrip("-").isdigit():
                self.emulator.reseed(int(values[0]))


def _starting(start_response: StartResponse) -> list[bytes]:
    """503 while the journal is replayed; SDKs retry it."""
    body = b'{"__type":"ServiceUnavailable","message":"personalize-local is restoring its state."}'
    headers = [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
    start_response("503 Service Unavailable", [*headers, ("Retry-After", "1")])
    return [body]
