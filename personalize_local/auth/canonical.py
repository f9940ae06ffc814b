"""The signature a request should carry, computed by botocore's own signers.

The canonical request, string to sign and signature are botocore's (``SigV4Auth`` and, for S3,
``S3SigV4Auth``, which signs the path as sent instead of normalising and re-encoding it; S3's
SigV2 ``HmacV1Auth`` for presigned URLs), fed the request exactly as the client signed it: its
``SignedHeaders``, its raw path, its query, its timestamp and its payload hash.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple
from urllib.parse import quote, urlsplit

from botocore.auth import HmacV1Auth, S3SigV4Auth, SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.compat import HTTPHeaders
from botocore.credentials import Credentials

from .signed import Signed


class Expected(NamedTuple):
    """What the server computes; the S3 error details name the first two."""

    canonical_request: str
    string_to_sign: str
    signature: str


def _wsgi_text(value: str) -> str:
    """Undo PEP 3333's latin-1 decoding of header bytes, so UTF-8 values canonicalise as sent."""
    try:
        return value.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return value


def header(environ: Mapping[str, Any], name: str) -> str | None:
    """A request header by its HTTP name, as the client sent it."""
    key = name.upper().replace("-", "_")
    if key not in ("CONTENT_TYPE", "CONTENT_LENGTH"):
        key = f"HTTP_{key}"
    value = environ.get(key)
    return None if value is None else _wsgi_text(value)


def _raw_path(environ: Mapping[str, Any]) -> str:
    """The path as it was on the wire (still percent-encoded), which is what the client signed."""
    uri = environ.get("REQUEST_URI") or environ.get("RAW_URI")
    if uri:
        if uri.startswith(("http://", "https://")):
            return urlsplit(uri).path or "/"
        return uri.split("?", 1)[0] or "/"
    # Called without a server in between (tests): re-encode as botocore encodes paths.
    path = environ.get("PATH_INFO", "") or "/"
    return quote(_wsgi_text(path), safe="/~")


class _Signer(SigV4Auth):
    """botocore's SigV4 over the headers the client listed and the payload hash decided here."""

    def __init__(self, credentials: Credentials, signed: Signed, payload_hash: str) -> None:
        super().__init__(credentials, signed.service, signed.region)
        self._signed_names = signed.signed_headers
        self._payload_hash = payload_hash

    def headers_to_sign(self, request: AWSRequest) -> HTTPHeaders:
        # Exactly the client's list: botocore's own choice skips some and adds host.
        headers = HTTPHeaders()
        for name in self._signed_names:
            headers[name] = request.headers.get(name, "")
        return headers

    def payload(self, request: AWSRequest) -> str:
        return self._payload_hash


class _S3Signer(_Signer, S3SigV4Auth):
    """S3 signs the path as sent: no dot-segment removal, no second percent-encoding."""


def sigv4(
    environ: Mapping[str, Any],
    signed: Signed,
    secret: str,
    pairs: list[tuple[str, str]],
    payload_hash: str,
) -> Expected:
    """The SigV4 signature of the request ``signed`` describes, with ``secret``.

    ``pairs`` is the query as signed (a presigned URL's own ``X-Amz-Signature`` left out).
    """
    signer_class = _S3Signer if signed.service == "s3" else _Signer
    signer = signer_class(Credentials(signed.access_key, secret), signed, payload_hash)
    headers = {}
    for name in signed.signed_headers:
        value = header(environ, name)
        if value is not None:
            headers[name] = value
    request = AWSRequest(
        method=environ.get("REQUEST_METHOD", "GET"),
        url=f"http://endpoint{_raw_path(environ)}",
        headers=headers,
        # Repeated query keys stay apart as pairs (urlencode takes either; the stubs say mapping).
        params=pairs,  # type: ignore[arg-type]
    )
    request.context["timestamp"] = signed.timestamp
    canonical = signer.canonical_request(request)
    string_to_sign = signer.string_to_sign(request, canonical)
    return Expected(canonical, string_to_sign, signer.signature(string_to_sign, request))


class _V2QuerySigner(HmacV1Auth):
    """botocore's S3 SigV2 string to sign, with the URL's ``Expires`` in the Date line."""

    def __init__(self, credentials: Credentials, expires: str) -> None:
        super().__init__(credentials)
        self._expires = expires

    def _get_date(self) -> str:
        return self._expires


def sigv2_query(
    environ: Mapping[str, Any], params: Mapping[str, str], access_key: str, secret: str
) -> Expected:
    """The SigV2 signature of an S3 presigned URL (``AWSAccessKeyId``, ``Expires``, …).

    SigV2 has no canonical request: the string to sign stands in for it.
    """
    # The headers the signer saw were moved into the query; the request's own win.
    headers = HTTPHeaders()
    for name, value in params.items():
        lowered = name.lower()
        if lowered.startswith("x-amz-") or lowered in ("content-md5", "content-type"):
            headers[lowered] = header(environ, lowered) or value
    signer = _V2QuerySigner(Credentials(access_key, secret), params.get("Expires", ""))
    split = urlsplit(f"http://endpoint{_raw_path(environ)}?{environ.get('QUERY_STRING', '')}")
    method = environ.get("REQUEST_METHOD", "GET")
    # botocore reads the headers with get() and items(), as HTTPHeaders has; the stubs say Mapping.
    string_to_sign = signer.canonical_string(method, split, headers)  # type: ignore[arg-type]
    return Expected(string_to_sign, string_to_sign, signer.sign_string(string_to_sign))
