"""The journal behind --data-dir: what it keeps, a torn last line, and corruption."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest

from personalize_local import handlers, persistence
from personalize_local.app import PersonalizeApp
from personalize_local.config import Settings
from personalize_local.gateway import Gateway
from personalize_local.protocol.body import buffer_body
from personalize_local.store.journal import FILE_NAME, Journal, JournalError
from personalize_local.store.state import Emulator


def test_records_come_back_in_order_with_the_seed(tmp_path: Path) -> None:
    journal = Journal(tmp_path)
    assert journal.open(seed=11) == (11, [])
    journal.append({"kind": "personalize", "op": "CreateSchema", "t": 1.0})
    journal.append({"kind": "job", "job": 0, "t": 2.0})
    journal.close()
    # A restart with another seed keeps the journal's: ids must come out the same.
    assert Journal(tmp_path).open(seed=99) == (
        11,
        [
            {"kind": "personalize", "op": "CreateSchema", "t": 1.0},
            {"kind": "job", "job": 0, "t": 2.0},
        ],
    )


def test_a_torn_last_line_is_dropped_and_truncated(tmp_path: Path) -> None:
    journal = Journal(tmp_path)
    journal.open(seed=1)
    journal.append({"kind": "moto", "t": 1.0})
    journal.close()
    path = tmp_path / FILE_NAME
    whole = path.read_bytes()
    path.write_bytes(whole + b'{"kind": "personalize", "op": "Crea')  # killed mid-write
    _, records = Journal(tmp_path).open(seed=1)
    assert records == [{"kind": "moto", "t": 1.0}]
    assert path.read_bytes() == whole


def test_corruption_before_the_end_refuses_to_start(tmp_path: Path) -> None:
    path = tmp_path / FILE_NAME
    journal = Journal(tmp_path)
    journal.open(seed=1)
    journal.close()
    path.write_bytes(path.read_bytes() + b"garbage\n" + b'{"kind": "moto", "t": 1.0}\n')
    with pytest.raises(JournalError, match="line 2"):
        Journal(tmp_path).open(seed=1)


def test_a_foreign_file_is_not_taken_for_a_journal(tmp_path: Path) -> None:
    (tmp_path / FILE_NAME).write_text('{"hello": "world"}\n')
    with pytest.raises(JournalError, match="not a"):
        Journal(tmp_path).open(seed=1)


def test_restart_empties_it(tmp_path: Path) -> None:
    journal = Journal(tmp_path)
    journal.open(seed=1)
    journal.append({"kind": "moto", "t": 1.0})
    journal.restart(seed=2)
    journal.close()
    assert Journal(tmp_path).open(seed=3) == (2, [])


@pytest.mark.parametrize(
    ("operation", "journaled"),
    [
        ("CreateSolutionVersion", True),
        ("PutEvents", True),
        ("TagResource", True),
        ("StopSolutionVersionCreation", True),
        ("DescribeSolutionVersion", False),
        ("ListCampaigns", False),
        ("GetRecommendations", False),
        # Reading a metric attribution publishes the reports not yet written.
        ("DescribeMetricAttribution", True),
    ],
)
def test_which_personalize_calls_are_journaled(operation: str, journaled: bool) -> None:
    assert persistence.changes_state(operation) is journaled


@pytest.mark.parametrize(
    ("environ", "body", "journaled"),
    [
        ({"REQUEST_METHOD": "GET", "PATH_INFO": "/bucket/key"}, b"", False),
        ({"REQUEST_METHOD": "PUT", "PATH_INFO": "/bucket/key"}, b"data", True),
        ({"REQUEST_METHOD": "DELETE", "PATH_INFO": "/bucket/key"}, b"", True),
        (
            {"REQUEST_METHOD": "POST", "CONTENT_TYPE": "application/x-www-form-urlencoded"},
            b"Action=GetRole&RoleName=r",
            False,
        ),
        (
            {"REQUEST_METHOD": "POST", "CONTENT_TYPE": "application/x-www-form-urlencoded"},
            b"Action=CreateRole&RoleName=r",
            True,
        ),
        ({"REQUEST_METHOD": "POST", "HTTP_X_AMZ_TARGET": "AmazonSSM.GetParameter"}, b"{}", False),
        ({"REQUEST_METHOD": "POST", "HTTP_X_AMZ_TARGET": "AmazonSSM.PutParameter"}, b"{}", True),
    ],
)
def test_which_moto_calls_are_journaled(environ: dict, body: bytes, journaled: bool) -> None:
    assert persistence.moto_changes_state(environ, body) is journaled


def test_a_moto_request_is_rebuilt_byte_for_byte() -> None:
    environ = {
        "REQUEST_METHOD": "PUT",
        "PATH_INFO": "/bucket/a key",
        "QUERY_STRING": "x=1",
        "CONTENT_TYPE": "text/csv",
        "HTTP_HOST": "127.0.0.1:4580",
        "HTTP_TRANSFER_ENCODING": "chunked",
        "wsgi.input": io.BytesIO(b"\x00\xffbinary"),
    }
    body = buffer_body(environ, limit=100)
    assert body == b"\x00\xffbinary" and environ["wsgi.input"].read() == body
    rebuilt = persistence.moto_environ(persistence.moto_record(environ, body, now=5.0))
    assert rebuilt["wsgi.input"].read() == body
    assert rebuilt["CONTENT_LENGTH"] == str(len(body))
    assert "HTTP_TRANSFER_ENCODING" not in rebuilt
    for key in ("REQUEST_METHOD", "PATH_INFO", "QUERY_STRING", "CONTENT_TYPE", "HTTP_HOST"):
        assert rebuilt[key] == environ[key]


class _Moto:
    def __init__(self) -> None:
        self.bodies: list[bytes] = []

    def __call__(self, environ: dict[str, Any], start_response: Any) -> list[bytes]:
        self.bodies.append(environ["wsgi.input"].read())
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b""]


@pytest.mark.parametrize(
    ("length", "body", "code"),
    [("11", b"0123456789a", "EntityTooLarge"), ("10", b"01234", "IncompleteBody")],
    ids=["too large", "cut short"],
)
def test_a_journaled_body_is_read_within_the_upload_limit(
    tmp_path: Path, length: str, body: bytes, code: str
) -> None:
    emulator = Emulator(Settings(max_upload_bytes=10))
    moto = _Moto()
    app = Gateway(emulator, PersonalizeApp(emulator, handlers.table()), moto)
    emulator.journal = Journal(tmp_path, fsync=False)
    emulator.journal.open(seed=1)
    environ = {
        "REQUEST_METHOD": "PUT",
        "PATH_INFO": "/bucket/key",
        "CONTENT_LENGTH": length,
        "wsgi.input": io.BytesIO(body),
    }
    answered: list[str] = []
    answer = b"".join(app(environ, lambda status, headers, exc_info=None: answered.append(status)))
    # S3's own answers to such a PUT; moto never sees it and nothing is journaled.
    assert answered[0].startswith("400") and f"<Code>{code}</Code>".encode() in answer
    assert moto.bodies == [] and emulator.journal.count == 0
    fits = {**environ, "CONTENT_LENGTH": "10", "wsgi.input": io.BytesIO(b"0123456789")}
    b"".join(app(fits, lambda status, headers, exc_info=None: answered.append(status)))
    assert answered[-1].startswith("200") and moto.bodies == [b"0123456789"]
    assert emulator.journal.count == 1
    emulator.journal.close()
