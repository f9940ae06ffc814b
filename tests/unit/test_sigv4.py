"""The signature check in isolation: requests signed by botocore, fed to the WSGI layer directly."""

from __future__ import annotations

import io
import json
import time
from typing import Any
from urllib.parse import urlsplit

import pytest
from botocore.auth import S3SigV4Auth, SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from personalize_local import cli, handlers
from personalize_local.app import PersonalizeApp
from personalize_local.auth import Verifier
from personalize_local.aws.clients import reachable_url
from personalize_local.config import Settings
from personalize_local.gateway import Gateway
from personalize_local.server import LocalServer
from personalize_local.store.state import Emulator

KEY = "AKIDUNITTEST"
SECRET = "unit-secret"
ENV = (
    "PERSONALIZE_LOCAL_ACCESS_KEY_ID",
    "PERSONALIZE_LOCAL_SECRET_ACCESS_KEY",
    "PERSONALIZE_LOCAL_VERIFY_SIGNATURES",
)


@pytest.fixture(autouse=True)
def no_credentials_in_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ENV:
        monkeypatch.delenv(name, raising=False)


def signed_request(
    url: str,
    *,
    service: str = "personalize",
    method: str = "POST",
    body: bytes = b"",
    headers: dict[str, str] | None = None,
    secret: str = SECRET,
) -> AWSRequest:
    request = AWSRequest(method=method, url=url, data=body, headers=headers or {})
    signer = S3SigV4Auth if service == "s3" else SigV4Auth
    signer(Credentials(KEY, secret), service, "us-east-1").add_auth(request)
    return request


def environ_of(
    request: AWSRequest, remote: str = "127.0.0.1", body: bytes | None = None
) -> dict[str, Any]:
    """The WSGI environ a server builds for ``request`` (raw path in REQUEST_URI, as cheroot)."""
    parts = urlsplit(request.url)
    data = request.body if body is None else body
    data = data.encode() if isinstance(data, str) else (data or b"")
    environ: dict[str, Any] = {
        "REQUEST_METHOD": request.method,
        "PATH_INFO": parts.path,
        "QUERY_STRING": parts.query,
        "REQUEST_URI": parts.path + (f"?{parts.query}" if parts.query else ""),
        "REMOTE_ADDR": remote,
        "HTTP_HOST": parts.netloc,
        "CONTENT_LENGTH": str(len(data)),
        "wsgi.input": io.BytesIO(data),
    }
    for name, value in request.headers.items():
        key = name.upper().replace("-", "_")
        environ[key if key == "CONTENT_TYPE" else f"HTTP_{key}"] = value
    return environ


def check(environ: dict[str, Any], verifier: Verifier | None = None) -> tuple[int, bytes] | None:
    refusal = (verifier or Verifier({KEY: SECRET}, body_limit=1024 * 1024)).check(environ)
    if refusal is None:
        return None
    answered: list[str] = []
    body = b"".join(refusal(environ, lambda status, headers: answered.append(status)))
    return int(answered[0].split()[0]), body


@pytest.mark.parametrize(
    ("service", "url"),
    [
        ("personalize", "http://localhost/"),
        ("personalize", "http://localhost:4580/recommendations"),
        # Other services sign the path percent-encoded twice; S3 signs it as sent.
        ("execute-api", "http://localhost/a%20b/c%2Bd/%C3%A9"),
        ("s3", "http://localhost/bucket/a%20b/c%2Bd%3De/%C3%A9.csv"),
        ("s3", "http://localhost/bucket?list-type=2&prefix=a%20b%2F&delimiter=%2F&uploads"),
    ],
)
def test_botocore_signed_requests_pass(service, url):
    request = signed_request(url, service=service, body=b'{"a": 1}')
    assert check(environ_of(request)) is None


def test_a_request_signed_with_a_date_header_passes():
    when = time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime())
    request = signed_request("http://localhost/", headers={"Date": when})
    assert "X-Amz-Date" not in request.headers
    assert check(environ_of(request)) is None


def test_changing_a_signed_part_is_refused():
    request = signed_request("http://localhost/bucket/key?x=1", service="s3", method="GET")
    environ = environ_of(request)
    assert check(dict(environ, QUERY_STRING="x=2"))[0] == 403
    status, body = check(dict(environ, REQUEST_URI="/bucket/other?x=1"))
    assert status == 403
    assert b"<Code>SignatureDoesNotMatch</Code>" in body
    assert b"<CanonicalRequest>GET\n/bucket/other\nx=1" in body
    # Headers the client did not sign may change, as they do through proxies.
    assert check(dict(environ, HTTP_USER_AGENT="another")) is None


