"""Read a request body as the service does: bounded, UTF-8, one JSON object.

The one reader of request bodies: Personalize's JSON (`read_json`), and the bodies read before
another reader (the signature's payload hash, the journal) with `buffer_body`. The size is
checked before the body is read (a declared Content-Length) or while it is read (a chunked
body), so an oversized request costs neither the wait nor the memory. A body that is too large
answers 413, which also makes the HTTP server close the connection instead of draining the rest
of it.
"""

from __future__ import annotations

import io
import json
from collections.abc import Mapping
from typing import Any, BinaryIO

from cheroot.errors import MaxSizeExceeded

from ..errors import InvalidInputException, RequestTooLargeException, SerializationException


def _too_large(limit: int) -> RequestTooLargeException:
    return RequestTooLargeException(f"The request body exceeds the limit of {limit} bytes.")


def read_body(environ: Mapping[str, Any], limit: int) -> bytes:
    """The raw body: at most ``limit`` bytes, or ``RequestTooLargeException``."""
    stream: BinaryIO = environ["wsgi.input"]
    if "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower():  # wins over a length
        data = _read(stream, limit + 1, limit)  # one byte more tells "too large" from "at limit"
        if len(data) > limit:
            raise _too_large(limit)
        return data
    declared = environ.get("CONTENT_LENGTH")
    if declared:
        try:
            length = int(declared)
        except ValueError:
            raise InvalidInputException("Invalid Content-Length header.") from None
        if length < 0:
            raise InvalidInputException("Invalid Content-Length header.")
        if length > limit:
            raise _too_large(limit)
        data = _read(stream, length, limit)
        if len(data) < length:
            raise SerializationException(
                f"The request body ended after {len(data)} of its {length} bytes."
            )
        return data
    return b""


def buffer_body(environ: dict[str, Any], limit: int) -> bytes:
    """`read_body`, then the body put back as a fresh stream for whoever reads it next (moto).

    A chunked upload is now a plain body of known length.
    """
    body = read_body(environ, limit)
    environ["wsgi.input"] = io.BytesIO(body)
    environ["CONTENT_LENGTH"] = str(len(body))
    environ.pop("HTTP_TRANSFER_ENCODING", None)
    return body


def _read(stream: BinaryIO, size: int, limit: int) -> bytes:
    if size == 0:
        return b""
    try:
        return stream.read(size)
    except MaxSizeExceeded:
        raise _too_large(limit) from None
    except (ValueError, OSError) as error:  # bad chunk framing, a client that stalled
        raise SerializationException(f"The request body could not be read: {error}") from None


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def parse_object(raw: bytes) -> dict[str, Any]:
    """The body as a JSON object (empty when the body is blank), or SerializationException."""
    if not raw.strip():
        return {}
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise SerializationException(
            f"The request body is not UTF-8 (invalid byte at offset {error.start})."
        ) from None
    try:
        # NaN and Infinity are not JSON, and the service's parser refuses them.
        params = json.loads(text, parse_constant=_no_constants)
    except RecursionError:
        raise SerializationException("The request body is nested too deeply.") from None
    except ValueError:
        raise SerializationException("The request body is not valid JSON.") from None
    if not isinstance(params, dict):
        raise SerializationException("The request body must be a JSON object.")
    # A \ud800 escape decodes to a lone surrogate, which no UTF-8 answer or file can carry.
    if "\\u" in text and _has_lone_surrogate(params):
        raise SerializationException(
            "The request body contains an unpaired UTF-16 surrogate escape (\\ud800-\\udfff)."
        )
    return params


def _has_lone_surrogate(params: dict[str, Any]) -> bool:
    try:
        json.dumps(params, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def read_json(environ: Mapping[str, Any], limit: int) -> dict[str, Any]:
    return parse_object(read_body(environ, limit))
