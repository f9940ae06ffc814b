"""workshop.data: finding/downloading MovieLens, the Personalize frames, splits and schemas."""

from __future__ import annotations

import functools
import hashlib
import http.server
import json
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import numpy as np
import pandas as pd
import pytest

from personalize_local.data import csv_import
from personalize_local.data.schemas import check_dataset_schema, parse_avro
from tests import movielens
from workshop import data

SHARED = movielens.root()
# Skipped without the data, except in CI, where the test runs and fails (tests/movielens.py).
needs_small = pytest.mark.skipif(
    not movielens.present("ml-latest-small") and not movielens.in_ci(),
    reason=f"ml-latest-small not found in {SHARED} (set MOVIELENS_DIR)",
)
needs_100k = pytest.mark.skipif(
    not movielens.present("ml-100k") and not movielens.in_ci(),
    reason=f"ml-100k not found in {SHARED} (set MOVIELENS_DIR)",
)


@pytest.fixture
def shared_data(monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(data.ENV_DIR, str(SHARED))
    return SHARED


@pytest.fixture
def no_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No $MOVIELENS_DIR, and a cache folder inside tmp_path."""
    monkeypatch.delenv(data.ENV_DIR, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    return tmp_path / "cache"


def make_zip(
    target: Path, name: str, files: dict[str, bytes], extra: dict[str, bytes] | None = None
) -> Path:
    """Write ``<target>/<name>.zip`` holding ``<name>/<file>`` for each file (plus raw extras)."""
    target.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(target / f"{name}.zip", "w", zipfile.ZIP_DEFLATED) as zipped:
        zipped.writestr(f"{name}/", b"")
        for file_name, content in files.items():
            zipped.writestr(f"{name}/{file_name}", content)
        for member, content in (extra or {}).items():
            zipped.writestr(member, content)
    return target / f"{name}.zip"


def real_files(name: str) -> dict[str, bytes]:
    return {f: (SHARED / name / f).read_bytes() for f in data.FILE_DIGESTS[name]}


class _Quiet(http.server.SimpleHTTPRequestHandler):
    requests: ClassVar[list[str]] = []

    def log_message(self, format: str, *args: object) -> None:
        _Quiet.requests.append(self.path)


@pytest.fixture
def http_root(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """A folder served on 127.0.0.1 (an ephemeral port), and its URL."""
    root = tmp_path / "served"
    root.mkdir()
    handler = functools.partial(_Quiet, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    _Quiet.requests.clear()
    try:
        yield root, f"http://127.0.0.1:{server.server_address[1]}/datasets/movielens/"
    finally:
        server.shutdown()
        server.server_close()


# ------------------------------------------------------------------------------ finding the files
@needs_small
def test_movielens_dir_reads_the_folder_named_by_the_environment(shared_data):
    folder = data.movielens_dir()
    assert folder == shared_data / "ml-latest-small"
    ratings, movies = data.load_ratings(), data.load_movies()
    assert ratings.shape == (100836, 4)
    assert list(ratings.columns) == ["userId", "movieId", "rating", "timestamp"]
    assert ratings.userId.nunique() == 610
    assert len(movies) == 9742
    assert list(movies.columns) == ["movieId", "title", "genres"]


@needs_100k
def test_ml_100k_in_the_same_shape(shared_data):
    ratings, movies, users = (
        data.load_ratings("ml-100k"),
        data.load_movies("ml-100k"),
        data.load_users("ml-100k"),
    )
    assert ratings.shape == (100000, 4)
    assert list(ratings.columns) == ["userId", "movieId", "rating", "timestamp"]
    assert len(movies) == 1682 and len(users) == 943
    toy = movies.set_index("movieId").loc[1]
    assert toy.title == "Toy Story (1995)"
    assert toy.genres == "Animation|Children's|Comedy"
    assert not movies.genres.str.contains("unknown").any()
    frame = data.users(users)
    assert list(frame.columns) == ["USER_ID", "AGE", "GENDER", "OCCUPATION"]
    assert frame.iloc[0].tolist() == ["1", 24, "M", "technician"]
    with pytest.raises(ValueError, match="no user attributes"):
        data.load_users("ml-latest-small")


def test_environment_folder_without_the_data_set(monkeypatch, tmp_path):
    monkeypatch.setenv(data.ENV_DIR, str(tmp_path))
    with pytest.raises(FileNotFoundError, match="ml-latest-small"):
        data.movielens_dir()


def test_environment_folder_is_verified(monkeypatch, tmp_path):
    (tmp_path / "toy").mkdir()
    (tmp_path / "toy" / "ratings.csv").write_text("changed\n")
    monkeypatch.setenv(data.ENV_DIR, str(tmp_path))
    good = {"ratings.csv": data.sha256(tmp_path / "toy" / "ratings.csv")}
    assert data.movielens_dir("toy", digests=good) == tmp_path / "toy"
    with pytest.raises(data.ChecksumError, match=r"ratings\.csv has SHA-256"):
        data.movielens_dir("toy", digests={"ratings.csv": "0" * 64})
    with pytest.raises(data.ChecksumError, match=r"movies\.csv is missing"):
        data.movielens_dir("toy", digests={**good, "movies.csv": "0" * 64})


def test_unknown_data_set(no_env):
    with pytest.raises(ValueError, match="Unknown MovieLens"):
        data.movielens_dir("ml-1b", cache_dir=no_env)


def test_default_cache_dir_follows_xdg(no_env, tmp_path):
    assert data.default_cache_dir() == tmp_path / "xdg" / "personalize-workshop" / "movielens"


# ------------------------------------------------------------------------------ downloading
@needs_small
def test_download_over_http_verifies_and_caches(no_env, http_root):
    root, url = http_root
    make_zip(root / "datasets" / "movielens", "ml-latest-small", real_files("ml-latest-small"))
    folder = data.movielens_dir(cache_dir=no_env, base_url=url)
    assert folder == no_env / "ml-latest-small"
    assert _Quiet.requests == ["/datasets/movielens/ml-latest-small.zip"]
    assert sorted(p.name for p in folder.iterdir()) == sorted(data.FILE_DIGESTS["ml-latest-small"])
    assert [p.name for p in no_env.iterdir()] == ["ml-latest-small"]  # no scratch left behind
    assert data.load_ratings(folder=folder).shape == (100836, 4)
    # A second call uses the cache: no request.
    (root / "datasets" / "movielens" / "ml-latest-small.zip").unlink()
    assert data.movielens_dir(cache_dir=no_env, base_url=url) == folder
    assert len(_Quiet.requests) == 1
    # A damaged cache is reported, not silently used.
    (folder / "movies.csv").write_text("movieId,title,genres\n")
    with pytest.raises(data.ChecksumError, match="Delete the folder"):
        data.movielens_dir(cache_dir=no_env, base_url=url)


@needs_small
def test_download_with_a_changed_file_fails_and_leaves_nothing(no_env, http_root):
    root, url = http_root
    files = real_files("ml-latest-small")
    files["ratings.csv"] = files["ratings.csv"].replace(b"4.0", b"5.0", 1)
    make_zip(root / "datasets" / "movielens", "ml-latest-small", files)
    with pytest.raises(data.ChecksumError) as failure:
        data.movielens_dir(cache_dir=no_env, base_url=url)
    message = str(failure.value)
    assert "ratings.csv has SHA-256" in message
    assert data.FILE_DIGESTS["ml-latest-small"]["ratings.csv"] in message
    assert url in message
    assert list(no_env.iterdir()) == []


@needs_100k
def test_download_from_a_file_url(no_env, tmp_path):
    served = tmp_path / "mirror"
    # The real zip has more files than those pinned (u1.base, …): they are extracted, unchecked.
    make_zip(served, "ml-100k", {**real_files("ml-100k"), "u1.base": b"1\t1\t5\t1\n"})
    folder = data.movielens_dir("ml-100k", cache_dir=no_env, base_url=served.as_uri())
    assert (folder / "u1.base").exists()
    assert data.load_ratings("ml-100k", folder=folder).shape == (100000, 4)


def test_download_of_a_small_zip_with_given_digests(no_env, tmp_path):
    files = {"ratings.csv": b"userId,movieId,rating,timestamp\n1,10,4.5,100\n2,10,2.0,50\n"}
    served = tmp_path / "mirror"
    make_zip(served, "tiny", files)
    digests = {"ratings.csv": data.sha256(served / "tiny.zip")}  # wrong on purpose: the zip's
    with pytest.raises(data.ChecksumError):
        data.download("tiny", no_env, base_url=served.as_uri(), digests=digests)
    digests = {"ratings.csv": hashlib.sha256(files["ratings.csv"]).hexdigest()}
    folder = data.download("tiny", no_env, base_url=served.as_uri(), digests=digests)
    assert data.load_ratings("tiny", folder=folder).rating.tolist() == [4.5, 2.0]


def test_download_refuses_paths_outside_the_folder(no_env, tmp_path):
    served = tmp_path / "mirror"
    make_zip(served, "evil", {"a.csv": b"x"}, extra={"../../escaped.txt": b"boo"})
    with pytest.raises(ValueError, match="unsafe path"):
        data.download("evil", no_env, base_url=served.as_uri(), digests={"a.csv": "0" * 64})
    assert not (tmp_path / "escaped.txt").exists()
    assert list(no_env.iterdir()) == []


# ------------------------------------------------------------------------------ the frames
RATINGS = pd.DataFrame(
    {
        "userId": [1, 1, 1, 2, 2],
        "movieId": [10, 20, 30, 10, 40],
        "rating": [4.0, 3.5, 5.0, 1.0, 4.5],
        "timestamp": [300, 100, 200, 50, 60],
    }
)
MOVIES = pd.DataFrame(
    {
        "movieId": [10, 20, 30, 40, 50],
        "title": ["Heat (1995)", "Cosmos", "Big (1988) ", "Show (2006–2007)", "Alien (1979)"],
        "genres": ["Action|Crime", "Documentary", "Comedy", data.NO_GENRES, "Horror|Sci-Fi"],
    }
)


def test_interactions_event_types_and_order():
    frame = data.interactions(RATINGS)
    assert list(frame.columns) == ["USER_ID", "ITEM_ID", "EVENT_TYPE", "EVENT_VALUE", "TIMESTAMP"]
    assert frame.EVENT_TYPE.tolist() == ["watch", "click", "watch", "click", "watch"]
    assert frame.EVENT_VALUE.tolist() == [4.0, 3.5, 5.0, 1.0, 4.5]
    assert frame.USER_ID.tolist() == ["1", "1", "1", "2", "2"]  # strings, file order
    assert frame.ITEM_ID.tolist() == ["10", "20", "30", "10", "40"]
    assert frame.TIMESTAMP.dtype == np.int64
    assert data.interactions(RATINGS, watch_threshold=4.5).EVENT_TYPE.tolist().count("watch") == 2


def test_items_genres_year_and_creation_time():
    train = data.interactions(RATINGS)
    frame = data.items(MOVIES, train)
    assert list(frame.columns) == ["ITEM_ID", "GENRES", "YEAR", "CREATION_TIMESTAMP"]
    rows = frame.set_index("ITEM_ID")
    assert rows.loc["10", "GENRES"] == "Action|Crime"
    assert pd.isna(rows.loc["40", "GENRES"])  # "(no genres listed)" → null
    assert rows.loc["10", "YEAR"] == 1995 and rows.loc["30", "YEAR"] == 1988
    assert pd.isna(rows.loc["20", "YEAR"]) and pd.isna(rows.loc["40", "YEAR"])
    assert str(frame.YEAR.dtype) == "Int64"
    # First interaction in the given interactions; never seen → the latest interaction (new).
    created = rows.CREATION_TIMESTAMP.to_dict()
    assert created == {"10": 50, "20": 100, "30": 200, "40": 60, "50": 300}
    assert frame.CREATION_TIMESTAMP.dtype == np.int64
    kept = data.items(MOVIES, train, item_ids=[10, "50"])
    assert kept.ITEM_ID.tolist() == ["10", "50"]


@needs_small
def test_frames_import_into_the_emulator_as_csv(shared_data):
    """to_csv(index=False) of the frames passes the service's CSV rules under the schemas."""
    frame = data.interactions(data.load_ratings())
    movies = data.load_movies()
    item_frame = data.items(movies, frame)
    for table, schema in ((frame, data.interactions_schema()), (item_frame, data.items_schema())):
        parsed = parse_avro(json.dumps(schema))
        loaded = csv_import.read(table.to_csv(index=False).encode(), parsed, "data.csv")
        assert len(loaded) == len(table)
    loaded = csv_import.read(
        item_frame.to_csv(index=False).encode(), parse_avro(json.dumps(data.items_schema())), "i"
    )
    assert loaded.GENRES.isna().sum() == (movies.genres == data.NO_GENRES).sum() == 34
    assert loaded.YEAR.isna().sum() == item_frame.YEAR.isna().sum() == 13


@pytest.mark.parametrize(
    ("schema", "kind"),
    [
        (data.interactions_schema, "INTERACTIONS"),
        (data.items_schema, "ITEMS"),
        (data.users_schema, "USERS"),
    ],
)
def test_schemas_are_valid_for_their_dataset_type(schema, kind):
    document = schema()
    parsed = parse_avro(json.dumps(document))
    check_dataset_schema(parsed, kind, None)
    assert document["namespace"] == "com.amazonaws.personalize.schema"
    assert schema() == document and schema() is not document  # a fresh dict each time


def test_schema_fields_match_the_frames():
    assert [f["name"] for f in data.interactions_schema()["fields"]] == list(
        data.interactions(RATINGS).columns
    )
    assert [f["name"] for f in data.items_schema()["fields"]] == list(
        data.items(MOVIES, data.interactions(RATINGS)).columns
    )
    genres = next(f for f in data.items_schema()["fields"] if f["name"] == "GENRES")
    assert genres["categorical"] is True


# ------------------------------------------------------------------------------ warm / cold
def test_warm_cold_split_is_seeded_and_complete():
    ids = [str(i) for i in range(1, 101)] * 3  # duplicates, as in an interactions column
    warm, cold = data.warm_cold_split(ids, 0.5, seed=7)
    again_warm, again_cold = data.warm_cold_split(list(reversed(ids)), 0.5, seed=7)
    assert np.array_equal(warm, again_warm) and np.array_equal(cold, again_cold)
    assert len(warm) == len(cold) == 50
    assert set(warm).isdisjoint(cold) and set(warm) | set(cold) == set(ids)
    assert list(warm) == sorted(warm)
    other_warm, _ = data.warm_cold_split(ids, 0.5, seed=8)
    assert not np.array_equal(warm, other_warm)
    warm, cold = data.warm_cold_split(range(7), 0.5, seed=1)  # floor, like len // 2
    assert (len(warm), len(cold)) == (4, 3)
    assert len(data.warm_cold_split(range(10), 0.1, seed=1)[1]) == 1
    assert len(data.warm_cold_split(range(10), 0.0, seed=1)[1]) == 0
    with pytest.raises(ValueError):
        data.warm_cold_split(range(10), 1.5)


def test_newest_items_split_keeps_the_newest_items_cold():
    day = 86_400
    frame = pd.DataFrame(
        {
            "ITEM_ID": ["a", "b", "c", "d", "a", "e", "c"],
            "TIMESTAMP": [1 * day, 2 * day, 5 * day, 4 * day, 9 * day, 5 * day, 0],
        }
    )
    # First ratings: c 0, a 1, b 2, d 4, e 5: the newest two are d and e.
    warm, cold, cutoff = data.newest_items_split(frame, cold_fraction=0.4)
    assert list(cold) == ["d", "e"] and list(warm) == ["a", "b", "c"]
    assert cutoff == pd.Timestamp(4 * day, unit="s", tz="UTC")
    shuffled = frame.sample(frac=1.0, random_state=3)
    again = data.newest_items_split(shuffled, cold_fraction=0.4)
    assert list(again[0]) == list(warm) and list(again[1]) == list(cold)
    warm, cold, cutoff = data.newest_items_split(frame, cold_fraction=0.0)
    assert len(cold) == 0 and len(warm) == 5 and pd.isna(cutoff)
    with pytest.raises(ValueError):
        data.newest_items_split(frame, cold_fraction=1.5)


@needs_small
def test_newest_items_split_on_movielens_keeps_old_classics_warm(shared_data):
    frame = data.interactions(data.load_ratings())
    warm, cold, cutoff = data.newest_items_split(frame, cold_fraction=0.1)
    assert len(cold) == frame.ITEM_ID.nunique() // 10
    assert "1" in set(warm)  # Toy Story (1995) was rated from the start
    first = frame.groupby("ITEM_ID").TIMESTAMP.min()
    assert first[list(cold)].min() >= first[list(warm)].max()
    assert first[list(cold)].min() == cutoff.timestamp()


# ------------------------------------------------------------------------------ temporal holdout
def user_frame(user: str, times: list[int]) -> pd.DataFrame:
    return pd.DataFrame(
        {"USER_ID": user, "ITEM_ID": [f"{user}-{i}" for i in range(len(times))], "TIMESTAMP": times}
    )


@pytest.mark.parametrize(
    ("n", "held"), [(1, 1), (5, 1), (9, 1), (10, 1), (11, 2), (20, 2), (25, 3)]
)
def test_holdout_takes_the_latest_tenth_of_each_user(n, held):
    times = list(np.random.default_rng(n).permutation(np.arange(1000, 1000 + n)))
    frame = pd.concat([user_frame("a", times), user_frame("b", list(range(40)))])
    train, holdout = data.temporal_holdout(frame)
    mine = holdout[holdout.USER_ID == "a"]
    assert len(mine) == held
    assert mine.TIMESTAMP.min() > train[train.USER_ID == "a"].TIMESTAMP.to_numpy().max(initial=0)
    assert (holdout.USER_ID == "b").sum() == 4
    assert len(train) + len(holdout) == len(frame)


def test_holdout_ties_follow_the_file_order():
    frame = user_frame("a", [5, 1, 9, 9, 9, 2, 3, 4, 6, 7, 8, 9])  # 12 rows → 2 held out
    train, holdout = data.temporal_holdout(frame)
    # The four rows at time 9 are ranked in file order: the last two in the file are held out.
    assert holdout.ITEM_ID.tolist() == ["a-4", "a-11"]
    assert "a-2" in train.ITEM_ID.tolist() and "a-3" in train.ITEM_ID.tolist()
    assert train.ITEM_ID.tolist() == [f"a-{i}" for i in range(12) if i not in (4, 11)]  # order kept


def test_holdout_fraction_and_validation():
    frame = user_frame("a", list(range(10)))
    assert len(data.temporal_holdout(frame, fraction=0.3)[1]) == 3
    for bad in (0.0, 1.0, -0.1):
        with pytest.raises(ValueError):
            data.temporal_holdout(frame, fraction=bad)


@needs_small
def test_holdout_equals_the_original_rule_on_real_data(shared_data):
    frame = data.interactions(data.load_ratings())
    warm, _ = data.warm_cold_split(frame.ITEM_ID, 0.5, seed=42)
    pool = frame[frame.ITEM_ID.isin(warm)]
    train, holdout = data.temporal_holdout(pool)
    original = pool.groupby("USER_ID").TIMESTAMP.rank(pct=True, method="first") > 0.9
    pd.testing.assert_frame_equal(holdout, pool[original].reset_index(drop=True))
    pd.testing.assert_frame_equal(train, pool[~original].reset_index(drop=True))
    assert holdout.USER_ID.nunique() == pool.USER_ID.nunique()
