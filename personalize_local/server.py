"""Serve the gateway over HTTP with cheroot, a production threaded WSGI server."""

from __future__ import annotations

import io
import threading
from typing import Any

from cheroot import makefile, server, wsgi

from . import handlers
from .app import PersonalizeApp
from .checkpoint import Checkpointer
from .config import Settings
from .gateway import Gateway, moto_app
from .loopback import is_loopback
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


class _Reader(makefile.StreamReader):
    """cheroot's socket reader, with a line already in its buffer read in one slice.

    cheroot reads through the pure-Python io module (``_pyio``), whose ``readline`` copies the
    rest of the buffer to look for each line (``peek``) and then reads the line back: a tenth
    of the CPU a small request held the GIL for. A line not yet buffered whole, or longer
    than ``size``, goes the usual way.
    """

    # ``_pyio.BufferedReader``'s buffer, which cheroot's own ``has_data`` reads too.
    _read_lock: threading.Lock
    _read_buf: bytes
    _read_pos: int

    def readline(self, size: int | None = -1) -> bytes:
        if size == 0:
            return b""
        line = self._buffered_line(size)
        if line is None and not self.has_data():
            self.peek(1)  # one read from the socket, as `_pyio`'s readline starts with
            line = self._buffered_line(size)
        return super().readline(size) if line is None else line

    def _buffered_line(self, size: int | None) -> bytes | None:
        """The next line if the buffer holds all of it (within ``size``), else None."""
        with self._read_lock:
            buffered, start = self._read_buf, self._read_pos
            end = buffered.find(b"\n", start) + 1
            if not end or (size is not None and 0 <= size < end - start):
                return None
            self._read_pos = end
        self.bytes_read += end - start
        return bytes(buffered[start:end])


def _make_file(sock: Any, mode: str = "r", bufsize: int = io.DEFAULT_BUFFER_SIZE) -> Any:
    """cheroot's `makefile.MakeFile`, with `_Reader` for reading."""
    if "r" in mode:
        return _Reader(sock, mode, bufsize)
    return makefile.StreamWriter(sock, mode, bufsize)


class _Connection(server.HTTPConnection):
    RequestHandlerClass = _Request

    def __init__(self, http_server: Any, sock: Any, make_file: Any = makefile.MakeFile) -> None:
        # TLS adapters bring their own file objects; plain sockets get `_Reader`.
        super().__init__(
            http_server, sock, _make_file if make_file is makefile.MakeFile else make_file
        )


class LocalServer:
    """personalize-local on ``host:port`` (a free port when 0), in a background thread."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        settings: Settings | None = None,
    ) -> None:
        settings = settings or Settings()
        if not is_loopback(host):
            # Never serve the network unsigned: off loopback every request is verified, and
            # the gateway refuses to start without credentials.
            settings.verify_signatures = True
        self.app, self.emulator = make_app(settings)
        self._server = wsgi.Server(
            (host, port),
            self.app,
            numthreads=settings.server_threads,
            server_name="personalize-local",
        )
        self._server.ConnectionClass = _Connection
        # Bounds for every service behind the gateway (Personalize checks its own, smaller
        # limit first): request line and headers far above any SDK's (an oversized one gets
        # 413 or 414), and ``max_upload_bytes`` for bodies, chunked ones included.
        self._server.max_request_header_size = 64 * 1024
        self._server.max_request_body_size = settings.max_upload_bytes
        self._thread: threading.Thread | None = None
        #: What the journal replayed at start: records by kind, and jobs resumed.
        self.restored: dict[str, int] = {}
        #: Takes checkpoints of the state under ``--data-dir`` (None: no data dir).
        self.checkpointer: Checkpointer | None = None

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
            self.restored, self.checkpointer = open_data_dir(
                self.app, data_dir, fsync=self.emulator.settings.fsync
            )
            self.app.ready.set()
        return self.url

    def stop(self) -> None:
        self.emulator.jobs.shutdown()
        self._server.stop()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None
        if self.checkpointer is not None:
            # Requests have stopped: restarting from here then replays nothing.
            self.checkpointer.close()
            self.checkpointer = None
        journal, self.emulator.journal = self.emulator.journal, None
        if journal is not None:
            journal.close()

    def __enter__(self) -> LocalServer:
        self.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()
