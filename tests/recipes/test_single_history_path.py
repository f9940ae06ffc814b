"""The UP engine's single-history path (serving) answers as its batch path (evaluation)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from personalize_local.models import InteractionData
from personalize_local.models.engine import EngineSettings, UserPersonalizationModel
from personalize_local.models.sequences import Sequences
from tests.recipes.synthetic import clustered, repeat_frames


def histories(data: InteractionData) -> tuple[list[np.ndarray], list[np.ndarray]]:
    seqs = Sequences.from_data(data)
    spans = list(zip(seqs.indptr[:-1], seqs.indptr[1:], strict=True))
    return (
        [seqs.items[a:b].astype(np.int64) for a, b in spans],
        [seqs.weights[a:b] for a, b in spans],
    )


def same_scores(
    model: UserPersonalizationModel, items: list[np.ndarray], weights: list[np.ndarray]
) -> None:
    batch = model.score_histories(items, weights)
    for row, (idx, w) in enumerate(zip(items, weights, strict=True)):
        one = model.score_history(idx, w)
        assert one.dtype == batch.dtype == np.float32
        np.testing.assert_array_equal(np.isneginf(one), np.isneginf(batch[row]))
        finite = np.isfinite(one)
        np.testing.assert_allclose(one[finite], batch[row][finite], rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize(
    "settings",
    [
        EngineSettings(),
        EngineSettings(half_life=None, window=2**31 - 1, beta=0.0, gamma=0.0),  # recency off
        EngineSettings(successor_top_k=None, min_item_support=2),
    ],
)
def test_never_repeating_data(settings: EngineSettings) -> None:
    data = clustered(events_per_user=10)
    model = UserPersonalizationModel.fit(data, settings, seed=0)
    assert model.scores_one_directly and model.repeat < settings.repeat_floor
    items, weights = histories(data)
    # Whole histories, prefixes, a history of one and one event weighted 0.5.
    weights[3] = weights[3] * np.float32(0.5)
    same_scores(
        model,
        items + [h[:4] for h in items[:20]] + [items[0][-1:]],
        weights + [w[:4] for w in weights[:20]] + [weights[0][-1:]],
    )
    empty = model.score_history(np.zeros(0, np.int64))
    np.testing.assert_array_equal(empty, model.score_histories([np.zeros(0, np.int64)])[0])


def test_repeating_data_and_rewards() -> None:
    data = InteractionData.from_frames(repeat_frames())
    rewards = np.linspace(0, 1, data.n_items)
    model = UserPersonalizationModel.fit(
        data, EngineSettings(), seed=0, rewards=rewards, reward_weight=0.25
    )
    assert model.repeat >= model.settings.repeat_floor  # the repeat mix path
    items, weights = histories(data)
    same_scores(model, items, weights)


def test_successors_keep_their_largest_entries() -> None:
    data = clustered(events_per_user=10)
    full = UserPersonalizationModel.fit(
        data, dataclasses.replace(EngineSettings(), successor_top_k=None), seed=0
    )
    kept = UserPersonalizationModel.fit(
        data, dataclasses.replace(EngineSettings(), successor_top_k=3), seed=0
    )
    assert np.diff(kept.successors.indptr).max() == 3
    for row in range(full.successors.shape[0]):
        dense = full.successors[row].toarray().ravel()
        top = np.sort(dense[dense > 0])[::-1][:3]
        np.testing.assert_allclose(np.sort(kept.successors[row].data)[::-1], top)
    assert (kept.successors_t != kept.successors.T).nnz == 0


def test_models_without_the_path_score_a_batch_of_one() -> None:
    data = clustered()
    small = dataclasses.replace(EngineSettings(), max_ease_items=5, factors=8)  # the ALS path
    model = UserPersonalizationModel.fit(data, small, seed=0)
    assert not model.scores_one_directly
    items, weights = histories(data)
    np.testing.assert_array_equal(
        model.score_history(items[0], weights[0]),
        model.score_histories([items[0]], [weights[0]])[0],
    )
