"""Before any notebook runs: is the MovieLens data there (or can it be fetched)?

``make workshop`` calls :func:`check` first, so a machine without the data and without network
gets one line naming ``MOVIELENS_DIR`` and where the data comes from, instead of a traceback
from inside notebook 01 and a half-run notebook in build/.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from workshop import data  # noqa: E402

#: The data sets the notebooks read.
NEEDED = (data.DEFAULT_DATASET,)


def missing_data_message(name: str, reason: str) -> str:
    """The one line a newcomer sees when ``name`` is neither local nor downloadable."""
    return (
        f"MovieLens {name} not found ({reason}). Set {data.ENV_DIR} to a folder that holds "
        f"{name}/ (${data.ENV_DIR}/{name}/ratings.csv …): unzip {data.BASE_URL}{name}.zip "
        f"there (https://grouplens.org/datasets/movielens/), or run with network access once "
        f"so it is downloaded to {data.default_cache_dir()}."
    )


def check(names: tuple[str, ...] = NEEDED) -> str | None:
    """None when every data set in ``names`` is ready (downloading it if it must and can);
    otherwise the message for the first one that is not."""
    for name in names:
        try:
            data.movielens_dir(name)
        except (OSError, data.ChecksumError) as error:  # URLError is an OSError
            return missing_data_message(name, _reason(error))
    return None


def _reason(error: Exception) -> str:
    reason = getattr(error, "reason", None) or error
    if os.environ.get(data.ENV_DIR):
        return f"${data.ENV_DIR}={os.environ[data.ENV_DIR]!r}: {reason}"
    return f"{data.ENV_DIR} is not set and the download failed: {reason}"


def main() -> int:
    problem = check()
    if problem:
        print(problem, file=sys.stderr)
        return 2
    print("MovieLens data: ready")
    return 0


if __name__ == "__main__":
    sys.exit(main())
