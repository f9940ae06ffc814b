"""Serve the gateway over HTTP with cheroot, a production threaded WSGI server."""

from __future__ import annotations

import threading
from typing import Any

from cheroot import server, wsgi

from . import handlers
from .app import PersonalizeApp
from .auth import is_loopback
from .config import Settings
from .gateway import Gateway, moto_app
from .persistence import open_data_dir
from .store.state import Emulator


def make_app(settings: Settings | None = None) -> tuple[Gateway, Emulator]:
    """The whole endpoint as one WSGI application, and the emulator behind it."""
    emulator = Emulator(settings)
    personalize = PersonalizeApp(emulator, handlers.table())
    return Gateway(emulator, personalize, moto_app()), emulator


class _Headers(list):
    """Response headers that refuse cheroot's own ``Server`` header (see _Request)."""

    def append(self, header: tuple[bytes, bytes]) -> None:
        if header[0].lower() != b"server":
            super().append(header)


class _Request(server.HTTPRequest):
    """cheroot's request, minus the ``Server: <server_name>`` it adds when the app sent none.

    AWS services name no server of ours: Personalize answers carry no ``Server`` header, S3's
    say ``AmazonS3`` (moto_answers.py). The app's headers are already in ``outheaders`` when
    ``send_headers`` runs, so only cheroot's default is refused.
    """

    def send_headers(self) -> None:
        self.outheaders = _Headers(self.outheaders)
        super().send_headers()


class _Connection(server.HTTPConnection):
    RequestHandlerClass = _Request


class LocalServer:
    """personalize-local on ``host:port`` (a free port when 0), in a background thread."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        settings: Settings | None = None,
        threads: int = 16,
    ) -> None:
        if not is_loopback(host):
            # Never serve the network unsigned: off loopback every request is verified, and
            # the gateway refuses to start without credentials.
            settings = settings or Settings()
            settings.verify_signatures = True
        self.app, self.emulator = make_app(settings)
        self._server = wsgi.Server(
            (host, port), self.app, numthreads=threads, server_name="personalize-local"
        )
        self._server.ConnectionClass = _Connection
        # Bounds for every service behind the gateway (Personalize checks its own, smaller
        # limit first): request line and headers far above any SDK's (an oversized one gets
        # 413 or 414), and S3's 5 GiB single-PUT limit for bodies, chunked ones included.
        self._server.max_request_header_size = 64 * 1024
        self._server.max_request_body_size = 5 * 1024**3
        self._thread: threading.Thread | None = None
        #: What the journal replayed at start: records by kind, and jobs resumed.
        self.restored: dict[str, int] = {}

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
        """Bind, serve in a daemon thread, restore ``--data-dir``, and return the endpoint URL."""
        self._bind()
        data_dir = self.emulator.settings.data_dir
        if data_dir:
            self.app.ready.clear()  # clients wait (503) while the journal is replayed
        self._thread = threading.Thread(
            target=self._server.serve, name="personalize-local", daemon=True
        )
        self._thread.start()
        if data_dir:
            # Replayed jobs read S3 through the endpoint, so it must already be served.
            self.restored = open_data_dir(self.app, data_dir, fsync=self.emulator.settings.fsync)
            self.app.ready.set()
        return self.url

    def stop(self) -> None:
        self.emulator.jobs.shutdown()
        self._server.stop()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None
        journal, self.emulator.journal = self.emulator.journal, None
        if journal is not None:
            journal.close()

    def __enter__(self) -> LocalServer:
        self.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()
