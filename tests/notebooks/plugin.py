"""pytest plugin for the nbval run of the workshop notebooks (``make test`` loads it with -p).

    pytest -p tests.notebooks.plugin --nbval --nbval-current-env \
        --nbval-sanitize-with tests/notebooks/sanitize.cfg 00_Setup.ipynb … 06_Clean_Up…ipynb

nbval starts each notebook's kernel while collecting, before any fixture runs, and a kernel
inherits ``os.environ`` as it is at that moment. So the server is started and the environment
set here, in ``pytest_sessionstart``, never in a fixture: the kernels then see
``AWS_ENDPOINT_URL``, fake credentials, the Region, ``MOVIELENS_DIR`` and an isolated
``IPYTHONDIR`` (so ``%store`` starts empty and never reads an instructor's store). The server
is seeded exactly like ``scripts/run_workshop.py``, which recorded the committed outputs.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

import run_workshop  # noqa: E402

_state: dict = {}


def pytest_sessionstart(session: pytest.Session) -> None:
    server = run_workshop.start_server(run_workshop.SEED)
    scratch = tempfile.TemporaryDirectory(prefix="nbval-workshop-")
    _state.update(server=server, scratch=scratch, saved=dict(os.environ))
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN"):
        os.environ.pop(name, None)
    os.environ.update(run_workshop.workshop_environment(server.url, Path(scratch.name)))


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if "server" in _state:
        _state.pop("server").stop()
        _state.pop("scratch").cleanup()
        os.environ.clear()
        os.environ.update(_state.pop("saved"))