def test_the_body_is_put_back_for_the_next_reader():
    body = b'{"name": "group"}' * 1000
    environ = environ_of(signed_request("http://localhost/", body=body))
    assert check(environ) is None
    assert environ["wsgi.input"].read(int(environ["CONTENT_LENGTH"])) == body


def test_a_chunked_body_becomes_a_body_of_known_length():
    body = b"Action=ListRoles&Version=2010-05-08"
    request = signed_request("http://localhost/", service="iam", body=body)
    environ = environ_of(request)
    del environ["CONTENT_LENGTH"]
    environ["HTTP_TRANSFER_ENCODING"] = "chunked"
    assert check(environ) is None
    assert environ["CONTENT_LENGTH"] == str(len(body))
    assert "HTTP_TRANSFER_ENCODING" not in environ
    assert environ["wsgi.input"].read() == body


def test_a_body_over_the_limit_is_refused_before_it_is_read():
    body = b"x" * 2048
    small = Verifier({KEY: SECRET}, body_limit=1024)
    s3 = environ_of(signed_request("http://localhost/bucket/key", service="s3", body=body))
    s3["HTTP_X_AMZ_CONTENT_SHA256"] = "0" * 64  # a hash to check means reading the body
    status, answer = check(s3, small)
    assert (status, b"<Code>EntityTooLarge</Code>" in answer) == (400, True)
    iam = environ_of(signed_request("http://localhost/", service="iam", body=body))
    status, answer = check(iam, small)
    assert (status, b"<Code>RequestEntityTooLargeException</Code>" in answer) == (413, True)


def test_a_body_cut_short_is_refused():
    request = signed_request("http://localhost/bucket/key", service="s3", method="PUT", body=b"ab")
    environ = environ_of(request)
    environ["CONTENT_LENGTH"] = "10"
    status, answer = check(environ)
    assert (status, b"<Code>IncompleteBody</Code>" in answer) == (400, True)


@pytest.mark.parametrize(
    ("authorization", "target", "expected"),
    [
        (
            "AWS4-HMAC-SHA256 Credential=AKIDUNITTEST/20240101/us-east-1/personalize/aws4_request",
            "AmazonPersonalize.ListRecipes",
            "IncompleteSignatureException",
        ),
        (
            "AWS AKIDUNITTEST:c2lnbmF0dXJl",
            "AmazonPersonalize.ListRecipes",
            "IncompleteSignatureException",
        ),
        (None, "AmazonPersonalize.ListRecipes", "MissingAuthenticationTokenException"),
    ],
)
def test_malformed_and_missing_signatures_in_json(authorization, target, expected):
    environ = environ_of(AWSRequest(method="POST", url="http://localhost/", data=b"{}"))
    environ.update(HTTP_X_AMZ_TARGET=target, CONTENT_TYPE="application/x-amz-json-1.1")
    if authorization:
        environ["HTTP_AUTHORIZATION"] = authorization
        environ["HTTP_X_AMZ_DATE"] = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    status, body = check(environ)
    assert status == 403
    assert json.loads(body)["__type"] == expected


def test_secrets_never_show():
    settings = Settings(verify_signatures=True, access_key_id=KEY, secret_access_key=SECRET)
    assert SECRET not in repr(settings)
    assert KEY in repr(settings)
    assert SECRET not in repr(Verifier.from_settings(settings))


def test_verification_needs_credentials():
    with pytest.raises(ValueError, match="PERSONALIZE_LOCAL_ACCESS_KEY_ID"):
        Verifier.from_settings(Settings(verify_signatures=True))
    assert Verifier.from_settings(Settings()) is None


def test_binding_off_loopback_turns_verification_on():
    # Nothing is bound until start(), so these servers are never reachable.
    with pytest.raises(ValueError, match="credentials"):
        LocalServer("0.0.0.0", 0, Settings())
    server = LocalServer("0.0.0.0", 0, Settings(access_key_id=KEY, secret_access_key=SECRET))
    assert server.emulator.settings.verify_signatures
    assert server.app.verifier is not None
    assert LocalServer("127.0.0.1", 0, Settings()).app.verifier is None


