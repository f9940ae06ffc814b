"""One paginator for every List operation: ``maxResults`` and tamper-evident ``nextToken``s.

A token records the offset and a digest of the request's other parameters, so a token reused
with different filters is rejected, as the service rejects it.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

from ..errors import InvalidNextTokenException

T = TypeVar("T")

DEFAULT_MAX_RESULTS = 100


def _digest(params: Mapping[str, Any]) -> str:
    canonical = json.dumps(params, sort_keys=True, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]


def paginate(
    items: Sequence[T],
    max_results: int | None,
    next_token: str | None,
    params: Mapping[str, Any] | None = None,
) -> tuple[list[T], str | None]:
    """The page of ``items`` a request asks for, and the token of the next page (or None)."""
    digest = _digest(params or {})
    start = 0
    if next_token:
        try:
            token = json.loads(base64.urlsafe_b64decode(next_token.encode("ascii")))
            start = int(token["offset"])
            valid = token["request"] == digest and 0 <= start <= len(items)
        except (ValueError, KeyError, TypeError, UnicodeEncodeError, RecursionError):
            valid = False
        if not valid:
            raise InvalidNextTokenException("Invalid next token.")
    size = max_results or DEFAULT_MAX_RESULTS
    page = list(items[start : start + size])
    end = start + len(page)
    if end >= len(items):
        return page, None
    token = json.dumps({"offset": end, "request": digest}).encode()
    return page, base64.urlsafe_b64encode(token).decode("ascii")
