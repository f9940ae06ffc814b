"""SIMS: the sequential co-occurrence term and the RELATED_ITEMS GetSolutionMetrics protocol."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from personalize_local.evaluation import metrics as M
from personalize_local.evaluation import solution_metrics
from personalize_local.evaluation.holdout import FRACTION, LAST
from personalize_local.evaluation.solution_metrics import default_holdout, user_split
from personalize_local.models import InteractionData, train
from personalize_local.models import sims as S
from personalize_local.models.registry import prepare
from personalize_local.models.sequences import Sequences, binary_matrix
from tests.recipes import served
from tests.recipes.synthetic import clustered


def seqs_of(*histories: list[int]) -> Sequences:
    return Sequences.from_lists([np.array(h) for h in histories])


# ---------------------------------------------------------------- NDCG's ideal list
def hits_at(ranks: list[int], k: int = 25) -> np.ndarray:
    h = np.zeros((1, k))
    h[0, [r - 1 for r in ranks]] = 1
    return h


@pytest.mark.parametrize(("k", "expected"), [(5, 0.6309), (10, 0.5912), (25, 0.5912)])
def test_ndcg_retrieved_ideal_sorts_the_top_k(k, expected):
    # R = 3, hits at ranks 2 and 7: the ideal is the top k with its own hits moved up.
    got = M.ndcg_at_k(hits_at([2, 7]), np.array([3]), k, ideal=M.RETRIEVED)
    assert round(got, 4) == expected


@pytest.mark.parametrize("ranks", [[1], [3], [12], [], [2, 5]])
def test_ndcg_ideals_agree_when_every_relevant_item_can_be_hit(ranks):
    n_rel = np.array([max(len(ranks), 1)])
    h = hits_at(ranks)
    for k in (5, 10, 25):
        assert M.ndcg_at_k(h, n_rel, k, M.RETRIEVED) == pytest.approx(
            M.ndcg_at_k(h, n_rel, k, M.RELEVANT)
        )


def test_ndcg_retrieved_is_zero_without_relevant_items_and_rejects_unknown_ideals():
    assert M.ndcg_at_k(hits_at([]), np.array([0]), 10, M.RETRIEVED) == 0.0
    with pytest.raises(ValueError):
        M.ndcg_at_k(hits_at([1]), np.array([1]), 10, "best")


# ------------------------------------------------------------- sequential co-occurrence
def test_first_interactions_keep_the_first_of_each_item_in_order():
    out = S.first_interactions(seqs_of([3, 1, 3, 2, 1], [2, 2]))
    assert out.indptr.tolist() == [0, 3, 4]
    assert out.items.tolist() == [3, 1, 2, 2]


def test_sequential_cooccurrence_weights_pairs_by_distance():
    s = S.sequential_cooccurrence(seqs_of([0, 1, 2, 3]), 4, window=2).toarray()
    np.testing.assert_allclose(s, s.T)
    assert s[0, 1] == s[1, 2] == s[2, 3] == 1.0  # adjacent: weight 1
    assert s[0, 2] == s[1, 3] == 0.5  # two apart: 1 − 1/2
    assert s[0, 3] == 0.0  # beyond the window
    assert np.all(np.diag(s) == 0)


def test_sequential_cooccurrence_window_shrinks_to_the_pair_budget(monkeypatch):
    monkeypatch.setattr(S, "MAX_SEQUENCE_PAIRS", 8)
    # 8 pairs for 4 events: the window of 3 becomes 2 (two apart weighs 1 − 1/2).
    s = S.sequential_cooccurrence(seqs_of([0, 1, 2, 3]), 4, window=3).toarray()
    assert (s[0, 1], s[0, 2], s[0, 3]) == (1.0, 0.5, 0.0)


def test_without_the_sequential_term_the_model_is_plain_cooccurrence():
    data = clustered()
    x = binary_matrix(Sequences.from_data(data), data.n_items)
    model = S.SimsModel.fit(data, 0.5, 3, sequence_weight=0.0)
    plain = S.cooccurrence_neighbours(x, 3, 0.5)
    assert (model.neighbours != plain).nnz == 0


def test_min_cointeraction_count_also_bounds_the_sequential_pairs():
    # Items 0 and 1 are adjacent in one history only: C_01 = 1 < 2, so no score at all.
    data = InteractionData.from_frames(
        pd.DataFrame(
            {
                "USER_ID": ["a", "a", "a", "b", "b", "c", "c"],
                "ITEM_ID": ["0", "1", "2", "1", "2", "1", "2"],
                "TIMESTAMP": [1, 2, 3, 1, 2, 1, 2],
            }
        )
    )
    model = S.SimsModel.fit(data, 0.5, 2)
    row = model.neighbours[int(model.item_index(["0"])[0])]
    assert row.nnz == 0
    row = model.neighbours[int(model.item_index(["1"])[0])]
    assert list(model.item_ids[row.indices]) == ["2"]


def test_items_taken_up_together_rank_above_items_far_apart():
    # Every user takes "q" then "near" right after, and "far" 60 positions later: both
    # co-occur with q in every history, but only "near" in the same stretch.
    rows = []
    for u in range(20):
        seq = ["q", "near"] + [f"f{u}_{k}" for k in range(60)] + ["far"]
        rows += [(f"u{u}", item, t) for t, item in enumerate(seq)]
    data = InteractionData.from_frames(
        pd.DataFrame(rows, columns=["USER_ID", "ITEM_ID", "TIMESTAMP"])
    )
    model = train("aws-sims", data, {}, {}, seed=0)
    ids = served.related(served.deployed(model), "q", n=2).ids
    assert ids[0] == "near"
    plain = S.SimsModel.fit(data, 0.5, 3, sequence_weight=0.0)
    scores = plain.score_related("q")
    index = plain.item_index(["near", "far"])
    assert scores[index[0]] == pytest.approx(scores[index[1]], rel=1e-4)


# --------------------------------------------------------------- the metrics protocol
@pytest.fixture(scope="module")
def long_histories() -> InteractionData:
    return clustered(items_per_cluster=40, events_per_user=30)


def test_current_recipes_default_to_the_newest_ten_percent(long_histories):
    sims = prepare("aws-sims", long_histories, {}, {})
    up = prepare("aws-user-personalization", long_histories, {}, {})
    hrnn = prepare("aws-hrnn", long_histories, {}, {})
    assert default_holdout(sims) == default_holdout(up) == FRACTION
    assert default_holdout(hrnn) == LAST  # the legacy recipes' real runs used the last item
    split = user_split(sims, 0)
    assert all(len(t) == 3 for t in split.truths)  # the newest 3 of 30 first interactions
    assert all(not np.isin(t, i).any() for i, t in zip(split.inputs, split.truths, strict=True))


def test_sims_metrics_can_exceed_the_single_item_precision_bound(long_histories):
    newest = solution_metrics("aws-sims", long_histories, {}, {}, 0)
    last = solution_metrics("aws-sims", long_histories, {}, {}, 0, holdout=LAST)
    # One relevant item caps precision@25 at 1/25; the real SIMS runs report more.
    assert last["precision_at_25"] <= 0.04
    assert newest["precision_at_25"] > 0.04
    assert 0 < newest["normalized_discounted_cumulative_gain_at_10"] <= 1
