"""GetSolutionMetrics end to end on synthetic data with a known answer."""

from __future__ import annotations

import pandas as pd
import pytest

from personalize_local.evaluation import solution_metrics
from personalize_local.models import InteractionData, train
from tests.recipes import served
from tests.recipes.conformance import ITEM_LIST_KEYS
from tests.recipes.synthetic import clustered, clustered_frames, item_id


@pytest.fixture(scope="module")
def data():
    return clustered(users_per_cluster=40)


def test_a_learning_model_beats_popularity(data):
    up = solution_metrics("aws-user-personalization", data, {}, {}, seed=0)
    pop = solution_metrics("aws-popularity-count", data, {}, {}, seed=0)
    assert set(up) == ITEM_LIST_KEYS
    assert up["precision_at_10"] > 2 * pop["precision_at_10"]
    assert up["coverage"] > pop["coverage"]


def test_fraction_holdout_has_more_truth():
    long = clustered(items_per_cluster=30, events_per_user=20)  # truth = the newest 2 events
    last = solution_metrics("aws-user-personalization", long, {}, {}, 0, holdout="last")
    frac = solution_metrics("aws-user-personalization", long, {}, {}, 0, holdout="fraction")
    assert frac["precision_at_25"] > last["precision_at_25"]


def test_objective_adds_average_rewards():
    inter, items = clustered_frames()
    items["PRICE"] = range(len(items))
    data = InteractionData.from_frames(inter, items)
    cfg = {"optimizationObjective": {"itemAttribute": "PRICE", "objectiveSensitivity": "HIGH"}}
    high = solution_metrics("aws-user-personalization", data, {}, {}, 0, solution_config=cfg)
    off = solution_metrics(
        "aws-user-personalization",
        data,
        {},
        {},
        0,
        solution_config={
            "optimizationObjective": {"itemAttribute": "PRICE", "objectiveSensitivity": "OFF"}
        },
    )
    assert 0 < off["average_rewards_at_k"] < high["average_rewards_at_k"] <= 1


def test_ranking_reorders_the_popular_candidates(data):
    """Personalized-Ranking ranks one fixed list, the most popular training items, for every
    test user (never the user's own truth): its lists hold popularity's 25 items, reordered."""
    ranking = solution_metrics("aws-personalized-ranking", data, {}, {}, seed=0)
    pop = solution_metrics("aws-popularity-count", data, {}, {}, seed=0)
    up = solution_metrics("aws-user-personalization", data, {}, {}, seed=0)
    assert ranking["coverage"] == pop["coverage"]
    assert ranking["precision_at_25"] == pop["precision_at_25"]  # same items, other order
    assert ranking["mean_reciprocal_rank_at_25"] < up["mean_reciprocal_rank_at_25"]


def test_simultaneous_event_types_are_one_step():
    """A click and a watch of one item at one timestamp are one step of the sequence: the held
    out truth is never the copy of the input's last event."""
    inter, items = clustered_frames()
    watch = inter.assign(EVENT_TYPE="watch")
    doubled = InteractionData.from_frames(
        pd.concat([inter.assign(EVENT_TYPE="click"), watch], ignore_index=True), items
    )
    single = InteractionData.from_frames(inter.assign(EVENT_TYPE="click"), items)
    a = solution_metrics("aws-user-personalization", doubled, {}, {}, 0)
    b = solution_metrics("aws-user-personalization", single, {}, {}, 0)
    assert a == b


def test_hrnn_ranking_reads_every_event_and_learns_repeats():
    """Personalized-Ranking (HRNN-based) reads a click and a watch of one moment as two steps,
    so it learns that items repeat and ranks the item the user just had first; trained on one
    event per action it ranks the items the user had last. User-Personalization reads one
    step either way."""
    inter, items = clustered_frames()
    doubled = InteractionData.from_frames(
        pd.concat(
            [inter.assign(EVENT_TYPE="click"), inter.assign(EVENT_TYPE="watch")],
            ignore_index=True,
        ),
        items,
    )
    single = InteractionData.from_frames(inter.assign(EVENT_TYPE="click"), items)
    assert train("aws-personalized-ranking", doubled, {}, {}, seed=0).repeat > 0.4
    assert train("aws-user-personalization", doubled, {}, {}, seed=0).repeat == 0
    assert train("aws-personalized-ranking", single, {}, {}, seed=0).repeat == 0
    # A user who just had i0_0 … i0_2 (a click and a watch each); the list also holds their
    # cluster's other items.
    had = [item_id(0, k) for k in range(3)]
    user = served.history([i for i in had for _ in range(2)], times=[0, 0, 1, 1, 2, 2])
    candidates = [item_id(0, k) for k in range(12)]

    def ranked(data: InteractionData) -> list[str]:
        model = train("aws-personalized-ranking", data, {}, {}, seed=0)
        return served.rank(served.deployed(model), user, candidates).ids

    # The pairs repeat at once (a watch right after its click): the latest item comes first.
    assert ranked(doubled)[0] == had[-1]
    assert set(ranked(single)[-3:]) == set(had)


def test_coverage_counts_metadata_only_items():
    inter, items = clustered_frames()
    extra = pd.DataFrame(
        {
            "ITEM_ID": [f"x{k}" for k in range(1000)],
            "GENRES": "none",
            "YEAR": 2000,
            "CREATION_TIMESTAMP": 0,
        }
    )
    small = InteractionData.from_frames(inter, items)
    large = InteractionData.from_frames(inter, pd.concat([items, extra], ignore_index=True))
    a = solution_metrics("aws-sims", small, {}, {}, 0)["coverage"]
    b = solution_metrics("aws-sims", large, {}, {}, 0)["coverage"]
    assert b < a


def test_hrnn_based_recipes_score_ndcg_with_the_original_discount(data):
    """The legacy HRNN recipes and Personalized-Ranking (HRNN-based) use the original discount,
    the other recipes the guide's; only NDCG changes with it."""
    hrnn = solution_metrics("aws-hrnn", data, {}, {}, seed=0)
    guide = solution_metrics("aws-hrnn", data, {}, {}, seed=0, discount="standard")
    ndcg = [f"normalized_discounted_cumulative_gain_at_{k}" for k in (5, 10, 25)]
    assert all(hrnn[key] == guide[key] for key in set(hrnn) - set(ndcg))
    assert all(hrnn[key] > guide[key] for key in ndcg)
    up = solution_metrics("aws-user-personalization", data, {}, {}, seed=0)
    as_hrnn = solution_metrics("aws-user-personalization", data, {}, {}, 0, discount="original")
    assert all(up[key] < as_hrnn[key] for key in ndcg)
    ranking = solution_metrics("aws-personalized-ranking", data, {}, {}, seed=0)
    ranking_guide = solution_metrics(
        "aws-personalized-ranking", data, {}, {}, 0, discount="standard"
    )
    assert all(ranking[key] >= ranking_guide[key] for key in ndcg)
    assert ranking["mean_reciprocal_rank_at_25"] == ranking_guide["mean_reciprocal_rank_at_25"]
