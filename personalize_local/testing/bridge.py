"""A botocore request answered by a WSGI application in the same process, with no socket."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from io import BytesIO
from typing import Any
from urllib.parse import urlsplit

from botocore.awsrequest import AWSPreparedRequest, AWSResponse
from werkzeug.datastructures import Headers
from werkzeug.test import EnvironBuilder, run_wsgi_app

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class RawBody(BytesIO):
    """What botocore reads a response from: a file with urllib3's ``stream`` (as moto does)."""

    def stream(self, **kwargs: Any) -> Iterable[bytes]:
        while chunk := self.read(64 * 1024):
            yield chunk


def _body(request: AWSPreparedRequest) -> bytes:
    body = request.body
    if body is None:
        return b""
    if hasattr(body, "read"):
        data = body.read()
        if hasattr(body, "seek"):
            body.seek(0)  # a retry reads it again
        body = data
    return body.encode("utf-8") if isinstance(body, str) else bytes(body)


def call(app: WsgiApp, request: AWSPreparedRequest) -> AWSResponse:
    """Send ``request`` to ``app`` as an HTTP server would, and return its whole answer."""
    url = urlsplit(request.url)
    headers = {
        name: value.decode("latin-1") if isinstance(value, bytes) else value
        for name, value in request.headers.items()
    }
    environ = EnvironBuilder(
        method=request.method,
        base_url=f"{url.scheme}://{url.netloc}",
        path=url.path or "/",
        query_string=url.query,
        headers=Headers(headers),
        data=_body(request),
    ).get_environ()
    chunks, status, answer_headers = run_wsgi_app(app, environ, buffered=True)
    try:
        payload = b"".join(chunks)
    finally:
        close = getattr(chunks, "close", None)
        if close is not None:
            close()
    headers = dict(answer_headers.items())
    # botocore wraps any mapping in its HeadersDict; its stubs ask for HTTPHeaders.
    status_code = int(status.split()[0])
    return AWSResponse(request.url, status_code, headers, RawBody(payload))  # type: ignore[arg-type]
