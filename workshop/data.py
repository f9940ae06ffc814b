"""MovieLens for the workshop: find or download it, and shape it the way Personalize wants.

Where the files come from (:func:`movielens_dir`):

1. ``$MOVIELENS_DIR/<name>/`` when the environment variable ``MOVIELENS_DIR`` names a folder
   (for offline runs and tests; nothing is downloaded);
2. otherwise a cache folder (``$XDG_CACHE_HOME`` or ``~/.cache``, then
   ``personalize-workshop/movielens/<name>``), filled on first use from files.grouplens.org.

Either way the files are checked against the SHA-256 digests pinned in :data:`FILE_DIGESTS`, so
a corrupted download or a silently updated data set stops the notebook with a clear message
instead of producing different numbers.

The Personalize frames:

* :func:`interactions`: one event per rating. ``EVENT_TYPE`` is ``watch`` for a rating of 4 or
  more and ``click`` below that; ``EVENT_VALUE`` keeps the rating. One event per rating keeps the
  data free of repeated (user, item) pairs, so "recommend something the user has not seen yet" is
  the task, and the two event types let a solution train on ``watch`` events only
  (``eventType``) or on ratings above a threshold (``eventValueThreshold``).
* :func:`items`: ``GENRES`` (categorical), ``YEAR`` (from the title) and
  ``CREATION_TIMESTAMP``: MovieLens has no "added to the catalogue" time, so an item is created
  when the interactions first mention it, and an item they never mention (a cold item) is
  created at the latest interaction: it is *new*. That is what User-Personalization's
  exploration looks at (``explorationItemAgeCutOff`` counts days back from the latest
  interaction), so cold items are the ones it explores.
* :func:`newest_items_split`: the cold-start lesson's items, the newest by first rating;
  :func:`warm_cold_split`: a seeded random item split; :func:`temporal_holdout`: the per-user
  "latest 10%" holdout of module 5.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
import urllib.request
import zipfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

#: Where GroupLens publishes the zips; ``<BASE_URL><name>.zip``.
BASE_URL = "https://files.grouplens.org/datasets/movielens/"
DEFAULT_DATASET = "ml-latest-small"
ENV_DIR = "MOVIELENS_DIR"

#: SHA-256 of the extracted files this module reads (and the README), per data set. The zips'
#: own digests are not published; the files' are stable as long as GroupLens does not re-issue
#: the data set. ml-100k's zip holds more files (the u1…u5 splits, scripts): only these are read.
FILE_DIGESTS: dict[str, dict[str, str]] = {
    "ml-latest-small": {
        "README.txt": "63d22ac138e80fae37021797ed8e1b9424b5239dc576a137422adf783ae3f404",
        "links.csv": "97ad18e4e56a09363c65676b6cb3482ce3e2cea2372a24620c1599c843325f31",
        "movies.csv": "5a5f32dd9bb3797b8e728a1b98958789d2b13f294a69fdfbc5727f8a9611aa07",
        "ratings.csv": "aa289ca83157595d0df6aea1be6a4ded676ddc4385472e8313a8ed9805352646",
        "tags.csv": "92a9f8bb7916dceef6151209845788c3643f794dfa79d1feaec7121b5960399d",
    },
    "ml-100k": {
        "README": "4883b8cf340ed0059971b33f56ad3adc88a40792108ebca3d24aafc4c82e8b52",
        "u.data": "06416e597f82b7342361e41163890c81036900f418ad91315590814211dca490",
        "u.genre": "9757e0d3e6b298159a80dd48eaf938114690e911e39af97a76949ef1663610bb",
        "u.info": "5b0a40b2e47a729ee6203063f6dcf8790c2e63f5a18663e6ee318a72c5f3c27b",
        "u.item": "553841ebc7de3a0fd0d6b62a204ea30c1e651aacfb2814c7a6584ac52f2c5701",
        "u.occupation": "cd5fbec9afe345d993a62fc7817df1a4a9079c4feb267b3118763b8fd942137d",
        "u.user": "f120e114da2e8cf314fd28f99417c94ae9ddf1cb6db8ce0e4b5995d40e90e62c",
    },
}

#: ml-100k's genre flags, in the column order of ``u.item`` (see ``u.genre``).
GENRES_100K = (
    "unknown", "Action", "Adventure", "Animation", "Children's", "Comedy", "Crime",
    "Documentary", "Drama", "Fantasy", "Film-Noir", "Horror", "Musical", "Mystery", "Romance",
    "Sci-Fi", "Thriller", "War", "Western",
)  # fmt: skip
#: What ml-latest-small writes when a movie has no genre; :func:`items` turns it into null.
NO_GENRES = "(no genres listed)"

_AVRO_NAMESPACE = "com.amazonaws.personalize.schema"
_YEAR = re.compile(r"\((\d{4})\)\s*$")


class ChecksumError(RuntimeError):
    """A MovieLens file is missing or its SHA-256 digest differs from the pinned one."""


# ------------------------------------------------------------------------------------------------
# Finding, downloading and verifying the files
# ------------------------------------------------------------------------------------------------


def default_cache_dir() -> Path:
    """Where downloads go: ``$XDG_CACHE_HOME`` (or ``~/.cache``)/personalize-workshop/movielens."""
    root = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(root) / "personalize-workshop" / "movielens"


def movielens_dir(
    name: str = DEFAULT_DATASET,
    *,
    cache_dir: str | os.PathLike[str] | None = None,
    base_url: str = BASE_URL,
    digests: Mapping[str, str] | None = None,
) -> Path:
    """The folder holding the MovieLens data set ``name``, downloading it on first use.

    Parameters
    ----------
    name : str
        ``"ml-latest-small"`` (default) or ``"ml-100k"``.
    cache_dir : path, optional
        Where downloads are kept (default :func:`default_cache_dir`). Ignored when
        ``$MOVIELENS_DIR`` is set.
    base_url : str
        Where ``<name>.zip`` is fetched from (any URL ``urllib`` opens: ``https://``, ``file://``).
    digests : mapping, optional
        File name → SHA-256 to verify; default the pinned :data:`FILE_DIGESTS` entry.

    Returns
    -------
    pathlib.Path
        ``$MOVIELENS_DIR/<name>`` if the variable is set, else ``<cache_dir>/<name>``.

    Raises
    ------
    FileNotFoundError
        ``$MOVIELENS_DIR`` is set but has no ``<name>`` folder.
    ChecksumError
        A pinned file is missing or differs (nothing is left in the cache after a bad download).
    """
    expected = _digests_for(name, digests)
    local = os.environ.get(ENV_DIR)
    if local:
        folder = Path(local).expanduser() / name
        if not folder.is_dir():
            raise FileNotFoundError(
                f"${ENV_DIR} is {local!r}, but it has no {name!r} folder. Point it at the folder "
                f"that contains {name}/, or unset it to download {name} from GroupLens."
            )
        verify(folder, expected)
        return folder

    cache = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    folder = cache / name
    if not folder.is_dir():
        download(name, cache, base_url=base_url, digests=expected)
    verify(folder, expected)
    return folder


def download(
    name: str,
    cache_dir: str | os.PathLike[str],
    *,
    base_url: str = BASE_URL,
    digests: Mapping[str, str] | None = None,
) -> Path:
    """Download ``<base_url><name>.zip``, extract ``<name>/`` and verify it; return the folder.

    The zip is extracted into a temporary folder next to the destination and only moved into
    place once every pinned file matches, so an interrupted or corrupted download never leaves a
    half-filled ``<cache_dir>/<name>`` behind.

    Raises
    ------
    ChecksumError
        A pinned file is missing from the zip or its digest differs.
    ValueError
        The zip holds a path outside ``<name>/`` that would escape the folder.
    """
    expected = _digests_for(name, digests)
    cache = Path(cache_dir)
    cache.mkdir(parents=True, exist_ok=True)
    url = f"{base_url.rstrip('/')}/{name}.zip"
    with tempfile.TemporaryDirectory(dir=cache, prefix=f".{name}-") as scratch:
        archive = Path(scratch) / f"{name}.zip"
        with urllib.request.urlopen(url, timeout=120) as response, archive.open("wb") as out:
            shutil.copyfileobj(response, out)
        extracted = Path(scratch) / "extracted"
        _safe_extract(archive, extracted)
        folder = extracted / name
        try:
            verify(folder, expected)
        except ChecksumError as error:
            raise ChecksumError(f"The download from {url} failed verification: {error}") from None
        target = cache / name
        if target.exists():  # another process finished first
            return target
        folder.rename(target)
    return target


def verify(folder: str | os.PathLike[str], digests: Mapping[str, str]) -> None:
    """Check every file named in ``digests`` against its SHA-256.

    Raises
    ------
    ChecksumError
        Naming each missing or different file, with the expected and actual digests.
    """
    folder = Path(folder)
    problems = []
    for file_name, want in sorted(digests.items()):
        path = folder / file_name
        if not path.is_file():
            problems.append(f"{file_name} is missing")
            continue
        got = sha256(path)
        if got != want:
            problems.append(f"{file_name} has SHA-256 {got}, expected {want}")
    if problems:
        raise ChecksumError(
            f"MovieLens files in {folder} do not match the pinned digests: "
            + "; ".join(problems)
            + ". Delete the folder to download it again; if GroupLens re-issued the data set, "
            "update workshop.data.FILE_DIGESTS."
        )


def sha256(path: str | os.PathLike[str]) -> str:
    """Hex SHA-256 digest of a file."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _digests_for(name: str, digests: Mapping[str, str] | None) -> Mapping[str, str]:
    if digests is not None:
        return digests
    if name not in FILE_DIGESTS:
        raise ValueError(f"Unknown MovieLens data set {name!r}; known: {sorted(FILE_DIGESTS)}.")
    return FILE_DIGESTS[name]


def _safe_extract(archive: Path, destination: Path) -> None:
    """Extract a zip, refusing members that would land outside ``destination``."""
    destination.mkdir(parents=True)
    root = destination.resolve()
    with zipfile.ZipFile(archive) as zipped:
        for member in zipped.infolist():
            target = (destination / member.filename).resolve()
            if target != root and root not in target.parents:
                raise ValueError(f"{archive.name} holds an unsafe path: {member.filename!r}")
        zipped.extractall(destination)


# ------------------------------------------------------------------------------------------------
# Reading the raw files (same columns for both data sets)
# ------------------------------------------------------------------------------------------------


def _folder(name: str, folder: str | os.PathLike[str] | None) -> Path:
    return Path(folder) if folder is not None else movielens_dir(name)


def load_ratings(
    name: str = DEFAULT_DATASET, folder: str | os.PathLike[str] | None = None
) -> pd.DataFrame:
    """The ratings, in file order, with ml-latest-small's column names.

    Parameters
    ----------
    name : str
        ``"ml-latest-small"`` or ``"ml-100k"``.
    folder : path, optional
        The data set's folder; default :func:`movielens_dir` of ``name``.

    Returns
    -------
    pandas.DataFrame
        ``userId`` (int), ``movieId`` (int), ``rating`` (float, 0.5–5 in steps of 0.5 for
        ml-latest-small, 1–5 for ml-100k) and ``timestamp`` (int, Unix seconds).
    """
    path = _folder(name, folder)
    if name == "ml-100k":
        frame = pd.read_csv(
            path / "u.data", sep="\t", names=["userId", "movieId", "rating", "timestamp"]
        )
    else:
        frame = pd.read_csv(path / "ratings.csv")
    return frame.astype(
        {"userId": "int64", "movieId": "int64", "rating": "float64", "timestamp": "int64"}
    )


def load_movies(
    name: str = DEFAULT_DATASET, folder: str | os.PathLike[str] | None = None
) -> pd.DataFrame:
    """The movies, with ml-latest-small's column names.

    Returns
    -------
    pandas.DataFrame
        ``movieId`` (int), ``title`` (str, usually ending in ``(year)``) and ``genres``
        (``|``-separated, or ``"(no genres listed)"``). ml-100k's genre flags are joined in the
        same way; its ``unknown`` flag counts as no genre.
    """
    path = _folder(name, folder)
    if name != "ml-100k":
        frame = pd.read_csv(path / "movies.csv", dtype={"title": str, "genres": str})
        return frame.astype({"movieId": "int64"})
    columns = ["movieId", "title", "release", "video", "url", *GENRES_100K]
    raw = pd.read_csv(path / "u.item", sep="|", names=columns, encoding="latin-1")
    named = [g for g in GENRES_100K if g != "unknown"]
    flags = raw[named].to_numpy(dtype=bool)
    genres = ["|".join(g for g, on in zip(named, row, strict=True) if on) for row in flags]
    return pd.DataFrame(
        {
            "movieId": raw["movieId"].astype("int64"),
            "title": raw["title"].astype(str),
            "genres": [g or NO_GENRES for g in genres],
        }
    )


def load_users(name: str = "ml-100k", folder: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """ml-100k's user attributes: ``userId``, ``age``, ``gender``, ``occupation``.

    ml-latest-small has no user attributes ("No demographic information is included"), so a
    Users dataset is only possible with ml-100k.

    Raises
    ------
    ValueError
        For a data set without user attributes.
    """
    if name != "ml-100k":
        raise ValueError(f"{name} has no user attributes; only ml-100k has (u.user).")
    path = _folder(name, folder)
    frame = pd.read_csv(
        path / "u.user",
        sep="|",
        names=["userId", "age", "gender", "occupation", "zip"],
        dtype={"zip": str},
    )
    return frame[["userId", "age", "gender", "occupation"]]


# ------------------------------------------------------------------------------------------------
# The Personalize datasets
# ------------------------------------------------------------------------------------------------


def interactions(ratings: pd.DataFrame, watch_threshold: float = 4.0) -> pd.DataFrame:
    """The Interactions dataset: one event per rating, in the ratings' order.

    ``EVENT_TYPE`` is ``"watch"`` when the rating is at least ``watch_threshold`` (the user liked
    it) and ``"click"`` otherwise (the user tried it); ``EVENT_VALUE`` is the rating itself.

    Parameters
    ----------
    ratings : pandas.DataFrame
        From :func:`load_ratings`.
    watch_threshold : float
        Lowest rating that counts as ``watch``.

    Returns
    -------
    pandas.DataFrame
        ``USER_ID`` (str), ``ITEM_ID`` (str), ``EVENT_TYPE`` (str), ``EVENT_VALUE`` (float) and
        ``TIMESTAMP`` (int, Unix seconds). Ids are strings because the runtime API returns
        strings; comparing like with like avoids silent misses in the evaluation.
    """
    rating = ratings["rating"].astype("float64")
    return pd.DataFrame(
        {
            "USER_ID": ratings["userId"].astype(str).to_numpy(),
            "ITEM_ID": ratings["movieId"].astype(str).to_numpy(),
            "EVENT_TYPE": np.where(rating.to_numpy() >= watch_threshold, "watch", "click"),
            "EVENT_VALUE": rating.to_numpy(),
            "TIMESTAMP": ratings["timestamp"].astype("int64").to_numpy(),
        }
    )


def parse_year(titles: pd.Series) -> pd.Series:
    """The four-digit year at the end of each title (``"Heat (1995)"`` → 1995), else <NA>."""
    found = titles.astype(str).str.extract(_YEAR, expand=False)
    return pd.to_numeric(found, errors="coerce").astype("Int64")


def items(
    movies: pd.DataFrame,
    interactions: pd.DataFrame,
    item_ids: Iterable[Any] | None = None,
) -> pd.DataFrame:
    """The Items dataset: ``ITEM_ID``, ``GENRES``, ``YEAR``, ``CREATION_TIMESTAMP``.

    Parameters
    ----------
    movies : pandas.DataFrame
        From :func:`load_movies`.
    interactions : pandas.DataFrame
        The interactions that will be imported (the training set), with ``ITEM_ID`` and
        ``TIMESTAMP``. They decide each item's creation time.
    item_ids : iterable, optional
        The items to keep (e.g. every rated movie, warm and cold); default every movie.

    Returns
    -------
    pandas.DataFrame
        * ``ITEM_ID`` (str);
        * ``GENRES``: ``|``-separated genres, a categorical field; null for
          ``"(no genres listed)"``;
        * ``YEAR``: the release year from the title (nullable int);
        * ``CREATION_TIMESTAMP`` (int, Unix seconds): the item's first interaction in
          ``interactions``; an item without one is new, created at the latest interaction.
    """
    frame = pd.DataFrame(
        {
            "ITEM_ID": movies["movieId"].astype(str).to_numpy(),
            "GENRES": movies["genres"].astype(str).to_numpy(),
            "YEAR": parse_year(movies["title"]).to_numpy(),
        }
    )
    if item_ids is not None:
        wanted = {str(item) for item in item_ids}
        frame = frame[frame["ITEM_ID"].isin(wanted)].copy()
    frame["GENRES"] = frame["GENRES"].where(frame["GENRES"] != NO_GENRES, None)
    frame["YEAR"] = frame["YEAR"].astype("Int64")
    times = interactions["TIMESTAMP"].astype("int64")
    first = times.groupby(interactions["ITEM_ID"].astype(str).to_numpy()).min()
    created = frame["ITEM_ID"].map(first).fillna(times.max())
    frame["CREATION_TIMESTAMP"] = created.astype("int64")
    return frame.reset_index(drop=True)


def users(user_frame: pd.DataFrame) -> pd.DataFrame:
    """The Users dataset from :func:`load_users`: USER_ID, AGE, GENDER, OCCUPATION."""
    return pd.DataFrame(
        {
            "USER_ID": user_frame["userId"].astype(str).to_numpy(),
            "AGE": user_frame["age"].astype("int64").to_numpy(),
            "GENDER": user_frame["gender"].astype(str).to_numpy(),
            "OCCUPATION": user_frame["occupation"].astype(str).to_numpy(),
        }
    )


# ------------------------------------------------------------------------------------------------
# Splits
# ------------------------------------------------------------------------------------------------


def warm_cold_split(
    item_ids: Iterable[Any], cold_fraction: float = 0.5, seed: int = 42
) -> tuple[np.ndarray, np.ndarray]:
    """Split items at random into warm (trained on) and cold (kept back) items, reproducibly.

    The distinct ids are sorted, shuffled with ``numpy.random.default_rng(seed)``, and the first
    ``floor(n * cold_fraction)`` become cold (the original workshop took the first half of an
    unseeded permutation). The same ids and seed always give the same split, whatever order the
    ids come in.

    Parameters
    ----------
    item_ids : iterable
        Item ids (duplicates are fine, e.g. a column of interactions).
    cold_fraction : float
        Share of items that become cold, in [0, 1].
    seed : int
        Seed of the shuffle.

    Returns
    -------
    (warm, cold) : tuple of numpy.ndarray
        Both sorted, disjoint, and together every distinct id.
    """
    if not 0.0 <= cold_fraction <= 1.0:
        raise ValueError(f"cold_fraction must lie in [0, 1], not {cold_fraction}")
    unique = np.unique(np.asarray(list(item_ids)))
    shuffled = np.random.default_rng(seed).permutation(unique)
    n_cold = int(len(unique) * cold_fraction)
    return np.sort(shuffled[n_cold:]), np.sort(shuffled[:n_cold])


def newest_items_split(
    interactions: pd.DataFrame, cold_fraction: float = 0.1
) -> tuple[np.ndarray, np.ndarray, pd.Timestamp]:
    """Split items into warm and cold by when they were first rated: the newest are cold.

    A catalogue's cold items are its new ones, so the ``floor(n * cold_fraction)`` items whose
    first interaction is latest become cold (kept out of training), the rest warm. Ties on the
    first timestamp are broken by item id, so the split is the same whatever the row order.

    Parameters
    ----------
    interactions : pandas.DataFrame
        With ``ITEM_ID`` and ``TIMESTAMP`` (Unix seconds).
    cold_fraction : float
        Share of items that become cold, in [0, 1].

    Returns
    -------
    (warm, cold, cutoff) : tuple
        ``warm`` and ``cold`` sorted, disjoint numpy arrays that together hold every distinct
        id; ``cutoff`` the first-rating time (UTC) of the oldest cold item (``NaT`` if none).
    """
    if not 0.0 <= cold_fraction <= 1.0:
        raise ValueError(f"cold_fraction must lie in [0, 1], not {cold_fraction}")
    first = interactions.groupby("ITEM_ID")["TIMESTAMP"].min()
    order = first.reset_index().sort_values(["TIMESTAMP", "ITEM_ID"], kind="stable")
    n_cold = int(len(order) * cold_fraction)
    split = len(order) - n_cold
    warm, cold = order["ITEM_ID"].to_numpy()[:split], order["ITEM_ID"].to_numpy()[split:]
    cutoff = (
        pd.to_datetime(int(order["TIMESTAMP"].iloc[split]), unit="s", utc=True)
        if n_cold
        else pd.NaT
    )
    return np.sort(warm), np.sort(cold), cutoff


def temporal_holdout(
    interactions: pd.DataFrame, fraction: float = 0.1
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Hold out each user's latest interactions: the original workshop's rule, made explicit.

    Within each user, rows are ranked by ``TIMESTAMP`` (``rank(method="first", pct=True)``: ties
    keep the frame's order, i.e. the file order), and a row whose rank / n exceeds
    ``1 - fraction`` is held out. For a user with n rows that is the latest
    ``n - floor(n * (1 - fraction))`` rows, about ``fraction`` of them (at least one).

    Parameters
    ----------
    interactions : pandas.DataFrame
        With ``USER_ID`` and ``TIMESTAMP``.
    fraction : float
        Share of each user's interactions to hold out, in (0, 1).

    Returns
    -------
    (train, holdout) : tuple of pandas.DataFrame
        Both in the input's row order, with a fresh index.
    """
    if not 0.0 < fraction < 1.0:
        raise ValueError(f"fraction must lie in (0, 1), not {fraction}")
    pct = interactions.groupby("USER_ID", sort=False)["TIMESTAMP"].rank(method="first", pct=True)
    held = (pct > 1.0 - fraction).to_numpy()
    return (
        interactions[~held].reset_index(drop=True),
        interactions[held].reset_index(drop=True),
    )


# ------------------------------------------------------------------------------------------------
# Schemas
# ------------------------------------------------------------------------------------------------


def _record(name: str, fields: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "type": "record",
        "name": name,
        "namespace": _AVRO_NAMESPACE,
        "fields": fields,
        "version": "1.0",
    }


def interactions_schema() -> dict[str, Any]:
    """Avro schema of :func:`interactions` (pass ``json.dumps`` of it to ``create_schema``)."""
    return _record(
        "Interactions",
        [
            {"name": "USER_ID", "type": "string"},
            {"name": "ITEM_ID", "type": "string"},
            {"name": "EVENT_TYPE", "type": "string"},
            {"name": "EVENT_VALUE", "type": "float"},
            {"name": "TIMESTAMP", "type": "long"},
        ],
    )


def items_schema() -> dict[str, Any]:
    """Avro schema of :func:`items`: categorical ``GENRES``, nullable ``YEAR``."""
    return _record(
        "Items",
        [
            {"name": "ITEM_ID", "type": "string"},
            {"name": "GENRES", "type": ["null", "string"], "categorical": True},
            {"name": "YEAR", "type": ["null", "int"]},
            {"name": "CREATION_TIMESTAMP", "type": "long"},
        ],
    )


def users_schema() -> dict[str, Any]:
    """Avro schema of :func:`users` (ml-100k only): AGE, categorical GENDER and OCCUPATION."""
    return _record(
        "Users",
        [
            {"name": "USER_ID", "type": "string"},
            {"name": "AGE", "type": "int"},
            {"name": "GENDER", "type": "string", "categorical": True},
            {"name": "OCCUPATION", "type": "string", "categorical": True},
        ],
    )
