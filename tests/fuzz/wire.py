"""Sign a fuzz case with botocore's SigV4 and send its exact bytes over a fresh socket."""

from __future__ import annotations

import http.client
import os
import socket
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from .generate import Case

CREDENTIALS = Credentials("testing", "testing")
#: Longest a single answer may take; longer counts as a hang.
TIMEOUT = float(os.environ.get("FUZZ_TIMEOUT", "10"))


@dataclass
class Answer:
    status: int
    content_type: str
    body: bytes
    seconds: float


def signed_headers(case: Case, host: str) -> list[tuple[str, str]]:
    """SigV4 headers for the case's method, path, target and body, as botocore sends them."""
    model = case.operation.service_model
    content_type = "application/x-amz-json-1.1" if model.protocol == "json" else "application/json"
    headers = {"Content-Type": content_type}
    if case.target is not None:
        headers["X-Amz-Target"] = case.target
    request = AWSRequest(
        method=case.method, url=f"http://{host}{case.path}", data=case.body, headers=headers
    )
    SigV4Auth(CREDENTIALS, "personalize", case.region).add_auth(request)
    return [(name, str(value)) for name, value in request.headers.items()]


def frame(case: Case, host: str) -> tuple[bytes, bool]:
    """The request's bytes, and whether to half-close the socket after sending them."""
    headers = signed_headers(case, host)
    overrides = dict(case.headers)
    headers = [(k, v) for k, v in headers if k not in overrides] + list(case.headers)
    body = case.body
    half_close = False
    framing = case.framing
    if framing == "length":
        headers.append(("Content-Length", str(len(body))))
    elif framing == "short":
        headers.append(("Content-Length", str(len(body) // 2)))
    elif framing == "long":
        headers.append(("Content-Length", str(len(body) + 100)))
        half_close = True
    elif framing in ("claim-huge", "claim-giant"):
        # Over Personalize's limit only (1 GiB), or over the HTTP server's too (10 GiB).
        claimed = 1024**3 if framing == "claim-huge" else 10 * 1024**3
        headers.append(("Content-Length", str(claimed)))
        body = body[:1]
    elif framing == "negative":
        headers.append(("Content-Length", "-1"))
    elif framing == "garbage-length":
        headers.append(("Content-Length", "12abc"))
    elif framing in ("chunked", "bad-chunk"):
        headers.append(("Transfer-Encoding", "chunked"))
        body = _chunked(body) if framing == "chunked" else b"zz\r\n{}\r\n0\r\n\r\n"
    else:
        raise AssertionError(framing)
    # A fresh connection per case: a broken message cannot confuse the next one.
    headers.append(("Connection", "close"))
    head = f"{case.method} {case.path} HTTP/1.1\r\nHost: {host}\r\n"
    head += "".join(f"{k}: {v}\r\n" for k, v in headers)
    return head.encode("latin-1") + b"\r\n" + body, half_close


def _chunked(body: bytes, size: int = 65536) -> bytes:
    parts = [body[i : i + size] for i in range(0, len(body), size)]
    out = b"".join(b"%x\r\n%s\r\n" % (len(part), part) for part in parts)
    return out + b"0\r\n\r\n"


def _send_all(sock: socket.socket, data: bytes, half_close: bool) -> None:
    try:
        sock.sendall(data)
        if half_close:
            sock.shutdown(socket.SHUT_WR)
    except OSError:
        pass  # the server answered early and closed; the reader sees what it said


def send(case: Case, url: str) -> Answer:
    """Send ``case`` and read the whole answer; raises ``TimeoutError`` past ``TIMEOUT``."""
    host = urlsplit(url).netloc
    data, half_close = frame(case, host)
    hostname, port = host.rsplit(":", 1)
    start = time.monotonic()
    with socket.create_connection((hostname, int(port)), timeout=TIMEOUT) as sock:
        # Send from a thread: the server may answer (413) and close before reading it all.
        sender = threading.Thread(target=_send_all, args=(sock, data, half_close), daemon=True)
        sender.start()
        response = http.client.HTTPResponse(sock, method=case.method)
        response.begin()
        body = response.read()
        sender.join(TIMEOUT)
        return Answer(
            response.status,
            response.getheader("Content-Type", ""),
            body,
            time.monotonic() - start,
        )
