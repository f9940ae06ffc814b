"""moto's answers, corrected where they differ on the wire from what the AWS service sends.

* S3 names itself ``Server: AmazonS3`` on every response
  (https://docs.aws.amazon.com/AmazonS3/latest/API/RESTCommonResponseHeaders.html); moto says
  ``amazon.com`` or nothing.
* S3 PutBucketPolicy answers ``204 No Content`` with no body
  (https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketPolicy.html); moto answers 200
  with a short body.

The other services keep moto's answers as they are. The HTTP server adds no ``Server`` header of
its own (server.py), so no answer carries ``personalize-local``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qs

from .protocol.signing import credential_scope

StartResponse = Callable[..., Any]


def _is_s3(environ: dict[str, Any]) -> bool:
    scope = credential_scope(environ)
    return scope is not None and scope.service == "s3"


def _is_put_bucket_policy(environ: dict[str, Any]) -> bool:
    path = environ.get("PATH_INFO", "").strip("/")
    query = parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
    # Path-style bucket URL (/bucket?policy): the only form an endpoint URL gives boto3.
    return environ.get("REQUEST_METHOD") == "PUT" and "policy" in query and "/" not in path


def as_aws(
    environ: dict[str, Any], start_response: StartResponse, call: Callable[..., Iterable[bytes]]
) -> Iterable[bytes]:
    """``call(environ, start_response)`` (moto), with S3's answers as S3 sends them."""
    if not _is_s3(environ):
        return call(environ, start_response)
    no_content = _is_put_bucket_policy(environ)
    emptied: list[bool] = []

    def s3_start(status: str, headers: list, exc_info: Any = None) -> Any:
        kept = [(k, v) for k, v in headers if k.lower() != "server"]
        if no_content and status.startswith("200"):
            status = "204 No Content"
            kept = [(k, v) for k, v in kept if k.lower() not in ("content-length", "content-type")]
            emptied.append(True)
        return start_response(status, [*kept, ("Server", "AmazonS3")], exc_info)

    answer = call(environ, s3_start)
    if not no_content:
        return answer
    body = list(answer)  # drained so start_response has run and the status is known
    close = getattr(answer, "close", None)
    if close is not None:
        close()
    return [] if emptied else body
