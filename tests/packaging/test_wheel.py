"""The built wheel, alone in a fresh virtual environment, runs examples/' suite green.

Slow (a build and an install, from pip's cache when warm), so it is marked and kept to one
build, one environment and one pytest run.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow


def _run(*command: str | Path, cwd: Path | None = None, env: dict | None = None) -> str:
    done = subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, f"{command}\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}"
    return done.stdout


def test_the_wheel_alone_runs_the_examples(tmp_path: Path):
    dist = tmp_path / "dist"
    _run(sys.executable, "-m", "build", "--outdir", dist, ROOT)
    wheel = next(dist.glob("*.whl"))
    _run(sys.executable, "-m", "twine", "check", "--strict", *dist.iterdir())

    names = zipfile.ZipFile(wheel).namelist()
    assert "personalize_local/py.typed" in names
    assert not [name for name in names if name.startswith(("workshop/", "tests/", "examples/"))]
    entry_points = next(name for name in names if name.endswith("entry_points.txt"))
    assert "pytest11" in zipfile.ZipFile(wheel).read(entry_points).decode()

    venv = tmp_path / "venv"
    _run(sys.executable, "-m", "venv", venv)
    python = venv / "bin" / "python"
    _run(python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", wheel, "pytest")

    # Only the examples, away from the checkout: nothing can be imported from the repository.
    suite = tmp_path / "suite"
    suite.mkdir()
    for source in (ROOT / "examples").glob("*.py"):
        shutil.copy(source, suite)
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("AWS_", "PYTEST_", "PERSONALIZE_LOCAL_", "MOTO_"))
    }
    env.pop("PYTHONPATH", None)
    out = _run(python, "-m", "pytest", "-q", "-p", "no:cacheprovider", suite, cwd=suite, env=env)
    assert " passed" in out and "failed" not in out

    # The command line ships too: it serves and says where.
    serve = subprocess.Popen(
        [venv / "bin" / "personalize-local", "serve", "--port", "0"],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert "personalize-local ready at http://127.0.0.1:" in serve.stdout.readline()
    finally:
        serve.terminate()
        serve.wait(timeout=30)
