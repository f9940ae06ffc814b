"""EASE closed form and the numerical helpers of the UP engine."""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp

from personalize_local.models import InteractionData
from personalize_local.models.ease import fit_ease, spd_inverse
from personalize_local.models.sequences import (
    Sequences,
    recency_weights,
    repeat_lag_profile,
    repeat_rate,
    successor_matrix,
    transition_matrix,
)


def test_spd_inverse_matches_numpy():
    rng = np.random.default_rng(0)
    a = rng.standard_normal((300, 40)).astype(np.float32)
    g = a @ a.T + 5 * np.eye(300, dtype=np.float32)
    np.testing.assert_allclose(
        spd_inverse(g.copy()), np.linalg.inv(g.astype(np.float64)), rtol=1e-3, atol=1e-6
    )


def test_ease_is_the_closed_form():
    rng = np.random.default_rng(1)
    x = sp.csr_matrix((rng.random((60, 12)) < 0.3).astype(np.float32))
    b, d = fit_ease(x, lam=2.0, threads=2)
    p = np.linalg.inv((x.T @ x).toarray() + 2.0 * np.eye(12))
    expected = -p / np.diag(p)[np.newaxis, :]
    np.fill_diagonal(expected, 0.0)
    np.testing.assert_allclose(b, expected, rtol=1e-3, atol=1e-5)
    np.testing.assert_allclose(d, np.diag(p), rtol=1e-3)
    # x P recovered from B and diag(P), as the sequential term does
    w = rng.random(12)
    np.testing.assert_allclose(d * (w - w @ b), w @ p, rtol=1e-3, atol=1e-6)


def seqs(*histories):
    return Sequences.from_lists([np.array(h) for h in histories])


def test_recency_weights_half_life_and_window():
    w = recency_weights(np.array([0.0, 5.0, 10.0, 200.0]), 5.0, 128)
    np.testing.assert_allclose(w, [1.0, 0.5, 0.25, 0.0])
    np.testing.assert_allclose(recency_weights(np.array([0.0, 9.0]), None, 10), [1.0, 1.0])


def test_transitions_count_followers_within_the_window():
    t = transition_matrix(seqs([0, 1, 2, 3, 4]), 5, window=2, top_k=None).toarray()
    assert t[0, 1] > 0 and t[0, 2] > 0 and t[0, 3] == 0
    assert t[1, 0] == 0  # only forward in time


def test_successors_decay_with_lag():
    s = successor_matrix(seqs([0, 1, 2]), 3, max_lag=5, half_life=1.0).toarray()
    assert s[0, 1] == 1.0 and s[0, 2] == 0.5 and s[2, 0] == 0.0


def test_repeat_statistics():
    assert repeat_rate(seqs([0, 1, 2], [3, 4])) == 0.0
    s = seqs([0, 0, 1, 1, 2, 2])
    assert repeat_rate(s) == 0.5
    np.testing.assert_allclose(repeat_lag_profile(s, 3), [1.0, 0.0, 0.0])


def test_sequences_follow_time_then_file_order():
    frame = pd.DataFrame({"USER_ID": ["u"] * 3, "ITEM_ID": ["x", "y", "z"], "TIMESTAMP": [9, 1, 9]})
    data = InteractionData.from_frames(frame)
    s = Sequences.from_data(data)
    assert [data.items[i] for i in s.items] == ["y", "x", "z"]
    assert s.last_items()[0] == 2