def test_jobs_reach_a_server_bound_on_every_interface_over_loopback():
    assert reachable_url("http://0.0.0.0:4580") == "http://127.0.0.1:4580"
    assert reachable_url("http://[::]:4580") == "http://[::1]:4580"
    assert reachable_url("http://10.0.0.5:4580") == "http://10.0.0.5:4580"
    assert reachable_url("http://127.0.0.1:4580") == "http://127.0.0.1:4580"


class FakeMoto:
    def __init__(self) -> None:
        self.calls: list[str] = []

    def __call__(self, environ: dict[str, Any], start_response: Any) -> list[bytes]:
        self.calls.append(environ["PATH_INFO"])
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"moto"]


def gateway(moto: FakeMoto) -> Gateway:
    settings = Settings(verify_signatures=True, access_key_id=KEY, secret_access_key=SECRET)
    emulator = Emulator(settings)
    return Gateway(emulator, PersonalizeApp(emulator, handlers.table()), moto)


def call(app: Gateway, environ: dict[str, Any]) -> int:
    answered: list[str] = []
    b"".join(app(environ, lambda status, headers, exc_info=None: answered.append(status)))
    return int(answered[0].split()[0])


def test_moto_api_is_not_open_to_the_network():
    moto = FakeMoto()
    app = gateway(moto)
    reset = AWSRequest(method="POST", url="http://10.0.0.1:4580/moto-api/reset")
    assert call(app, environ_of(reset, remote="10.0.0.99")) == 403
    assert call(app, environ_of(reset, remote="::ffff:192.168.1.7")) == 403
    assert moto.calls == []
    assert call(app, environ_of(reset, remote="127.0.0.1")) == 200
    assert call(app, environ_of(reset, remote="::1")) == 200
    signed = signed_request("http://10.0.0.1:4580/moto-api/reset", service="s3")
    assert call(app, environ_of(signed, remote="10.0.0.99")) == 200
    forged = signed_request("http://10.0.0.1:4580/moto-api/reset", service="s3", secret="x")
    assert call(app, environ_of(forged, remote="10.0.0.99")) == 403
    assert moto.calls == ["/moto-api/reset"] * 3


def test_every_other_path_needs_a_signature_even_from_loopback():
    moto = FakeMoto()
    app = gateway(moto)
    unsigned = AWSRequest(method="GET", url="http://127.0.0.1:4580/bucket")
    assert call(app, environ_of(unsigned)) == 403
    signed = signed_request("http://127.0.0.1:4580/bucket", service="s3", method="GET")
    assert call(app, environ_of(signed)) == 200
    assert moto.calls == ["/bucket"]


class Started(Exception):
    pass


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> list[Settings]:
    """Stands in for LocalServer: records the settings ``serve`` would start with."""
    seen: list[Settings] = []

    def fake(host: str, port: int, settings: Settings) -> None:
        seen.append(settings)
        raise Started

    monkeypatch.setattr(cli, "LocalServer", fake)
    return seen


def test_cli_refuses_allow_remote_without_credentials(started, capsys):
    assert cli.main(["serve", "--host", "0.0.0.0", "--allow-remote"]) == 2
    error = capsys.readouterr().err
    assert "--allow-remote" in error
    assert "PERSONALIZE_LOCAL_ACCESS_KEY_ID" in error
    assert cli.main(["serve", "--verify-signatures"]) == 2
    assert cli.main(["serve", "--host", "0.0.0.0", "--access-key-id", KEY]) == 2  # no flag
    assert started == []


def test_cli_turns_verification_on_off_loopback(started, monkeypatch, capsys):
    monkeypatch.setenv("PERSONALIZE_LOCAL_SECRET_ACCESS_KEY", SECRET)
    args = ["serve", "--host", "0.0.0.0", "--allow-remote", "--access-key-id", KEY]
    with pytest.raises(Started):
        cli.main(args)
    settings = started[-1]
    assert settings.verify_signatures
    assert settings.client_credentials == (KEY, SECRET)
    assert SECRET not in capsys.readouterr().err
    with pytest.raises(Started):
        cli.main(["serve"])
    assert not started[-1].verify_signatures


def test_cli_help_documents_the_options(capsys):
    with pytest.raises(SystemExit):
        cli.main(["serve", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    for option in ("--verify-signatures", "--access-key-id", "--secret-access-key"):
        assert option in text
    assert "PERSONALIZE_LOCAL_SECRET_ACCESS_KEY" in text
