"""One loopback test for the whole endpoint: what ``serve`` binds unsigned, and who may call the
moto API without signing."""

from __future__ import annotations

import argparse

import pytest

from personalize_local import cli
from personalize_local.config import Settings
from personalize_local.loopback import is_loopback


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.8.9.10", True),
        ("::1", True),
        ("[::1]", True),
        ("::ffff:127.0.0.1", True),
        ("localhost", True),
        ("0.0.0.0", False),
        ("::", False),
        ("10.0.0.5", False),
        ("192.168.1.20", False),
        ("", False),
        ("example.com", False),
    ],
)
def test_is_loopback(host, loopback):
    assert is_loopback(host) is loopback


@pytest.mark.parametrize("host", ["127.0.0.1", "::1", "[::1]", "localhost"])
def test_serve_on_loopback_needs_no_signatures(host):
    args = cli.build_parser().parse_args(["serve", "--host", host])
    settings = Settings(verify_signatures=False)
    assert cli._signatures(args, settings)
    assert settings.verify_signatures is False


def test_serve_off_loopback_verifies_signatures():
    args = argparse.Namespace(
        host="10.0.0.5", access_key_id="AKID", secret_access_key="secret", verify_signatures=False
    )
    settings = Settings(verify_signatures=False)
    assert cli._signatures(args, settings)
    assert settings.verify_signatures is True
