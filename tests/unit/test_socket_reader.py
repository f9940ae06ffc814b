"""The server's socket reader reads lines as cheroot's own does, only faster."""

from __future__ import annotations

import socket

import pytest
from cheroot import makefile

from personalize_local.server import _Reader

REQUEST = (
    b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Amz-Target: AmazonPersonalizeRuntime.Get\r\n"
    b"Content-Length: 2\r\n\r\n{}" + b"x" * 300 + b"\nlast line without an end"
)


def _lines(reader_class: type, chunks: list[bytes], size: int | None) -> list[tuple[bytes, int]]:
    """Every readline(size) of the stream until it ends, with the running bytes_read."""
    ours, theirs = socket.socketpair()
    try:
        for chunk in chunks:
            theirs.sendall(chunk)
        theirs.shutdown(socket.SHUT_WR)
        reader = reader_class(ours, "rb", 64)
        out = []
        while True:
            line = reader.readline() if size is None else reader.readline(size)
            out.append((line, reader.bytes_read))
            if not line:
                return out
    finally:
        ours.close()
        theirs.close()


@pytest.mark.parametrize("size", [None, -1, 1, 7, 64, 256])
@pytest.mark.parametrize("pieces", [1, 3, 40])
def test_lines_and_counts_equal_cheroots(size: int | None, pieces: int) -> None:
    step = -(-len(REQUEST) // pieces)
    chunks = [REQUEST[i : i + step] for i in range(0, len(REQUEST), step)]

    assert _lines(_Reader, chunks, size) == _lines(makefile.StreamReader, chunks, size)


def test_a_zero_size_reads_nothing() -> None:
    ours, theirs = socket.socketpair()
    try:
        ours.settimeout(0.2)  # a socket read here would wait for data that never comes
        assert _Reader(ours, "rb").readline(0) == b""
    finally:
        ours.close()
        theirs.close()
