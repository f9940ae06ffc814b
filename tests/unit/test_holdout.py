"""Holdout splits of GetSolutionMetrics."""

from __future__ import annotations

import numpy as np
import pandas as pd

from personalize_local.evaluation.holdout import (
    choose_test_users,
    dedupe_first,
    hold_out_users,
    split_history,
    split_per_user,
)
from personalize_local.models import InteractionData


def frame(n_users: int = 50, length: int = 10) -> InteractionData:
    rows = [
        (f"u{u}", f"i{(u + t) % 17}", 1000 + t, "x") for u in range(n_users) for t in range(length)
    ]
    return InteractionData.from_frames(
        pd.DataFrame(rows, columns=["USER_ID", "ITEM_ID", "TIMESTAMP", "EVENT_TYPE"])
    )


def test_ten_percent_of_users_seeded():
    data = frame(50)
    a, b, c = (choose_test_users(data, s) for s in (1, 1, 2))
    assert len(a) == 5
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def test_users_with_one_event_are_never_test_users():
    rows = [("solo", "i1", 5)] + [(f"u{u}", f"i{t}", t) for u in range(20) for t in range(3)]
    data = InteractionData.from_frames(
        pd.DataFrame(rows, columns=["USER_ID", "ITEM_ID", "TIMESTAMP"])
    )
    for seed in range(20):
        assert "solo" not in data.users[choose_test_users(data, seed)]


def test_last_and_fraction_truth():
    items = np.arange(20)
    inp, truth = split_history(items, "last")
    assert list(truth) == [19] and len(inp) == 19
    inp, truth = split_history(items, "fraction")
    assert list(truth) == [18, 19]  # rank / n > 0.9
    inp, truth = split_history(np.arange(3), "fraction")
    assert list(truth) == [2]


def test_ties_keep_file_order():
    rows = [("u", "a", 5), ("u", "b", 5), ("u", "c", 1)] + [(f"v{n}", "a", 1) for n in range(30)]
    data = InteractionData.from_frames(
        pd.DataFrame(rows, columns=["USER_ID", "ITEM_ID", "TIMESTAMP"])
    )
    order = data.chronological()
    u_rows = order[data.user_idx[order] == 0]
    assert [data.items[i] for i in data.item_idx[u_rows]] == ["c", "a", "b"]


def test_hold_out_users_partitions_the_data():
    data = frame(40)
    split = hold_out_users(data, seed=3)
    test_users = set(split.test_users)
    assert not test_users & set(np.unique(split.train.user_idx))
    assert len(split.train) == len(data) - 10 * len(test_users)
    assert all(len(i) == 9 and len(t) == 1 for i, t in zip(split.inputs, split.truths, strict=True))


def test_segmentation_split_is_80_20_per_user():
    train, test = split_per_user(frame(10, length=10))
    assert len(train) == 80 and len(test) == 20
    assert (np.bincount(test.user_idx) == 2).all()


def test_dedupe_keeps_first_occurrence():
    rows = [("u", "a", 1), ("u", "a", 2), ("u", "b", 3), ("w", "a", 4)]
    data = InteractionData.from_frames(
        pd.DataFrame(rows, columns=["USER_ID", "ITEM_ID", "TIMESTAMP"])
    )
    out = dedupe_first(data)
    assert sorted(out.timestamp.tolist()) == [1, 3, 4]
