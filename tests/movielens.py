"""Where the tests find MovieLens: ``$MOVIELENS_DIR``, else ``../shared/data`` beside the repo.

A test that needs a data set calls :func:`require`. Without the data it is skipped on a
developer's machine, but in CI (``CI=true``) it fails: the end-to-end tests must never pass by
skipping there.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
#: A file each data set must have, to count as present.
MARKER = {"ml-latest-small": "ratings.csv", "ml-100k": "u.data"}


def root() -> Path:
    """The folder holding ``ml-latest-small/`` and ``ml-100k/``."""
    return Path(os.environ.get("MOVIELENS_DIR") or REPO.parent / "shared" / "data").expanduser()


def present(name: str) -> bool:
    return (root() / name / MARKER[name]).is_file()


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


def require(name: str) -> Path:
    """:func:`root` when data set ``name`` is there; else skip (fail under ``CI=true``)."""
    if not present(name):
        message = f"MovieLens {name} not found in {root()} (set MOVIELENS_DIR)"
        if in_ci():
            pytest.fail(f"{message}; CI needs it", pytrace=False)
        pytest.skip(message)
    return root()
