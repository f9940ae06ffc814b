"""The newcomer path: no MovieLens and no network → one line naming MOVIELENS_DIR, before any
notebook runs, a non-zero exit, and nothing written to the output folder."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

import preflight  # noqa: E402


def offline_env(tmp_path: Path) -> dict[str, str]:
    """No MOVIELENS_DIR, an empty download cache, and every HTTPS request sent to a closed port
    (urllib honours ``https_proxy``), so the download fails at once as it would offline."""
    env = {k: v for k, v in os.environ.items() if k.lower() not in ("no_proxy", "movielens_dir")}
    env.update(
        XDG_CACHE_HOME=str(tmp_path / "cache"),
        https_proxy="http://127.0.0.1:9",
        HTTPS_PROXY="http://127.0.0.1:9",
    )
    return env


def test_make_workshop_without_data_says_where_to_get_it(tmp_path):
    out = tmp_path / "build" / "workshop"
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "run_workshop.py"), "--out", str(out)],
        env=offline_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    line = lines[0]
    assert "MOVIELENS_DIR" in line
    assert "https://files.grouplens.org/datasets/movielens/ml-latest-small.zip" in line
    assert "$MOVIELENS_DIR/ml-latest-small/" in line
    assert "personalize-local at" not in done.stdout  # no server, no notebook started
    assert not out.exists()
    assert not (
        tmp_path / "cache" / "personalize-workshop" / "movielens" / "ml-latest-small"
    ).exists()


def test_a_folder_without_the_data_set_is_named(tmp_path, monkeypatch):
    monkeypatch.setenv("MOVIELENS_DIR", str(tmp_path))
    problem = preflight.check()
    assert problem is not None
    assert f"$MOVIELENS_DIR={str(tmp_path)!r}" in problem
    assert "ml-latest-small" in problem


def test_ready_when_the_data_is_there(movielens_small):
    assert preflight.check() is None
    assert preflight.main() == 0


@pytest.mark.parametrize("name", preflight.NEEDED)
def test_message_names_the_layout(name):
    message = preflight.missing_data_message(name, "because")
    assert f"$MOVIELENS_DIR/{name}/" in message and "\n" not in message


def test_missing_movielens_skips_locally_and_fails_in_ci(tmp_path, monkeypatch):
    from tests import movielens

    monkeypatch.setenv("MOVIELENS_DIR", str(tmp_path))
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception):
        movielens.require("ml-latest-small")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="MOVIELENS_DIR"):
        movielens.require("ml-latest-small")
