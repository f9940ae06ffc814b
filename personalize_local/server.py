"""Serve the gateway over HTTP with cheroot, a production threaded WSGI server."""

from __future__ import annotations

import threading
from typing import Any

from cheroot import wsgi

from . import handlers
from .app import PersonalizeApp
from .config import Settings
from .gateway import Gateway, moto_app
from .store.state import Emulator


def make_app(settings: Settings | None = None) -> tuple[Gateway, Emulator]:
    """The whole endpoint as one WSGI application, and the emulator behind it."""
    emulator = Emulator(settings)
    personalize = PersonalizeApp(emulator, handlers.table())
    return Gateway(emulator, personalize, moto_app()), emulator


class LocalServer:
    """personalize-local on ``host:port`` (a free port when 0), in a background thread."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        settings: Settings | None = None,
        threads: int = 16,
    ) -> None:
        self.app, self.emulator = make_app(settings)
        self._server = wsgi.Server(
            (host, port), self.app, numthreads=threads, server_name="personalize-local"
        )
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self._server.bind_addr[:2]
        if ":" in host:
            host = f"[{host}]"
        return f"http://{host}:{port}"

    def _bind(self) -> None:
        self._server.prepare()
        # Jobs reach S3 and IAM through the endpoint itself, as Personalize reaches AWS.
        self.emulator.endpoint_url = self.url

    def start(self) -> str:
        """Bind, serve in a daemon thread, and return the endpoint URL."""
        self._bind()
        self._thread = threading.Thread(
            target=self._server.serve, name="personalize-local", daemon=True
        )
        self._thread.start()
        return self.url

    def serve_forever(self) -> None:
        """Bind and serve in this thread until :meth:`stop` (or an interrupt)."""
        self._bind()
        self._server.serve()

    def stop(self) -> None:
        self.emulator.jobs.shutdown()
        self._server.stop()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None

    def __enter__(self) -> LocalServer:
        self.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()
